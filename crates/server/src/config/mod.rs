//! Settings and where they come from. Each setting is read from, in rising priority: its
//! default, the config file (`--config`, TOML, same names), the `ACE_*` environment variable,
//! and the command-line flag.

mod publishing;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ace_app::renders::LANE as RENDER_LANE;
use ace_domain::credits::Credits;
use ace_providers::remote::config::ProvidersConfig;
use ace_storage::{S3Config, StorageConfig};
use anyhow::{Context, bail};
use clap::Args;
use serde::Deserialize;

pub use publishing::{PublishingArgs, PublishingSettings};

/// Flags and environment variables shared by every subcommand.
#[derive(Clone, Debug, Default, Args)]
pub struct ConfigArgs {
    /// A TOML file with any of the settings below (same names, snake_case).
    #[arg(long, env = "ACE_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "ACE_BIND", global = true)]
    pub bind: Option<SocketAddr>,
    /// Holds the SQLite file, local objects and the admin key. Default: ./data
    #[arg(long, env = "ACE_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// `sqlite://path` or `postgres://user@host/db`. Default: SQLite in the data dir.
    #[arg(long, env = "ACE_DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// The base of the absolute URLs ace hands out. Default: http://localhost:<port>
    #[arg(long, env = "ACE_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Credits granted to each new user's personal workspace.
    #[arg(long, env = "ACE_STARTER_CREDITS", global = true)]
    pub starter_credits: Option<String>,
    /// Email of the owner account created on first start.
    #[arg(long, env = "ACE_OWNER_EMAIL", global = true)]
    pub owner_email: Option<String>,
    /// Name of the owner account created on first start.
    #[arg(long, env = "ACE_OWNER_NAME", global = true)]
    pub owner_name: Option<String>,
    /// Secret for HS256 JWTs. Default: a random secret kept in the database.
    #[arg(long, env = "ACE_JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Key for the signed ids and URLs ace hands out (direct uploads, blob links). Default:
    /// derived from the JWT secret with a label of its own.
    #[arg(
        long,
        env = "ACE_URL_SIGNING_KEY",
        global = true,
        hide_env_values = true
    )]
    pub url_signing_key: Option<String>,
    /// Requests per minute per API key; 0 turns rate limiting off.
    #[arg(long, env = "ACE_RATE_LIMIT_PER_MINUTE", global = true)]
    pub rate_limit_per_minute: Option<u32>,
    /// More `Host` names `/mcp` answers, comma-separated (it always answers localhost and the
    /// public URL's host).
    #[arg(
        long,
        env = "ACE_MCP_ALLOWED_HOSTS",
        global = true,
        value_delimiter = ','
    )]
    pub mcp_allowed_hosts: Vec<String>,
    /// More browser origins `/mcp` answers, comma-separated, as `https://app.example.com:443`
    /// (`:*` for any port). It always answers the public URL's origin, and clients that send no
    /// `Origin` (desktop and CLI clients); any other origin is refused.
    #[arg(
        long,
        env = "ACE_MCP_ALLOWED_ORIGINS",
        global = true,
        value_delimiter = ','
    )]
    pub mcp_allowed_origins: Vec<String>,
    /// Largest avatar or logo upload accepted, in MiB.
    #[arg(long, env = "ACE_MAX_UPLOAD_MB", global = true)]
    pub max_upload_mb: Option<usize>,
    /// Largest file accepted as a content resource or direct upload, in MiB.
    #[arg(long, env = "ACE_MAX_FILE_MB", global = true)]
    pub max_file_mb: Option<u64>,
    /// A directory of template files (`*.json`) to serve instead of the built-in library;
    /// changes are picked up within a minute.
    #[arg(long, env = "ACE_TEMPLATES_DIR", global = true)]
    pub templates_dir: Option<PathBuf>,
    /// Database pool size.
    #[arg(long, env = "ACE_DB_MAX_CONNECTIONS", global = true)]
    pub db_max_connections: Option<u32>,
    /// Log format: text or json.
    #[arg(long, env = "ACE_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Where blobs live: local (files under the data dir) or s3.
    #[arg(long, env = "ACE_STORAGE", global = true)]
    pub storage: Option<String>,
    /// The base URL blob keys are appended to in public links. Default: <public url>/files
    /// (ace serves them); set a CDN or bucket URL to link there instead.
    #[arg(long, env = "ACE_STORAGE_PUBLIC_URL", global = true)]
    pub storage_public_url: Option<String>,
    /// S3 bucket.
    #[arg(long, env = "ACE_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// S3 endpoint for S3-compatible services, such as http://127.0.0.1:9000.
    #[arg(long, env = "ACE_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    /// S3 region. Default: us-east-1
    #[arg(long, env = "ACE_S3_REGION", global = true)]
    pub s3_region: Option<String>,
    #[arg(
        long,
        env = "ACE_S3_ACCESS_KEY_ID",
        global = true,
        hide_env_values = true
    )]
    pub s3_access_key_id: Option<String>,
    #[arg(
        long,
        env = "ACE_S3_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,
    /// Address the bucket in the URL path (most S3-compatible servers want this).
    #[arg(long, env = "ACE_S3_PATH_STYLE", global = true)]
    pub s3_path_style: Option<bool>,
    /// Whether `ace serve` also runs jobs (generations, deliveries). Default: true. Turn it off
    /// to keep API processes apart from `ace worker` processes.
    #[arg(long, env = "ACE_SERVE_JOBS", global = true)]
    pub serve_jobs: Option<bool>,
    /// Jobs one process runs at once. Default: 32.
    #[arg(long, env = "ACE_WORKER_CONCURRENCY", global = true)]
    pub worker_concurrency: Option<usize>,
    /// Per-provider caps on jobs run at once per process, such as `openai=8,local=2`.
    #[arg(long, env = "ACE_LANE_LIMITS", global = true)]
    pub lane_limits: Option<String>,
    /// Caps on jobs of a lane run at once across every process sharing the database, such
    /// as `openai=8` (a provider account's concurrency limit).
    #[arg(long, env = "ACE_LANE_CAPS", global = true)]
    pub lane_caps: Option<String>,
    /// Seconds a claimed job stays claimed without a heartbeat; a dead worker's jobs run
    /// again after it. Default: 30.
    #[arg(long, env = "ACE_JOB_LEASE_SECS", global = true)]
    pub job_lease_secs: Option<u64>,
    /// Let webhooks and callbacks go to private, loopback and link-local addresses (for
    /// self-hosted receivers and tests). Default: false.
    #[arg(long, env = "ACE_ALLOW_PRIVATE_WEBHOOKS", global = true)]
    pub allow_private_webhooks: Option<bool>,
    /// The unit of the webhook retry schedule, in milliseconds. Default: 5000.
    #[arg(long, env = "ACE_WEBHOOK_RETRY_BASE_MS", global = true)]
    pub webhook_retry_base_ms: Option<u64>,
    /// The first wait before a generation is retried, in milliseconds. Default: 2000.
    #[arg(long, env = "ACE_GENERATION_RETRY_BASE_MS", global = true)]
    pub generation_retry_base_ms: Option<u64>,
    /// A TOML file of price overrides (see docs/PRICING.md).
    #[arg(long, env = "ACE_PRICING_FILE", global = true)]
    pub pricing_file: Option<PathBuf>,
    /// Seconds a render may take before it is stopped (and refunded). Default: 1800.
    #[arg(long, env = "ACE_RENDER_TIMEOUT_SECS", global = true)]
    pub render_timeout_secs: Option<u64>,
    /// Seconds a content monitoring job waits between its fetches. Default: 86400 (daily).
    #[arg(long, env = "ACE_MONITORING_INTERVAL_SECS", global = true)]
    pub monitoring_interval_secs: Option<u64>,
    /// The agent tools that wait for the user's approval, comma-separated (an empty value
    /// gates none). Default: make_vidsheet,run_row,generate,deep_research.
    #[arg(long, env = "ACE_AGENT_GATED_TOOLS", global = true)]
    pub agent_gated_tools: Option<String>,
    /// Where the embedded models are (scripts/models puts them there). Default:
    /// ~/.cache/ace/models
    #[arg(long, env = "ACE_MODELS_DIR", global = true)]
    pub models_dir: Option<PathBuf>,
    /// GEN models routed to configured providers, over the config file's `[models]`:
    /// `gpt_4o=openai:gpt-4o,speech_from_text=elevenlabs:eleven_multilingual_v2`. Providers
    /// come from `[providers.<name>]` and `ACE_PROVIDER_<NAME>_{API_KEY,BASE_URL,API}`.
    #[arg(long, env = "ACE_MODELS", global = true)]
    pub models: Option<String>,
    #[command(flatten)]
    pub publishing: PublishingArgs,
}

