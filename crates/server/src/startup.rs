//! Building and running the server: connect and migrate the database, bind the listener,
//! open the blob store, bootstrap on first start, and serve until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;

use ace_api::{ApiState, EdgeSettings};
use ace_app::{App, Parts};
use ace_db::{ConnectOptions, Database};
use ace_domain::generation::PriceTable;
use ace_jobs::{Worker, WorkerConfig};
use ace_net::outbound::{self, Reach};
use ace_providers::Registry;
use ace_providers::local::LocalModels;
use ace_providers::remote::config::{ApiSettings, ProvidersConfig};
use ace_providers::remote::elevenlabs::ElevenLabsAccess;
use ace_storage::BlobStore;
use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::info;

use crate::bootstrap;
use crate::config::{JobSettings, Settings};

/// A built server, bound and ready to run.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    app: App,
    public_url: String,
    /// Follows key revocations made by other processes (PostgreSQL only).
    revocations: Option<JoinHandle<()>>,
    /// Where the template library is re-read from, if not built in.
    templates_dir: Option<std::path::PathBuf>,
    jobs: JobSettings,
}

impl Application {
    /// Connects, migrates, binds and bootstraps.
    pub async fn build(settings: &Settings) -> anyhow::Result<Application> {
        Self::build_with(settings, |_| {}).await
    }

    /// Like [`Application::build`], letting `customize` adjust the use-case context's parts
    /// before they are assembled (tests install generators this way).
    pub async fn build_with(
        settings: &Settings,
        customize: impl FnOnce(&mut Parts),
    ) -> anyhow::Result<Application> {
        std::fs::create_dir_all(&settings.data_dir).with_context(|| {
            format!(
                "creating the data directory {}",
                settings.data_dir.display()
            )
        })?;
        let db = connect(settings, Caller::Server).await?;
        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("binding {}", settings.bind))?;
        let address = listener.local_addr()?;
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| default_public_url(address));
        let app = assemble(settings, db, &public_url, customize).await?;
        let revocations = ace_app::auth::follow_revocations(&app).await;
        bootstrap::first_start(&app, settings).await?;
        ace_app::templates::sync::sync_from(&app, settings.templates_dir.as_deref())
            .await
            .map_err(|err| anyhow::anyhow!("loading the template library: {err}"))?;
        let public = url::Url::parse(&public_url).ok();
        let mut mcp_allowed_hosts = EdgeSettings::default().mcp_allowed_hosts;
        mcp_allowed_hosts.extend(
            public
                .as_ref()
                .and_then(|url| url.host_str().map(str::to_owned)),
        );
        mcp_allowed_hosts.extend(settings.mcp_allowed_hosts.iter().cloned());
        let mut mcp_allowed_origins: Vec<String> = public
            .as_ref()
            .map(|url| {
                let port = url.port_or_known_default().unwrap_or_default();
                let host = url.host_str().unwrap_or_default();
                format!("{}://{host}:{port}", url.scheme())
            })
            .into_iter()
            .collect();
        mcp_allowed_origins.extend(settings.mcp_allowed_origins.iter().cloned());
        let edge = EdgeSettings {
            rate_limit_per_minute: settings.rate_limit_per_minute,
            max_upload_bytes: settings.max_upload_bytes,
            max_file_bytes: settings.max_file_bytes,
            mcp_allowed_hosts,
            mcp_allowed_origins,
            ..EdgeSettings::default()
        };
        let pages = ace_console::router(app.clone());
        let router = ace_api::router::router_with(ApiState::new(app.clone(), edge), pages);
        Ok(Application {
            listener,
            router,
            app,
            public_url,
            revocations,
            templates_dir: settings.templates_dir.clone(),
            jobs: settings.jobs.clone(),
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The use-case context, for tests and tools in the same process.
    pub fn app(&self) -> &App {
        &self.app
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight and closes the
    /// database.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        info!(address = %self.local_addr(), public_url = %self.public_url, "ace is listening");
        let housekeeping = crate::housekeeping::spawn(self.app.clone(), self.templates_dir.clone());
        let changes = tokio::spawn(ace_app::generations::events::follow(self.app.clone()));
        let (stop_jobs, jobs_stopped) = oneshot::channel::<()>();
        let jobs = self.jobs.serve_jobs.then(|| {
            tokio::spawn(worker(&self.app, &self.jobs).run(async {
                let _ = jobs_stopped.await;
            }))
        });
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await?;
        let _ = stop_jobs.send(());
        if let Some(jobs) = jobs {
            let _ = jobs.await;
        }
        changes.abort();
        let _ = changes.await;
        // The revocation listener holds a pooled connection; let it go before closing.
        if let Some(revocations) = self.revocations {
            revocations.abort();
            let _ = revocations.await;
        }
        housekeeping.abort();
        let _ = housekeeping.await;
        self.app.db().close().await;
        info!("ace stopped");
        Ok(())
    }
}

/// Runs jobs without serving HTTP (`ace worker`) until `shutdown` completes.
pub async fn run_worker(
    settings: &Settings,
    shutdown: impl Future<Output = ()> + Send,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(&settings.data_dir).with_context(|| {
        format!(
            "creating the data directory {}",
            settings.data_dir.display()
        )
    })?;
    let db = connect(settings, Caller::Server).await?;
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| default_public_url(settings.bind));
    let app = assemble(settings, db, &public_url, |_| {}).await?;
    info!("ace worker is running");
    worker(&app, &settings.jobs).run(shutdown).await;
    app.db().close().await;
    info!("ace worker stopped");
    Ok(())
}

