-- Foundation: accounts, organizations, API keys, the credit ledger, agents, avatars and the
-- agent-core canvas. SQLite dialect; migrations/postgres has the same file name and meaning.

CREATE TABLE server_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    email        TEXT NOT NULL,
    email_key    TEXT NOT NULL,
    name         TEXT NOT NULL,
    username     TEXT NOT NULL,
    username_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- The *_key columns hold names folded by the application (Unicode lower case), so both
-- databases compare them alike.
CREATE UNIQUE INDEX users_email_key ON users (email_key);
CREATE UNIQUE INDEX users_username_key ON users (username_key);

CREATE TABLE credit_plans (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    cycle      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX credit_plans_name_key ON credit_plans (name_key);

CREATE TABLE organizations (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid                 TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    is_personal          BOOLEAN NOT NULL DEFAULT FALSE,
    avatar_key           TEXT,
    avatar_thumbnail_key TEXT,
    credit_plan_id       INTEGER REFERENCES credit_plans (id) ON DELETE SET NULL,
    created_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TABLE memberships (
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'editor', 'viewer')),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    token_hint   TEXT NOT NULL,
    token_type   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

CREATE TABLE credit_ledger (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    bucket          TEXT NOT NULL CHECK (bucket IN ('generic', 'aura')),
    entry_type      TEXT NOT NULL CHECK (entry_type IN ('grant', 'deduct', 'reserve', 'settle', 'refund')),
    amount_millis   BIGINT NOT NULL,
    reservation_id  INTEGER REFERENCES credit_ledger (id) ON DELETE CASCADE,
    reference       TEXT,
    note            TEXT,
    actor_user_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX credit_ledger_balance_idx ON credit_ledger (organization_id, bucket);
-- A reservation is closed exactly once, by a settlement or a refund.
CREATE UNIQUE INDEX credit_ledger_closing_key ON credit_ledger (reservation_id)
    WHERE reservation_id IS NOT NULL;

CREATE TABLE agents (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id    INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    name               TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    description        TEXT,
    time_zone          TEXT,
    eleven_lab_api_key TEXT,
    hume_ai_api_key    TEXT,
    default_voice      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    deleted_at         TEXT
);
CREATE INDEX agents_organization_idx ON agents (organization_id);
CREATE UNIQUE INDEX agents_live_name_key ON agents (organization_id, name_key)
    WHERE deleted_at IS NULL;

CREATE TABLE agent_avatars (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id        INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    storage_key     TEXT NOT NULL,
    thumbnail_key   TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    byte_size       BIGINT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    degod_avatar_id TEXT,
    is_primary      BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TEXT NOT NULL
);
CREATE INDEX agent_avatars_agent_idx ON agent_avatars (agent_id, id);
CREATE UNIQUE INDEX agent_avatars_primary_key ON agent_avatars (agent_id) WHERE is_primary;

CREATE TABLE agent_cores (
    agent_id                 INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    brand_name               TEXT,
    description              TEXT,
    identity_type            TEXT CHECK (identity_type IN ('brand', 'character')),
    goal                     TEXT,
    target_platforms         TEXT NOT NULL DEFAULT '[]',
    shortform                BOOLEAN,
    longform                 BOOLEAN,
    onboarding_status        TEXT,
    keywords                 TEXT NOT NULL DEFAULT '[]',
    research_topics          TEXT NOT NULL DEFAULT '[]',
    personality              TEXT,
    look_description         TEXT,
    content_idea_preferences TEXT,
    updated_at               TEXT NOT NULL
);

CREATE TABLE agent_monitored_items (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id   INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    handle     TEXT NOT NULL,
    item_type  TEXT NOT NULL CHECK (item_type IN ('account', 'hashtag', 'keyword')),
    platform   TEXT,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX agent_monitored_items_agent_idx ON agent_monitored_items (agent_id, position);

CREATE TABLE agent_linked_accounts (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id     INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    platform     TEXT,
    display_name TEXT,
    position     INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX agent_linked_accounts_agent_idx ON agent_linked_accounts (agent_id, position);
