//! ace's use cases. Each module owns one feature and exposes plain async functions taking the
//! [`App`] context and the acting user; the HTTP edge and the CLI call them and never touch
//! the database themselves. Authorization is decided here, by [`policy`].

pub mod accounts;
pub mod agent_core;
pub mod agent_profile;
pub mod agents;
pub mod api_keys;
pub mod asset_library;
pub mod auth;
pub mod automation;
pub mod avatars;
pub mod clock;
pub mod content_resources;
pub mod credits;
pub mod direct_uploads;
pub mod error;
pub mod files;
pub mod generations;
pub mod idempotency;
pub mod organizations;
pub mod outbound;
pub mod policy;
pub mod renders;
pub mod row_runs;
pub mod sheets;
pub mod templates;
pub mod text;
pub mod voices;
pub mod webhooks;

pub mod images;
pub mod signing;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ace_db::Database;
use ace_domain::credits::Credits;
use ace_domain::generation::PriceTable;
use ace_domain::sheet::card::GenerationType;
use ace_jobs::Queue;
use ace_providers::local::LocalModels;
use ace_providers::local::speech::LocalSpeech;
use ace_providers::remote::elevenlabs::ElevenLabsAccess;
use ace_providers::{Generator, Registry};
use ace_storage::BlobStore;
use bytes::Bytes;

pub use auth::{Actor, Via};
pub use error::{AppError, AppResult, ErrorCode, ErrorKind};

/// Tunable behaviour of the use cases.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Credits granted to every new user's personal workspace.
    pub starter_credits: Credits,
    /// The largest image accepted as an avatar.
    pub max_image_bytes: usize,
    /// The largest file accepted as a content resource or direct upload.
    pub max_file_bytes: u64,
    /// The absolute URL clients reach ace at, for the links ace serves itself.
    pub public_url: String,
    /// Which addresses webhooks and callbacks may go to (public ones only, unless a
    /// self-hosted setup or a test allows private ones).
    pub outbound_reach: outbound::Reach,
    /// How long a webhook receiver has to answer.
    pub webhook_timeout: Duration,
    /// The unit of the webhook retry schedule (5 s: retries after 5 s, 30 s, 2, 4 and 5 min).
    pub webhook_retry_base: Duration,
    /// Runs of a generation before a transient failure becomes final.
    pub generation_attempts: u32,
    /// The first wait before retrying a generation; it doubles each time.
    pub generation_retry_base: Duration,
    /// Where generation runs keep their scratch files.
    pub work_dir: PathBuf,
    /// How long a render may take before it is stopped.
    pub render_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            starter_credits: Credits::whole(1_000),
            max_image_bytes: 10 * 1024 * 1024,
            max_file_bytes: 1024 * 1024 * 1024,
            public_url: "http://localhost:8080".into(),
            outbound_reach: outbound::Reach::PublicOnly,
            webhook_timeout: Duration::from_secs(10),
            webhook_retry_base: Duration::from_secs(5),
            generation_attempts: 3,
            generation_retry_base: Duration::from_secs(2),
            work_dir: std::env::temp_dir().join("ace-work"),
            render_timeout: Duration::from_secs(1_800),
        }
    }
}

/// A file as the edge received it: its bytes and the name the client gave it. The name is
/// only a label; what the file is gets decided from its bytes.
#[derive(Clone, Debug)]
pub struct Upload {
    pub file_name: Option<String>,
    pub bytes: Bytes,
}

/// Everything a use case needs: the database, the blob store, the clock and the settings.
/// Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub db: Database,
    pub storage: BlobStore,
    pub clock: clock::Clock,
    pub settings: Arc<Settings>,
    /// ffprobe and ffmpeg.
    pub media: ace_media::Tools,
    /// The durable job queue.
    pub queue: Queue,
    /// Which generator runs each creation card.
    pub providers: Arc<Registry>,
    /// ace's own voices: the public catalogue, voice design samples and previews.
    pub speech: Arc<LocalSpeech>,
    /// ElevenLabs for agents' own keys (connect, their voices, clones).
    pub elevenlabs: Arc<ElevenLabsAccess>,
    /// What generations cost.
    pub pricing: Arc<PriceTable>,
    /// This process's feed of generation status changes (live streams listen to it).
    pub generation_events: generations::events::Bus,
    /// The HTTP client for webhooks and callbacks (see [`outbound`]).
    pub outbound: reqwest::Client,
    jwt: Arc<auth::JwtKeys>,
    keys: Arc<auth::KeyCache>,
    signer: Arc<signing::Signer>,
}

impl App {
    /// Assembles the context. `jwt_secret` signs and checks the HS256 JWTs ace accepts.
    pub fn new(db: Database, storage: BlobStore, settings: Settings, jwt_secret: &[u8]) -> Self {
        // On SQLite this process makes every revocation, so cached keys can be trusted at
        // once; on PostgreSQL only once `auth::follow_revocations` listens.
        let db_is_single_process = db.backend() == ace_db::Backend::Sqlite;
        let outbound = outbound::client(
            settings.outbound_reach,
            settings.webhook_timeout,
            concat!("ace-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .unwrap_or_default();
        Self {
            queue: Queue::new(db.clone()),
            providers: Arc::new(Registry::default()),
            speech: Arc::new(LocalSpeech::new(
                LocalModels::new(LocalModels::default_dir()),
                ace_media::Tools::default(),
            )),
            elevenlabs: Arc::new(ElevenLabsAccess::default()),
            pricing: Arc::new(PriceTable::default()),
            generation_events: generations::events::Bus::default(),
            outbound,
            db,
            storage,
            clock: clock::Clock::default(),
            settings: Arc::new(settings),
            media: ace_media::Tools::default(),
            jwt: Arc::new(auth::JwtKeys::new(jwt_secret)),
            signer: Arc::new(signing::Signer::new(jwt_secret)),
            keys: Arc::new(auth::KeyCache::new(db_is_single_process)),
        }
    }

    /// Installs the generators creation cards run on.
    #[must_use]
    pub fn with_providers(mut self, providers: Registry) -> Self {
        self.providers = Arc::new(providers);
        self
    }

    /// Speaks with `speech` (share the engine the speech generator uses, so its voice loads
    /// once).
    #[must_use]
    pub fn with_speech(mut self, speech: Arc<LocalSpeech>) -> Self {
        self.speech = speech;
        self
    }

    /// Reaches ElevenLabs as `access` says.
    #[must_use]
    pub fn with_elevenlabs(mut self, access: ElevenLabsAccess) -> Self {
        self.elevenlabs = Arc::new(access);
        self
    }

    /// Replaces the price table.
    #[must_use]
    pub fn with_pricing(mut self, pricing: PriceTable) -> Self {
        self.pricing = Arc::new(pricing);
        self
    }

    /// The generator that runs `kind` cards asking for GEN model `model`: the provider the
    /// model is routed to, else the type's embedded default.
    pub fn generator(&self, kind: GenerationType, model: Option<&str>) -> Arc<dyn Generator> {
        self.providers.get(kind, model)
    }

    /// The workers' handlers for every kind of job this app queues.
    pub fn job_handlers(&self) -> Vec<Arc<dyn ace_jobs::Handler>> {
        vec![
            Arc::new(generations::run::GenerationJobs::new(self.clone())),
            Arc::new(automation::delivery::DeliveryJobs::new(self.clone())),
            Arc::new(row_runs::RowRunJobs::new(self.clone())),
        ]
    }

    /// Issues and checks the signed ids and URLs this server hands out.
    pub fn signer(&self) -> &signing::Signer {
        &self.signer
    }
}
