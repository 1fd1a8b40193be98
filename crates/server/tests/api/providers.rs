//! Creation cards on configured providers, through the API and the job engine: routing by GEN
//! model (and the fallback to the embedded generators), what is recorded and charged, retries
//! and refunds, and lipsync with and without a provider. The providers are stand-ins that
//! speak each provider's wire format.

use crate::harness::{ProviderApi, Seen, TestApp, reply_bytes, reply_json};
use ace_db::user_jobs::JobRecord;
use ace_domain::ids::UserJobId;
use ace_providers::remote::config::ProvidersConfig;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::harness::wait_for;
use crate::harness::{balance, generate, read_cell, text_cell, uploaded};

fn providers(toml: &str) -> ProvidersConfig {
    ProvidersConfig::from_toml(toml, std::iter::empty()).expect("a valid configuration")
}

/// OpenAI at `url`, running `gpt_4o` as `gpt-4o` at $2.50 / $10 per million tokens.
fn openai(url: &str) -> ProvidersConfig {
    providers(&format!(
        r#"
        [providers.openai]
        base_url = "{url}/v1"
        api_key = "sk-test"
        [providers.openai.prices]
        "gpt-4o" = {{ input_per_1m_tokens = 2.5, output_per_1m_tokens = 10.0 }}
        [models]
        gpt_4o = "openai:gpt-4o"
        gemini_pro_image = "openai:gpt-image-1"
        "#
    ))
}

/// A chat completion of 1000 prompt and 500 completion tokens: $0.0075 at gpt-4o's prices.
fn completion(text: &str) -> Response {
    reply_json(
        200,
        &json!({
            "model": "gpt-4o-2024-08-06",
            "choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1000, "completion_tokens": 500}
        }),
    )
}

async fn job(app: &TestApp, id: i64) -> JobRecord {
    let mut conn = app.app.db().conn().await.unwrap();
    ace_db::user_jobs::find(&mut conn, UserJobId::new(id))
        .await
        .unwrap()
        .unwrap()
}

/// Triggers `card` in a new cell; returns the cell and the generation's id.
async fn started(app: &TestApp, card: Value) -> ((i64, i64), i64) {
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect(201);
    (place, reply.body["generation_id"].as_i64().unwrap())
}

fn chat_calls(api: &ProviderApi) -> usize {
    api.seen()
        .iter()
        .filter(|seen| seen.path == "/v1/chat/completions")
        .count()
}

#[tokio::test]
async fn a_mapped_model_runs_on_its_provider_which_is_recorded_and_whose_cost_is_charged() {
    let api = ProviderApi::start(|_, _| completion("Tacos at dawn.")).await;
    let app = TestApp::builder()
        .providers(&openai(&api.url))
        .spawn()
        .await;
    let before = balance(&app.owner).await;
    let card =
        json!({"generation_type": "text", "data": {"prompt": "Write a hook", "model": "gpt_4o"}});
    let (place, id) = started(&app, card).await;
    let done = wait_for(&app.owner.client, id, "completed").await;
    assert_eq!(done["result"], "Tacos at dawn.");
    // $0.0075 in the LLM tier: round(0.0075 / 0.0087 × 3) = 3 credits (the estimate was 7).
    assert_eq!(done["execution_cost"], "3.0");
    assert_eq!(balance(&app.owner).await, before - 3.0);
    let record = job(&app, id).await;
    assert_eq!(record.provider.as_deref(), Some("openai"));
    assert_eq!(record.model.as_deref(), Some("gpt-4o-2024-08-06"));
    let cell = read_cell(&app.owner.client, app.owner.agent_id.get(), place).await;
    assert_eq!(cell["value"], "Tacos at dawn.");
    assert_eq!(api.seen()[0].json()["model"], "gpt-4o");
}

