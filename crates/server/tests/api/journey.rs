//! The offline journey a new user takes: clone a template and make its first row's video in one
//! call, with nothing but ace and its embedded models. Real models are slow on CI's two cores,
//! so this runs once, on SQLite only.

use std::path::Path;

use crate::harness::TestApp;
use crate::harness::{download, probe, seconds};
use serde_json::{Value, json};

/// The loudness of a file's sound track, in dB (ffmpeg's volumedetect mean).
fn mean_volume(file: &Path) -> f64 {
    let out = std::process::Command::new("ffmpeg")
        .args(["-v", "info", "-i"])
        .arg(file)
        .args(["-vn", "-af", "volumedetect", "-f", "null", "-"])
        .output()
        .expect("ffmpeg runs");
    let log = String::from_utf8_lossy(&out.stderr);
    log.lines()
        .find_map(|line| line.split("mean_volume:").nth(1))
        .and_then(|rest| rest.trim().trim_end_matches(" dB").parse().ok())
        .unwrap_or(f64::NEG_INFINITY)
}

#[tokio::test]
async fn a_cloned_text_driven_template_makes_its_first_rows_video_offline_in_one_call() {
    let app = TestApp::builder().local_generators().spawn().await;
    if app.on_postgres() {
        eprintln!("journey: runs on SQLite only (the embedded models are slow on two cores)");
        return;
    }
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let engine = client
        .post(
            "/v1/templates/spreadsheets/text-driven/clone",
            json!({"agent_id": agent}),
        )
        .await
        .expect(201)
        .body;
    let sheet = engine["id"].as_i64().unwrap();
    let row = engine["spreadsheet_rows"][0]["id"].as_i64().unwrap();
    let plan = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/rows/{row}/run?agent_id={agent}"),
            json!({"dry_run": true}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(plan["runnable"], true, "{plan}");
    let run = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/rows/{row}/run?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(202)
        .body["run_id"]
        .as_i64()
        .unwrap();
    let path = format!("/v1/autocontentengine/{sheet}/rows/{row}/runs/{run}");
    client
        .get(&format!("{path}/events?agent_id={agent}"))
        .await
        .expect(200);
    let body = client
        .get(&format!("{path}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    assert_eq!(body["status"], "completed", "{body:#}");

    let render = body["render"]["generation_id"].as_i64().unwrap();
    let generation = client
        .get(&format!("/v1/generations/{render}"))
        .await
        .expect(200)
        .body;
    let url = generation["output_resources"][0]["url"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = download(&app, url, dir.path(), "row.mp4").await;
    let probed = probe(&file);
    let stream = |kind: &str| -> Value {
        probed["streams"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["codec_type"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} stream: {probed}"))
    };
    let video = stream("video");
    assert_eq!(video["codec_name"], "h264");
    assert_eq!(
        (video["width"].as_i64(), video["height"].as_i64()),
        (Some(1080), Some(1920))
    );
    assert_eq!(stream("audio")["codec_name"], "aac");
    // The stack lasts 450 frames at 30 fps.
    assert!(
        (seconds(&probed) - 15.0).abs() < 0.2,
        "{}",
        seconds(&probed)
    );
    let loudness = mean_volume(&file);
    assert!(
        loudness > -45.0,
        "the voice is heard: mean volume {loudness} dB"
    );

    // The on-screen lines obey their cards: one line each, short, no labels.
    let engine = client
        .get(&format!("/v1/autocontentengine/{sheet}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    let columns = engine["spreadsheet_columns"].as_array().unwrap();
    let cells = engine["spreadsheet_rows"][0]["spreadsheet_cells"]
        .as_array()
        .unwrap();
    let value = |title: &str| {
        let column = columns.iter().find(|c| c["title"] == title).unwrap();
        cells
            .iter()
            .find(|c| c["column_id"] == column["id"])
            .and_then(|c| c["value"].as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let hook = value("HOOK");
    assert!(!hook.contains('\n') && !hook.is_empty(), "{hook:?}");
    assert!(hook.split_whitespace().count() <= 8, "{hook:?}");
    let lines: Vec<String> = ["LINE 1", "LINE 2", "LINE 3"].map(value).to_vec();
    assert!(
        lines.iter().all(|l| !l.contains('\n') && !l.is_empty()),
        "{lines:?}"
    );
    assert!(lines[0] != lines[1] && lines[1] != lines[2], "{lines:?}");
    let stats: Value = serde_json::from_str(&value("STATS")).unwrap();
    assert_eq!(stats["render"]["width"], 1080, "{stats}");
}
