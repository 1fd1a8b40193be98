-- An agent's knowledge: social posts and comments gathered by monitoring or imported, one row
-- per (agent, platform, platform id), with the latest metrics on the post and every fetch's
-- metrics kept as snapshots, so growth over time can be asked.
CREATE TABLE knowledge_posts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id      INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    platform      TEXT NOT NULL CHECK (platform IN ('tiktok', 'instagram', 'youtube')),
    platform_id   TEXT NOT NULL,
    url           TEXT,
    author        TEXT,
    body          TEXT NOT NULL,
    posted_at     TEXT,
    views         INTEGER,
    likes         INTEGER,
    comments      INTEGER,
    shares        INTEGER,
    saves         INTEGER,
    media_urls    TEXT NOT NULL,
    raw           TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    UNIQUE (agent_id, platform, platform_id)
);
CREATE INDEX knowledge_posts_agent_posted_idx ON knowledge_posts (agent_id, posted_at);

CREATE TABLE knowledge_post_metrics (
    post_id    INTEGER NOT NULL REFERENCES knowledge_posts (id) ON DELETE CASCADE,
    fetched_at TEXT NOT NULL,
    views      INTEGER,
    likes      INTEGER,
    comments   INTEGER,
    shares     INTEGER,
    saves      INTEGER,
    PRIMARY KEY (post_id, fetched_at)
);

CREATE TABLE knowledge_comments (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id         INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    platform         TEXT NOT NULL CHECK (platform IN ('tiktok', 'instagram', 'youtube')),
    platform_id      TEXT NOT NULL,
    post_platform_id TEXT NOT NULL,
    author           TEXT,
    body             TEXT NOT NULL,
    posted_at        TEXT,
    likes            INTEGER,
    raw              TEXT NOT NULL,
    first_seen_at    TEXT NOT NULL,
    last_seen_at     TEXT NOT NULL,
    UNIQUE (agent_id, platform, platform_id)
);
CREATE INDEX knowledge_comments_post_idx ON knowledge_comments (agent_id, platform, post_platform_id);
