//! What the index holds of each kind: one record read from the store becomes the documents
//! search finds (none when it is gone or not public). Published records only: proposals and
//! drafts live apart until approved, and meetings until published.

use super::model::SearchDoc;
use crate::AppError;
use semey_domain::lang::{Lang, LocalText};
use semey_domain::search::SearchKind;
use semey_store::Store;
use std::collections::BTreeSet;

fn same(text: impl Into<String>) -> LocalText {
    let text = text.into();
    let mut t = LocalText::new();
    for l in Lang::ALL {
        t.set(l, text.clone());
    }
    t
}

fn join(parts: &[&LocalText]) -> LocalText {
    let mut out = LocalText::new();
    for l in Lang::ALL {
        let text: Vec<&str> = parts.iter().filter_map(|p| p.get(l)).collect();
        out.set(l, text.join("\n"));
    }
    out
}

fn years(from: Option<time::Date>, to: Option<time::Date>) -> Vec<i32> {
    match (from, to) {
        (Some(a), Some(b)) if b.year() >= a.year() && b.year() - a.year() < 50 => {
            (a.year()..=b.year()).collect()
        }
        (Some(a), _) => vec![a.year()],
        (None, Some(b)) => vec![b.year()],
        (None, None) => Vec::new(),
    }
}

/// Every spelling of these places' names, for the folded field ("Semipalatinsk" finds what
/// is in Semey).
async fn place_names(store: &Store, ids: &[String]) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(p) = gone(store.place(parse(id)?).await)? {
            out.extend(
                Lang::ALL
                    .iter()
                    .filter_map(|l| p.name.get(*l).map(str::to_owned)),
            );
        }
    }
    Ok(out)
}

/// The most of a document's text the index reads (its first half megabyte): a longer text's
/// rest is not searched, and snippets stay quick to cut.
const INDEXED_TEXT_BYTES: usize = 512 * 1024;

