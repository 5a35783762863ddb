//! The `semey` binary over a real socket: serve with the demo, answer HTTP, import on the CLI.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn http_get(addr: &str, path: &str) -> (u16, String) {
    http(addr, "GET", path, &[], "")
}

fn serve_and_probe(database: &str) {
    let (mut child, addr) = serve(database, &["--demo"], None);
    let (status, body) = http_get(&addr, "/healthz");
    assert_eq!(status, 200, "{body}");
    let (status, body) = http_get(&addr, "/api/v1/programmes?area=radiation_safety");
    assert_eq!(status, 200);
    assert!(body.contains("\"total\":3"), "{body}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn serve_with_demo_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    serve_and_probe(&format!(
        "sqlite://{}",
        dir.path().join("semey.db").display()
    ));
    assert!(
        dir.path().join("semey.db").exists(),
        "the SQLite file is created on first start"
    );
}

/// A new, empty database on the test cluster that `scripts/test.sh` started; its URL.
pub(crate) fn new_postgres_database() -> String {
    use sqlx::Connection;
    let admin =
        std::env::var("SEMEY_TEST_POSTGRES").expect("SEMEY_TEST_POSTGRES: run scripts/test.sh");
    let name = format!("semey_bin_{}", uuid::Uuid::new_v4().simple());
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut c)
            .await
            .unwrap();
    });
    format!("{}/{name}", admin.rsplit_once('/').unwrap().0)
}

#[test]
fn serve_with_demo_on_postgres() {
    serve_and_probe(&new_postgres_database());
}

/// The CLI's import prints a line-numbered report and exits non-zero when the file is bad.
#[test]
fn cli_import_reports_problems_and_exits_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("semey.db").display());
    let file = dir.path().join("rates.csv");
    std::fs::write(
        &file,
        "currency,date,per_usd,source\nKZT,2024-01-01,450,NBK\nKZT,2024-01-01,451,NBK\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_semey"))
        .args(["import", "exchange-rates", "--database", &db])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("nothing was imported") && err.contains("line 3"),
        "{err}"
    );
    std::fs::write(
        &file,
        "currency,date,per_usd,source\nKZT,2024-01-01,450,NBK\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_semey"))
        .args(["import", "exchange-rates", "--database", &db])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 new"));
}

/// `log_format = "json"` writes every log line as one JSON object.
#[test]
fn logs_are_json_lines_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_semey"))
        .args([
            "--database",
            &format!("sqlite://{}", dir.path().join("j.db").display()),
            "migrate",
        ])
        .env("SEMEY_LOG_FORMAT", "json")
        .env("SEMEY_LOG", "debug")
        .output()
        .unwrap();
    assert!(out.status.success());
    let logs = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!lines.is_empty(), "the migration's statements are logged");
    assert!(lines
        .iter()
        .all(|l| l["level"].is_string() && l["timestamp"].is_string()));
}

