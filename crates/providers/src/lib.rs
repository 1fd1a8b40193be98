//! What makes content. Every creation card runs through a [`Generator`]: local models offline,
//! HTTP adapters ([`remote`]) when a provider is configured. The [`Registry`] picks the
//! generator of a card by its type and GEN model: the model's route if it has one, else the
//! type's default; a type with nothing installed maps to [`NotInstalled`], which refuses or
//! fails the generation with a reason saying so and never fakes an output.

pub mod local;
pub mod publishers;
pub mod remote;
pub mod tool_chat;
pub mod voice;
pub mod words;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use ace_domain::generation::{CardRequest, MediaKind};
use ace_domain::sheet::card::GenerationType;
use futures::future::BoxFuture;
use serde_json::Value;

/// One generation to run.
#[derive(Clone, Debug)]
pub struct Work {
    pub kind: GenerationType,
    /// The checked card.
    pub request: CardRequest,
    /// The card's data with `{{variables}}` substituted and column references resolved.
    pub data: Value,
    /// The content resources the card names.
    pub inputs: Vec<Input>,
    /// The voice a speech card speaks with, resolved from its `voice_id`; `None` for the
    /// default voice.
    pub voice: Option<voice::SpeakingVoice>,
    /// A directory private to this run, for scratch and output files; removed afterwards.
    /// It does not exist until [`Work::scratch`] makes it.
    pub workdir: PathBuf,
}

impl Work {
    /// The run's private directory, made on first use.
    pub async fn scratch(&self) -> std::io::Result<&std::path::Path> {
        tokio::fs::create_dir_all(&self.workdir).await?;
        Ok(&self.workdir)
    }

    /// [`Work::scratch`], failing the run (transiently) when it cannot be made.
    pub async fn room(&self) -> Result<&std::path::Path, ProviderError> {
        self.scratch()
            .await
            .map_err(|err| ProviderError::Transient(format!("No room to work: {err}")))
    }

    /// The card's text field `field` after substitution; empty when it has none.
    pub fn text(&self, field: &str) -> &str {
        self.data
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The card's prompt, refused when blank.
    pub fn prompt(&self) -> Result<&str, ProviderError> {
        let prompt = self.text("prompt");
        if prompt.trim().is_empty() {
            return Err(ProviderError::Permanent("The prompt is empty.".into()));
        }
        Ok(prompt)
    }
}

/// A content resource a card uses.
#[derive(Clone, Debug)]
pub struct Input {
    /// Where the card named it, such as `data.image_resource_id`.
    pub field: String,
    pub resource_id: i64,
    pub kind: MediaKind,
    /// Where its bytes are stored.
    pub storage_key: String,
    /// Where ffmpeg (or an HTTP client) can read it: a local path or a signed URL.
    pub location: String,
    pub thumbnail_key: Option<String>,
    /// Its length, for audio and video.
    pub duration_ms: Option<i64>,
    /// When ace spoke this audio itself: the word times it recorded then.
    pub words: Option<Vec<words::TimedWord>>,
}

/// What a generator made.
#[derive(Clone, Debug, Default)]
pub struct Produced {
    /// Generated text (text cards): it becomes the cell's value and the generation's result.
    pub text: Option<String>,
    /// Structured output (caption timings, say): the generation's result.
    pub result: Option<Value>,
    /// Media files written under the work directory; each becomes a content resource.
    pub files: Vec<PathBuf>,
    /// An existing resource shown as the output (media cards attach rather than make).
    pub attached_resource: Option<i64>,
    /// Who really ran it, such as `local` or `openai`.
    pub provider: String,
    /// The model that really ran.
    pub model: String,
    /// What the provider charged, when it says; the credit charge is reconciled to it.
    pub cost_usd: Option<f64>,
}

/// Why a generator failed. Messages are shown to clients as the `failed_reason`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// Worth retrying: a timeout, a rate limit, a provider outage.
    #[error("{0}")]
    Transient(String),
    /// Retrying cannot help: the input was refused, or nothing can run this card.
    #[error("{0}")]
    Permanent(String),
}

/// Makes one kind of content.
pub trait Generator: Send + Sync + 'static {
    /// The provider's name: runs are capped per name, and outputs record it.
    fn name(&self) -> &str;

    /// Whether this generator can take the request at all, checked before anything is
    /// charged. The error is shown as a validation message.
    fn check(&self, request: &CardRequest) -> Result<(), String> {
        let _ = request;
        Ok(())
    }

    /// Runs the generation. Dropping the future must stop the work: hold child processes
    /// with `kill_on_drop` and use cancellable requests.
    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>>;

    /// The same model as a chat that calls tools, when it can.
    fn tool_chat(&self) -> Option<&dyn tool_chat::ToolChat> {
        None
    }
}

