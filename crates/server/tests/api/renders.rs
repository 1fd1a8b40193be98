//! Renders: `POST …/cells/{cell_id}/render` (`renderVideo`) and `/v1/remotion_jobs`. A row's
//! layer stack becomes a real MP4 through the job engine: charged, refunded when it fails or
//! stops, followed live with progress, and shown by the row's final video cell.

use std::time::Duration;

use crate::harness::{Client, Member, TestApp, wait_until_ended};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{
    add_row, balance, cell_in, download, engine, fetch, id, probe, read_cell, uploaded,
};

/// A row to render: its engine, its video cell (which holds the layers) and its final video
/// cell.
struct Row {
    agent: i64,
    sheet: i64,
    video: i64,
    final_video: i64,
}

async fn row(member: &Member) -> Row {
    let (agent, client) = (member.agent_id.get(), &member.client);
    let sheet = engine(client, agent, "Renders").await;
    let row = add_row(client, agent, id(&sheet)).await;
    Row {
        agent,
        sheet: id(&sheet),
        video: id(&cell_in(&sheet, &row, "VIDEO")),
        final_video: id(&cell_in(&sheet, &row, "FINAL VIDEO")),
    }
}

impl Row {
    async fn add_layer(&self, client: &Client, name: &str, kind: &str, attributes: Value) {
        client
            .post(
                &format!(
                    "/v1/autocontentengine/{}/cells/{}/layers?agent_id={}",
                    self.sheet, self.video, self.agent
                ),
                json!({"name": name, "type": kind, "additional_attributes": attributes}),
            )
            .await
            .expect(201);
    }

    fn render_path(&self, cell: i64) -> String {
        format!(
            "/v1/autocontentengine/{}/cells/{cell}/render?agent_id={}",
            self.sheet, self.agent
        )
    }

    /// Starts rendering the row from its final video cell; returns the generation id.
    async fn render(&self, client: &Client) -> i64 {
        let reply = client
            .post(&self.render_path(self.final_video), json!({}))
            .await
            .expect(201);
        contract().assert_conforms("renderVideo", 201, &reply.body);
        assert_eq!(reply.body["status"], "pending");
        let id = reply.body["generation_id"]
            .as_str()
            .expect("a string id, as GEN documents");
        id.parse().unwrap()
    }
}

/// Follows a generation until it ends, then reads it as a client would.
async fn ended(client: &Client, id: i64) -> Value {
    wait_until_ended(client, id).await;
    let reply = client
        .get(&format!("/v1/generations/{id}"))
        .await
        .expect(200);
    contract().assert_conforms("getGeneration", 200, &reply.body);
    reply.body
}

#[tokio::test]
async fn a_render_composes_the_rows_layers_into_an_mp4_that_the_final_video_cell_shows() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let client = &owner.client;
    let row = row(owner).await;
    let clip = uploaded(
        client,
        row.agent,
        "clip.mp4",
        crate::harness::mp4(320, 240, 3),
    )
    .await;
    row.add_layer(
        client,
        "Background",
        "clip",
        json!({"src": clip["id"], "from": 0, "durationInFrames": 45, "styles": {"objectFit": "cover"}}),
    )
    .await;
    row.add_layer(
        client,
        "Title",
        "text",
        json!({"content": "Tacos at dawn", "from": 0, "durationInFrames": 45, "left": 90, "top": 300,
               "width": 900, "height": 200, "styles": {"fontSize": "80px", "color": "#ffffff"}}),
    )
    .await;
    let before = balance(owner).await;
    let id = row.render(client).await;
    let done = ended(client, id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["user_job_type"], "render");
    assert_eq!(done["progress"], 1.0);
    let output = &done["output_resources"][0];
    assert_eq!(output["type"], "video");
    assert_eq!(output["object_type"], "Video");
    let cost = app.app.pricing().render(1.5);
    assert_eq!(done["execution_cost"], cost.to_string());
    assert_eq!(balance(owner).await, before - cost.as_f64());

    let dir = tempfile::tempdir().unwrap();
    let mp4 = download(&app, output["url"].as_str().unwrap(), dir.path(), "out.mp4").await;
    let probed = probe(&mp4);
    let streams = probed["streams"].as_array().unwrap();
    let video = streams.iter().find(|s| s["codec_type"] == "video").unwrap();
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(video["profile"], "High");
    assert_eq!(video["pix_fmt"], "yuv420p");
    assert_eq!(
        (video["width"].as_i64(), video["height"].as_i64()),
        (Some(1080), Some(1920))
    );
    assert_eq!(video["nb_frames"], "45", "the stack's length to the frame");
    let audio = streams.iter().find(|s| s["codec_type"] == "audio");
    assert_eq!(audio.map(|a| a["codec_name"].clone()), Some(json!("aac")));
    let thumbnail = download(
        &app,
        output["thumbnail_url"].as_str().unwrap(),
        dir.path(),
        "thumb.jpg",
    )
    .await;
    assert_eq!(
        image::ImageFormat::from_path(&thumbnail).ok(),
        Some(image::ImageFormat::Jpeg)
    );
    let picture = image::open(&thumbnail).expect("a JPEG thumbnail");
    assert_eq!(
        picture.width() * 16,
        picture.height() * 9,
        "the thumbnail has the video's shape"
    );

    let cell = read_cell(client, row.agent, (row.sheet, row.final_video)).await;
    assert_eq!(cell["value"], output["url"]);
    assert_eq!(cell["default_user_job"]["id"], id);
    let videos = client
        .get(&format!(
            "/v1/content_resources?agent_id={}&type=video",
            row.agent
        ))
        .await
        .expect(200)
        .body;
    assert!(
        videos
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == output["id"]),
        "the render is listed among the agent's videos: {videos}"
    );

    let again = row.render(client).await;
    assert_ne!(again, id, "a retry is a new generation");
    assert_eq!(ended(client, again).await["status"], "completed");
}