/// `--config` reads a TOML file; `SEMEY_*` variables override it; a missing file is an error.
#[test]
fn configuration_file_and_environment() {
    let dir = tempfile::tempdir().unwrap();
    let from_file = dir.path().join("from-file.db");
    let from_env = dir.path().join("from-env.db");
    let config = dir.path().join("semey.toml");
    std::fs::write(
        &config,
        format!("database = \"sqlite://{}\"\n", from_file.display()),
    )
    .unwrap();
    let run = |env: Option<&std::path::Path>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_semey"));
        c.arg("--config")
            .arg(&config)
            .arg("migrate")
            .env_remove("SEMEY_DATABASE");
        if let Some(p) = env {
            c.env("SEMEY_DATABASE", format!("sqlite://{}", p.display()));
        }
        c.output().unwrap()
    };
    assert!(run(None).status.success());
    assert!(from_file.exists());
    assert!(run(Some(&from_env)).status.success());
    assert!(from_env.exists());
    let out = Command::new(env!("CARGO_BIN_EXE_semey"))
        .args(["--config", "/nonexistent/semey.toml", "migrate"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

/// Runs `semey` with `stdin` as its standard input.
pub(crate) fn run(database: &str, args: &[&str], stdin: &str) -> (bool, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_semey"))
        .args(args)
        .args(["--database", database])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start semey");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The first administrator comes from the command line, with a password read from standard
/// input (never a default one); a short password is refused and creates nothing; tokens are
/// printed once.
#[test]
fn accounts_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("semey.db").display());
    let (ok, _, err) = run(
        &db,
        &[
            "user",
            "add",
            "admin@semey.kz",
            "--name",
            "Admin",
            "--administrator",
        ],
        "short\n",
    );
    assert!(!ok && err.contains("at least 12 characters"), "{err}");
    let (_, list, _) = run(&db, &["user", "list"], "");
    assert!(list.trim().is_empty(), "nothing created: {list}");
    let (ok, out, err) = run(
        &db,
        &[
            "user",
            "add",
            "admin@semey.kz",
            "--name",
            "Admin",
            "--administrator",
        ],
        "a very long passphrase\n",
    );
    assert!(ok, "{err}");
    assert!(out.contains("created for admin@semey.kz") && !out.contains("passphrase"));
    let (_, list, _) = run(&db, &["user", "list"], "");
    assert!(
        list.contains("admin@semey.kz\tAdmin\tadministrator"),
        "{list}"
    );
    let (ok, _, err) = run(
        &db,
        &["user", "add", "admin@semey.kz", "--name", "Again"],
        "another long passphrase\n",
    );
    assert!(!ok && err.contains("already an account"), "{err}");
    let (ok, out, _) = run(
        &db,
        &["user", "token", "admin@semey.kz", "--name", "robot"],
        "",
    );
    assert!(ok && out.contains(": semey_"), "{out}");
    let (ok, _, _) = run(&db, &["user", "disable", "admin@semey.kz"], "");
    assert!(ok);
    let (_, list, _) = run(&db, &["user", "list"], "");
    assert!(list.contains("disabled"));
}

/// Killing `semey import measurements` in the middle of a file leaves the database as it was:
/// nothing of the file, no import record, no statistics; the same file then imports whole.
fn killed_import_applies_nothing(database: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("survey.csv");
    let file_arg = file.to_str().unwrap();
    let (ok, _, err) = run(
        database,
        &[
            "generate-measurements",
            "--rows",
            "600000",
            "--out",
            file_arg,
        ],
        "",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run(database, &["migrate"], "");
    assert!(ok, "{err}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_semey"))
        .args(["--database", database, "import", "measurements", file_arg])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let rt = tokio::runtime::Runtime::new().unwrap();
    // Wait until the import is writing rows (PostgreSQL shows its statements; SQLite shows
    // nothing before the commit, so there the import is given a second), then kill it.
    loop {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the import ended before it could be killed"
        );
        let writing = if database.starts_with("postgres") {
            rt.block_on(async {
                use sqlx::Connection;
                let mut c = sqlx::PgConnection::connect(database).await.unwrap();
                sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
                     AND pid <> pg_backend_pid() AND query LIKE 'INSERT INTO measurements%'",
                )
                .fetch_one(&mut c)
                .await
                .unwrap()
                    > 0
            })
        } else {
            started.elapsed() > std::time::Duration::from_secs(1)
        };
        if writing {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let counts = |rt: &tokio::runtime::Runtime| {
        rt.block_on(async {
            let store = semey_store::Store::connect(database).await.unwrap();
            let n = store.measurement_count().await.unwrap();
            let d = store.datasets().await.unwrap();
            let bins = store
                .bins_in(5, [-180.0, -90.0, 180.0, 90.0], 100)
                .await
                .unwrap();
            store.close().await;
            (n, d.iter().map(|(_, n)| *n).sum::<i64>(), bins.len())
        })
    };
    assert_eq!(
        counts(&rt),
        (0, 0, 0),
        "nothing of the killed import is stored"
    );
    let (ok, out, err) = run(database, &["import", "measurements", file_arg], "");
    assert!(ok, "{out}{err}");
    let (n, in_datasets, bins) = counts(&rt);
    assert!(
        n > 590_000 && n == in_datasets && bins > 0,
        "{n} {in_datasets} {bins}"
    );
}

#[test]
fn killed_import_applies_nothing_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    killed_import_applies_nothing(&format!("sqlite://{}", dir.path().join("s.db").display()));
}

#[test]
fn killed_import_applies_nothing_on_postgres() {
    killed_import_applies_nothing(&new_postgres_database());
}

