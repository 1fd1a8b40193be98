-- Generations: the durable job queue, what a generation was charged and ran with, and the
-- agent's automation (webhooks and callbacks) with its delivery log.

-- The queue every asynchronous piece of work runs on. A row lives while its work is waiting
-- or running and is deleted when the work is done; the work's owner keeps the outcome.
-- Times are Unix milliseconds, so both databases compare them the same way.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    -- The concurrency group (a provider, say): each process caps how many run at once.
    lane         TEXT NOT NULL,
    -- Whose work it is (an organization): claims interleave tenants.
    tenant       INTEGER NOT NULL DEFAULT 0,
    -- The job's place in its tenant's own line when it was queued; claims take low turns first.
    turn         INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       INTEGER NOT NULL,
    lease_until  INTEGER,
    worker       TEXT,
    last_error   TEXT,
    created_at   INTEGER NOT NULL
);
CREATE INDEX jobs_due_idx ON jobs (state, turn, id);
CREATE INDEX jobs_lease_idx ON jobs (state, lease_until);
CREATE INDEX jobs_tenant_idx ON jobs (tenant, lane);

ALTER TABLE user_jobs ADD COLUMN organization_id INTEGER REFERENCES organizations (id) ON DELETE CASCADE;
-- The open credit reservation paying for the current run, if any.
ALTER TABLE user_jobs ADD COLUMN reservation_id INTEGER;
ALTER TABLE user_jobs ADD COLUMN estimate_millis INTEGER NOT NULL DEFAULT 0;
-- The main text after {{variable}} substitution, as it was sent to the provider.
ALTER TABLE user_jobs ADD COLUMN prompt TEXT;
-- Which provider and model really ran it.
ALTER TABLE user_jobs ADD COLUMN provider TEXT;
ALTER TABLE user_jobs ADD COLUMN model TEXT;
ALTER TABLE user_jobs ADD COLUMN queue_job_id INTEGER;
ALTER TABLE user_jobs ADD COLUMN started_at TEXT;
ALTER TABLE user_jobs ADD COLUMN finished_at TEXT;
-- A media card's existing resource, attached rather than generated.
ALTER TABLE user_jobs ADD COLUMN attached_resource_id INTEGER REFERENCES content_resources (id) ON DELETE SET NULL;
CREATE INDEX user_jobs_agent_idx ON user_jobs (agent_id, id);

CREATE TABLE automation_configs (
    agent_id        INTEGER PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    webhook_url     TEXT,
    callback_url    TEXT,
    polling_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- Standard Webhooks secret (whsec_...), shown to the client once.
    signing_secret  TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id         INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    message_id       TEXT NOT NULL UNIQUE,
    target           TEXT NOT NULL CHECK (target IN ('webhook', 'callback')),
    event_type       TEXT NOT NULL,
    url              TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    delivered_at     TEXT
);
CREATE INDEX webhook_deliveries_agent_idx ON webhook_deliveries (agent_id, id);
