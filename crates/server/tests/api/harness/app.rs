//! A running ace for one test.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ace_app::App;
use ace_app::accounts::{self, NewAccount};
use ace_domain::credits::Credits;
use ace_domain::ids::{AgentId, OrganizationId, UserId};
use ace_domain::role::Role;
use ace_domain::sheet::card::GenerationType;
use ace_providers::{Generator, Registry};
use ace_server::{Application, Settings};
use ace_storage::StorageConfig;
use tokio::sync::oneshot;

use super::client::Client;
use ace_fixtures::TestDatabase;

/// A user of the running app, with their API key and personal workspace.
#[derive(Clone, Debug)]
pub struct Member {
    pub client: Client,
    pub user_id: UserId,
    pub email: String,
    /// Their personal workspace.
    pub workspace_id: OrganizationId,
    /// The agent their personal workspace was created with.
    pub agent_id: AgentId,
}

/// A second `ace` server on the same database, as a scaled-out deployment runs several.
pub struct OtherProcess {
    /// A client of the second server, with no credential.
    pub client: Client,
    _stop: oneshot::Sender<()>,
    _data_dir: tempfile::TempDir,
}

/// Options for [`TestApp`].
#[derive(Clone, Debug, Default)]
pub struct TestAppBuilder {
    rate_limit_per_minute: Option<u32>,
    starter_credits: Option<Credits>,
    storage: Option<StorageConfig>,
    max_file_bytes: Option<u64>,
    generators: Registry,
    providers: Option<ace_providers::remote::config::ProvidersConfig>,
    job_lease: Option<Duration>,
    serve_jobs: Option<bool>,
    public_webhooks_only: bool,
    sources: ace_sources::Sources,
    monitoring_interval: Option<Duration>,
    publishing: Option<ace_server::config::PublishingSettings>,
}

impl TestAppBuilder {
    /// Turns rate limiting on (it is off in tests by default).
    #[must_use]
    pub fn rate_limit_per_minute(mut self, limit: u32) -> Self {
        self.rate_limit_per_minute = Some(limit);
        self
    }

    #[must_use]
    pub fn starter_credits(mut self, credits: Credits) -> Self {
        self.starter_credits = Some(credits);
        self
    }

    /// Keeps blobs in `storage` instead of the data directory.
    #[must_use]
    pub fn storage(mut self, storage: StorageConfig) -> Self {
        self.storage = Some(storage);
        self
    }

    /// Lowers the largest file accepted (1 GiB by default).
    #[must_use]
    pub fn max_file_bytes(mut self, bytes: u64) -> Self {
        self.max_file_bytes = Some(bytes);
        self
    }

    /// Installs `generator` for `kind` cards (none is installed by default but media).
    #[must_use]
    pub fn generator(mut self, kind: GenerationType, generator: Arc<dyn Generator>) -> Self {
        self.generators.set(kind, generator);
        self
    }

    /// Installs the embedded generators (the local models from
    /// [`LocalModels::default_dir`](ace_providers::local::LocalModels::default_dir)).
    /// Generators installed after this replace them.
    #[must_use]
    pub fn local_generators(mut self) -> Self {
        let models = ace_providers::local::LocalModels::new(
            ace_providers::local::LocalModels::default_dir(),
        );
        ace_providers::local::install(&mut self.generators, &models, &ace_media::Tools::default());
        self
    }

    /// Routes models to providers as `config` says, over the generators installed so far (the
    /// same installation `ace serve` does).
    #[must_use]
    pub fn providers(mut self, config: &ace_providers::remote::config::ProvidersConfig) -> Self {
        ace_providers::remote::install(&mut self.generators, config, &ace_media::Tools::default())
            .expect("the providers install");
        self.providers = Some(config.clone());
        self
    }

    /// Adds a source of social content after those added so far (none by default).
    #[must_use]
    pub fn source(mut self, source: Arc<dyn ace_sources::Source>) -> Self {
        self.sources.add(source);
        self
    }

    /// Sets how long monitoring waits between cycles (a day by default).
    #[must_use]
    pub fn monitoring_interval(mut self, interval: Duration) -> Self {
        self.monitoring_interval = Some(interval);
        self
    }

    /// Shortens (or lengthens) job leases, for crash-recovery tests.
    #[must_use]
    pub fn job_lease(mut self, lease: Duration) -> Self {
        self.job_lease = Some(lease);
        self
    }

