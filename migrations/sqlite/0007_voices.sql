-- An agent's own voices: designed from a description or trained (cloned) from a sample.
-- `provider` says who speaks one: `local` (ace's own engines, tuned by `settings`) or
-- `elevenlabs` (`provider_voice_id` in the agent's ElevenLabs account).
CREATE TABLE voices (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id           INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    source             TEXT NOT NULL CHECK (source IN ('user_designed', 'user_trained')),
    name               TEXT NOT NULL,
    gender             TEXT,
    language           TEXT,
    description        TEXT,
    provider           TEXT NOT NULL CHECK (provider IN ('local', 'elevenlabs')),
    provider_voice_id  TEXT,
    settings           TEXT NOT NULL,
    sample_resource_id INTEGER REFERENCES content_resources (id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX voices_agent_idx ON voices (agent_id, id);

-- The candidates of the voice design flow, between generating samples and choosing one.
CREATE TABLE voice_design_candidates (
    id          TEXT PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    description TEXT,
    settings    TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX voice_design_candidates_created_idx ON voice_design_candidates (created_at);
