//! First start on an empty database: create the owner, their personal workspace with starter
//! credits, and an API key that is printed once and written to `<data dir>/admin-api-key`
//! (mode 0600). Later starts find the marker and print nothing secret.

use std::io::Write;
use std::path::{Path, PathBuf};

use ace_app::App;
use ace_app::accounts::{self, NewAccount};
use ace_db::{Database, server_state};
use ace_net::signed_tokens::{URL_SIGNING_LABEL, derive_key};
use anyhow::Context;

use crate::config::Settings;

/// The file the first API key is written to.
pub fn admin_key_path(data_dir: &Path) -> PathBuf {
    data_dir.join("admin-api-key")
}

/// Creates the owner account if this installation has none yet.
pub async fn first_start(app: &App, settings: &Settings) -> anyhow::Result<()> {
    let account = NewAccount {
        email: settings.owner_email.clone(),
        name: settings.owner_name.clone(),
        username: None,
    };
    let Some(created) = accounts::bootstrap_owner(app, account)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
    else {
        return Ok(());
    };
    let path = admin_key_path(&settings.data_dir);
    write_secret(&path, &created.api_key).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "\nace is set up. Owner: {} <{}>, workspace {} with {} credits.\n\
         Admin API key (shown once; also saved to {}):\n\n    {}\n",
        created.user.name,
        created.user.email,
        created.workspace.id,
        settings.starter_credits,
        path.display(),
        created.api_key
    );
    Ok(())
}

/// Writes a secret readable by its owner only.
fn write_secret(path: &Path, secret: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let mut file = options.open(path)?;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        writeln!(file, "{secret}")
    }
    #[cfg(not(unix))]
    {
        let mut file = options.open(path)?;
        writeln!(file, "{secret}")
    }
}

/// The shortest JWT secret accepted: HS256 wants at least 256 bits.
const MIN_SECRET_BYTES: usize = 32;

/// A configured secret, if one is set; it must be long enough.
fn configured_secret(what: &str, configured: Option<&str>) -> anyhow::Result<Option<Vec<u8>>> {
    let Some(secret) = configured.filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    anyhow::ensure!(
        secret.len() >= MIN_SECRET_BYTES,
        "the {what} must be at least {MIN_SECRET_BYTES} bytes long"
    );
    Ok(Some(secret.as_bytes().to_vec()))
}

/// The key for the signed ids and URLs ace hands out: the configured one, or else one derived
/// from the JWT secret with a label of its own (so the two never share a key).
pub fn url_signing_key(jwt_secret: &[u8], configured: Option<&str>) -> anyhow::Result<Vec<u8>> {
    Ok(configured_secret("URL signing key", configured)?
        .unwrap_or_else(|| derive_key(jwt_secret, URL_SIGNING_LABEL)))
}

/// The JWT signing secret: the configured one, or else a random one kept in the database so
/// every process of the installation shares it.
pub async fn jwt_secret(db: &Database, configured: Option<&str>) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = configured_secret("JWT secret", configured)? {
        return Ok(secret);
    }
    let key = "jwt_secret";
    let mut conn = db.writer().await?;
    let fresh = hex_secret();
    server_state::claim(&mut conn, key, &fresh, chrono::Utc::now()).await?;
    let stored = server_state::get(&mut conn, key)
        .await?
        .context("the JWT secret was just stored")?;
    Ok(stored.into_bytes())
}

fn hex_secret() -> String {
    // Two v4 UUIDs carry 244 random bits from the OS generator.
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT_SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn without_a_configured_key_urls_are_signed_with_one_derived_from_but_unlike_the_jwt_secret() {
        let key = url_signing_key(JWT_SECRET, None).unwrap();
        assert_ne!(key, JWT_SECRET);
        assert_eq!(key, url_signing_key(JWT_SECRET, Some("  ")).unwrap());
    }

    #[test]
    fn a_configured_url_signing_key_is_used_as_given_and_must_be_long_enough() {
        let configured = "a url signing key of its own, long";
        assert_eq!(
            url_signing_key(JWT_SECRET, Some(configured)).unwrap(),
            configured.as_bytes()
        );
        let short = url_signing_key(JWT_SECRET, Some("short")).unwrap_err();
        assert_eq!(
            short.to_string(),
            "the URL signing key must be at least 32 bytes long"
        );
    }
}
