//! `semey documents read FORMAT`: the reader the server runs in a process apart for every PDF,
//! DOCX and ODT (bytes on standard input, one JSON line out; see `documents/read.rs`), and
//! `semey documents generate` (synthetic documents for the benchmark). Neither needs the
//! database. `semey import documents DIR` is with the other imports.

use std::io::{Read, Write};
use std::path::Path;

/// Reads the text of the file on standard input and prints what was found as one JSON line.
pub(super) fn read(format: &str) -> anyhow::Result<()> {
    let format =
        semey_domain::document::FileFormat::parse(format).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes)?;
    let outcome = crate::documents::read::read(format, &bytes);
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &outcome)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// Writes `rows` synthetic documents with their `documents.csv` into `out`.
pub(super) fn generate(rows: usize, out: &Path) -> anyhow::Result<()> {
    let n = crate::generate::generate_documents(out, rows)?;
    println!("wrote {n} documents to {}", out.display());
    Ok(())
}
