-- Searching the agent's knowledge: full-text vectors over posts and comments (the `simple`
-- configuration: words case-folded, not stemmed, as the SQLite FTS5 tables do), which jobs
-- found each post (to filter by monitored item), and research findings.
ALTER TABLE knowledge_posts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', body || ' ' || coalesce(author, ''))) STORED;
CREATE INDEX knowledge_posts_search_idx ON knowledge_posts USING GIN (search);
ALTER TABLE knowledge_comments ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;
CREATE INDEX knowledge_comments_search_idx ON knowledge_comments USING GIN (search);

-- Which user job (a scrape or monitoring job, an import) brought each post.
CREATE TABLE knowledge_post_jobs (
    post_id     BIGINT NOT NULL REFERENCES knowledge_posts (id) ON DELETE CASCADE,
    user_job_id BIGINT NOT NULL REFERENCES user_jobs (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, user_job_id)
);
CREATE INDEX knowledge_post_jobs_job_idx ON knowledge_post_jobs (user_job_id);

CREATE INDEX knowledge_posts_agent_author_idx ON knowledge_posts (agent_id, author);

-- What research found: a page (a story, a thread, a search result), one row per agent and URL.
CREATE TABLE knowledge_findings (
    id           BIGSERIAL PRIMARY KEY,
    agent_id     BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    excerpt      TEXT NOT NULL,
    topic        TEXT,
    published_at TIMESTAMPTZ,
    raw          JSONB NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    search       tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || excerpt)) STORED,
    UNIQUE (agent_id, url)
);
CREATE INDEX knowledge_findings_search_idx ON knowledge_findings USING GIN (search);
