//! Publishing settings: the key that seals connected accounts' tokens and the TikTok app
//! creators connect through. Flags and `ACE_*` variables, or the config file's `[publishing]`
//! table. A TikTok app without a token key stops the start: ace never keeps grants in clear.

use ace_app::publishing::{Publishing, TokenSealer};
use ace_net::hosted_api::ApiKey;
use ace_providers::publishers::tiktok::{self, TikTok, TikTokApp, TikTokConfig};
use anyhow::bail;
use clap::Args;
use serde::Deserialize;

/// Publishing flags and environment variables.
#[derive(Clone, Debug, Default, Args)]
pub struct PublishingArgs {
    /// Seals the tokens of connected social accounts (AES-256-GCM): 32 bytes as base64 or 64
    /// hex digits, such as `openssl rand -base64 32`. Required to connect accounts.
    #[arg(
        long,
        env = "ACE_TOKEN_ENCRYPTION_KEY",
        global = true,
        hide_env_values = true
    )]
    pub token_encryption_key: Option<String>,
    /// The client key of your TikTok for Developers app (Login Kit and Content Posting API).
    #[arg(long, env = "ACE_TIKTOK_CLIENT_KEY", global = true)]
    pub tiktok_client_key: Option<String>,
    #[arg(
        long,
        env = "ACE_TIKTOK_CLIENT_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub tiktok_client_secret: Option<String>,
    /// Where TikTok sends creators back to; it must be registered with the app. Default:
    /// <public url>/v1/social_accounts/tiktok/callback
    #[arg(long, env = "ACE_TIKTOK_REDIRECT_URL", global = true)]
    pub tiktok_redirect_url: Option<String>,
    /// URL prefixes verified for the app, which TikTok may pull videos from itself
    /// (comma-separated); other videos are uploaded by ace.
    #[arg(long, env = "ACE_TIKTOK_VERIFIED_URL_PREFIXES", global = true)]
    pub tiktok_verified_url_prefixes: Option<String>,
    /// TikTok's API. Default: https://open.tiktokapis.com
    #[arg(long, env = "ACE_TIKTOK_API_URL", global = true)]
    pub tiktok_api_url: Option<String>,
    /// Login Kit's authorization page. Default: https://www.tiktok.com/v2/auth/authorize/
    #[arg(long, env = "ACE_TIKTOK_AUTHORIZE_URL", global = true)]
    pub tiktok_authorize_url: Option<String>,
}

/// The config file's `[publishing]` table.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PublishingFile {
    token_encryption_key: Option<String>,
    tiktok_client_key: Option<String>,
    tiktok_client_secret: Option<String>,
    tiktok_redirect_url: Option<String>,
    tiktok_verified_url_prefixes: Option<Vec<String>>,
    tiktok_api_url: Option<String>,
    tiktok_authorize_url: Option<String>,
}

/// Resolved publishing settings (secrets redacted in `Debug`).
#[derive(Clone, Debug, Default)]
pub struct PublishingSettings {
    pub token_encryption_key: Option<ApiKey>,
    pub tiktok_client_key: Option<String>,
    pub tiktok_client_secret: Option<ApiKey>,
    pub tiktok_redirect_url: Option<String>,
    pub tiktok_verified_url_prefixes: Vec<String>,
    pub tiktok_api_url: Option<String>,
    pub tiktok_authorize_url: Option<String>,
}

