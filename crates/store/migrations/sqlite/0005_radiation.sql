-- Radiation measurements, their provenance, the conversion table and the statistics kept for
-- maps and places. A measurement keeps its raw value and unit; dose rates in µSv/h are derived
-- through radiation_factors, and the statistics are rebuilt when a factor changes.

CREATE TABLE radiation_factors (
    tube TEXT NOT NULL,
    version INTEGER NOT NULL,
    cpm_per_usv_h REAL NOT NULL CHECK (cpm_per_usv_h > 0),
    source TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (tube, version)
);
INSERT INTO radiation_factors VALUES
    ('LND 7317', 1, 334.0, 'Safecast bGeigie firmware constant since 2016 (350 before)', '2026-11-21T00:00:00Z'),
    ('LND 7318', 1, 334.0, 'Safecast', '2026-11-21T00:00:00Z'),
    ('LND 7128', 1, 108.0, 'Safecast', '2026-11-21T00:00:00Z');

CREATE TABLE radiation_datasets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    licence TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    url TEXT,
    created_at TEXT NOT NULL
);

-- One loaded file.
CREATE TABLE radiation_imports (
    id INTEGER PRIMARY KEY,
    dataset_id INTEGER NOT NULL REFERENCES radiation_datasets (id),
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    format TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    rows_read INTEGER NOT NULL,
    inserted INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    -- The import's report (counts by reason, with lines), as JSON.
    report TEXT NOT NULL
);
CREATE INDEX radiation_imports_dataset ON radiation_imports (dataset_id);

CREATE TABLE radiation_devices (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    name TEXT NOT NULL,
    tube TEXT,
    UNIQUE (source, name)
);

-- Written only by the store's import path, in bulk: import_id and device_id are not declared as
-- foreign keys so that tens of millions of rows are not each checked against tables the same
-- transaction has just written.
CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    device_id INTEGER NOT NULL,
    t INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    precision_m REAL,
    height_m REAL,
    unit INTEGER NOT NULL,
    nuclide TEXT NOT NULL DEFAULT '',
    value REAL NOT NULL,
    flags INTEGER NOT NULL DEFAULT 0
);
-- The identity of a reading: its device (and so its source), time, position and what it measures.
CREATE UNIQUE INDEX measurements_identity ON measurements (device_id, t, lat, lon, unit, nuclide);

-- Hexagon statistics of dose rates (µSv/h), all readings.
CREATE TABLE radiation_bins (
    resolution INTEGER NOT NULL,
    cell INTEGER NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    n INTEGER NOT NULL,
    median_usv_h REAL NOT NULL,
    p95_usv_h REAL NOT NULL,
    max_usv_h REAL NOT NULL,
    newest INTEGER NOT NULL,
    oldest INTEGER NOT NULL,
    histogram TEXT NOT NULL,
    PRIMARY KEY (resolution, cell)
);
CREATE INDEX radiation_bins_position ON radiation_bins (resolution, lat, lon);

-- Statistics of dose rates per place and year of the reading.
CREATE TABLE radiation_place_stats (
    place_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    n INTEGER NOT NULL,
    max_usv_h REAL NOT NULL,
    newest INTEGER NOT NULL,
    oldest INTEGER NOT NULL,
    histogram TEXT NOT NULL,
    PRIMARY KEY (place_id, year)
);
