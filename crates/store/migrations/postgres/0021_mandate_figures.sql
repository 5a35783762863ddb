-- What stands behind each paragraph of a resolution, kept current (crates/store/src/
-- mandate_figures.rs): per mandate, the money of the programmes serving it (in USD) and its
-- indicators by status, through its programmes and linked directly, each indicator once; per
-- resolution, the money of every programme serving any of its paragraphs, each programme once.
-- Summed again for the mandates a transaction touched, just before it commits.
CREATE TABLE mandate_figures (
    mandate_id TEXT PRIMARY KEY REFERENCES mandates (id),
    programmes BIGINT NOT NULL,
    required_usd BIGINT NOT NULL,
    pledged_usd BIGINT NOT NULL,
    committed_usd BIGINT NOT NULL,
    disbursed_usd BIGINT NOT NULL,
    spent_usd BIGINT NOT NULL,
    internal_committed_usd BIGINT NOT NULL,
    internal_disbursed_usd BIGINT NOT NULL,
    outgoing_usd BIGINT NOT NULL
);

CREATE TABLE mandate_status (
    mandate_id TEXT NOT NULL REFERENCES mandates (id),
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (mandate_id, status)
);

CREATE TABLE resolution_figures (
    resolution_id TEXT PRIMARY KEY REFERENCES resolutions (id),
    programmes BIGINT NOT NULL,
    required_usd BIGINT NOT NULL,
    pledged_usd BIGINT NOT NULL,
    committed_usd BIGINT NOT NULL,
    disbursed_usd BIGINT NOT NULL,
    spent_usd BIGINT NOT NULL,
    internal_committed_usd BIGINT NOT NULL,
    internal_disbursed_usd BIGINT NOT NULL,
    outgoing_usd BIGINT NOT NULL
);

-- Indicators by status per programme too, next to the counts by area and by organisation.
INSERT INTO results_status_rollup (by_kind, grp, status, n)
SELECT 'programme', programme_id, status, COUNT(*) FROM indicators GROUP BY programme_id, status;

-- Links read by paragraph: the programmes in order, without visiting the table.
CREATE INDEX programme_mandates_by_mandate ON programme_mandates (mandate_id, programme_id);
DROP INDEX programme_mandates_mandate;

INSERT INTO mandate_figures (mandate_id, programmes, required_usd, pledged_usd, committed_usd, disbursed_usd, spent_usd, internal_committed_usd, internal_disbursed_usd, outgoing_usd)
SELECT pm.mandate_id, COUNT(*), CAST(COALESCE(SUM(r.required_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.pledged_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.committed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.disbursed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.spent_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.internal_committed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.internal_disbursed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.outgoing_usd), 0) AS BIGINT)
FROM programme_mandates pm LEFT JOIN funding_rollup_programme r ON r.programme_id = pm.programme_id
GROUP BY pm.mandate_id;

INSERT INTO mandate_status (mandate_id, status, n)
SELECT mandate_id, status, CAST(SUM(n) AS BIGINT) FROM (
    SELECT pm.mandate_id, s.status, s.n FROM programme_mandates pm
    JOIN results_status_rollup s ON s.by_kind = 'programme' AND s.grp = pm.programme_id
    UNION ALL
    SELECT l.mandate_id, i.status, 1 FROM mandate_links l
    JOIN indicators i ON l.kind = 'indicator' AND i.id = l.record_id
    WHERE NOT EXISTS (SELECT 1 FROM programme_mandates pm WHERE pm.programme_id = i.programme_id AND pm.mandate_id = l.mandate_id)
) u GROUP BY mandate_id, status HAVING SUM(n) > 0;

INSERT INTO resolution_figures (resolution_id, programmes, required_usd, pledged_usd, committed_usd, disbursed_usd, spent_usd, internal_committed_usd, internal_disbursed_usd, outgoing_usd)
SELECT x.resolution_id, COUNT(*), CAST(COALESCE(SUM(r.required_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.pledged_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.committed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.disbursed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.spent_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.internal_committed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.internal_disbursed_usd), 0) AS BIGINT), CAST(COALESCE(SUM(r.outgoing_usd), 0) AS BIGINT) FROM (
    SELECT DISTINCT m.resolution_id, pm.programme_id FROM programme_mandates pm JOIN mandates m ON m.id = pm.mandate_id
) x LEFT JOIN funding_rollup_programme r ON r.programme_id = x.programme_id
GROUP BY x.resolution_id;
