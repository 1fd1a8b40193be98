//! The providers an operator configures and which GEN models they run. Read from the config
//! file's `[providers.<name>]` and `[models]` sections, the `ACE_PROVIDER_<NAME>_API_KEY`,
//! `_BASE_URL` and `_API` environment variables, and `ACE_MODELS`; checked as a whole, so a
//! typo (an unknown model, a provider nothing declares, a model routed to an API that cannot
//! make that card) stops the server at start-up instead of failing generations later. Sources
//! of content (Apify, YouTube, Hacker News, Reddit, Brave, X) are declared the same way; their
//! own settings are kept aside for `ace_sources::hosted`, which checks them.

use std::collections::BTreeMap;
use std::time::Duration;

use ace_domain::generation::request::models;
use ace_domain::sheet::card::GenerationType;
pub use ace_net::hosted_api::ApiKey;
use serde::Deserialize;

/// The wire format a provider speaks, which decides the cards it can make, or the content it
/// finds when it is a source (`ace_sources::hosted` reads those).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKind {
    /// OpenAI-compatible `chat/completions` (text) and `images/generations` (images).
    Openai,
    /// ElevenLabs text to speech.
    Elevenlabs,
    /// A submit → poll → fetch video API.
    VideoQueue,
    /// A lipsync API that answers the video to one request.
    Lipsync,
    /// Apify's TikTok and Instagram scrapers (a source of social content).
    Apify,
    /// The YouTube Data API v3 (a source of social content).
    Youtube,
    /// X API v2 recent search (a research source).
    X,
    /// Hacker News search by Algolia (a research source).
    Hackernews,
    /// Reddit search (a research source).
    Reddit,
    /// Brave's web search API (a research source).
    Brave,
}

impl ApiKind {
    pub const ALL: [ApiKind; 10] = [
        ApiKind::Openai,
        ApiKind::Elevenlabs,
        ApiKind::VideoQueue,
        ApiKind::Lipsync,
        ApiKind::Apify,
        ApiKind::Youtube,
        ApiKind::X,
        ApiKind::Hackernews,
        ApiKind::Reddit,
        ApiKind::Brave,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ApiKind::Openai => "openai",
            ApiKind::Elevenlabs => "elevenlabs",
            ApiKind::VideoQueue => "video_queue",
            ApiKind::Lipsync => "lipsync",
            ApiKind::Apify => "apify",
            ApiKind::Youtube => "youtube",
            ApiKind::X => "x",
            ApiKind::Hackernews => "hackernews",
            ApiKind::Reddit => "reddit",
            ApiKind::Brave => "brave",
        }
    }

    /// The card types an API of this kind makes; none for a source.
    pub const fn serves(self) -> &'static [GenerationType] {
        match self {
            ApiKind::Openai => &[GenerationType::Text, GenerationType::ImageFromText],
            ApiKind::Elevenlabs => &[GenerationType::SpeechFromText],
            ApiKind::VideoQueue => &[
                GenerationType::VideoFromText,
                GenerationType::VideoFromImage,
                GenerationType::VideoFromIngredients,
            ],
            ApiKind::Lipsync => &[GenerationType::Lipsync],
            ApiKind::Apify
            | ApiKind::Youtube
            | ApiKind::X
            | ApiKind::Hackernews
            | ApiKind::Reddit
            | ApiKind::Brave => &[],
        }
    }

    /// Whether it finds content (social posts, research) rather than making it.
    pub const fn is_source(self) -> bool {
        self.serves().is_empty()
    }

    fn parse(text: &str) -> Option<ApiKind> {
        ApiKind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// Every kind's name, for messages: `openai, elevenlabs, ... or brave`.
    fn names() -> String {
        let names: Vec<&str> = ApiKind::ALL.iter().map(|kind| kind.as_str()).collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        format!("{} or {last}", rest.join(", "))
    }
}