fn head(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The language a text without a stated one is most likely in, from its letters: Chinese
/// characters, Kazakh's own letters, Cyrillic, else English.
fn guess_language(text: &str) -> Lang {
    let sample = head(text, 20_000);
    let han = sample
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .count();
    let cyrillic = sample
        .chars()
        .filter(|c| ('\u{0400}'..='\u{04FF}').contains(c))
        .count();
    let latin = sample.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if han > 0 && han * 2 >= cyrillic.max(latin) / 2 {
        Lang::Zh
    } else if cyrillic > latin {
        if semey_domain::search::has_kazakh_letters(sample) {
            Lang::Kk
        } else {
            Lang::Ru
        }
    } else {
        Lang::En
    }
}

fn parse<T: std::str::FromStr>(id: &str) -> Result<T, AppError> {
    id.parse().map_err(|_| AppError::bad_parameter("id", id))
}

fn gone<T>(r: Result<T, semey_store::StoreError>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(semey_store::StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The documents of one record of a kind, by the id the feed names.
pub async fn documents(
    store: &Store,
    kind: SearchKind,
    id: &str,
) -> Result<Vec<SearchDoc>, AppError> {
    if id.parse::<uuid::Uuid>().is_err() {
        return Ok(Vec::new());
    }
    let doc = |kind: SearchKind, href: String| SearchDoc {
        kind,
        id: id.to_owned(),
        href,
        title: LocalText::new(),
        body: LocalText::new(),
        extra: Vec::new(),
        areas: Vec::new(),
        places: Vec::new(),
        years: Vec::new(),
        organisations: Vec::new(),
        languages: Vec::new(),
        private_to: None,
    };
    Ok(match kind {
        SearchKind::Programme => {
            let Some(p) = gone(store.programme(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let mut d = doc(kind, format!("/programmes/{id}"));
            d.title = p.title.clone();
            d.body = p.description.clone();
            d.places = p.places.iter().map(|x| x.place_id.to_string()).collect();
            d.extra.push(p.iati_identifier.clone());
            d.extra.extend(place_names(store, &d.places).await?);
            d.areas = p.areas.iter().map(|a| a.as_str().to_owned()).collect();
            d.years = years(
                p.dates.actual_start.or(p.dates.planned_start),
                p.dates.actual_end.or(p.dates.planned_end),
            );
            let orgs: BTreeSet<String> = p
                .reporting_org_id
                .iter()
                .map(|o| o.to_string())
                .chain(p.participants.iter().map(|x| x.organisation_id.to_string()))
                .collect();
            d.organisations = orgs.into_iter().collect();
            vec![d]
        }
        SearchKind::Organisation => {
            let Some(o) = gone(store.organisation(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let mut d = doc(kind, format!("/stakeholders/{id}"));
            d.title = o.name.clone();
            d.extra.extend(o.acronym.clone());
            d.extra.extend(o.iati_id.clone());
            d.organisations = vec![id.to_owned()];
            vec![d]
        }
        SearchKind::Place => {
            let Some(p) = gone(store.place(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let mut d = doc(kind, format!("/places/{id}"));
            d.title = p.name.clone();
            d.extra.extend(p.kato.as_ref().map(|k| k.to_string()));
            d.places = vec![id.to_owned()];
            vec![d]
        }
        SearchKind::Service => {
            let Some(s) = gone(store.service(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let mut d = doc(kind, format!("/services/{id}"));
            d.title = s.name.clone();
            d.body = join(&[&s.description, &s.eligibility, &s.application_process]);
            d.places = s
                .locations
                .iter()
                .filter_map(|l| l.place_id.map(|p| p.to_string()))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            d.extra.extend(place_names(store, &d.places).await?);
            d.extra
                .extend(s.locations.iter().map(|l| l.address.clone()));
            d.organisations = vec![s.organisation_id.to_string()];
            vec![d]
        }
        SearchKind::Mandate => {
            let mut tx = store.begin_read().await?;
            let m = gone(store.mandate_in(&mut tx, parse(id)?).await)?;
            drop(tx);
            let Some(m) = m else { return Ok(Vec::new()) };
            let Some(r) = gone(store.resolution(m.resolution_id).await)? else {
                return Ok(Vec::new());
            };
            let mut d = doc(kind, format!("/mandates/{id}"));
            d.title = same(format!("{} ¶{}", r.symbol, m.number));
            d.body = m.text.clone();
            d.extra.push(r.symbol.clone());
            d.years.extend(r.adopted_on.map(|a| a.year()));
            vec![d]
        }
        SearchKind::Meeting => {
            let Some(m) = gone(store.meeting(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            if !m.published {
                return Ok(Vec::new());
            }
            let mut d = doc(kind, format!("/meetings/{id}"));
            d.title = m.title.clone();
            let agenda: Vec<&LocalText> = m.agenda.iter().map(|a| &a.title).collect();
            let mut parts = vec![&m.minutes, &m.venue];
            parts.extend(agenda);
            d.body = join(&parts);
            d.years = vec![m.starts_at.year()];
            d.places = m.place_id.iter().map(|p| p.to_string()).collect();
            d.extra.extend(place_names(store, &d.places).await?);
            vec![d]
        }
        SearchKind::Decision => {
            let Some(x) = gone(store.decision(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let Some(m) = gone(store.meeting(x.meeting_id).await)? else {
                return Ok(Vec::new());
            };
            if !m.published {
                return Ok(Vec::new());
            }
            let mut d = doc(kind, format!("/meetings/{}#decision-{}", m.id, x.number));
            let mut title = LocalText::new();
            for l in Lang::ALL {
                if let Some(t) = m.title.get(l) {
                    title.set(l, format!("{t} — {}", x.number));
                }
            }
            d.title = title;
            d.body = x.text.clone();
            d.years = vec![m.starts_at.year()];
            vec![d]
        }
        SearchKind::Document => {
            let Some(x) = gone(store.document(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let text = store.document_text(&x.digest).await?.unwrap_or_default();
            let text = head(&text, INDEXED_TEXT_BYTES);
            let mut d = doc(kind, format!("/documents/{id}"));
            d.title = x.title.clone();
            d.languages = if x.languages.is_empty() {
                vec![guess_language(text)]
            } else {
                x.languages.clone()
            };
            let mut body = x.summary.clone();
            for l in &d.languages {
                let summary = x.summary.get(*l).unwrap_or_default();
                body.set(*l, format!("{summary}\n{text}").trim().to_owned());
            }
            d.body = body;
            d.years = x.date.map(|t| t.year()).into_iter().collect();
            d.places = x.place_ids.iter().map(|p| p.to_string()).collect();
            d.extra.extend(place_names(store, &d.places).await?);
            d.extra.push(x.file_name.clone());
            for p in &x.programme_ids {
                if let Some(p) = gone(store.programme(*p).await)? {
                    d.areas
                        .extend(p.areas.iter().map(|a| a.as_str().to_owned()));
                }
            }
            d.areas.sort();
            d.areas.dedup();
            d.organisations = vec![x.organisation_id.to_string()];
            d.private_to = (x.visibility == semey_domain::document::Visibility::Private)
                .then(|| x.organisation_id.to_string());
            vec![d]
        }
        SearchKind::Result => {
            let Some(r) = gone(store.result(parse(id)?).await)? else {
                return Ok(Vec::new());
            };
            let programme = gone(store.programme(r.programme_id).await)?;
            r.indicators
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    let mut d = doc(kind, format!("/programmes/{}#results", r.programme_id));
                    d.id = format!("{id}.{}", n + 1);
                    d.title = i.title.clone();
                    d.body = join(&[&i.description, &r.title]);
                    if let Some(p) = &programme {
                        d.areas = p.areas.iter().map(|a| a.as_str().to_owned()).collect();
                        d.organisations =
                            p.reporting_org_id.iter().map(|o| o.to_string()).collect();
                        d.places = p.places.iter().map(|x| x.place_id.to_string()).collect();
                    }
                    d
                })
                .collect()
        }
    })
}
