-- Results monitoring. A result is kept whole as JSON with its indicators; each indicator has a
-- row with what lists, sums and statuses need, and its periods rows of their own (targets and
-- actuals as JSON, with their numbers beside them for sums); splits by dimension are rows too,
-- so values add up by place.
CREATE TABLE results (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    result_type TEXT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX results_programme ON results (programme_id);

CREATE TABLE indicators (
    id TEXT PRIMARY KEY,
    result_id TEXT NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    measure TEXT NOT NULL,
    ascending INTEGER NOT NULL,
    unit TEXT NOT NULL,
    shared TEXT,
    people_reached INTEGER NOT NULL,
    -- Where it stands, kept current by every write of the indicator or its periods, and the
    -- day that was worked out for (a period that ends changes it: refreshed when that day has
    -- passed). The status follows from the reason and the ratio with the configured thresholds.
    reason TEXT NOT NULL,
    ratio REAL,
    assessment TEXT NOT NULL,
    assessed_on TEXT NOT NULL
);
CREATE INDEX indicators_programme ON indicators (programme_id);
CREATE INDEX indicators_shared ON indicators (shared);
CREATE INDEX indicators_assessed ON indicators (assessed_on);

CREATE TABLE indicator_periods (
    indicator_id TEXT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    target TEXT,
    actual TEXT,
    target_number REAL,
    actual_number REAL,
    PRIMARY KEY (indicator_id, period_start)
);

CREATE TABLE indicator_splits (
    indicator_id TEXT NOT NULL,
    period_start TEXT NOT NULL,
    figure TEXT NOT NULL CHECK (figure IN ('target', 'actual')),
    dimension TEXT NOT NULL,
    split_key TEXT NOT NULL,
    number REAL NOT NULL,
    FOREIGN KEY (indicator_id, period_start) REFERENCES indicator_periods (indicator_id, period_start) ON DELETE CASCADE
);
CREATE INDEX indicator_splits_period ON indicator_splits (indicator_id, period_start);
CREATE INDEX indicator_splits_key ON indicator_splits (dimension, split_key);
