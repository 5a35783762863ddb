//! `semey coverage SYMBOL`: what serves each paragraph of a resolution, timed (for
//! benchmarks).

use crate::AppState;
use semey_domain::ids::ResolutionId;
use std::time::Instant;

pub(super) async fn coverage(
    state: &AppState,
    symbol: String,
    repeat: usize,
) -> anyhow::Result<()> {
    let id = ResolutionId::of(symbol.trim());
    let mut times = Vec::with_capacity(repeat.max(1));
    let mut last = None;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        // What the coverage page and API do: the resolution, then its coverage.
        let r = state.store.resolution(id).await?;
        last = Some(crate::mandates::coverage::coverage(&state.store, &r).await?);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let c = last.expect("computed at least once");
    println!(
        "{:>9} {:<12} {:>11} {:>18} {:>18}",
        "paragraph", "action", "programmes", "committed USD", "disbursed USD"
    );
    for p in &c.paragraphs {
        println!(
            "{:>9} {:<12} {:>11} {:>18.0} {:>18.0}{}",
            p.mandate.number,
            p.mandate.action.as_str(),
            p.programme_ids.len(),
            p.usd.committed as f64 / 100.0,
            p.usd.disbursed as f64 / 100.0,
            if p.gap { "  gap" } else { "" }
        );
    }
    println!(
        "all paragraphs, each programme once: committed {:.0} USD, disbursed {:.0} USD",
        c.usd.committed as f64 / 100.0,
        c.usd.disbursed as f64 / 100.0
    );
    println!(
        "coverage of {} computed {} times: {}",
        c.symbol,
        times.len(),
        super::timing::timings(&times)
    );
    Ok(())
}
