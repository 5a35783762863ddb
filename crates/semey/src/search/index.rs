//! The search index (tantivy): its schema, writing what `sources.rs` reads, and answering a
//! query with ranked hits, facets and snippets. Each application server keeps its own, in
//! memory or in `search_dir`; the database is the truth and the index can always be rebuilt.

use super::analysis::{Analysis, Words};
use super::model::{Facet as FacetName, Hit, SearchAnswer, SearchDoc, SearchQuery, Snippet};
use crate::AppError;
use semey_domain::lang::Lang;
use semey_store::Audience;
use std::path::Path;
use std::sync::Mutex;
use tantivy::collector::{Count, FacetCollector, TopDocs};
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TantivyDocument, TextFieldIndexing,
    TextOptions, Value, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

/// Bumped whenever the schema or the analysers change: an index on disk of another version is
/// rebuilt.
const SCHEMA_VERSION: i64 = 2;

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    group: Field,
    href: Field,
    facets: Field,
    /// `public`, or the id of the one organisation whose people may find it.
    audience: Field,
    title: [Field; 4],
    body: [Field; 4],
    fold: Field,
    prefix: Field,
}

pub struct TextIndex {
    kazakh_stemming: bool,
    prefixes: bool,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
}

fn io(e: impl std::fmt::Display) -> AppError {
    AppError::Io(std::io::Error::other(format!("search index: {e}")))
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |a: Analysis, stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(a.name())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let key = b.add_text_field("key", STRING | STORED);
    let group = b.add_text_field("group", STRING);
    let href = b.add_text_field("href", STORED);
    let facets = b.add_facet_field("facets", FacetOptions::default().set_stored());
    let audience = b.add_text_field("audience", STRING);
    let title = Lang::ALL.map(|l| {
        b.add_text_field(
            &format!("title_{}", l.code()),
            text(Analysis::Language(l), true),
        )
    });
    let body = Lang::ALL.map(|l| {
        b.add_text_field(
            &format!("body_{}", l.code()),
            text(Analysis::Language(l), true),
        )
    });
    let fold = b.add_text_field("fold", text(Analysis::Fold, false));
    let prefix = b.add_text_field("prefix", text(Analysis::Prefix, false));
    (
        b.build(),
        Fields {
            key,
            group,
            href,
            facets,
            audience,
            title,
            body,
            fold,
            prefix,
        },
    )
}

const PUBLIC: &str = "public";

fn lang_index(l: Lang) -> usize {
    Lang::ALL.iter().position(|x| *x == l).unwrap_or(0)
}

/// Where the index's position in the change feed is kept with each commit.
#[derive(serde::Serialize, serde::Deserialize)]
struct Payload {
    version: i64,
    position: i64,
}