/// The same settings as read from a config file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    public_url: Option<String>,
    starter_credits: Option<toml::Value>,
    owner_email: Option<String>,
    owner_name: Option<String>,
    jwt_secret: Option<String>,
    url_signing_key: Option<String>,
    rate_limit_per_minute: Option<u32>,
    mcp_allowed_hosts: Option<Vec<String>>,
    mcp_allowed_origins: Option<Vec<String>>,
    max_upload_mb: Option<usize>,
    max_file_mb: Option<u64>,
    templates_dir: Option<PathBuf>,
    db_max_connections: Option<u32>,
    log_format: Option<String>,
    storage: Option<String>,
    storage_public_url: Option<String>,
    s3_bucket: Option<String>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key: Option<String>,
    s3_path_style: Option<bool>,
    serve_jobs: Option<bool>,
    worker_concurrency: Option<usize>,
    lane_limits: Option<String>,
    lane_caps: Option<String>,
    job_lease_secs: Option<u64>,
    allow_private_webhooks: Option<bool>,
    webhook_retry_base_ms: Option<u64>,
    generation_retry_base_ms: Option<u64>,
    pricing_file: Option<PathBuf>,
    render_timeout_secs: Option<u64>,
    monitoring_interval_secs: Option<u64>,
    /// The gated agent tools.
    agent_gated_tools: Option<Vec<String>>,
    models_dir: Option<PathBuf>,
    /// `[providers.<name>]` sections.
    providers: Option<toml::Table>,
    /// `[models]`: GEN model (or type) = "provider:model".
    models: Option<toml::Table>,
    /// `[publishing]`: the token key and the TikTok app.
    publishing: Option<publishing::PublishingFile>,
}

