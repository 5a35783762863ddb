//! How long repeated runs of a command took, as the benchmarks under `bench/` read it.

/// Times of repeated runs in milliseconds, in the order they ran, as the benchmarks read them:
/// the first run (cold), then the median and 95th percentile of all.
pub(super) fn timings(times: &[f64]) -> String {
    let Some(first) = times.first() else {
        return "no runs".into();
    };
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    format!(
        "first {first:.1} ms, median {:.1} ms, 95th percentile {:.1} ms",
        sorted[sorted.len() / 2],
        sorted[(sorted.len() * 95 / 100).min(sorted.len() - 1)]
    )
}
