-- Which money changed when, so that a server holding the funding roll-ups in memory for filtered
-- summaries (crates/store/src/summaries.rs) reads again only what another writer changed, and
-- never answers from money older than the last commit. Every transaction that changed a
-- programme's roll-ups moves `version` on as the last thing before it commits and records the
-- programmes at that version; a change too large to list moves `everything` too.
CREATE TABLE funding_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL,
    everything BIGINT NOT NULL
);
INSERT INTO funding_version (id, version, everything) VALUES (1, 0, 0);

-- The version at which each programme's money last changed (one row per programme).
CREATE TABLE funding_changes (
    programme_id TEXT PRIMARY KEY REFERENCES programmes (id),
    version BIGINT NOT NULL
);
CREATE INDEX funding_changes_by_version ON funding_changes (version);
