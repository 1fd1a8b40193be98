//! The `ace` binary: `migrate`, the admin commands, and what `serve` prints on first and later
//! starts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::harness::TestApp;

fn ace(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ace"));
    command
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("ACE_DATABASE_URL")
        .env("RUST_LOG", "warn");
    if let Some(url) = database_url {
        command.arg("--database-url").arg(url);
    }
    command
}

fn run(command: &mut Command) -> (bool, String, String) {
    let output = command.output().expect("running ace");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn migrate_prepares_an_empty_database_and_exits() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, stdout, stderr) = run(ace(dir.path(), None).arg("migrate"));
    assert!(ok, "{stderr}");
    assert!(stdout.contains("up to date"));
    assert!(dir.path().join("ace.db").exists());
}

#[tokio::test]
async fn admin_commands_create_users_add_members_move_credits_issue_jwts_and_set_passwords() {
    let app = TestApp::spawn().await;
    // The server answers on this runtime, so the binary runs off it: a write the server had
    // begun when the test blocked would hold SQLite's lock until the binary gave up.
    let admin = |args: &[&str]| {
        let mut command = ace(app.data_dir(), Some(app.database_url()));
        command.arg("admin").args(args);
        tokio::task::spawn_blocking(move || run(&mut command))
    };

    let (ok, stdout, stderr) =
        admin(&["create-user", "--email", "ops@example.com", "--name", "Ops"])
            .await
            .unwrap();
    assert!(ok, "{stderr}");
    let key = stdout
        .split_whitespace()
        .find(|w| w.starts_with("ace_pat_"))
        .expect("the key is printed")
        .to_owned();
    let ops = app.anonymous().with_key(&key);
    assert_eq!(
        ops.get("/v1/me").await.expect(200).body["email"],
        "ops@example.com"
    );

    let workspace = app.owner.workspace_id.to_string();
    let (ok, _, stderr) = admin(&[
        "add-member",
        "--organization",
        &workspace,
        "--user",
        "ops@example.com",
        "--role",
        "viewer",
    ])
    .await
    .unwrap();
    assert!(ok, "{stderr}");
    let orgs = ops.get("/v1/organizations").await.expect(200);
    assert!(
        orgs.body
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == app.owner.workspace_id.get() && o["user_role"] == "viewer")
    );

    let (ok, _, stderr) = admin(&[
        "grant-credits",
        "--organization",
        &workspace,
        "--amount",
        "12.5",
    ])
    .await
    .unwrap();
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = admin(&[
        "deduct-credits",
        "--organization",
        &workspace,
        "--amount",
        "2.5",
        "--note",
        "correction",
    ])
    .await
    .unwrap();
    assert!(ok, "{stderr}");
    let org = app
        .owner
        .client
        .get(&format!("/v1/organizations/{workspace}"))
        .await
        .expect(200);
    assert_eq!(org.body["available_credit"]["generic"], 1010.0);
    let (ok, _, stderr) = admin(&[
        "deduct-credits",
        "--organization",
        &workspace,
        "--amount",
        "99999",
    ])
    .await
    .unwrap();
    assert!(!ok && stderr.contains("Cannot deduct"), "{stderr}");

    let (ok, stdout, stderr) = admin(&["issue-jwt", "--user", "owner@ace.local", "--ttl", "10m"])
        .await
        .unwrap();
    assert!(ok, "{stderr}");
    let me = app
        .anonymous()
        .with_bearer(stdout.trim())
        .get("/v1/me")
        .await
        .expect(200);
    assert_eq!(me.body["id"], app.owner.user_id.get());

    let (ok, _, stderr) = admin(&["set-plan", "--organization", &workspace, "--name", "Pro"])
        .await
        .unwrap();
    assert!(ok, "{stderr}");
    let org = app
        .owner
        .client
        .get(&format!("/v1/organizations/{workspace}"))
        .await
        .expect(200);
    assert_eq!(org.body["credit_plan"]["name"], "Pro");

    let set_password = |password: &str| {
        let mut command = ace(app.data_dir(), Some(app.database_url()));
        command
            .args(["admin", "set-password", "--user", "ops@example.com"])
            .env("ACE_USER_PASSWORD", password);
        tokio::task::spawn_blocking(move || run(&mut command))
    };
    let (ok, _, stderr) = set_password("short").await.unwrap();
    assert!(!ok && stderr.contains("12"), "{stderr}");
    let (ok, stdout, stderr) = set_password("tacos at two in the morning").await.unwrap();
    assert!(ok, "{stderr}");
    assert!(
        !stdout.contains("tacos"),
        "the password is never printed: {stdout}"
    );
    let signed = ace_app::auth::passwords::authenticate(
        &app.app,
        "ops@example.com",
        "tacos at two in the morning",
    )
    .await
    .unwrap();
    assert_eq!(
        signed.user_id.get(),
        ops.get("/v1/me").await.expect(200).body["id"]
    );
}