/// The generator of a type nothing is installed for.
#[derive(Clone, Copy, Debug)]
pub struct NotInstalled(pub GenerationType);

impl Generator for NotInstalled {
    fn name(&self) -> &str {
        "not_installed"
    }

    /// Lipsync has no embedded generator at all, so without a provider it is refused before
    /// anything is charged. Other types may have an embedded one in another build or process,
    /// and fail when run.
    fn check(&self, request: &CardRequest) -> Result<(), String> {
        if self.0 != GenerationType::Lipsync {
            return Ok(());
        }
        let model = request.model.as_deref().unwrap_or("sync_so");
        Err(format!(
            "No lipsync provider is configured on this ace server for model {model}. The \
             server's operator can add one: a [providers.<name>] section with \
             api = \"lipsync\" and a route in [models], such as {model} = \"<name>:<model id>\" \
             (or ACE_MODELS={model}=<name>:<model id>); see the README's Providers section."
        ))
    }

    fn generate<'a>(&'a self, _work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        let reason = format!(
            "No generator for {} is installed on this ace server. Configure a provider for it \
             (see the README's Providers section) and run the generation again.",
            self.0
        );
        Box::pin(async move { Err(ProviderError::Permanent(reason)) })
    }
}

/// The media card: no AI, it attaches the resource the card names.
#[derive(Clone, Copy, Debug, Default)]
pub struct AttachMedia;

impl Generator for AttachMedia {
    fn name(&self) -> &str {
        "media"
    }

    fn generate<'a>(&'a self, work: &'a Work) -> BoxFuture<'a, Result<Produced, ProviderError>> {
        let attached = work.inputs.first().map(|input| input.resource_id);
        Box::pin(async move {
            let resource = attached.ok_or_else(|| {
                ProviderError::Permanent("The media card names no content resource.".into())
            })?;
            Ok(Produced {
                attached_resource: Some(resource),
                provider: "ace".into(),
                model: "media".into(),
                ..Produced::default()
            })
        })
    }
}

/// Which generator runs each card: a route per (type, GEN model), else the type's default.
#[derive(Clone)]
pub struct Registry {
    by_kind: HashMap<GenerationType, Arc<dyn Generator>>,
    by_model: HashMap<(GenerationType, String), Arc<dyn Generator>>,
}

impl Default for Registry {
    /// Only the media card, which needs no model; every other type fails with a clear
    /// reason until a generator is installed for it.
    fn default() -> Self {
        let mut by_kind: HashMap<GenerationType, Arc<dyn Generator>> = GenerationType::ALL
            .into_iter()
            .map(|kind| (kind, Arc::new(NotInstalled(kind)) as Arc<dyn Generator>))
            .collect();
        by_kind.insert(GenerationType::Media, Arc::new(AttachMedia));
        Self {
            by_kind,
            by_model: HashMap::new(),
        }
    }
}

impl Registry {
    /// Installs `generator` as the default of `kind`: it runs the cards whose model has no
    /// route of its own.
    pub fn set(&mut self, kind: GenerationType, generator: Arc<dyn Generator>) {
        self.by_kind.insert(kind, generator);
    }

    /// Routes `kind` cards asking for GEN model `model` to `generator`.
    pub fn route(&mut self, kind: GenerationType, model: &str, generator: Arc<dyn Generator>) {
        self.by_model.insert((kind, model.to_owned()), generator);
    }

    /// The generator of a `kind` card asking for `model`: its route, else the type's default.
    pub fn get(&self, kind: GenerationType, model: Option<&str>) -> Arc<dyn Generator> {
        model
            .and_then(|model| self.by_model.get(&(kind, model.to_owned())))
            .or_else(|| self.by_kind.get(&kind))
            .cloned()
            .unwrap_or_else(|| Arc::new(NotInstalled(kind)))
    }
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut map = f.debug_map();
        for (kind, generator) in &self.by_kind {
            map.entry(&kind.as_str(), &generator.name());
        }
        for ((kind, model), generator) in &self.by_model {
            map.entry(&format!("{kind}.{model}"), &generator.name());
        }
        map.finish()
    }
}