/// Providers whose API and address are known, so a key alone declares them.
const WELL_KNOWN: &[(&str, ApiKind, &str)] = &[
    ("openai", ApiKind::Openai, "https://api.openai.com/v1"),
    (
        "gemini",
        ApiKind::Openai,
        "https://generativelanguage.googleapis.com/v1beta/openai",
    ),
    ("ollama", ApiKind::Openai, "http://127.0.0.1:11434/v1"),
    (
        "elevenlabs",
        ApiKind::Elevenlabs,
        "https://api.elevenlabs.io",
    ),
    ("apify", ApiKind::Apify, "https://api.apify.com/v2"),
    (
        "youtube",
        ApiKind::Youtube,
        "https://www.googleapis.com/youtube/v3",
    ),
    ("x", ApiKind::X, "https://api.x.com/2"),
    (
        "hackernews",
        ApiKind::Hackernews,
        "https://hn.algolia.com/api/v1",
    ),
    ("reddit", ApiKind::Reddit, "https://oauth.reddit.com"),
    (
        "brave",
        ApiKind::Brave,
        "https://api.search.brave.com/res/v1",
    ),
];

/// What one of a provider's models costs, in US dollars; each adapter reads the units it
/// bills in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input_per_1m_tokens: Option<f64>,
    pub output_per_1m_tokens: Option<f64>,
    pub per_image: Option<f64>,
    pub per_1k_characters: Option<f64>,
    pub per_second: Option<f64>,
}

/// Settings every provider has.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Connection {
    /// Where its API is, such as `https://api.openai.com/v1`.
    pub base_url: String,
    pub api_key: Option<ApiKey>,
    /// Send the key in this header as it is (`xi-api-key`, `x-api-key`) instead of
    /// `Authorization: Bearer <key>`.
    pub auth_header: Option<String>,
    /// How long one request may take, in seconds.
    #[serde(default = "default_timeout_secs")]
    pub timeout_secs: u64,
    /// Prices by the provider's own model id.
    #[serde(default)]
    pub prices: BTreeMap<String, Price>,
}

fn default_timeout_secs() -> u64 {
    120
}

impl Connection {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs.max(1))
    }

    /// The price of `model`, if configured.
    pub fn price(&self, model: &str) -> Option<Price> {
        self.prices.get(model).copied()
    }
}

/// `api = "openai"` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenAiSettings {
    /// The system message of text cards.
    pub system_prompt: Option<String>,
    /// The `size` asked for each aspect ratio (`"16:9" = "1792x1024"`), over the defaults.
    #[serde(default)]
    pub image_sizes: BTreeMap<String, String>,
}

/// `api = "elevenlabs"` settings.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElevenLabsSettings {
    /// The voice `voice_id: "agent_default"` speaks with.
    pub default_voice_id: Option<String>,
    /// `voice_settings.stability`, 0 to 1.
    pub stability: Option<f64>,
    /// `voice_settings.similarity_boost`, 0 to 1.
    pub similarity_boost: Option<f64>,
}

/// `api = "video_queue"` settings: the paths of the three calls (`{id}` is the job's id).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoQueueSettings {
    #[serde(default = "default_submit_path")]
    pub submit_path: String,
    #[serde(default = "default_status_path")]
    pub status_path: String,
    /// Called (best effort) when a generation is stopped; none by default.
    pub cancel_path: Option<String>,
    /// The first wait between status checks, in milliseconds; it doubles up to `poll_max_ms`.
    #[serde(default = "default_poll_initial_ms")]
    pub poll_initial_ms: u64,
    #[serde(default = "default_poll_max_ms")]
    pub poll_max_ms: u64,
    /// How long a video may take in all before the generation fails, in seconds.
    #[serde(default = "default_max_wait_secs")]
    pub max_wait_secs: u64,
}

impl Default for VideoQueueSettings {
    fn default() -> Self {
        Self {
            submit_path: default_submit_path(),
            status_path: default_status_path(),
            cancel_path: None,
            poll_initial_ms: default_poll_initial_ms(),
            poll_max_ms: default_poll_max_ms(),
            max_wait_secs: default_max_wait_secs(),
        }
    }
}

fn default_submit_path() -> String {
    "generations".into()
}

fn default_status_path() -> String {
    "generations/{id}".into()
}

fn default_poll_initial_ms() -> u64 {
    2_000
}

fn default_poll_max_ms() -> u64 {
    15_000
}

fn default_max_wait_secs() -> u64 {
    1_800
}

/// `api = "lipsync"` settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LipsyncSettings {
    #[serde(default = "default_lipsync_path")]
    pub path: String,
}

impl Default for LipsyncSettings {
    fn default() -> Self {
        Self {
            path: default_lipsync_path(),
        }
    }
}

fn default_lipsync_path() -> String {
    "lipsync".into()
}

