//! The figures behind every paragraph of a resolution, kept current: per mandate, its
//! programmes' money and its indicators by status (through its programmes and linked
//! directly, each indicator once); per resolution, the money of every programme serving any of
//! its paragraphs, each programme once. A write marks on its transaction what it changed
//! ([`Stale`]); the figures of the mandates that touches are summed again once, just before the
//! transaction commits, so a bulk import sums them once and not per row. A resolution's
//! coverage then reads a row per paragraph. See ARCHITECTURE.md, "Summaries are never stale".

use crate::db::{bind_args, on_tx, Arg, Sql, Tx, MANY};
use crate::error::Result;
use crate::rollups::MEASURES;

/// The mandates a programme serves now, and those its indicators serve directly: what must be
/// marked before its links change.
pub(crate) async fn mandates_of_programme(tx: &mut Tx, programme: &str) -> Result<Vec<String>> {
    let rows: Vec<String> = on_tx!(tx, c => sqlx::query_scalar(
        "SELECT mandate_id FROM programme_mandates WHERE programme_id = $1 \
         UNION SELECT l.mandate_id FROM mandate_links l JOIN indicators i ON l.kind = 'indicator' AND i.id = l.record_id \
         WHERE i.programme_id = $2")
        .bind(programme).bind(programme).fetch_all(&mut *c).await)?;
    Ok(rows)
}

/// `AND {column} IN (…)` for the mandates summed again; nothing when every one is.
fn within(q: &mut Sql, column: &str, mandates: &Option<Vec<String>>) {
    if let Some(m) = mandates {
        q.push(&format!(" AND {column} IN "));
        q.list(m.iter().map(|id| Arg::Text(id.clone())));
    }
}

/// Sums again the figures of the mandates `tx` touched, and of their resolutions.
pub(crate) async fn refresh(tx: &mut Tx) -> Result<()> {
    let stale = std::mem::take(&mut tx.stale);
    if stale.is_empty() {
        return Ok(());
    }
    let mandates: Option<Vec<String>> = if stale.all {
        None
    } else {
        let mut set = stale.mandates;
        let programmes: Vec<String> = stale.programmes.into_iter().collect();
        for chunk in programmes.chunks(MANY) {
            let args = || chunk.iter().map(|p| Arg::Text(p.clone()));
            let mut q =
                Sql::new("SELECT mandate_id FROM programme_mandates WHERE programme_id IN ");
            q.list(args());
            q.push(
                " UNION SELECT l.mandate_id FROM mandate_links l JOIN indicators i ON l.kind = 'indicator' \
                 AND i.id = l.record_id WHERE i.programme_id IN ",
            );
            q.list(args());
            let found: Vec<String> = on_tx!(tx, c => bind_args!(sqlx::query_scalar(&q.text), q.args).fetch_all(&mut *c).await)?;
            set.extend(found);
        }
        if set.is_empty() {
            return Ok(());
        }
        (set.len() <= MANY).then(|| set.into_iter().collect())
    };
    let sums = |table: &str| {
        MEASURES
            .iter()
            .map(|m| format!("CAST(COALESCE(SUM({table}.{m}_usd), 0) AS BIGINT)"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let cols = MEASURES
        .iter()
        .map(|m| format!("{m}_usd"))
        .collect::<Vec<_>>()
        .join(", ");

    let mut statements = Vec::new();
    let mut q = Sql::new("DELETE FROM mandate_figures WHERE 1 = 1");
    within(&mut q, "mandate_id", &mandates);
    statements.push(q);
    let mut q = Sql::new(&format!(
        "INSERT INTO mandate_figures (mandate_id, programmes, {cols}) SELECT pm.mandate_id, COUNT(*), {} \
         FROM programme_mandates pm LEFT JOIN funding_rollup_programme r ON r.programme_id = pm.programme_id WHERE 1 = 1",
        sums("r")
    ));
    within(&mut q, "pm.mandate_id", &mandates);
    q.push(" GROUP BY pm.mandate_id");
    statements.push(q);

    let mut q = Sql::new("DELETE FROM mandate_status WHERE 1 = 1");
    within(&mut q, "mandate_id", &mandates);
    statements.push(q);
    let mut q = Sql::new(
        "INSERT INTO mandate_status (mandate_id, status, n) SELECT mandate_id, status, CAST(SUM(n) AS BIGINT) FROM (\
         SELECT pm.mandate_id, s.status, s.n FROM programme_mandates pm \
         JOIN results_status_rollup s ON s.by_kind = 'programme' AND s.grp = pm.programme_id WHERE 1 = 1",
    );
    within(&mut q, "pm.mandate_id", &mandates);
    q.push(
        " UNION ALL SELECT l.mandate_id, i.status, 1 FROM mandate_links l \
         JOIN indicators i ON l.kind = 'indicator' AND i.id = l.record_id \
         WHERE NOT EXISTS (SELECT 1 FROM programme_mandates pm WHERE pm.programme_id = i.programme_id AND pm.mandate_id = l.mandate_id)",
    );
    within(&mut q, "l.mandate_id", &mandates);
    q.push(") u GROUP BY mandate_id, status HAVING SUM(n) > 0");
    statements.push(q);

    // Their resolutions: every programme serving any paragraph, once.
    let resolutions = |q: &mut Sql, column: &str| {
        if let Some(m) = &mandates {
            q.push(&format!(
                " AND {column} IN (SELECT resolution_id FROM mandates WHERE id IN "
            ));
            q.list(m.iter().map(|id| Arg::Text(id.clone())));
            q.push(")");
        }
    };
    let mut q = Sql::new("DELETE FROM resolution_figures WHERE 1 = 1");
    resolutions(&mut q, "resolution_id");
    statements.push(q);
    let mut q = Sql::new(&format!(
        "INSERT INTO resolution_figures (resolution_id, programmes, {cols}) SELECT x.resolution_id, COUNT(*), {} FROM (\
         SELECT DISTINCT m.resolution_id, pm.programme_id FROM programme_mandates pm JOIN mandates m ON m.id = pm.mandate_id WHERE 1 = 1",
        sums("r")
    ));
    resolutions(&mut q, "m.resolution_id");
    q.push(
        ") x LEFT JOIN funding_rollup_programme r ON r.programme_id = x.programme_id GROUP BY x.resolution_id",
    );
    statements.push(q);

    for q in statements {
        on_tx!(tx, c => bind_args!(sqlx::query(&q.text), q.args).execute(&mut *c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
