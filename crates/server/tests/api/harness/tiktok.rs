//! A stand-in for TikTok as far as publishing uses it: Login Kit's token endpoint (code with
//! PKCE, refresh with rotation, revoke), `creator_info/query`, `video/init`, chunk PUTs checked
//! for order and ranges, and `status/fetch` walking a post from upload to published. Rate
//! limits, dead grants and failed posts are switched on by the test.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ace_fixtures::{ProviderApi, Seen, reply_json};
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub const CLIENT_KEY: &str = "aw-client-key";
pub const CLIENT_SECRET: &str = "aw-client-secret";
pub const OPEN_ID: &str = "open-7f3a";
pub const USERNAME: &str = "santiago_real";
/// A token key for tests (32 bytes, base64).
pub const TOKEN_KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// What the stand-in knows and how it behaves.
#[derive(Debug)]
pub struct TikTokState {
    /// Approved authorization codes and the PKCE challenge each was approved with.
    codes: HashMap<String, String>,
    /// Valid access tokens.
    pub access_tokens: Vec<String>,
    /// The one refresh token that works (rotated on each refresh).
    pub refresh_token: String,
    issued: u32,
    /// Seconds each new access token lasts.
    pub expires_in: u64,
    pub revoked: Vec<String>,
    pub privacy_levels: Vec<String>,
    pub max_video_seconds: u64,
    /// The next `video/init` calls answered 429.
    pub rate_limited_inits: u32,
    /// Refresh refused: the grant was revoked at TikTok.
    pub grant_revoked: bool,
    /// The next post fails in review with this reason.
    pub fail_next: Option<String>,
    /// The scopes a grant carries.
    pub scopes: String,
    posts: Vec<Post>,
    /// How many times each public post's figures were read.
    pub figure_reads: HashMap<String, u32>,
}

#[derive(Debug)]
struct Post {
    size: u64,
    chunk_size: u64,
    chunks: u64,
    received: u64,
    privacy_level: String,
    reads: u32,
    fail: Option<String>,
}

impl Default for TikTokState {
    fn default() -> Self {
        Self {
            codes: HashMap::new(),
            access_tokens: Vec::new(),
            refresh_token: String::new(),
            issued: 0,
            expires_in: 86_400,
            revoked: Vec::new(),
            privacy_levels: vec!["SELF_ONLY".into()],
            max_video_seconds: 600,
            rate_limited_inits: 0,
            grant_revoked: false,
            fail_next: None,
            scopes: "user.info.basic,video.publish,video.list".into(),
            posts: Vec::new(),
            figure_reads: HashMap::new(),
        }
    }
}

/// The running stand-in.
pub struct StandInTikTok {
    pub api: ProviderApi,
    pub state: Arc<Mutex<TikTokState>>,
}

impl StandInTikTok {
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(TikTokState::default()));
        let base = Arc::new(Mutex::new(String::new()));
        let (for_script, base_for_script) = (Arc::clone(&state), Arc::clone(&base));
        let api = ProviderApi::start(move |seen, _| {
            let base = base_for_script
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone();
            let mut state = for_script.lock().unwrap_or_else(PoisonError::into_inner);
            answer(&mut state, seen, &base)
        })
        .await;
        *base.lock().unwrap_or_else(PoisonError::into_inner) = api.url.clone();
        Self { api, state }
    }

    /// Publishing settings that reach this stand-in, with the test token key.
    pub fn settings(&self) -> ace_server::config::PublishingSettings {
        ace_server::config::PublishingSettings {
            token_encryption_key: Some(ace_net::hosted_api::ApiKey::new(TOKEN_KEY)),
            tiktok_client_key: Some(CLIENT_KEY.into()),
            tiktok_client_secret: Some(ace_net::hosted_api::ApiKey::new(CLIENT_SECRET)),
            tiktok_api_url: Some(self.api.url.clone()),
            tiktok_authorize_url: Some(format!("{}/v2/auth/authorize/", self.api.url)),
            ..Default::default()
        }
    }

    /// The creator approves the authorization URL: returns the code TikTok would redirect with.
    pub fn approve(&self, authorization_url: &str) -> String {
        let url = url::Url::parse(authorization_url).expect("an authorization URL");
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default()
        };
        assert_eq!(param("client_key"), CLIENT_KEY);
        assert_eq!(param("code_challenge_method"), "S256");
        let mut state = self.lock();
        let code = format!("code-{}", state.codes.len() + 1);
        state.codes.insert(code.clone(), param("code_challenge"));
        code
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, TikTokState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The requests to `path`.
    pub fn calls(&self, path: &str) -> Vec<Seen> {
        self.api
            .seen()
            .into_iter()
            .filter(|seen| seen.path.split('?').next() == Some(path))
            .collect()
    }
}