/// The API-specific settings of a provider.
#[derive(Clone, Debug)]
pub enum ApiSettings {
    Openai(OpenAiSettings),
    Elevenlabs(ElevenLabsSettings),
    VideoQueue(VideoQueueSettings),
    Lipsync(LipsyncSettings),
    /// A source of content: its kind, and its own settings, which `ace_sources::hosted`
    /// reads (and checks) when it builds the source.
    Source {
        kind: ApiKind,
        settings: toml::Table,
    },
}

impl ApiSettings {
    pub const fn kind(&self) -> ApiKind {
        match self {
            ApiSettings::Openai(_) => ApiKind::Openai,
            ApiSettings::Elevenlabs(_) => ApiKind::Elevenlabs,
            ApiSettings::VideoQueue(_) => ApiKind::VideoQueue,
            ApiSettings::Lipsync(_) => ApiKind::Lipsync,
            ApiSettings::Source { kind, .. } => *kind,
        }
    }
}

/// One configured provider.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    /// Its name: the queue lane its runs are capped in, and what outputs record as `provider`.
    pub name: String,
    pub connection: Connection,
    pub api: ApiSettings,
}

/// A card type (and GEN model) sent to a provider's model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub kind: GenerationType,
    /// The GEN model; `None` routes the type's cards whose model has no route of its own (and
    /// cards of types without a model).
    pub model: Option<String>,
    pub provider: String,
    /// The provider's own model id, such as `gpt-4o`.
    pub provider_model: String,
}

/// Every configured provider and route.
#[derive(Clone, Debug, Default)]
pub struct ProvidersConfig {
    pub providers: Vec<ProviderConfig>,
    pub routes: Vec<Route>,
}

/// A configuration mistake, naming the setting.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

fn mistake(message: impl Into<String>) -> ConfigError {
    ConfigError(message.into())
}

/// The environment variables of provider `NAME`: `ACE_PROVIDER_<NAME>_<SETTING>`.
const ENV_PREFIX: &str = "ACE_PROVIDER_";
/// Their settings, longest suffix first (`_API_KEY` before `_API`).
const ENV_SETTINGS: [(&str, &str); 3] = [
    ("_API_KEY", "api_key"),
    ("_BASE_URL", "base_url"),
    ("_API", "api"),
];

