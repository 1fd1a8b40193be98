//! Content monitoring and the agent's knowledge: `/v1/user_jobs` (`train_social` scrapes and
//! monitoring, read, changed and listed), `/v1/agents/{id}/knowledge/imports`, and Agent Core's
//! monitored sources driving monitoring (`/v1/agents/{id}/knowledge/monitoring`).

mod asking;
mod core_monitoring;
mod imports;
mod scrapes;

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{Client, Reply};

/// GEN's SDK and MCP server: url-encoded, `agent_id` and `user_job[...]` in the body.
async fn create_form(client: &Client, agent: i64, data: &Value) -> Reply {
    let body = format!(
        "agent_id={agent}&user_job%5Buser_job_type%5D=train_social&user_job%5Bdata%5D={}",
        urlencode(&data.to_string())
    );
    send_form(client, Method::POST, "/v1/user_jobs", body).await
}

async fn send_form(client: &Client, method: Method, path: &str, body: String) -> Reply {
    let response = client
        .request(method, path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    Client::read(response).await
}

/// Percent-encodes a form value.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

/// Creates a scrape the way the SDK does and returns its id.
async fn scrape(client: &Client, agent: i64, data: Value) -> i64 {
    let reply = create_form(client, agent, &data).await.expect(201);
    reply.body["id"].as_i64().unwrap()
}

async fn job(client: &Client, agent: i64, id: i64) -> Value {
    let reply = client
        .get(&format!("/v1/user_jobs/{id}?agent_id={agent}"))
        .await
        .expect(200);
    contract().assert_conforms("getUserJob", 200, &reply.body);
    reply.body
}

fn tiktok(extra: Value) -> Value {
    let mut data = json!({"platform": "tiktok", "type": "hashtag", "value": "#skincare"});
    for (key, value) in extra.as_object().unwrap() {
        data[key] = value.clone();
    }
    data
}

/// Two posts and a comment in the generic shape, with a broken line between them.
const GENERIC: &str = concat!(
    r#"{"platform":"tiktok","id":"g1","text":"first post about skincare","views":1200,"likes":90}"#,
    "\n",
    "{not json\n",
    r#"{"platform":"tiktok","id":"g2","text":"second post","views":300}"#,
    "\n",
    r#"{"platform":"tiktok","id":"c1","post_id":"g1","text":"love it","likes":4}"#,
    "\n"
);

async fn import(
    client: &Client,
    agent: i64,
    name: &str,
    bytes: Vec<u8>,
    format: Option<&str>,
) -> Reply {
    let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    if let Some(format) = format {
        form = form.text("format", format.to_owned());
    }
    client
        .multipart(
            Method::POST,
            &format!("/v1/agents/{agent}/knowledge/imports"),
            form,
        )
        .await
}
