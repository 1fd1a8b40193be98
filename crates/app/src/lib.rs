//! ace's use cases. Each module owns one feature and exposes plain async functions taking the
//! [`App`] context and the acting user; the HTTP edge and the CLI call them and never touch
//! the database themselves. Authorization is decided here, by [`policy`].

pub mod accounts;
pub mod agent_core;
pub mod agent_profile;
pub mod agent_runs;
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
pub mod ideas;
pub mod idempotency;
pub mod knowledge;
pub mod organizations;
pub mod pipelines;
pub mod policy;
pub mod publishing;
pub mod renders;
pub mod row_runs;
pub mod sheets;
pub mod templates;
pub mod text;
pub mod user_jobs;
pub mod voices;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ace_db::Database;
use ace_domain::credits::Credits;
use ace_domain::generation::PriceTable;
use ace_domain::sheet::card::GenerationType;
use ace_jobs::Queue;
use ace_net::signed_tokens::Signer;
use ace_providers::local::speech::LocalSpeech;
use ace_providers::remote::elevenlabs::ElevenLabsAccess;
use ace_providers::{Generator, Registry};
use ace_storage::BlobStore;
use bytes::Bytes;

pub use auth::{Actor, Via};
pub use error::{AppError, AppResult, ErrorCode, ErrorKind};

/// SQL statements this process has sent, for `/metrics`.
pub fn sql_statements_issued() -> u64 {
    ace_db::statements_issued()
}

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
    pub outbound_reach: ace_net::outbound::Reach,
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
    /// How long a monitoring job waits between its cycles.
    pub monitoring_interval: Duration,
    /// The agent tools that wait for the user's approval (`deep_research` for research at
    /// depth `deep`).
    pub gated_tools: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            starter_credits: Credits::whole(1_000),
            max_image_bytes: 10 * 1024 * 1024,
            max_file_bytes: 1024 * 1024 * 1024,
            public_url: "http://localhost:8080".into(),
            outbound_reach: ace_net::outbound::Reach::PublicOnly,
            webhook_timeout: Duration::from_secs(10),
            webhook_retry_base: Duration::from_secs(5),
            generation_attempts: 3,
            generation_retry_base: Duration::from_secs(2),
            work_dir: std::env::temp_dir().join("ace-work"),
            render_timeout: Duration::from_secs(1_800),
            monitoring_interval: Duration::from_secs(24 * 60 * 60),
            gated_tools: ace_domain::agent_run::tool::GATED_BY_DEFAULT
                .map(str::to_owned)
                .to_vec(),
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

/// The parts an [`App`] is made of. The server's start-up builds each one, failing with a
/// clear message when one cannot be built (the outbound client above all: without its address
/// rules ace would reach private networks), and hands them to [`App::assemble`].
pub struct Parts {
    pub db: Database,
    pub storage: BlobStore,
    pub settings: Settings,
    /// ffprobe and ffmpeg.
    pub media: ace_media::Tools,
    /// Which generator runs each creation card.
    pub providers: Registry,
    /// ace's own voices: the public catalogue, voice design samples and previews.
    pub speech: Arc<LocalSpeech>,
    /// ElevenLabs for agents' own keys (connect, their voices, clones).
    pub elevenlabs: ElevenLabsAccess,
    /// What generations cost.
    pub pricing: PriceTable,
    /// The hosted sources of social content monitoring can fetch from.
    pub sources: ace_sources::Sources,
    /// The HTTP client for webhooks and callbacks, built by [`ace_net::outbound::client`].
    pub outbound: reqwest::Client,
    /// Signs and checks the HS256 JWTs ace accepts.
    pub jwt_secret: Vec<u8>,
    /// Signs the ids and URLs ace hands out; never the JWT secret itself.
    pub url_signing_key: Vec<u8>,
    /// Where finished videos are posted, and the key their grants are sealed with.
    pub publishing: publishing::Publishing,
}

