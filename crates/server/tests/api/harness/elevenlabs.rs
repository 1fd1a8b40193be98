//! A stand-in for ElevenLabs as far as ace's Voice API uses it (voices, clones, designs,
//! speech with timestamps), and an app whose agents reach it.

use ace_providers::remote::config::ProvidersConfig;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;

use super::{ProviderApi, Seen, TestApp, reply_json};

pub const GOOD_KEY: &str = "sk_agent_own_key_0123xyz1";

/// ElevenLabs as far as the Voice API uses it; only [`GOOD_KEY`] opens it.
pub fn elevenlabs(seen: &Seen, _: usize) -> Response {
    if seen.header("xi-api-key") != GOOD_KEY {
        return reply_json(401, &json!({"detail": {"status": "invalid_api_key"}}));
    }
    let path = seen.path.split('?').next().unwrap_or_default();
    match (seen.method.as_str(), path) {
        ("GET", "/v1/user") => reply_json(
            200,
            &json!({"subscription": {"tier": "creator", "character_count": 10, "character_limit": 100000}}),
        ),
        ("GET", "/v1/voices") => reply_json(
            200,
            &json!({"voices": [{"voice_id": "el-abc", "name": "My Voice", "category": "cloned",
                "description": "mine", "preview_url": "https://example.com/p.mp3",
                "labels": {"gender": "male", "language": "en"}}]}),
        ),
        ("POST", "/v1/voices/add") => reply_json(200, &json!({"voice_id": "el-new"})),
        ("POST", "/v1/text-to-voice/design") => {
            let preview = |id: &str| {
                json!({"generated_voice_id": id, "media_type": "audio/mpeg", "duration_secs": 1.5,
                    "audio_base_64": STANDARD.encode(super::mp3(1_500))})
            };
            reply_json(
                200,
                &json!({"previews": [preview("gen-1"), preview("gen-2"), preview("gen-3")], "text": "…"}),
            )
        }
        ("POST", "/v1/text-to-voice") => reply_json(200, &json!({"voice_id": "el-designed"})),
        ("DELETE", _) => reply_json(200, &json!({"status": "ok"})),
        ("POST", speech) if speech.starts_with("/v1/text-to-speech/") => {
            timed_speech(seen.json()["text"].as_str().unwrap_or_default())
        }
        _ => reply_json(404, &json!({"detail": "not found"})),
    }
}

/// ElevenLabs' `with-timestamps` answer: a real MP3 and each character 0.05 s long.
fn timed_speech(text: &str) -> Response {
    let characters: Vec<String> = text.chars().map(String::from).collect();
    let starts: Vec<f64> = (0..characters.len()).map(|i| i as f64 * 0.05).collect();
    let ends: Vec<f64> = (1..=characters.len()).map(|i| i as f64 * 0.05).collect();
    let body = json!({
        "audio_base64": STANDARD.encode(super::mp3(1_500)),
        "alignment": {"characters": characters, "character_start_times_seconds": starts,
            "character_end_times_seconds": ends},
    });
    axum::Json(body).into_response()
}

/// An app whose agents reach ElevenLabs at the stand-in (the operator has no key of its own).
pub async fn app_with(api: &ProviderApi) -> TestApp {
    let config = ProvidersConfig::from_toml(
        &format!("[providers.elevenlabs]\nbase_url = \"{}\"\n", api.url),
        std::iter::empty(),
    )
    .expect("a valid configuration");
    TestApp::builder().providers(&config).spawn().await
}
