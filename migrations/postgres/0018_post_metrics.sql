-- How a published post performs: TikTok's figures for it, read back on a schedule (hourly for
-- two days, then daily for a month). The video cell names the row whose STATS cell shows them;
-- `readings` counts the readings done, and the next reading must be the one after it.
CREATE TABLE post_metrics (
    user_job_id    BIGINT PRIMARY KEY REFERENCES user_jobs (id) ON DELETE CASCADE,
    agent_id       BIGINT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    video_cell_id  BIGINT REFERENCES spreadsheet_cells (id) ON DELETE SET NULL,
    account_id     BIGINT NOT NULL,
    platform       TEXT NOT NULL,
    post_id        TEXT NOT NULL,
    views          BIGINT,
    likes          BIGINT,
    comments       BIGINT,
    shares         BIGINT,
    readings       BIGINT NOT NULL DEFAULT 0,
    read_at        TIMESTAMPTZ,
    next_at        TIMESTAMPTZ,
    stopped        TEXT,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX post_metrics_cell_idx ON post_metrics (video_cell_id);