/// The risk for a settlement and for a point, in the reader's language, from the command line.
#[test]
fn radiation_risk_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("r.db").display());
    let (ok, _, err) = run(&db, &["demo"], "");
    assert!(ok, "{err}");
    // Far from the demo survey's drives: nothing is known.
    let (ok, out, err) = run(
        &db,
        &["radiation", "risk", "--at", "46.5,70.1", "--lang", "ru"],
        "",
    );
    assert!(ok, "{err}");
    assert!(out.starts_with("Не измерено\n"), "{out}");
    assert!(out.contains("Это не значит, что здесь безопасно."), "{out}");
    // Kurchatov, where the demo survey drove: the estimate with its inputs, what to do, whom to call.
    let (ok, out, err) = run(
        &db,
        &[
            "radiation",
            "risk",
            "--at",
            "50.75617,78.54188",
            "--lang",
            "en",
        ],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        out.contains("mSv a year, from a typical dose rate of"),
        "{out}"
    );
    assert!(
        out.contains("What to do: ") && out.contains("Whom to contact: "),
        "{out}"
    );
    let (ok, _, err) = run(&db, &["radiation", "risk"], "");
    assert!(!ok);
    assert!(err.contains("--place ID or --at LAT,LON"), "{err}");
    let (ok, out, _) = run(&db, &["radiation", "factors"], "");
    assert!(ok);
    assert!(out.contains("LND 7317") && out.contains("334"), "{out}");
}

