-- A linked account connected to its platform: the grant that lets ace post as it. Tokens are
-- sealed (AES-256-GCM) before they are stored; removing the linked account removes this row.
-- `needs_reconnect` holds why the grant stopped working, until the account connects again.
-- The init window counts post starts per minute, against TikTok's per-token limit.
CREATE TABLE social_connections (
    id                  BIGSERIAL PRIMARY KEY,
    agent_id            BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    linked_account_id   BIGINT NOT NULL UNIQUE REFERENCES agent_linked_accounts (id) ON DELETE CASCADE,
    platform            TEXT NOT NULL,
    open_id             TEXT NOT NULL,
    username            TEXT,
    display_name        TEXT,
    scopes              TEXT NOT NULL DEFAULT '',
    access_token        TEXT NOT NULL,
    access_expires_at   TIMESTAMPTZ NOT NULL,
    refresh_token       TEXT,
    refresh_expires_at  TIMESTAMPTZ,
    needs_reconnect     TEXT,
    settings            JSONB NOT NULL DEFAULT '{}'::jsonb,
    init_window_ms      BIGINT NOT NULL DEFAULT 0,
    init_count          INTEGER NOT NULL DEFAULT 0,
    connected_at        TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX social_connections_account_idx ON social_connections (agent_id, platform, open_id);

-- An authorization in flight: the state a creator's browser comes back with (stored as its
-- SHA-256), whose agent it is for and the sealed PKCE verifier. Used once.
CREATE TABLE social_authorizations (
    state_hash    TEXT PRIMARY KEY,
    agent_id      BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    platform      TEXT NOT NULL,
    code_verifier TEXT NOT NULL,
    redirect_uri  TEXT NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);
