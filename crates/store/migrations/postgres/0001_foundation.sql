-- Foundation schema (PostgreSQL). Keep in step with ../sqlite/0001_foundation.sql:
-- same tables, columns and meaning; only the column types differ.

CREATE TABLE places (
    id TEXT PRIMARY KEY,
    level TEXT NOT NULL CHECK (level IN ('country', 'region', 'district', 'settlement')),
    parent_id TEXT REFERENCES places (id),
    -- '/'-separated ids from the country down to this place: descendants share the prefix.
    path TEXT NOT NULL,
    kato TEXT,
    source_key TEXT NOT NULL UNIQUE,
    -- Hash of everything written, so a re-import can tell an unchanged place from an updated one.
    digest TEXT NOT NULL,
    name TEXT NOT NULL,
    search TEXT NOT NULL,
    lon DOUBLE PRECISION,
    lat DOUBLE PRECISION,
    min_lon DOUBLE PRECISION,
    min_lat DOUBLE PRECISION,
    max_lon DOUBLE PRECISION,
    max_lat DOUBLE PRECISION,
    geometry TEXT,
    population BIGINT,
    population_year BIGINT,
    population_source TEXT,
    source TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX places_level_kato ON places (level, kato);
CREATE INDEX places_parent ON places (parent_id);
CREATE INDEX places_path ON places (path);

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    iati_id TEXT UNIQUE,
    name TEXT NOT NULL,
    search TEXT NOT NULL,
    acronym TEXT,
    org_type BIGINT NOT NULL,
    country TEXT NOT NULL,
    mechanism_role TEXT,
    contacts TEXT NOT NULL,
    website TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    iati_identifier TEXT NOT NULL UNIQUE,
    parent_id TEXT REFERENCES programmes (id),
    reporting_org_id TEXT REFERENCES organisations (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    search TEXT NOT NULL,
    status BIGINT NOT NULL,
    planned_start DATE,
    planned_end DATE,
    actual_start DATE,
    actual_end DATE,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX programmes_parent ON programmes (parent_id);

CREATE TABLE programme_areas (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    share BIGINT NOT NULL,
    PRIMARY KEY (programme_id, area)
);
CREATE INDEX programme_areas_area ON programme_areas (area, programme_id);

CREATE TABLE programme_sectors (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    vocabulary TEXT NOT NULL,
    code TEXT NOT NULL,
    percentage BIGINT NOT NULL,
    PRIMARY KEY (programme_id, vocabulary, code)
);

CREATE TABLE programme_sdg_targets (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    target TEXT NOT NULL,
    PRIMARY KEY (programme_id, target)
);
CREATE INDEX programme_sdg_targets_target ON programme_sdg_targets (target);

CREATE TABLE programme_places (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    place_id TEXT NOT NULL REFERENCES places (id),
    percentage BIGINT,
    share BIGINT NOT NULL,
    PRIMARY KEY (programme_id, place_id)
);
CREATE INDEX programme_places_place ON programme_places (place_id);

CREATE TABLE programme_target_groups (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    target_group TEXT NOT NULL,
    PRIMARY KEY (programme_id, target_group)
);
CREATE INDEX programme_target_groups_group ON programme_target_groups (target_group);

CREATE TABLE programme_participants (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    role BIGINT NOT NULL,
    PRIMARY KEY (programme_id, organisation_id, role)
);
CREATE INDEX programme_participants_org ON programme_participants (organisation_id);

CREATE TABLE programme_policy_markers (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    code BIGINT NOT NULL,
    significance BIGINT NOT NULL,
    PRIMARY KEY (programme_id, code)
);

CREATE TABLE exchange_rates (
    currency TEXT NOT NULL,
    rate_date DATE NOT NULL,
    per_usd TEXT NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (currency, rate_date)
);

CREATE TABLE requirements (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    year BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_usd BIGINT NOT NULL,
    usd_rate TEXT NOT NULL,
    usd_rate_date DATE NOT NULL,
    usd_rate_source TEXT NOT NULL,
    amount_kzt BIGINT NOT NULL,
    kzt_rate TEXT NOT NULL,
    kzt_rate_date DATE NOT NULL,
    kzt_rate_source TEXT NOT NULL
);
CREATE INDEX requirements_programme ON requirements (programme_id);

CREATE TABLE transactions (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    reference TEXT,
    transaction_type BIGINT NOT NULL,
    measure TEXT NOT NULL,
    internal BOOLEAN NOT NULL,
    origin TEXT NOT NULL,
    tx_date DATE NOT NULL,
    value_date DATE NOT NULL,
    year BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    provider_org_id TEXT REFERENCES organisations (id),
    receiver_org_id TEXT REFERENCES organisations (id),
    provider_programme_id TEXT REFERENCES programmes (id),
    description TEXT NOT NULL,
    amount_usd BIGINT NOT NULL,
    usd_rate TEXT NOT NULL,
    usd_rate_date DATE NOT NULL,
    usd_rate_source TEXT NOT NULL,
    amount_kzt BIGINT NOT NULL,
    kzt_rate TEXT NOT NULL,
    kzt_rate_date DATE NOT NULL,
    kzt_rate_source TEXT NOT NULL
);
CREATE INDEX transactions_programme ON transactions (programme_id, tx_date);

-- Funding totals per programme, year, origin, provider and currency, kept up to date in the
-- same database transaction as every change to requirements or transactions, so summaries
-- read a few rows per programme instead of every transaction.
CREATE TABLE funding_rollup (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    provider_org_id TEXT NOT NULL,
    currency TEXT NOT NULL,
    required_usd BIGINT NOT NULL, required_kzt BIGINT NOT NULL,
    pledged_usd BIGINT NOT NULL, pledged_kzt BIGINT NOT NULL,
    committed_usd BIGINT NOT NULL, committed_kzt BIGINT NOT NULL,
    disbursed_usd BIGINT NOT NULL, disbursed_kzt BIGINT NOT NULL,
    spent_usd BIGINT NOT NULL, spent_kzt BIGINT NOT NULL,
    internal_committed_usd BIGINT NOT NULL, internal_committed_kzt BIGINT NOT NULL,
    internal_disbursed_usd BIGINT NOT NULL, internal_disbursed_kzt BIGINT NOT NULL,
    outgoing_usd BIGINT NOT NULL, outgoing_kzt BIGINT NOT NULL,
    PRIMARY KEY (programme_id, year, origin, provider_org_id, currency)
);

-- The same totals without provider and currency: what most summaries group on.
CREATE TABLE funding_rollup_year (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    required_usd BIGINT NOT NULL, required_kzt BIGINT NOT NULL,
    pledged_usd BIGINT NOT NULL, pledged_kzt BIGINT NOT NULL,
    committed_usd BIGINT NOT NULL, committed_kzt BIGINT NOT NULL,
    disbursed_usd BIGINT NOT NULL, disbursed_kzt BIGINT NOT NULL,
    spent_usd BIGINT NOT NULL, spent_kzt BIGINT NOT NULL,
    internal_committed_usd BIGINT NOT NULL, internal_committed_kzt BIGINT NOT NULL,
    internal_disbursed_usd BIGINT NOT NULL, internal_disbursed_kzt BIGINT NOT NULL,
    outgoing_usd BIGINT NOT NULL, outgoing_kzt BIGINT NOT NULL,
    PRIMARY KEY (programme_id, year, origin)
);

-- Money per thematic area, year and origin, with each programme's money split by its area
-- shares (fractions kept, rounded when read). Kept up to date in the same database transaction
-- as every change to money or to a programme's areas; unfiltered summaries by area, year and
-- origin read these few rows instead of the roll-ups.
CREATE TABLE funding_cube_area (
    area TEXT NOT NULL,
    year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    required_usd DOUBLE PRECISION NOT NULL, required_kzt DOUBLE PRECISION NOT NULL,
    pledged_usd DOUBLE PRECISION NOT NULL, pledged_kzt DOUBLE PRECISION NOT NULL,
    committed_usd DOUBLE PRECISION NOT NULL, committed_kzt DOUBLE PRECISION NOT NULL,
    disbursed_usd DOUBLE PRECISION NOT NULL, disbursed_kzt DOUBLE PRECISION NOT NULL,
    spent_usd DOUBLE PRECISION NOT NULL, spent_kzt DOUBLE PRECISION NOT NULL,
    internal_committed_usd DOUBLE PRECISION NOT NULL, internal_committed_kzt DOUBLE PRECISION NOT NULL,
    internal_disbursed_usd DOUBLE PRECISION NOT NULL, internal_disbursed_kzt DOUBLE PRECISION NOT NULL,
    outgoing_usd DOUBLE PRECISION NOT NULL, outgoing_kzt DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (area, year, origin)
);
