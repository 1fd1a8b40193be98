//! Asking the agent's knowledge: ranked posts, the top comments on them, research findings
//! (kept by research over stand-in sources), bad questions refused, and another tenant shown
//! nothing.

use ace_app::knowledge::research::{NO_SOURCE, research};
use ace_app::{Actor, Via};
use ace_fixtures::{ProviderApi, reply_json};
use ace_providers::remote::config::ProvidersConfig;
use ace_sources::Topic;
use serde_json::{Value, json};

use super::import;
use crate::contract;
use crate::harness::{Member, TestApp};

/// Three skincare posts (views 5000, 900, 40) and one about cooking, with comments.
const KNOWLEDGE: &str = concat!(
    r#"{"platform":"tiktok","id":"p1","author":"glowlab","text":"skincare serum routine","views":900,"likes":90,"comments":3}"#,
    "\n",
    r#"{"platform":"tiktok","id":"p2","author":"dermdoc","text":"skincare myths","views":5000,"likes":100}"#,
    "\n",
    r#"{"platform":"youtube","id":"p3","author":"glowlab","text":"night skincare","views":40,"likes":20}"#,
    "\n",
    r#"{"platform":"tiktok","id":"p4","author":"chef","text":"pasta tonight","views":99000}"#,
    "\n",
    r#"{"platform":"tiktok","id":"k1","post_id":"p1","text":"which serum?","likes":30}"#,
    "\n",
    r#"{"platform":"tiktok","id":"k2","post_id":"p1","text":"love the serum","likes":70}"#,
    "\n",
    r#"{"platform":"tiktok","id":"k3","post_id":"p4","text":"yum","likes":500}"#,
    "\n"
);

async fn knowledge_of(app: &TestApp) {
    import(
        &app.owner.client,
        app.owner.agent_id.get(),
        "k.ndjson",
        KNOWLEDGE.into(),
        None,
    )
    .await
    .expect(202);
    app.drain_due_jobs().await;
}

fn actor(member: &Member) -> Actor {
    Actor {
        user_id: member.user_id,
        via: Via::Jwt,
        user: None,
    }
}

fn texts(posts: &Value) -> Vec<&str> {
    posts["posts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|post| post["text"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_knowledge_answers_ranked_posts_and_the_top_comments_on_them() {
    let app = TestApp::spawn().await;
    knowledge_of(&app).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let base = format!("/v1/agents/{agent}/knowledge");

    let by_views = client
        .get(&format!("{base}/posts?q=skincare&days=7"))
        .await
        .expect(200);
    contract().assert_conforms("searchKnowledgePosts", 200, &by_views.body);
    assert_eq!(
        texts(&by_views.body),
        ["skincare myths", "skincare serum routine", "night skincare"]
    );
    let top = &by_views.body["posts"][0];
    assert_eq!(top["metrics"]["views"], 5000);
    assert_eq!(top["engagement_rate"], json!(0.02));
    assert_eq!(top["platform"], "tiktok");

    let engaging = client
        .get(&format!("{base}/posts?q=skincare&rank=engagement&limit=1"))
        .await
        .expect(200);
    assert_eq!(texts(&engaging.body), ["night skincare"]);
    let from_author = client
        .get(&format!("{base}/posts?author=%40GlowLab&platform=tiktok"))
        .await
        .expect(200);
    assert_eq!(texts(&from_author.body), ["skincare serum routine"]);

    let serum = from_author.body["posts"][0]["id"].as_i64().unwrap();
    let comments = client
        .get(&format!("{base}/comments?post_ids={serum}"))
        .await
        .expect(200);
    contract().assert_conforms("topKnowledgeComments", 200, &comments.body);
    let liked: Vec<&Value> = comments.body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(liked.len(), 2, "only the comments on that post");
    assert_eq!(liked[0]["text"], "love the serum");
    assert_eq!(liked[0]["post_platform_id"], "p1");
    let asking = client
        .get(&format!("{base}/comments?post_ids={serum}&q=which"))
        .await
        .expect(200);
    assert_eq!(asking.body["comments"][0]["text"], "which serum?");

    let none = client.get(&format!("{base}/findings")).await.expect(200);
    contract().assert_conforms("searchKnowledgeFindings", 200, &none.body);
    assert_eq!(none.body["findings"], json!([]));
}

#[tokio::test]
async fn bad_questions_to_the_knowledge_get_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let base = format!("/v1/agents/{}/knowledge", app.owner.agent_id);
    for (query, field) in [
        ("posts?platform=facebook", "platform"),
        ("posts?rank=best", "rank"),
        ("posts?limit=0", "limit"),
        ("posts?limit=101", "limit"),
        ("posts?days=-1", "days"),
        ("posts?user_job_id=abc", "user_job_id"),
        ("comments", "post_ids"),
        ("comments?post_ids=1,x", "post_ids"),
        ("comments?post_ids=", "post_ids"),
        ("findings?limit=500", "limit"),
    ] {
        let reply = client
            .get(&format!("{base}/{query}"))
            .await
            .expect_error(422, "validation_error");
        let message = reply.body["error"].as_str().unwrap();
        assert!(message.contains(field), "{query}: {message}");
    }
    client
        .get("/v1/agents/999999/knowledge/posts")
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn another_tenant_asks_the_knowledge_and_finds_no_agent() {
    let app = TestApp::spawn().await;
    knowledge_of(&app).await;
    let agent = app.owner.agent_id;
    let stranger = app.user("Stranger").await;
    let theirs = &stranger.client;
    for route in ["posts", "comments?post_ids=1", "findings"] {
        theirs
            .get(&format!("/v1/agents/{agent}/knowledge/{route}"))
            .await
            .expect_error(404, "not_found");
    }
    let own = theirs
        .get(&format!("/v1/agents/{}/knowledge/posts", stranger.agent_id))
        .await
        .expect(200);
    assert_eq!(
        own.body["posts"],
        json!([]),
        "their agent knows nothing of ours"
    );
    let our_post = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}/knowledge/posts?limit=1"))
        .await
        .expect(200)
        .body["posts"][0]["id"]
        .as_i64()
        .unwrap();
    let through_theirs = theirs
        .get(&format!(
            "/v1/agents/{}/knowledge/comments?post_ids={our_post}",
            stranger.agent_id
        ))
        .await
        .expect(200);
    assert_eq!(through_theirs.body["comments"], json!([]));

    let denied = research(
        &app.app,
        &actor(&stranger),
        agent,
        &Topic::new("skincare", 7, 5),
    )
    .await
    .unwrap_err();
    assert_eq!(denied.code.as_str(), "permission_denied");
    let asked =
        ace_app::knowledge::ask::posts(&app.app, &actor(&stranger), agent, &Default::default())
            .await
            .unwrap_err();
    assert_eq!(asked.code.as_str(), "not_found");
}

