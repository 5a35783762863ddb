//! Crash safety of every import: `semey import …` killed with SIGKILL at seeded random moments
//! leaves a database that passes its integrity check and holds either nothing of the file or
//! all of it (every table's rows — records, roll-ups, the change feed, the audit trail — as
//! before the import or as after a whole one); the same import then runs to its end.
//!
//! `SEMEY_CRASH_KILLS` kills per import kind and backend (3 in the test suite;
//! `scripts/crash.sh` runs 50), `SEMEY_CRASH_SEED` the seed (moments are repeatable).

use super::binary::{coordinator_token, http, new_postgres_database, run, serve};
use super::support::{seed, shared};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Tables whose rows a sign-in or a refusal writes; an import never does.
const NOT_IMPORTS: [&str; 3] = ["sessions", "security_events", "sign_in_attempts"];

fn kills() -> usize {
    std::env::var("SEMEY_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(3)
}

/// A small, repeatable random number generator (xorshift64*).
struct Moments(u64);

impl Moments {
    fn new(kind: &str, backend: &str) -> Self {
        let seed: u64 = std::env::var("SEMEY_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(20_261_203);
        let mixed = format!("{kind}/{backend}")
            .bytes()
            .fold(seed ^ 0x9E37_79B9_7F4A_7C15, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
            });
        Self(mixed | 1)
    }

    /// A moment in `0..=limit`.
    fn next(&mut self, limit: Duration) -> Duration {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11;
        limit.mul_f64(r as f64 / (1u64 << 53) as f64)
    }
}

/// Where trials' databases come from: a SQLite file copied, or a PostgreSQL template.
enum Base {
    Sqlite { dir: PathBuf },
    Postgres { admin: String, name: String },
}

impl Base {
    fn new(backend: &str, dir: &Path) -> (Self, String) {
        if backend == "sqlite" {
            let url = format!("sqlite://{}", dir.join("base.db").display());
            (
                Base::Sqlite {
                    dir: dir.to_owned(),
                },
                url,
            )
        } else {
            let url = new_postgres_database();
            let (admin, name) = url.rsplit_once('/').unwrap();
            let admin = format!(
                "{admin}/{}",
                std::env::var("SEMEY_TEST_POSTGRES")
                    .unwrap()
                    .rsplit_once('/')
                    .unwrap()
                    .1
            );
            (
                Base::Postgres {
                    admin,
                    name: name.to_owned(),
                },
                url,
            )
        }
    }

    /// Once the base is made: on SQLite, a consistent copy of it in one file (`semey backup`),
    /// which trials copy.
    fn seal(&self, url: &str) {
        if let Base::Sqlite { dir, .. } = self {
            cli(
                url,
                &strings(&["backup", &dir.join("base.snapshot").display().to_string()]),
            );
        }
    }

    /// A new database holding what the base holds; its URL.
    fn trial(&self, n: usize) -> String {
        match self {
            Base::Sqlite { dir } => {
                let trial = dir.join(format!("trial{n}.db"));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", trial.display()));
                }
                // A copy of the sealed base: one whole file, no write-ahead log.
                std::fs::copy(dir.join("base.snapshot"), &trial).unwrap();
                format!("sqlite://{}", trial.display())
            }
            Base::Postgres { admin, name } => {
                let trial = format!("{name}_t{n}");
                pg(admin, &format!("CREATE DATABASE {trial} TEMPLATE {name}"));
                format!("{}/{trial}", admin.rsplit_once('/').unwrap().0)
            }
        }
    }

    fn drop_trial(&self, url: &str) {
        match self {
            Base::Sqlite { .. } => {
                let file = url.trim_start_matches("sqlite://");
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{file}{suffix}"));
                }
            }
            Base::Postgres { admin, .. } => {
                let name = url.rsplit_once('/').unwrap().1;
                pg(admin, &format!("DROP DATABASE {name} WITH (FORCE)"));
            }
        }
    }
}

fn pg(url: &str, sql: &str) {
    use sqlx::Connection;
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query(sql).execute(&mut c).await.unwrap();
    });
}