/// A job worker for every kind of job the app queues.
pub fn worker(app: &App, jobs: &JobSettings) -> Worker {
    let config = WorkerConfig {
        concurrency: jobs.concurrency,
        lane_limits: jobs.lane_limits.clone(),
        lane_caps: jobs.lane_caps.clone(),
        lease: jobs.lease,
        ..WorkerConfig::default()
    };
    app.job_handlers()
        .into_iter()
        .fold(Worker::new(app.queue().clone(), config), Worker::handle)
}

/// The price table: the built-in one with the configured file's overrides.
fn pricing(settings: &Settings) -> anyhow::Result<PriceTable> {
    let Some(path) = &settings.pricing_file else {
        return Ok(PriceTable::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the pricing file {}", path.display()))?;
    PriceTable::with_overrides_toml(&text)
        .map_err(|err| anyhow::anyhow!("the pricing file {}: {err}", path.display()))
}

/// How long a one-shot command waits for a busy server's write lock.
const COMMAND_BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The use-case context for one-shot commands (`admin`, `mcp` on stdio): the server's
/// database, storage and secrets, without its HTTP side.
pub async fn command_context(settings: &Settings) -> anyhow::Result<App> {
    let db = connect(settings, Caller::Command).await?;
    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://localhost:{}", settings.bind.port()));
    assemble(settings, db, &public_url, |_| {}).await
}

/// Who connects, which sets how long a write waits for another process's lock on SQLite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The server answers requests, so a write fails after the default wait.
    Server,
    /// A command run beside a busy server (`migrate`, `admin …`, and `ace mcp` serving on
    /// stdio) waits it out.
    Command,
}

/// Connects to the configured database and brings its schema up to date.
pub async fn connect(settings: &Settings, caller: Caller) -> anyhow::Result<Database> {
    let defaults = ConnectOptions::default();
    let options = ConnectOptions {
        max_connections: settings.db_max_connections,
        busy_timeout: match caller {
            Caller::Server => defaults.busy_timeout,
            Caller::Command => COMMAND_BUSY_TIMEOUT,
        },
        ..defaults
    };
    let db = Database::connect(&settings.database_url, &options)
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("migrating the database")?;
    Ok(db)
}

/// Opens the configured blob store; public links go to `storage_public_url`, or to ace's
/// own `/files/` route under `public_url`.
pub fn open_storage(settings: &Settings, public_url: &str) -> anyhow::Result<BlobStore> {
    let files_base = settings
        .storage_public_url
        .clone()
        .unwrap_or_else(|| format!("{public_url}/files"));
    BlobStore::open(&settings.storage, &files_base).context("opening the blob store")
}

/// Builds every part of the use-case context from the settings, lets `customize` adjust them,
/// and assembles it. Fails closed: a part that cannot be built stops start-up with a message
/// saying which, never a weaker stand-in.
pub async fn assemble(
    settings: &Settings,
    db: Database,
    public_url: &str,
    customize: impl FnOnce(&mut Parts),
) -> anyhow::Result<App> {
    let app_settings = app_settings(settings, public_url);
    let outbound = outbound::client(
        app_settings.outbound_reach,
        app_settings.webhook_timeout,
        concat!("ace-webhooks/", env!("CARGO_PKG_VERSION")),
    )
    .context("building the outbound HTTP client for webhooks and callbacks")?;
    let jwt_secret = bootstrap::jwt_secret(&db, settings.jwt_secret.as_deref()).await?;
    let url_signing_key =
        bootstrap::url_signing_key(&jwt_secret, settings.url_signing_key.as_deref())?;
    let media = ace_media::Tools::default();
    let mut providers = Registry::default();
    let models = LocalModels::new(settings.models_dir.clone());
    let speech = ace_providers::local::install(&mut providers, &models, &media);
    ace_providers::remote::install(&mut providers, &settings.providers, &media)
        .context("the provider settings")?;
    let elevenlabs = ElevenLabsAccess::from_config(&settings.providers)
        .map_err(anyhow::Error::msg)
        .context("the provider settings")?;
    let mut parts = Parts {
        storage: open_storage(settings, public_url)?,
        db,
        settings: app_settings,
        media,
        providers,
        speech,
        elevenlabs,
        pricing: pricing(settings)?,
        sources: sources(&settings.providers).context("the provider settings")?,
        outbound,
        jwt_secret,
        url_signing_key,
        publishing: settings
            .publishing
            .build()
            .context("the publishing settings")?,
    };
    customize(&mut parts);
    Ok(App::assemble(parts))
}

/// The configured sources of social content and research: the providers whose API finds
/// content rather than making it.
fn sources(config: &ProvidersConfig) -> anyhow::Result<ace_sources::Sources> {
    let mut sources = ace_sources::Sources::default();
    for provider in &config.providers {
        let ApiSettings::Source { kind, settings } = &provider.api else {
            continue;
        };
        let service = ace_providers::remote::http::configured(&provider.name, &provider.connection)
            .and_then(|service| {
                ace_sources::hosted::install(
                    &mut sources,
                    kind.as_str(),
                    service,
                    provider.connection.api_key.clone(),
                    settings.clone(),
                )
            });
        if let Err(why) = service {
            anyhow::bail!("[providers.{}] {why}", provider.name);
        }
        info!(source = %provider.name, api = kind.as_str(), "a source of content is configured");
    }
    Ok(sources)
}

/// The use-case settings from the server's.
pub fn app_settings(settings: &Settings, public_url: &str) -> ace_app::Settings {
    ace_app::Settings {
        starter_credits: settings.starter_credits,
        max_file_bytes: settings.max_file_bytes,
        public_url: public_url.to_owned(),
        outbound_reach: if settings.jobs.allow_private_webhooks {
            Reach::AnyAddress
        } else {
            Reach::PublicOnly
        },
        webhook_retry_base: settings.jobs.webhook_retry_base,
        generation_retry_base: settings.jobs.generation_retry_base,
        render_timeout: settings.jobs.render_timeout,
        monitoring_interval: settings.jobs.monitoring_interval,
        gated_tools: settings.agent_gated_tools.clone(),
        work_dir: settings.data_dir.join("work"),
        ..ace_app::Settings::default()
    }
}

fn default_public_url(address: SocketAddr) -> String {
    if address.ip().is_unspecified() || address.ip().is_loopback() {
        format!("http://localhost:{}", address.port())
    } else {
        format!("http://{address}")
    }
}

/// Completes on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when
/// the future is first polled, so a signal that arrives while the server is starting up still
/// shuts it down gracefully.
pub fn shutdown_signal() -> impl Future<Output = ()> {
    #[cfg(unix)]
    let signals = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::interrupt()).ok(),
            signal(SignalKind::terminate()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let (interrupt, terminate) = signals;
            tokio::select! {
                () = received(interrupt) => {}
                () = received(terminate) => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        info!("shutting down");
    }
}

/// Completes when `signal` arrives; never, if its handler could not be installed.
#[cfg(unix)]
async fn received(signal: Option<tokio::signal::unix::Signal>) {
    match signal {
        Some(mut signal) => {
            signal.recv().await;
        }
        None => std::future::pending::<()>().await,
    }
}
