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
pub mod avatars;
pub mod clock;
pub mod content_resources;
pub mod credits;
pub mod direct_uploads;
pub mod error;
pub mod files;
pub mod organizations;
pub mod policy;
pub mod sheets;
pub mod templates;

pub mod images;
pub mod signing;

use std::sync::Arc;

use ace_db::Database;
use ace_domain::credits::Credits;
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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            starter_credits: Credits::whole(1_000),
            max_image_bytes: 10 * 1024 * 1024,
            max_file_bytes: 1024 * 1024 * 1024,
            public_url: "http://localhost:8080".into(),
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
        Self {
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

    /// Issues and checks the signed ids and URLs this server hands out.
    pub fn signer(&self) -> &signing::Signer {
        &self.signer
    }
}
