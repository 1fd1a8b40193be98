-- Step 2's ideas: what the agent proposes, one row an idea, in GEN's shape. `idea_number` is
-- its number in the set it was proposed in ("idea 3"), which refinement keeps; `data` holds
-- the selected assets, the project manifest, the inspiration sources and the rationale.
CREATE TABLE ideas (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    agent_id           INTEGER NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    idea_number        INTEGER NOT NULL,
    title              TEXT NOT NULL,
    hook               TEXT NOT NULL,
    full_script        TEXT NOT NULL,
    description        TEXT,
    video_type         TEXT NOT NULL CHECK (video_type IN ('any', 'talking_avatar', 'green_screen',
                         'montage', 'text_driven', 'pov_object', 'narrated_voice_over', 'split_screen', 'skit')),
    status             TEXT NOT NULL DEFAULT 'generated' CHECK (status IN ('generated',
                         'approve_to_create', 'ready_for_review', 'change_idea', 'change_video',
                         'rejected', 'approved_to_post', 'posted')),
    estimated_duration INTEGER,
    aspect_ratio       TEXT NOT NULL,
    data               TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX ideas_agent_created_idx ON ideas (agent_id, created_at);
