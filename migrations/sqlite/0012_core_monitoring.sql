-- Agent Core's monitored sources driving content monitoring: an opt-in per agent (off, so a
-- free edit of the canvas never starts paid scrapes by itself), and which monitoring job
-- watches which item on which platform. An item deleted leaves its job unlinked, to be
-- turned off.
ALTER TABLE agents ADD COLUMN monitors_core_items BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE knowledge_monitors (
    user_job_id       INTEGER PRIMARY KEY REFERENCES user_jobs (id) ON DELETE CASCADE,
    agent_id          INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    monitored_item_id INTEGER REFERENCES agent_monitored_items (id) ON DELETE SET NULL,
    platform          TEXT NOT NULL CHECK (platform IN ('tiktok', 'instagram', 'youtube'))
);
CREATE INDEX knowledge_monitors_agent_idx ON knowledge_monitors (agent_id);
