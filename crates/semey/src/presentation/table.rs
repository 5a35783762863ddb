//! Tables for downloading: CSV, JSON, GeoJSON and XLSX, each written as rows come (for
//! streaming, in constant memory).
//!
//! A text cell that a spreadsheet would read as a formula (it begins with `=`, `+`, `-` or
//! `@`, or a tab or carriage return) is written with a leading apostrophe in CSV and XLSX, so
//! opening a download never runs anything. Numbers stay numbers.

use std::borrow::Cow;
use std::io::Write;

/// One value of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Number(f64),
    /// An exact decimal (money in major units), kept as written.
    Decimal(String),
    Bool(bool),
    Empty,
}

/// One row, with its point (longitude, latitude) for GeoJSON.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableRow {
    pub cells: Vec<Cell>,
    pub point: Option<(f64, f64)>,
}

/// The formats of a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    Xlsx,
    Json,
    GeoJson,
}

impl TableFormat {
    pub const ALL: [TableFormat; 4] = [
        TableFormat::Csv,
        TableFormat::Xlsx,
        TableFormat::Json,
        TableFormat::GeoJson,
    ];

    /// The file extension, which names the format in addresses.
    pub const fn ext(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
            TableFormat::Json => "json",
            TableFormat::GeoJson => "geojson",
        }
    }

    pub fn parse(ext: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.ext() == ext)
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            TableFormat::Csv => "text/csv; charset=utf-8",
            TableFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            TableFormat::Json => "application/json",
            TableFormat::GeoJson => "application/geo+json",
        }
    }

    /// The media type alone, for catalogues (DCAT `mediaType`).
    pub fn media_type(self) -> &'static str {
        self.content_type().split(';').next().unwrap_or("")
    }
}

/// A text cell as a spreadsheet must see it: never as a formula.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// A cell of a file written as text (a CSV of strings): a number (`-5`, `+1.5`) stays as it
/// is, any other text is neutralised.
pub fn spreadsheet_safe(s: &str) -> Cow<'_, str> {
    if s.trim().parse::<f64>().is_ok() {
        Cow::Borrowed(s)
    } else {
        neutralise(s)
    }
}

/// The text a spreadsheet cell held before `neutralise` (a re-imported download).
pub fn unneutralise(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if neutralise(rest).len() != rest.len() => rest,
        _ => s,
    }
}