/// Starts `ace serve` on port 0, waits until it listens, stops it with SIGTERM and returns
/// what it printed on stdout.
fn serve_once(data_dir: &Path) -> String {
    let mut child = ace(data_dir, None)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting ace serve");
    listening_address(&mut child);
    let stopped = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "a graceful shutdown exits cleanly");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_first_start_prints_a_key_once_and_later_starts_print_nothing_secret() {
    let dir = tempfile::tempdir().unwrap();
    let first = serve_once(dir.path());
    let key = std::fs::read_to_string(dir.path().join("admin-api-key")).unwrap();
    assert!(first.contains(key.trim()), "the first start prints the key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("admin-api-key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let second = serve_once(dir.path());
    assert!(
        !second.contains("ace_pat_"),
        "a later start prints nothing secret: {second}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("admin-api-key")).unwrap(),
        key
    );
}

/// A running `ace serve` child, stopped when dropped.
struct Served {
    child: std::process::Child,
    client: crate::harness::Client,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `ace serve` in `dir` with `args` and returns a client with its admin key.
fn serve_in(dir: &Path, args: &[&str]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ace"))
        .current_dir(dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .env_remove("ACE_DATABASE_URL")
        .env_remove("ACE_DATA_DIR")
        .env("RUST_LOG", "info")
        .env("ACE_LOG_FORMAT", "text")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting ace serve");
    let address = listening_address(&mut child);
    Served {
        child,
        client: crate::harness::Client::at(&format!("http://{address}")),
    }
}

/// Waits until a starting `ace serve` (its stderr piped, logging at info) listens, and
/// returns the address it says it listens on.
fn listening_address(child: &mut std::process::Child) -> String {
    let stderr = child.stderr.take().expect("stderr is piped");
    let (listening, wait) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let line = without_colours(&line);
            if line.contains("ace is listening")
                && let Some(address) = line
                    .split_whitespace()
                    .find_map(|word| word.strip_prefix("address="))
            {
                let _ = listening.send(address.to_owned());
            }
        }
    });
    wait.recv_timeout(Duration::from_secs(60))
        .expect("ace serve started listening")
}

/// A log line without its ANSI colour codes.
fn without_colours(line: &str) -> String {
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip `[...m`.
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    plain
}