/// Every table's rows, after checking the database's integrity (SQLite: `integrity_check` and
/// `foreign_key_check`; PostgreSQL: every table read whole).
fn state(url: &str) -> BTreeMap<String, i64> {
    use sqlx::{Connection, Row};
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut counts = BTreeMap::new();
        if url.starts_with("sqlite:") {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(&mut c)
                .await
                .unwrap();
            assert_eq!(ok, "ok", "{url}: integrity check");
            let broken = sqlx::query("PRAGMA foreign_key_check")
                .fetch_all(&mut c)
                .await
                .unwrap();
            assert!(broken.is_empty(), "{url}: rows whose references are gone");
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            for t in tables {
                let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{t}\""))
                    .fetch_one(&mut c)
                    .await
                    .unwrap()
                    .get(0);
                counts.insert(t, n);
            }
        } else {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE '_sqlx%'",
            )
            .fetch_all(&mut c)
            .await
            .unwrap();
            for t in tables {
                let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{t}\""))
                    .fetch_one(&mut c)
                    .await
                    .unwrap()
                    .get(0);
                counts.insert(t, n);
            }
        }
        for t in NOT_IMPORTS {
            counts.remove(t);
        }
        counts
    })
}

fn cli(database: &str, args: &[String]) {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out, err) = run(database, &args, "");
    assert!(ok, "semey {args:?}: {out}{err}");
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| (*s).to_owned()).collect()
}

