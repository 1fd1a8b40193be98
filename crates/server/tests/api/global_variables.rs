//! `/v1/autocontentengine/{id}/global_variables`: variables one by one and from XLSX files.

use crate::harness::{Client, Reply, TestApp};
use ace_media::variables_workbook::{self, FileVariable};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{engine, id, read};

async fn import(client: &Client, agent: i64, sheet: i64, bytes: Vec<u8>) -> Reply {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("variables.xlsx"));
    client
        .multipart(
            Method::POST,
            &format!("/v1/autocontentengine/{sheet}/import_global_variables?agent_id={agent}"),
            form,
        )
        .await
}

fn pairs(sheet: &Value) -> Vec<(String, String)> {
    sheet["variables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["key"].as_str().unwrap().to_owned(),
                v["value"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn variable(key: &str, value: &str) -> FileVariable {
    FileVariable {
        key: key.to_owned(),
        value: value.to_owned(),
    }
}

#[tokio::test]
async fn variables_are_null_until_there_are_some_then_added_changed_and_removed() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = id(&engine(client, agent, "Vars").await);
    let base = format!("/v1/autocontentengine/{sheet}/global_variables");
    assert_eq!(
        client
            .get(&format!("{base}?agent_id={agent}"))
            .await
            .expect(200)
            .body,
        Value::Null
    );
    let brand = client
        .post(
            &format!("{base}?agent_id={agent}"),
            json!({"key": "brand_name", "value": "Acme Corp"}),
        )
        .await
        .expect(201)
        .body;
    client
        .post(
            &format!("{base}?agent_id={agent}"),
            json!({"global_variable": {"key": "tone", "value": "casual"}}),
        )
        .await
        .expect(201);
    client
        .post(
            &format!("{base}?agent_id={agent}"),
            json!({"key": "BRAND_NAME", "value": "twice"}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            &format!("{base}?agent_id={agent}"),
            json!({"key": "{{x}}", "value": "v"}),
        )
        .await
        .expect_error(422, "validation_error");
    client
        .post(&format!("{base}?agent_id={agent}"), json!({"value": "v"}))
        .await
        .expect_error(422, "validation_error");
    client
        .patch(
            &format!("{base}/{}?agent_id={agent}", id(&brand)),
            json!({"value": "Acme Inc"}),
        )
        .await
        .expect(200);
    let listed = client
        .get(&format!("{base}?agent_id={agent}"))
        .await
        .expect(200)
        .body;
    contract().assert_conforms("getGlobalVariables", 200, &listed);
    assert_eq!(
        pairs(&listed),
        [
            ("brand_name".into(), "Acme Inc".into()),
            ("tone".into(), "casual".into())
        ]
    );
    client
        .delete(&format!("{base}/{}?agent_id={agent}", id(&brand)))
        .await
        .expect(204);
    client
        .delete(&format!("{base}/{}?agent_id={agent}", id(&brand)))
        .await
        .expect_error(404, "not_found");
    let full = read(client, agent, sheet).await;
    assert_eq!(
        pairs(&full["global_variables_sheet"]),
        [("tone".to_owned(), "casual".to_owned())]
    );
}

#[tokio::test]
async fn an_import_replaces_every_variable() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = id(&engine(client, agent, "Import").await);
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/global_variables?agent_id={agent}"),
            json!({"key": "old", "value": "gone"}),
        )
        .await
        .expect(201);
    let file = variables_workbook::write(&[
        variable("brand_name", "Acme Corp"),
        variable("cta", "Link in bio!"),
        variable("count", "42"),
    ]);
    let imported = import(client, agent, sheet, file).await.expect(200).body;
    contract().assert_conforms("importGlobalVariables", 200, &imported);
    assert_eq!(
        pairs(&imported),
        [
            ("brand_name".into(), "Acme Corp".into()),
            ("cta".into(), "Link in bio!".into()),
            ("count".into(), "42".into())
        ]
    );
}

#[tokio::test]
async fn a_file_made_by_libreoffice_imports() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = id(&engine(client, agent, "LibreOffice").await);
    let file = include_bytes!("../../../media/tests/fixtures/variables-libreoffice.xlsx").to_vec();
    let imported = import(client, agent, sheet, file).await.expect(200).body;
    assert_eq!(
        pairs(&imported),
        [
            ("brand_name".into(), "Acme Corp".into()),
            ("tone".into(), "casual and friendly".into()),
            ("cta".into(), "Link in bio!".into())
        ]
    );
}

#[tokio::test]
async fn the_downloaded_template_imports_back_unchanged_as_no_variables() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = id(&engine(client, agent, "Template").await);
    let response = client
        .request(
            Method::GET,
            "/v1/autocontentengine/global_variables_template",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        variables_workbook::CONTENT_TYPE
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    assert!(bytes.starts_with(b"PK"));
    let imported = import(client, agent, sheet, bytes).await.expect(200).body;
    assert!(pairs(&imported).is_empty());
    app.anonymous()
        .get("/v1/autocontentengine/global_variables_template")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn a_bad_file_is_refused_with_the_reason_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = id(&engine(client, agent, "Bad").await);
    let kept = variables_workbook::write(&[variable("keep", "me")]);
    import(client, agent, sheet, kept).await.expect(200);
    let reply = import(client, agent, sheet, b"name,value\nx,y\n".to_vec())
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"].as_str().unwrap().contains("XLSX"),
        "{}",
        reply.text
    );
    let mut headerless = rust_xlsx(&[["name", "amount"], ["a", "b"]]);
    let reply = import(client, agent, sheet, std::mem::take(&mut headerless))
        .await
        .expect_error(422, "validation_error");
    assert!(
        reply.body["error"].as_str().unwrap().contains("key"),
        "{}",
        reply.text
    );
    let form = Form::new().part("other", Part::bytes(vec![1, 2, 3]).file_name("x.xlsx"));
    client
        .multipart(
            Method::POST,
            &format!("/v1/autocontentengine/{sheet}/import_global_variables?agent_id={agent}"),
            form,
        )
        .await
        .expect_error(422, "validation_error");
    let listed = client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/global_variables?agent_id={agent}"
        ))
        .await
        .expect(200)
        .body;
    assert_eq!(pairs(&listed), [("keep".to_owned(), "me".to_owned())]);
}

/// A workbook with these cells, written by a spreadsheet library rather than by ace.
fn rust_xlsx(rows: &[[&str; 2]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet
                .write_string(u32::try_from(r).unwrap(), u16::try_from(c).unwrap(), *text)
                .unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn another_workspace_cannot_read_or_replace_the_variables() {
    let app = TestApp::spawn().await;
    let (agent, client) = (app.owner.agent_id.get(), &app.owner.client);
    let sheet = id(&engine(client, agent, "Private").await);
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/global_variables?agent_id={agent}"
        ))
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .post(
            &format!("/v1/autocontentengine/{sheet}/global_variables?agent_id={agent}"),
            json!({"key": "k", "value": "v"}),
        )
        .await
        .expect_error(404, "not_found");
    import(
        &stranger.client,
        agent,
        sheet,
        variables_workbook::template(),
    )
    .await
    .expect_error(404, "not_found");
}
