//! A report as PDF, typeset by Typst used as a library: a title page with the table of
//! contents, numbered sections, tables whose header repeats when they break across pages, the
//! charts of the one chart module embedded as vectors (SVG), every figure's source in a
//! footnote, and page numbers. Fonts are Noto Sans (Latin, Cyrillic with the Kazakh letters)
//! and Noto Sans CJK (Chinese), read from the folder the configuration names (Debian's
//! `fonts-noto-core` and `fonts-noto-cjk` put them under `/usr/share/fonts`; DejaVu Sans stands
//! in for Latin and Cyrillic where they are missing) once per process, and embedded (subset) in
//! every PDF. Nothing is fetched at run time.
//!
//! Everything that comes from data enters the Typst source as a string literal (only `\` and
//! `"` need escaping there), never as markup, so no text can change the document's structure.

use super::{Content, Document};
use crate::AppError;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};

/// The font files a report uses, by name: Noto Sans and Noto Sans CJK (Debian's
/// `fonts-noto-core` and `fonts-noto-cjk`), and DejaVu Sans (on most systems) for Latin and
/// Cyrillic where Noto is missing.
const FONT_FILES: [&str; 7] = [
    "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf",
    "NotoSans-Italic.ttf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJK-Bold.ttc",
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
];
/// The families, in the order text falls back through them.
const FAMILIES: &str = "(\"Noto Sans\", \"DejaVu Sans\", \"Noto Sans CJK SC\")";

/// A folder's fonts, once read.
type Loaded = (String, Arc<Fonts>);

/// The fonts, read once per folder.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

fn find(dir: &Path, name: &str, depth: usize) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut dirs = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            dirs.push(p);
        } else if p.file_name().is_some_and(|n| n == name) {
            return Some(p);
        }
    }
    dirs.sort();
    (depth > 0)
        .then(|| dirs.iter().find_map(|d| find(d, name, depth - 1)))
        .flatten()
}

fn load_fonts(dir: &str) -> Result<Fonts, String> {
    let mut book = FontBook::new();
    let mut fonts = Vec::new();
    for name in FONT_FILES {
        let Some(path) = find(Path::new(dir), name, 4) else {
            continue;
        };
        let data = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        for font in Font::iter(Bytes::new(data)) {
            book.push(font.info().clone());
            fonts.push(font);
        }
    }
    if fonts.is_empty() {
        return Err(format!(
            "no font for PDF reports under {dir}: install the Debian packages fonts-noto-core and fonts-noto-cjk, or set font_dir"
        ));
    }
    Ok(Fonts {
        book: LazyHash::new(book),
        fonts,
    })
}

fn fonts(dir: &str) -> Result<Arc<Fonts>, AppError> {
    static LOADED: OnceLock<Mutex<Vec<Loaded>>> = OnceLock::new();
    let loaded = LOADED.get_or_init(|| Mutex::new(Vec::new()));
    let mut loaded = loaded.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, f)) = loaded.iter().find(|(d, _)| d == dir) {
        return Ok(f.clone());
    }
    let f = Arc::new(load_fonts(dir).map_err(|message| AppError::BadRequest {
        code: "fonts_missing",
        message,
        field: None,
    })?);
    loaded.push((dir.to_owned(), f.clone()));
    Ok(f)
}

/// The one-file world Typst compiles in.
struct World {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    main: Source,
    today: time::Date,
}

impl typst::World for World {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day(),
        )
    }
}