fn csv_field(s: &str, out: &mut Vec<u8>) {
    let s = neutralise(s);
    if s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

fn json_value(c: &CellRef<'_>) -> serde_json::Value {
    match c {
        CellRef::Text(s) => serde_json::Value::String((*s).to_owned()),
        CellRef::Int(i) => serde_json::Value::from(*i),
        CellRef::Number(n) => serde_json::Number::from_f64(*n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        // An exact decimal stays a string in JSON, so no digit is lost to floating point.
        CellRef::Decimal(d) => serde_json::Value::String(d.to_string()),
        CellRef::Bool(b) => serde_json::Value::Bool(*b),
        CellRef::Empty => serde_json::Value::Null,
    }
}

/// Writes CSV, JSON or GeoJSON a row at a time.
pub struct TextTable {
    format: TableFormat,
    columns: Vec<String>,
    first: bool,
}

impl TextTable {
    /// `format` must not be XLSX (see [`write_xlsx`]).
    pub fn new(format: TableFormat, columns: &[&str]) -> Self {
        Self {
            format,
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            first: true,
        }
    }

    pub fn head(&self, out: &mut Vec<u8>) {
        match self.format {
            TableFormat::Csv => {
                for (i, c) in self.columns.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    csv_field(c, out);
                }
                out.push(b'\n');
            }
            TableFormat::Json => out.extend_from_slice(b"[\n"),
            TableFormat::GeoJson => {
                out.extend_from_slice(b"{\"type\":\"FeatureCollection\",\"features\":[\n")
            }
            TableFormat::Xlsx => {}
        }
    }

    pub fn row(&mut self, r: &TableRow, out: &mut Vec<u8>) {
        let cells: Vec<CellRef<'_>> = r.cells.iter().map(Cell::as_ref).collect();
        self.cells(&cells, r.point, out);
    }

    /// A row from its cells and its point (longitude, latitude) for GeoJSON.
    pub fn cells(&mut self, cells: &[CellRef<'_>], point: Option<(f64, f64)>, out: &mut Vec<u8>) {
        match self.format {
            TableFormat::Csv => {
                for (i, c) in cells.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    match c {
                        CellRef::Text(s) => csv_field(s, out),
                        CellRef::Int(n) => {
                            let _ = write!(out, "{n}");
                        }
                        CellRef::Number(n) => {
                            let _ = write!(out, "{n}");
                        }
                        CellRef::Decimal(d) => out.extend_from_slice(d.as_bytes()),
                        CellRef::Bool(b) => {
                            let _ = write!(out, "{b}");
                        }
                        CellRef::Empty => {}
                    }
                }
                out.push(b'\n');
            }
            TableFormat::Json | TableFormat::GeoJson => {
                let props: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(cells)
                    .map(|(k, v)| (k.clone(), json_value(v)))
                    .collect();
                let value = if self.format == TableFormat::Json {
                    serde_json::Value::Object(props)
                } else {
                    serde_json::json!({
                        "type": "Feature",
                        "geometry": point.map(|(lon, lat)| serde_json::json!({"type": "Point", "coordinates": [lon, lat]})),
                        "properties": props,
                    })
                };
                if !self.first {
                    out.extend_from_slice(b",\n");
                }
                let _ = serde_json::to_writer(&mut *out, &value);
            }
            TableFormat::Xlsx => {}
        }
        self.first = false;
    }

    pub fn tail(&self, out: &mut Vec<u8>) {
        match self.format {
            TableFormat::Json => out.extend_from_slice(b"\n]\n"),
            TableFormat::GeoJson => out.extend_from_slice(b"\n]}\n"),
            TableFormat::Csv | TableFormat::Xlsx => {}
        }
    }
}

/// One value of a table, borrowed: what the writers take (a [`Cell`] or a field of text the
/// database rendered).
#[derive(Debug, Clone, PartialEq)]
pub enum CellRef<'a> {
    Text(&'a str),
    Int(i64),
    Number(f64),
    Decimal(Cow<'a, str>),
    Bool(bool),
    Empty,
}

impl CellRef<'_> {
    pub fn to_owned_cell(&self) -> Cell {
        match self {
            CellRef::Text(s) => Cell::Text((*s).to_owned()),
            CellRef::Int(i) => Cell::Int(*i),
            CellRef::Number(n) => Cell::Number(*n),
            CellRef::Decimal(d) => Cell::Decimal(d.to_string()),
            CellRef::Bool(b) => Cell::Bool(*b),
            CellRef::Empty => Cell::Empty,
        }
    }
}

impl Cell {
    pub fn as_ref(&self) -> CellRef<'_> {
        match self {
            Cell::Text(s) => CellRef::Text(s),
            Cell::Int(i) => CellRef::Int(*i),
            Cell::Number(n) => CellRef::Number(*n),
            Cell::Decimal(d) => CellRef::Decimal(Cow::Borrowed(d)),
            Cell::Bool(b) => CellRef::Bool(*b),
            Cell::Empty => CellRef::Empty,
        }
    }
}

/// What is called with each row of a batch: its cells and its point (longitude, latitude).
pub type EachRow<'f> = dyn FnMut(&[CellRef<'_>], Option<(f64, f64)>) + 'f;

