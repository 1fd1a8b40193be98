//! ElevenLabs as the Voice API uses it: with an agent's own key (connected through the Voice
//! API), and with the operator's key when `[providers.<name>]` of `api = "elevenlabs"` has
//! one. The same provider section says where ElevenLabs is (a stand-in in tests) and which
//! model and price speech uses; with none, it is ElevenLabs itself with its default model.

use std::sync::Arc;
use std::time::Duration;

use super::{ElevenLabs, ElevenLabsSpeech};
use crate::remote::config::{ApiKey, ApiKind, ElevenLabsSettings, Price, ProvidersConfig};
use crate::remote::http::Service;

/// The speech model when no route names one.
pub const DEFAULT_MODEL: &str = "eleven_multilingual_v2";
/// How long one request may take when no provider section says.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// ElevenLabs for agents' own keys (and the operator's).
#[derive(Clone, Debug)]
pub struct ElevenLabsAccess {
    pub client: Arc<ElevenLabs>,
    /// The operator's key, if configured.
    pub server_key: Option<ApiKey>,
    /// The speech model, such as `eleven_multilingual_v2`.
    pub model: String,
    pub settings: ElevenLabsSettings,
    pub price: Option<Price>,
}

impl Default for ElevenLabsAccess {
    /// ElevenLabs itself, with no key of the operator's.
    fn default() -> Self {
        let service = Service::new(
            "elevenlabs",
            super::client::DEFAULT_BASE_URL,
            Some("xi-api-key"),
            DEFAULT_TIMEOUT,
        )
        .expect("the default ElevenLabs address is valid");
        Self {
            client: Arc::new(ElevenLabs::over(service)),
            server_key: None,
            model: DEFAULT_MODEL.to_owned(),
            settings: ElevenLabsSettings::default(),
            price: None,
        }
    }
}

impl ElevenLabsAccess {
    /// The first `api = "elevenlabs"` provider of `config`, or ElevenLabs itself.
    pub fn from_config(config: &ProvidersConfig) -> Result<Self, String> {
        let Some(provider) = config
            .providers
            .iter()
            .find(|provider| provider.api.kind() == ApiKind::Elevenlabs)
        else {
            return Ok(Self::default());
        };
        let service = crate::remote::http::configured(&provider.name, &provider.connection)
            .map_err(|err| format!("[providers.{}] {err}", provider.name))?;
        let model = config
            .routes
            .iter()
            .find(|route| route.provider == provider.name)
            .map_or_else(
                || DEFAULT_MODEL.to_owned(),
                |route| route.provider_model.clone(),
            );
        let settings = match &provider.api {
            crate::remote::config::ApiSettings::Elevenlabs(settings) => settings.clone(),
            _ => ElevenLabsSettings::default(),
        };
        Ok(Self {
            price: provider.connection.price(&model),
            client: Arc::new(ElevenLabs::over(service)),
            server_key: provider.connection.api_key.clone(),
            model,
            settings,
        })
    }

    /// A speech generator speaking with `key`; `voice_id`, when given, is the voice of the
    /// card's `agent_default`.
    pub fn speaker(
        &self,
        key: ApiKey,
        voice_id: Option<&str>,
        tools: &ace_media::Tools,
    ) -> ElevenLabsSpeech {
        ElevenLabsSpeech {
            client: Arc::clone(&self.client),
            key,
            model: self.model.clone(),
            settings: ElevenLabsSettings {
                default_voice_id: voice_id.map(str::to_owned),
                ..self.settings.clone()
            },
            price: self.price,
            tools: tools.clone(),
        }
    }

    /// The provider name its runs are recorded and capped under.
    pub fn name(&self) -> &str {
        self.client.service().provider()
    }
}