#[test]
fn iati_exports_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("i.db").display());
    let (ok, _, err) = run(&db, &["demo"], "");
    assert!(ok, "{err}");
    let out = dir.path().join("activities.xml");
    let (ok, _, err) = run(
        &db,
        &["export", "iati-activities", "--out", out.to_str().unwrap()],
        "",
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("activities,") && err.contains("bytes written"),
        "{err}"
    );
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\""
    ));
    // Read back by `semey import iati`: the platform holds it already, nothing changes.
    let (ok, said, err) = run(&db, &["import", "iati", out.to_str().unwrap()], "");
    assert!(ok, "{err}");
    assert!(
        said.contains("iati activities: 8 read, 0 new, 0 updated, 8 already present"),
        "{said}"
    );
    // A broken file: nothing is imported and the line is named.
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, xml.replacen("</iati-identifier>", "", 1)).unwrap();
    let (ok, _, err) = run(&db, &["import", "iati", broken.to_str().unwrap()], "");
    assert!(
        !ok && err.contains("nothing was imported") && err.contains("line 3"),
        "{err}"
    );
    let (ok, _, err) = run(
        &db,
        &[
            "export",
            "iati-activities",
            "--organisation",
            "nobody",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(!ok && err.contains("--organisation"), "{err}");
    let (ok, _, err) = run(
        &db,
        &[
            "export",
            "iati-organisations",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{err}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(
        xml.contains("<iati-organisations version=\"2.03\"") && xml.contains("<total-budget "),
        "{xml}"
    );
}

/// Rows of one table, read through the store.
fn rows(database: &str, table: semey_store::OpenTable) -> i64 {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = semey_store::Store::connect(database).await.unwrap();
        let n = store.table_rows(table).await.unwrap();
        store.close().await;
        n
    })
}

/// A backup taken while imports write is one moment of the database: restored into a new
/// database it holds the demo whole and some of the writes (none half), and restored over the
/// original it replaces what was written since.
fn backup_and_restore_while_writing(database: &str, fresh: &str) {
    use semey_store::OpenTable::{ExchangeRates, Programmes, Transactions};
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(database, &["demo"], "");
    assert!(ok, "{err}");
    let before = rows(database, ExchangeRates);
    let writer = {
        let (database, dir) = (database.to_owned(), dir.path().to_owned());
        std::thread::spawn(move || {
            for i in 0..12 {
                let file = dir.join(format!("rates-{i}.csv"));
                let csv = format!("currency,date,per_usd,source\nKZT,2031-{:02}-01,{},test\nEUR,2031-{:02}-01,0.9,test\n", i + 1, 450 + i, i + 1);
                std::fs::write(&file, csv).unwrap();
                let (ok, _, err) = run(
                    &database,
                    &["import", "exchange-rates", file.to_str().unwrap()],
                    "",
                );
                assert!(ok, "{err}");
            }
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    let backup = dir.path().join("semey.backup");
    let (ok, out, err) = run(database, &["backup", backup.to_str().unwrap()], "");
    assert!(ok, "{err}");
    assert!(out.contains("backed up to"), "{out}");
    writer.join().unwrap();
    let after = rows(database, ExchangeRates);
    assert_eq!(after, before + 24);
    let (ok, _, err) = run(database, &["backup", backup.to_str().unwrap()], "");
    assert!(!ok && err.contains("never overwrites"), "{err}");

    let (ok, _, err) = run(fresh, &["restore", backup.to_str().unwrap()], "");
    assert!(ok, "{err}");
    let restored = rows(fresh, ExchangeRates);
    assert!(
        (before..=after).contains(&restored) && (restored - before) % 2 == 0,
        "{before} ≤ {restored} ≤ {after}, whole files only"
    );
    for table in [Programmes, Transactions] {
        assert_eq!(rows(fresh, table), rows(database, table), "the demo whole");
    }
    // Over the original: what was written after the backup is gone.
    let (ok, _, err) = run(database, &["restore", backup.to_str().unwrap()], "");
    assert!(ok, "{err}");
    assert_eq!(rows(database, ExchangeRates), restored);
    let (ok, out, _) = run(database, &["summary", "--group-by", "area"], "");
    assert!(
        ok && out.contains("group"),
        "the restored database serves: {out}"
    );
    // Something that is not a backup is refused, and nothing is replaced.
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, "not a database").unwrap();
    let (ok, _, _) = run(database, &["restore", junk.to_str().unwrap()], "");
    assert!(!ok);
    assert_eq!(rows(database, ExchangeRates), restored);
}

#[test]
fn backup_and_restore_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    backup_and_restore_while_writing(
        &format!("sqlite://{}", dir.path().join("live.db").display()),
        &format!("sqlite://{}", dir.path().join("restored.db").display()),
    );
}

#[test]
fn backup_and_restore_on_postgres() {
    backup_and_restore_while_writing(&new_postgres_database(), &new_postgres_database());
}

/// The schema of the previous release (its last migration), which a database in use may have.
const PREVIOUS_RELEASE: i64 = 22;

/// Runs SQL statements on `database` directly.
async fn execute(database: &str, statements: &[&str]) {
    use sqlx::Connection;
    if database.starts_with("sqlite:") {
        let mut c = sqlx::SqliteConnection::connect(database).await.unwrap();
        for s in statements {
            sqlx::query(s).execute(&mut c).await.unwrap();
        }
    } else {
        let mut c = sqlx::PgConnection::connect(database).await.unwrap();
        for s in statements {
            sqlx::query(s).execute(&mut c).await.unwrap();
        }
    }
}

/// A database of the previous release's schema, holding the demo, upgrades to the current
/// schema with every row kept, and then does what the new schema added (security events).
fn upgrade_from_the_previous_release(database: &str) {
    let tables = semey_store::OpenTable::ALL;
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = semey_store::Store::connect(database).await.unwrap();
        store.migrate_to(PREVIOUS_RELEASE).await.unwrap();
        assert!(
            !store.migrations_current().await.unwrap(),
            "an older schema"
        );
        // The demo as the previous release held it. The current code records which money
        // changed as it commits (migration 0027): the tables it writes are made for the load and
        // removed before the upgrade, which leaves the previous schema with its data.
        execute(database, &[
            "CREATE TABLE funding_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL, everything BIGINT NOT NULL)",
            "INSERT INTO funding_version (id, version, everything) VALUES (1, 0, 0)",
            "CREATE TABLE funding_changes (programme_id TEXT PRIMARY KEY, version BIGINT NOT NULL)",
        ]).await;
        let config = semey::Config::default();
        semey::demo::load(&store).await.unwrap();
        semey::demo::load_radiation(&store, &config.radiation)
            .await
            .unwrap();
        semey::demo::load_resolutions(&store, std::path::Path::new(&config.resolutions_dir))
            .await
            .unwrap();
        semey::demo::load_coordination(&store).await.unwrap();
        semey::demo::load_report(&store).await.unwrap();
        let mut before = Vec::new();
        for t in tables {
            before.push(store.table_rows(t).await.unwrap());
        }
        execute(database, &["DROP TABLE funding_changes", "DROP TABLE funding_version"]).await;
        assert!(before.iter().filter(|n| **n > 0).count() >= 8, "{before:?}");
        store.migrate().await.unwrap();
        assert!(store.migrations_current().await.unwrap());
        for (t, n) in tables.into_iter().zip(before) {
            assert_eq!(store.table_rows(t).await.unwrap(), n, "{t:?}");
        }
        let mut tx = store.begin().await.unwrap();
        let e = semey_store::SecurityEventInput {
            address: "192.0.2.1",
            action: "invalid_token",
            target: "/",
            user_id: None,
            detail: None,
        };
        store.record_security_event(&mut tx, &e).await.unwrap();
        tx.commit_unseen().await.unwrap();
        assert_eq!(store.list_security_events(None, 10).await.unwrap().len(), 1);
        // And the document library takes the demo's documents.
        let loaded = semey::demo::load_documents(&store, &config).await.unwrap();
        assert!(loaded.starts_with("documents: 4 new"), "{loaded}");
        store.close().await;
    });
    // The upgraded database serves as any other.
    let (ok, out, err) = run(database, &["summary", "--group-by", "area"], "");
    assert!(ok && out.contains("group"), "{err}");
}