/// How logs are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Resolved settings.
#[derive(Clone, Debug)]
pub struct Settings {
    pub bind: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
    /// `None`: derived from the address actually bound.
    pub public_url: Option<String>,
    pub starter_credits: Credits,
    pub owner_email: String,
    pub owner_name: String,
    pub jwt_secret: Option<String>,
    pub url_signing_key: Option<String>,
    /// `None` turns rate limiting off.
    pub rate_limit_per_minute: Option<u32>,
    /// The `Host` names `/mcp` answers beyond localhost and the public URL's host.
    pub mcp_allowed_hosts: Vec<String>,
    /// The browser origins `/mcp` answers beyond the public URL's.
    pub mcp_allowed_origins: Vec<String>,
    pub max_upload_bytes: usize,
    pub max_file_bytes: u64,
    /// `None`: the built-in template library.
    pub templates_dir: Option<PathBuf>,
    pub db_max_connections: u32,
    pub log_format: LogFormat,
    pub storage: StorageConfig,
    /// `None`: `<public url>/files`.
    pub storage_public_url: Option<String>,
    pub jobs: JobSettings,
    /// Price overrides (TOML), applied over the built-in table.
    pub pricing_file: Option<PathBuf>,
    /// Where the embedded models are.
    pub models_dir: PathBuf,
    /// The configured providers and the models routed to them (keys redacted in `Debug`).
    pub providers: ProvidersConfig,
    /// The agent tools that wait for the user's approval.
    pub agent_gated_tools: Vec<String>,
    /// The token key and the TikTok app.
    pub publishing: PublishingSettings,
}

