//! `semey import resolution FILE…`: a resolution's plain text, one file per language (the
//! language from the name, `….en.txt`, else from the script). All files are read and aligned
//! before anything is stored; every problem names its file and line. Importing the same texts
//! again changes nothing, a language added later joins the paragraphs held, and a coordinator's
//! corrections of mandates are kept.

use crate::import::{ImportReport, Problems, Progress, Source};
use crate::AppError;
use semey_domain::mandate::{align, read_text, Resolution};
use semey_domain::{FieldError, Lang};
use semey_store::Store;

/// The language of a file: `name.kk.txt`, else the script of its text.
fn language_of(name: &str, text: &str) -> Lang {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let parts: Vec<&str> = stem.split('.').collect();
    if parts.len() >= 3 {
        if let Some(l) = Lang::ALL
            .into_iter()
            .find(|l| l.code() == parts[parts.len() - 2].to_lowercase())
        {
            return l;
        }
    }
    let han = text
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    let cyrillic = text
        .chars()
        .filter(|c| ('\u{0400}'..='\u{04ff}').contains(c))
        .count();
    let kazakh = text
        .chars()
        .filter(|c| "әғқңөұүһіӘҒҚҢӨҰҮҺІ".contains(*c))
        .count();
    if han > cyrillic && han > 50 {
        Lang::Zh
    } else if kazakh > 20 {
        Lang::Kk
    } else if cyrillic > 50 {
        Lang::Ru
    } else {
        Lang::En
    }
}

/// A name for the encoding of bytes that are not UTF-8, for the message that refuses them.
fn encoding_of(bytes: &[u8]) -> &'static str {
    match bytes {
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => "UTF-16",
        _ => {
            let high: Vec<u8> = bytes.iter().copied().filter(|b| *b >= 0x80).collect();
            // Windows-1251 puts Cyrillic letters at 0xC0–0xFF; GB 18030 writes Chinese as pairs
            // of bytes from 0x81 whose second byte is often below 0xC0.
            let cyrillic = high.iter().filter(|b| **b >= 0xC0).count();
            if !high.is_empty() && cyrillic * 10 >= high.len() * 9 {
                "Windows-1251 (Cyrillic)"
            } else if high.len() > 1 {
                "GB 18030 or another two-byte encoding"
            } else {
                "an 8-bit encoding"
            }
        }
    }
}

