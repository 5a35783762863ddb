//! `semey export data DATASET --format csv|xlsx|json|geojson --out FILE`: a whole dataset of
//! the open data catalogue as a file (the same file `/api/v1/data/{dataset}.{format}` serves,
//! without filters), with a progress counter.

use crate::opendata::{Dataset, Selection};
use crate::presentation::table::TableFormat;
use crate::AppState;
use std::io::Write;
use std::path::Path;

pub(super) async fn export(
    state: &AppState,
    dataset: &str,
    format: &str,
    out: &Path,
) -> anyhow::Result<()> {
    let d = Dataset::parse(dataset).ok_or_else(|| {
        anyhow::anyhow!(
            "{dataset:?}: one of {}",
            Dataset::ALL.map(|d| d.slug()).join(", ")
        )
    })?;
    let f = TableFormat::parse(format)
        .filter(|f| d.formats().contains(f))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "--format {format:?}: {dataset} comes as {}",
                d.formats()
                    .iter()
                    .map(|f| f.ext())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
    let started = std::time::Instant::now();
    let download = if d == Dataset::Measurements {
        let permit = state.heavy_permit().await?;
        let rx = crate::radiation::export::measurements(
            &state.store,
            Default::default(),
            f == TableFormat::GeoJson,
            None,
            permit,
        )
        .await?;
        crate::opendata::from_export(rx, d, f)
    } else {
        crate::opendata::download(&state.store, Selection::all(d), f).await?
    };
    let mut rx = download.body;
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(out).map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?,
    );
    let bar = super::progress::bytes_bar(&format!("writing {dataset}.{format}"));
    let mut bytes = 0u64;
    while let Some(chunk) = rx.recv().await {
        let chunk = chunk?;
        file.write_all(&chunk)?;
        bytes += chunk.len() as u64;
        bar.set_position(bytes);
    }
    file.flush()?;
    bar.finish_and_clear();
    let rows = state
        .store
        .table_rows(crate::opendata::catalogue::table_of(d))
        .await?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{dataset}: {rows} rows, {bytes} bytes written to {} in {secs:.2} s ({:.0} rows/s)",
        out.display(),
        rows as f64 / secs.max(1e-9)
    );
    Ok(())
}