/// A batch of rows an XLSX file is written from.
pub trait RowBatch: Send {
    /// Calls `each` with every row's cells and point (longitude, latitude), in order; an
    /// error when the batch cannot be read.
    fn each_row(&self, each: &mut EachRow<'_>) -> std::io::Result<()>;
}

impl RowBatch for Vec<TableRow> {
    fn each_row(&self, each: &mut EachRow<'_>) -> std::io::Result<()> {
        let mut cells = Vec::new();
        for r in self {
            cells.clear();
            cells.extend(r.cells.iter().map(Cell::as_ref));
            each(&cells, r.point);
        }
        Ok(())
    }
}

/// Bytes written to a channel in chunks (from a blocking thread): a download's body.
pub struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl ChannelWriter {
    const CHUNK: usize = 256 * 1024;

    pub fn new(tx: tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>) -> Self {
        Self {
            tx,
            buf: Vec::with_capacity(Self::CHUNK),
        }
    }

    fn send(&mut self) -> std::io::Result<()> {
        let chunk = axum::body::Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(Self::CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the reader left"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= Self::CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.send()?;
        }
        Ok(())
    }
}

/// Writes an XLSX file into `out` from the batches of rows `rows` yields: one sheet named
/// `sheet`, the column names bold and frozen on top, text as inline strings, numbers as
/// numbers. The file is a ZIP stream (sizes in data descriptors), so it needs no seeking and no
/// temporary file: the sheet is written as rows come, and compressed (deflate's fastest level)
/// by a second thread while the next rows are written. Memory stays constant. Blocking, for a
/// blocking thread. Returns the number of data rows.
pub fn write_xlsx<B: RowBatch>(
    out: impl Write + Send,
    sheet: &str,
    columns: &[&str],
    rows: impl Iterator<Item = B>,
) -> std::io::Result<u64> {
    use zip::write::SimpleFileOptions;
    let zip_err = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .last_modified_time(zip::DateTime::default());
    let sheet_name = xml_escape(&sheet.chars().take(31).collect::<String>());
    let (parts_tx, parts_rx) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
    std::thread::scope(|scope| {
        let compressor = scope.spawn(move || -> std::io::Result<()> {
            let mut zip = zip::ZipWriter::new_stream(out);
            for (name, text) in [
                ("[Content_Types].xml", CONTENT_TYPES.to_owned()),
                ("_rels/.rels", ROOT_RELS.to_owned()),
                ("xl/workbook.xml", WORKBOOK.replace("{sheet}", &sheet_name)),
                ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.to_owned()),
                ("xl/styles.xml", STYLES.to_owned()),
            ] {
                zip.start_file(name, options).map_err(zip_err)?;
                zip.write_all(text.as_bytes())?;
            }
            // A sheet of more than 4 GB of XML needs ZIP64.
            zip.start_file("xl/worksheets/sheet1.xml", options.large_file(true))
                .map_err(zip_err)?;
            for part in parts_rx {
                zip.write_all(&part)?;
            }
            zip.finish().map_err(zip_err)?.flush()
        });
        let written = write_sheet(columns, rows, &parts_tx);
        drop(parts_tx);
        let compressed = compressor
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the compressing thread failed")));
        // The sheet's own error first; else the compressor's.
        let n = written?;
        compressed.map(|_| n)
    })
}

