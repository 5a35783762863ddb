-- Resolutions of the General Assembly and their operative paragraphs as mandates. Texts are
-- kept in every language they came in (JSON objects keyed by language).
CREATE TABLE resolutions (
    id TEXT PRIMARY KEY,
    symbol TEXT NOT NULL UNIQUE,
    session BIGINT NOT NULL,
    title TEXT NOT NULL,
    adopted_on DATE,
    -- JSON array of the symbols the preamble recalls.
    recalls TEXT NOT NULL,
    previous_id TEXT REFERENCES resolutions (id),
    -- JSON array of the preambular paragraphs' texts.
    preamble TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE mandates (
    id TEXT PRIMARY KEY,
    resolution_id TEXT NOT NULL REFERENCES resolutions (id),
    number BIGINT NOT NULL,
    text TEXT NOT NULL,
    action TEXT NOT NULL,
    -- JSON array of addressees' codes.
    addressees TEXT NOT NULL,
    report_session BIGINT,
    deadline DATE,
    -- A coordinator set the action, addressees or deadline: a new import keeps them.
    corrected BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (resolution_id, number)
);
