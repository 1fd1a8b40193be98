-- Idempotency keys: what a pre-charge request (a generation's trigger, a render) answered,
-- by the key its client sent, so a retry within a day gets the same answer and charges
-- nothing more. The row is written in the transaction that charges.
CREATE TABLE idempotency_keys (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    -- A digest of what was asked (the operation, its target and its body).
    fingerprint TEXT NOT NULL,
    response    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
