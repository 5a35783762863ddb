//! Judged relevance: a set of questions with the answers each should find (a TSV file, see
//! `bench/search/judged.tsv`), asked of the index, scored as precision at 5 and recall at 10.

use super::model::{Hit, SearchQuery};
use crate::AppError;
use semey_domain::lang::Lang;
use semey_domain::search::SearchKind;
use semey_domain::FieldError;

/// One judged question.
#[derive(Debug, Clone)]
pub struct Judged {
    pub line: usize,
    pub lang: Lang,
    pub question: String,
    /// (kind, words of the English title) of each relevant answer.
    pub relevant: Vec<(SearchKind, String)>,
}

/// How one question fared.
#[derive(Debug, Clone)]
pub struct Scored {
    pub judged: Judged,
    pub found: u64,
    /// Relevant answers among the first 5 hits, over 5.
    pub precision_at_5: f64,
    /// Relevant answers among the first 10 hits, over the relevant answers.
    pub recall_at_10: f64,
    /// One over the rank of the first relevant hit among the first 10 (0 when none).
    pub reciprocal_rank: f64,
}

/// Reads a judged set; every bad line is named.
pub fn read(text: &str) -> Result<Vec<Judged>, AppError> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |m: String| FieldError::new(format!("line {n}"), "judged_line", m);
        let cols: Vec<&str> = line.split('\t').collect();
        let [lang, question, relevant] = cols[..] else {
            errors.push(bad(
                "expected three tab-separated columns: language, question, answers".into(),
            ));
            continue;
        };
        let Ok(lang) = lang.parse::<Lang>() else {
            errors.push(bad(format!("{lang:?} is not kk, ru, en or zh")));
            continue;
        };
        let mut answers = Vec::new();
        for a in relevant.split(" | ") {
            match a
                .split_once(':')
                .map(|(k, t)| (k.parse::<SearchKind>(), t.trim()))
            {
                Some((Ok(kind), title)) if !title.is_empty() => {
                    answers.push((kind, title.to_lowercase()))
                }
                _ => errors.push(bad(format!("{a:?} is not kind:title words"))),
            }
        }
        out.push(Judged {
            line: n,
            lang,
            question: question.to_owned(),
            relevant: answers,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(AppError::Import(errors))
    }
}

fn is_relevant(hit: &Hit, relevant: &[(SearchKind, String)]) -> bool {
    let title = hit.titles.get(Lang::En).unwrap_or_default().to_lowercase();
    relevant
        .iter()
        .any(|(kind, words)| *kind == hit.kind && title.contains(words.as_str()))
}

/// The question as the search is asked it: the first ten hits, in its reader's language.
pub fn question(j: &Judged) -> SearchQuery {
    SearchQuery {
        text: j.question.clone(),
        lang: j.lang,
        filters: Vec::new(),
        offset: 0,
        limit: 10,
        audience: semey_store::Audience::Public,
    }
}

/// Scores the answer to one question.
pub fn score(j: &Judged, found: u64, hits: &[Hit]) -> Scored {
    // Each judged answer counts once, however many hits it matches (two places are called
    // Semey).
    let found_in = |n: usize| {
        hits.iter()
            .take(n)
            .filter(|h| is_relevant(h, &j.relevant))
            .count()
            .min(j.relevant.len())
    };
    let (top5, top10) = (found_in(5), found_in(10));
    Scored {
        judged: j.clone(),
        found,
        precision_at_5: top5 as f64 / 5.0,
        recall_at_10: top10 as f64 / j.relevant.len().max(1) as f64,
        reciprocal_rank: hits
            .iter()
            .take(10)
            .position(|h| is_relevant(h, &j.relevant))
            .map_or(0.0, |i| 1.0 / (i + 1) as f64),
    }
}

/// Means of the scores, overall and for one language.
#[derive(Debug, Clone, Copy)]
pub struct Means {
    pub questions: usize,
    pub precision_at_5: f64,
    /// The highest mean precision at 5 these questions allow (a question with two relevant
    /// answers scores at most 2 / 5).
    pub best_precision_at_5: f64,
    pub recall_at_10: f64,
    pub mean_reciprocal_rank: f64,
}

pub fn means(scored: &[Scored], lang: Option<Lang>) -> Means {
    let chosen: Vec<&Scored> = scored
        .iter()
        .filter(|s| lang.is_none_or(|l| s.judged.lang == l))
        .collect();
    let n = chosen.len().max(1) as f64;
    let mean = |f: &dyn Fn(&Scored) -> f64| chosen.iter().map(|s| f(s)).sum::<f64>() / n;
    Means {
        questions: chosen.len(),
        precision_at_5: mean(&|s| s.precision_at_5),
        best_precision_at_5: mean(&|s| s.judged.relevant.len().min(5) as f64 / 5.0),
        recall_at_10: mean(&|s| s.recall_at_10),
        mean_reciprocal_rank: mean(&|s| s.reciprocal_rank),
    }
}
