//! Ideas as records: listed newest first in GEN's shape, cycled along the main chain, set to
//! any status, deleted, and out of reach of viewers (for changes) and other tenants.

use ace_domain::ideas::{IdeaContent, IdeaData, InspirationSource, SelectedAsset, VideoType};
use ace_domain::ids::AgentId;
use ace_domain::role::Role;
use serde_json::{Value, json};

use crate::contract;
use crate::harness::TestApp;

fn idea(title: &str, video_type: VideoType) -> IdeaContent {
    IdeaContent {
        title: title.into(),
        hook: "I drove 40 minutes for this.".into(),
        full_script: "I drove 40 minutes for this. Worth it.".into(),
        description: Some("A late-night taco run.".into()),
        video_type,
        estimated_duration: Some(14),
        aspect_ratio: "9:16".into(),
        data: IdeaData {
            selected_assets: vec![SelectedAsset {
                url: "https://example.org/broll.mp4".into(),
                kind: "video".into(),
                description: "b-roll".into(),
                usage: "clip 4-8s".into(),
                source: "knowledge".into(),
                clip_range: None,
            }],
            project_manifest: json!({"video_title": title, "total_duration": 14, "aspect_ratio": "9:16", "timeline_layers": []}),
            inspiration_sources: vec![InspirationSource {
                kind: "tiktok".into(),
                url: Some("https://www.tiktok.com/@keithlee/video/1".into()),
                creator: Some("keithlee".into()),
                watch_count: Some(2_100_000),
                like_count: Some(90_000),
                what_was_used: "the reveal shot".into(),
            }],
            rationale: "Reveal shots hold attention this week.".into(),
        },
    }
}

pub(crate) async fn seed(app: &TestApp, agent: AgentId, titles: &[(&str, VideoType)]) -> Vec<i64> {
    let mut ids = Vec::new();
    for (number, (title, kind)) in titles.iter().enumerate() {
        let stored =
            ace_app::ideas::record(&app.app, agent, number as u32 + 1, &idea(title, *kind))
                .await
                .unwrap();
        ids.push(stored.id.get());
    }
    ids
}

fn titles(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|idea| idea["title"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn ideas_list_newest_first_in_gens_shape_and_filter_by_status() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id;
    let client = &app.owner.client;
    let ids = seed(
        &app,
        agent,
        &[
            ("Taco", VideoType::TalkingAvatar),
            ("Montage", VideoType::Montage),
        ],
    )
    .await;

    let list = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    contract().assert_conforms("listIdeas", 200, &list.body);
    assert_eq!(titles(&list.body), ["Montage", "Taco"]);
    let montage = &list.body[0];
    assert_eq!(montage["id"], ids[1]);
    assert_eq!(montage["idea_id"], 2);
    assert_eq!(montage["agent_id"], agent.get());
    assert_eq!(montage["video_type"], "montage");
    assert_eq!(montage["video_type_id"], 3);
    assert_eq!(montage["status"], "generated");
    assert_eq!(montage["estimated_duration"], 14);
    assert_eq!(montage["aspect_ratio"], "9:16");
    assert_eq!(
        montage["data"]["inspiration_sources"][0]["watch_count"],
        2_100_000
    );
    assert_eq!(montage["data"]["selected_assets"][0]["type"], "video");
    for key in [
        "selected_assets",
        "project_manifest",
        "inspiration_sources",
        "rationale",
    ] {
        assert_eq!(
            montage[key], montage["data"][key],
            "{key} at the top level too"
        );
    }

    client
        .put(
            &format!("/v1/agent/ideas/{}/status/rejected", ids[0]),
            json!({}),
        )
        .await
        .expect(200);
    let rejected = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}&status=rejected"))
        .await
        .expect(200);
    assert_eq!(titles(&rejected.body), ["Taco"]);
    for bad in ["status=maybe", "page=0"] {
        client
            .get(&format!("/v1/agent/ideas?agent_id={agent}&{bad}"))
            .await
            .expect_error(422, "validation_error");
    }
}

