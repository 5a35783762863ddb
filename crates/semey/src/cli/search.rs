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
        audience: semey_store::Audience::All,
    };
    state.search.catch_up(&state.store).await?;
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

/// Scores the search on a judged set: each question's precision at 5 and recall at 10, then
/// the means per language and overall.
pub(super) async fn judge(
    state: &AppState,
    file: &std::path::Path,
    rules: crate::search::Rules,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let set = crate::search::judged::read(&text)?;
    let search = Search::open_with(None, rules)?;
    let scored = search.judge(&state.store, &set).await?;
    println!(
        "{:<4} {:>5} {:>5} {:>5} {:>6}  question",
        "lang", "P@5", "R@10", "RR", "found"
    );
    for s in &scored {
        println!(
            "{:<4} {:>5.2} {:>5.2} {:>5.2} {:>6}  {}",
            s.judged.lang.code(),
            s.precision_at_5,
            s.recall_at_10,
            s.reciprocal_rank,
            s.found,
            s.judged.question
        );
    }
    for lang in Lang::ALL.map(Some).into_iter().chain([None]) {
        let m = crate::search::judged::means(&scored, lang);
        println!(
            "{:<4} {:>3} questions: precision at 5 {:.3} (at best {:.3}), recall at 10 {:.3}, mean reciprocal rank {:.3}",
            lang.map(|l| l.code()).unwrap_or("all"),
            m.questions,
            m.precision_at_5,
            m.best_precision_at_5,
            m.recall_at_10,
            m.mean_reciprocal_rank
        );
    }
    let empty: Vec<&str> = scored
        .iter()
        .filter(|s| s.found == 0)
        .map(|s| s.judged.question.as_str())
        .collect();
    if !empty.is_empty() {
        anyhow::bail!("questions that found nothing: {}", empty.join("; "));
    }
    Ok(())
}
