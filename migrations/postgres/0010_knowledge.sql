-- An agent's knowledge: social posts and comments gathered by monitoring or imported, one row
-- per (agent, platform, platform id), with the latest metrics on the post and every fetch's
-- metrics kept as snapshots, so growth over time can be asked.
CREATE TABLE knowledge_posts (
    id            BIGSERIAL PRIMARY KEY,
    agent_id      BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    platform      TEXT NOT NULL CHECK (platform IN ('tiktok', 'instagram', 'youtube')),
    platform_id   TEXT NOT NULL,
    url           TEXT,
    author        TEXT,
    body          TEXT NOT NULL,
    posted_at     TIMESTAMPTZ,
    views         BIGINT,
    likes         BIGINT,
    comments      BIGINT,
    shares        BIGINT,
    saves         BIGINT,
    media_urls    JSONB NOT NULL,
    raw           JSONB NOT NULL,
    first_seen_at TIMESTAMPTZ NOT NULL,
    last_seen_at  TIMESTAMPTZ NOT NULL,
    UNIQUE (agent_id, platform, platform_id)
);
CREATE INDEX knowledge_posts_agent_posted_idx ON knowledge_posts (agent_id, posted_at);

CREATE TABLE knowledge_post_metrics (
    post_id    BIGINT NOT NULL REFERENCES knowledge_posts (id) ON DELETE CASCADE,
    fetched_at TIMESTAMPTZ NOT NULL,
    views      BIGINT,
    likes      BIGINT,
    comments   BIGINT,
    shares     BIGINT,
    saves      BIGINT,
    PRIMARY KEY (post_id, fetched_at)
);

CREATE TABLE knowledge_comments (
    id               BIGSERIAL PRIMARY KEY,
    agent_id         BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    platform         TEXT NOT NULL CHECK (platform IN ('tiktok', 'instagram', 'youtube')),
    platform_id      TEXT NOT NULL,
    post_platform_id TEXT NOT NULL,
    author           TEXT,
    body             TEXT NOT NULL,
    posted_at        TIMESTAMPTZ,
    likes            BIGINT,
    raw              JSONB NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL,
    last_seen_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (agent_id, platform, platform_id)
);
CREATE INDEX knowledge_comments_post_idx ON knowledge_comments (agent_id, platform, post_platform_id);