/// The sheet's XML, sent in parts of about a megabyte.
fn write_sheet<B: RowBatch>(
    columns: &[&str],
    rows: impl Iterator<Item = B>,
    parts: &std::sync::mpsc::SyncSender<Vec<u8>>,
) -> std::io::Result<u64> {
    const PART: usize = 1 << 20;
    let gone = || std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the compressor stopped");
    let mut out: Vec<u8> = Vec::with_capacity(PART + PART / 4);
    out.extend_from_slice(SHEET_HEAD.as_bytes());
    out.extend_from_slice(br#"<row r="1">"#);
    for (i, c) in columns.iter().enumerate() {
        let _ = write!(
            out,
            r#"<c r="{}1" t="inlineStr" s="1"><is><t>"#,
            column_letters(i)
        );
        xml_text(c, &mut out);
        out.extend_from_slice(b"</t></is></c>");
    }
    out.extend_from_slice(b"</row>");
    // A sheet holds 1 048 576 rows: the column names and 1 048 575 rows of data.
    const MAX_ROWS: u64 = 1_048_575;
    let mut n: u64 = 0;
    let mut stopped = false;
    // Every cell names its place ("C17"): the column letters once, the row number once a row.
    let letters: Vec<String> = (0..columns.len()).map(column_letters).collect();
    let mut place = Vec::with_capacity(16);
    for batch in rows {
        batch.each_row(&mut |cells, _| {
            if n == MAX_ROWS || stopped {
                return;
            }
            n += 1;
            let row = (n + 1).to_string();
            let _ = write!(out, r#"<row r="{row}">"#);
            for (c, letter) in cells.iter().zip(&letters) {
                place.clear();
                place.extend_from_slice(letter.as_bytes());
                place.extend_from_slice(row.as_bytes());
                xlsx_cell(c, &place, &mut out);
            }
            out.extend_from_slice(b"</row>");
            if out.len() >= PART {
                let full = std::mem::replace(&mut out, Vec::with_capacity(PART + PART / 4));
                stopped = parts.send(full).is_err();
            }
        })?;
        if stopped {
            return Err(gone());
        }
    }
    out.extend_from_slice(b"</sheetData></worksheet>");
    parts.send(out).map_err(|_| gone())?;
    Ok(n)
}

/// A column's letters: A … Z, AA … ZZ, AAA …
fn column_letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// One cell at `place` (an empty cell is left out).
fn xlsx_cell(c: &CellRef<'_>, place: &[u8], out: &mut Vec<u8>) {
    let open = |out: &mut Vec<u8>, kind: &[u8]| {
        out.extend_from_slice(b"<c r=\"");
        out.extend_from_slice(place);
        out.extend_from_slice(kind);
    };
    match c {
        CellRef::Text(s) => {
            let s = neutralise(s);
            // Spaces at either end are kept only when the text says so.
            if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
                open(out, br#"" t="inlineStr"><is><t xml:space="preserve">"#);
            } else {
                open(out, br#"" t="inlineStr"><is><t>"#);
            }
            xml_text(&s, out);
            out.extend_from_slice(b"</t></is></c>");
        }
        CellRef::Int(i) => {
            open(out, b"\"><v>");
            let _ = write!(out, "{i}</v></c>");
        }
        CellRef::Number(v) if v.is_finite() => {
            open(out, b"\"><v>");
            let _ = write!(out, "{v}</v></c>");
        }
        CellRef::Number(_) | CellRef::Empty => {}
        CellRef::Decimal(d) => {
            // A decimal that is a number is written as written (the spreadsheet reads it as a
            // number); anything else as text.
            if d.parse::<f64>().is_ok_and(f64::is_finite) {
                open(out, b"\"><v>");
                out.extend_from_slice(d.as_bytes());
                out.extend_from_slice(b"</v></c>");
            } else {
                xlsx_cell(&CellRef::Text(d), place, out);
            }
        }
        CellRef::Bool(b) => {
            open(out, br#"" t="b"><v>"#);
            out.extend_from_slice(if *b { b"1</v></c>" } else { b"0</v></c>" });
        }
    }
}

/// Text for XML: the five special characters escaped, and the characters XML 1.0 cannot hold
/// (control characters other than tab and line breaks) left out.
fn xml_text(s: &str, out: &mut Vec<u8>) {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            0..=8 | 11 | 12 | 14..=31 => b"",
            _ => continue,
        };
        out.extend_from_slice(&s.as_bytes()[start..i]);
        out.extend_from_slice(rep);
        start = i + 1;
    }
    out.extend_from_slice(&s.as_bytes()[start..]);
}

fn xml_escape(s: &str) -> String {
    let mut out = Vec::new();
    xml_text(s, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

// The parts of a workbook of one sheet (ECMA-376, SpreadsheetML): its content types, the
// relationships from the package to the workbook and from the workbook to the sheet and the
// styles (style 1: bold, for the column names).
const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"#;

/// The sheet's start: the first row frozen on top.
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><sheetData>"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_are_neutralised_and_read_back() {
        for (cell, safe) in [
            ("-5", "-5"),
            ("+1.5", "+1.5"),
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("-x", "'-x"),
            ("plain", "plain"),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(spreadsheet_safe(cell), safe);
            assert_eq!(unneutralise(&spreadsheet_safe(cell)), cell);
        }
    }

    #[test]
    fn formulas_are_neutralised_and_numbers_kept() {
        let mut t = TextTable::new(TableFormat::Csv, &["a", "b", "c"]);
        let mut out = Vec::new();
        t.head(&mut out);
        t.row(
            &TableRow {
                cells: vec![
                    Cell::Text("=HYPERLINK(\"x\")".into()),
                    Cell::Int(-5),
                    Cell::Text("@SUM(A1)".into()),
                ],
                point: None,
            },
            &mut out,
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,b,c\n\"'=HYPERLINK(\"\"x\"\")\",-5,'@SUM(A1)\n"
        );
    }

    #[test]
    fn geojson_rows_are_features() {
        let mut t = TextTable::new(TableFormat::GeoJson, &["name"]);
        let mut out = Vec::new();
        t.head(&mut out);
        t.row(
            &TableRow {
                cells: vec![Cell::Text("Semey".into())],
                point: Some((80.25, 50.41)),
            },
            &mut out,
        );
        t.tail(&mut out);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["features"][0]["geometry"]["coordinates"][0], 80.25);
        assert_eq!(v["features"][0]["properties"]["name"], "Semey");
    }
}
