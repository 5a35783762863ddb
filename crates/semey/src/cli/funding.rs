//! `semey summary`: a funding summary as a table, timed (for benchmarks).

use crate::AppState;
use semey_domain::Lang;
use std::time::Instant;
pub(super) async fn summary(
    state: &AppState,
    group_by: String,
    currency: String,
    repeat: usize,
    limit: i64,
) -> anyhow::Result<()> {
    {
        let dims = crate::api::parse_dimensions(&group_by)
            .map_err(|m| anyhow::anyhow!("--group-by: {m}"))?;
        let mut times = Vec::with_capacity(repeat.max(1));
        let mut summary = None;
        for _ in 0..repeat.max(1) {
            let started = Instant::now();
            summary = Some(
                crate::funding::summary_page(
                    &state.store,
                    &dims,
                    &Default::default(),
                    Lang::En,
                    (limit > 0).then(|| semey_store::Page {
                        limit: limit.min(semey_store::Page::MAX_LIMIT),
                        offset: 0,
                    }),
                )
                .await?,
            );
            times.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        let s = summary.expect("computed at least once");
        let kzt = currency.eq_ignore_ascii_case("KZT");
        println!(
            "{:<50} {:>16} {:>16} {:>16} {:>16} {:>8}",
            "group", "required", "committed", "disbursed", "gap", "% funded"
        );
        let fmt = |v: i64| format!("{:.0}", v as f64 / 100.0);
        for g in s.groups.iter() {
            let name: Vec<String> = g
                .key
                .iter()
                .map(|(k, v)| {
                    g.labels
                        .get(k)
                        .cloned()
                        .or(v.clone())
                        .unwrap_or_else(|| "—".into())
                })
                .collect();
            let t = if kzt { &g.money.kzt } else { &g.money.usd };
            let pct = t
                .percent_funded
                .map(|p| format!("{p:.1}"))
                .unwrap_or_else(|| "—".into());
            let label: String = name.join(" / ").chars().take(50).collect();
            println!(
                "{label:<50} {:>16} {:>16} {:>16} {:>16} {pct:>8}",
                fmt(t.sums.required),
                fmt(t.sums.committed),
                fmt(t.sums.disbursed),
                fmt(t.gap)
            );
        }
        let t = if kzt { &s.total.kzt } else { &s.total.usd };
        println!(
            "{:<50} {:>16} {:>16} {:>16} {:>16}",
            "TOTAL",
            fmt(t.sums.required),
            fmt(t.sums.committed),
            fmt(t.sums.disbursed),
            fmt(t.gap)
        );
        eprintln!(
            "{} groups; {} run(s): {}",
            s.groups.len(),
            times.len(),
            super::timing::timings(&times)
        );
    }
    Ok(())
}
