//! `semey generate` and `semey generate-measurements`: deterministic benchmark data.

use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
pub(super) fn generate(programmes: usize, transactions: usize, out: PathBuf) -> anyhow::Result<()> {
    {
        let bar = ProgressBar::new(transactions as u64);
        bar.set_style(
            ProgressStyle::with_template("generating [{bar:40}] {pos}/{len} {elapsed_precise}")
                .expect("valid template"),
        );
        let g = crate::generate::generate(&out, programmes, transactions, &mut |n| {
            bar.set_position(n as u64)
        })?;
        bar.finish_and_clear();
        println!(
            "wrote {} organisations, {} programmes, {} exchange rates, {} transactions to {}",
            g.organisations,
            g.programmes,
            g.rates,
            g.transactions,
            out.display()
        );
    }
    Ok(())
}

pub(super) fn generate_measurements(rows: usize, out: PathBuf) -> anyhow::Result<()> {
    {
        let bar = ProgressBar::new(rows as u64);
        bar.set_style(
            ProgressStyle::with_template("generating [{bar:40}] {pos}/{len} {elapsed_precise}")
                .expect("valid template"),
        );
        let n = crate::generate::generate_measurements(&out, rows, Default::default(), &mut |n| {
            bar.set_position(n as u64)
        })?;
        bar.finish_and_clear();
        println!("wrote {n} readings to {}", out.display());
    }
    Ok(())
}
