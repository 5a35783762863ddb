//! `semey backup FILE` and `semey restore FILE`: a consistent copy of the whole database taken
//! while the platform runs, and the database replaced by such a copy (servers stopped).
//! SQLite: `VACUUM INTO` (one read transaction) and the file checked and put in place;
//! PostgreSQL: PostgreSQL's own `pg_dump` (custom format, one snapshot) and `pg_restore` in one
//! transaction. A restored database is then migrated, so a backup of an earlier release
//! upgrades as it comes back.

use anyhow::{bail, Context};
use semey_store::{Backend, Store};
use std::path::Path;
use std::process::Command;

pub(super) async fn backup(database: &str, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!(
            "{} exists: a backup never overwrites a file",
            file.display()
        );
    }
    let store = Store::connect(database).await?;
    match store.backend() {
        Backend::Sqlite => {
            let path = file.to_str().context("the backup's path is not UTF-8")?;
            store.backup_sqlite(path).await?;
        }
        Backend::Postgres => {
            store.close().await;
            run(Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(file)
                .arg(database))?;
        }
    }
    let bytes = std::fs::metadata(file)?.len();
    println!("backed up to {} ({bytes} bytes)", file.display());
    Ok(())
}

pub(super) async fn restore(database: &str, file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a file", file.display());
    }
    if database.starts_with("sqlite:") {
        let target = database
            .trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:")
            .split('?')
            .next()
            .unwrap_or_default()
            .to_owned();
        // Copied beside the target, checked there, then renamed over it: never half a
        // database, never a damaged one.
        let staging = format!("{target}.restoring");
        std::fs::copy(file, &staging)?;
        let checked = async {
            let copy = Store::connect(&format!("sqlite://{staging}")).await?;
            let check = copy.integrity().await;
            copy.close().await;
            check
        }
        .await;
        let problem = match checked {
            Ok(check) if check == "ok" => None,
            Ok(check) => Some(format!("{} is damaged: {check}", file.display())),
            Err(e) => Some(format!("{} is not an SQLite database: {e}", file.display())),
        };
        if let Some(problem) = problem {
            for side in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{staging}{side}"));
            }
            bail!("{problem}; nothing was restored");
        }
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{target}{side}"));
        }
        std::fs::rename(&staging, &target)?;
    } else {
        run(Command::new("pg_restore")
            .args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
            ])
            .arg(database)
            .arg(file))?;
    }
    let store = Store::connect(database).await?;
    store.migrate().await?;
    println!(
        "restored {} and brought its schema up to date",
        file.display()
    );
    Ok(())
}

fn run(c: &mut Command) -> anyhow::Result<()> {
    let name = c.get_program().to_string_lossy().into_owned();
    let out = c
        .output()
        .with_context(|| format!("{name} could not be run: install PostgreSQL's client tools"))?;
    if !out.status.success() {
        bail!(
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}