impl TextIndex {
    /// Opens the index in `dir` (created when missing, emptied when of another schema), or in
    /// memory. Returns it and the feed position its last commit recorded.
    pub fn open(
        dir: Option<&Path>,
        rules: super::model::Rules,
    ) -> Result<(Self, Option<i64>), AppError> {
        let super::model::Rules {
            kazakh_stemming,
            prefixes,
        } = rules;
        let (schema, f) = schema();
        let index = match dir {
            None => Index::create_in_ram(schema.clone()),
            Some(d) => {
                std::fs::create_dir_all(d)?;
                let opened = tantivy::directory::MmapDirectory::open(d)
                    .map_err(io)
                    .and_then(|m| Index::open_or_create(m, schema.clone()).map_err(io));
                match opened {
                    Ok(i) => i,
                    Err(_) => {
                        // Another schema: the index is derived data, start again.
                        std::fs::remove_dir_all(d)?;
                        std::fs::create_dir_all(d)?;
                        let m = tantivy::directory::MmapDirectory::open(d).map_err(io)?;
                        Index::create(m, schema.clone(), Default::default()).map_err(io)?
                    }
                }
            }
        };
        for a in Lang::ALL
            .map(Analysis::Language)
            .into_iter()
            .chain([Analysis::Fold, Analysis::Prefix])
        {
            index.tokenizers().register(
                a.name(),
                Words {
                    analysis: a,
                    kazakh_stemming,
                },
            );
        }
        let position = index
            .load_metas()
            .ok()
            .and_then(|m| m.payload)
            .and_then(|p| serde_json::from_str::<Payload>(&p).ok())
            .filter(|p| p.version == SCHEMA_VERSION)
            .map(|p| p.position);
        let writer = index.writer_with_num_threads(1, 50_000_000).map_err(|e| {
            io(format!(
                "{e} (is another server or `semey search rebuild` using this directory?)"
            ))
        })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(io)?;
        Ok((
            Self {
                kazakh_stemming,
                prefixes,
                reader,
                writer: Mutex::new(writer),
                f,
            },
            position,
        ))
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, IndexWriter> {
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drops every document (a rebuild begins).
    pub fn clear(&self) -> Result<(), AppError> {
        self.writer().delete_all_documents().map_err(io)?;
        Ok(())
    }

    /// Replaces what the index holds of one record (`group`, the feed's `kind:id`) with `docs`
    /// (none when the record is gone or not public).
    pub fn replace(&self, group: &str, docs: &[SearchDoc]) -> Result<(), AppError> {
        let w = self.writer();
        w.delete_term(Term::from_field_text(self.f.group, group));
        for d in docs {
            w.add_document(self.document(group, d)).map_err(io)?;
        }
        Ok(())
    }

    fn document(&self, group: &str, d: &SearchDoc) -> TantivyDocument {
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, d.key());
        doc.add_text(f.group, group);
        doc.add_text(f.href, &d.href);
        doc.add_text(f.audience, d.private_to.as_deref().unwrap_or(PUBLIC));
        let mut langs = Vec::new();
        for l in Lang::ALL {
            let i = lang_index(l);
            let title = d.title.get(l).unwrap_or_default();
            let body = d.body.get(l).unwrap_or_default();
            if !title.is_empty() || !body.is_empty() {
                langs.push(l);
            }
            if !title.is_empty() {
                doc.add_text(f.title[i], title);
                doc.add_text(f.fold, title);
                doc.add_text(f.prefix, title);
            }
            if !body.is_empty() {
                doc.add_text(f.body[i], body);
                doc.add_text(f.fold, body);
                doc.add_text(f.prefix, body);
            }
        }
        for e in &d.extra {
            doc.add_text(f.fold, e);
        }
        let mut facet = |name: FacetName, value: &str| {
            doc.add_facet(f.facets, Facet::from_path([name.as_str(), value]));
        };
        facet(FacetName::Kind, d.kind.as_str());
        for a in &d.areas {
            facet(FacetName::Area, a);
        }
        for p in &d.places {
            facet(FacetName::Place, p);
        }
        for y in &d.years {
            facet(FacetName::Year, &y.to_string());
        }
        if !d.languages.is_empty() {
            langs = d.languages.clone();
        }
        for l in langs {
            facet(FacetName::Language, l.code());
        }
        for o in &d.organisations {
            facet(FacetName::Organisation, o);
        }
        doc
    }

    /// Makes what was written since the last commit visible to searches, and records the
    /// feed's position with it.
    pub fn commit(&self, position: i64) -> Result<(), AppError> {
        {
            let mut w = self.writer();
            let mut prepared = w.prepare_commit().map_err(io)?;
            prepared.set_payload(
                &serde_json::to_string(&Payload {
                    version: SCHEMA_VERSION,
                    position,
                })
                .map_err(io)?,
            );
            prepared.commit().map_err(io)?;
        }
        self.reader.reload().map_err(io)?;
        Ok(())
    }

    /// How many documents searches see.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// The query over every text field: each word of the question, analysed as each field
    /// analyses its text, may match there; titles weigh more than bodies, the reader's own
    /// language a little more than others, the folded fallbacks least.
    fn text_query(&self, q: &SearchQuery) -> Option<Box<dyn Query>> {
        let f = &self.f;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut add = |field: Field, a: Analysis, boost: f32| {
            let mut words = a.words_with(&q.text, self.kazakh_stemming);
            words.sort();
            words.dedup();
            for w in words {
                let t = TermQuery::new(
                    Term::from_field_text(field, &w),
                    IndexRecordOption::WithFreqs,
                );
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(t), boost))));
            }
        };
        for l in Lang::ALL {
            let own = if l == q.lang { 1.2 } else { 1.0 };
            add(f.title[lang_index(l)], Analysis::Language(l), 3.0 * own);
            add(f.body[lang_index(l)], Analysis::Language(l), 1.0 * own);
        }
        add(f.fold, Analysis::Fold, 0.5);
        if self.prefixes {
            add(f.prefix, Analysis::Prefix, 0.3);
        }
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }

    pub fn search(&self, q: &SearchQuery) -> Result<SearchAnswer, AppError> {
        let f = self.f;
        let text = self.text_query(q).ok_or_else(|| AppError::BadRequest {
            code: "search_no_words",
            message: "the question has no words to look for (only signs or operators)".into(),
            field: Some("q".into()),
        })?;
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text.box_clone())];
        for (name, value) in &q.filters {
            must.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_facet(f.facets, &Facet::from_path([name.as_str(), value.as_str()])),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let audience = |v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.audience, v),
                IndexRecordOption::Basic,
            ))
        };
        match q.audience {
            Audience::All => {}
            Audience::Public => must.push((Occur::Must, audience(PUBLIC))),
            Audience::Organisation(o) => must.push((
                Occur::Must,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, audience(PUBLIC)),
                    (Occur::Should, audience(&o.to_string())),
                ])),
            )),
        }
        let query = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let mut facets = FacetCollector::for_field("facets");
        for name in FacetName::ALL {
            facets.add_facet(Facet::from_path([name.as_str()]));
        }
        let top = TopDocs::with_limit(q.limit.max(1))
            .and_offset(q.offset)
            .order_by_score();
        let (top, total, counts) = searcher.search(&query, &(top, Count, facets)).map_err(io)?;
        let mut snippets = Vec::new();
        for l in std::iter::once(q.lang).chain(Lang::ALL.into_iter().filter(|l| *l != q.lang)) {
            let mut g =
                SnippetGenerator::create(&searcher, &*text, f.body[lang_index(l)]).map_err(io)?;
            g.set_max_num_chars(200);
            snippets.push((l, g));
        }
        let mut hits = Vec::new();
        for (score, address) in top {
            let doc: TantivyDocument = searcher.doc(address).map_err(io)?;
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let key = text_of(f.key);
            let (kind, id) = key.split_once(':').unwrap_or(("", ""));
            let title = std::iter::once(q.lang)
                .chain(Lang::ALL)
                .map(|l| (l, text_of(f.title[lang_index(l)])))
                .find(|(_, t)| !t.is_empty());
            let snippet = snippets
                .iter()
                .map(|(l, g)| (*l, g.snippet(&text_of(f.body[lang_index(*l)]))))
                .find(|(_, s)| !s.is_empty())
                .map(|(l, s)| Snippet {
                    lang: l,
                    text: s.fragment().to_owned(),
                    highlights: s.highlighted().iter().map(|r| (r.start, r.end)).collect(),
                });
            let mut titles = semey_domain::lang::LocalText::new();
            for l in Lang::ALL {
                titles.set(l, text_of(f.title[lang_index(l)]));
            }
            hits.push(Hit {
                titles,
                kind: kind.parse().map_err(|_| io(format!("bad key {key}")))?,
                id: id.to_owned(),
                href: text_of(f.href),
                title_lang: title.as_ref().map(|t| t.0),
                title: title.map(|t| t.1).unwrap_or_default(),
                snippet,
                score,
            });
        }
        let facets = FacetName::ALL
            .into_iter()
            .map(|name| {
                let mut values: Vec<(String, u64)> = counts
                    .get(Facet::from_path([name.as_str()]))
                    .map(|(facet, n)| {
                        let path = facet.to_path();
                        (path.last().map(|s| s.to_string()).unwrap_or_default(), n)
                    })
                    .collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                values.truncate(20);
                (name, values)
            })
            .collect();
        let shown = q.offset + hits.len();
        Ok(SearchAnswer {
            total: total as u64,
            next_offset: (shown < total).then_some(shown),
            hits,
            facets,
        })
    }
}
