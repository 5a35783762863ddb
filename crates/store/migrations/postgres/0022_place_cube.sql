-- Money per place, year and origin, with each programme's money split by its place shares
-- (a programme with no place counts whole under ''); kept current like the area cube
-- (crates/store/src/rollups.rs, `SPLIT_CUBES`). Unfiltered summaries by place, at any level,
-- read these rows (a level through the places' paths) instead of the roll-ups.
CREATE TABLE funding_cube_place (
    place_id TEXT NOT NULL,
    year BIGINT NOT NULL,
    origin TEXT NOT NULL,
    required_usd DOUBLE PRECISION NOT NULL,
    required_kzt DOUBLE PRECISION NOT NULL,
    pledged_usd DOUBLE PRECISION NOT NULL,
    pledged_kzt DOUBLE PRECISION NOT NULL,
    committed_usd DOUBLE PRECISION NOT NULL,
    committed_kzt DOUBLE PRECISION NOT NULL,
    disbursed_usd DOUBLE PRECISION NOT NULL,
    disbursed_kzt DOUBLE PRECISION NOT NULL,
    spent_usd DOUBLE PRECISION NOT NULL,
    spent_kzt DOUBLE PRECISION NOT NULL,
    internal_committed_usd DOUBLE PRECISION NOT NULL,
    internal_committed_kzt DOUBLE PRECISION NOT NULL,
    internal_disbursed_usd DOUBLE PRECISION NOT NULL,
    internal_disbursed_kzt DOUBLE PRECISION NOT NULL,
    outgoing_usd DOUBLE PRECISION NOT NULL,
    outgoing_kzt DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (place_id, year, origin)
);

INSERT INTO funding_cube_place (place_id, year, origin, required_usd, required_kzt, pledged_usd, pledged_kzt, committed_usd, committed_kzt, disbursed_usd, disbursed_kzt, spent_usd, spent_kzt, internal_committed_usd, internal_committed_kzt, internal_disbursed_usd, internal_disbursed_kzt, outgoing_usd, outgoing_kzt)
SELECT COALESCE(s.place_id, ''), r.year, r.origin, SUM(r.required_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.required_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.pledged_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.pledged_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.committed_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.committed_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.disbursed_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.disbursed_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.spent_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.spent_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.internal_committed_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.internal_committed_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.internal_disbursed_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.internal_disbursed_kzt * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.outgoing_usd * COALESCE(s.share, 10000) * 1.0 / 10000), SUM(r.outgoing_kzt * COALESCE(s.share, 10000) * 1.0 / 10000)
FROM funding_rollup_year r LEFT JOIN programme_places s ON s.programme_id = r.programme_id
GROUP BY COALESCE(s.place_id, ''), r.year, r.origin;
