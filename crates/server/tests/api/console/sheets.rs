//! The console's templates and vidsheets over HTTP as a browser uses them: a template is
//! previewed and cloned into a grid; a row is planned, priced and run, and the grid's event
//! stream sends each cell as it fills; cells are generated and stopped; rows are duplicated,
//! moved and rendered; a layer is edited from its timeline; and another organization's session
//! reaches none of it by changing ids.

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;

use super::Browser;
use crate::harness::{TestApp, cell_in, id, read};
use crate::row_runs::{story_row, writing_app};

/// The path of a vidsheet's grid.
fn grid(agent: i64, sheet: i64) -> String {
    format!("/app/agents/{agent}/sheets/{sheet}")
}

/// The `(element id, html)` of each `swap` event on `stream` until `enough` holds for one (the
/// test fails on what came if none does within a minute).
async fn cells_until(
    stream: &mut reqwest::Response,
    enough: impl Fn(&str, &str) -> bool,
) -> Vec<(String, String)> {
    let mut text = String::new();
    let mut seen = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no swap event came that was enough: {seen:?}"))
            .unwrap()
            .expect("the stream stays open");
        text.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if !event.starts_with("event: swap") {
                continue;
            }
            let data: String = event
                .lines()
                .filter_map(|line| line.strip_prefix("data: "))
                .collect::<Vec<_>>()
                .join("\n");
            let cell: Value = serde_json::from_str(&data).unwrap();
            let (id, html) = (
                cell["id"].as_str().unwrap().to_owned(),
                cell["html"].as_str().unwrap().to_owned(),
            );
            let done = enough(&id, &html);
            seen.push((id, html));
            if done {
                return seen;
            }
        }
    }
}

/// The engine's one row.
fn only_row(engine: &Value) -> Value {
    let rows = engine["spreadsheet_rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{engine}");
    rows[0].clone()
}