/// The commands that make the base database of `kind`, and the import killed.
fn plan(kind: &str, dir: &Path) -> (Vec<Vec<String>>, Vec<String>) {
    let p = |name: &str| dir.join(name).display().to_string();
    let gen = || {
        cli(
            "sqlite::memory:",
            &strings(&[
                "generate",
                "--programmes",
                "200",
                "--transactions",
                "20000",
                "--out",
                &p("gen"),
            ]),
        )
    };
    let demo = vec![strings(&["demo"])];
    let funded = |mut steps: Vec<Vec<String>>| {
        for t in ["organisations", "programmes", "exchange-rates"] {
            steps.push(strings(&["import", t, &p(&format!("gen/{t}.csv"))]));
        }
        steps
    };
    let programmes = |n: usize| (0..n).map(|i| format!("XX-BENCH-P{i:05}"));
    match kind {
        "organisations" | "programmes" | "exchange-rates" | "transactions" => {
            gen();
            let mut setup = demo;
            let before = [
                "organisations",
                "programmes",
                "exchange-rates",
                "transactions",
            ];
            for t in before.iter().take_while(|t| **t != kind) {
                setup.push(strings(&["import", t, &p(&format!("gen/{t}.csv"))]));
            }
            (
                setup,
                strings(&["import", kind, &p(&format!("gen/{kind}.csv"))]),
            )
        }
        "requirements" => {
            gen();
            let mut csv =
                String::from("programme,period_start,period_end,amount,currency,description\n");
            for (i, prog) in programmes(200).enumerate() {
                csv.push_str(&format!(
                    "{prog},2025-01-01,2025-12-31,{}.00,USD,crash test {i}\n",
                    1000 + i
                ));
            }
            std::fs::write(p("requirements.csv"), csv).unwrap();
            (
                funded(demo),
                strings(&["import", "requirements", &p("requirements.csv")]),
            )
        }
        "contributions" => {
            gen();
            let mut csv = String::from(
                "programme,category,provider_org,date,description,quantity,unit,value,currency\n",
            );
            for (i, prog) in programmes(200).enumerate() {
                csv.push_str(&format!(
                    "{prog},experts,XX-BENCH-ORG0001,2025-03-01,crash test experts {i},10,person-days,{}.00,USD\n",
                    5000 + i
                ));
            }
            std::fs::write(p("contributions.csv"), csv).unwrap();
            (
                funded(demo),
                strings(&["import", "contributions", &p("contributions.csv")]),
            )
        }
        "results" | "indicator-values" => {
            gen();
            cli(
                "sqlite::memory:",
                &strings(&[
                    "generate-results",
                    "--programmes",
                    "200",
                    "--periods",
                    "4",
                    "--out",
                    &p("results"),
                ]),
            );
            let mut setup = funded(demo);
            if kind == "results" {
                (
                    setup,
                    strings(&["import", "results", &p("results/results.json")]),
                )
            } else {
                setup.push(strings(&["import", "results", &p("results/results.json")]));
                (
                    setup,
                    strings(&[
                        "import",
                        "indicator-values",
                        &p("results/indicator-values.csv"),
                    ]),
                )
            }
        }
        "iati" => {
            gen();
            let source = format!("sqlite://{}", p("iati-source.db"));
            for step in funded(demo.clone()) {
                cli(&source, &step);
            }
            cli(
                &source,
                &strings(&["import", "transactions", &p("gen/transactions.csv")]),
            );
            cli(
                &source,
                &strings(&["export", "iati-activities", "--out", &p("activities.xml")]),
            );
            {
                let mut setup = demo;
                setup.push(strings(&[
                    "import",
                    "exchange-rates",
                    &p("gen/exchange-rates.csv"),
                ]));
                (setup, strings(&["import", "iati", &p("activities.xml")]))
            }
        }
        "services" => {
            cli(
                "sqlite::memory:",
                &strings(&[
                    "generate-services",
                    "--rows",
                    "1000",
                    "--out",
                    &p("services.json"),
                ]),
            );
            (demo, strings(&["import", "services", &p("services.json")]))
        }
        "documents" => {
            cli(
                "sqlite::memory:",
                &strings(&[
                    "documents",
                    "generate",
                    "--rows",
                    "150",
                    "--out",
                    &p("documents"),
                ]),
            );
            (demo, strings(&["import", "documents", &p("documents")]))
        }
        "coordination" => {
            // The demo's mechanism under new names: new bodies, meetings, decisions and items.
            let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("demo/coordination.json");
            let mut text = std::fs::read_to_string(file).unwrap();
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            for body in doc["bodies"].as_array().unwrap() {
                for name in body["name"].as_object().unwrap().values() {
                    let name = name.as_str().unwrap();
                    let quoted = serde_json::to_string(name).unwrap();
                    let renamed = serde_json::to_string(&format!("{name} (2)")).unwrap();
                    text = text.replace(&quoted, &renamed);
                }
            }
            std::fs::write(p("coordination.json"), text).unwrap();
            let mut setup = demo;
            let mut resolution = strings(&["import", "resolution"]);
            for f in ["A-RES-75-210.en.txt", "A-RES-75-210.zh.txt"] {
                std::fs::write(p(f), seed(f)).unwrap();
                resolution.push(p(f));
            }
            setup.push(resolution);
            (
                setup,
                strings(&["import", "coordination", &p("coordination.json")]),
            )
        }
        "measurements" => {
            cli(
                "sqlite::memory:",
                &strings(&[
                    "generate-measurements",
                    "--rows",
                    "40000",
                    "--out",
                    &p("survey.csv"),
                ]),
            );
            (
                vec![strings(&["migrate"])],
                strings(&["import", "measurements", &p("survey.csv")]),
            )
        }
        "places" => {
            let geo = |f: &str| shared(&format!("geo/{f}")).display().to_string();
            (
                vec![strings(&[
                    "import",
                    "places",
                    &geo("kaz_adm1_2024.geojson"),
                ])],
                strings(&["import", "places", &geo("kaz_adm2_2024.geojson")]),
            )
        }
        "resolution" => {
            for f in ["A-RES-75-210.en.txt", "A-RES-75-210.zh.txt"] {
                std::fs::write(p(f), seed(f)).unwrap();
            }
            (
                vec![strings(&["migrate"])],
                strings(&[
                    "import",
                    "resolution",
                    &p("A-RES-75-210.en.txt"),
                    &p("A-RES-75-210.zh.txt"),
                ]),
            )
        }
        other => panic!("no plan for {other}"),
    }
}