#[tokio::test]
async fn an_unmapped_model_falls_back_to_the_embedded_generator_and_records_it() {
    let api = ProviderApi::start(|_, _| {
        let encoded = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .encode(crate::harness::image("png", 1024, 1536))
        };
        reply_json(200, &json!({"data": [{"b64_json": encoded}]}))
    })
    .await;
    let app = TestApp::builder()
        .local_generators()
        .providers(&openai(&api.url))
        .spawn()
        .await;
    let card = json!({"generation_type": "image_from_text", "data": {"prompt": "A stall", "model": "gemini_image"}});
    let (_, local) = started(&app, card).await;
    let card = json!({"generation_type": "image_from_text", "data": {"prompt": "A stall", "model": "gemini_pro_image"}});
    let (_, remote) = started(&app, card).await;
    let local_done = wait_for(&app.owner.client, local, "completed").await;
    assert_eq!(local_done["result"]["renderer"], "procedural");
    let record = job(&app, local).await;
    assert_eq!(
        (record.provider.as_deref(), record.model.as_deref()),
        (Some("local"), Some("procedural"))
    );
    wait_for(&app.owner.client, remote, "completed").await;
    let record = job(&app, remote).await;
    assert_eq!(
        (record.provider.as_deref(), record.model.as_deref()),
        (Some("openai"), Some("gpt-image-1"))
    );
    let asked: Vec<Seen> = api.seen();
    assert_eq!(asked.len(), 1, "only the mapped model reached the provider");
    assert_eq!(asked[0].path, "/v1/images/generations");
}

#[tokio::test]
async fn a_routed_models_runs_wait_in_its_providers_lane() {
    let api = ProviderApi::start(|_, _| completion("unused")).await;
    let app = TestApp::builder()
        .providers(&openai(&api.url))
        .without_jobs()
        .spawn()
        .await;
    let card = json!({"generation_type": "text", "data": {"prompt": "Hi", "model": "gpt_4o"}});
    started(&app, card).await;
    let card = json!({"generation_type": "text", "data": {"prompt": "Hi", "model": "gpt_4o_mini"}});
    started(&app, card).await;
    let mut tx = app.app.db().begin().await.unwrap();
    let claim = ace_db::queue::Claim {
        worker: "test",
        now_ms: i64::MAX / 2,
        lease_until_ms: i64::MAX / 2,
        skip_lanes: &[],
        limit: 10,
    };
    let mut lanes: Vec<String> = ace_db::queue::claim(&mut tx, &claim)
        .await
        .unwrap()
        .into_iter()
        .map(|job| job.lane)
        .collect();
    lanes.sort();
    assert_eq!(lanes, ["not_installed", "openai"]);
}

#[tokio::test]
async fn a_rate_limited_call_is_retried_by_the_job_engine_and_completes() {
    let api = ProviderApi::start(|_, n| match n {
        0 => (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "0")],
            axum::Json(json!({"error": {"message": "Rate limit reached for gpt-4o"}})),
        )
            .into_response(),
        _ => completion("Second time lucky."),
    })
    .await;
    let app = TestApp::builder()
        .providers(&openai(&api.url))
        .spawn()
        .await;
    let card = json!({"generation_type": "text", "data": {"prompt": "Hi", "model": "gpt_4o"}});
    let (_, id) = started(&app, card).await;
    let done = wait_for(&app.owner.client, id, "completed").await;
    assert_eq!(done["result"], "Second time lucky.");
    assert_eq!(chat_calls(&api), 2, "the 429 was retried once");
}

/// Asks `gpt_4o` to say hi through OpenAI at `api` and waits for the generation to fail;
/// returns the app, the balance before and the failed generation.
async fn failed_hi(api: &ProviderApi) -> (TestApp, f64, Value) {
    let app = TestApp::builder()
        .providers(&openai(&api.url))
        .spawn()
        .await;
    let before = balance(&app.owner).await;
    let card = json!({"generation_type": "text", "data": {"prompt": "Hi", "model": "gpt_4o"}});
    let (_, id) = started(&app, card).await;
    let failed = wait_for(&app.owner.client, id, "failed").await;
    (app, before, failed)
}