/// Reads, aligns and stores a resolution from its texts.
pub async fn import_resolution(
    store: &Store,
    sources: &[Source<'_>],
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    let Some(first) = sources.first() else {
        return Err(AppError::Import(vec![FieldError::new(
            "files",
            "no_text",
            "no file of the resolution was given",
        )]));
    };
    first.authorise()?;
    progress.start("reading the resolution", sources.len() as u64);
    let mut problems = Problems::default();
    let mut texts = Vec::new();
    for (i, s) in sources.iter().enumerate() {
        let bytes = s.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(s.bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let line = bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|b| **b == b'\n')
                    .count()
                    + 1;
                problems.push(
                    FieldError::new(
                        format!("{}:{line}", s.name),
                        "not_utf8",
                        format!(
                            "the file is not UTF-8: it looks like {}; save it as UTF-8",
                            encoding_of(bytes)
                        ),
                    )
                    .with_arg("line", line),
                );
                continue;
            }
        };
        if text.trim().is_empty() {
            problems.push(FieldError::new(
                s.name.clone(),
                "empty_file",
                "the file is empty",
            ));
            continue;
        }
        let lang = language_of(&s.name, text);
        match read_text(lang, text) {
            Ok(t) => texts.push(t),
            Err(inv) => {
                for e in inv.errors {
                    // "en:12" → "FILE:12".
                    let line = e.field.split_once(':').map_or("", |(_, l)| l).to_owned();
                    problems.push(FieldError {
                        field: format!("{}:{line}", s.name),
                        ..e
                    });
                }
            }
        }
        progress.set(i as u64 + 1);
    }
    problems.into_result()?;
    let langs: Vec<Lang> = texts.iter().map(|t| t.lang).collect();
    let read = align(texts).map_err(|inv| AppError::Import(inv.errors))?;
    let mut report = ImportReport {
        kind: "resolution".into(),
        rows: 1,
        ..Default::default()
    };
    let mut tx = store.begin().await?;
    let held = store.resolution_in(&mut tx, read.id).await?;
    let mut r = match &held {
        Some(h) => merge(h, read, &langs).map_err(|e| AppError::Import(vec![e]))?,
        None => read,
    };
    // The series: the latest stored resolution this one recalls comes before it.
    let stored = store.resolutions_by_symbol(&mut tx, &r.recalls).await?;
    r.previous_id = stored
        .iter()
        .filter(|(_, _, session)| *session < r.session)
        .max_by_key(|(_, _, session)| *session)
        .map(|(_, id, _)| *id)
        .or(held.as_ref().and_then(|h| h.previous_id));
    if held.as_ref() == Some(&r) {
        report.unchanged = 1;
    } else {
        if held.is_some() {
            report.updated = 1;
        } else {
            report.inserted = 1;
        }
        store.save_resolution(&mut tx, &r).await?;
        // Later resolutions imported before this one follow it.
        for later in store.resolutions_recalling(&mut tx, &r.symbol).await? {
            if later != r.id {
                store.set_previous_resolution(&mut tx, later, r.id).await?;
            }
        }
    }
    let reports: Vec<String> = r
        .mandates
        .iter()
        .filter_map(|m| {
            m.deadline
                .map(|d| format!("paragraph {} asks for a report by {d}", m.number))
        })
        .collect();
    report.notes.push(format!(
        "{}: {} preambular and {} operative paragraphs in {}{}",
        r.symbol,
        r.preamble.len(),
        r.mandates.len(),
        langs
            .iter()
            .map(|l| l.code())
            .collect::<Vec<_>>()
            .join(", "),
        if reports.is_empty() {
            String::new()
        } else {
            format!("; {}", reports.join("; "))
        }
    ));
    for s in sources {
        s.audit(store, &mut tx, &report).await?;
    }
    tx.commit().await?;
    progress.finish();
    Ok(report)
}

/// The texts just read joined with what is held: languages not in this import are kept, and
/// a coordinator's corrections too. The paragraphs must agree with the held ones unless this
/// import brings every language held.
fn merge(
    held: &Resolution,
    mut read: Resolution,
    langs: &[Lang],
) -> Result<Resolution, FieldError> {
    let held_langs: Vec<Lang> = Lang::ALL
        .into_iter()
        .filter(|l| held.title.get(*l).is_some())
        .collect();
    let replaces = held_langs.iter().all(|l| langs.contains(l));
    let same_shape =
        held.preamble.len() == read.preamble.len() && held.mandates.len() == read.mandates.len();
    if !same_shape && !replaces {
        let (kind, a, b) = if held.mandates.len() != read.mandates.len() {
            ("operative", held.mandates.len(), read.mandates.len())
        } else {
            ("preambular", held.preamble.len(), read.preamble.len())
        };
        return Err(FieldError::new(
            "files",
            "paragraphs_differ",
            format!(
                "{kind} paragraph {}: the stored text has {a} {kind} paragraphs, this one {b}",
                a.min(b) + 1
            ),
        )
        .with_arg("paragraph", a.min(b) + 1));
    }
    let keep = |old: &semey_domain::LocalText, new: &mut semey_domain::LocalText| {
        for l in Lang::ALL {
            if !langs.contains(&l) {
                if let Some(t) = old.get(l) {
                    new.set(l, t);
                }
            }
        }
    };
    if same_shape {
        keep(&held.title, &mut read.title);
        for (old, new) in held.preamble.iter().zip(read.preamble.iter_mut()) {
            keep(old, new);
        }
    }
    for new in read.mandates.iter_mut() {
        let Some(old) = held.mandates.iter().find(|m| m.number == new.number) else {
            continue;
        };
        if same_shape {
            keep(&old.text, &mut new.text);
        }
        if old.corrected {
            new.action = old.action;
            new.addressees = old.addressees.clone();
            new.deadline = old.deadline;
            new.corrected = true;
        }
    }
    read.adopted_on = read.adopted_on.or(held.adopted_on);
    Ok(read)
}