/// A Typst string literal holding `s`.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Typst source of a document.
pub fn source(doc: &Document) -> String {
    use crate::presentation::i18n::t;
    use std::fmt::Write;
    let lang = doc.lang;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#set document(title: {}, author: \"Semey\")",
        lit(&doc.title)
    );
    let _ = writeln!(
        s,
        "#set page(paper: \"a4\", margin: (x: 2cm, y: 2.2cm), numbering: \"1 / 1\", number-align: center)"
    );
    let _ = writeln!(
        s,
        "#set text(font: {FAMILIES}, size: 10pt, lang: {})",
        lit(lang.code())
    );
    s.push_str("#set par(justify: true)\n#set heading(numbering: \"1.\")\n");
    s.push_str("#show heading.where(level: 1): it => { pagebreak(weak: true); it }\n");
    s.push_str("#show table: set text(size: 8.5pt)\n");
    s.push_str("#set table(stroke: 0.5pt + luma(180), inset: 4pt)\n");
    s.push_str("#show link: set text(fill: rgb(\"#0b5cad\"))\n");
    let _ = writeln!(
        s,
        "#align(center)[#v(3cm)#text(size: 22pt, weight: \"bold\", {})]",
        lit(&doc.title)
    );
    let _ = writeln!(
        s,
        "#align(center)[#text(size: 13pt, {})]",
        lit(&doc.period_line())
    );
    let _ = writeln!(
        s,
        "#align(center)[#text(fill: luma(90), {})]",
        lit(&doc.state_line())
    );
    let _ = writeln!(
        s,
        "#v(1cm)\n#outline(title: {})",
        lit(&t(lang, "report-contents"))
    );
    for sec in &doc.sections {
        let _ = writeln!(s, "#heading(level: 1, {})", lit(&sec.heading));
        if sec.narrative.trim().is_empty() {
            let _ = writeln!(
                s,
                "#text(fill: luma(110), style: \"italic\", {})\n",
                lit(&t(lang, "report-narrative-missing"))
            );
        }
        for para in sec.narrative.split("\n\n").filter(|p| !p.trim().is_empty()) {
            let _ = writeln!(s, "#par({})\n", lit(para.trim()));
        }
        for b in &sec.blocks {
            let note = format!(
                "#footnote(link({})[#{}])",
                lit(&doc.address(&b.source)),
                lit(&doc.address(&b.source))
            );
            let _ = writeln!(
                s,
                "#heading(level: 2, outlined: false, numbering: none, {}){note}",
                lit(&b.caption)
            );
            match &b.content {
                Content::Facts { facts } => {
                    s.push_str("#table(columns: (1fr, auto), align: (left, right),\n");
                    for f in facts {
                        let _ = writeln!(
                            s,
                            "  {}, [#{}#footnote(link({})[#{}])],",
                            lit(&f.label),
                            lit(&f.text),
                            lit(&doc.address(&f.source)),
                            lit(&doc.address(&f.source))
                        );
                    }
                    s.push_str(")\n");
                }
                Content::Table { columns, rows } => {
                    let align: Vec<&str> = (0..columns.len())
                        .map(|i| if i == 0 { "left" } else { "right" })
                        .collect();
                    let _ = writeln!(
                        s,
                        "#table(columns: {}, align: ({},),",
                        if columns.len() == 1 {
                            "1".to_owned()
                        } else {
                            format!("(1fr, {})", vec!["auto"; columns.len() - 1].join(", "))
                        },
                        align.join(", ")
                    );
                    let head: Vec<String> = columns
                        .iter()
                        .map(|c| format!("[#strong({})]", lit(c)))
                        .collect();
                    let _ = writeln!(s, "  table.header({}),", head.join(", "));
                    for r in rows {
                        let cells: Vec<String> = r.iter().map(|c| lit(c)).collect();
                        let _ = writeln!(s, "  {},", cells.join(", "));
                    }
                    s.push_str(")\n");
                }
                Content::Chart {
                    stacked,
                    unit,
                    chart,
                } => {
                    let fmt = |v: f64| unit.format(lang, v);
                    let svg = if *stacked {
                        chart.stacked_bar(&fmt)
                    } else {
                        chart.bar(&fmt)
                    };
                    let svg = svg.replacen(
                        "<svg ",
                        "<svg font-family=\"Noto Sans, DejaVu Sans, Noto Sans CJK SC\" ",
                        1,
                    );
                    let _ = writeln!(
                        s,
                        "#align(center, image(bytes({}), format: \"svg\", width: 90%, alt: {}))",
                        lit(&svg),
                        lit(&chart.title)
                    );
                }
            }
        }
    }
    s
}

/// Typesets `doc` as PDF with the fonts under `font_dir`.
pub fn render(doc: &Document, font_dir: &str) -> Result<Vec<u8>, AppError> {
    let fonts = fonts(font_dir)?;
    let id = RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new("report.typ").expect("a valid path"),
    )
    .intern();
    let world = World {
        library: LazyHash::new(Library::builder().build()),
        fonts,
        main: Source::new(id, source(doc)),
        today: doc.as_of,
    };
    let failed = |what: &str, errors: &[typst::diag::SourceDiagnostic]| {
        let messages: Vec<String> = errors.iter().map(|e| e.message.to_string()).collect();
        AppError::Store(semey_store::StoreError::Corrupt(format!(
            "the report could not be {what}: {}",
            messages.join("; ")
        )))
    };
    let paged: typst_layout::PagedDocument = typst::compile(&world)
        .output
        .map_err(|e| failed("typeset", &e))?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!(
            "semey-report-{}-{}-{}",
            doc.report_id,
            doc.version.unwrap_or(0),
            doc.lang.code()
        )),
        creator: typst::foundations::Smart::Custom(Some("Semey".into())),
        timestamp: None,
        ..Default::default()
    };
    typst_pdf::pdf(&paged, &options).map_err(|e| failed("written as PDF", &e))
}
