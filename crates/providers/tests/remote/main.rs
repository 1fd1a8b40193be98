//! The HTTP adapters against stand-in providers ([`ProviderApi`]) that speak each provider's
//! documented wire format: what each adapter sends, what it makes of the answers, and how
//! failures become transient or permanent errors.

mod config;
mod elevenlabs;
mod lipsync;
mod openai_chat;
mod openai_images;
mod video_queue;

use std::path::Path;
use std::sync::Arc;

use ace_domain::generation::MediaKind;
use ace_domain::sheet::card::GenerationType;
use ace_providers::remote::config::ProvidersConfig;
use ace_providers::{Generator, Input, ProviderError, Registry, Work};
use serde_json::Value;

/// The providers of a TOML document (`[providers]` and `[models]`), no environment.
pub fn config(toml: &str) -> ProvidersConfig {
    ProvidersConfig::from_toml(toml, std::iter::empty()).expect("a valid configuration")
}

/// The generator `config` routes `kind` cards of `model` to.
pub fn routed(toml: &str, kind: GenerationType, model: Option<&str>) -> Arc<dyn Generator> {
    let mut registry = Registry::default();
    ace_providers::remote::install(&mut registry, &config(toml), &ace_media::Tools::default())
        .expect("the providers install");
    registry.get(kind, model)
}

/// A run of a `kind` card with `data` and `inputs`, working in `dir`.
pub fn work(kind: GenerationType, data: Value, inputs: Vec<Input>, dir: &Path) -> Work {
    let request = ace_domain::generation::validate(kind, data.as_object().expect("an object"))
        .expect("a valid card");
    Work {
        kind,
        request,
        data,
        inputs,
        voice: None,
        workdir: dir.join("work"),
    }
}

/// A content resource kept on disk at `dir/name`, named by the card's `field`.
pub fn input(dir: &Path, field: &str, kind: MediaKind, name: &str, bytes: &[u8]) -> Input {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("writing an input");
    Input {
        field: format!("data.{field}"),
        resource_id: 7,
        kind,
        storage_key: format!("agents/1/{name}"),
        location: path.to_string_lossy().into_owned(),
        thumbnail_key: None,
        duration_ms: None,
        words: None,
    }
}

/// The message of a permanent error (panics on success or a transient one).
pub fn permanent(result: Result<ace_providers::Produced, ProviderError>) -> String {
    match result {
        Err(ProviderError::Permanent(message)) => message,
        other => panic!("expected a permanent error, got {other:?}"),
    }
}

/// The message of a transient error.
pub fn transient(result: Result<ace_providers::Produced, ProviderError>) -> String {
    match result {
        Err(ProviderError::Transient(message)) => message,
        other => panic!("expected a transient error, got {other:?}"),
    }
}

/// ffprobe's JSON about `path`.
pub fn probe(path: &Path) -> Value {
    let output = std::process::Command::new("ffprobe")
        .args([
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
        ])
        .arg(path)
        .output()
        .expect("ffprobe runs");
    assert!(output.status.success(), "ffprobe read {}", path.display());
    serde_json::from_slice(&output.stdout).expect("ffprobe's JSON")
}
