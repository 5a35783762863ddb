//! How text becomes the index's words, one analyser per language field and one that folds:
//! runs of Chinese characters are cut into words by jieba (through tantivy-jieba), every other
//! run of letters and digits is a word; words are lower-cased, then words in the field's own
//! script are stemmed (Russian and English by Snowball, Kazakh by our light suffix rules in
//! `semey_domain::search`). The folding analyser writes ё as е and Kazakh letters as their
//! Russian look-alikes, unstemmed: the fallback that finds "казак" for "қазақ".

use frostem::{Algorithm, Stemmer};
use semey_domain::lang::Lang;
use semey_domain::search::{fold, kazakh_stem};
use std::sync::{Arc, LazyLock};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// What an analyser does with words of its script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Language(Lang),
    Fold,
    /// Folded words cut to their first five letters: a crude stem that meets what the
    /// Snowball stemmers keep apart ("радиация" and "радиационный").
    Prefix,
}

impl Analysis {
    /// The name the analyser is registered under in the index.
    pub fn name(self) -> &'static str {
        match self {
            Analysis::Language(Lang::Kk) => "semey_kk",
            Analysis::Language(Lang::Ru) => "semey_ru",
            Analysis::Language(Lang::En) => "semey_en",
            Analysis::Language(Lang::Zh) => "semey_zh",
            Analysis::Fold => "semey_fold",
            Analysis::Prefix => "semey_prefix",
        }
    }

    /// The words of `text` as this analyser indexes and looks them up.
    pub fn words(self, text: &str) -> Vec<String> {
        self.words_with(text, true)
    }

    /// The words of `text`, with or without the Kazakh suffix rules (to measure them).
    pub fn words_with(self, text: &str, kazakh_stemming: bool) -> Vec<String> {
        let mut t = Words {
            analysis: self,
            kazakh_stemming,
        };
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }
}

/// Letters the prefix analyser keeps.
const PREFIX: usize = 5;

static RUSSIAN: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::Russian));
static ENGLISH: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::new(Algorithm::English));

fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_cyrillic(w: &str) -> bool {
    w.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

fn is_latin(w: &str) -> bool {
    w.chars().any(|c| c.is_ascii_alphabetic())
}

impl Analysis {
    fn word(self, lower: &str, kazakh_stemming: bool) -> String {
        match self {
            Analysis::Fold => fold(lower),
            Analysis::Prefix => {
                if lower.chars().any(is_han) {
                    String::new()
                } else {
                    fold(lower).chars().take(PREFIX).collect()
                }
            }
            Analysis::Language(Lang::Ru) if is_cyrillic(lower) => {
                RUSSIAN.stem(&fold_yo(lower)).into_owned()
            }
            Analysis::Language(Lang::Kk) if kazakh_stemming && is_cyrillic(lower) => {
                kazakh_stem(lower)
            }
            Analysis::Language(Lang::En) if is_latin(lower) => ENGLISH.stem(lower).into_owned(),
            Analysis::Language(_) => fold_yo(lower),
        }
    }
}

fn fold_yo(w: &str) -> String {
    w.replace('ё', "е")
}

/// The tokenizer behind every analyser (tantivy calls it for documents and queries alike).
#[derive(Clone)]
pub struct Words {
    pub analysis: Analysis,
    /// Kazakh endings taken off in the Kazakh fields (off only to measure what they bring).
    pub kazakh_stemming: bool,
}

pub struct WordStream {
    tokens: Arc<Vec<Token>>,
    next: usize,
}

impl TokenStream for WordStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        let tokens = Arc::make_mut(&mut self.tokens);
        &mut tokens[self.next - 1]
    }
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> WordStream {
        let mut tokens = Vec::new();
        let push = |from: usize, to: usize, word: &str, tokens: &mut Vec<Token>| {
            let lower = word.to_lowercase();
            let text = self.analysis.word(&lower, self.kazakh_stemming);
            if !text.is_empty() {
                tokens.push(Token {
                    offset_from: from,
                    offset_to: to,
                    position: tokens.len(),
                    text,
                    position_length: 1,
                });
            }
        };
        let mut start: Option<(usize, bool)> = None;
        let flush = |from: usize, to: usize, han: bool, tokens: &mut Vec<Token>| {
            let run = &text[from..to];
            if han {
                let mut jieba = tantivy_jieba::JiebaTokenizer::default();
                let mut s = jieba.token_stream(run);
                while s.advance() {
                    let t = s.token();
                    if t.text.chars().any(|c| c.is_alphanumeric()) {
                        push(from + t.offset_from, from + t.offset_to, &t.text, tokens);
                    }
                }
            } else {
                push(from, to, run, tokens);
            }
        };
        for (i, c) in text.char_indices() {
            let han = is_han(c);
            let wordy = han || c.is_alphanumeric();
            match start {
                Some((from, h)) if !wordy || h != han => {
                    flush(from, i, h, &mut tokens);
                    start = wordy.then_some((i, han));
                }
                None if wordy => start = Some((i, han)),
                _ => {}
            }
        }
        if let Some((from, h)) = start {
            flush(from, text.len(), h, &mut tokens);
        }
        WordStream {
            tokens: Arc::new(tokens),
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_field_stems_its_own_script() {
        let ru = Analysis::Language(Lang::Ru);
        assert_eq!(
            ru.words("Радиационная безопасность"),
            ["радиацион", "безопасн"]
        );
        assert_eq!(ru.words("ёлки"), ru.words("елки"));
        let en = Analysis::Language(Lang::En);
        assert_eq!(en.words("Monitoring programmes"), ["monitor", "programm"]);
        let kk = Analysis::Language(Lang::Kk);
        assert_eq!(kk.words("Семейдегі бағдарламалар"), ["семей", "бағдарлама"]);
    }

    #[test]
    fn chinese_runs_are_cut_into_words_and_other_runs_kept_whole() {
        let zh = Analysis::Language(Lang::Zh);
        let words = zh.words("塞米伊核试验场的放射安全 Semey 2024年");
        assert!(words.contains(&"放射".to_owned()), "{words:?}");
        assert!(words.contains(&"安全".to_owned()), "{words:?}");
        assert!(words.contains(&"semey".to_owned()), "{words:?}");
        assert!(words.contains(&"2024".to_owned()), "{words:?}");
        assert!(!words.iter().any(|w| w.trim().is_empty()), "{words:?}");
        // Cyrillic inside Chinese text is a word, not letters.
        assert_eq!(zh.words("Семей"), ["семей"]);
    }

    #[test]
    fn folding_lets_russian_keyboards_find_kazakh_words() {
        assert_eq!(
            Analysis::Fold.words("Қазақстан"),
            Analysis::Fold.words("казакстан")
        );
    }

    #[test]
    fn prefixes_meet_forms_the_stemmers_keep_apart() {
        let p = Analysis::Prefix;
        assert_eq!(p.words("радиация"), p.words("Радиационный"));
        assert_eq!(p.words("безопасность"), p.words("безопасности"));
        assert!(p.words("核试验").is_empty());
    }

    #[test]
    fn operators_and_punctuation_are_not_words() {
        for a in [Analysis::Fold, Analysis::Language(Lang::Zh)] {
            assert!(a.words("+ - \" ( ) * : ~ ^ || && !").is_empty());
        }
    }
}
