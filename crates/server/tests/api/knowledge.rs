//! Content monitoring and the agent's knowledge: `/v1/user_jobs` (`train_social` scrapes and
//! monitoring, read, changed and listed) and `/v1/agents/{id}/knowledge/imports`.

use std::sync::Arc;

use ace_app::knowledge::gather::GatherSocial;
use ace_domain::credits::{CreditBucket, Credits};
use ace_sources::FetchError;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::contract;
use crate::harness::{Answer, Client, Reply, ScriptedSource, TestApp, balance};

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

#[tokio::test]
async fn a_scrape_is_created_from_every_encoding_gens_clients_and_curl_send() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let data = tiktok(json!({"days": 7, "max_results": 10}));

    let sdk = create_form(client, agent, &data).await.expect(201);
    let multipart = Form::new()
        .text("user_job[user_job_type]", "train_social")
        .text("user_job[data]", data.to_string());
    let docs = client
        .multipart(
            Method::POST,
            &format!("/v1/user_jobs?agent_id={agent}"),
            multipart,
        )
        .await
        .expect(201);
    let flat = client
        .post(
            &format!("/v1/user_jobs?agent_id={agent}"),
            json!({"user_job_type": "train_social", "data": data.to_string()}),
        )
        .await
        .expect(201);
    let wrapped = client
        .post(
            "/v1/user_jobs",
            json!({"agent_id": agent, "user_job": {"user_job_type": "train_social", "data": data}}),
        )
        .await
        .expect(201);

    let mut ids = Vec::new();
    for reply in [sdk, docs, flat, wrapped] {
        contract().assert_conforms("createUserJob", 201, &reply.body);
        let body = &reply.body;
        assert_eq!(body["user_job_id"], body["id"], "{body}");
        assert_eq!(body["user_job_type"], "train_social");
        assert_eq!(body["status"], "pending");
        ids.push(body["id"].as_i64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 4, "four jobs: {ids:?}");
    let read = job(client, agent, ids[0]).await;
    assert_eq!(read["user_job_type"], "train_social");
}