fn form(seen: &Seen) -> HashMap<String, String> {
    url::form_urlencoded::parse(&seen.body)
        .into_owned()
        .collect()
}

fn ok(data: Value) -> Response {
    reply_json(
        200,
        &json!({"data": data, "error": {"code": "ok", "message": "", "log_id": "log-ok"}}),
    )
}

fn refused(status: u16, code: &str, message: &str) -> Response {
    reply_json(
        status,
        &json!({"data": {}, "error": {"code": code, "message": message, "log_id": "log-202612070001"}}),
    )
}

fn answer(state: &mut TikTokState, seen: &Seen, base: &str) -> Response {
    let path = seen.path.split('?').next().unwrap_or_default();
    match (seen.method.as_str(), path) {
        ("POST", "/v2/oauth/token/") => token(state, &form(seen)),
        ("POST", "/v2/oauth/revoke/") => {
            let form = form(seen);
            state
                .revoked
                .push(form.get("token").cloned().unwrap_or_default());
            reply_json(200, &json!({}))
        }
        ("PUT", upload) if upload.starts_with("/upload/") => {
            let index: usize = upload
                .trim_start_matches("/upload/")
                .parse()
                .unwrap_or(usize::MAX);
            chunk(state, index, seen)
        }
        ("POST", api) => {
            let bearer = seen
                .header("authorization")
                .trim_start_matches("Bearer ")
                .to_owned();
            if !state.access_tokens.contains(&bearer) || state.revoked.contains(&bearer) {
                return refused(
                    401,
                    "access_token_invalid",
                    "The access token is invalid or not found in the request.",
                );
            }
            match api {
                "/v2/post/publish/creator_info/query/" => ok(json!({
                    "creator_avatar_url": "https://p16.example/avatar.jpg",
                    "creator_username": USERNAME,
                    "creator_nickname": "Santiago 🌮",
                    "privacy_level_options": state.privacy_levels,
                    "comment_disabled": false,
                    "duet_disabled": true,
                    "stitch_disabled": false,
                    "max_video_post_duration_sec": state.max_video_seconds,
                })),
                "/v2/post/publish/video/init/" => init(state, &seen.json(), base),
                "/v2/post/publish/status/fetch/" => status(state, &seen.json()),
                "/v2/video/query/" => figures(state, &seen.json()),
                _ => refused(404, "not_found", "no such endpoint"),
            }
        }
        _ => refused(404, "not_found", "no such endpoint"),
    }
}

