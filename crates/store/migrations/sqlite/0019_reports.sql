-- Progress reports: the coordinators' draft (the record kept whole as JSON in `doc`) and the
-- versions frozen on publishing, one row per version and language, holding the whole document
-- as it was published (text, figures and the rows behind them), so it never changes afterwards.
CREATE TABLE reports (
    id TEXT PRIMARY KEY,
    doc TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE report_versions (
    report_id TEXT NOT NULL REFERENCES reports (id),
    number INTEGER NOT NULL,
    lang TEXT NOT NULL,
    published_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (report_id, number, lang)
);
