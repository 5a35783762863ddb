//! Languages and multilingual text with a fallback chain.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use utoipa::ToSchema;

/// A language the platform speaks: Kazakh, Russian, English, Chinese.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Kk,
    Ru,
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Kk, Lang::Ru, Lang::En, Lang::Zh];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Kk => "kk",
            Lang::Ru => "ru",
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The order in which content languages are tried when `self` is missing: the chosen
    /// language first, then Kazakh → Russian → English (Kazakhstan's state and official
    /// languages first, then the international one).
    pub fn fallback_chain(self) -> [Lang; 4] {
        match self {
            Lang::Kk => [Lang::Kk, Lang::Ru, Lang::En, Lang::Zh],
            Lang::Ru => [Lang::Ru, Lang::Kk, Lang::En, Lang::Zh],
            Lang::En => [Lang::En, Lang::Kk, Lang::Ru, Lang::Zh],
            Lang::Zh => [Lang::Zh, Lang::Kk, Lang::Ru, Lang::En],
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kk" | "kaz" => Ok(Lang::Kk),
            "ru" | "rus" => Ok(Lang::Ru),
            "en" | "eng" => Ok(Lang::En),
            "zh" | "zho" | "chi" => Ok(Lang::Zh),
            other => Err(format!(
                "unknown language {other:?}: expected kk, ru, en or zh"
            )),
        }
    }
}

/// A text in several languages (`{"kk": "…", "ru": "…", "en": "…"}`); empty strings are dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object, example = json!({"kk": "Семей", "ru": "Семей", "en": "Semey"}))]
pub struct LocalText(BTreeMap<Lang, String>);

impl LocalText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder: sets the text in one language (ignored when blank).
    pub fn with(mut self, lang: Lang, text: impl Into<String>) -> Self {
        self.set(lang, text);
        self
    }

    pub fn set(&mut self, lang: Lang, text: impl Into<String>) {
        let text = text.into();
        let text = text.trim();
        if text.is_empty() {
            self.0.remove(&lang);
        } else {
            self.0.insert(lang, text.to_owned());
        }
    }

    pub fn get(&self, lang: Lang) -> Option<&str> {
        self.0.get(&lang).map(String::as_str)
    }

    /// The text in `lang`, or the first available along its fallback chain.
    pub fn best(&self, lang: Lang) -> Option<&str> {
        lang.fallback_chain().into_iter().find_map(|l| self.get(l))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// All languages' texts joined, lower-cased: what a text search on this value matches.
    pub fn search_key(&self) -> String {
        self.0
            .values()
            .map(|s| s.to_lowercase())
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// Drops blank entries (after deserialising user input).
    pub fn normalized(self) -> Self {
        let mut out = Self::new();
        for (l, t) in self.0 {
            out.set(l, t);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_language_falls_back_kazakh_then_russian_then_english() {
        let t = LocalText::new()
            .with(Lang::Ru, "Семей")
            .with(Lang::En, "Semey");
        assert_eq!(t.best(Lang::Kk), Some("Семей"));
        assert_eq!(t.best(Lang::Zh), Some("Семей"));
        assert_eq!(t.best(Lang::En), Some("Semey"));
        let only_en = LocalText::new().with(Lang::En, "Semey");
        assert_eq!(only_en.best(Lang::Kk), Some("Semey"));
    }

    #[test]
    fn blank_texts_are_not_kept() {
        let t = LocalText::new().with(Lang::Kk, "  ");
        assert!(t.is_empty());
    }
}