impl ProvidersConfig {
    /// Resolves the configuration: the file's `[providers]` and `[models]` tables, then
    /// `ACE_PROVIDER_<NAME>_{API_KEY,BASE_URL,API}` from `env` over them, then `models` (the
    /// `ACE_MODELS` value, `gen_model=provider:model,...`) over the file's routes.
    pub fn resolve(
        file_providers: &toml::Table,
        file_models: &toml::Table,
        models: Option<&str>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ProvidersConfig, ConfigError> {
        let mut tables: BTreeMap<String, toml::Table> = BTreeMap::new();
        for (name, value) in file_providers {
            let table = value.as_table().ok_or_else(|| {
                mistake(format!("[providers.{name}] must be a table of settings"))
            })?;
            tables.insert(name.clone(), table.clone());
        }
        for (variable, value) in env {
            let Some(rest) = variable.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            let Some((name, setting)) = ENV_SETTINGS.iter().find_map(|(suffix, setting)| {
                rest.strip_suffix(suffix)
                    .filter(|name| !name.is_empty())
                    .map(|name| (name.to_ascii_lowercase(), *setting))
            }) else {
                continue;
            };
            if value.trim().is_empty() {
                continue;
            }
            tables.entry(name).or_default().insert(
                setting.to_owned(),
                toml::Value::String(value.trim().to_owned()),
            );
        }
        let providers = tables
            .into_iter()
            .map(|(name, table)| provider(&name, table))
            .collect::<Result<Vec<_>, _>>()?;
        let mut entries: BTreeMap<String, String> = BTreeMap::new();
        for (key, value) in file_models {
            let target = value.as_str().ok_or_else(|| {
                mistake(format!(
                    "[models] {key} must be a string such as \"openai:gpt-4o\""
                ))
            })?;
            entries.insert(key.clone(), target.to_owned());
        }
        for part in models.unwrap_or("").split(',').map(str::trim) {
            if part.is_empty() {
                continue;
            }
            let (key, target) = part.split_once('=').ok_or_else(|| {
                mistake(format!(
                    "ACE_MODELS entry {part:?} is not gen_model=provider:model"
                ))
            })?;
            entries.insert(key.trim().to_owned(), target.trim().to_owned());
        }
        let routes = routes(&entries, &providers)?;
        Ok(ProvidersConfig { providers, routes })
    }

    /// Reads a TOML document's `[providers]` and `[models]` sections (other sections are
    /// ignored), with `env` over them as [`ProvidersConfig::resolve`] does.
    pub fn from_toml(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<ProvidersConfig, ConfigError> {
        let document: toml::Table = text
            .parse()
            .map_err(|err| mistake(format!("the providers configuration: {err}")))?;
        let section = |name: &str| match document.get(name) {
            None => Ok(toml::Table::new()),
            Some(toml::Value::Table(table)) => Ok(table.clone()),
            Some(_) => Err(mistake(format!("[{name}] must be a table"))),
        };
        ProvidersConfig::resolve(&section("providers")?, &section("models")?, None, env)
    }

    /// The provider called `name`.
    pub fn provider(&self, name: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|provider| provider.name == name)
    }
}

/// One provider from its settings table (the file's, with the environment's over it).
fn provider(name: &str, mut table: toml::Table) -> Result<ProviderConfig, ConfigError> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(mistake(format!(
            "provider name {name:?} must be lowercase letters, digits and underscores"
        )));
    }
    let known = WELL_KNOWN.iter().find(|(known, _, _)| *known == name);
    let api = match table.remove("api") {
        Some(toml::Value::String(text)) => ApiKind::parse(&text).ok_or_else(|| {
            mistake(format!(
                "[providers.{name}] api {text:?} is not {}",
                ApiKind::names()
            ))
        })?,
        Some(_) => return Err(mistake(format!("[providers.{name}] api must be a string"))),
        None => known.map(|(_, api, _)| *api).ok_or_else(|| {
            mistake(format!(
                "[providers.{name}] needs api = one of {} (or ACE_PROVIDER_{}_API)",
                ApiKind::names(),
                name.to_ascii_uppercase()
            ))
        })?,
    };
    if !table.contains_key("base_url") {
        let base = known.map(|(_, _, base)| *base).ok_or_else(|| {
            mistake(format!(
                "[providers.{name}] needs base_url (or ACE_PROVIDER_{}_BASE_URL)",
                name.to_ascii_uppercase()
            ))
        })?;
        table.insert("base_url".into(), toml::Value::String(base.into()));
    }
    let mut common = toml::Table::new();
    for key in [
        "base_url",
        "api_key",
        "auth_header",
        "timeout_secs",
        "prices",
    ] {
        if let Some(value) = table.remove(key) {
            common.insert(key.to_owned(), value);
        }
    }
    let invalid = |err: toml::de::Error| mistake(format!("[providers.{name}] {}", err.message()));
    let mut connection: Connection = common.try_into().map_err(invalid)?;
    connection.base_url = connection.base_url.trim_end_matches('/').to_owned();
    if !(connection.base_url.starts_with("http://") || connection.base_url.starts_with("https://"))
    {
        return Err(mistake(format!(
            "[providers.{name}] base_url must be an http or https URL"
        )));
    }
    let key_header = match api {
        // Without a key of its own it still tells where ElevenLabs is for agents' own keys;
        // routing speech to it needs one (checked with the routes).
        ApiKind::Elevenlabs => Some("xi-api-key"),
        ApiKind::Brave => Some("x-subscription-token"),
        _ => None,
    };
    if let Some(header) = key_header {
        connection
            .auth_header
            .get_or_insert_with(|| header.to_owned());
    }
    let api = match api {
        ApiKind::Openai => ApiSettings::Openai(table.try_into().map_err(invalid)?),
        ApiKind::Elevenlabs => ApiSettings::Elevenlabs(table.try_into().map_err(invalid)?),
        ApiKind::VideoQueue => ApiSettings::VideoQueue(table.try_into().map_err(invalid)?),
        ApiKind::Lipsync => ApiSettings::Lipsync(table.try_into().map_err(invalid)?),
        kind => ApiSettings::Source {
            kind,
            settings: table,
        },
    };
    Ok(ProviderConfig {
        name: name.to_owned(),
        connection,
        api,
    })
}

/// What a `[models]` key names.
enum RouteKey {
    /// `gpt_4o`: that model, in every card type that has it and the provider can make.
    Model(String),
    /// `video_from_image.veo_3`: that model in that type only.
    TypeModel(GenerationType, String),
    /// `speech_from_text`: the type's default.
    Type(GenerationType),
}

