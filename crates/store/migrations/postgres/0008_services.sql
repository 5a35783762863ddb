-- The services directory (HSDS-shaped). The service itself is kept whole as JSON (its texts in
-- four languages, schedules, contacts); the columns beside it are what lists filter and sort on.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    category TEXT NOT NULL,
    status TEXT NOT NULL,
    last_verified DATE NOT NULL,
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
    location_idx BIGINT,
    place_id TEXT REFERENCES places (id),
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
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
-- list is no longer repeated in a CHECK that every new kind would have to change.
ALTER TABLE proposals DROP CONSTRAINT IF EXISTS proposals_record_type_check;
