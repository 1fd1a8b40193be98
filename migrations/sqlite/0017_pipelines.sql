-- Sheet pipelines: a trigger and a chain of actions on one of an agent's sheets. A scheduled
-- pipeline keeps the queue entry of its next firing and when that is due; the firing records
-- a run for its slot and queues the next in one transaction.
CREATE TABLE pipelines (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id        INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    spreadsheet_id  INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    created_by      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    trigger_type    TEXT NOT NULL,
    trigger_config  TEXT NOT NULL DEFAULT '{}',
    budget_millis   INTEGER NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    webhook_nonce   TEXT NOT NULL,
    next_at         TEXT,
    queue_job_id    INTEGER,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX pipelines_sheet_idx ON pipelines (spreadsheet_id);

-- The actions of a pipeline, run in position order.
CREATE TABLE pipeline_actions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id  INTEGER NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    action_type  TEXT NOT NULL,
    position     INTEGER NOT NULL,
    config       TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX pipeline_actions_pipeline_idx ON pipeline_actions (pipeline_id, position);

-- A run: the actions as they were when it started, each with its state, the credits it may
-- spend and has spent, and what it waits on (an agent run, a batch of row runs). One advancer
-- at a time holds its lease; a wake-up meeting a held lease sets `rewake` for the holder.
-- A scheduled run names its slot, and a slot has one run.
CREATE TABLE pipeline_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id      INTEGER NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    organization_id  INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_by       TEXT NOT NULL,
    slot_at          TEXT,
    status           TEXT NOT NULL,
    failed_reason    TEXT,
    budget_millis    INTEGER NOT NULL,
    spent_millis     INTEGER NOT NULL DEFAULT 0,
    actions          TEXT NOT NULL DEFAULT '[]',
    input            TEXT,
    waiting_on       TEXT,
    lease_job        INTEGER,
    lease_until_ms   INTEGER,
    rewake           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TEXT NOT NULL,
    finished_at      TEXT,
    updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX pipeline_runs_slot_idx ON pipeline_runs (pipeline_id, slot_at);
CREATE INDEX pipeline_runs_pipeline_idx ON pipeline_runs (pipeline_id, id);
CREATE INDEX pipeline_runs_waiting_idx ON pipeline_runs (waiting_on);