#[tokio::test]
async fn research_keeps_what_each_source_finds_and_reports_the_one_that_failed() {
    let hacker_news = ProviderApi::start(|_, _| {
        reply_json(200, &json!({"hits": [{
            "objectID": "7", "title": "Sunscreen filters compared", "url": "https://example.org/filters",
            "points": 88, "num_comments": 12, "created_at_i": 1_796_000_000
        }]}))
    })
    .await;
    let brave = ProviderApi::start(|_, _| reply_json(401, &json!({"message": "bad token"}))).await;
    let config = ProvidersConfig::from_toml(
        &format!(
            "[providers.hackernews]\nbase_url = \"{}\"\n[providers.brave]\nbase_url = \"{}\"\napi_key = \"brave-key-123456\"\n",
            hacker_news.url, brave.url
        ),
        [],
    )
    .unwrap();
    let app = TestApp::builder().providers(&config).spawn().await;
    let agent = app.owner.agent_id;
    let topic = Topic::new("sunscreen filters", 7, 5);

    let researched = research(&app.app, &actor(&app.owner), agent, &topic)
        .await
        .unwrap();
    assert_eq!(researched.findings.len(), 1);
    assert!(researched.findings[0].new);
    assert_eq!(researched.unanswered.len(), 1);
    assert_eq!(researched.unanswered[0].source, "web");
    assert!(
        researched.unanswered[0]
            .reason
            .contains("refused the API key"),
        "{:?}",
        researched.unanswered
    );
    let again = research(&app.app, &actor(&app.owner), agent, &topic)
        .await
        .unwrap();
    assert!(
        !again.findings[0].new,
        "the same page is known, not doubled"
    );

    let found = app
        .owner
        .client
        .get(&format!(
            "/v1/agents/{agent}/knowledge/findings?q=sunscreen"
        ))
        .await
        .expect(200);
    let findings = found.body["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["source"], "hacker_news");
    assert_eq!(findings[0]["url"], "https://example.org/filters");
    assert_eq!(findings[0]["topic"], "sunscreen filters");
    assert!(
        findings[0]["excerpt"]
            .as_str()
            .unwrap()
            .contains("88 points")
    );
}

#[tokio::test]
async fn research_without_a_source_says_which_setting_adds_one() {
    let app = TestApp::spawn().await;
    let researched = research(
        &app.app,
        &actor(&app.owner),
        app.owner.agent_id,
        &Topic::new("anything", 0, 5),
    )
    .await
    .unwrap();
    assert!(researched.findings.is_empty());
    assert_eq!(researched.unanswered[0].reason, NO_SOURCE);
    assert!(NO_SOURCE.contains("ACE_PROVIDER_HACKERNEWS_API"));
}