/// The tables whose rows differ: `table: found ≠ expected`.
fn differences(found: &BTreeMap<String, i64>, expected: &BTreeMap<String, i64>) -> String {
    expected
        .iter()
        .filter(|(t, n)| found.get(*t) != Some(n))
        .map(|(t, n)| format!("{t}: {:?} ≠ {n}; ", found.get(t)))
        .collect()
}

/// Kills `semey import KIND` at `kills()` seeded moments on copies of its base database.
fn killed_imports(kind: &str, backend: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (setup, import) = plan(kind, dir.path());
    let (base, base_url) = Base::new(backend, dir.path());
    for step in &setup {
        cli(&base_url, step);
    }
    base.seal(&base_url);
    let before = state(&base_url);
    // The whole import once: the state after it, and how long it takes.
    let whole = base.trial(0);
    let started = Instant::now();
    cli(&whole, &import);
    let duration = started.elapsed();
    let after = state(&whole);
    base.drop_trial(&whole);
    assert_ne!(before, after, "{kind}: the import adds something");
    let mut moments = Moments::new(kind, backend);
    let (mut nothing, mut all) = (0, 0);
    for n in 1..=kills() {
        let url = base.trial(n);
        let moment = moments.next(duration);
        let mut child = Command::new(env!("CARGO_BIN_EXE_semey"))
            .args(&import)
            .args(["--database", &url])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(moment);
        // SIGKILL; an import already over has nothing left to kill.
        let _ = child.kill();
        child.wait().unwrap();
        let found = state(&url);
        if found == before {
            nothing += 1;
        } else {
            assert_eq!(
                differences(&found, &after),
                "",
                "{kind} on {backend}, killed after {moment:?}: only part of the import is stored"
            );
            all += 1;
        }
        // The same work run again completes, and ends where a whole import ends.
        cli(&url, &import);
        let mut again = state(&url);
        if found == after {
            // Run over a whole import: its audit line, and the search index told of the
            // records again (the change feed), are all it adds.
            for t in ["audit_log", "search_changes"] {
                assert!(again[t] >= after[t], "{t}");
                again.insert(t.into(), after[t]);
            }
        }
        assert_eq!(
            differences(&again, &after),
            "",
            "{kind} on {backend}: the import run again after a kill (found, expected)"
        );
        base.drop_trial(&url);
    }
    println!(
        "{kind} on {backend}: {} kills within {duration:?}: {nothing} left nothing, {all} found it whole",
        kills()
    );
}

macro_rules! crash_tests {
    ($($name:ident: $kind:literal,)+) => {
        mod killed_imports {
            $(
                mod $name {
                    #[test]
                    fn on_sqlite() {
                        super::super::killed_imports($kind, "sqlite");
                    }
                    #[test]
                    fn on_postgres() {
                        super::super::killed_imports($kind, "postgres");
                    }
                }
            )+
        }
    };
}

crash_tests! {
    organisations: "organisations",
    programmes: "programmes",
    exchange_rates: "exchange-rates",
    transactions: "transactions",
    requirements: "requirements",
    contributions: "contributions",
    results: "results",
    indicator_values: "indicator-values",
    iati: "iati",
    services: "services",
    documents: "documents",
    coordination: "coordination",
    measurements: "measurements",
    places: "places",
    resolution: "resolution",
}

/// Counts in one database: organisations, the audit trail's lines about organisations written
/// through API tokens, and such lines whose organisation is missing.
fn audited_organisations(url: &str) -> (i64, i64, i64) {
    use sqlx::Connection;
    let q = [
        "SELECT COUNT(*) FROM organisations",
        "SELECT COUNT(*) FROM audit_log WHERE via LIKE 'token:%' AND record_type = 'organisation'",
        "SELECT COUNT(*) FROM audit_log a WHERE via LIKE 'token:%' AND record_type = 'organisation' \
         AND NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = a.record_id)",
    ];
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let mut out = [0i64; 3];
        for (i, sql) in q.iter().enumerate() {
            out[i] = if url.starts_with("sqlite:") {
                let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            } else {
                let mut c = sqlx::PgConnection::connect(url).await.unwrap();
                sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
            };
        }
        (out[0], out[1], out[2])
    })
}