/// The figures of public posts: each read counts 1,000 more views, 100 likes, 10 comments and
/// one share. Needs the `video.list` scope.
fn figures(state: &mut TikTokState, body: &Value) -> Response {
    if !state.scopes.contains("video.list") {
        return refused(
            401,
            "scope_not_authorized",
            "The user did not authorize the scope required for completing this request.",
        );
    }
    let videos: Vec<Value> = body["filters"]["video_ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter(|id| id.starts_with("73"))
        .map(|id| {
            let reads = state.figure_reads.entry(id.to_owned()).or_default();
            *reads += 1;
            let n = i64::from(*reads);
            json!({"id": id, "title": "A posted video", "share_url": format!("https://www.tiktok.com/@{USERNAME}/video/{id}"),
                "view_count": 1_000 * n, "like_count": 100 * n, "comment_count": 10 * n, "share_count": n})
        })
        .collect();
    ok(json!({"videos": videos, "cursor": 0, "has_more": false}))
}

fn token(state: &mut TikTokState, form: &HashMap<String, String>) -> Response {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    if field("client_key") != CLIENT_KEY || field("client_secret") != CLIENT_SECRET {
        return reply_json(
            401,
            &json!({"error": "invalid_client", "error_description": "Client key or secret is incorrect.", "log_id": "log-1"}),
        );
    }
    match field("grant_type").as_str() {
        "authorization_code" => {
            let Some(challenge) = state.codes.remove(&field("code")) else {
                return reply_json(
                    400,
                    &json!({"error": "invalid_grant", "error_description": "Authorization code is expired.", "log_id": "log-2"}),
                );
            };
            let computed =
                URL_SAFE_NO_PAD.encode(Sha256::digest(field("code_verifier").as_bytes()));
            if computed != challenge {
                return reply_json(
                    400,
                    &json!({"error": "invalid_request", "error_description": "Code verifier or code challenge is invalid.", "log_id": "log-3"}),
                );
            }
            grant(state)
        }
        "refresh_token" => {
            if state.grant_revoked || field("refresh_token") != state.refresh_token {
                return reply_json(
                    400,
                    &json!({"error": "invalid_grant", "error_description": "Refresh token is invalid or expired.", "log_id": "log-4"}),
                );
            }
            grant(state)
        }
        _ => reply_json(
            400,
            &json!({"error": "unsupported_grant_type", "log_id": "log-5"}),
        ),
    }
}

fn grant(state: &mut TikTokState) -> Response {
    state.issued += 1;
    let access = format!("act.{}", state.issued);
    state.access_tokens.push(access.clone());
    state.refresh_token = format!("rft.{}", state.issued);
    reply_json(
        200,
        &json!({
            "access_token": access, "expires_in": state.expires_in, "open_id": OPEN_ID,
            "refresh_token": state.refresh_token, "refresh_expires_in": 15_552_000,
            "scope": state.scopes, "token_type": "Bearer",
        }),
    )
}

fn init(state: &mut TikTokState, body: &Value, base: &str) -> Response {
    if state.rate_limited_inits > 0 {
        state.rate_limited_inits -= 1;
        return refused(429, "rate_limit_exceeded", "Too many requests.");
    }
    let post = &body["post_info"];
    let privacy = post["privacy_level"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if !state.privacy_levels.contains(&privacy) {
        return refused(
            400,
            "privacy_level_option_mismatch",
            "privacy_level is not one of the options.",
        );
    }
    if post["is_aigc"] != json!(true) {
        return refused(400, "invalid_params", "is_aigc was expected for this test");
    }
    let source = &body["source_info"];
    if source["source"] != "FILE_UPLOAD" {
        return refused(
            403,
            "url_ownership_unverified",
            "The URL prefix is not verified.",
        );
    }
    let size = source["video_size"].as_u64().unwrap_or(0);
    let chunk_size = source["chunk_size"].as_u64().unwrap_or(0);
    let chunks = source["total_chunk_count"].as_u64().unwrap_or(0);
    let mib = 1024 * 1024;
    let whole = chunks == 1 && chunk_size == size;
    let cut = (5 * mib..=64 * mib).contains(&chunk_size) && chunks == size / chunk_size;
    if size == 0 || !(whole || cut) {
        return refused(400, "invalid_params", "The chunk size or count is invalid.");
    }
    state.posts.push(Post {
        size,
        chunk_size,
        chunks,
        received: 0,
        privacy_level: privacy,
        reads: 0,
        fail: state.fail_next.take(),
    });
    let index = state.posts.len() - 1;
    ok(
        json!({"publish_id": format!("v_pub_file~{index}"), "upload_url": format!("{base}/upload/{index}")}),
    )
}

fn chunk(state: &mut TikTokState, index: usize, seen: &Seen) -> Response {
    let Some(post) = state.posts.get_mut(index) else {
        return reply_json(404, &json!({"error": {"code": "not_found"}}));
    };
    let range = seen
        .header("content-range")
        .trim_start_matches("bytes ")
        .to_owned();
    let parsed: Option<(u64, u64, u64)> = range.split_once('/').and_then(|(span, total)| {
        let (first, last) = span.split_once('-')?;
        Some((first.parse().ok()?, last.parse().ok()?, total.parse().ok()?))
    });
    let Some((first, last, total)) = parsed else {
        return reply_json(400, &json!({"error": {"code": "invalid_range"}}));
    };
    let expected_last = {
        let next_index = post.received / post.chunk_size.max(1);
        if next_index + 1 >= post.chunks {
            post.size - 1
        } else {
            post.received + post.chunk_size - 1
        }
    };
    let in_order = first == post.received && last == expected_last && total == post.size;
    if !in_order || seen.body.len() as u64 != last - first + 1 {
        return reply_json(
            400,
            &json!({"error": {"code": "invalid_range", "message": format!("got {range}, expected {}-{expected_last}", post.received)}}),
        );
    }
    post.received = last + 1;
    let status = if post.received == post.size { 201 } else { 206 };
    reply_json(status, &json!({}))
}

fn status(state: &mut TikTokState, body: &Value) -> Response {
    let id = body["publish_id"].as_str().unwrap_or_default();
    let index: usize = id
        .trim_start_matches("v_pub_file~")
        .parse()
        .unwrap_or(usize::MAX);
    let Some(post) = state.posts.get_mut(index) else {
        return refused(400, "invalid_publish_id", "publish_id does not exist");
    };
    if post.received < post.size {
        return ok(json!({"status": "PROCESSING_UPLOAD", "uploaded_bytes": post.received}));
    }
    post.reads += 1;
    if post.reads < 2 {
        return ok(json!({"status": "PROCESSING_DOWNLOAD", "uploaded_bytes": post.size}));
    }
    if let Some(reason) = &post.fail {
        return ok(json!({"status": "FAILED", "fail_reason": reason}));
    }
    let ids: Vec<u64> = if post.privacy_level == "PUBLIC_TO_EVERYONE" {
        vec![7_300_000_000_000_000_000 + index as u64]
    } else {
        Vec::new()
    };
    ok(
        json!({"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": ids, "uploaded_bytes": post.size}),
    )
}
