//! `semey search rebuild` and `semey search query`: the search index from the command line.

use super::progress::Bar;
use crate::search::{Search, SearchQuery};
use crate::AppState;
use semey_domain::lang::Lang;
use std::time::Instant;

/// Tells every running server to rebuild its index, and rebuilds the one in `search_dir`
/// here unless a server holds it (in memory when none is configured: a check that the whole
/// database indexes, and how long it takes).
pub(super) async fn rebuild(state: &AppState) -> anyhow::Result<()> {
    state.store.request_search_rebuild().await?;
    let dir = Some(state.config.search_dir.as_str()).filter(|d| !d.is_empty());
    let search = match dir.map(|d| Search::open(Some(std::path::Path::new(d)))) {
        None => state.search.clone(),
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            println!(
                "every running server rebuilds its index now; {} is in use ({e})",
                dir.unwrap_or_default()
            );
            return Ok(());
        }
    };
    let started = Instant::now();
    let n = search.rebuild(&state.store, &mut Bar(None)).await?;
    println!(
        "search index rebuilt: {n} documents in {:.1} s{}; running servers rebuild theirs",
        started.elapsed().as_secs_f64(),
        dir.map(|d| format!(" in {d}")).unwrap_or_default()
    );
    Ok(())
}

/// Prints the hits of a question (and, repeated, the median and 95th-percentile time of one
/// answer).
pub(super) async fn query(
    state: &AppState,
    text: String,
    lang: &str,
    limit: usize,
    repeat: usize,
) -> anyhow::Result<()> {
    let lang: Lang = lang
        .parse()
        .map_err(|_| anyhow::anyhow!("--lang: kk, ru, en or zh"))?;
    let q = SearchQuery {
        text,
        lang,
        filters: Vec::new(),
        offset: 0,
        limit,
    };
    state.search.catch_up_now(&state.store).await?;
    let mut times = Vec::with_capacity(repeat.max(1));
    let mut answer = None;
    for _ in 0..repeat.max(1) {
        let started = Instant::now();
        let a = state.search.search(&state.store, q.clone()).await?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        answer.get_or_insert(a);
    }
    let answer = answer.expect("asked at least once");
    for h in &answer.hits {
        println!("{:<13} {:<70} {}", h.kind.as_str(), h.title, h.href);
    }
    eprintln!(
        "{} found; {} search(es): {}",
        answer.total,
        times.len(),
        super::timing::timings(&times)
    );
    Ok(())
}
