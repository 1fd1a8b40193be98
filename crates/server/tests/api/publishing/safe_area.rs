//! The safe-area gate: text a render puts under TikTok's buttons, description or top bar
//! fails the free check and keeps the post from leaving ace; text inside passes.

use serde_json::{Value, json};

use super::{connected_app, post_now, posted};
use crate::harness::{Client, add_row, cell_in, engine, id, read, stack_layers, wait_until_ended};

/// Renders a one-second row whose only text is a hook whose box starts at `top`; answers the
/// rendered video's resource.
async fn rendered_hook(client: &Client, agent: i64, top: i64) -> Value {
    let sheet = id(&engine(client, agent, "Safe area").await);
    let row = add_row(client, agent, sheet).await;
    let sheet_now = read(client, agent, sheet).await;
    let video = id(&cell_in(&sheet_now, &row, "VIDEO"));
    let final_video = id(&cell_in(&sheet_now, &row, "FINAL VIDEO"));
    let backdrop = json!({"from": 0, "durationInFrames": 30, "width": 1080, "height": 1920,
        "styles": {"fill": "#203040"}});
    let hook = json!({"content": "Tacos at dawn, twice a week", "from": 0, "durationInFrames": 30,
        "left": 90, "top": top, "width": 840, "height": 200,
        "styles": {"fontSize": "72px", "fontWeight": "800", "color": "#ffffff"}});
    stack_layers(
        client,
        agent,
        sheet,
        video,
        &[("Backdrop", "shape", backdrop), ("Hook", "text", hook)],
    )
    .await;
    let started = client
        .post(
            &format!("/v1/autocontentengine/{sheet}/cells/{final_video}/render?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201);
    let generation: i64 = started.body["generation_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    wait_until_ended(client, generation).await;
    let done = client
        .get(&format!("/v1/generations/{generation}"))
        .await
        .expect(200)
        .body;
    assert_eq!(done["status"], "completed", "{done}");
    done["output_resources"][0].clone()
}

fn safe_area_check(report: &Value) -> Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|check| check["name"] == "safe_area")
        .cloned()
        .expect("a safe_area check")
}

#[tokio::test]
async fn text_a_render_puts_under_tiktoks_description_fails_the_check_and_the_post() {
    let (app, tiktok) = connected_app(|_| {}).await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let check = |resource: &Value| {
        format!(
            "/v1/content_resources/{}/check?agent_id={agent}",
            resource["id"]
        )
    };

    let covered = rendered_hook(client, agent, 1560).await;
    let report = client.post(&check(&covered), json!({})).await.expect(200);
    crate::contract().assert_conforms("checkContentResource", 200, &report.body);
    assert_eq!(report.body["passed"], false, "{}", report.body);
    let gate = safe_area_check(&report.body);
    assert_eq!(gate["verdict"], "failed");
    let measured = gate["measured"].as_str().unwrap();
    assert!(
        measured.starts_with("\"Hook\" reaches y") && measured.contains("the area ends at 1600"),
        "{measured}"
    );
    assert!(
        gate["expected"]
            .as_str()
            .unwrap()
            .contains("x 60–960, y 180–1600 of 1080×1920"),
        "{gate}"
    );
    let failed = posted(&app, post_now(covered["url"].as_str().unwrap())).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    let reason = failed["failed_reason"].as_str().unwrap();
    assert!(reason.contains("safe_area: \"Hook\" reaches y"), "{reason}");
    assert!(tiktok.calls("/v2/post/publish/video/init/").is_empty());

    let clear = rendered_hook(client, agent, 700).await;
    let report = client.post(&check(&clear), json!({})).await.expect(200);
    let gate = safe_area_check(&report.body);
    assert_eq!(gate["verdict"], "passed", "{gate}");
    assert_eq!(gate["measured"], "1 text layers, all inside");
    let done = posted(&app, post_now(clear["url"].as_str().unwrap())).await;
    assert_eq!(done["status"], "completed", "{done}");
}

#[tokio::test]
async fn a_video_ace_did_not_render_skips_the_safe_area_check() {
    let app = crate::harness::TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let uploaded = super::uploaded(client, agent, "v.mp4", ace_fixtures::mp4(720, 1280, 1)).await;
    let report = client
        .post(
            &format!(
                "/v1/content_resources/{}/check?agent_id={agent}",
                uploaded["id"]
            ),
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(safe_area_check(&report.body)["verdict"], "skipped");
}
