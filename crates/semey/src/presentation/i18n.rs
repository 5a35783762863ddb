//! The interface languages: Fluent messages in Kazakh, Russian, English and Chinese
//! (`locales/{kk,ru,en,zh}/*.ftl`), language negotiation, and translated error messages.
//!
//! Every message exists in all four languages (a test fails otherwise); content fields are not
//! translated here but chosen along [`Lang::fallback_chain`].

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{static_loader, LanguageIdentifier, Loader};
use semey_domain::Lang;
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // Bidi isolation marks would show up in attributes and plain-text output.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn langid(lang: Lang) -> LanguageIdentifier {
    match lang {
        Lang::Kk => unic_langid::langid!("kk"),
        Lang::Ru => unic_langid::langid!("ru"),
        Lang::En => unic_langid::langid!("en"),
        Lang::Zh => unic_langid::langid!("zh"),
    }
}

/// The message `key` in `lang`.
pub fn t(lang: Lang, key: &str) -> String {
    LOCALES.lookup(&langid(lang), key)
}

/// The message `key` in `lang` with arguments (numbers select plural forms).
pub fn t_args(lang: Lang, key: &str, args: &[(&str, FluentValue<'static>)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), v.clone()))
        .collect();
    LOCALES.lookup_with_args(&langid(lang), key, &args)
}

/// The message for a validation error code, when one is translated.
pub fn error_message(lang: Lang, code: &str) -> Option<String> {
    LOCALES.try_lookup(&langid(lang), &format!("error-{code}"))
}

/// The same, with the values the message names.
pub fn error_message_with(
    lang: Lang,
    code: &str,
    args: &[(&str, FluentValue<'static>)],
) -> Option<String> {
    let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
        .iter()
        .map(|(k, v)| (Cow::Owned((*k).to_owned()), v.clone()))
        .collect();
    LOCALES.try_lookup_with_args(&langid(lang), &format!("error-{code}"), &args)
}

/// The best interface language for an `Accept-Language` header: the first of kk, ru, en, zh in
/// the listener's order of preference, else Russian (the language most residents share).
pub fn negotiate(accept_language: &str) -> Lang {
    let mut ranked: Vec<(f32, usize, Lang)> = Vec::new();
    for (i, part) in accept_language.split(',').enumerate() {
        let mut pieces = part.trim().split(';');
        let tag = pieces.next().unwrap_or("").trim();
        let q = pieces
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        if let Ok(lang) = primary.parse::<Lang>() {
            if q > 0.0 {
                ranked.push((q, i, lang));
            }
        }
    }
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.first().map(|(_, _, l)| *l).unwrap_or(Lang::Ru)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn message_ids(lang: &str) -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut ids = BTreeSet::new();
        for entry in std::fs::read_dir(dir).expect("locale folder") {
            let text = std::fs::read_to_string(entry.expect("entry").path()).expect("ftl file");
            for line in text.lines() {
                if let Some((id, _)) = line.split_once(" =") {
                    if !id.starts_with([' ', '#', '*', '[']) && !id.is_empty() {
                        ids.insert(id.trim().to_owned());
                    }
                }
            }
        }
        ids
    }

    #[test]
    fn every_message_exists_in_all_four_languages() {
        let english = message_ids("en");
        assert!(english.len() > 20);
        for lang in Lang::ALL {
            let ids = message_ids(lang.code());
            let missing: Vec<_> = english.difference(&ids).collect();
            let extra: Vec<_> = ids.difference(&english).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{lang}: missing {missing:?}, not in English {extra:?}"
            );
            for id in &english {
                let text = LOCALES.try_lookup_with_args(
                    &langid(lang),
                    id,
                    &HashMap::from([
                        (Cow::Borrowed("count"), FluentValue::from(2)),
                        (Cow::Borrowed("size"), FluentValue::from("50 MB")),
                        (Cow::Borrowed("field"), FluentValue::from("x")),
                        (Cow::Borrowed("page"), FluentValue::from(1)),
                        (Cow::Borrowed("pages"), FluentValue::from(3)),
                        (Cow::Borrowed("n"), FluentValue::from(10)),
                        (Cow::Borrowed("years"), FluentValue::from(10)),
                        (Cow::Borrowed("added"), FluentValue::from("0.5")),
                        (Cow::Borrowed("added95"), FluentValue::from("0.9")),
                        (Cow::Borrowed("median"), FluentValue::from("0.14")),
                        (Cow::Borrowed("p05"), FluentValue::from("0.1")),
                        (Cow::Borrowed("p95"), FluentValue::from("0.2")),
                        (Cow::Borrowed("max"), FluentValue::from("0.3")),
                        (Cow::Borrowed("oldest"), FluentValue::from("2020")),
                        (Cow::Borrowed("newest"), FluentValue::from("2024")),
                        (Cow::Borrowed("year"), FluentValue::from(2023)),
                        (
                            Cow::Borrowed("indicator"),
                            FluentValue::from("People screened"),
                        ),
                        (Cow::Borrowed("dimension"), FluentValue::from("sex")),
                        (Cow::Borrowed("unit"), FluentValue::from("people")),
                        (Cow::Borrowed("sum"), FluentValue::from("90")),
                        (Cow::Borrowed("total"), FluentValue::from("100")),
                        (Cow::Borrowed("value"), FluentValue::from("10")),
                        (Cow::Borrowed("period"), FluentValue::from("2024")),
                        (Cow::Borrowed("achieved"), FluentValue::from("60 %")),
                        (Cow::Borrowed("expected"), FluentValue::from("100 %")),
                        (Cow::Borrowed("ratio"), FluentValue::from("0.60")),
                        (Cow::Borrowed("date"), FluentValue::from("2024-12-31")),
                        (Cow::Borrowed("on_track"), FluentValue::from("0.95")),
                        (Cow::Borrowed("at_risk"), FluentValue::from("0.60")),
                        (
                            Cow::Borrowed("code"),
                            FluentValue::from("semey:people-screened"),
                        ),
                        (Cow::Borrowed("people"), FluentValue::from("300")),
                        (Cow::Borrowed("served"), FluentValue::from(2)),
                        (Cow::Borrowed("all"), FluentValue::from(7)),
                        (Cow::Borrowed("start"), FluentValue::from("2023-12-31")),
                        (Cow::Borrowed("end"), FluentValue::from("2021-01-01")),
                        (Cow::Borrowed("languages"), FluentValue::from("ru, en")),
                        (
                            Cow::Borrowed("code"),
                            FluentValue::from("semey:people-screened"),
                        ),
                    ]),
                );
                assert!(
                    text.is_some_and(|t| !t.trim().is_empty()),
                    "{lang}: {id} does not resolve"
                );
            }
        }
    }

    #[test]
    fn russian_plurals_use_one_few_and_many() {
        let n = |c: i64| {
            t_args(
                Lang::Ru,
                "programmes-count",
                &[("count", FluentValue::from(c))],
            )
        };
        assert_eq!(n(1), "1 программа");
        assert_eq!(n(3), "3 программы");
        assert_eq!(n(5), "5 программ");
        assert_eq!(n(21), "21 программа");
        assert_eq!(n(11), "11 программ");
        assert_eq!(
            t_args(
                Lang::En,
                "programmes-count",
                &[("count", FluentValue::from(1))]
            ),
            "1 programme"
        );
        assert_eq!(
            t_args(
                Lang::Kk,
                "programmes-count",
                &[("count", FluentValue::from(5))]
            ),
            "5 бағдарлама"
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(negotiate("kk-KZ,kk;q=0.9,ru;q=0.8"), Lang::Kk);
        assert_eq!(negotiate("de-DE,de;q=0.9,en;q=0.5,ru;q=0.6"), Lang::Ru);
        assert_eq!(negotiate("zh-CN"), Lang::Zh);
        assert_eq!(negotiate("fr"), Lang::Ru, "no supported language: Russian");
        assert_eq!(negotiate(""), Lang::Ru);
        assert_eq!(negotiate("en;q=0,kk"), Lang::Kk);
    }

    #[test]
    fn validation_codes_have_messages_in_every_language() {
        for lang in Lang::ALL {
            for code in [
                "sector_percentages_sum",
                "end_before_start",
                "period_longer_than_a_year",
                "unknown_currency",
                "no_exchange_rate",
                "invalid_kato",
            ] {
                assert!(error_message(lang, code).is_some(), "{lang}: {code}");
            }
            assert_eq!(error_message(lang, "no_such_code"), None);
        }
        assert_eq!(
            error_message(Lang::Kk, "invalid_kato").as_deref(),
            Some("ҚАТО коды дәл тоғыз цифрдан тұрады.")
        );
    }
}