/// `text` as HTML shows it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The grid's stream URL, as the page gives it.
fn live_url(page: &str) -> String {
    let at = page.find(r#"data-live=""#).expect("a live grid") + 11;
    page[at..].split('"').next().unwrap().replace("&amp;", "&")
}

#[tokio::test]
async fn a_template_is_previewed_and_cloned_into_a_grid_of_its_rows_and_columns() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.owner).await;

    let (status, library, _) = browser.get("/app/templates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        library.contains(r#"href="/app/templates/text-driven""#),
        "{library}"
    );
    let (status, preview, _) = browser.get("/app/templates/text-driven").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        preview.contains("TEXT 1") && preview.contains("HOOK"),
        "{preview}"
    );
    assert!(
        preview.contains(&format!(r#"<option value="{agent}">"#)),
        "{preview}"
    );

    let csrf = Browser::csrf(&preview);
    let clone = "/app/templates/text-driven/clone";
    let agent_text = agent.to_string();
    let (status, _, _) = browser
        .post(clone, &[("csrf", "forged"), ("agent", &agent_text)])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, response) = browser
        .post(clone, &[("csrf", &csrf), ("agent", &agent_text)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = response[LOCATION].to_str().unwrap().to_owned();
    assert!(
        to.starts_with(&format!("/app/agents/{agent}/sheets/")),
        "{to}"
    );

    let (status, page, _) = browser.get(&to).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(r#"<th scope="col">HOOK"#), "{page}");
    assert!(page.contains("Row 2"), "{page}");
    assert!(
        page.contains("Checking email first thing"),
        "a sample row's input: {page}"
    );
    let (_, list, _) = browser.get("/app/sheets").await;
    assert_eq!(
        list.matches(&format!(r#"href="{to}""#)).count(),
        1,
        "{list}"
    );

    let (status, missing, _) = browser.get("/app/templates/no-such-template").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing.contains("not found"), "{missing}");
}

#[tokio::test]
async fn a_row_is_priced_then_run_from_the_grid_whose_stream_sends_each_cell_as_it_fills() {
    let app = writing_app(TestApp::builder()).await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let (sheet, row) = story_row(&app.owner).await;
    let engine = read(client, agent, sheet).await;
    let row_value = only_row(&engine);
    assert_eq!(id(&row_value), row);
    let hook = id(&cell_in(&engine, &row_value, "HOOK"));
    let mut browser = Browser::new(&app);
    browser.sign_in(&app.owner).await;

    let (status, plan, _) = browser
        .get(&format!("{}/rows/{row}/plan", grid(agent, sheet)))
        .await;
    assert_eq!(status, StatusCode::OK, "{plan}");
    assert!(plan.contains("HOOK") && plan.contains("LINE"), "{plan}");
    assert!(plan.contains("Total, at most"), "{plan}");
    assert!(plan.contains("Run this row for up to"), "{plan}");

    let (_, page, _) = browser.get(&grid(agent, sheet)).await;
    let mut stream = browser.stream(&live_url(&page)).await;
    let (status, _, response) = browser
        .post(
            &format!("{}/rows/{row}/run", grid(agent, sheet)),
            &[("csrf", &Browser::csrf(&plan))],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        response[LOCATION],
        format!("{}#row-{row}", grid(agent, sheet))
    );
    app.drain_jobs().await;
    let target = format!("cell-{hook}");
    let seen = cells_until(&mut stream, |id, html| {
        id == target && html.contains("status completed")
    })
    .await;
    assert!(
        seen.iter()
            .all(|(_, html)| html.starts_with("<td class=\"cell\" id=\"cell-"))
    );

    let engine = read(client, agent, sheet).await;
    let row_value = only_row(&engine);
    let written = cell_in(&engine, &row_value, "HOOK")["value"]
        .as_str()
        .expect("the HOOK was written")
        .to_owned();
    let (_, page, _) = browser.get(&grid(agent, sheet)).await;
    assert!(page.contains(&escaped(&written)), "{written} in {page}");
    assert!(
        page.contains("<video"),
        "the rendered video plays in its cell: {page}"
    );
    let video = id(&cell_in(&engine, &row_value, "VIDEO"));
    let (status, timeline, _) = browser
        .get(&format!("{}/cells/{video}", grid(agent, sheet)))
        .await;
    assert_eq!(status, StatusCode::OK, "{timeline}");
    assert!(timeline.contains(r#"class="track""#), "{timeline}");
    assert!(timeline.contains(r#"<video class="player""#), "{timeline}");
}

#[tokio::test]
async fn a_cell_is_generated_from_its_card_with_htmx_or_a_plain_form_and_a_stop_needs_a_run() {
    let app = writing_app(TestApp::builder()).await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let (sheet, row) = story_row(&app.owner).await;
    let engine = read(client, agent, sheet).await;
    let row_value = engine["spreadsheet_rows"][0].clone();
    assert_eq!(id(&row_value), row);
    let hook = id(&cell_in(&engine, &row_value, "HOOK"));
    let mut browser = Browser::new(&app);
    let page = browser.sign_in(&app.owner).await;
    let csrf = Browser::csrf(&page);
    let cell = format!("{}/cells/{hook}", grid(agent, sheet));

    let (status, fragment, _) = browser
        .post_htmx(&format!("{cell}/generate"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        fragment.starts_with(&format!(r#"<td class="cell" id="cell-{hook}""#)),
        "{fragment}"
    );
    assert!(
        fragment.contains("status "),
        "its generation's status: {fragment}"
    );
    app.drain_jobs().await;

    let (status, _, response) = browser
        .post(&format!("{cell}/generate"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        response[LOCATION],
        format!("{}#cell-{hook}", grid(agent, sheet))
    );
    app.drain_jobs().await;
    let engine = read(client, agent, sheet).await;
    let generations = cell_in(&engine, &only_row(&engine), "HOOK")["user_jobs"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(generations, 2, "{engine}");

    let (status, refused, _) = browser
        .post(&format!("{cell}/stop"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("Nothing is running in this cell."),
        "{refused}"
    );
    let (status, _, _) = browser
        .post_htmx(&format!("{cell}/generate"), &[("csrf", "forged")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rows_are_duplicated_moved_and_rendered_and_a_layer_is_retimed_from_its_timeline() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let (sheet, row) = story_row(&app.owner).await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in(&app.owner).await;
    let csrf = Browser::csrf(&page);
    let rows = |engine: &Value| -> Vec<i64> {
        engine["spreadsheet_rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(id)
            .collect()
    };

    let (status, _, _) = browser
        .post(
            &format!("{}/rows/{row}/duplicate", grid(agent, sheet)),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let order = rows(&read(client, agent, sheet).await);
    assert_eq!(order.len(), 2);
    assert_eq!(order[0], row);
    let (status, _, _) = browser
        .post(
            &format!("{}/rows/{row}/move", grid(agent, sheet)),
            &[("csrf", &csrf), ("position", "2")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(rows(&read(client, agent, sheet).await), vec![order[1], row]);

    let (status, _, _) = browser
        .post(
            &format!("{}/rows/{row}/render", grid(agent, sheet)),
            &[("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.drain_jobs().await;
    let engine = read(client, agent, sheet).await;
    let row_value = engine["spreadsheet_rows"][1].clone();
    let final_video = cell_in(&engine, &row_value, "FINAL VIDEO");
    assert_eq!(
        final_video["user_jobs"][0]["status"], "completed",
        "{final_video}"
    );

    let video = id(&cell_in(&engine, &row_value, "VIDEO"));
    let timeline = format!("{}/cells/{video}", grid(agent, sheet));
    let (_, page, _) = browser.get(&timeline).await;
    let at = page
        .find(&format!("{timeline}/layers/"))
        .expect("a layer form")
        + timeline.len()
        + 8;
    let layer: i64 = page[at..].split('"').next().unwrap().parse().unwrap();
    let path = format!("{timeline}/layers/{layer}");
    let (status, _, response) = browser
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("name", "Backdrop"),
                ("start", "1.5"),
                ("duration", "2"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], timeline.as_str());
    let layers = read(client, agent, sheet).await;
    let saved = cell_in(&layers, &layers["spreadsheet_rows"][1], "VIDEO")["video_layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| id(l) == layer)
        .unwrap()
        .clone();
    assert_eq!(saved["name"], "Backdrop");
    assert_eq!(saved["additional_attributes"]["from"], 45);
    assert_eq!(saved["additional_attributes"]["durationInFrames"], 60);
    let (status, refused, _) = browser
        .post(&path, &[("csrf", &csrf), ("start", "soon")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.contains("start must be a number of seconds"),
        "{refused}"
    );
}

#[tokio::test]
async fn another_organizations_session_reaches_none_of_a_vidsheets_pages_by_changing_ids() {
    let app = TestApp::spawn().await;
    let (client, agent) = (&app.owner.client, app.owner.agent_id.get());
    let (sheet, row) = story_row(&app.owner).await;
    let engine = read(client, agent, sheet).await;
    let row_value = engine["spreadsheet_rows"][0].clone();
    let hook = id(&cell_in(&engine, &row_value, "HOOK"));
    let video = id(&cell_in(&engine, &row_value, "VIDEO"));
    let layer = id(&cell_in(&engine, &row_value, "VIDEO")["video_layers"][0]);
    let stranger = app.user("stranger").await;
    let mut browser = Browser::new(&app);
    let page = browser.sign_in(&stranger).await;
    let csrf = Browser::csrf(&page);
    let base = grid(agent, sheet);

    for path in [
        base.clone(),
        format!("{base}/events?digest=x"),
        format!("{base}/rows/{row}/plan"),
        format!("{base}/cells/{video}"),
    ] {
        let (status, page, _) = browser.get(&path).await;
        assert!(status.is_client_error(), "{path}: {status}");
        assert!(
            !page.contains("HOOK") && !page.contains("tacos"),
            "{path}: {page}"
        );
    }
    for path in [
        format!("{base}/cells/{hook}/generate"),
        format!("{base}/rows/{row}/run"),
        format!("{base}/rows/{row}/render"),
        format!("{base}/rows/{row}/duplicate"),
        format!("{base}/cells/{video}/layers/{layer}"),
    ] {
        let (status, _, _) = browser
            .post(&path, &[("csrf", &csrf), ("name", "Mine now")])
            .await;
        assert!(status.is_client_error(), "{path}: {status}");
    }
    let agent_text = agent.to_string();
    let (status, _, _) = browser
        .post(
            "/app/templates/text-driven/clone",
            &[("csrf", &csrf), ("agent", &agent_text)],
        )
        .await;
    assert!(
        status.is_client_error(),
        "cloning into their agent: {status}"
    );
    app.drain_jobs().await;
    let after = read(client, agent, sheet).await;
    assert_eq!(after["spreadsheet_rows"].as_array().unwrap().len(), 1);
    assert_eq!(after["spreadsheet_rows"], engine["spreadsheet_rows"]);
}
