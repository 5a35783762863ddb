-- The results dashboard reads kept-current counts instead of scanning every indicator and
-- period. The status thresholds live in the database (set from the configuration when the
-- application opens it) so that every write classifies its indicator and keeps the counts.
CREATE TABLE results_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    on_track REAL NOT NULL,
    at_risk REAL NOT NULL
);
ALTER TABLE indicators ADD COLUMN status TEXT NOT NULL DEFAULT 'not_assessed';

-- Indicators per status by thematic area ('area') and by reporting organisation ('organisation').
CREATE TABLE results_status_rollup (
    by_kind TEXT NOT NULL,
    grp TEXT NOT NULL,
    status TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (by_kind, grp, status)
);

-- Reported actuals of shared count indicators summed by shared indicator, unit and year.
CREATE TABLE results_shared_rollup (
    shared TEXT NOT NULL,
    unit TEXT NOT NULL,
    year INTEGER NOT NULL,
    total REAL NOT NULL,
    PRIMARY KEY (shared, unit, year)
);
CREATE INDEX indicators_reason ON indicators (reason);