#[test]
fn upgrade_from_the_previous_release_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    upgrade_from_the_previous_release(&format!("sqlite://{}", dir.path().join("old.db").display()));
}

#[test]
fn upgrade_from_the_previous_release_on_postgres() {
    upgrade_from_the_previous_release(&new_postgres_database());
}

/// A running `semey serve` (with its own search index in `search_dir` when given); its
/// address.
pub(crate) fn serve(
    database: &str,
    args: &[&str],
    search_dir: Option<&std::path::Path>,
) -> (std::process::Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_semey"));
    command
        .args(["serve", "--addr", "127.0.0.1:0", "--database", database])
        .args(args);
    if let Some(dir) = search_dir {
        command.env("SEMEY_SEARCH_DIR", dir);
    }
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start semey");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("semey printed its address").unwrap();
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Whatever else it prints is read, so that it never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (child, addr)
}

/// Asks a server's search until it finds `name` (or gives up after 20 s).
fn found_on(addr: &str, q: &str, name: &str) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::time::Instant::now() < deadline {
        let (status, body) = http_get(addr, &format!("/api/v1/search?q={q}"));
        if status == 200 && body.contains(name) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}

/// Two servers on one database, each with its own search index: a record another process
/// imports is found on both; `semey search rebuild` reaches them while they run; a server
/// restarted on its index directory catches up from where it stood.
fn two_servers_follow_one_database(database: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(database, &["demo"], "");
    assert!(ok, "{err}");
    let (mut a, addr_a) = serve(database, &[], Some(&dir.path().join("index-a")));
    let (mut b, addr_b) = serve(database, &[], Some(&dir.path().join("index-b")));
    assert!(found_on(&addr_a, "radiation", "Radiation monitoring"));
    assert!(found_on(&addr_b, "radiation", "Radiation monitoring"));
    let import = |row: &str| {
        let csv = dir.path().join("orgs.csv");
        let header = "name_en,name_ru,name_kk,name_zh,org_type,country";
        std::fs::write(&csv, format!("{header}\n{row}\n")).unwrap();
        let (ok, _, err) = run(
            database,
            &["import", "organisations", csv.to_str().unwrap()],
            "",
        );
        assert!(ok, "{err}");
    };
    import("Tamarisk Seed Bank,Банк семян тамариска,,,22,KZ");
    assert!(
        found_on(&addr_a, "tamarisk", "Tamarisk Seed Bank"),
        "server A"
    );
    assert!(
        found_on(
            &addr_b,
            "%D1%82%D0%B0%D0%BC%D0%B0%D1%80%D0%B8%D1%81%D0%BA",
            "Tamarisk Seed Bank"
        ),
        "server B, in Russian"
    );
    let (ok, out, err) = run(database, &["search", "rebuild"], "");
    assert!(ok, "{err}");
    assert!(out.contains("documents"), "{out}");
    assert!(
        found_on(&addr_b, "tamarisk", "Tamarisk Seed Bank"),
        "after the rebuild"
    );
    // Restarted on its directory, server A catches up with what was written while it was down.
    a.kill().unwrap();
    a.wait().unwrap();
    import("Saxaul Charcoal Cooperative,,,,22,KZ");
    let (mut a, addr_a) = serve(database, &[], Some(&dir.path().join("index-a")));
    assert!(found_on(&addr_a, "saxaul", "Saxaul Charcoal Cooperative"));
    assert!(found_on(&addr_a, "tamarisk", "Tamarisk Seed Bank"));
    // The command line answers too.
    let (ok, out, err) = run(database, &["search", "query", "saxaul charcoal"], "");
    assert!(ok, "{err}");
    assert!(out.contains("Saxaul Charcoal Cooperative"), "{out}");
    for child in [&mut a, &mut b] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn two_servers_follow_one_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    two_servers_follow_one_database(&format!(
        "sqlite://{}",
        dir.path().join("semey.db").display()
    ));
}