/// How jobs run.
#[derive(Clone, Debug)]
pub struct JobSettings {
    /// Whether `ace serve` runs a worker too.
    pub serve_jobs: bool,
    pub concurrency: usize,
    /// Per process.
    pub lane_limits: HashMap<String, usize>,
    /// Across processes.
    pub lane_caps: HashMap<String, usize>,
    pub lease: Duration,
    pub allow_private_webhooks: bool,
    pub webhook_retry_base: Duration,
    pub generation_retry_base: Duration,
    pub render_timeout: Duration,
    pub monitoring_interval: Duration,
}

impl Settings {
    /// Resolves the settings from flags and environment (already merged by clap) and the
    /// config file they name.
    pub fn resolve(args: &ConfigArgs) -> anyhow::Result<Settings> {
        Self::resolve_with_env(args, std::env::vars())
    }

    /// [`Settings::resolve`] with `env` as the environment the provider variables
    /// (`ACE_PROVIDER_<NAME>_...`) are read from.
    pub fn resolve_with_env(
        args: &ConfigArgs,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> anyhow::Result<Settings> {
        let mut file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let providers = ProvidersConfig::resolve(
            &file.providers.take().unwrap_or_default(),
            &file.models.take().unwrap_or_default(),
            args.models.as_deref(),
            env,
        )
        .context("the provider settings")?;
        // Paths are made absolute here, once: child processes (ffmpeg, espeak-ng) and
        // threads may run elsewhere than the directory ace was started in.
        let data_dir = absolute(
            args.data_dir
                .clone()
                .or_else(|| file.data_dir.clone())
                .unwrap_or_else(|| PathBuf::from("data")),
        )?;
        let storage = storage_config(args, &file, &data_dir)?;
        let database_url = args
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| sqlite_url(&default_database(&data_dir)));
        let starter_credits = match (&args.starter_credits, &file.starter_credits) {
            (Some(text), _) => parse_credits(text)?,
            (None, Some(value)) => parse_credits(&value.to_string())?,
            (None, None) => Credits::whole(1_000),
        };
        let log_format = match args
            .log_format
            .clone()
            .or(file.log_format)
            .as_deref()
            .map(str::trim)
        {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => bail!("log format {other:?} is not text or json"),
        };
        let mut lane_limits = parse_lane_limits(
            args.lane_limits
                .as_deref()
                .or(file.lane_limits.as_deref())
                .unwrap_or(""),
        )?;
        // A render keeps ffmpeg busy on every core: one at a time per process unless told.
        lane_limits.entry(RENDER_LANE.to_owned()).or_insert(1);
        let lane_caps = parse_lane_limits(
            args.lane_caps
                .as_deref()
                .or(file.lane_caps.as_deref())
                .unwrap_or(""),
        )?;
        let jobs = JobSettings {
            serve_jobs: args.serve_jobs.or(file.serve_jobs).unwrap_or(true),
            concurrency: args
                .worker_concurrency
                .or(file.worker_concurrency)
                .unwrap_or(32)
                .max(1),
            lane_limits,
            lane_caps,
            lease: Duration::from_secs(
                args.job_lease_secs
                    .or(file.job_lease_secs)
                    .unwrap_or(30)
                    .max(1),
            ),
            allow_private_webhooks: args
                .allow_private_webhooks
                .or(file.allow_private_webhooks)
                .unwrap_or(false),
            webhook_retry_base: Duration::from_millis(
                args.webhook_retry_base_ms
                    .or(file.webhook_retry_base_ms)
                    .unwrap_or(5_000),
            ),
            generation_retry_base: Duration::from_millis(
                args.generation_retry_base_ms
                    .or(file.generation_retry_base_ms)
                    .unwrap_or(2_000),
            ),
            render_timeout: Duration::from_secs(
                args.render_timeout_secs
                    .or(file.render_timeout_secs)
                    .unwrap_or(1_800)
                    .max(1),
            ),
            monitoring_interval: Duration::from_secs(
                args.monitoring_interval_secs
                    .or(file.monitoring_interval_secs)
                    .unwrap_or(24 * 60 * 60)
                    .max(1),
            ),
        };
        let agent_gated_tools =
            gated_tools(args.agent_gated_tools.as_deref(), file.agent_gated_tools)?;
        let publishing = PublishingSettings::resolve(
            &args.publishing,
            file.publishing.take().unwrap_or_default(),
        )
        .context("the publishing settings")?;
        let rate = args
            .rate_limit_per_minute
            .or(file.rate_limit_per_minute)
            .unwrap_or(1_200);
        Ok(Settings {
            bind: args
                .bind
                .or(file.bind)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            database_url,
            public_url: args
                .public_url
                .clone()
                .or(file.public_url)
                .map(|u| u.trim_end_matches('/').to_owned()),
            starter_credits,
            owner_email: args
                .owner_email
                .clone()
                .or(file.owner_email)
                .unwrap_or_else(|| "owner@ace.local".into()),
            owner_name: args
                .owner_name
                .clone()
                .or(file.owner_name)
                .unwrap_or_else(|| "Owner".into()),
            jwt_secret: args.jwt_secret.clone().or(file.jwt_secret),
            url_signing_key: args.url_signing_key.clone().or(file.url_signing_key),
            rate_limit_per_minute: (rate > 0).then_some(rate),
            mcp_allowed_hosts: if args.mcp_allowed_hosts.is_empty() {
                file.mcp_allowed_hosts.unwrap_or_default()
            } else {
                args.mcp_allowed_hosts.clone()
            },
            mcp_allowed_origins: if args.mcp_allowed_origins.is_empty() {
                file.mcp_allowed_origins.unwrap_or_default()
            } else {
                args.mcp_allowed_origins.clone()
            },
            max_upload_bytes: args.max_upload_mb.or(file.max_upload_mb).unwrap_or(64) * 1024 * 1024,
            max_file_bytes: args.max_file_mb.or(file.max_file_mb).unwrap_or(1024) * 1024 * 1024,
            templates_dir: args
                .templates_dir
                .clone()
                .or(file.templates_dir)
                .map(absolute)
                .transpose()?,
            db_max_connections: args
                .db_max_connections
                .or(file.db_max_connections)
                .unwrap_or(16),
            log_format,
            storage,
            storage_public_url: args
                .storage_public_url
                .clone()
                .or(file.storage_public_url)
                .map(|u| u.trim_end_matches('/').to_owned()),
            jobs,
            pricing_file: args
                .pricing_file
                .clone()
                .or(file.pricing_file)
                .map(absolute)
                .transpose()?,
            models_dir: absolute(
                args.models_dir
                    .clone()
                    .or(file.models_dir)
                    .unwrap_or_else(ace_providers::local::LocalModels::default_dir),
            )?,
            providers,
            agent_gated_tools,
            publishing,
            data_dir,
        })
    }

