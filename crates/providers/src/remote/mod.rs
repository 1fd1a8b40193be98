//! The HTTP adapters: what runs a card when the operator routes its model to a provider.
//! [`config`] reads which providers exist and which GEN models go where; [`install`] puts a
//! generator for every route in the [`Registry`], over the embedded defaults. Each adapter is
//! one file: [`openai_chat`] and [`openai_images`] (OpenAI-compatible APIs), [`elevenlabs`]
//! (speech, plus a client for the Voice API), [`video_queue`] (submit → poll → fetch) and
//! [`lipsync`] (one request, one video).

pub mod config;
pub mod elevenlabs;
pub mod http;
pub mod inputs;
pub mod lipsync;
mod made_video;
pub mod openai_chat;
pub mod openai_images;
pub mod video_queue;

use std::collections::HashMap;
use std::sync::Arc;

use ace_domain::sheet::card::GenerationType;
use tracing::info;

use self::config::{ApiSettings, ConfigError, ProviderConfig, ProvidersConfig, Route};
use self::http::Service;
use crate::{Generator, Registry};

/// Installs a generator in `registry` for every route of `config`: a route with a GEN model
/// runs that model's cards, one without runs the type's cards that no other route takes.
/// Models no route names keep the generator already installed (the embedded one).
pub fn install(
    registry: &mut Registry,
    config: &ProvidersConfig,
    tools: &ace_media::Tools,
) -> Result<(), ConfigError> {
    let mut services: HashMap<&str, Arc<Service>> = HashMap::new();
    for provider in config
        .providers
        .iter()
        .filter(|p| !p.api.kind().is_source())
    {
        let service = http::configured(&provider.name, &provider.connection)
            .map_err(|err| ConfigError(format!("[providers.{}] {err}", provider.name)))?;
        info!(provider = %provider.name, api = provider.api.kind().as_str(), base_url = %provider.connection.base_url, "a provider is configured");
        services.insert(&provider.name, Arc::new(service));
    }
    for route in &config.routes {
        let (Some(provider), Some(service)) = (
            config.provider(&route.provider),
            services.get(route.provider.as_str()),
        ) else {
            return Err(ConfigError(format!(
                "the route of {} names provider {}, which is not configured",
                route.kind, route.provider
            )));
        };
        let generator = generator(provider, Arc::clone(service), route, tools)?;
        info!(
            generation_type = route.kind.as_str(),
            model = route.model.as_deref().unwrap_or("*"),
            provider = %route.provider,
            provider_model = %route.provider_model,
            "a model is routed to a provider"
        );
        match &route.model {
            Some(model) => registry.route(route.kind, model, generator),
            None => registry.set(route.kind, generator),
        }
    }
    Ok(())
}

/// The generator of one route.
fn generator(
    provider: &ProviderConfig,
    service: Arc<Service>,
    route: &Route,
    tools: &ace_media::Tools,
) -> Result<Arc<dyn Generator>, ConfigError> {
    let key = provider.connection.api_key.clone();
    let model = route.provider_model.clone();
    let price = provider.connection.price(&model);
    let generator: Arc<dyn Generator> = match (&provider.api, route.kind) {
        (ApiSettings::Openai(settings), GenerationType::Text) => Arc::new(openai_chat::ChatText {
            service,
            key,
            model,
            system_prompt: settings.system_prompt.clone(),
            price,
        }),
        (ApiSettings::Openai(settings), GenerationType::ImageFromText) => {
            Arc::new(openai_images::GeneratedImages {
                service,
                key,
                model,
                sizes: settings.image_sizes.clone(),
                price,
            })
        }
        (ApiSettings::Elevenlabs(settings), GenerationType::SpeechFromText) => {
            let key = key.ok_or_else(|| {
                ConfigError(format!(
                    "[providers.{}] needs api_key (or ACE_PROVIDER_{}_API_KEY)",
                    provider.name,
                    provider.name.to_ascii_uppercase()
                ))
            })?;
            let service = Arc::unwrap_or_clone(service);
            Arc::new(elevenlabs::ElevenLabsSpeech {
                client: Arc::new(elevenlabs::ElevenLabs::over(service)),
                key,
                model,
                settings: settings.clone(),
                price,
                tools: tools.clone(),
            })
        }
        (ApiSettings::VideoQueue(settings), _) => Arc::new(video_queue::QueuedVideo {
            service,
            key,
            model,
            settings: settings.clone(),
            price,
            tools: tools.clone(),
        }),
        (ApiSettings::Lipsync(settings), GenerationType::Lipsync) => {
            Arc::new(lipsync::SyncedLips {
                service,
                key,
                model,
                settings: settings.clone(),
                price,
                tools: tools.clone(),
            })
        }
        (api, kind) => {
            return Err(ConfigError(format!(
                "provider {} (api {}) cannot make {kind} cards",
                provider.name,
                api.kind().as_str()
            )));
        }
    };
    Ok(generator)
}