#[test]
fn two_servers_follow_one_postgres_database() {
    two_servers_follow_one_database(&new_postgres_database());
}

/// One HTTP/1.1 request over a new connection: status, and the headers and body as text.
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, out)
}

/// A new coordinator's account (with `password`) and an API token of theirs.
pub(crate) fn coordinator_token(database: &str, email: &str, password: &str) -> String {
    let (ok, _, err) = run(
        database,
        &[
            "user",
            "add",
            email,
            "--name",
            "Coordinator",
            "--role",
            "coordinator",
        ],
        &format!("{password}\n"),
    );
    assert!(ok, "{err}");
    let (ok, out, err) = run(database, &["user", "token", email, "--name", "tests"], "");
    assert!(ok, "{err}");
    out.split(": ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .expect("a token")
        .to_owned()
}

/// Sign-in form from a client whose address the proxy passes on (`X-Forwarded-For`).
fn sign_in_at(addr: &str, client: &str, email: &str, password: &str) -> (u16, String) {
    let form = format!(
        "email={}&password={}&next=%2Fworkspace",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    http(
        addr,
        "POST",
        "/signin?lang=en",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Sec-Fetch-Site", "same-origin"),
            ("X-Forwarded-For", client),
        ],
        &form,
    )
}

/// nginx on a free loopback port in front of `upstreams` (round robin), with its files in
/// `dir`; the running nginx and its address.
fn nginx_in_front_of(dir: &std::path::Path, upstreams: &[&str]) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = dir.display();
    let servers: String = upstreams.iter().map(|u| format!("server {u};\n")).collect();
    let conf = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         upstream semey {{\n{servers}}}\n\
         server {{\n    listen 127.0.0.1:{port};\n    location / {{\n      proxy_pass http://semey;\n\
         proxy_set_header Host $host;\n      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
         proxy_next_upstream off;\n    }}\n  }}\n}}\n"
    );
    let file = dir.join("nginx.conf");
    std::fs::write(&file, conf).unwrap();
    // Debian installs it in /usr/sbin, which a user's PATH may not name.
    let nginx = ["/usr/sbin/nginx", "nginx"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
        .unwrap_or("nginx");
    let child = Command::new(nginx)
        .args(["-e", &format!("{d}/error.log"), "-p", &d.to_string(), "-c"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx (scripts/test.sh installs it)");
    let addr = format!("127.0.0.1:{port}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while TcpStream::connect(&addr).is_err() {
        assert!(std::time::Instant::now() < deadline, "nginx did not start");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (child, addr)
}

/// Two servers on one database behind nginx: a session begun on one is good on the other; a
/// write through one shows on the other's public pages within 2 s; the sign-in limit per
/// client and the lock-out of an account hold across both; a security event is counted once.
fn two_servers_behind_a_proxy(database: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(database, &["demo"], "");
    assert!(ok, "{err}");
    let password = "a long enough passphrase";
    let token = coordinator_token(database, "coord@semey.test", password);
    // Behind the proxy: the client's address is read from X-Forwarded-For, set by nginx.
    let config = dir.path().join("semey.toml");
    std::fs::write(&config, "trusted_proxies = [\"127.0.0.1\"]\n").unwrap();
    let config = config.to_str().unwrap();
    let (mut a, addr_a) = serve(
        database,
        &["--config", config],
        Some(&dir.path().join("index-a")),
    );
    let (mut b, addr_b) = serve(
        database,
        &["--config", config],
        Some(&dir.path().join("index-b")),
    );
    let (mut proxy, front) = nginx_in_front_of(dir.path(), &[&addr_a, &addr_b]);

    // A session begun on A works on B, and through the proxy.
    let (status, answer) = sign_in_at(&addr_a, "198.51.100.1", "coord@semey.test", password);
    assert_eq!(status, 303, "{answer}");
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    for addr in [&addr_b, &front, &front] {
        let (status, page) = http(
            addr,
            "GET",
            "/workspace?lang=en",
            &[("Cookie", &cookie)],
            "",
        );
        assert_eq!(status, 200, "{addr}: {page}");
    }

    // A write through A shows on B's public page (already rendered and cached) within 2 s.
    let (status, page) = http(&addr_b, "GET", "/stakeholders?lang=en", &[], "");
    assert!(
        status == 200 && !page.contains("Kokpekty Beekeepers"),
        "{page}"
    );
    let body = r#"{"name": {"en": "Kokpekty Beekeepers"}, "org_type": 22, "country": "KZ"}"#;
    let bearer = format!("Bearer {token}");
    let (status, answer) = http(
        &addr_a,
        "POST",
        "/api/v1/organisations",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        body,
    );
    assert_eq!(status, 201, "{answer}");
    let written = std::time::Instant::now();
    loop {
        let (_, page) = http(&addr_b, "GET", "/stakeholders?lang=en", &[], "");
        if page.contains("Kokpekty Beekeepers") {
            break;
        }
        assert!(
            written.elapsed() < std::time::Duration::from_secs(2),
            "B's page still lacks the organisation 2 s after the write"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    // One client, twenty wrong sign-ins through the proxy (round robin: ten on each server),
    // then it must wait; another client behind the same proxy may still try.
    for i in 0..20 {
        let (status, answer) = sign_in_at(
            &front,
            "203.0.113.7",
            &format!("nobody{i}@semey.test"),
            "wrong",
        );
        assert_eq!(status, 401, "attempt {i}: {answer}");
    }
    let (status, _) = sign_in_at(&front, "203.0.113.7", "nobody@semey.test", "wrong");
    assert_eq!(
        status, 429,
        "the 21st attempt of one client, across both servers"
    );
    let (status, _) = sign_in_at(&front, "203.0.113.8", "nobody@semey.test", "wrong");
    assert_eq!(status, 401, "another client is not limited by the first");

    // Wrong passwords for one account through the proxy lock it on both servers.
    for i in 0..semey::accounts::MAX_FAILURES {
        let (status, _) = sign_in_at(
            &front,
            &format!("192.0.2.{i}"),
            "coord@semey.test",
            "not the passphrase",
        );
        assert_eq!(status, 401);
    }
    for addr in [&addr_a, &addr_b] {
        let (status, _) = sign_in_at(addr, "192.0.2.200", "coord@semey.test", password);
        assert_eq!(status, 401, "{addr}: the account is locked everywhere");
    }

    // A made-up token through the proxy is one security event of its client, counted once.
    let (status, _) = http(
        &front,
        "GET",
        "/api/v1/programmes",
        &[
            ("Authorization", "Bearer semey_made-up"),
            ("X-Forwarded-For", "203.0.113.99"),
        ],
        "",
    );
    assert_eq!(status, 401);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let events = rt.block_on(async {
        let store = semey_store::Store::connect(database).await.unwrap();
        let e = store.list_security_events(None, 1000).await.unwrap();
        store.close().await;
        e
    });
    let of = |address: &str, action: &str| -> i64 {
        events
            .iter()
            .filter(|e| e.address == address && e.action == action)
            .map(|e| e.count)
            .sum()
    };
    assert_eq!(of("203.0.113.99", "invalid_token"), 1, "{events:?}");
    assert_eq!(of("203.0.113.7", "sign_in_rate_limited"), 1, "{events:?}");
    assert_eq!(of("203.0.113.7", "sign_in_failed"), 20, "{events:?}");
    for child in [&mut proxy, &mut a, &mut b] {
        child.kill().unwrap();
        child.wait().unwrap();
    }
}

#[test]
fn two_servers_behind_a_proxy_on_postgres() {
    two_servers_behind_a_proxy(&new_postgres_database());
}

#[test]
fn two_servers_behind_a_proxy_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    two_servers_behind_a_proxy(&format!(
        "sqlite://{}",
        dir.path().join("semey.db").display()
    ));
}
