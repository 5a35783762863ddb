//! A report as HTML: the article the portal's report page shows, and the same article as a
//! standalone file (`semey report --format html`). Charts come from the one chart module, each
//! with its table; every figure links to the page or API query listing what it counts.

use super::{Content, Document};
use crate::presentation::i18n::t;
use askama::Template;

pub struct FactView {
    pub label: String,
    pub text: String,
    pub href: String,
}

pub struct BlockView {
    pub caption: String,
    pub href: String,
    pub facts: Vec<FactView>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// SVG, from the chart module.
    pub chart: String,
    /// The chart's figures as a table.
    pub chart_table: String,
}

pub struct SectionView {
    pub anchor: String,
    pub heading: String,
    pub number: usize,
    pub paragraphs: Vec<String>,
    pub blocks: Vec<BlockView>,
}

/// What the article template shows.
pub struct ArticleView {
    pub lang: &'static str,
    pub title: String,
    pub period: String,
    /// "Draft, figures of 2 December 2026" or "Version 2, published …".
    pub state: String,
    pub contents: String,
    pub source_label: String,
    pub missing: String,
    pub sections: Vec<SectionView>,
}

impl ArticleView {
    pub fn new(doc: &Document) -> Self {
        let lang = doc.lang;
        let sections = doc
            .sections
            .iter()
            .enumerate()
            .map(|(i, s)| SectionView {
                anchor: s.section.as_str().to_owned(),
                heading: s.heading.clone(),
                number: i + 1,
                paragraphs: s
                    .narrative
                    .split("\n\n")
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned)
                    .collect(),
                blocks: s
                    .blocks
                    .iter()
                    .map(|b| {
                        let mut v = BlockView {
                            caption: b.caption.clone(),
                            href: b.source.clone(),
                            facts: Vec::new(),
                            columns: Vec::new(),
                            rows: Vec::new(),
                            chart: String::new(),
                            chart_table: String::new(),
                        };
                        match &b.content {
                            Content::Facts { facts } => {
                                v.facts = facts
                                    .iter()
                                    .map(|f| FactView {
                                        label: f.label.clone(),
                                        text: f.text.clone(),
                                        href: f.source.clone(),
                                    })
                                    .collect();
                            }
                            Content::Table { columns, rows } => {
                                v.columns = columns.clone();
                                v.rows = rows.clone();
                            }
                            Content::Chart {
                                stacked,
                                unit,
                                chart,
                            } => {
                                let fmt = |x: f64| unit.format(lang, x);
                                v.chart = if *stacked {
                                    chart.stacked_bar(&fmt)
                                } else {
                                    chart.bar(&fmt)
                                };
                                v.chart_table = chart.table(&fmt);
                            }
                        }
                        v
                    })
                    .collect(),
            })
            .collect();
        Self {
            lang: lang.code(),
            title: doc.title.clone(),
            period: doc.period_line(),
            state: doc.state_line(),
            contents: t(lang, "report-contents"),
            source_label: t(lang, "report-source"),
            missing: t(lang, "report-narrative-missing"),
            sections,
        }
    }
}

#[derive(Template)]
#[template(path = "report_standalone.html")]
struct Standalone<'a> {
    a: &'a ArticleView,
    site: &'a str,
}

/// The report as one HTML file, its links absolute on the document's site.
pub fn standalone(doc: &Document) -> String {
    let a = ArticleView::new(doc);
    Standalone {
        a: &a,
        site: doc.site.trim_end_matches('/'),
    }
    .render()
    .expect("the report template renders")
}
