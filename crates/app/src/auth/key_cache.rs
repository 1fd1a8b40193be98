//! A cache of active API keys by digest, so a busy key costs no database round-trip per
//! request. Only keys that were active when read are cached, for at most [`TTL`]; expiry is
//! checked from the cached `expires_at` on every use. Revocations remove entries at once in
//! this process and, through `NOTIFY`, in every other process on the same PostgreSQL.
//!
//! On PostgreSQL the cache is off until this process listens for revocations, and goes off
//! (and empty) whenever the listener is lost. A generation counter, bumped by every
//! revocation, stops a read that raced a revocation from caching what it read.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ace_db::users::UserRecord;
use ace_domain::ids::{ApiKeyId, UserId};
use chrono::{DateTime, Utc};
use dashmap::DashMap;

/// How long an entry is trusted without a fresh read.
const TTL: Duration = Duration::from_secs(60);
/// Past this many entries the cache starts over (keys are few; this only bounds memory).
const CAPACITY: usize = 50_000;

/// The `NOTIFY` channel revocations are announced on.
pub const CHANNEL: &str = "ace_api_key_revocations";

/// A key as authentication needs it.
#[derive(Clone, Debug)]
pub(crate) struct CachedKey {
    pub key_id: ApiKeyId,
    pub user: UserRecord,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    read_at: Instant,
}

impl CachedKey {
    pub fn new(
        key_id: ApiKeyId,
        user: UserRecord,
        expires_at: Option<DateTime<Utc>>,
        last_used_at: Option<DateTime<Utc>>,
    ) -> Self {
        Self {
            key_id,
            user,
            expires_at,
            last_used_at,
            read_at: Instant::now(),
        }
    }
}

/// Active keys by digest.
#[derive(Debug, Default)]
pub(crate) struct KeyCache {
    entries: DashMap<String, CachedKey>,
    enabled: AtomicBool,
    generation: AtomicU64,
}

impl KeyCache {
    /// A cache that starts on (SQLite: this process sees every revocation) or off
    /// (PostgreSQL: until the revocation listener runs).
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled: AtomicBool::new(enabled),
            ..Self::default()
        }
    }

    /// Turns the cache on, empty.
    pub fn enable(&self) {
        self.clear();
        self.enabled.store(true, Ordering::SeqCst);
    }

    /// Turns the cache off, empty.
    pub fn disable(&self) {
        self.enabled.store(false, Ordering::SeqCst);
        self.clear();
    }

    /// The revocation count so far; pass it back to [`KeyCache::put`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The fresh entry for a digest, if any.
    pub fn get(&self, digest: &str) -> Option<CachedKey> {
        if !self.enabled.load(Ordering::SeqCst) {
            return None;
        }
        let entry = self.entries.get(digest)?;
        if entry.read_at.elapsed() < TTL {
            Some(entry.clone())
        } else {
            drop(entry);
            self.entries.remove(digest);
            None
        }
    }

    /// Caches a key read while the generation was `seen`; a revocation since then (which
    /// the read may have missed) keeps it out.
    pub fn put(&self, digest: String, key: CachedKey, seen: u64) {
        if !self.enabled.load(Ordering::SeqCst) {
            return;
        }
        if self.entries.len() >= CAPACITY {
            self.entries.clear();
        }
        self.entries.insert(digest, key);
        if self.generation() != seen {
            self.clear();
        }
    }

    /// Notes a use written to the database.
    pub fn touched(&self, digest: &str, at: DateTime<Utc>) {
        if let Some(mut entry) = self.entries.get_mut(digest) {
            entry.last_used_at = Some(at);
        }
    }

    pub fn forget_key(&self, key: ApiKeyId) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.retain(|_, entry| entry.key_id != key);
    }

    pub fn forget_user(&self, user: UserId) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.retain(|_, entry| entry.user.id != user);
    }

    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.entries.clear();
    }

    /// Applies a revocation notice: `key:<id>` or `user:<id>`. Anything else clears the cache,
    /// to be safe.
    pub fn apply(&self, payload: &str) {
        match payload.split_once(':') {
            Some(("key", id)) if let Ok(id) = id.parse() => self.forget_key(id),
            Some(("user", id)) if let Ok(id) = id.parse() => self.forget_user(id),
            _ => self.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: i64) -> UserRecord {
        UserRecord {
            id: UserId::new(id),
            email: format!("u{id}@example.com"),
            name: "U".into(),
            username: format!("u{id}"),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn notices_forget_one_key_or_all_keys_of_a_user() {
        let cache = KeyCache::new(true);
        for (digest, key, owner) in [("a", 1, 7), ("b", 2, 7), ("c", 3, 8)] {
            let entry = CachedKey::new(ApiKeyId::new(key), user(owner), None, None);
            cache.put(digest.into(), entry, cache.generation());
        }
        cache.apply("key:1");
        assert!(cache.get("a").is_none() && cache.get("b").is_some());
        cache.apply("user:7");
        assert!(cache.get("b").is_none() && cache.get("c").is_some());
        cache.apply("garbage");
        assert!(cache.get("c").is_none());
    }

    #[test]
    fn a_read_that_raced_a_revocation_is_not_cached() {
        let cache = KeyCache::new(true);
        let seen = cache.generation();
        cache.forget_key(ApiKeyId::new(1));
        cache.put(
            "a".into(),
            CachedKey::new(ApiKeyId::new(1), user(7), None, None),
            seen,
        );
        assert!(cache.get("a").is_none());
    }

    #[test]
    fn a_disabled_cache_holds_nothing() {
        let cache = KeyCache::new(false);
        cache.put(
            "a".into(),
            CachedKey::new(ApiKeyId::new(1), user(7), None, None),
            cache.generation(),
        );
        assert!(cache.get("a").is_none());
        cache.enable();
        cache.put(
            "a".into(),
            CachedKey::new(ApiKeyId::new(1), user(7), None, None),
            cache.generation(),
        );
        assert!(cache.get("a").is_some());
    }
}