    /// Settings for an embedded run in `data_dir`, as tests use.
    pub fn embedded(data_dir: &Path) -> Settings {
        let args = ConfigArgs {
            data_dir: Some(data_dir.to_owned()),
            bind: Some(SocketAddr::from(([127, 0, 0, 1], 0))),
            ..ConfigArgs::default()
        };
        // No provider from the environment: an embedded run is the same wherever it runs.
        Settings::resolve_with_env(&args, std::iter::empty()).expect("embedded settings are valid")
    }
}

/// The gated agent tools: the flag's comma-separated names, else the file's list, else the
/// defaults. A name that is no tool stops the start, naming the tools there are.
fn gated_tools(flag: Option<&str>, file: Option<Vec<String>>) -> anyhow::Result<Vec<String>> {
    use ace_domain::agent_run::tool::{DEEP_RESEARCH, GATED_BY_DEFAULT, Tool};
    let names: Vec<String> = match (flag, file) {
        (Some(text), _) => text
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_owned)
            .collect(),
        (None, Some(list)) => list,
        (None, None) => GATED_BY_DEFAULT.map(str::to_owned).to_vec(),
    };
    for name in &names {
        if name != DEEP_RESEARCH && name.parse::<Tool>().is_err() {
            let known: Vec<&str> = Tool::ALL.iter().map(|tool| tool.as_str()).collect();
            bail!(
                "agent gated tool {name:?} is not a tool; the tools are {} and {DEEP_RESEARCH}",
                known.join(", ")
            );
        }
    }
    Ok(names)
}

