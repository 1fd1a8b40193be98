-- Vidsheets: engines (spreadsheets) with their columns, rows, cells and video layers; the
-- template library; global variables; and the jobs (GEN: user jobs) that fill cells and
-- layers. SQLite dialect; migrations/postgres has the same file name and meaning.

CREATE TABLE spreadsheets (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    -- NULL for the engine behind a library template.
    agent_id     INTEGER REFERENCES agents (id) ON DELETE CASCADE,
    -- The template this engine was cloned from, if any (no foreign key: templates come and go).
    template_id  INTEGER,
    slug         TEXT NOT NULL,
    uuid         TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    is_default   BOOLEAN NOT NULL DEFAULT FALSE,
    status       TEXT NOT NULL DEFAULT 'active',
    aspect_ratio TEXT NOT NULL DEFAULT '9:16',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE UNIQUE INDEX spreadsheets_slug_key ON spreadsheets (agent_id, slug);
CREATE UNIQUE INDEX spreadsheets_default_key ON spreadsheets (agent_id) WHERE is_default;
CREATE INDEX spreadsheets_template_idx ON spreadsheets (template_id);

CREATE TABLE spreadsheet_columns (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    spreadsheet_id        INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    title                 TEXT NOT NULL,
    temp_title            TEXT,
    kind                  TEXT NOT NULL CHECK (kind IN ('text', 'image', 'video', 'audio', 'stats')),
    column_role           TEXT NOT NULL CHECK (column_role IN ('ingredient', 'video', 'final_video', 'stats')),
    description           TEXT,
    position              INTEGER NOT NULL,
    additional_attributes TEXT NOT NULL DEFAULT '{}',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX spreadsheet_columns_sheet_idx ON spreadsheet_columns (spreadsheet_id, position);

CREATE TABLE spreadsheet_rows (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    spreadsheet_id        INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    position              INTEGER NOT NULL,
    additional_attributes TEXT NOT NULL DEFAULT '{}',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX spreadsheet_rows_sheet_idx ON spreadsheet_rows (spreadsheet_id, position);

CREATE TABLE spreadsheet_cells (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    spreadsheet_id        INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    row_id                INTEGER NOT NULL REFERENCES spreadsheet_rows (id) ON DELETE CASCADE,
    column_id             INTEGER NOT NULL REFERENCES spreadsheet_columns (id) ON DELETE CASCADE,
    value                 TEXT,
    additional_attributes TEXT NOT NULL DEFAULT '{}',
    default_user_job_id   INTEGER,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (row_id, column_id)
);
CREATE INDEX spreadsheet_cells_sheet_idx ON spreadsheet_cells (spreadsheet_id);
CREATE INDEX spreadsheet_cells_column_idx ON spreadsheet_cells (column_id);

CREATE TABLE video_layers (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    spreadsheet_id        INTEGER NOT NULL REFERENCES spreadsheets (id) ON DELETE CASCADE,
    cell_id               INTEGER NOT NULL REFERENCES spreadsheet_cells (id) ON DELETE CASCADE,
    name                  TEXT NOT NULL,
    kind                  TEXT NOT NULL CHECK (kind IN ('text', 'clip', 'sound', 'caption', 'image', 'shape')),
    position              INTEGER NOT NULL,
    additional_attributes TEXT NOT NULL DEFAULT '{}',
    default_user_job_id   INTEGER,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX video_layers_sheet_idx ON video_layers (spreadsheet_id);
CREATE INDEX video_layers_cell_idx ON video_layers (cell_id, position);

CREATE TABLE templates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    slug           TEXT NOT NULL UNIQUE,
    uuid           TEXT NOT NULL UNIQUE,
    spreadsheet_id INTEGER REFERENCES spreadsheets (id) ON DELETE SET NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL,
    video_type     TEXT NOT NULL,
    cover          TEXT,
    tutorial_url   TEXT,
    tags           TEXT NOT NULL DEFAULT '[]',
    -- SHA-256 of the data file the template was last loaded from.
    checksum       TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE global_variable_sheets (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    spreadsheet_id INTEGER NOT NULL UNIQUE REFERENCES spreadsheets (id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE TABLE global_variables (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sheet_id   INTEGER NOT NULL REFERENCES global_variable_sheets (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    -- The key case-folded: keys are unique ignoring case.
    key_fold   TEXT NOT NULL,
    value      TEXT NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (sheet_id, key_fold)
);

CREATE TABLE user_jobs (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id              INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    spreadsheet_id        INTEGER REFERENCES spreadsheets (id) ON DELETE CASCADE,
    cell_id               INTEGER REFERENCES spreadsheet_cells (id) ON DELETE CASCADE,
    layer_id              INTEGER REFERENCES video_layers (id) ON DELETE CASCADE,
    user_job_type         TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'stopped')),
    data                  TEXT NOT NULL DEFAULT '{}',
    result                TEXT,
    failed_reason         TEXT,
    execution_cost_millis INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX user_jobs_sheet_idx ON user_jobs (spreadsheet_id);
CREATE INDEX user_jobs_cell_idx ON user_jobs (cell_id);
CREATE INDEX user_jobs_layer_idx ON user_jobs (layer_id);

-- The job that generated a resource, if any (GEN: the resource's generator).
ALTER TABLE content_resources ADD COLUMN user_job_id INTEGER REFERENCES user_jobs (id) ON DELETE SET NULL;
CREATE INDEX content_resources_job_idx ON content_resources (user_job_id);
CREATE INDEX content_resources_project_idx ON content_resources (project_id);
