//! The knowledge base at a realistic size, on SQLite and on PostgreSQL: 5,000 posts and 20,000
//! comments across three platforms, read by the import reader and stored as an import stores
//! them, then asked the agent's ranked questions. Every answer must be the one worked out
//! from the corpus itself, on both databases.

use ace_db::knowledge;
use ace_db::{ConnectOptions, Database};
use ace_domain::ids::AgentId;
use ace_domain::knowledge::content::{Comment, Post};
use ace_domain::knowledge::monitoring::Platform;
use ace_domain::knowledge::query::{PostQuery, Ranking, search_terms};
use ace_fixtures::{CORPUS_NOW, TestDatabase, social_corpus};
use ace_sources::import::{self, Item};
use chrono::{DateTime, TimeDelta, Utc};

async fn stored_corpus() -> (Database, TestDatabase, AgentId, Vec<Post>, Vec<Comment>) {
    let test = TestDatabase::create().await;
    let db = Database::connect(test.url(), &ConnectOptions::default())
        .await
        .unwrap();
    db.migrate().await.unwrap();
    let corpus = social_corpus(5_000, 20_000, 7);
    let read = import::read(&corpus.ndjson(), None);
    assert!(read.problems.is_empty(), "{:?}", &read.problems[..1]);
    let mut posts = Vec::new();
    let mut comments = Vec::new();
    for item in read.items {
        match item {
            Item::Post(post) => posts.push(post),
            Item::Comment(comment) => comments.push(comment),
        }
    }
    let agent = agent(&db).await;
    let now = now();
    let mut tx = db.begin().await.unwrap();
    let stored = knowledge::store_posts(&mut tx, agent, &posts, None, now)
        .await
        .unwrap();
    assert!(stored.iter().all(|post| post.new));
    knowledge::store_comments(&mut tx, agent, &comments, now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (db, test, agent, posts, comments)
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(CORPUS_NOW).unwrap().into()
}

async fn agent(db: &Database) -> AgentId {
    use ace_db::agents::{self, NewAgent};
    use ace_db::organizations::{self, NewOrganization};
    let mut conn = db.writer().await.unwrap();
    let org = organizations::insert(
        &mut conn,
        &NewOrganization {
            uuid: "corpus".into(),
            name: "Corpus".into(),
            is_personal: false,
            created_by: None,
        },
        now(),
    )
    .await
    .unwrap();
    let agent = agents::insert(
        &mut conn,
        &NewAgent {
            organization_id: org.id,
            created_by: None,
            name: "corpus".into(),
            description: None,
            time_zone: None,
            eleven_lab_api_key: None,
            hume_ai_api_key: None,
        },
        now(),
    )
    .await
    .unwrap();
    agent.id
}

/// Whether a post holds every term (in its text or its author), as the index reads it.
fn holds(post: &Post, terms: &[String]) -> bool {
    let text = format!("{} {}", post.text, post.author.as_deref().unwrap_or(""));
    let words = search_terms(&text);
    terms.iter().all(|term| words.contains(term))
}

#[tokio::test]
async fn ranked_questions_over_five_thousand_posts_answer_as_the_corpus_says() {
    let (db, _test, agent, posts, comments) = stored_corpus().await;
    let mut conn = db.conn().await.unwrap();
    assert_eq!(
        knowledge::counts(&mut conn, agent).await.unwrap(),
        (5_000, 20_000)
    );
    let ask = |query: PostQuery| {
        let db = db.clone();
        async move {
            let mut conn = db.conn().await.unwrap();
            knowledge::search_posts(&mut conn, agent, &query, now())
                .await
                .unwrap()
                .into_iter()
                .map(|post| post.platform_id)
                .collect::<Vec<_>>()
        }
    };
    // Stable sorts: ties stay in the order the posts were stored, as the database breaks them.
    let expect = |mut chosen: Vec<&Post>, key: &dyn Fn(&Post) -> f64, limit: usize| {
        chosen.sort_by(|a, b| key(b).total_cmp(&key(a)));
        chosen.truncate(limit);
        chosen
            .iter()
            .map(|post| post.platform_id.clone())
            .collect::<Vec<_>>()
    };
    let views = |post: &Post| post.metrics.views.unwrap_or(0) as f64;

    // "Top 10 posts about skincare serums this week, by views."
    let week = now() - TimeDelta::days(7);
    let terms = search_terms("skincare serum");
    let this_week: Vec<&Post> = posts
        .iter()
        .filter(|post| holds(post, &terms) && post.created_at.is_some_and(|at| at >= week))
        .collect();
    assert!(
        this_week.len() > 10,
        "the corpus has enough: {}",
        this_week.len()
    );
    let answer = ask(PostQuery {
        words: Some("skincare serum".into()),
        days: Some(7),
        limit: 10,
        ..PostQuery::default()
    })
    .await;
    assert_eq!(answer, expect(this_week, &views, 10));

    // "Most engaging YouTube posts about ai tools."
    let terms = search_terms("ai tools");
    let engagement = |post: &Post| {
        let m = &post.metrics;
        let views = m.views.unwrap_or(0);
        if views <= 0 {
            return -1.0;
        }
        (m.likes.unwrap_or(0)
            + m.comments.unwrap_or(0)
            + m.shares.unwrap_or(0)
            + m.saves.unwrap_or(0)) as f64
            / views as f64
    };
    let youtube: Vec<&Post> = posts
        .iter()
        .filter(|post| post.platform == Platform::YouTube && holds(post, &terms))
        .collect();
    let answer = ask(PostQuery {
        words: Some("ai tools".into()),
        platform: Some(Platform::YouTube),
        ranking: Ranking::Engagement,
        limit: 10,
        ..PostQuery::default()
    })
    .await;
    assert_eq!(answer, expect(youtube, &engagement, 10));

    // "Everything from one creator, most liked first."
    let creator = posts[17].author.clone().unwrap();
    let theirs: Vec<&Post> = posts
        .iter()
        .filter(|post| post.author.as_deref() == Some(creator.as_str()))
        .collect();
    let answer = ask(PostQuery {
        author: Some(format!("@{}", creator.to_uppercase())),
        ranking: Ranking::Likes,
        limit: 100,
        ..PostQuery::default()
    })
    .await;
    let likes = |post: &Post| post.metrics.likes.unwrap_or(0) as f64;
    assert_eq!(answer, expect(theirs, &likes, 100));

    // "Most-liked comments on those."
    let top = knowledge::search_posts(
        &mut conn,
        agent,
        &PostQuery {
            author: Some(creator.clone()),
            ranking: Ranking::Likes,
            limit: 5,
            ..PostQuery::default()
        },
        now(),
    )
    .await
    .unwrap();
    let top_ids: Vec<i64> = top.iter().map(|post| post.id).collect();
    let top_platform_ids: Vec<&str> = top.iter().map(|post| post.platform_id.as_str()).collect();
    let found = knowledge::top_comments(&mut conn, agent, &top_ids, None, 10)
        .await
        .unwrap();
    let mut expected: Vec<&Comment> = comments
        .iter()
        .filter(|comment| top_platform_ids.contains(&comment.post_platform_id.as_str()))
        .collect();
    expected.sort_by_key(|comment| std::cmp::Reverse(comment.likes.unwrap_or(0)));
    let expected_likes: Vec<Option<i64>> = expected.iter().take(10).map(|c| c.likes).collect();
    let found_likes: Vec<Option<i64>> = found.iter().map(|c| c.likes).collect();
    assert_eq!(found_likes, expected_likes);
}
