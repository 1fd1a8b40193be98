-- Agent Core's research topics, researched daily: a row for each agent that has topics, with
-- the conversation the rounds are kept in, the queue entry that runs the next round and when
-- it is due.
CREATE TABLE agent_daily_research (
    agent_id        BIGINT PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    conversation_id TEXT REFERENCES agent_conversations (id) ON DELETE SET NULL,
    queue_job_id    BIGINT,
    next_at         TIMESTAMPTZ NOT NULL,
    last_at         TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- The round of the agent's turns a tool call was asked for in: rules plan one round; a model
-- that calls tools asks for a round at each turn, and its conversation is rebuilt from them.
ALTER TABLE agent_tool_calls ADD COLUMN round INTEGER NOT NULL DEFAULT 1;
