-- The services directory (HSDS-shaped). The service itself is kept whole as JSON (its texts in
-- four languages, schedules, contacts); the columns beside it are what lists filter and sort on.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    last_verified TEXT NOT NULL,
    -- Lower-cased names in every language, for the text filter.
    search TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX services_category ON services (category, status);
CREATE INDEX services_organisation ON services (organisation_id);
CREATE INDEX services_verified ON services (last_verified);

-- Where each service can be met: its locations (location_idx) and the villages its outreach
-- visits go to (location_idx NULL), with the point the finder measures distances from.
CREATE TABLE service_points (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    location_idx INTEGER,
    place_id TEXT REFERENCES places (id),
    lon REAL,
    lat REAL,
    category TEXT NOT NULL
);
CREATE INDEX service_points_service ON service_points (service_id);
CREATE INDEX service_points_category ON service_points (category, lat);
CREATE INDEX service_points_place ON service_points (place_id);

-- The programmes that fund each service.
CREATE TABLE service_programmes (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    PRIMARY KEY (service_id, programme_id)
);
CREATE INDEX service_programmes_programme ON service_programmes (programme_id);

-- Services are proposed like the other organisations' records. The kinds a proposal may hold
-- are the domain's `RecordKind` (the store refuses an unknown name when it reads one), so the
-- list is no longer repeated in a CHECK that every new kind would have to rebuild.
CREATE TABLE proposals_new (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    record_id TEXT,
    organisation_id TEXT,
    state TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'approved', 'returned', 'published')),
    content TEXT NOT NULL,
    reason TEXT,
    author_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    published_id TEXT
);
INSERT INTO proposals_new (id, record_type, record_id, organisation_id, state, content, reason, author_id, created_at, updated_at, published_id)
    SELECT id, record_type, record_id, organisation_id, state, content, reason, author_id, created_at, updated_at, published_id FROM proposals;
DROP TABLE proposals;
ALTER TABLE proposals_new RENAME TO proposals;
CREATE INDEX proposals_state ON proposals (state);
CREATE INDEX proposals_organisation ON proposals (organisation_id);
