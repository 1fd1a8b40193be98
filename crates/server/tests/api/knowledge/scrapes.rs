//! Scrapes and monitoring: created in every encoding, refused outside GEN's table, run cycle
//! by cycle with their charges, changed, listed, and hidden from other tenants.

use std::sync::Arc;

use ace_app::knowledge::gather::GatherSocial;
use ace_domain::credits::{CreditBucket, Credits};
use ace_sources::FetchError;
use reqwest::Method;
use reqwest::multipart::Form;
use serde_json::json;

use super::{GENERIC, create_form, import, job, scrape, send_form, tiktok};
use crate::contract;
use crate::harness::{Answer, ScriptedSource, TestApp, balance};

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

#[tokio::test]
async fn a_scrape_through_configured_apify_keeps_what_its_scrapers_found_and_charges_for_it() {
    let now = chrono::Utc::now().to_rfc3339();
    let apify = ace_fixtures::ProviderApi::start(move |seen, _| {
        let items = if seen.path.contains("comments") {
            json!([{"cid": "c1", "text": "need this", "diggCount": 9, "uniqueId": "fan",
                    "videoWebUrl": "https://www.tiktok.com/@glowlab/video/71"}])
        } else {
            json!([{"id": "71", "text": "spf myths #skincare", "createTimeISO": now,
                    "webVideoUrl": "https://www.tiktok.com/@glowlab/video/71",
                    "playCount": 4000, "diggCount": 300, "authorMeta": {"name": "glowlab"}}])
        };
        ace_fixtures::reply_json(201, &items)
    })
    .await;
    let config = ace_providers::remote::config::ProvidersConfig::from_toml(
        "",
        [
            (
                "ACE_PROVIDER_APIFY_API_KEY".to_owned(),
                "apify_api_token_1".to_owned(),
            ),
            ("ACE_PROVIDER_APIFY_BASE_URL".to_owned(), apify.url.clone()),
        ],
    )
    .unwrap();
    let app = TestApp::builder().providers(&config).spawn().await;
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let before = balance(&app.owner).await;
    let id = scrape(client, agent, tiktok(json!({"comment_monitoring": true}))).await;
    app.drain_due_jobs().await;

    let read = job(client, agent, id).await;
    assert_eq!(read["status"], "completed", "{read}");
    assert_eq!(
        (
            &read["result"]["posts_new"],
            &read["result"]["comments_new"]
        ),
        (&json!(1), &json!(1))
    );
    let charged = app.app.pricing().for_scraping(1, 1);
    assert_eq!(read["execution_cost"], charged.to_string());
    let spent = before - balance(&app.owner).await;
    assert!((spent - charged.as_f64()).abs() < 1e-9, "spent {spent}");
    let seen = apify.seen();
    assert_eq!(seen.len(), 2, "the posts run, then the comments run");
    assert_eq!(seen[0].header("authorization"), "Bearer apify_api_token_1");
    assert_eq!(seen[0].json()["hashtags"], json!(["skincare"]));
    let posts = client
        .get(&format!("/v1/agents/{agent}/knowledge/posts?q=spf"))
        .await
        .expect(200);
    assert_eq!(posts.body["posts"][0]["metrics"]["views"], 4000);
}
