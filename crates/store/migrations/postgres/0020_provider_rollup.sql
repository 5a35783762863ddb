-- Money by the organisation it came from and the currency it was reported in, kept current
-- in the transaction of every write of money like the area cube (see ARCHITECTURE.md,
-- "Summaries are never stale"): per programme, year, origin, provider and currency (what a
-- programme's share is taken out with when its money changes, and what filtered summaries by
-- provider or currency read), and summed over programmes (what unfiltered ones read: a few
-- rows per organisation instead of every transaction). '' stands for no provider.
CREATE TABLE funding_rollup_provider (
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    provider_org_id TEXT NOT NULL,
    currency TEXT NOT NULL,
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
    outgoing_kzt BIGINT NOT NULL,
    PRIMARY KEY (programme_id, year, origin, provider_org_id, currency)
);

CREATE TABLE funding_cube_provider (
    provider_org_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    currency TEXT NOT NULL,
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
    outgoing_kzt BIGINT NOT NULL,
    PRIMARY KEY (provider_org_id, year, origin, currency)
);

-- The requirements and transactions counted by the domain's rules (crates/store/src/rollups.rs,
-- `rollup_source`), as the roll-up of every later write is.
INSERT INTO funding_rollup_provider (programme_id, year, origin, provider_org_id, currency, required_usd, required_kzt, pledged_usd, pledged_kzt, committed_usd, committed_kzt, disbursed_usd, disbursed_kzt, spent_usd, spent_kzt, internal_committed_usd, internal_committed_kzt, internal_disbursed_usd, internal_disbursed_kzt, outgoing_usd, outgoing_kzt)
SELECT programme_id, year, origin, provider_org_id, currency, CAST(SUM(required_usd) AS BIGINT), CAST(SUM(required_kzt) AS BIGINT), CAST(SUM(pledged_usd) AS BIGINT), CAST(SUM(pledged_kzt) AS BIGINT), CAST(SUM(committed_usd) AS BIGINT), CAST(SUM(committed_kzt) AS BIGINT), CAST(SUM(disbursed_usd) AS BIGINT), CAST(SUM(disbursed_kzt) AS BIGINT), CAST(SUM(spent_usd) AS BIGINT), CAST(SUM(spent_kzt) AS BIGINT), CAST(SUM(internal_committed_usd) AS BIGINT), CAST(SUM(internal_committed_kzt) AS BIGINT), CAST(SUM(internal_disbursed_usd) AS BIGINT), CAST(SUM(internal_disbursed_kzt) AS BIGINT), CAST(SUM(outgoing_usd) AS BIGINT), CAST(SUM(outgoing_kzt) AS BIGINT) FROM (
    SELECT programme_id, year, '' AS origin, '' AS provider_org_id, currency, amount_usd AS required_usd, amount_kzt AS required_kzt, 0 AS pledged_usd, 0 AS pledged_kzt, 0 AS committed_usd, 0 AS committed_kzt, 0 AS disbursed_usd, 0 AS disbursed_kzt, 0 AS spent_usd, 0 AS spent_kzt, 0 AS internal_committed_usd, 0 AS internal_committed_kzt, 0 AS internal_disbursed_usd, 0 AS internal_disbursed_kzt, 0 AS outgoing_usd, 0 AS outgoing_kzt FROM requirements
    UNION ALL
    SELECT programme_id, year, origin, COALESCE(provider_org_id, '') AS provider_org_id, currency, 0 AS required_usd, 0 AS required_kzt, CASE WHEN (measure = 'pledged' AND NOT internal) THEN amount_usd ELSE 0 END AS pledged_usd, CASE WHEN (measure = 'pledged' AND NOT internal) THEN amount_kzt ELSE 0 END AS pledged_kzt, CASE WHEN (measure = 'committed' AND NOT internal) THEN amount_usd ELSE 0 END AS committed_usd, CASE WHEN (measure = 'committed' AND NOT internal) THEN amount_kzt ELSE 0 END AS committed_kzt, CASE WHEN (measure = 'disbursed' AND NOT internal) THEN amount_usd ELSE 0 END AS disbursed_usd, CASE WHEN (measure = 'disbursed' AND NOT internal) THEN amount_kzt ELSE 0 END AS disbursed_kzt, CASE WHEN (measure = 'spent' AND NOT internal) THEN amount_usd ELSE 0 END AS spent_usd, CASE WHEN (measure = 'spent' AND NOT internal) THEN amount_kzt ELSE 0 END AS spent_kzt, CASE WHEN (measure = 'committed' AND internal) THEN amount_usd ELSE 0 END AS internal_committed_usd, CASE WHEN (measure = 'committed' AND internal) THEN amount_kzt ELSE 0 END AS internal_committed_kzt, CASE WHEN (measure = 'disbursed' AND internal) THEN amount_usd ELSE 0 END AS internal_disbursed_usd, CASE WHEN (measure = 'disbursed' AND internal) THEN amount_kzt ELSE 0 END AS internal_disbursed_kzt, CASE WHEN (measure = 'outgoing' AND NOT internal) OR (measure = 'outgoing' AND internal) THEN amount_usd ELSE 0 END AS outgoing_usd, CASE WHEN (measure = 'outgoing' AND NOT internal) OR (measure = 'outgoing' AND internal) THEN amount_kzt ELSE 0 END AS outgoing_kzt FROM transactions
) u GROUP BY programme_id, year, origin, provider_org_id, currency;

INSERT INTO funding_cube_provider (provider_org_id, year, origin, currency, required_usd, required_kzt, pledged_usd, pledged_kzt, committed_usd, committed_kzt, disbursed_usd, disbursed_kzt, spent_usd, spent_kzt, internal_committed_usd, internal_committed_kzt, internal_disbursed_usd, internal_disbursed_kzt, outgoing_usd, outgoing_kzt)
SELECT provider_org_id, year, origin, currency, CAST(SUM(required_usd) AS BIGINT), CAST(SUM(required_kzt) AS BIGINT), CAST(SUM(pledged_usd) AS BIGINT), CAST(SUM(pledged_kzt) AS BIGINT), CAST(SUM(committed_usd) AS BIGINT), CAST(SUM(committed_kzt) AS BIGINT), CAST(SUM(disbursed_usd) AS BIGINT), CAST(SUM(disbursed_kzt) AS BIGINT), CAST(SUM(spent_usd) AS BIGINT), CAST(SUM(spent_kzt) AS BIGINT), CAST(SUM(internal_committed_usd) AS BIGINT), CAST(SUM(internal_committed_kzt) AS BIGINT), CAST(SUM(internal_disbursed_usd) AS BIGINT), CAST(SUM(internal_disbursed_kzt) AS BIGINT), CAST(SUM(outgoing_usd) AS BIGINT), CAST(SUM(outgoing_kzt) AS BIGINT) FROM funding_rollup_provider
GROUP BY provider_org_id, year, origin, currency;
