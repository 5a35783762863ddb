//! Tables for downloading: CSV, JSON, GeoJSON (written as rows come, for streaming) and XLSX
//! (written row by row to a temporary file in constant memory).
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

fn json_value(c: &Cell) -> serde_json::Value {
    match c {
        Cell::Text(s) => serde_json::Value::String(s.clone()),
        Cell::Int(i) => serde_json::Value::from(*i),
        Cell::Number(n) => serde_json::Number::from_f64(*n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
        // An exact decimal stays a string in JSON, so no digit is lost to floating point.
        Cell::Decimal(d) => serde_json::Value::String(d.clone()),
        Cell::Bool(b) => serde_json::Value::Bool(*b),
        Cell::Empty => serde_json::Value::Null,
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
        match self.format {
            TableFormat::Csv => {
                for (i, c) in r.cells.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    match c {
                        Cell::Text(s) => csv_field(s, out),
                        Cell::Int(n) => {
                            let _ = write!(out, "{n}");
                        }
                        Cell::Number(n) => {
                            let _ = write!(out, "{n}");
                        }
                        Cell::Decimal(d) => out.extend_from_slice(d.as_bytes()),
                        Cell::Bool(b) => {
                            let _ = write!(out, "{b}");
                        }
                        Cell::Empty => {}
                    }
                }
                out.push(b'\n');
            }
            TableFormat::Json | TableFormat::GeoJson => {
                let props: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(&r.cells)
                    .map(|(k, v)| (k.clone(), json_value(v)))
                    .collect();
                let value = if self.format == TableFormat::Json {
                    serde_json::Value::Object(props)
                } else {
                    serde_json::json!({
                        "type": "Feature",
                        "geometry": r.point.map(|(lon, lat)| serde_json::json!({"type": "Point", "coordinates": [lon, lat]})),
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

/// Writes an XLSX file at `path` from the batches of rows `rows` yields (one sheet named
/// `sheet`, the column names bold and frozen on top), in constant memory: blocking, for a
/// blocking thread.
pub fn write_xlsx(
    path: &std::path::Path,
    sheet: &str,
    columns: &[&str],
    rows: impl Iterator<Item = Vec<TableRow>>,
) -> Result<u64, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    if let Some(dir) = path.parent() {
        book.set_tempdir(dir)?;
    }
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet)?;
    for (i, c) in columns.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *c, &bold)?;
    }
    ws.set_freeze_panes(1, 0)?;
    // A sheet holds 1 048 576 rows: the column names and 1 048 575 rows of data.
    const MAX_ROWS: u32 = 1_048_575;
    let mut n: u32 = 0;
    for batch in rows {
        for r in batch {
            if n == MAX_ROWS {
                break;
            }
            n += 1;
            for (i, c) in r.cells.iter().enumerate() {
                let col = i as u16;
                match c {
                    Cell::Text(s) => {
                        ws.write_string(n, col, neutralise(s).as_ref())?;
                    }
                    Cell::Int(v) => {
                        ws.write_number(n, col, *v as f64)?;
                    }
                    Cell::Number(v) => {
                        ws.write_number(n, col, *v)?;
                    }
                    Cell::Decimal(d) => match d.parse::<f64>() {
                        Ok(v) => {
                            ws.write_number(n, col, v)?;
                        }
                        Err(_) => {
                            ws.write_string(n, col, d.as_str())?;
                        }
                    },
                    Cell::Bool(b) => {
                        ws.write_boolean(n, col, *b)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
    }
    book.save(path)?;
    Ok(u64::from(n))
}

#[cfg(test)]
mod tests {
    use super::*;

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