#[tokio::test]
async fn an_outage_that_outlasts_the_retries_fails_with_the_reason_and_a_full_refund() {
    let api =
        ProviderApi::start(|_, _| reply_json(503, &json!({"error": {"message": "overloaded"}})))
            .await;
    let (app, before, failed) = failed_hi(&api).await;
    assert_eq!(failed["failed_reason"], "openai is unavailable (HTTP 503)");
    assert_eq!(failed["execution_cost"], "0.0");
    assert_eq!(balance(&app.owner).await, before);
    assert_eq!(chat_calls(&api), 3, "every attempt was made");
}

#[tokio::test]
async fn a_refused_key_fails_at_once_naming_the_provider() {
    let api = ProviderApi::start(|_, _| {
        reply_json(
            401,
            &json!({"error": {"message": "Incorrect API key provided: sk-test"}}),
        )
    })
    .await;
    let (_app, _, failed) = failed_hi(&api).await;
    assert_eq!(
        failed["failed_reason"],
        "openai refused the API key (HTTP 401); the server's operator needs to check it"
    );
    assert_eq!(chat_calls(&api), 1, "not retried");
}

/// An uploaded clip and voice for lipsync: (video id, audio id).
async fn face_and_voice(app: &TestApp) -> (Value, Value) {
    let client = &app.owner.client;
    let agent = app.owner.agent_id.get();
    let video = uploaded(client, agent, "face.mp4", crate::harness::mp4(64, 64, 1)).await;
    let audio = uploaded(client, agent, "voice.wav", crate::harness::wav(800)).await;
    (video["id"].clone(), audio["id"].clone())
}

#[tokio::test]
async fn lipsync_without_a_provider_is_refused_before_anything_is_charged_naming_the_setting() {
    let app = TestApp::spawn().await;
    let (video, audio) = face_and_voice(&app).await;
    let owner = &app.owner;
    let agent = owner.agent_id.get();
    let place = text_cell(&owner.client, agent).await;
    let before = balance(owner).await;
    let card = json!({"generation_type": "lipsync", "data": {"model": "sync_so", "video_resource_id": video, "audio_resource_id": audio}});
    let reply = generate(&owner.client, agent, place, card)
        .await
        .expect_error(422, "validation_error");
    let message = reply.body["error"].as_str().unwrap();
    assert!(
        message.contains("No lipsync provider is configured"),
        "{message}"
    );
    assert!(message.contains("api = \"lipsync\""), "{message}");
    assert!(message.contains("[models]"), "{message}");
    assert!(message.contains("ACE_MODELS=sync_so="), "{message}");
    assert_eq!(balance(owner).await, before);
}

#[tokio::test]
async fn lipsync_with_a_provider_makes_the_synced_video_and_charges_its_reported_cost() {
    let made = crate::harness::mp4(96, 96, 1);
    let api = ProviderApi::start(move |seen: &Seen, _| match seen.path.as_str() {
        "/lipsync" => {
            let url = format!("http://{}/out.mp4", seen.header("host"));
            reply_json(200, &json!({"output_url": url, "cost": 0.5}))
        }
        _ => reply_bytes("video/mp4", made.clone()),
    })
    .await;
    let config = providers(&format!(
        "[providers.sync]\napi = \"lipsync\"\nbase_url = \"{}\"\napi_key = \"k\"\n[models]\nsync_so = \"sync:lipsync-2\"\n",
        api.url
    ));
    let app = TestApp::builder().providers(&config).spawn().await;
    let (video, audio) = face_and_voice(&app).await;
    let card = json!({"generation_type": "lipsync", "data": {"model": "sync_so", "video_resource_id": video, "audio_resource_id": audio}});
    let (_, id) = started(&app, card).await;
    let done = wait_for(&app.owner.client, id, "completed").await;
    assert_eq!(done["output_resources"][0]["object_type"], "Video");
    // $0.50 in the GPU tier: round(0.5 / 0.0087 × 1.5) = 86 credits.
    assert_eq!(done["execution_cost"], "86.0");
    let record = job(&app, id).await;
    assert_eq!(
        (record.provider.as_deref(), record.model.as_deref()),
        (Some("sync"), Some("lipsync-2"))
    );
    let upload = &api.seen()[0];
    assert!(upload.body_contains(b"name=\"video\"; filename="));
    assert!(upload.body_contains(b"name=\"audio\"; filename="));
}
