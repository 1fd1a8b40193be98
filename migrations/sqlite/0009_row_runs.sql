-- Row runs: a row's cells generated in the order their creation cards depend on each other,
-- then the row's video rendered; and batches of them over many rows. Each generated cell is
-- an ordinary generation (user job) that points back at its run.

CREATE TABLE row_run_batches (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id          INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id   INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    spreadsheet_id    INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    -- Whose run it is: its generations are started as this user.
    user_id           INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    max_parallel_rows INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'stopped')),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    finished_at       TEXT
);
CREATE INDEX row_run_batches_sheet_idx ON row_run_batches (spreadsheet_id, id);

CREATE TABLE row_runs (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id             INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id      INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    spreadsheet_id       INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    row_id               INTEGER NOT NULL REFERENCES spreadsheet_rows (id) ON DELETE CASCADE,
    user_id              INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    batch_id             INTEGER REFERENCES row_run_batches (id) ON DELETE CASCADE,
    force                BOOLEAN NOT NULL DEFAULT FALSE,
    -- queued: waits in its batch for a free place; then as generations.
    status               TEXT NOT NULL CHECK (status IN ('queued', 'pending', 'processing', 'completed', 'failed', 'stopped')),
    failed_reason        TEXT,
    -- The columns (ids) the render takes its layers' sources from.
    render_needs         TEXT NOT NULL DEFAULT '[]',
    render_generation_id INTEGER REFERENCES user_jobs (id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    finished_at          TEXT
);
CREATE INDEX row_runs_row_idx ON row_runs (row_id, id);
CREATE INDEX row_runs_batch_idx ON row_runs (batch_id, status);

CREATE TABLE row_run_steps (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id          INTEGER NOT NULL REFERENCES row_runs (id) ON DELETE CASCADE,
    position        INTEGER NOT NULL,
    column_id       INTEGER NOT NULL,
    column_title    TEXT NOT NULL,
    generation_type TEXT NOT NULL,
    model           TEXT,
    -- The steps (column ids) this one waits for.
    depends_on      TEXT NOT NULL DEFAULT '[]',
    -- waiting: not started yet; kept: the cell had a value, kept; started: its generation
    -- says the rest; skipped: a step it needs failed, or the run stopped; refused: starting
    -- its generation was refused (the reason says why).
    state           TEXT NOT NULL CHECK (state IN ('waiting', 'kept', 'started', 'skipped', 'refused')),
    generation_id   INTEGER REFERENCES user_jobs (id) ON DELETE SET NULL,
    reason          TEXT
);
CREATE INDEX row_run_steps_run_idx ON row_run_steps (run_id, position);

-- The run a generation (a step, or the render) belongs to.
ALTER TABLE user_jobs ADD COLUMN row_run_id INTEGER REFERENCES row_runs (id) ON DELETE SET NULL;
