//! Reading the providers' configuration: keys from the file or the environment (and never in
//! `Debug` output or logs), routes by model and type, and mistakes named.

use ace_domain::sheet::card::GenerationType;
use ace_fixtures::{ProviderApi, logged, reply_json};
use ace_providers::remote::config::{ApiKind, ProvidersConfig, Route};
use serde_json::json;

use crate::{routed, work};

fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn mistake(toml: &str, environment: &[(&str, &str)]) -> String {
    ProvidersConfig::from_toml(toml, env(environment))
        .unwrap_err()
        .to_string()
}

#[test]
fn keys_come_from_the_file_or_the_environment_which_wins_and_never_show_in_debug() {
    let toml = r#"
        [providers.openai]
        api_key = "sk-from-the-file-0001"
        [providers.video]
        api = "video_queue"
        base_url = "https://video.example/v2/"
        [models]
        gpt_4o = "openai:gpt-4o"
    "#;
    let config = ProvidersConfig::from_toml(
        toml,
        env(&[
            ("ACE_PROVIDER_VIDEO_API_KEY", "vid-from-the-env-0002"),
            ("ACE_PROVIDER_ELEVENLABS_API_KEY", "xi-from-the-env-0003"),
            ("ACE_UNRELATED", "x"),
        ]),
    )
    .unwrap();
    let openai = config.provider("openai").unwrap();
    assert_eq!(openai.connection.base_url, "https://api.openai.com/v1");
    assert_eq!(
        openai.connection.api_key.as_ref().unwrap().expose(),
        "sk-from-the-file-0001"
    );
    assert_eq!(openai.api.kind(), ApiKind::Openai);
    let video = config.provider("video").unwrap();
    assert_eq!(video.connection.base_url, "https://video.example/v2");
    assert_eq!(
        video.connection.api_key.as_ref().unwrap().expose(),
        "vid-from-the-env-0002"
    );
    let elevenlabs = config.provider("elevenlabs").unwrap();
    assert_eq!(elevenlabs.connection.base_url, "https://api.elevenlabs.io");
    assert_eq!(
        elevenlabs.connection.auth_header.as_deref(),
        Some("xi-api-key")
    );
    assert_eq!(
        elevenlabs.connection.api_key.as_ref().unwrap().masked(),
        "****0003"
    );
    let shown = format!("{config:?}");
    assert!(shown.contains("ApiKey(****)"), "{shown}");
    for secret in [
        "sk-from-the-file-0001",
        "vid-from-the-env-0002",
        "xi-from-the-env-0003",
    ] {
        assert!(!shown.contains(secret), "{secret} shows in {shown}");
    }
    let overridden = ProvidersConfig::from_toml(
        toml,
        env(&[
            ("ACE_PROVIDER_OPENAI_API_KEY", "sk-env-wins-0004"),
            ("ACE_PROVIDER_OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
        ]),
    )
    .unwrap();
    let openai = overridden.provider("openai").unwrap();
    assert_eq!(
        openai.connection.api_key.as_ref().unwrap().expose(),
        "sk-env-wins-0004"
    );
    assert_eq!(openai.connection.base_url, "http://127.0.0.1:9/v1");
}

#[test]
fn a_type_and_model_route_beats_a_model_route_which_beats_the_types_default() {
    let toml = r#"
        [providers.openai]
        [providers.fast]
        api = "video_queue"
        base_url = "https://fast.example"
        [providers.good]
        api = "video_queue"
        base_url = "https://good.example"
        [models]
        "video_from_image.veo_3" = "good:veo-3-i2v"
        veo_3 = "fast:veo-3"
        video_from_text = "good:seedance"
        text = "openai:gpt-4o-mini"
    "#;
    let config = ProvidersConfig::from_toml(toml, std::iter::empty()).unwrap();
    let route = |kind: GenerationType, model: Option<&str>| {
        config
            .routes
            .iter()
            .find(|r| r.kind == kind && r.model.as_deref() == model)
            .map(|r| format!("{}:{}", r.provider, r.provider_model))
    };
    assert_eq!(
        route(GenerationType::VideoFromImage, Some("veo_3")).as_deref(),
        Some("good:veo-3-i2v")
    );
    assert_eq!(
        route(GenerationType::VideoFromText, Some("veo_3")).as_deref(),
        Some("fast:veo-3")
    );
    assert_eq!(
        route(GenerationType::VideoFromText, None).as_deref(),
        Some("good:seedance")
    );
    assert_eq!(
        route(GenerationType::Text, None).as_deref(),
        Some("openai:gpt-4o-mini")
    );
    // veo_3 is no ingredients model, and a provider never gets cards its API cannot make.
    assert_eq!(
        route(GenerationType::VideoFromIngredients, Some("veo_3")),
        None
    );
    assert!(
        !config
            .routes
            .iter()
            .any(|r: &Route| r.kind == GenerationType::ImageFromText)
    );
}

#[test]
fn acemodels_entries_are_read_over_the_files() {
    let file: toml::Table = "[openai]\napi_key = \"k\"\n".parse().unwrap();
    let models: toml::Table = "gpt_4o = \"openai:gpt-4o\"\n".parse().unwrap();
    let config = ProvidersConfig::resolve(
        &file,
        &models,
        Some("gpt_4o=openai:gpt-4o-2024-11-20, gemini_2_0_flash = openai:gemini-2.0-flash"),
        std::iter::empty(),
    )
    .unwrap();
    let models: Vec<(Option<&str>, &str)> = config
        .routes
        .iter()
        .map(|r| (r.model.as_deref(), r.provider_model.as_str()))
        .collect();
    assert!(
        models.contains(&(Some("gpt_4o"), "gpt-4o-2024-11-20")),
        "{models:?}"
    );
    assert!(
        models.contains(&(Some("gemini_2_0_flash"), "gemini-2.0-flash")),
        "{models:?}"
    );
}

#[test]
fn mistakes_stop_the_server_naming_the_setting() {
    let unknown_model = mistake(
        "[providers.openai]\n[models]\ngpt_5 = \"openai:gpt-5\"\n",
        &[],
    );
    assert!(
        unknown_model.contains("[models] gpt_5 is neither a GEN model"),
        "{unknown_model}"
    );
    let unknown_provider = mistake("[models]\ngpt_4o = \"acme:gpt-4o\"\n", &[]);
    assert!(
        unknown_provider.contains("provider acme, which is not configured"),
        "{unknown_provider}"
    );
    let wrong_api = mistake(
        "[providers.openai]\n[models]\nsync_so = \"openai:gpt-4o\"\n",
        &[],
    );
    assert!(
        wrong_api.contains("speaks api openai, which makes text, image_from_text cards"),
        "{wrong_api}"
    );
    let no_key = mistake(
        "[providers.elevenlabs]\n[models]\nspeech_from_text = \"elevenlabs:eleven_multilingual_v2\"\n",
        &[],
    );
    assert!(
        no_key
            .contains("[providers.elevenlabs] needs api_key (or ACE_PROVIDER_ELEVENLABS_API_KEY)"),
        "{no_key}"
    );
    let no_api = mistake(
        "[providers.acme]\nbase_url = \"https://acme.example\"\n",
        &[],
    );
    assert!(no_api.contains("[providers.acme] needs api = "), "{no_api}");
    let typo = mistake("[providers.openai]\nbase_ulr = \"https://x\"\n", &[]);
    assert!(
        typo.contains("[providers.openai] unknown field `base_ulr`"),
        "{typo}"
    );
    let wrong_type = mistake(
        "[providers.v]\napi = \"video_queue\"\nbase_url = \"https://v\"\n[models]\n\"lipsync.sync_so\" = \"v:x\"\n",
        &[],
    );
    assert!(
        wrong_type.contains("lipsync.sync_so: provider v speaks api video_queue"),
        "{wrong_type}"
    );
}

/// Everything logged while `f` runs on this thread.
#[test]
fn sources_are_declared_like_providers_and_cannot_be_routed_cards() {
    let config = ProvidersConfig::from_toml(
        "[providers.hackernews]\n[providers.reddit]\napi_key = \"id:secret\"\ntoken_url = \"https://auth.example/token\"\n",
        env(&[
            ("ACE_PROVIDER_APIFY_API_KEY", "apify_api_token_1"),
            ("ACE_PROVIDER_BRAVE_API_KEY", "brave-key-123456"),
        ]),
    )
    .unwrap();
    let kinds: Vec<ApiKind> = config.providers.iter().map(|p| p.api.kind()).collect();
    assert_eq!(
        kinds,
        [
            ApiKind::Apify,
            ApiKind::Brave,
            ApiKind::Hackernews,
            ApiKind::Reddit
        ]
    );
    assert!(kinds.iter().all(|kind| kind.is_source()));
    let apify = config.provider("apify").unwrap();
    assert_eq!(apify.connection.base_url, "https://api.apify.com/v2");
    let brave = config.provider("brave").unwrap();
    assert_eq!(
        brave.connection.auth_header.as_deref(),
        Some("x-subscription-token")
    );
    assert!(!format!("{config:?}").contains("brave-key-123456"));
    let routed_to_a_source = mistake(
        "[providers.youtube]\napi_key = \"k\"\n[models]\ngpt_4o = \"youtube:x\"\n",
        &[],
    );
    assert!(
        routed_to_a_source.contains("is a source of content"),
        "{routed_to_a_source}"
    );
}

#[tokio::test]
async fn keys_never_reach_the_logs_even_when_a_call_fails() {
    let api = ProviderApi::start(|_, _| {
        reply_json(
            401,
            &json!({"error": {"message": "Incorrect API key provided"}}),
        )
    })
    .await;
    let toml = format!(
        "[providers.openai]\nbase_url = \"{}/v1\"\napi_key = \"sk-never-logged-5678\"\n[models]\ngpt_4o = \"openai:gpt-4o\"\n",
        api.url
    );
    let logs = logged(async {
        let generator = routed(&toml, GenerationType::Text, Some("gpt_4o"));
        let dir = tempfile::tempdir().unwrap();
        let run = work(
            GenerationType::Text,
            json!({"prompt": "Hi", "model": "gpt_4o"}),
            vec![],
            dir.path(),
        );
        let _ = generator.generate(&run).await;
    })
    .await;
    assert!(logs.contains("a provider is configured"), "{logs}");
    assert!(logs.contains("a provider refused a call"), "{logs}");
    assert!(logs.contains("status=401"), "{logs}");
    assert!(!logs.contains("sk-never-logged-5678"), "{logs}");
    assert_eq!(
        api.seen()[0].header("authorization"),
        "Bearer sk-never-logged-5678"
    );
}