#[tokio::test]
async fn requests_outside_the_documented_table_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let refusals = [
        (
            json!({"platform": "instagram", "type": "keyword", "value": "ai tools"}),
            "type",
        ),
        (
            tiktok(json!({"type": "username", "value": "creator"})),
            "value",
        ),
        (tiktok(json!({"value": "skincare"})), "value"),
        (tiktok(json!({"days": 14})), "days"),
        (tiktok(json!({"country": "usa"})), "country"),
        (tiktok(json!({"max_results": 51})), "max_results"),
        (tiktok(json!({"max_results": 0})), "max_results"),
        (tiktok(json!({"platform": "vine"})), "platform"),
    ];
    for (data, field) in refusals {
        let reply = create_form(client, agent, &data)
            .await
            .expect_error(422, "validation_error");
        let message = reply.body["error"].as_str().unwrap();
        assert!(message.contains(field), "{data} → {message}");
    }
    let no_data = client
        .post(
            &format!("/v1/user_jobs?agent_id={agent}"),
            json!({"user_job_type": "train_social"}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(no_data.body["error"].as_str().unwrap().contains("data"));
    let not_json = client
        .post(
            &format!("/v1/user_jobs?agent_id={agent}"),
            json!({"user_job_type": "train_social", "data": "{platform: tiktok"}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(not_json.body["error"].as_str().unwrap().contains("data"));
    for kind in ["", "render", "text", "import_social"] {
        client
            .post(
                &format!("/v1/user_jobs?agent_id={agent}"),
                json!({"user_job_type": kind, "data": tiktok(json!({})).to_string()}),
            )
            .await
            .expect_error(422, "validation_error");
    }
    client
        .post(
            "/v1/user_jobs",
            json!({"user_job_type": "train_social", "data": "{}"}),
        )
        .await
        .expect_error(422, "validation_error");
    let jobs = client
        .get(&format!("/v1/user_jobs?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(jobs.body, json!([]), "nothing refused was kept");
}

#[tokio::test]
async fn a_workspace_without_credits_cannot_start_monitoring() {
    let app = TestApp::builder()
        .starter_credits(Credits::ZERO)
        .spawn()
        .await;
    let member = app.user("Broke").await;
    create_form(&member.client, member.agent_id.get(), &tiktok(json!({})))
        .await
        .expect_error(422, "no_active_credit_purchase");
}

#[tokio::test]
async fn a_one_time_scrape_with_no_source_configured_fails_naming_the_setting() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let id = scrape(client, agent, tiktok(json!({}))).await;
    app.drain_due_jobs().await;

    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "failed", "{read}");
    let reason = read["failed_reason"].as_str().unwrap();
    assert!(reason.contains("ACE_PROVIDER_APIFY_API_KEY"), "{reason}");
    assert_eq!(read["execution_cost"], "0.0");
    assert_eq!(balance(&app.owner).await, before, "nothing was charged");
    send_form(
        client,
        Method::PUT,
        &format!("/v1/user_jobs/{id}?agent_id={agent}"),
        "days=30".into(),
    )
    .await
    .expect_error(422, "job_status_invalid");
}

#[tokio::test]
async fn monitoring_with_no_source_stays_processing_and_keeps_each_cycle_error() {
    let app = TestApp::builder()
        .monitoring_interval(std::time::Duration::from_secs(2 * 3600))
        .spawn()
        .await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let id = scrape(client, agent, tiktok(json!({"monitoring": true}))).await;
    app.drain_due_jobs().await;

    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "processing", "{read}");
    let result = &read["result"];
    assert!(
        result["last_error"]
            .as_str()
            .unwrap()
            .contains("ACE_PROVIDER_APIFY_API_KEY"),
        "{result}"
    );
    assert_eq!(result["errors"].as_array().unwrap().len(), 1);
    let next = result["next_cycle_at"].as_str().unwrap();
    let next = chrono::DateTime::parse_from_rfc3339(next).unwrap();
    let minutes = (next.timestamp() - chrono::Utc::now().timestamp()) / 60;
    assert!((110..=120).contains(&minutes), "as configured: {next}");

    // It can be changed meanwhile, and the next cycle misses again, keeping both errors.
    send_form(
        client,
        Method::PUT,
        &format!("/v1/user_jobs/{id}?agent_id={agent}"),
        "value=%23haircare&max_results=5&comment_monitoring=true".into(),
    )
    .await
    .expect(200);
    assert_eq!(app.app.queue().run_now::<GatherSocial>().await.unwrap(), 1);
    app.drain_due_jobs().await;
    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "processing");
    assert_eq!(read["result"]["cycles"], 2);
    assert_eq!(read["result"]["errors"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_scrape_reserves_its_estimate_and_settles_to_what_was_fetched() {
    let source = ScriptedSource::new([Answer::Posts {
        first: 0,
        count: 7,
        comments: 3,
    }]);
    let app = TestApp::builder().source(source.clone()).spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let id = scrape(
        client,
        agent,
        tiktok(json!({"max_results": 20, "comment_monitoring": true})),
    )
    .await;
    app.drain_due_jobs().await;

    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "completed", "{read}");
    let result = &read["result"];
    assert_eq!(
        (
            &result["posts_fetched"],
            &result["posts_new"],
            &result["posts_known"]
        ),
        (&json!(7), &json!(7), &json!(0))
    );
    assert_eq!(
        (&result["comments_fetched"], &result["comments_new"]),
        (&json!(21), &json!(21))
    );
    assert!(result["next_cycle_at"].is_null());
    // 7 × $0.015 + 21 × $0.002 = $0.147 → 0.147 / 0.0087 × 1.3 = 21.97 → 22 credits.
    let charged = app.app.pricing().for_scraping(7, 21);
    assert_eq!(charged, Credits::whole(22));
    assert_eq!(read["execution_cost"], charged.to_string());
    let spent = before - balance(&app.owner).await;
    assert!((spent - 22.0).abs() < 1e-9, "spent {spent}");
    assert_eq!(source.fetches(), 1);
}

#[tokio::test]
async fn monitoring_fetches_on_its_schedule_counting_what_it_already_knew() {
    let source = ScriptedSource::new([
        Answer::Posts {
            first: 0,
            count: 5,
            comments: 0,
        },
        Answer::Posts {
            first: 3,
            count: 5,
            comments: 0,
        },
    ]);
    let app = TestApp::builder().source(source.clone()).spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let id = scrape(client, agent, tiktok(json!({"monitoring": true}))).await;
    app.drain_due_jobs().await;
    let first = job(client, agent, id).await;
    assert_eq!(first["status"], "processing", "{first}");
    assert_eq!(first["result"]["posts_new"], 5);
    assert!(first["result"]["last_error"].is_null());
    let next = first["result"]["next_cycle_at"].as_str().unwrap();
    let next = chrono::DateTime::parse_from_rfc3339(next).unwrap();
    let hours = (next.timestamp() - chrono::Utc::now().timestamp()) / 3600;
    assert!((23..=24).contains(&hours), "daily by default: {next}");
    assert_eq!(source.fetches(), 1, "the next cycle waits for its time");

    assert_eq!(app.app.queue().run_now::<GatherSocial>().await.unwrap(), 1);
    app.drain_due_jobs().await;
    let second = job(client, agent, id).await;
    let result = &second["result"];
    assert_eq!(
        (
            &result["posts_fetched"],
            &result["posts_new"],
            &result["posts_known"]
        ),
        (&json!(5), &json!(3), &json!(2)),
        "{result}"
    );
    assert_eq!(result["cycles"], 2);
    let cost: f64 = second["execution_cost"].as_str().unwrap().parse().unwrap();
    let each: f64 = app
        .app
        .pricing()
        .for_scraping(5, 0)
        .to_string()
        .parse()
        .unwrap();
    assert!(
        (cost - 2.0 * each).abs() < 1e-9,
        "both cycles add up: {cost}"
    );

    // Turned off between cycles, it ends with what it gathered and fetches no more.
    let off = send_form(
        client,
        Method::PUT,
        &format!("/v1/user_jobs/{id}?agent_id={agent}"),
        "monitoring=false".into(),
    )
    .await
    .expect(200);
    contract().assert_conforms("updateMonitoringJob", 200, &off.body);
    assert_eq!(off.body["status"], "completed");
    assert_eq!(app.app.queue().run_now::<GatherSocial>().await.unwrap(), 0);
    app.drain_jobs().await;
    assert_eq!(source.fetches(), 2);
}

#[tokio::test]
async fn a_rate_limited_fetch_is_retried_and_a_cut_short_one_keeps_what_it_got() {
    let source = ScriptedSource::new([
        Answer::Fails(FetchError::RateLimited { retry_after: None }),
        Answer::CutShort {
            count: 4,
            why: "the source stopped after 4 results",
        },
    ]);
    let app = TestApp::builder().source(source.clone()).spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let id = scrape(client, agent, tiktok(json!({}))).await;
    app.drain_due_jobs().await;

    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "completed", "{read}");
    assert_eq!(read["result"]["posts_new"], 4);
    assert_eq!(
        read["result"]["cut_short"],
        "the source stopped after 4 results"
    );
    assert_eq!(source.fetches(), 2);
    let spent = before - balance(&app.owner).await;
    let charged: f64 = app
        .app
        .pricing()
        .for_scraping(4, 0)
        .to_string()
        .parse()
        .unwrap();
    assert!(
        (spent - charged).abs() < 1e-9,
        "the retry charged nothing: {spent}"
    );
}

#[tokio::test]
async fn a_refused_fetch_fails_a_scrape_and_a_cycle_nobody_can_pay_for_is_skipped() {
    let source = ScriptedSource::new([
        Answer::Fails(FetchError::Refused("the account does not exist".into())),
        Answer::Posts {
            first: 0,
            count: 2,
            comments: 0,
        },
    ]);
    let app = TestApp::builder().source(source.clone()).spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let id = scrape(
        client,
        agent,
        tiktok(json!({"type": "username", "value": "@nobody"})),
    )
    .await;
    app.drain_due_jobs().await;
    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "failed");
    assert!(
        read["failed_reason"]
            .as_str()
            .unwrap()
            .contains("the account does not exist")
    );

    // One credit left: enough to start monitoring, not to pay for a cycle.
    let left = Credits::from_millis((balance(&app.owner).await * 1000.0).round() as i64);
    ace_app::credits::deduct(
        &app.app,
        app.owner.workspace_id,
        CreditBucket::Generic,
        left - Credits::whole(1),
        Default::default(),
    )
    .await
    .unwrap();
    let monitoring = scrape(client, agent, tiktok(json!({"monitoring": true}))).await;
    app.drain_due_jobs().await;
    let read = job(client, agent, monitoring).await;
    assert_eq!(read["status"], "processing", "{read}");
    let error = read["result"]["last_error"].as_str().unwrap();
    assert!(error.starts_with("Skipped:"), "{error}");
    assert_eq!(source.fetches(), 1, "nothing was fetched unpaid");
}

#[tokio::test]
async fn updates_take_flat_fields_while_a_job_runs_and_refuse_bad_ones() {
    let app = TestApp::builder().without_jobs().spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let id = scrape(client, agent, tiktok(json!({"monitoring": true}))).await;
    let path = format!("/v1/user_jobs/{id}?agent_id={agent}");

    let changed = send_form(
        client,
        Method::PUT,
        &path,
        "platform=youtube&type=keyword&value=ai+tools&days=30&country=gb&max_results=50&monitoring=true&comment_monitoring=false".into(),
    )
    .await
    .expect(200);
    assert_eq!(changed.body["user_job_id"], id);
    assert_eq!(changed.body["status"], "pending");
    let multipart = Form::new().text("days", "90").text("monitoring", "true");
    client
        .multipart(Method::PUT, &path, multipart)
        .await
        .expect(200);
    client
        .put(&path, json!({"max_results": 12}))
        .await
        .expect(200);

    for (body, field) in [
        ("days=2", "days"),
        ("platform=instagram", "type"),
        ("type=username&value=nobody", "value"),
        ("max_results=51", "max_results"),
        ("country=gbr", "country"),
        ("monitoring=maybe", "monitoring"),
    ] {
        let reply = send_form(client, Method::PUT, &path, body.into())
            .await
            .expect_error(422, "validation_error");
        assert!(
            reply.body["error"].as_str().unwrap().contains(field),
            "{body} → {}",
            reply.text
        );
    }
    send_form(client, Method::PUT, "/v1/user_jobs/999999", "days=7".into())
        .await
        .expect_error(404, "user_job_not_found");
}

#[tokio::test]
async fn jobs_of_every_type_list_newest_first_with_filters() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let failed = scrape(client, agent, tiktok(json!({}))).await;
    app.drain_due_jobs().await;
    let monitoring = scrape(client, agent, tiktok(json!({"monitoring": true}))).await;
    app.drain_due_jobs().await;
    let imported = import(client, agent, "generic.ndjson", GENERIC.into(), None)
        .await
        .expect(202);
    app.drain_due_jobs().await;
    let imported = imported.body["id"].as_i64().unwrap();

    let list = |query: &'static str| {
        let client = client.clone();
        async move {
            let reply = client
                .get(&format!("/v1/user_jobs?agent_id={agent}{query}"))
                .await
                .expect(200);
            contract().assert_conforms("listUserJobs", 200, &reply.body);
            reply
                .body
                .as_array()
                .unwrap()
                .iter()
                .map(|job| job["id"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(list("").await, [imported, monitoring, failed]);
    assert_eq!(
        list("&user_job_type=train_social").await,
        [monitoring, failed]
    );
    assert_eq!(list("&status=processing").await, [monitoring]);
    assert_eq!(
        list("&status=failed&user_job_type=train_social").await,
        [failed]
    );
    assert_eq!(list("&page=2").await, Vec::<i64>::new());
    for bad in ["&status=done", "&user_job_type=scrape", "&page=x"] {
        client
            .get(&format!("/v1/user_jobs?agent_id={agent}{bad}"))
            .await
            .expect_error(422, "validation_error");
    }
    client
        .get("/v1/user_jobs")
        .await
        .expect_error(422, "validation_error");
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

#[tokio::test]
async fn an_import_keeps_every_good_record_and_reports_bad_lines() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let accepted = import(client, agent, "export.ndjson", GENERIC.into(), None)
        .await
        .expect(202);
    contract().assert_conforms("importKnowledge", 202, &accepted.body);
    assert_eq!(accepted.body["user_job_type"], "import_social");
    assert_eq!(accepted.body["status"], "pending");
    app.drain_due_jobs().await;

    let id = accepted.body["id"].as_i64().unwrap();
    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "completed", "{read}");
    let result = &read["result"];
    assert_eq!(
        (&result["posts_new"], &result["comments_new"]),
        (&json!(2), &json!(1))
    );
    assert_eq!(result["problem_count"], 1);
    assert_eq!(result["problems"][0]["line"], 2, "{result}");
    assert_eq!(read["execution_cost"], "0.0");
    assert_eq!(balance(&app.owner).await, before, "imports are free");

    let again = import(
        client,
        agent,
        "export.ndjson",
        GENERIC.into(),
        Some("generic"),
    )
    .await
    .expect(202);
    app.drain_due_jobs().await;
    let again = job(client, agent, again.body["id"].as_i64().unwrap()).await;
    assert_eq!(
        (
            &again["result"]["posts_new"],
            &again["result"]["posts_known"]
        ),
        (&json!(0), &json!(2)),
        "the same posts are known, not doubled"
    );
}

#[tokio::test]
async fn an_unreadable_import_fails_saying_why_and_bad_forms_are_refused() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let accepted = import(
        client,
        agent,
        "notes.txt",
        b"{nothing useful\n".to_vec(),
        None,
    )
    .await
    .expect(202);
    app.drain_due_jobs().await;
    let read = job(client, agent, accepted.body["id"].as_i64().unwrap()).await;
    assert_eq!(read["status"], "failed");
    assert!(
        read["failed_reason"].as_str().unwrap().contains("line 1"),
        "{read}"
    );

    import(client, agent, "x.json", GENERIC.into(), Some("myspace"))
        .await
        .expect_error(422, "validation_error");
    import(client, agent, "empty.json", Vec::new(), None)
        .await
        .expect_error(422, "validation_error");
    let no_file = Form::new().text("format", "generic");
    client
        .multipart(
            Method::POST,
            &format!("/v1/agents/{agent}/knowledge/imports"),
            no_file,
        )
        .await
        .expect_error(422, "validation_error");
    client
        .post(
            &format!("/v1/agents/{agent}/knowledge/imports"),
            json!({"file": "x"}),
        )
        .await
        .expect_error(415, "unsupported_media_type");
}

#[tokio::test]
async fn an_import_larger_than_the_file_cap_is_refused() {
    let app = TestApp::builder().max_file_bytes(64 * 1024).spawn().await;
    let agent = app.owner.agent_id.get();
    let big = GENERIC.repeat(2_000).into_bytes();
    import(&app.owner.client, agent, "big.ndjson", big, None)
        .await
        .expect_error(413, "payload_too_large");
}

#[tokio::test]
async fn another_tenant_reaches_no_job_and_no_knowledge() {
    let source: Arc<ScriptedSource> = ScriptedSource::new([Answer::Posts {
        first: 0,
        count: 1,
        comments: 0,
    }]);
    let app = TestApp::builder().source(source).spawn().await;
    let owner = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let id = scrape(owner, agent, tiktok(json!({"monitoring": true}))).await;
    app.drain_due_jobs().await;
    let stranger = app.user("Stranger").await;
    let theirs = &stranger.client;

    create_form(theirs, agent, &tiktok(json!({})))
        .await
        .expect_error(403, "permission_denied");
    theirs
        .get(&format!("/v1/user_jobs/{id}?agent_id={agent}"))
        .await
        .expect_error(404, "user_job_not_found");
    theirs
        .get(&format!("/v1/user_jobs/{id}"))
        .await
        .expect_error(404, "user_job_not_found");
    send_form(
        theirs,
        Method::PUT,
        &format!("/v1/user_jobs/{id}"),
        "days=1".into(),
    )
    .await
    .expect_error(404, "user_job_not_found");
    theirs
        .get(&format!("/v1/user_jobs?agent_id={agent}"))
        .await
        .expect_error(404, "not_found");
    import(theirs, agent, "x.ndjson", GENERIC.into(), None)
        .await
        .expect_error(403, "permission_denied");
    // Their own agent named beside our job finds nothing either.
    theirs
        .get(&format!(
            "/v1/user_jobs/{id}?agent_id={}",
            stranger.agent_id
        ))
        .await
        .expect_error(404, "user_job_not_found");
    owner
        .get(&format!(
            "/v1/user_jobs/{id}?agent_id={}",
            stranger.agent_id
        ))
        .await
        .expect_error(404, "user_job_not_found");
    // Knowledge jobs are not generations.
    owner
        .get(&format!("/v1/generations/{id}"))
        .await
        .expect_error(404, "not_found");
    let job = job(owner, agent, id).await;
    assert_eq!(job["status"], "processing", "untouched: {job}");
}

async fn core_monitoring(client: &Client, agent: i64) -> Value {
    let reply = client
        .get(&format!("/v1/agents/{agent}/knowledge/monitoring"))
        .await
        .expect(200);
    contract().assert_conforms("getCoreMonitoring", 200, &reply.body);
    reply.body
}

/// The platforms of the monitors still running, sorted.
fn live(monitors: &Value) -> Vec<String> {
    let mut live: Vec<String> = monitors["monitors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] != "completed")
        .map(|m| m["platform"].as_str().unwrap().to_owned())
        .collect();
    live.sort();
    live
}

#[tokio::test]
async fn agent_core_sources_drive_monitoring_only_once_the_agent_opts_in() {
    let app = TestApp::spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let account = json!({"handle": "https://tiktok.com/@keilapacheco", "item_type": "account"});
    let keyword = json!({"handle": "street food", "item_type": "keyword"});
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({
                "target_platforms": ["tiktok", "instagram", "linkedin"],
                "monitored": [account, {"handle": "tacotok", "item_type": "hashtag"}, keyword],
            }),
        )
        .await
        .expect(200);
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({"keywords": ["streetfood"]}),
        )
        .await
        .expect(200);
    app.drain_due_jobs().await;
    let jobs = client
        .get(&format!("/v1/user_jobs?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(jobs.body, json!([]), "a free edit starts no paid scrape");
    assert_eq!(core_monitoring(client, agent).await["enabled"], false);

    let on = client
        .put(
            &format!("/v1/agents/{agent}/knowledge/monitoring"),
            json!({"enabled": true}),
        )
        .await
        .expect(200);
    contract().assert_conforms("setCoreMonitoring", 200, &on.body);
    assert_eq!(on.body["enabled"], true);
    let core = client
        .get(&format!("/v1/agents/{agent}/core"))
        .await
        .expect(200);
    let sources = core.body["monitored"].as_array().unwrap().len();
    // The account on TikTok (its URL's platform), each hashtag and keyword on TikTok and
    // Instagram (keywords not on Instagram); LinkedIn is not a platform ace monitors.
    let mut expected = vec!["tiktok".to_owned()];
    for source in &core.body["monitored"].as_array().unwrap()[1..] {
        expected.push("tiktok".into());
        if source["item_type"] == "hashtag" {
            expected.push("instagram".into());
        }
    }
    expected.sort();
    assert_eq!(live(&on.body), expected, "{sources} sources: {}", on.body);
    app.drain_due_jobs().await;
    let first = on.body["monitors"][0]["user_job_id"].as_i64().unwrap();
    let read = job(client, agent, first).await;
    assert_eq!(read["status"], "processing", "{read}");

    // Only the account and the keyword left: the others' jobs end.
    client
        .patch(
            &format!("/v1/agents/{agent}/core"),
            json!({"monitored": [account, keyword]}),
        )
        .await
        .expect(200);
    let after = core_monitoring(client, agent).await;
    assert_eq!(live(&after), ["tiktok", "tiktok"], "{after}");
    app.drain_due_jobs().await;
    let running = client
        .get(&format!(
            "/v1/user_jobs?agent_id={agent}&user_job_type=train_social&status=processing"
        ))
        .await
        .expect(200);
    assert_eq!(
        running.body.as_array().unwrap().len(),
        2,
        "{}",
        running.body
    );

    // A source added the way GEN's clients add one is watched on its own platform.
    client
        .post(
            &format!("/v1/agents/{agent}/core/inspiration"),
            json!({"url": "https://www.instagram.com/fashionbrand/"}),
        )
        .await
        .expect(201);
    assert_eq!(
        live(&core_monitoring(client, agent).await),
        ["instagram", "tiktok", "tiktok"]
    );

    // Turned off, nothing is watched any more.
    app.drain_due_jobs().await;
    let off = client
        .put(
            &format!("/v1/agents/{agent}/knowledge/monitoring"),
            json!({"enabled": false}),
        )
        .await
        .expect(200);
    assert_eq!(off.body, json!({"enabled": false, "monitors": []}));
    for status in ["processing", "pending"] {
        let left = client
            .get(&format!("/v1/user_jobs?agent_id={agent}&status={status}"))
            .await
            .expect(200);
        assert_eq!(left.body, json!([]), "{status}");
    }
    app.drain_jobs().await;
}

#[tokio::test]
async fn the_core_monitoring_setting_refuses_bad_bodies_and_other_tenants() {
    let app = TestApp::spawn().await;
    let agent = app.owner.agent_id.get();
    let path = format!("/v1/agents/{agent}/knowledge/monitoring");
    app.owner
        .client
        .put(&path, json!({"enabled": "maybe"}))
        .await
        .expect_error(422, "validation_error");
    app.owner
        .client
        .put(&path, json!({}))
        .await
        .expect_error(422, "validation_error");
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .get(&path)
        .await
        .expect_error(404, "not_found");
    stranger
        .client
        .put(&path, json!({"enabled": true}))
        .await
        .expect_error(403, "permission_denied");
    assert_eq!(
        core_monitoring(&app.owner.client, agent).await["enabled"],
        false
    );
}
