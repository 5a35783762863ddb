//! What search takes and gives: the documents written to the index, a question, and its
//! answer (hits, facets, snippets).

use super::analysis::Analysis;
use crate::AppError;
use semey_domain::lang::{Lang, LocalText};
use semey_domain::search::SearchKind;

/// The longest question searched, in characters.
pub const MAX_QUERY_CHARS: usize = 300;
/// The most hits one page of answers holds.
pub const MAX_LIMIT: usize = 100;

/// The facets answers are counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facet {
    Kind,
    Area,
    Place,
    Year,
    Language,
    Organisation,
}

impl Facet {
    pub const ALL: [Facet; 6] = [
        Facet::Kind,
        Facet::Area,
        Facet::Place,
        Facet::Year,
        Facet::Language,
        Facet::Organisation,
    ];

    /// The facet's name, also its query parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Area => "area",
            Facet::Place => "place",
            Facet::Year => "year",
            Facet::Language => "language",
            Facet::Organisation => "organisation",
        }
    }
}

/// One thing the index holds: a record, or one of a result's indicators.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    pub kind: SearchKind,
    pub id: String,
    pub href: String,
    pub title: LocalText,
    pub body: LocalText,
    /// Further words it is found by (identifiers, acronyms, every spelling of its places).
    pub extra: Vec<String>,
    pub areas: Vec<String>,
    pub places: Vec<String>,
    pub years: Vec<i32>,
    pub organisations: Vec<String>,
    /// The languages it is written in, when it says (else: those its texts are in).
    pub languages: Vec<Lang>,
    /// The organisation whose people alone (with the coordinators) may find it; none for
    /// what is public.
    pub private_to: Option<String>,
}

impl SearchDoc {
    pub fn key(&self) -> String {
        format!("{}:{}", self.kind.as_str(), self.id)
    }
}

/// A question.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub text: String,
    /// The reader's language: its titles and snippets first, its words weigh a little more.
    pub lang: Lang,
    /// Facet values every hit must have.
    pub filters: Vec<(Facet, String)>,
    pub offset: usize,
    pub limit: usize,
    /// Who asks: private documents are found only by their organisation's people and the
    /// coordinators.
    pub audience: semey_store::Audience,
}

impl SearchQuery {
    /// Refuses what cannot be a question, naming the parameter.
    pub fn check(&self) -> Result<(), AppError> {
        let bad = |code: &'static str, field: &str, message: String| AppError::BadRequest {
            code,
            message,
            field: Some(field.to_owned()),
        };
        if self.text.trim().is_empty() {
            return Err(bad(
                "search_empty",
                "q",
                "type something to search for".into(),
            ));
        }
        if self.text.chars().count() > MAX_QUERY_CHARS {
            return Err(bad(
                "search_too_long",
                "q",
                format!("a question may be at most {MAX_QUERY_CHARS} characters long"),
            ));
        }
        if self.limit == 0 || self.limit > MAX_LIMIT {
            return Err(bad(
                "invalid_parameter",
                "limit",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        if self.offset > semey_store::Page::MAX_OFFSET as usize {
            return Err(bad(
                "invalid_parameter",
                "offset",
                format!("offset may be at most {}", semey_store::Page::MAX_OFFSET),
            ));
        }
        if Analysis::Fold.words(&self.text).is_empty() {
            return Err(bad(
                "search_no_words",
                "q",
                "the question has no words to look for (only signs or operators)".into(),
            ));
        }
        Ok(())
    }
}

/// Where a hit's words were found, with the found words' byte ranges in `text`.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Snippet {
    #[schema(value_type = String)]
    pub lang: Lang,
    pub text: String,
    pub highlights: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Hit {
    #[schema(value_type = String)]
    pub kind: SearchKind,
    pub id: String,
    /// The page that shows it.
    pub href: String,
    /// Its title in the reader's language, or the first language that has one.
    pub title: String,
    #[schema(value_type = Option<String>)]
    pub title_lang: Option<Lang>,
    pub snippet: Option<Snippet>,
    pub score: f32,
    /// Its title in every language it has (for judging answers whatever the reader's
    /// language).
    #[serde(skip)]
    pub titles: LocalText,
}

/// One page of answers, with the facets of all of them.
#[derive(Debug, Clone)]
pub struct SearchAnswer {
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Each facet's values with their counts, most first (at most 20).
    pub facets: Vec<(Facet, Vec<(String, u64)>)>,
    pub next_offset: Option<usize>,
}

/// Which of our word rules a search applies (both, except to measure what each brings on the
/// judged set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// Kazakh endings taken off in the Kazakh fields.
    pub kazakh_stemming: bool,
    /// Five-letter prefixes looked up as a last resort.
    pub prefixes: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            kazakh_stemming: true,
            prefixes: true,
        }
    }
}
