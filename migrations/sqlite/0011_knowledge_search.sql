-- Searching the agent's knowledge: full-text indexes over posts and comments (FTS5 tables kept
-- by triggers, words case-folded but not stemmed, as PostgreSQL's `simple` configuration
-- does), which jobs found each post (to filter by monitored item), and research findings.
CREATE VIRTUAL TABLE knowledge_posts_fts USING fts5(
    body, author, content = 'knowledge_posts', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER knowledge_posts_fts_insert AFTER INSERT ON knowledge_posts BEGIN
    INSERT INTO knowledge_posts_fts (rowid, body, author) VALUES (new.id, new.body, new.author);
END;
CREATE TRIGGER knowledge_posts_fts_delete AFTER DELETE ON knowledge_posts BEGIN
    INSERT INTO knowledge_posts_fts (knowledge_posts_fts, rowid, body, author)
    VALUES ('delete', old.id, old.body, old.author);
END;
CREATE TRIGGER knowledge_posts_fts_update AFTER UPDATE OF body, author ON knowledge_posts BEGIN
    INSERT INTO knowledge_posts_fts (knowledge_posts_fts, rowid, body, author)
    VALUES ('delete', old.id, old.body, old.author);
    INSERT INTO knowledge_posts_fts (rowid, body, author) VALUES (new.id, new.body, new.author);
END;

CREATE VIRTUAL TABLE knowledge_comments_fts USING fts5(
    body, content = 'knowledge_comments', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER knowledge_comments_fts_insert AFTER INSERT ON knowledge_comments BEGIN
    INSERT INTO knowledge_comments_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER knowledge_comments_fts_delete AFTER DELETE ON knowledge_comments BEGIN
    INSERT INTO knowledge_comments_fts (knowledge_comments_fts, rowid, body)
    VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER knowledge_comments_fts_update AFTER UPDATE OF body ON knowledge_comments BEGIN
    INSERT INTO knowledge_comments_fts (knowledge_comments_fts, rowid, body)
    VALUES ('delete', old.id, old.body);
    INSERT INTO knowledge_comments_fts (rowid, body) VALUES (new.id, new.body);
END;

-- Which user job (a scrape or monitoring job, an import) brought each post.
CREATE TABLE knowledge_post_jobs (
    post_id     INTEGER NOT NULL REFERENCES knowledge_posts (id) ON DELETE CASCADE,
    user_job_id INTEGER NOT NULL REFERENCES user_jobs (id) ON DELETE CASCADE,
    PRIMARY KEY (post_id, user_job_id)
);
CREATE INDEX knowledge_post_jobs_job_idx ON knowledge_post_jobs (user_job_id);

CREATE INDEX knowledge_posts_agent_author_idx ON knowledge_posts (agent_id, author);

-- What research found: a page (a story, a thread, a search result), one row per agent and URL.
CREATE TABLE knowledge_findings (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id     INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    source       TEXT NOT NULL,
    url          TEXT NOT NULL,
    title        TEXT NOT NULL,
    excerpt      TEXT NOT NULL,
    topic        TEXT,
    published_at TEXT,
    raw          TEXT NOT NULL,
    fetched_at   TEXT NOT NULL,
    UNIQUE (agent_id, url)
);
CREATE VIRTUAL TABLE knowledge_findings_fts USING fts5(
    title, excerpt, content = 'knowledge_findings', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER knowledge_findings_fts_insert AFTER INSERT ON knowledge_findings BEGIN
    INSERT INTO knowledge_findings_fts (rowid, title, excerpt) VALUES (new.id, new.title, new.excerpt);
END;
CREATE TRIGGER knowledge_findings_fts_delete AFTER DELETE ON knowledge_findings BEGIN
    INSERT INTO knowledge_findings_fts (knowledge_findings_fts, rowid, title, excerpt)
    VALUES ('delete', old.id, old.title, old.excerpt);
END;
CREATE TRIGGER knowledge_findings_fts_update AFTER UPDATE OF title, excerpt ON knowledge_findings BEGIN
    INSERT INTO knowledge_findings_fts (knowledge_findings_fts, rowid, title, excerpt)
    VALUES ('delete', old.id, old.title, old.excerpt);
    INSERT INTO knowledge_findings_fts (rowid, title, excerpt) VALUES (new.id, new.title, new.excerpt);
END;