/// Serves bytes that are not media, at `http://127.0.0.1:PORT/junk.mp4`.
async fn junk_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = axum::Router::new().route(
        "/junk.mp4",
        axum::routing::get(|| async { "this is not a video" }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{address}/junk.mp4")
}

#[tokio::test]
async fn a_stack_that_cannot_render_fails_with_a_precise_reason_and_a_full_refund() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let client = &owner.client;
    let archive = uploaded(client, owner.agent_id.get(), "a.zip", crate::harness::zip()).await;
    let gone = uploaded(
        client,
        owner.agent_id.get(),
        "gone.png",
        crate::harness::image("png", 8, 8),
    )
    .await;
    let junk = junk_server().await;
    let cases: Vec<(Option<(&str, Value)>, String)> = vec![
        (None, "The cell has no layers to render.".to_owned()),
        (
            Some(("clip", json!({"from": 0, "durationInFrames": 30}))),
            "has no src".to_owned(),
        ),
        (
            Some((
                "image",
                json!({"src": archive["id"], "from": 0, "durationInFrames": 30}),
            )),
            format!(
                "content resource {} is a zip file, not media",
                archive["id"]
            ),
        ),
        (
            Some((
                "image",
                json!({"src": gone["id"], "from": 0, "durationInFrames": 30}),
            )),
            format!(
                "content resource {} does not exist or is not this agent's",
                gone["id"]
            ),
        ),
        (
            Some((
                "clip",
                json!({"src": junk, "from": 0, "durationInFrames": 30}),
            )),
            "its source could not be read as media".to_owned(),
        ),
        (
            Some(("shape", json!({"from": 0, "styles": {"fill": "#ff0000"}}))),
            "zero duration".to_owned(),
        ),
    ];
    let before = balance(owner).await;
    for (layer, reason) in cases {
        let row = row(owner).await;
        if let Some((kind, attributes)) = layer {
            row.add_layer(client, "Layer", kind, attributes).await;
        }
        if reason.contains("does not exist") {
            client
                .delete(&format!(
                    "/v1/content_resources/{}?agent_id={}",
                    gone["id"], row.agent
                ))
                .await
                .expect(200);
        }
        let id = row.render(client).await;
        let failed = ended(client, id).await;
        assert_eq!(failed["status"], "failed", "{failed}");
        let said = failed["failed_reason"].as_str().unwrap();
        assert!(said.contains(&reason), "{said:?} should say {reason:?}");
        assert!(!said.contains("ffmpeg") && !said.contains("/tmp"), "{said}");
        assert_eq!(failed["execution_cost"], "0.0");
        assert_eq!(failed["output_resources"], json!([]));
        assert_eq!(
            balance(owner).await,
            before,
            "nothing is charged for {reason:?}"
        );
    }
}

#[tokio::test]
async fn only_a_rows_video_cells_render_and_a_missing_cell_is_not_found() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let client = &owner.client;
    let (agent, sheet) = (
        owner.agent_id.get(),
        engine(client, owner.agent_id.get(), "R").await,
    );
    let row = add_row(client, agent, id(&sheet)).await;
    let stats = id(&cell_in(&sheet, &row, "STATS"));
    let path = |cell: i64| {
        format!(
            "/v1/autocontentengine/{}/cells/{cell}/render?agent_id={agent}",
            id(&sheet)
        )
    };
    let refused = client
        .post(&path(stats), json!({}))
        .await
        .expect_error(422, "validation_error");
    assert!(
        refused.body["error"]
            .as_str()
            .unwrap()
            .contains("not a video cell")
    );
    client
        .post(&path(999_999), json!({}))
        .await
        .expect_error(404, "not_found");
    // The SDK sends agent_id in the body; the video cell is accepted too.
    let video = id(&cell_in(&sheet, &row, "VIDEO"));
    let reply = client
        .post(
            &format!("/v1/autocontentengine/{}/cells/{video}/render", id(&sheet)),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect(201);
    contract().assert_conforms("renderVideo", 201, &reply.body);
}

