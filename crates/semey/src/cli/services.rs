//! `semey services nearest`: the finder from the command line (for operators checking the
//! directory, and for the benchmark, which repeats it from many points).

use crate::AppState;
use semey_domain::lang::Lang;
use semey_domain::place::Point;
use semey_domain::service::ServiceCategory;
use std::time::Instant;

/// Prints the nearest services to `lon`/`lat` (or to each of `repeat` points spread over the
/// region, for timing) and the median and 95th-percentile time of one search.
pub(super) async fn nearest(
    state: &AppState,
    lon: f64,
    lat: f64,
    category: Option<String>,
    limit: usize,
    repeat: usize,
) -> anyhow::Result<()> {
    let category = category
        .map(|c| ServiceCategory::parse(&c))
        .transpose()
        .map_err(|e| anyhow::anyhow!("--category: {e}"))?;
    let origin = Point::parse(lon, lat).map_err(|e| anyhow::anyhow!("--lon/--lat: {e}"))?;
    let now = time::OffsetDateTime::now_utc();
    let mut times = Vec::with_capacity(repeat.max(1));
    let mut found = Vec::new();
    for i in 0..repeat.max(1) {
        // The first search is from the asked point; the others walk a grid over the region so
        // that no two searches ask the same thing.
        let at = if i == 0 {
            origin
        } else {
            Point {
                lon: 76.5 + (i % 17) as f64 * 0.55,
                lat: 46.5 + (i / 17 % 11) as f64 * 0.5,
            }
        };
        let started = Instant::now();
        let f = crate::services::nearest(&state.store, at, category, now, limit).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        if i == 0 {
            found = f;
        }
    }
    for f in &found {
        println!(
            "{:>7.1} km  {:<60} {}",
            f.distance_km,
            f.service.name.best(Lang::En).unwrap_or_default(),
            f.service.phones.join(", ")
        );
    }
    eprintln!(
        "{} found; {} search(es): {}",
        found.len(),
        times.len(),
        super::timing::timings(&times)
    );
    Ok(())
}