/// `path` against the directory ace was started in, unless it is absolute already.
fn absolute(path: PathBuf) -> anyhow::Result<PathBuf> {
    std::path::absolute(&path).with_context(|| format!("making {} absolute", path.display()))
}

fn read_file(path: &Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading config file {}", path.display()))?;
    toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
}

fn parse_credits(text: &str) -> anyhow::Result<Credits> {
    text.trim()
        .parse::<Credits>()
        .with_context(|| format!("starter credits {text:?}"))
}

/// The blob backend: files under `<data dir>/objects` unless S3 is asked for.
fn storage_config(
    args: &ConfigArgs,
    file: &FileSettings,
    data_dir: &Path,
) -> anyhow::Result<StorageConfig> {
    let pick = |arg: &Option<String>, file: &Option<String>| arg.clone().or_else(|| file.clone());
    match pick(&args.storage, &file.storage).as_deref().map(str::trim) {
        None | Some("local") => Ok(StorageConfig::Local {
            root: data_dir.join("objects"),
        }),
        Some("s3") => {
            let Some(bucket) = pick(&args.s3_bucket, &file.s3_bucket) else {
                bail!("S3 storage needs a bucket: set ACE_S3_BUCKET or --s3-bucket");
            };
            // The usual AWS variables serve as a fallback for the credentials.
            let credential = |arg: &Option<String>, file: &Option<String>, aws: &str| {
                pick(arg, file)
                    .or_else(|| std::env::var(aws).ok())
                    .unwrap_or_default()
            };
            Ok(StorageConfig::S3(S3Config {
                bucket,
                endpoint: pick(&args.s3_endpoint, &file.s3_endpoint),
                region: pick(&args.s3_region, &file.s3_region)
                    .unwrap_or_else(|| "us-east-1".into()),
                access_key_id: credential(
                    &args.s3_access_key_id,
                    &file.s3_access_key_id,
                    "AWS_ACCESS_KEY_ID",
                ),
                secret_access_key: credential(
                    &args.s3_secret_access_key,
                    &file.s3_secret_access_key,
                    "AWS_SECRET_ACCESS_KEY",
                ),
                path_style: args.s3_path_style.or(file.s3_path_style).unwrap_or(false),
            }))
        }
        Some(other) => bail!("storage {other:?} is not local or s3"),
    }
}

/// Reads `name=N,name=N`.
fn parse_lane_limits(text: &str) -> anyhow::Result<HashMap<String, usize>> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let (name, limit) = part
                .split_once('=')
                .with_context(|| format!("lane limit {part:?} is not name=N"))?;
            let limit: usize = limit
                .trim()
                .parse()
                .with_context(|| format!("lane limit {part:?} is not name=N"))?;
            Ok((name.trim().to_owned(), limit.max(1)))
        })
        .collect()
}

/// The SQLite database in `data_dir`: `ace.db`, or the `ace.db()` that builds before the
/// name was corrected wrote, when only that one exists, so an upgrade keeps its data.
fn default_database(data_dir: &Path) -> PathBuf {
    let database = data_dir.join("ace.db");
    let misnamed = data_dir.join("ace.db()");
    if !database.exists() && misnamed.exists() {
        misnamed
    } else {
        database
    }
}

/// The SQLite URL of a file path.
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

#[cfg(test)]
mod tests;