#[tokio::test]
async fn a_render_the_workspace_cannot_afford_is_refused_before_anything_runs() {
    let app = TestApp::builder()
        .starter_credits(ace_domain::credits::Credits::whole(5))
        .spawn()
        .await;
    let client = &app.owner.client;
    let row = row(&app.owner).await;
    row.add_layer(
        client,
        "Long",
        "shape",
        json!({"from": 0, "durationInFrames": 9_000, "styles": {"fill": "#ff0000"}}),
    )
    .await;
    let before = balance(&app.owner).await;
    client
        .post(&row.render_path(row.final_video), json!({}))
        .await
        .expect_error(422, "insufficient_credits_for_job");
    assert_eq!(balance(&app.owner).await, before);
}

#[tokio::test]
async fn strangers_cannot_render_or_list_another_agents_renders() {
    let app = TestApp::spawn().await;
    let row = row(&app.owner).await;
    let stranger = app.user("Stranger").await;
    let refused = stranger
        .client
        .post(&row.render_path(row.final_video), json!({}))
        .await;
    assert_eq!(refused.status, 404, "{:?}", refused.body);
    stranger
        .client
        .post(
            &format!("/v1/remotion_jobs?agent_id={}", row.agent),
            json!({"job": {"project_id": row.sheet, "container_id": row.final_video,
                           "container_type": "SpreadsheetCell", "input": "{}"}}),
        )
        .await
        .expect_error(404, "project_not_found");
    stranger
        .client
        .get(&format!(
            "/v1/remotion_jobs?agent_id={}&project_id={}",
            row.agent, row.sheet
        ))
        .await
        .expect_error(404, "project_not_found");
}

#[tokio::test]
async fn remotion_jobs_start_a_render_and_list_it_newest_first_with_its_video() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let row = row(&app.owner).await;
    row.add_layer(
        client,
        "Box",
        "shape",
        json!({"from": 0, "durationInFrames": 15, "styles": {"fill": "#00ff00"}}),
    )
    .await;
    let jobs = format!("/v1/remotion_jobs?agent_id={}", row.agent);
    let body = |container_type: &str, input: Value| {
        json!({"job": {"project_id": row.sheet, "container_id": row.final_video.to_string(),
                       "container_type": container_type, "input": input}})
    };
    let first = client
        .post(
            &jobs,
            body("SpreadsheetCell", json!("{\"quality\": \"high\"}")),
        )
        .await
        .expect(201)
        .body["job_id"]
        .as_i64()
        .expect("a job id");
    assert_eq!(ended(client, first).await["status"], "completed");
    let second = client
        .post(&jobs, body("SpreadsheetCell", json!("{}")))
        .await
        .expect(201)
        .body["job_id"]
        .as_i64()
        .unwrap();
    let list_path = format!("{jobs}&project_id={}", row.sheet);
    let listed = client.get(&list_path).await.expect(200).body;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["job_id"], second, "newest first");
    let done = &listed[1];
    assert_eq!(done["status"], "completed");
    assert!(done["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(done["content_resource_id"].as_i64().is_some());
    assert!(done["url"].as_str().unwrap().ends_with(".mp4"));
    assert!(done["thumbnail_url"].as_str().is_some());
    let response = fetch(&app, done["url"].as_str().unwrap()).await;
    assert_eq!(response.status(), 200);
    ended(client, second).await;
    let later_page = client
        .get(&format!("{list_path}&page=1"))
        .await
        .expect(200)
        .body;
    assert_eq!(later_page, json!([]));

    for bad in [
        json!({}),
        body("SpreadsheetRow", json!("{}")),
        body("SpreadsheetCell", json!("{not json")),
        body("SpreadsheetCell", json!("[1, 2]")),
        json!({"job": {"container_id": row.final_video, "container_type": "SpreadsheetCell", "input": "{}"}}),
    ] {
        client
            .post(&jobs, bad)
            .await
            .expect_error(422, "validation_error");
    }
    client
        .post(
            &jobs,
            json!({"job": {"project_id": 999_999, "container_id": row.final_video,
                           "container_type": "SpreadsheetCell", "input": "{}"}}),
        )
        .await
        .expect_error(404, "project_not_found");
    client
        .get(&jobs)
        .await
        .expect_error(422, "validation_error");
    client
        .get(&format!("{list_path}&page=-1"))
        .await
        .expect_error(422, "validation_error");
    client
        .get(&format!("{jobs}&project_id=999999"))
        .await
        .expect_error(404, "project_not_found");
}

/// Whether a process runs with `needle` in its command line.
fn running_with(needle: &str) -> bool {
    std::fs::read_dir("/proc").unwrap().flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline"))
            .map(|line| String::from_utf8_lossy(&line).contains(needle))
            .unwrap_or(false)
    })
}

