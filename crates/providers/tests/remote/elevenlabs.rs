//! `speech_from_text` through ElevenLabs, and the ElevenLabs client the Voice API uses.

use std::time::Duration;

use ace_domain::generation::MediaKind;
use ace_domain::sheet::card::GenerationType;
use ace_fixtures::{ProviderApi, Seen, reply_json};
use ace_providers::remote::config::ApiKey;
use ace_providers::remote::elevenlabs::ElevenLabs;
use ace_providers::remote::http::CallError;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::{input, probe, routed, work};

fn elevenlabs(url: &str) -> String {
    format!(
        r#"
        [providers.elevenlabs]
        base_url = "{url}"
        api_key = "xi-secret-key"
        default_voice_id = "defaultVoice1"
        stability = 0.4
        [providers.elevenlabs.prices]
        eleven_multilingual_v2 = {{ per_1k_characters = 0.3 }}
        [models]
        speech_from_text = "elevenlabs:eleven_multilingual_v2"
        "#
    )
}

/// ElevenLabs' `with-timestamps` answer for `text`: a real MP3 and each character 0.1 s long.
fn timed_speech(text: &str) -> Response {
    let characters: Vec<String> = text.chars().map(String::from).collect();
    let starts: Vec<f64> = (0..characters.len()).map(|i| i as f64 * 0.1).collect();
    let ends: Vec<f64> = (1..=characters.len()).map(|i| i as f64 * 0.1).collect();
    let audio = base64::engine::general_purpose::STANDARD.encode(ace_fixtures::mp3(1_800));
    let body = json!({
        "audio_base64": audio,
        "alignment": {"characters": characters, "character_start_times_seconds": starts, "character_end_times_seconds": ends},
        "normalized_alignment": {"characters": [], "character_start_times_seconds": [], "character_end_times_seconds": []}
    });
    ([("character-cost", "18")], axum::Json(body)).into_response()
}