impl PublishingSettings {
    pub(super) fn resolve(
        args: &PublishingArgs,
        file: PublishingFile,
    ) -> anyhow::Result<PublishingSettings> {
        let prefixes = match &args.tiktok_verified_url_prefixes {
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            None => file.tiktok_verified_url_prefixes.unwrap_or_default(),
        };
        for prefix in &prefixes {
            if !prefix.starts_with("https://") || prefix.matches('/').count() < 3 {
                bail!(
                    "tiktok_verified_url_prefixes: {prefix:?} must be an https URL prefix with a path, such as https://cdn.example.com/videos/"
                );
            }
        }
        let settings = PublishingSettings {
            token_encryption_key: args
                .token_encryption_key
                .clone()
                .or(file.token_encryption_key)
                .filter(|key| !key.trim().is_empty())
                .map(ApiKey::new),
            tiktok_client_key: args
                .tiktok_client_key
                .clone()
                .or(file.tiktok_client_key)
                .filter(|key| !key.trim().is_empty()),
            tiktok_client_secret: args
                .tiktok_client_secret
                .clone()
                .or(file.tiktok_client_secret)
                .filter(|secret| !secret.trim().is_empty())
                .map(ApiKey::new),
            tiktok_redirect_url: args
                .tiktok_redirect_url
                .clone()
                .or(file.tiktok_redirect_url),
            tiktok_verified_url_prefixes: prefixes,
            tiktok_api_url: args.tiktok_api_url.clone().or(file.tiktok_api_url),
            tiktok_authorize_url: args
                .tiktok_authorize_url
                .clone()
                .or(file.tiktok_authorize_url),
        };
        settings.build()?;
        Ok(settings)
    }

    /// The publishing part of the use-case context. Fails closed: a TikTok app without a
    /// token key, half an app, or a key that does not load stops the start.
    pub fn build(&self) -> anyhow::Result<Publishing> {
        let sealer = self
            .token_encryption_key
            .as_ref()
            .map(|key| TokenSealer::from_key_text(key.expose()))
            .transpose()
            .map_err(|why| anyhow::anyhow!("token_encryption_key: {why}"))?;
        let app = match (&self.tiktok_client_key, &self.tiktok_client_secret) {
            (Some(client_key), Some(client_secret)) => Some(TikTokApp {
                client_key: client_key.clone(),
                client_secret: client_secret.clone(),
            }),
            (None, None) => None,
            _ => {
                bail!("tiktok_client_key and tiktok_client_secret go together: set both or neither")
            }
        };
        if app.is_some() && sealer.is_none() {
            bail!(
                "a TikTok app is configured but token_encryption_key (ACE_TOKEN_ENCRYPTION_KEY) is not: \
                 ace does not keep social account tokens unencrypted"
            );
        }
        let config = TikTokConfig {
            app,
            api_url: self
                .tiktok_api_url
                .clone()
                .unwrap_or_else(|| tiktok::API_URL.into()),
            authorize_url: self
                .tiktok_authorize_url
                .clone()
                .unwrap_or_else(|| tiktok::AUTHORIZE_URL.into()),
            ..TikTokConfig::default()
        };
        Ok(Publishing {
            tiktok: TikTok::new(config).map_err(anyhow::Error::msg)?,
            sealer,
            redirect_uri: self.tiktok_redirect_url.clone(),
            verified_url_prefixes: self.tiktok_verified_url_prefixes.clone(),
            ..Publishing::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(key: Option<&str>, client: Option<(&str, &str)>) -> PublishingArgs {
        PublishingArgs {
            token_encryption_key: key.map(str::to_owned),
            tiktok_client_key: client.map(|(key, _)| key.to_owned()),
            tiktok_client_secret: client.map(|(_, secret)| secret.to_owned()),
            ..PublishingArgs::default()
        }
    }

    const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn a_tiktok_app_without_a_token_key_stops_the_start() {
        let refused =
            PublishingSettings::resolve(&args(None, Some(("ck", "cs"))), PublishingFile::default())
                .unwrap_err()
                .to_string();
        assert!(refused.contains("ACE_TOKEN_ENCRYPTION_KEY"), "{refused}");
        assert!(
            PublishingSettings::resolve(&args(Some("short"), None), PublishingFile::default())
                .is_err()
        );
        assert!(
            PublishingSettings::resolve(
                &args(Some(KEY), Some(("ck", ""))),
                PublishingFile::default()
            )
            .is_err()
        );
        let settings = PublishingSettings::resolve(
            &args(Some(KEY), Some(("ck", "cs"))),
            PublishingFile::default(),
        )
        .unwrap();
        assert!(!format!("{settings:?}").contains(KEY));
        assert!(settings.build().unwrap().tiktok.has_app());
        assert!(
            PublishingSettings::resolve(&PublishingArgs::default(), PublishingFile::default())
                .is_ok()
        );
    }
}
