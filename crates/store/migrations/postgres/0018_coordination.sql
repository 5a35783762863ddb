-- The coordination mechanism: bodies, their meetings, the decisions taken there and the action
-- items that follow. Each row keeps its record whole as JSON in `doc` (what the record path
-- audits), beside the columns that lists filter and sort on.
CREATE TABLE bodies (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE body_members (
    body_id TEXT NOT NULL REFERENCES bodies (id),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (body_id, organisation_id)
);
CREATE INDEX body_members_organisation ON body_members (organisation_id);
CREATE TABLE meetings (
    id TEXT PRIMARY KEY,
    body_id TEXT NOT NULL REFERENCES bodies (id),
    -- Kazakhstan wall-clock time, 'YYYY-MM-DDTHH:MM' (sorts as text).
    starts_at TEXT NOT NULL,
    published BOOLEAN NOT NULL DEFAULT FALSE,
    doc TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meetings_start ON meetings (starts_at);
CREATE INDEX meetings_body ON meetings (body_id, starts_at);
CREATE TABLE decisions (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    number BIGINT NOT NULL,
    doc TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (meeting_id, number)
);
CREATE TABLE decision_programmes (
    decision_id TEXT NOT NULL REFERENCES decisions (id),
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (decision_id, programme_id)
);
CREATE INDEX decision_programmes_programme ON decision_programmes (programme_id);
CREATE TABLE action_items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES meetings (id),
    decision_id TEXT REFERENCES decisions (id),
    owner_organisation_id TEXT NOT NULL REFERENCES organisations (id),
    deadline DATE NOT NULL,
    status TEXT NOT NULL,
    doc TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX action_items_owner ON action_items (owner_organisation_id, status, deadline);
CREATE INDEX action_items_meeting ON action_items (meeting_id);
CREATE INDEX action_items_deadline ON action_items (status, deadline);
-- The mandates a decision, an action item or a service serves (kind 'decision', 'action_item'
-- or 'service').
CREATE TABLE mandate_links (
    kind TEXT NOT NULL,
    record_id TEXT NOT NULL,
    mandate_id TEXT NOT NULL REFERENCES mandates (id),
    PRIMARY KEY (kind, record_id, mandate_id)
);
CREATE INDEX mandate_links_mandate ON mandate_links (mandate_id);
