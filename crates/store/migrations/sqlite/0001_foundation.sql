-- Foundation schema (SQLite). Keep in step with ../postgres/0001_foundation.sql:
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
    lon REAL,
    lat REAL,
    min_lon REAL,
    min_lat REAL,
    max_lon REAL,
    max_lat REAL,
    geometry TEXT,
    population INTEGER,
    population_year INTEGER,
    population_source TEXT,
    source TEXT NOT NULL,
    updated_at TEXT NOT NULL
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
    org_type INTEGER NOT NULL,
    country TEXT NOT NULL,
    mechanism_role TEXT,
    contacts TEXT NOT NULL,
    website TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    iati_identifier TEXT NOT NULL UNIQUE,
    parent_id TEXT REFERENCES programmes (id),
    reporting_org_id TEXT REFERENCES organisations (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    search TEXT NOT NULL,
    status INTEGER NOT NULL,
    planned_start TEXT,
    planned_end TEXT,
    actual_start TEXT,
    actual_end TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX programmes_parent ON programmes (parent_id);

CREATE TABLE programme_areas (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    area TEXT NOT NULL,
    share INTEGER NOT NULL,
    PRIMARY KEY (programme_id, area)
);
CREATE INDEX programme_areas_area ON programme_areas (area, programme_id);

CREATE TABLE programme_sectors (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    vocabulary TEXT NOT NULL,
    code TEXT NOT NULL,
    percentage INTEGER NOT NULL,
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
    percentage INTEGER,
    share INTEGER NOT NULL,
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
    role INTEGER NOT NULL,
    PRIMARY KEY (programme_id, organisation_id, role)
);
CREATE INDEX programme_participants_org ON programme_participants (organisation_id);

CREATE TABLE programme_policy_markers (
    programme_id TEXT NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    code INTEGER NOT NULL,
    significance INTEGER NOT NULL,
    PRIMARY KEY (programme_id, code)
);

-- Exchange rates are never changed in place: a correction supersedes the old row, which stays
-- for the money that was converted with it.
CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL,
    rate_date TEXT NOT NULL,
    per_usd TEXT NOT NULL,
    source TEXT NOT NULL,
    superseded INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exchange_rates_current ON exchange_rates (currency, rate_date) WHERE NOT superseded;

CREATE TABLE requirements (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    description TEXT NOT NULL,
    amount_usd INTEGER NOT NULL,
    -- The rate used; none for amounts already in USD.
    usd_rate_id INTEGER REFERENCES exchange_rates (id),
    amount_kzt INTEGER NOT NULL,
    kzt_rate_id INTEGER NOT NULL REFERENCES exchange_rates (id)
);
CREATE INDEX requirements_programme ON requirements (programme_id);

CREATE TABLE transactions (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    reference TEXT,
    transaction_type INTEGER NOT NULL,
    measure TEXT NOT NULL,
    internal INTEGER NOT NULL,
    origin TEXT NOT NULL,
    tx_date TEXT NOT NULL,
    value_date TEXT NOT NULL,
    year INTEGER NOT NULL,
    amount INTEGER NOT NULL,
    currency TEXT NOT NULL,
    provider_org_id TEXT REFERENCES organisations (id),
    receiver_org_id TEXT REFERENCES organisations (id),
    provider_programme_id TEXT REFERENCES programmes (id),
    description TEXT NOT NULL,
    amount_usd INTEGER NOT NULL,
    -- The rate used; none for amounts already in USD.
    usd_rate_id INTEGER REFERENCES exchange_rates (id),
    amount_kzt INTEGER NOT NULL,
    kzt_rate_id INTEGER NOT NULL REFERENCES exchange_rates (id)
) WITHOUT ROWID;
-- Clustered by id, whose first bytes come from the programme (see domain `transaction_key`).
CREATE INDEX transactions_programme ON transactions (programme_id, tx_date);

-- Funding totals per programme, year and origin, kept up to date in the same database
-- transaction as every change to requirements or transactions, so summaries read a few rows per
-- programme instead of every transaction.
CREATE TABLE funding_rollup_year (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    year INTEGER NOT NULL,
    origin TEXT NOT NULL,
    required_usd INTEGER NOT NULL, required_kzt INTEGER NOT NULL,
    pledged_usd INTEGER NOT NULL, pledged_kzt INTEGER NOT NULL,
    committed_usd INTEGER NOT NULL, committed_kzt INTEGER NOT NULL,
    disbursed_usd INTEGER NOT NULL, disbursed_kzt INTEGER NOT NULL,
    spent_usd INTEGER NOT NULL, spent_kzt INTEGER NOT NULL,
    internal_committed_usd INTEGER NOT NULL, internal_committed_kzt INTEGER NOT NULL,
    internal_disbursed_usd INTEGER NOT NULL, internal_disbursed_kzt INTEGER NOT NULL,
    outgoing_usd INTEGER NOT NULL, outgoing_kzt INTEGER NOT NULL,
    PRIMARY KEY (programme_id, year, origin)
);

-- Money per thematic area, year and origin, with each programme's money split by its area
-- shares (fractions kept, rounded when read). Kept up to date in the same database transaction
-- as every change to money or to a programme's areas; unfiltered summaries by area, year and
-- origin read these few rows instead of the roll-ups.
CREATE TABLE funding_cube_area (
    area TEXT NOT NULL,
    year INTEGER NOT NULL,
    origin TEXT NOT NULL,
    required_usd REAL NOT NULL, required_kzt REAL NOT NULL,
    pledged_usd REAL NOT NULL, pledged_kzt REAL NOT NULL,
    committed_usd REAL NOT NULL, committed_kzt REAL NOT NULL,
    disbursed_usd REAL NOT NULL, disbursed_kzt REAL NOT NULL,
    spent_usd REAL NOT NULL, spent_kzt REAL NOT NULL,
    internal_committed_usd REAL NOT NULL, internal_committed_kzt REAL NOT NULL,
    internal_disbursed_usd REAL NOT NULL, internal_disbursed_kzt REAL NOT NULL,
    outgoing_usd REAL NOT NULL, outgoing_kzt REAL NOT NULL,
    PRIMARY KEY (area, year, origin)
);
