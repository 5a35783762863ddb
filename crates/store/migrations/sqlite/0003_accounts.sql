-- Accounts, sessions, API tokens and the audit trail.

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    -- Lower-cased; the sign-in name.
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    -- Argon2id, PHC string.
    password_hash TEXT NOT NULL,
    administrator BOOLEAN NOT NULL DEFAULT FALSE,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    -- Failed sign-ins since the last success, and until when sign-in is refused.
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

-- A user's one role, in an organisation: coordinator (every organisation's records),
-- editor or viewer (their organisation's).
CREATE TABLE memberships (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    organisation_id TEXT REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'editor', 'viewer'))
);
CREATE INDEX memberships_organisation ON memberships (organisation_id);

-- Server-side sessions; the cookie carries a random secret whose SHA-256 is the key.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    address TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Tokens for machine clients, scoped to an organisation and a role; stored hashed.
CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id TEXT REFERENCES organisations (id),
    role TEXT NOT NULL CHECK (role IN ('coordinator', 'editor', 'viewer')),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Append-only: written in the same database transaction as the change it records.
CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id TEXT,
    -- 'session:<first 8 hex of the session hash>' or 'token:<id>' or 'cli'.
    via TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id);
CREATE INDEX audit_log_user ON audit_log (user_id);