    /// Refuses webhook URLs on private addresses, as production does (tests allow them).
    #[must_use]
    pub fn public_webhooks_only(mut self) -> Self {
        self.public_webhooks_only = true;
        self
    }

    /// Publishes through `settings` (a TikTok stand-in, a token key); a post's status is read
    /// every 20 ms and a rate limit waited out for 100 ms, so tests need not wait.
    #[must_use]
    pub fn publishing(mut self, settings: ace_server::config::PublishingSettings) -> Self {
        self.publishing = Some(settings);
        self
    }

    /// Turns the server's own job worker off (for tests that run workers themselves).
    #[must_use]
    pub fn without_jobs(mut self) -> Self {
        self.serve_jobs = Some(false);
        self
    }

    /// Starts the app.
    pub async fn spawn(self) -> TestApp {
        ace_server::telemetry::init_for_tests();
        let database = TestDatabase::create().await;
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let mut settings = Settings::embedded(data_dir.path());
        settings.database_url = database.url().to_owned();
        settings.rate_limit_per_minute = self.rate_limit_per_minute;
        if let Some(credits) = self.starter_credits {
            settings.starter_credits = credits;
        }
        if let Some(bytes) = self.max_file_bytes {
            settings.max_file_bytes = bytes;
        }
        if let Some(storage) = self.storage {
            settings.storage = storage;
        }
        test_jobs(&mut settings);
        if let Some(lease) = self.job_lease {
            settings.jobs.lease = lease;
        }
        if self.public_webhooks_only {
            settings.jobs.allow_private_webhooks = false;
        }
        if let Some(serve_jobs) = self.serve_jobs {
            settings.jobs.serve_jobs = serve_jobs;
        }
        if let Some(providers) = self.providers {
            settings.providers = providers;
        }
        if let Some(interval) = self.monitoring_interval {
            settings.jobs.monitoring_interval = interval;
        }
        if let Some(publishing) = self.publishing {
            settings.publishing = publishing;
        }
        let generators = self.generators;
        let sources = self.sources;
        let server = Application::build_with(&settings, move |parts| {
            parts.providers = generators;
            // Scripted sources first, then those the providers' configuration brings.
            let configured = std::mem::replace(&mut parts.sources, sources);
            parts.sources.extend(configured);
            parts.publishing.status_interval = Duration::from_millis(20);
            parts.publishing.rate_limit_wait = Duration::from_millis(100);
            // A post's 78 readings in a few seconds.
            parts.publishing.figures_interval = Duration::from_millis(2);
        })
        .await
        .expect("the app starts");
        let address = server.local_addr();
        let app = server.app().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run_until(async {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .expect("an HTTP client");
        let anonymous = Client::new(http, format!("http://{address}"));
        let key = std::fs::read_to_string(ace_server::bootstrap::admin_key_path(data_dir.path()))
            .expect("the first start wrote the admin key");
        let owner = member(&anonymous.with_key(key.trim())).await;
        TestApp {
            address,
            app,
            anonymous,
            owner,
            _stop: stop,
            _data_dir: data_dir,
            database,
        }
    }
}

/// ace running on a fresh database for one test.
pub struct TestApp {
    pub address: SocketAddr,
    /// The use-case context of the running server, for arranging state directly.
    pub app: App,
    anonymous: Client,
    /// The owner created on first start.
    pub owner: Member,
    _stop: oneshot::Sender<()>,
    _data_dir: tempfile::TempDir,
    database: TestDatabase,
}

static USERS: AtomicU32 = AtomicU32::new(1);

/// A safety net for jobs that never come to rest (a bug under test), not a timing check.
const STUCK: Duration = Duration::from_secs(300);

impl TestApp {
    /// Starts ace with the test defaults.
    pub async fn spawn() -> TestApp {
        TestAppBuilder::default().spawn().await
    }

    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// A client with no credential.
    pub fn anonymous(&self) -> Client {
        self.anonymous.clone()
    }

    /// Waits until the workers have run every job (and every job those jobs queued), retries
    /// included. Not for apps whose generators never finish.
    pub async fn drain_jobs(&self) {
        tokio::time::timeout(STUCK, self.app.queue().idle())
            .await
            .expect("the jobs came to rest")
            .expect("the queue reads");
    }

    /// Waits until the workers have run every job due in the next ten minutes (retries
    /// included); later ones, such as a monitoring job's next cycle, stay queued.
    pub async fn drain_due_jobs(&self) {
        tokio::time::timeout(
            STUCK,
            self.app.queue().idle_within(Duration::from_secs(600)),
        )
        .await
        .expect("the due jobs came to rest")
        .expect("the queue reads");
    }

    /// Whether this app runs on PostgreSQL.
    pub fn on_postgres(&self) -> bool {
        self.database.is_postgres()
    }

    pub fn data_dir(&self) -> &Path {
        self._data_dir.path()
    }

    /// The database this app runs on.
    pub fn database_url(&self) -> &str {
        self.database.url()
    }

    /// Starts another server on this app's database.
    pub async fn another_process(&self) -> OtherProcess {
        self.another_process_publishing(ace_server::config::PublishingSettings::default())
            .await
    }

    /// Starts another server on this app's database that publishes through `publishing`
    /// (reading a post's status every 20 ms).
    pub async fn another_process_publishing(
        &self,
        publishing: ace_server::config::PublishingSettings,
    ) -> OtherProcess {
        let data_dir = tempfile::tempdir().expect("a temporary data directory");
        let mut settings = Settings::embedded(data_dir.path());
        settings.database_url = self.database.url().to_owned();
        settings.rate_limit_per_minute = None;
        settings.publishing = publishing;
        test_jobs(&mut settings);
        let server = Application::build_with(&settings, |parts| {
            parts.publishing.status_interval = Duration::from_millis(20);
            parts.publishing.figures_interval = Duration::from_millis(2);
        })
        .await
        .expect("the app starts");
        let (client, stop) = run(server);
        OtherProcess {
            client,
            _stop: stop,
            _data_dir: data_dir,
        }
    }

    /// Creates a new user (with their own workspace) and returns them signed in.
    pub async fn user(&self, name: &str) -> Member {
        let n = USERS.fetch_add(1, Ordering::Relaxed);
        let email = format!("{}-{n}@example.com", name.to_lowercase().replace(' ', "."));
        let created = accounts::create_user(
            &self.app,
            NewAccount {
                email,
                name: name.to_owned(),
                username: None,
            },
        )
        .await
        .expect("creating a test user");
        member(&self.anonymous.with_key(&created.api_key)).await
    }

    /// Creates a new user who is a member of `organization` with `role`.
    pub async fn member_of(&self, organization: OrganizationId, role: Role) -> Member {
        let member = self.user(&format!("{role} member")).await;
        ace_app::organizations::put_member(&self.app, organization, &member.email, role)
            .await
            .expect("adding a member");
        member
    }
}

/// Job settings for tests: webhooks may reach the local sink, and retries come quickly.
fn test_jobs(settings: &mut Settings) {
    settings.jobs.allow_private_webhooks = true;
    settings.jobs.webhook_retry_base = Duration::from_millis(50);
    settings.jobs.generation_retry_base = Duration::from_millis(50);
}

/// Runs a built server; returns a client of it and the switch that stops it.
fn run(server: Application) -> (Client, oneshot::Sender<()>) {
    let address = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run_until(async {
        let _ = stopped.await;
    }));
    let http = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("an HTTP client");
    (Client::new(http, format!("http://{address}")), stop)
}

/// Reads who a client is: their id, personal workspace and its first agent.
async fn member(client: &Client) -> Member {
    let me = client.get("/v1/me").await.expect(200).body;
    let user_id = UserId::new(me["id"].as_i64().expect("an id"));
    let organizations = client.get("/v1/organizations").await.expect(200).body;
    let workspace = organizations
        .as_array()
        .and_then(|orgs| orgs.iter().find(|o| o["user_role"] == "owner"))
        .expect("a personal workspace");
    let workspace_id = OrganizationId::new(workspace["id"].as_i64().expect("an id"));
    let agents = client
        .get(&format!("/v1/agents?workspace_id={workspace_id}"))
        .await
        .expect(200)
        .body;
    let agent_id = AgentId::new(
        agents[0]["id"]
            .as_i64()
            .expect("the workspace's first agent"),
    );
    Member {
        client: client.clone(),
        user_id,
        email: me["email"].as_str().expect("an email").to_owned(),
        workspace_id,
        agent_id,
    }
}
