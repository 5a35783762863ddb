//! What search knows without an index: the kinds of things it finds, and the word rules that
//! are ours rather than a library's (Kazakh suffixes, the folding of letters people type
//! interchangeably). The index itself lives in the application (`crates/semey/src/search`).

use std::fmt;
use std::str::FromStr;

/// Every kind of thing the search box finds. Each is written to the index from its table and
/// kept current by the change feed (the kind's name is what the feed's triggers write).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SearchKind {
    Programme,
    Organisation,
    Place,
    Service,
    Mandate,
    Meeting,
    Decision,
    /// A document of the library (its metadata and the text read from its file).
    Document,
    /// A result's indicators (the feed names the result; each indicator is one hit).
    Result,
}

impl SearchKind {
    pub const ALL: [SearchKind; 9] = [
        SearchKind::Programme,
        SearchKind::Organisation,
        SearchKind::Place,
        SearchKind::Service,
        SearchKind::Mandate,
        SearchKind::Meeting,
        SearchKind::Decision,
        SearchKind::Document,
        SearchKind::Result,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SearchKind::Programme => "programme",
            SearchKind::Organisation => "organisation",
            SearchKind::Place => "place",
            SearchKind::Service => "service",
            SearchKind::Mandate => "mandate",
            SearchKind::Meeting => "meeting",
            SearchKind::Decision => "decision",
            SearchKind::Document => "document",
            SearchKind::Result => "indicator",
        }
    }

    /// The name the change feed's triggers write for this kind's table.
    pub fn feed_name(self) -> &'static str {
        match self {
            SearchKind::Result => "result",
            SearchKind::Programme
            | SearchKind::Organisation
            | SearchKind::Place
            | SearchKind::Service
            | SearchKind::Mandate
            | SearchKind::Meeting
            | SearchKind::Decision
            | SearchKind::Document => self.as_str(),
        }
    }

    pub fn from_feed_name(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.feed_name() == s)
    }
}

impl serde::Serialize for SearchKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Display for SearchKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SearchKind {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// Kazakh endings stripped from a word: plural, possessive and case endings of nouns, each in
/// the forms vowel harmony and the sound before it give. Only ever one case, one possessive and
/// one plural ending are taken, in that order from the end, the first of a list that fits, and
/// never when fewer than three letters would be left.
#[rustfmt::skip]
const KAZAKH_CASES: &[&str] = &[
    // cases after a third-person possessive, its vowel kept ("орталықтарында": in their
    // centres, "бағдарламасына": to its programme)
    "ында", "інде", "ынан", "інен", "ына", "іне",
    // "of/in" adjectives of place ("семейдегі": in Semey)
    "дағы", "дегі", "тағы", "тегі",
    // ablative
    "нан", "нен", "дан", "ден", "тан", "тен",
    // genitive
    "ның", "нің", "дың", "дің", "тың", "тің",
    // locative
    "да", "де", "та", "те",
    // dative
    "ға", "ге", "қа", "ке", "на", "не",
    // accusative
    "ны", "ні", "ды", "ді", "ты", "ті",
    // instrumental
    "мен", "бен", "пен",
];
const KAZAKH_POSSESSIVES: &[&str] = &["ымыз", "іміз", "сы", "сі", "ы", "і"];
const KAZAKH_PLURALS: &[&str] = &["лар", "лер", "дар", "дер", "тар", "тер"];

/// The Kazakh letters that are not in Russian's alphabet.
pub fn has_kazakh_letters(word: &str) -> bool {
    word.chars()
        .any(|c| matches!(c, 'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'ү' | 'һ' | 'і'))
}

/// A lower-cased Kazakh word with its common noun endings taken off ("бағдарламалары" →
/// "бағдарлама", "семейде" → "семей"). Words of other scripts pass unchanged.
pub fn kazakh_stem(word: &str) -> String {
    let mut w: Vec<char> = word.chars().collect();
    if !w
        .iter()
        .any(|c| ('а'..='я').contains(c) || has_kazakh_letters(&c.to_string()))
    {
        return word.to_owned();
    }
    for set in [KAZAKH_CASES, KAZAKH_POSSESSIVES, KAZAKH_PLURALS] {
        let found = set.iter().find(|s| {
            let n = s.chars().count();
            w.len() >= n + 3 && w[w.len() - n..].iter().copied().eq(s.chars())
        });
        if let Some(s) = found {
            // A case after a third-person possessive keeps the possessive's vowel for the
            // next step ("бағдарламасына" → "бағдарламасы" → "бағдарлама").
            let keep = usize::from(set == KAZAKH_CASES && s.starts_with(['ы', 'і']));
            w.truncate(w.len() - s.chars().count() + keep);
        }
    }
    w.into_iter().collect()
}

/// Folds a lower-cased word so that spellings people type for one another meet: ё as е, and
/// Kazakh letters as their Russian look-alikes (the fallback when a word is typed without a
/// Kazakh keyboard: "казак" finds "қазақ").
pub fn fold(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'ё' => 'е',
            'ә' => 'а',
            'ғ' => 'г',
            'қ' => 'к',
            'ң' => 'н',
            'ө' => 'о',
            'ұ' | 'ү' => 'у',
            'һ' => 'х',
            'і' => 'и',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kazakh_endings_come_off_in_their_order() {
        assert_eq!(kazakh_stem("бағдарламалары"), "бағдарлама");
        assert_eq!(kazakh_stem("бағдарламалардың"), "бағдарлама");
        assert_eq!(kazakh_stem("семейде"), "семей");
        assert_eq!(kazakh_stem("семейдегі"), "семей");
        assert_eq!(kazakh_stem("орталықтарында"), "орталық");
        assert_eq!(kazakh_stem("орталықтары"), "орталық");
        assert_eq!(kazakh_stem("аудандарда"), "аудан");
        assert_eq!(kazakh_stem("ауданда"), "аудан");
        assert_eq!(kazakh_stem("бағдарламасына"), "бағдарлама");
        assert_eq!(kazakh_stem("денсаулық"), "денсаулық");
        // Too short to strip: the word is kept whole.
        assert_eq!(kazakh_stem("ата"), "ата");
        assert_eq!(kazakh_stem("radiation"), "radiation");
        assert_eq!(kazakh_stem("核试验"), "核试验");
    }

    #[test]
    fn folding_meets_keyboards_without_kazakh_letters() {
        assert_eq!(fold("қазақстан"), "казакстан");
        assert_eq!(fold("ёлка"), "елка");
        assert_eq!(fold("өңір"), "онир");
        assert_eq!(fold("semey"), "semey");
    }

    #[test]
    fn every_kind_reads_back_from_its_names() {
        for k in SearchKind::ALL {
            assert_eq!(k.as_str().parse::<SearchKind>(), Ok(k));
            assert_eq!(SearchKind::from_feed_name(k.feed_name()), Some(k));
        }
    }
}