fn route_key(key: &str) -> Result<RouteKey, ConfigError> {
    if let Some((kind, model)) = key.split_once('.') {
        let kind: GenerationType = kind
            .parse()
            .map_err(|()| mistake(format!("[models] {key}: {kind} is not a generation type")))?;
        if !models(kind).contains(&model) {
            return Err(mistake(format!(
                "[models] {key}: {model} is not a model of {kind} (those are {})",
                models(kind).join(", ")
            )));
        }
        return Ok(RouteKey::TypeModel(kind, model.to_owned()));
    }
    if let Ok(kind) = key.parse::<GenerationType>() {
        return Ok(RouteKey::Type(kind));
    }
    if GenerationType::ALL
        .iter()
        .any(|kind| models(*kind).contains(&key))
    {
        return Ok(RouteKey::Model(key.to_owned()));
    }
    Err(mistake(format!(
        "[models] {key} is neither a GEN model (such as gpt_4o or veo_3) nor a generation type"
    )))
}

/// The routes of the `[models]` entries, most specific last so they win.
fn routes(
    entries: &BTreeMap<String, String>,
    providers: &[ProviderConfig],
) -> Result<Vec<Route>, ConfigError> {
    let mut by_target: BTreeMap<(&'static str, Option<String>), Route> = BTreeMap::new();
    let mut parsed = Vec::with_capacity(entries.len());
    for (key, target) in entries {
        let (provider_name, provider_model) = target
            .split_once(':')
            .map(|(p, m)| (p.trim(), m.trim()))
            .filter(|(p, m)| !p.is_empty() && !m.is_empty())
            .ok_or_else(|| {
                mistake(format!(
                    "[models] {key} = {target:?} is not \"provider:model\""
                ))
            })?;
        let provider = providers
            .iter()
            .find(|p| p.name == provider_name)
            .ok_or_else(|| {
                mistake(format!(
                    "[models] {key} names provider {provider_name}, which is not configured (add [providers.{provider_name}] or ACE_PROVIDER_{}_API_KEY)",
                    provider_name.to_ascii_uppercase()
                ))
            })?;
        parsed.push((route_key(key)?, key, provider, provider_model));
    }
    // Bare models first, then types, then type.model: the more specific wins.
    let rank = |key: &RouteKey| match key {
        RouteKey::Model(_) => 0,
        RouteKey::Type(_) => 1,
        RouteKey::TypeModel(..) => 2,
    };
    parsed.sort_by_key(|(key, ..)| rank(key));
    for (key, text, provider, provider_model) in parsed {
        let serves = provider.api.kind().serves();
        let targets: Vec<(GenerationType, Option<String>)> = match key {
            RouteKey::Model(model) => GenerationType::ALL
                .into_iter()
                .filter(|kind| serves.contains(kind) && models(*kind).contains(&model.as_str()))
                .map(|kind| (kind, Some(model.clone())))
                .collect(),
            RouteKey::Type(kind) | RouteKey::TypeModel(kind, _) if !serves.contains(&kind) => {
                Vec::new()
            }
            RouteKey::Type(kind) => vec![(kind, None)],
            RouteKey::TypeModel(kind, model) => vec![(kind, Some(model))],
        };
        if provider.api.kind() == ApiKind::Elevenlabs && provider.connection.api_key.is_none() {
            return Err(mistake(format!(
                "[models] {text}: [providers.{}] needs api_key (or ACE_PROVIDER_{}_API_KEY)",
                provider.name,
                provider.name.to_ascii_uppercase()
            )));
        }
        if provider.api.kind().is_source() {
            return Err(mistake(format!(
                "[models] {text}: provider {} (api {}) is a source of content, not a maker of cards",
                provider.name,
                provider.api.kind().as_str()
            )));
        }
        if targets.is_empty() {
            return Err(mistake(format!(
                "[models] {text}: provider {} speaks api {}, which makes {} cards, not these",
                provider.name,
                provider.api.kind().as_str(),
                serves
                    .iter()
                    .map(|kind| kind.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        for (kind, model) in targets {
            let route = Route {
                kind,
                model: model.clone(),
                provider: provider.name.clone(),
                provider_model: provider_model.to_owned(),
            };
            by_target.insert((kind.as_str(), model), route);
        }
    }
    Ok(by_target.into_values().collect())
}
