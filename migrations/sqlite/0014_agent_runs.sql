-- Step 2's conversations with the agent. A conversation holds messages and the runs that
-- answered them; at most one of its runs is active (running or awaiting approval) and the
-- others wait `queued` behind it. A run's tool calls are kept by call id, so a run that
-- resumes (after a restart, or an approval) never repeats a finished one; its events feed
-- the progress stream. Conversations are deleted softly, with their runs and messages.
CREATE TABLE agent_conversations (
    id          TEXT PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       TEXT,
    pinned      BOOLEAN NOT NULL DEFAULT FALSE,
    deleted_at  TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX agent_conversations_agent_idx ON agent_conversations (agent_id, updated_at);

CREATE TABLE agent_runs (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES agent_conversations (id) ON DELETE CASCADE,
    agent_id        INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    request         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('queued', 'running', 'awaiting_approval',
                      'completed', 'failed', 'cancelled')),
    error           TEXT,
    estimate_millis INTEGER NOT NULL,
    reservation_id  INTEGER,
    cost_millis     INTEGER,
    queue_job_id    INTEGER,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    updated_at      TEXT NOT NULL
);
CREATE INDEX agent_runs_conversation_idx ON agent_runs (conversation_id, created_at);

CREATE TABLE agent_messages (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id TEXT NOT NULL REFERENCES agent_conversations (id) ON DELETE CASCADE,
    run_id          TEXT REFERENCES agent_runs (id) ON DELETE CASCADE,
    role            TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
    content         TEXT NOT NULL,
    data            TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX agent_messages_conversation_idx ON agent_messages (conversation_id, id);
CREATE INDEX agent_messages_run_idx ON agent_messages (run_id, id);

CREATE TABLE agent_tool_calls (
    run_id      TEXT NOT NULL REFERENCES agent_runs (id) ON DELETE CASCADE,
    call_id     TEXT NOT NULL,
    position    INTEGER NOT NULL,
    tool        TEXT NOT NULL,
    arguments   TEXT NOT NULL,
    summary     TEXT NOT NULL,
    gated       BOOLEAN NOT NULL,
    approved    BOOLEAN,
    result      TEXT,
    created_at  TEXT NOT NULL,
    finished_at TEXT,
    PRIMARY KEY (run_id, call_id)
);

CREATE TABLE agent_run_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id      TEXT NOT NULL REFERENCES agent_runs (id) ON DELETE CASCADE,
    event       TEXT NOT NULL,
    data        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX agent_run_events_run_idx ON agent_run_events (run_id, id);
