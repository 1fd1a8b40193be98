-- Users an operator gives a password (ace admin set-password) sign in to the web console with
-- it. Only an Argon2id hash in PHC form is kept; NULL: no password (API keys and JWTs only).
ALTER TABLE users ADD COLUMN password_hash TEXT;
