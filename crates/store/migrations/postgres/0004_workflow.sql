-- What editors propose: a new record or a change, waiting for a coordinator. The published
-- records stay in their own tables, untouched, until a proposal is published.
CREATE TABLE proposals (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL CHECK (record_type IN ('organisation', 'programme', 'requirement', 'transaction')),
    -- The published record it changes; none for a new record.
    record_id TEXT,
    -- The organisation whose editors may work on it.
    organisation_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned', 'published')),
    -- The record's input document (the API's JSON).
    content TEXT NOT NULL,
    reason TEXT,
    author_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- The record it became.
    published_id TEXT
);
CREATE INDEX proposals_state ON proposals (state);
CREATE INDEX proposals_organisation ON proposals (organisation_id);