/// Everything a use case needs: the database, the blob store, the clock, the settings and the
/// adapters. Cheap to clone. Its parts are private: use cases in this crate reach them, the
/// edge reaches what the accessors below give.
#[derive(Clone)]
pub struct App {
    db: Database,
    storage: BlobStore,
    clock: clock::Clock,
    settings: Arc<Settings>,
    media: ace_media::Tools,
    queue: Queue,
    providers: Arc<Registry>,
    speech: Arc<LocalSpeech>,
    elevenlabs: Arc<ElevenLabsAccess>,
    pricing: Arc<PriceTable>,
    sources: Arc<ace_sources::Sources>,
    /// This process's feed of generation status changes (live streams listen to it).
    generation_events: generations::events::Bus,
    outbound: reqwest::Client,
    jwt: Arc<auth::JwtKeys>,
    keys: Arc<auth::KeyCache>,
    signer: Arc<Signer>,
    publishing: Arc<publishing::Publishing>,
}

impl App {
    /// Puts the parts together.
    pub fn assemble(parts: Parts) -> Self {
        // On SQLite this process makes every revocation, so cached keys can be trusted at
        // once; on PostgreSQL only once `auth::follow_revocations` listens.
        let db_is_single_process = parts.db.backend() == ace_db::Backend::Sqlite;
        Self {
            queue: Queue::new(parts.db.clone()),
            providers: Arc::new(parts.providers),
            speech: parts.speech,
            elevenlabs: Arc::new(parts.elevenlabs),
            pricing: Arc::new(parts.pricing),
            sources: Arc::new(parts.sources),
            generation_events: generations::events::Bus::default(),
            outbound: parts.outbound,
            db: parts.db,
            storage: parts.storage,
            clock: clock::Clock::default(),
            settings: Arc::new(parts.settings),
            media: parts.media,
            jwt: Arc::new(auth::JwtKeys::new(&parts.jwt_secret)),
            signer: Arc::new(Signer::new(&parts.url_signing_key)),
            keys: Arc::new(auth::KeyCache::new(db_is_single_process)),
            publishing: Arc::new(parts.publishing),
        }
    }

    /// The database (for start-up, shutdown and operator tools).
    pub fn db(&self) -> &Database {
        &self.db
    }

    /// The blob store.
    pub fn storage(&self) -> &BlobStore {
        &self.storage
    }

    /// The clock use cases read the time from (tests move it).
    pub fn clock(&self) -> &clock::Clock {
        &self.clock
    }

    /// The durable job queue.
    pub fn queue(&self) -> &Queue {
        &self.queue
    }

    /// ffprobe and ffmpeg.
    pub fn media(&self) -> &ace_media::Tools {
        &self.media
    }

    /// What generations cost.
    pub fn pricing(&self) -> &PriceTable {
        &self.pricing
    }

    /// This process's feed of generation status changes.
    pub fn generation_events(&self) -> &generations::events::Bus {
        &self.generation_events
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
            Arc::new(knowledge::gather::GatherJobs::new(self.clone())),
            Arc::new(knowledge::imports::ImportJobs::new(self.clone())),
            Arc::new(agent_runs::AgentRunJobs::new(self.clone())),
            Arc::new(agent_runs::daily::DailyResearchJobs::new(self.clone())),
            Arc::new(publishing::run::PublishJobs::new(self.clone())),
            Arc::new(publishing::revoke::RevokeJobs::new(self.clone())),
            Arc::new(publishing::metrics::FigureJobs::new(self.clone())),
            Arc::new(pipelines::PipelineFirings::new(self.clone())),
            Arc::new(pipelines::AdvancePipelineRuns::new(self.clone())),
        ]
    }

    /// The absolute URL clients reach ace at.
    pub fn public_url(&self) -> &str {
        &self.settings.public_url
    }

    /// Issues and checks the signed ids and URLs this server hands out.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }
}
