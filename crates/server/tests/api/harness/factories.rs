//! What many tests set up the same way: engines, rows and cells, uploaded files, text cells
//! and their generations, balances, downloads and probes. Each goes through the API as a
//! client would.

use std::path::Path;

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use super::{Client, Contract, Member, Reply, TestApp};

/// What voice samples say.
pub const SAMPLE_SCRIPT: &str = "Fresh tortillas every morning, smoky pastor at noon, and the \
                                 best salsa in town by night. Come hungry, leave happy.";

/// Adds a row and returns it.
pub async fn add_row(client: &Client, agent: i64, sheet: i64) -> Value {
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/rows?agent_id={agent}"),
            json!({}),
        )
        .await
        .expect(201)
        .body
}

/// The row's cell in the column titled `title`.
pub fn cell_in(sheet: &Value, row: &Value, title: &str) -> Value {
    let column = sheet["spreadsheet_columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == title)
        .unwrap_or_else(|| panic!("no column {title}"));
    row["spreadsheet_cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["column_id"] == column["id"])
        .unwrap()
        .clone()
}

/// Creates an engine titled `title` for `agent` and returns it.
pub async fn engine(client: &Client, agent: i64, title: &str) -> Value {
    let reply = client
        .post(
            &format!("/v1/autocontentengine?agent_id={agent}"),
            json!({"spreadsheet": {"title": title}}),
        )
        .await
        .expect(201);
    Contract::get().assert_conforms("createSheet", 201, &reply.body);
    reply.body
}

/// Adds columns `(title, creation card or null)` of type text to the engine.
pub async fn text_columns(client: &Client, agent: i64, sheet: i64, columns: &[(&str, Value)]) {
    for (title, card) in columns {
        let mut column = json!({"title": title, "type": "text"});
        if !card.is_null() {
            column["additional_attributes"] = json!({"creation_card": card});
        }
        client
            .post(
                &format!("/v1/autocontentengine/{sheet}/columns?agent_id={agent}"),
                column,
            )
            .await
            .expect(201);
    }
}

/// Stacks layers `(name, type, additional_attributes)` on a video cell, back to front.
pub async fn stack_layers(
    client: &Client,
    agent: i64,
    sheet: i64,
    cell: i64,
    layers: &[(&str, &str, Value)],
) {
    for (name, kind, attributes) in layers {
        client
            .post(
                &format!("/v1/autocontentengine/{sheet}/cells/{cell}/layers?agent_id={agent}"),
                json!({"name": name, "type": kind, "additional_attributes": attributes}),
            )
            .await
            .expect(201);
    }
}

/// A one-second stack: the `{{LINE}}` column's text over a full-frame backdrop.
pub fn line_over_backdrop() -> [(&'static str, &'static str, Value); 2] {
    [
        (
            "Backdrop",
            "shape",
            json!({"from": 0, "durationInFrames": 30, "width": 1080, "height": 1920, "styles": {"fill": "#203040"}}),
        ),
        (
            "Line",
            "text",
            json!({"content": "{{LINE}}", "from": 0, "durationInFrames": 30, "left": 90, "top": 700, "width": 840, "height": 300, "styles": {"fontSize": "60px"}}),
        ),
    ]
}

pub fn id(value: &Value) -> i64 {
    value["id"].as_i64().expect("an id")
}

/// Reads the whole engine.
pub async fn read(client: &Client, agent: i64, sheet: i64) -> Value {
    let reply = client
        .get(&format!("/v1/autocontentengine/{sheet}?agent_id={agent}"))
        .await
        .expect(200);
    Contract::get().assert_conforms("getSheet", 200, &reply.body);
    reply.body
}

/// Uploads a file and returns the created resource.
pub async fn uploaded(client: &Client, agent: i64, name: &str, bytes: Vec<u8>) -> Value {
    let reply = upload(client, agent, name, bytes).await.expect(201);
    Contract::get().assert_conforms("createContentResource", 201, &reply.body);
    reply.body["content_resource"].clone()
}

/// Fetches a public URL with no credential.
pub async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    let path = format!(
        "/files/{}",
        url.split_once("/files/").expect("a URL ace serves").1
    );
    app.anonymous()
        .request(Method::GET, &path)
        .send()
        .await
        .unwrap()
}

pub async fn upload_form(client: &Client, agent: i64, form: Form) -> Reply {
    client
        .multipart(
            Method::POST,
            &format!("/v1/content_resources?agent_id={agent}"),
            form,
        )
        .await
}

/// The workspace's generic balance as the API reports it.
pub async fn balance(member: &Member) -> f64 {
    let org = member
        .client
        .get(&format!("/v1/organizations/{}", member.workspace_id))
        .await
        .expect(200);
    org.body["available_credit"]["generic"].as_f64().unwrap()
}

/// Triggers a generation and returns the reply.
pub async fn generate(
    client: &Client,
    agent: i64,
    (sheet, cell): (i64, i64),
    card: Value,
) -> crate::harness::Reply {
    client
        .post(
            &format!("/v1/autocontentengine/{sheet}/cells/{cell}/generate?agent_id={agent}"),
            card,
        )
        .await
}

/// Triggers a text generation and returns its id.
pub async fn started(client: &Client, agent: i64, place: (i64, i64)) -> i64 {
    let card = json!({"generation_type": "text", "data": {"prompt": "Write a hook"}});
    let reply = generate(client, agent, place, card).await.expect(201);
    Contract::get().assert_conforms("generateCellContent", 201, &reply.body);
    assert_eq!(reply.body["status"], "pending");
    reply.body["generation_id"].as_i64().unwrap()
}

/// A cell to generate into: (sheet id, cell id) in a new engine's new row.
pub async fn text_cell(client: &Client, agent: i64) -> (i64, i64) {
    let sheet = engine(client, agent, "Generations").await;
    let sheet_id = id(&sheet);
    let row = add_row(client, agent, sheet_id).await;
    (sheet_id, id(&cell_in(&sheet, &row, "VIDEO")))
}

/// A cell as `GET .../cells/{cell_id}` returns it (unwrapped).
pub async fn read_cell(client: &Client, agent: i64, (sheet, cell): (i64, i64)) -> Value {
    let body = client
        .get(&format!(
            "/v1/autocontentengine/{sheet}/cells/{cell}?agent_id={agent}"
        ))
        .await
        .expect(200)
        .body;
    if body["spreadsheet_cell"].is_object() {
        body["spreadsheet_cell"].clone()
    } else {
        body
    }
}

/// Downloads a public URL of this server into `dir`.
pub async fn download(app: &TestApp, url: &str, dir: &Path, name: &str) -> std::path::PathBuf {
    let response = fetch(app, url).await;
    assert_eq!(response.status(), 200, "{url}");
    let path = dir.join(name);
    std::fs::write(&path, response.bytes().await.unwrap()).unwrap();
    path
}

/// What ffprobe says of a file.
pub fn probe(file: &Path) -> Value {
    let out = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
        ])
        .arg(file)
        .output()
        .expect("ffprobe runs");
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The duration ffprobe reports.
pub fn seconds(probed: &Value) -> f64 {
    probed["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

/// Uploads `bytes` as `content_resource[file]` named `name`.
pub async fn upload(client: &Client, agent: i64, name: &str, bytes: Vec<u8>) -> Reply {
    upload_form(
        client,
        agent,
        Form::new().part(
            "content_resource[file]",
            Part::bytes(bytes).file_name(name.to_owned()),
        ),
    )
    .await
}

/// [`SAMPLE_SCRIPT`] spoken by espeak-ng at `pitch` (0 to 99) and `words_per_minute`, as WAV bytes: a
/// voice ace did not make.
pub fn espeak_wav(dir: &Path, pitch: u32, words_per_minute: u32) -> Vec<u8> {
    let out = dir.join(format!("espeak-{pitch}-{words_per_minute}.wav"));
    let status = std::process::Command::new("espeak-ng")
        .args(["-v", "en-us", "-p", &pitch.to_string(), "-s"])
        .arg(words_per_minute.to_string())
        .arg("-w")
        .arg(&out)
        .arg(SAMPLE_SCRIPT)
        .status()
        .expect("espeak-ng runs");
    assert!(status.success());
    std::fs::read(out).unwrap()
}