#[tokio::test]
async fn a_running_render_streams_its_progress_and_stopping_it_kills_ffmpeg_and_refunds_it() {
    let app = TestApp::spawn().await;
    let owner = &app.owner;
    let client = &owner.client;
    let row = row(owner).await;
    // Five minutes of blurred full-HD frames: far longer than this test waits.
    row.add_layer(
        client,
        "Ground",
        "shape",
        json!({"from": 0, "durationInFrames": 9_000, "styles": {"fill": "#3366ff", "filter": "blur(8px)"}}),
    )
    .await;
    let before = balance(owner).await;
    let id = row.render(client).await;
    let charged = app.app.pricing().render(300.0);
    assert_eq!(balance(owner).await, before - charged.as_f64());
    let mut response = client
        .request(
            reqwest::Method::GET,
            &format!("/v1/generations/{id}/events"),
        )
        .send()
        .await
        .unwrap();
    let mut text = String::new();
    let heard = tokio::time::timeout(Duration::from_secs(60), async {
        while !text.contains("event: progress") {
            let chunk = response.chunk().await.unwrap().expect("the stream goes on");
            text.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(
        heard.is_ok(),
        "a progress event arrives while it renders: {text}"
    );
    let progress: Value = text
        .lines()
        .skip_while(|line| *line != "event: progress")
        .find_map(|line| line.strip_prefix("data: "))
        .map(|data| serde_json::from_str(data).unwrap())
        .unwrap();
    assert_eq!(progress["status"], "processing");
    let fraction = progress["progress"].as_f64().unwrap();
    assert!((0.0..1.0).contains(&fraction), "{fraction}");
    let work = format!("render-{id}-");
    assert!(running_with(&work), "ffmpeg renders it");

    client
        .post(&format!("/v1/generations/{id}/stop"), json!({}))
        .await
        .expect(200);
    // A stopped generation may be continued, so the stream stays open after `stopped`.
    let mut rest = String::new();
    let heard = tokio::time::timeout(Duration::from_secs(20), async {
        while !rest.contains("event: stopped") {
            let chunk = response.chunk().await.unwrap().expect("the stream goes on");
            rest.push_str(&String::from_utf8_lossy(&chunk));
        }
    })
    .await;
    assert!(heard.is_ok(), "the stream tells of the stop: {rest}");
    for _ in 0..100 {
        if !running_with(&work) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!running_with(&work), "ffmpeg was killed");
    assert_eq!(balance(owner).await, before, "the stop refunded the render");
}

#[tokio::test]
async fn a_src_on_a_private_address_is_refused_when_only_public_ones_are_allowed() {
    let app = TestApp::builder().public_webhooks_only().spawn().await;
    let client = &app.owner.client;
    let row = row(&app.owner).await;
    let junk = junk_server().await;
    row.add_layer(
        client,
        "Clip",
        "clip",
        json!({"src": junk, "from": 0, "durationInFrames": 30}),
    )
    .await;
    let before = balance(&app.owner).await;
    let id = row.render(client).await;
    let failed = ended(client, id).await;
    assert_eq!(failed["status"], "failed");
    let said = failed["failed_reason"].as_str().unwrap();
    assert!(
        said.starts_with(r#"layer "Clip" (clip): its src URL"#),
        "{said}"
    );
    assert_eq!(balance(&app.owner).await, before);
}

#[tokio::test]
async fn a_src_that_is_one_of_aces_own_file_urls_is_read_from_storage() {
    // Only public addresses may be fetched, and this server is on loopback: the URL must not
    // be fetched at all.
    let app = TestApp::builder().public_webhooks_only().spawn().await;
    let client = &app.owner.client;
    let row = row(&app.owner).await;
    let picture = uploaded(
        client,
        row.agent,
        "still.png",
        crate::harness::image("png", 64, 64),
    )
    .await;
    row.add_layer(
        client,
        "Still",
        "image",
        json!({"src": picture["url"], "from": 0, "durationInFrames": 15}),
    )
    .await;
    let id = row.render(client).await;
    let done = ended(client, id).await;
    assert_eq!(done["status"], "completed", "{done}");
}
