-- Sheet pipelines: a trigger and a chain of actions on one of an agent's sheets. A scheduled
-- pipeline keeps the queue entry of its next firing and when that is due; the firing records
-- a run for its slot and queues the next in one transaction.
CREATE TABLE pipelines (
    id              BIGSERIAL PRIMARY KEY,
    agent_id        BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    spreadsheet_id  BIGINT NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    created_by      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    trigger_type    TEXT NOT NULL,
    trigger_config  JSONB NOT NULL DEFAULT '{}'::jsonb,
    budget_millis   BIGINT NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    webhook_nonce   TEXT NOT NULL,
    next_at         TIMESTAMPTZ,
    queue_job_id    BIGINT,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX pipelines_sheet_idx ON pipelines (spreadsheet_id);

-- The actions of a pipeline, run in position order.
CREATE TABLE pipeline_actions (
    id           BIGSERIAL PRIMARY KEY,
    pipeline_id  BIGINT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    action_type  TEXT NOT NULL,
    position     BIGINT NOT NULL,
    config       JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX pipeline_actions_pipeline_idx ON pipeline_actions (pipeline_id, position);

-- A run: the actions as they were when it started, each with its state, the credits it may
-- spend and has spent, and what it waits on (an agent run, a batch of row runs). One advancer
-- at a time holds its lease; a wake-up meeting a held lease sets `rewake` for the holder.
-- A scheduled run names its slot, and a slot has one run.
CREATE TABLE pipeline_runs (
    id               BIGSERIAL PRIMARY KEY,
    pipeline_id      BIGINT NOT NULL REFERENCES pipelines (id) ON DELETE CASCADE,
    organization_id  BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    started_by       TEXT NOT NULL,
    slot_at          TIMESTAMPTZ,
    status           TEXT NOT NULL,
    failed_reason    TEXT,
    budget_millis    BIGINT NOT NULL,
    spent_millis     BIGINT NOT NULL DEFAULT 0,
    actions          JSONB NOT NULL DEFAULT '[]'::jsonb,
    input            JSONB,
    waiting_on       TEXT,
    lease_job        BIGINT,
    lease_until_ms   BIGINT,
    rewake           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMPTZ NOT NULL,
    finished_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX pipeline_runs_slot_idx ON pipeline_runs (pipeline_id, slot_at);
CREATE INDEX pipeline_runs_pipeline_idx ON pipeline_runs (pipeline_id, id);
CREATE INDEX pipeline_runs_waiting_idx ON pipeline_runs (waiting_on);
