-- Security events (invalid tokens, cross-site posts, failed and rate-limited sign-ins,
-- refusals) kept apart from the audit trail of changes, in bounded storage: repeats of the
-- same event from the same source within the same hour are one row with a count, a source
-- that tries many different targets in one hour has them counted under '…', an hour with more
-- sources than the store keeps counts the rest under '*', and hours older than the retention
-- are pruned (crates/store/src/security.rs). Writing one never moves the cached pages'
-- generation: a stream of made-up tokens cannot empty the page cache.
CREATE TABLE security_events (
    id INTEGER PRIMARY KEY,
    hour TEXT NOT NULL,
    address TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    user_id TEXT,
    count INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    detail TEXT,
    UNIQUE (hour, address, action, target)
);
CREATE INDEX security_events_by_address ON security_events (hour, address);
CREATE INDEX security_events_by_user ON security_events (user_id);