#[tokio::test]
async fn a_server_started_with_a_relative_data_dir_makes_images_videos_and_renders() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve_in(
        dir.path(),
        &["--data-dir", "data", "--starter-credits", "100000"],
    );
    let key = std::fs::read_to_string(dir.path().join("data/admin-api-key")).unwrap();
    let client = served.client.with_key(key.trim());
    let me = client.get("/v1/agents").await.expect(200).body;
    let agent = me[0]["id"].as_i64().unwrap();
    let sheet = client
        .post(
            &format!("/v1/autocontentengine?agent_id={agent}"),
            serde_json::json!({"spreadsheet": {"title": "Relative", "aspect_ratio": "9:16"}}),
        )
        .await
        .expect(201)
        .body;
    let sheet_id = sheet["id"].as_i64().unwrap();
    for (title, kind) in [("STILL", "image"), ("BACKGROUND", "video")] {
        client
            .post(
                &format!("/v1/autocontentengine/{sheet_id}/columns?agent_id={agent}"),
                serde_json::json!({"title": title, "type": kind}),
            )
            .await
            .expect(201);
    }
    client
        .post(
            &format!("/v1/autocontentengine/{sheet_id}/rows?agent_id={agent}"),
            serde_json::json!({}),
        )
        .await
        .expect(201);
    let sheet = client
        .get(&format!(
            "/v1/autocontentengine/{sheet_id}?agent_id={agent}"
        ))
        .await
        .expect(200)
        .body;
    let row = &sheet["spreadsheet_rows"][0];
    let cell = |title: &str| crate::harness::id(&crate::harness::cell_in(&sheet, row, title));

    // Each step hands a relative path to a child process if the paths stay relative.
    let done = async |cell: i64, card: serde_json::Value| {
        let started = client
            .post(
                &format!("/v1/autocontentengine/{sheet_id}/cells/{cell}/generate?agent_id={agent}"),
                card,
            )
            .await
            .expect(201)
            .body;
        let id = started["generation_id"].as_i64().unwrap();
        client
            .get(&format!("/v1/generations/{id}/events"))
            .await
            .expect(200);
        client
            .get(&format!("/v1/generations/{id}"))
            .await
            .expect(200)
            .body
    };
    let image = done(
        cell("STILL"),
        serde_json::json!({"generation_type": "image_from_text", "data": {"prompt": "A taco stand at dawn", "aspect_ratio": "9:16"}}),
    )
    .await;
    assert_eq!(image["status"], "completed", "{image}");
    let video = done(
        cell("BACKGROUND"),
        serde_json::json!({"generation_type": "video_from_text", "data": {"prompt": "Waves on a beach", "duration": 4, "aspect_ratio": "9:16"}}),
    )
    .await;
    assert_eq!(video["status"], "completed", "{video}");
    let clip = video["output_resources"][0]["id"].clone();
    client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet_id}/cells/{}/layers?agent_id={agent}",
                cell("VIDEO")
            ),
            serde_json::json!({"name": "Background", "type": "clip",
                "additional_attributes": {"src": clip, "from": 0, "durationInFrames": 60}}),
        )
        .await
        .expect(201);
    let render = client
        .post(
            &format!(
                "/v1/autocontentengine/{sheet_id}/cells/{}/render?agent_id={agent}",
                cell("FINAL VIDEO")
            ),
            serde_json::json!({}),
        )
        .await
        .expect(201)
        .body;
    let id = render["generation_id"].as_str().unwrap();
    client
        .get(&format!("/v1/generations/{id}/events"))
        .await
        .expect(200);
    let rendered = client
        .get(&format!("/v1/generations/{id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(rendered["status"], "completed", "{rendered}");
    assert!(dir.path().join("data/ace.db").exists());
}

#[tokio::test]
async fn admin_link_tiktok_keeps_tokens_checked_with_tiktok_and_sealed() {
    let tiktok = crate::harness::StandInTikTok::start().await;
    tiktok
        .lock()
        .access_tokens
        .push("act.from-elsewhere".into());
    let app = TestApp::builder()
        .publishing(tiktok.settings())
        .spawn()
        .await;
    let agent = app.owner.agent_id.get().to_string();
    let settings = tiktok.settings();
    let link = |token: &str, with_key: bool| {
        let mut command = ace(app.data_dir(), Some(app.database_url()));
        command
            .args([
                "admin",
                "link-tiktok",
                "--agent",
                &agent,
                "--open-id",
                "open-7f3a",
            ])
            .env("ACE_TIKTOK_ACCESS_TOKEN", token)
            .env("ACE_TIKTOK_REFRESH_TOKEN", "rft.from-elsewhere")
            .env(
                "ACE_TIKTOK_API_URL",
                settings.tiktok_api_url.clone().unwrap(),
            )
            .env(
                "ACE_TIKTOK_CLIENT_KEY",
                settings.tiktok_client_key.clone().unwrap(),
            )
            .env(
                "ACE_TIKTOK_CLIENT_SECRET",
                settings.tiktok_client_secret.clone().unwrap().expose(),
            );
        if with_key {
            command.env(
                "ACE_TOKEN_ENCRYPTION_KEY",
                settings.token_encryption_key.clone().unwrap().expose(),
            );
        }
        // The stand-in answers on this runtime, so the binary runs off it.
        tokio::task::spawn_blocking(move || run(&mut command))
    };
    let (ok, _, stderr) = link("act.from-elsewhere", false).await.unwrap();
    assert!(
        !ok && stderr.contains("ACE_TOKEN_ENCRYPTION_KEY"),
        "{stderr}"
    );
    let (ok, _, stderr) = link("act.not-a-token", true).await.unwrap();
    assert!(
        !ok && stderr.contains("connect the account again"),
        "{stderr}"
    );
    let (ok, stdout, stderr) = link("act.from-elsewhere", true).await.unwrap();
    assert!(ok, "{stderr}");
    assert!(
        stdout.contains("Connected TikTok account @santiago_real"),
        "{stdout}"
    );
    assert!(!stdout.contains("act.from-elsewhere") && !stderr.contains("act.from-elsewhere"));
    let listed = app
        .owner
        .client
        .get(&format!("/v1/agents/{agent}/social_accounts"))
        .await
        .expect(200);
    assert_eq!(listed.body[0]["username"], "santiago_real");
    assert_eq!(listed.body[0]["status"], "connected");
}
