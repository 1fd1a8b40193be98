//! `text` through an OpenAI-compatible chat API.

use ace_domain::sheet::card::GenerationType;
use ace_fixtures::{ProviderApi, reply_json};
use ace_providers::{Produced, ProviderError};
use axum::response::IntoResponse;
use serde_json::json;

use crate::{permanent, routed, transient, work};

fn openai(url: &str) -> String {
    format!(
        r#"
        [providers.openai]
        base_url = "{url}/v1"
        api_key = "sk-test-secret-key"
        [providers.openai.prices]
        "gpt-4o" = {{ input_per_1m_tokens = 2.5, output_per_1m_tokens = 10.0 }}
        [models]
        gpt_4o = "openai:gpt-4o"
        "#
    )
}

fn completion(text: &str) -> serde_json::Value {
    json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500}
    })
}

/// Asks `gpt_4o` to say hi through OpenAI at `api`.
async fn say_hi(api: &ProviderApi) -> Result<Produced, ProviderError> {
    let generator = routed(&openai(&api.url), GenerationType::Text, Some("gpt_4o"));
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"prompt": "Hi", "model": "gpt_4o"});
    generator
        .generate(&work(GenerationType::Text, card, vec![], dir.path()))
        .await
}

#[tokio::test]
async fn text_is_asked_with_the_cards_settings_and_costs_its_tokens_at_the_configured_prices() {
    let api = ProviderApi::start(|_, _| reply_json(200, &completion("  Tacos at dawn.\n"))).await;
    let generator = routed(&openai(&api.url), GenerationType::Text, Some("gpt_4o"));
    assert_eq!(generator.name(), "openai");
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"prompt": "Write a hook about tacos", "model": "gpt_4o", "temperature": 0.7, "max_length": 100});
    let produced = generator
        .generate(&work(GenerationType::Text, card, vec![], dir.path()))
        .await
        .unwrap();
    assert_eq!(produced.text.as_deref(), Some("Tacos at dawn."));
    assert_eq!(produced.provider, "openai");
    assert_eq!(produced.model, "gpt-4o-2024-08-06");
    let cost = produced.cost_usd.unwrap();
    assert!((cost - 0.0075).abs() < 1e-12, "{cost}");
    let seen = api.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(seen[0].header("authorization"), "Bearer sk-test-secret-key");
    let body = seen[0].json();
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "Write a hook about tacos"})
    );
    assert_eq!(body["temperature"], 0.7);
    assert_eq!(body["max_tokens"], 100);
}

#[tokio::test]
async fn a_keyless_local_server_gets_no_key_a_reasoning_model_its_own_limits_and_a_reported_cost_wins()
 {
    let api = ProviderApi::start(|_, _| {
        let mut answer = completion("ok");
        answer["usage"]["cost"] = json!(0.0123);
        reply_json(200, &answer)
    })
    .await;
    let toml = format!(
        r#"
        [providers.local_llm]
        api = "openai"
        base_url = "{}/v1/"
        system_prompt = "Be brief."
        [models]
        o3_mini = "local_llm:o3-mini"
        "#,
        api.url
    );
    let generator = routed(&toml, GenerationType::Text, Some("o3_mini"));
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"prompt": "Hi", "model": "o3_mini", "max_length": 50});
    let produced = generator
        .generate(&work(GenerationType::Text, card, vec![], dir.path()))
        .await
        .unwrap();
    assert_eq!(produced.cost_usd, Some(0.0123));
    let seen = &api.seen()[0];
    assert_eq!(seen.path, "/v1/chat/completions");
    assert_eq!(seen.header("authorization"), "");
    let body = seen.json();
    assert_eq!(body["messages"][0]["content"], "Be brief.");
    assert_eq!(body["max_completion_tokens"], 50);
    assert_eq!(body.get("temperature"), None);
    assert_eq!(body.get("max_tokens"), None);
}

#[tokio::test]
async fn a_refused_key_is_permanent_names_the_provider_and_never_shows_the_key() {
    let api = ProviderApi::start(|_, _| {
        reply_json(
            401,
            &json!({"error": {"message": "Incorrect API key provided: sk-test-secret-key"}}),
        )
    })
    .await;
    let reason = permanent(say_hi(&api).await);
    assert_eq!(
        reason,
        "openai refused the API key (HTTP 401); the server's operator needs to check it"
    );
}

#[tokio::test]
async fn a_refused_prompt_is_permanent_with_the_providers_reason() {
    let api = ProviderApi::start(|_, _| {
        reply_json(400, &json!({"error": {"message": "Your prompt was flagged by the safety system.", "type": "invalid_request_error"}}))
    })
    .await;
    let reason = permanent(say_hi(&api).await);
    assert_eq!(
        reason,
        "openai refused the request (HTTP 400): Your prompt was flagged by the safety system."
    );
}

#[tokio::test]
async fn rate_limits_and_outages_are_transient_and_retry_after_is_reported() {
    let api = ProviderApi::start(|_, n| match n {
        0 => (
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "0")],
            axum::Json(json!({"error": {"message": "Rate limit reached"}})),
        )
            .into_response(),
        _ => reply_json(503, &json!({"error": {"message": "overloaded"}})),
    })
    .await;
    assert_eq!(
        transient(say_hi(&api).await),
        "openai is rate limiting requests (HTTP 429); it asked to wait 0 s"
    );
    assert_eq!(
        transient(say_hi(&api).await),
        "openai is unavailable (HTTP 503)"
    );
}
