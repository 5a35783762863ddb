-- Each programme's money over all years and origins, kept with the roll-up it sums: what
-- reads many programmes' totals at once (a resolution's coverage) reads one row per programme.
CREATE TABLE funding_rollup_programme (
    programme_id TEXT PRIMARY KEY,
    required_usd BIGINT NOT NULL,
    required_kzt BIGINT NOT NULL,
    pledged_usd BIGINT NOT NULL,
    pledged_kzt BIGINT NOT NULL,
    committed_usd BIGINT NOT NULL,
    committed_kzt BIGINT NOT NULL,
    disbursed_usd BIGINT NOT NULL,
    disbursed_kzt BIGINT NOT NULL,
    spent_usd BIGINT NOT NULL,
    spent_kzt BIGINT NOT NULL,
    internal_committed_usd BIGINT NOT NULL,
    internal_committed_kzt BIGINT NOT NULL,
    internal_disbursed_usd BIGINT NOT NULL,
    internal_disbursed_kzt BIGINT NOT NULL,
    outgoing_usd BIGINT NOT NULL,
    outgoing_kzt BIGINT NOT NULL
);
INSERT INTO funding_rollup_programme (programme_id, required_usd, required_kzt, pledged_usd, pledged_kzt, committed_usd, committed_kzt, disbursed_usd, disbursed_kzt, spent_usd, spent_kzt, internal_committed_usd, internal_committed_kzt, internal_disbursed_usd, internal_disbursed_kzt, outgoing_usd, outgoing_kzt)
SELECT programme_id, CAST(SUM(required_usd) AS BIGINT), CAST(SUM(required_kzt) AS BIGINT), CAST(SUM(pledged_usd) AS BIGINT), CAST(SUM(pledged_kzt) AS BIGINT), CAST(SUM(committed_usd) AS BIGINT), CAST(SUM(committed_kzt) AS BIGINT), CAST(SUM(disbursed_usd) AS BIGINT), CAST(SUM(disbursed_kzt) AS BIGINT), CAST(SUM(spent_usd) AS BIGINT), CAST(SUM(spent_kzt) AS BIGINT), CAST(SUM(internal_committed_usd) AS BIGINT), CAST(SUM(internal_committed_kzt) AS BIGINT), CAST(SUM(internal_disbursed_usd) AS BIGINT), CAST(SUM(internal_disbursed_kzt) AS BIGINT), CAST(SUM(outgoing_usd) AS BIGINT), CAST(SUM(outgoing_kzt) AS BIGINT) FROM funding_rollup_year GROUP BY programme_id;