fn words(result: &Value) -> Vec<(String, f64, f64)> {
    result["captions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["word"].as_str().unwrap().to_owned(),
                w["start"].as_f64().unwrap(),
                w["end"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn speech_is_an_mp3_whose_word_times_come_from_the_character_alignment() {
    let script = "Hello there world.";
    let api = ProviderApi::start(move |_, _| timed_speech(script)).await;
    let generator = routed(&elevenlabs(&api.url), GenerationType::SpeechFromText, None);
    assert_eq!(generator.name(), "elevenlabs");
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"script": script, "voice_method": "my_voices", "voice_id": "pNInz6obpgDQGcFmaJgB", "speed": 1.1, "language": "en"});
    let produced = generator
        .generate(&work(
            GenerationType::SpeechFromText,
            card,
            vec![],
            dir.path(),
        ))
        .await
        .unwrap();
    let result = produced.result.unwrap();
    assert_eq!(
        words(&result),
        [
            ("Hello".to_owned(), 0.0, 0.5),
            ("there".to_owned(), 0.6, 1.1),
            ("world.".to_owned(), 1.2, 1.8)
        ]
    );
    assert_eq!(result["voice_id"], "pNInz6obpgDQGcFmaJgB");
    assert_eq!(result["timing"], "synthesis");
    let probed = probe(&produced.files[0]);
    assert_eq!(probed["streams"][0]["codec_name"], "mp3");
    let seconds: f64 = probed["format"]["duration"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((seconds - result["duration"].as_f64().unwrap()).abs() < 0.01);
    assert!((seconds - 1.8).abs() < 0.1, "{seconds}");
    // 18 characters billed at $0.30 per thousand.
    assert!((produced.cost_usd.unwrap() - 0.0054).abs() < 1e-12);
    assert_eq!(
        (produced.provider.as_str(), produced.model.as_str()),
        ("elevenlabs", "eleven_multilingual_v2")
    );
    let seen = &api.seen()[0];
    assert_eq!(
        seen.path,
        "/v1/text-to-speech/pNInz6obpgDQGcFmaJgB/with-timestamps?output_format=mp3_44100_128"
    );
    assert_eq!(seen.header("xi-api-key"), "xi-secret-key");
    assert_eq!(seen.header("authorization"), "");
    assert_eq!(
        seen.json(),
        json!({"text": script, "model_id": "eleven_multilingual_v2", "voice_settings": {"stability": 0.4, "speed": 1.1}})
    );
}

#[tokio::test]
async fn agent_default_speaks_with_the_configured_voice_and_is_refused_before_running_without_one()
{
    let api = ProviderApi::start(|_, _| timed_speech("Hi.")).await;
    let generator = routed(&elevenlabs(&api.url), GenerationType::SpeechFromText, None);
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"script": "Hi.", "voice_method": "my_voices", "voice_id": "agent_default"});
    let run = work(GenerationType::SpeechFromText, card, vec![], dir.path());
    assert_eq!(generator.check(&run.request), Ok(()));
    generator.generate(&run).await.unwrap();
    assert!(
        api.seen()[0]
            .path
            .starts_with("/v1/text-to-speech/defaultVoice1/")
    );
    let without = elevenlabs(&api.url).replace("default_voice_id = \"defaultVoice1\"", "");
    let generator = routed(&without, GenerationType::SpeechFromText, None);
    let refused = generator.check(&run.request).unwrap_err();
    assert!(
        refused.contains("default_voice_id in [providers.elevenlabs]"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_cloned_voice_is_added_from_the_sample_then_speaks_the_script() {
    let api = ProviderApi::start(|seen: &Seen, _| match seen.path.as_str() {
        "/v1/voices/add" => reply_json(
            200,
            &json!({"voice_id": "clonedVoice9", "requires_verification": false}),
        ),
        _ => timed_speech("Hi there."),
    })
    .await;
    let generator = routed(&elevenlabs(&api.url), GenerationType::SpeechFromText, None);
    let dir = tempfile::tempdir().unwrap();
    let sample = ace_fixtures::wav(500);
    let card = json!({"script": "Hi there.", "voice_method": "clone_voice", "name": "Narrator",
        "audio_resource_id": 7, "language": "en", "gender": "female"});
    let inputs = vec![input(
        dir.path(),
        "audio_resource_id",
        MediaKind::Audio,
        "sample.wav",
        &sample,
    )];
    let produced = generator
        .generate(&work(
            GenerationType::SpeechFromText,
            card,
            inputs,
            dir.path(),
        ))
        .await
        .unwrap();
    assert_eq!(produced.result.unwrap()["voice_id"], "clonedVoice9");
    let seen = api.seen();
    assert_eq!(seen[0].path, "/v1/voices/add");
    assert!(
        seen[0]
            .header("content-type")
            .starts_with("multipart/form-data")
    );
    assert!(seen[0].body_contains(b"name=\"name\"\r\n\r\nNarrator"));
    assert!(seen[0].body_contains(b"name=\"files\"; filename=\"sample.wav\""));
    assert!(seen[0].body_contains(&sample[..44]));
    assert!(
        seen[1]
            .path
            .starts_with("/v1/text-to-speech/clonedVoice9/with-timestamps")
    );
}

#[tokio::test]
async fn a_designed_voice_is_made_from_the_prompt_then_speaks_the_script() {
    let api = ProviderApi::start(|seen: &Seen, _| match seen.path.as_str() {
        "/v1/text-to-voice/design" => reply_json(200, &json!({"previews": [{"generated_voice_id": "gen1", "audio_base_64": ""}], "text": "..."})),
        "/v1/text-to-voice" => reply_json(200, &json!({"voice_id": "designed2", "name": "Host"})),
        _ => timed_speech("Hi."),
    })
    .await;
    let generator = routed(&elevenlabs(&api.url), GenerationType::SpeechFromText, None);
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"script": "Hi.", "voice_method": "design_voice", "name": "Host", "language": "en",
        "gender": "male", "voice_prompt": "warm, friendly narrator"});
    let produced = generator
        .generate(&work(
            GenerationType::SpeechFromText,
            card,
            vec![],
            dir.path(),
        ))
        .await
        .unwrap();
    assert_eq!(produced.result.unwrap()["voice_id"], "designed2");
    let seen = api.seen();
    let description = "warm, friendly narrator. A male voice speaking en.";
    assert_eq!(seen[0].json()["voice_description"], description);
    assert_eq!(
        seen[1].json(),
        json!({"voice_name": "Host", "voice_description": description, "generated_voice_id": "gen1"})
    );
}

#[tokio::test]
async fn the_client_checks_a_key_lists_voices_and_deletes_one_with_the_key_it_is_given() {
    let api = ProviderApi::start(|seen: &Seen, _| {
        if seen.header("xi-api-key") != "agent-key" {
            return reply_json(401, &json!({"detail": {"status": "invalid_api_key", "message": "Invalid API key"}}));
        }
        match (seen.method.as_str(), seen.path.as_str()) {
            ("GET", "/v1/user") => reply_json(200, &json!({"subscription": {"tier": "creator", "character_count": 1200, "character_limit": 100000}})),
            ("GET", "/v1/voices") => reply_json(200, &json!({"voices": [
                {"voice_id": "v1", "name": "Rachel", "category": "premade", "labels": {"accent": "american"}, "preview_url": "https://example.com/v1.mp3"}
            ]})),
            ("DELETE", "/v1/voices/v1") => reply_json(200, &json!({"status": "ok"})),
            _ => reply_json(404, &json!({"detail": "Not found"})),
        }
    })
    .await;
    let client = ElevenLabs::new(&api.url, Duration::from_secs(5)).unwrap();
    let key = ApiKey::new("agent-key");
    let subscription = client.subscription(&key).await.unwrap();
    assert_eq!(
        (
            subscription.tier.as_str(),
            subscription.character_count,
            subscription.character_limit
        ),
        ("creator", Some(1200), Some(100_000))
    );
    let voices = client.voices(&key).await.unwrap();
    assert_eq!(voices.len(), 1);
    assert_eq!(
        (voices[0].voice_id.as_str(), voices[0].name.as_str()),
        ("v1", "Rachel")
    );
    assert_eq!(voices[0].labels["accent"], "american");
    client.delete_voice(&key, "v1").await.unwrap();
    assert_eq!(
        client.delete_voice(&key, "missing").await.unwrap_err(),
        CallError::Refused {
            provider: "elevenlabs".into(),
            status: 404,
            message: "Not found".into()
        }
    );
    let wrong = client
        .subscription(&ApiKey::new("wrong"))
        .await
        .unwrap_err();
    assert_eq!(
        wrong,
        CallError::Unauthorized {
            provider: "elevenlabs".into(),
            status: 401
        }
    );
}