#[tokio::test]
async fn cycling_walks_the_main_chain_and_setting_takes_any_of_the_eight_statuses() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let id = seed(&app, app.owner.agent_id, &[("Taco", VideoType::Skit)]).await[0];
    let cycle = format!("/v1/agent/ideas/{id}/status");

    let mut walked = Vec::new();
    for _ in 0..4 {
        let moved = client.post(&cycle, json!({})).await.expect(200);
        contract().assert_conforms("cycleIdeaStatus", 200, &moved.body);
        walked.push(moved.body["status"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        walked,
        [
            "approve_to_create",
            "ready_for_review",
            "approved_to_post",
            "posted"
        ]
    );
    client
        .post(&cycle, json!({}))
        .await
        .expect_error(422, "idea_status_invalid");

    for aside in ["change_idea", "change_video", "rejected"] {
        let set = client
            .put(&format!("{cycle}/{aside}"), json!({}))
            .await
            .expect(200);
        contract().assert_conforms("setIdeaStatus", 200, &set.body);
        assert_eq!(set.body["status"], aside);
        let refused = client
            .post(&cycle, json!({}))
            .await
            .expect_error(422, "idea_status_invalid");
        assert!(refused.text.contains(aside), "{}", refused.text);
    }
    let back = client
        .put(&format!("{cycle}/generated"), json!({}))
        .await
        .expect(200);
    assert_eq!(back.body["status"], "generated");
    client
        .put(&format!("{cycle}/approved"), json!({}))
        .await
        .expect_error(422, "validation_error");
    client
        .post("/v1/agent/ideas/999999/status", json!({}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn a_deleted_idea_is_gone() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id;
    let id = seed(&app, agent, &[("Taco", VideoType::Montage)]).await[0];
    let reply = client
        .delete(&format!("/v1/agent/ideas/{id}"))
        .await
        .expect(204);
    assert!(reply.text.is_empty());
    let list = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(list.body, json!([]));
    client
        .delete(&format!("/v1/agent/ideas/{id}"))
        .await
        .expect_error(404, "not_found");
    client
        .post(&format!("/v1/agent/ideas/{id}/status"), json!({}))
        .await
        .expect_error(404, "not_found");
}

#[tokio::test]
async fn viewers_read_ideas_but_only_editors_change_them_and_strangers_reach_none() {
    let app = TestApp::spawn().await;
    let studio = app
        .owner
        .client
        .post(
            "/v1/organizations",
            json!({"organization": {"name": "Studio"}}),
        )
        .await
        .expect(201)
        .body["organization_id"]
        .as_i64()
        .unwrap();
    let agent = app
        .owner
        .client
        .post(
            "/v1/agents",
            json!({"organization_id": studio, "agent": {"name": "Shared"}}),
        )
        .await
        .expect(201)
        .body["agent"]["id"]
        .as_i64()
        .unwrap();
    let id = seed(&app, AgentId::new(agent), &[("Taco", VideoType::Montage)]).await[0];

    let viewer = app.member_of(studio.into(), Role::Viewer).await;
    let seen = viewer
        .client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(titles(&seen.body), ["Taco"]);
    viewer
        .client
        .post(&format!("/v1/agent/ideas/{id}/status"), json!({}))
        .await
        .expect_error(403, "permission_denied");
    viewer
        .client
        .delete(&format!("/v1/agent/ideas/{id}"))
        .await
        .expect_error(403, "permission_denied");
    let editor = app.member_of(studio.into(), Role::Editor).await;
    editor
        .client
        .put(
            &format!("/v1/agent/ideas/{id}/status/change_idea"),
            json!({}),
        )
        .await
        .expect(200);

    let stranger = app.user("Stranger").await;
    let theirs = &stranger.client;
    theirs
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    theirs
        .post(&format!("/v1/agent/ideas/{id}/status"), json!({}))
        .await
        .expect_error(404, "not_found");
    theirs
        .put(&format!("/v1/agent/ideas/{id}/status/posted"), json!({}))
        .await
        .expect_error(404, "not_found");
    theirs
        .delete(&format!("/v1/agent/ideas/{id}"))
        .await
        .expect_error(404, "not_found");
    let own = theirs
        .get(&format!("/v1/agent/ideas?agent_id={}", stranger.agent_id))
        .await
        .expect(200);
    assert_eq!(own.body, json!([]));
    let ours = app
        .owner
        .client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(
        ours.body[0]["status"], "change_idea",
        "untouched by the stranger"
    );
}

#[tokio::test]
async fn preferences_are_the_profiles_bulleted_list_both_ways_and_concurrent_changes_all_land() {
    use ace_app::ideas::preferences;

    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id;
    let client = &app.owner.client;
    let profile = format!("/v1/agent/profile?agent_id={agent}");

    let hooks = ["always use statement hooks".to_owned()];
    let audience = ["target women 25-34".to_owned()];
    let (first, second) = tokio::join!(
        preferences::remember(&app.app, agent, &hooks),
        preferences::remember(&app.app, agent, &audience),
    );
    first.unwrap();
    second.unwrap();
    let mut rules = preferences::list(&app.app, agent).await.unwrap();
    rules.sort();
    assert_eq!(rules, ["always use statement hooks", "target women 25-34"]);
    let shown = client.get(&profile).await.expect(200);
    let bullets = shown.body["brand"]["content_idea_preferences"]
        .as_str()
        .unwrap();
    assert_eq!(bullets.lines().count(), 2);
    assert!(
        bullets.lines().all(|line| line.starts_with("- ")),
        "{bullets}"
    );

    let left = preferences::forget(&app.app, agent, "Target women 25-34")
        .await
        .unwrap();
    assert_eq!(left, ["always use statement hooks"]);
    let shown = client.get(&profile).await.expect(200);
    assert_eq!(
        shown.body["brand"]["content_idea_preferences"],
        "- always use statement hooks"
    );

    client
        .put(
            &profile,
            json!({"brand": {"content_idea_preferences": "- no politics\n- keep it under 15 seconds"}}),
        )
        .await
        .expect(200);
    assert_eq!(
        preferences::list(&app.app, agent).await.unwrap(),
        ["no politics", "keep it under 15 seconds"]
    );
}

#[tokio::test]
async fn an_idea_becomes_row_one_of_its_templates_copy_or_a_new_row_of_a_named_engine() {
    use crate::harness::cell_in;

    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id;
    let mut content = idea("The $2 taco at 2am", VideoType::TextDriven);
    content.full_script =
        "I drove 40 minutes for this. The line wrapped twice. Worth it? Every bite.".into();
    let id = ace_app::ideas::record(&app.app, agent, 1, &content)
        .await
        .unwrap()
        .id
        .get();

    let made = client
        .post(&format!("/v1/agent/ideas/{id}/vidsheet"), json!({}))
        .await
        .expect(201);
    contract().assert_conforms("makeIdeaVidsheet", 201, &made.body);
    let engine = &made.body;
    assert_eq!(engine["title"], "The $2 taco at 2am");
    let row = &engine["spreadsheet_rows"][0];
    let value = |title: &str| cell_in(engine, row, title)["value"].clone();
    assert_eq!(value("TEXT 1"), "The $2 taco at 2am");
    assert_eq!(value("TEXT 2"), "A late-night taco run.");
    assert_eq!(value("HOOK"), "I drove 40 minutes for this.");
    assert_eq!(value("LINE 1"), "The line wrapped twice.");
    assert_eq!(value("LINE 2"), "Worth it?");
    assert_eq!(value("LINE 3"), "Every bite.");
    // The template's 15 s timeline, fitted to the idea's 14 s as its manifest times it.
    let layers = cell_in(engine, row, "VIDEO")["video_layers"]
        .as_array()
        .unwrap()
        .clone();
    let timing = |name: &str| {
        let layer = layers.iter().find(|layer| layer["name"] == name).unwrap();
        let frames = |key: &str| layer["additional_attributes"][key].as_u64().unwrap();
        (frames("from"), frames("durationInFrames"))
    };
    assert_eq!(timing("Hook"), (0, 98));
    assert_eq!(timing("Line 1"), (98, 98));
    assert_eq!(timing("Call to action"), (364, 56));
    assert_eq!(timing("Voice"), (0, 14 * 30));
    let listed = client
        .get(&format!("/v1/agent/ideas?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(listed.body[0]["status"], "approve_to_create");

    // A row run takes the idea's lines as they are and makes the rest.
    let (sheet, row_id) = (engine["id"].as_i64().unwrap(), row["id"].as_i64().unwrap());
    let plan = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/rows/{row_id}/run?agent_id={agent}"),
            json!({"dry_run": true}),
        )
        .await
        .expect(200);
    let regenerated: Vec<&str> = plan.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|step| step["generate"] == true)
        .map(|step| step["column_title"].as_str().unwrap())
        .collect();
    assert!(!regenerated.contains(&"HOOK"), "{regenerated:?}");
    assert!(!regenerated.contains(&"LINE 1"), "{regenerated:?}");

    let appended = client
        .post(
            &format!("/v1/agent/ideas/{id}/vidsheet"),
            json!({"sheet_id": sheet.to_string()}),
        )
        .await
        .expect(201);
    let rows = appended.body["spreadsheet_rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        engine["spreadsheet_rows"].as_array().unwrap().len() + 1
    );
    let last = rows.last().unwrap();
    assert_eq!(
        cell_in(&appended.body, last, "HOOK")["value"],
        "I drove 40 minutes for this."
    );

    let stranger = app.user("Stranger").await;
    stranger
        .client
        .post(&format!("/v1/agent/ideas/{id}/vidsheet"), json!({}))
        .await
        .expect_error(404, "not_found");
    let theirs = ace_app::ideas::record(&app.app, stranger.agent_id, 1, &content)
        .await
        .unwrap()
        .id
        .get();
    stranger
        .client
        .post(
            &format!("/v1/agent/ideas/{theirs}/vidsheet"),
            json!({"sheet_id": sheet}),
        )
        .await
        .expect_error(404, "not_found");
    client
        .post(
            &format!("/v1/agent/ideas/{id}/vidsheet"),
            json!({"sheet_id": 999_999}),
        )
        .await
        .expect_error(404, "not_found");
}