/// A server killed with SIGKILL at seeded moments while four clients write through the API:
/// afterwards the database passes its integrity check, every write the server acknowledged is
/// stored, every stored write has its one line in the audit trail and no line lacks its record,
/// and a server started again takes writes.
fn killed_server_under_writes(backend: &str) {
    let dir = tempfile::tempdir().unwrap();
    let url = if backend == "sqlite" {
        format!("sqlite://{}", dir.path().join("semey.db").display())
    } else {
        new_postgres_database()
    };
    cli(&url, &strings(&["demo"]));
    let token = coordinator_token(&url, "writer@semey.test", "a long enough passphrase");
    let (base_orgs, _, _) = audited_organisations(&url);
    let mut moments = Moments::new("api writes", backend);
    let mut acknowledged: Vec<String> = Vec::new();
    for round in 0..kills() {
        let (mut server, addr) = serve(&url, &[], Some(&dir.path().join("index")));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let clients: Vec<_> = (0..4)
            .map(|c| {
                let (addr, token, stop) = (addr.clone(), token.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut ids = Vec::new();
                    let bearer = format!("Bearer {token}");
                    for i in 0.. {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let body = format!(
                            r#"{{"name": {{"en": "Crash writer {round}-{c}-{i}"}}, "org_type": 22, "country": "KZ"}}"#
                        );
                        let Ok(mut s) = std::net::TcpStream::connect(&addr) else { break };
                        use std::io::{Read, Write};
                        let request = format!(
                            "POST /api/v1/organisations HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
                             Authorization: {bearer}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                            body.len()
                        );
                        if s.write_all(request.as_bytes()).is_err() {
                            break;
                        }
                        let mut answer = String::new();
                        if s.read_to_string(&mut answer).is_err() || !answer.starts_with("HTTP/1.1 201") {
                            break;
                        }
                        let id = answer.split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap();
                        ids.push(id.to_owned());
                    }
                    ids
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(300) + moments.next(Duration::from_millis(1500)));
        server.kill().unwrap();
        server.wait().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for c in clients {
            acknowledged.extend(c.join().unwrap());
        }
        let _ = state(&url); // the integrity check
        let (orgs, audited, orphans) = audited_organisations(&url);
        assert_eq!(
            orphans, 0,
            "round {round}: audit lines whose organisation is missing"
        );
        assert_eq!(
            orgs - base_orgs,
            audited,
            "round {round}: one audit line per stored write"
        );
        assert!(
            audited >= acknowledged.len() as i64
                && audited <= acknowledged.len() as i64 + 4 * (round as i64 + 1),
            "round {round}: {audited} stored, {} acknowledged",
            acknowledged.len()
        );
    }
    assert!(
        !acknowledged.is_empty(),
        "the clients wrote before the kills"
    );
    // Every acknowledged write is stored; a server started again takes writes.
    let (mut server, addr) = serve(&url, &[], Some(&dir.path().join("index")));
    for id in &acknowledged {
        let (status, page) = http(
            &addr,
            "GET",
            &format!("/api/v1/organisations/{id}"),
            &[],
            "",
        );
        assert_eq!(status, 200, "acknowledged {id}: {page}");
    }
    let bearer = format!("Bearer {token}");
    let (status, answer) = http(
        &addr,
        "POST",
        "/api/v1/organisations",
        &[
            ("Authorization", &bearer),
            ("Content-Type", "application/json"),
        ],
        r#"{"name": {"en": "After the crashes"}, "org_type": 22, "country": "KZ"}"#,
    );
    assert_eq!(status, 201, "{answer}");
    server.kill().unwrap();
    server.wait().unwrap();
    println!(
        "api writes on {backend}: {} kills, {} writes acknowledged and found",
        kills(),
        acknowledged.len()
    );
}

#[test]
fn killed_server_under_writes_on_sqlite() {
    killed_server_under_writes("sqlite");
}

#[test]
fn killed_server_under_writes_on_postgres() {
    killed_server_under_writes("postgres");
}
