-- Files: the asset library (folders and content resources) and direct uploads. SQLite
-- dialect; migrations/postgres has the same file name and meaning.

CREATE TABLE asset_folders (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id   INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    parent_id  INTEGER REFERENCES asset_folders (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX asset_folders_parent_idx ON asset_folders (agent_id, parent_id);

CREATE TABLE content_resources (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id      INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    folder_id     INTEGER REFERENCES asset_folders (id) ON DELETE CASCADE,
    project_id    INTEGER,
    storage_key   TEXT NOT NULL UNIQUE,
    thumbnail_key TEXT,
    file_name     TEXT NOT NULL,
    file_name_key TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'zip', 'safe_tensors')),
    byte_size     INTEGER NOT NULL,
    checksum      TEXT,
    width         INTEGER,
    height        INTEGER,
    duration_ms   INTEGER,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX content_resources_agent_idx ON content_resources (agent_id, id);
CREATE INDEX content_resources_folder_idx ON content_resources (folder_id);

CREATE TABLE direct_uploads (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    storage_key  TEXT NOT NULL UNIQUE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    byte_size    INTEGER NOT NULL,
    checksum     TEXT NOT NULL,
    metadata     TEXT NOT NULL DEFAULT '{}',
    receiving_at TEXT,
    uploaded_at  TEXT,
    attached_at  TEXT,
    expires_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX direct_uploads_user_idx ON direct_uploads (user_id);
