//! Test fixtures: an app on a fresh database of either backend, HTTP helpers, shared data.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use semey::{AppState, Config};
use semey_domain::access::{Principal, Role, Via};
use semey_store::Store;
use serde_json::Value;
use std::path::PathBuf;
use tower::ServiceExt;

/// A request being built (see [`TestApp::call`]).
pub struct Call<'a> {
    app: &'a TestApp,
    /// The application built on another state (another configuration), for this call.
    state: Option<AppState>,
    method: Method,
    uri: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Call<'_> {
    /// Sends to the application built on `state` (e.g. another configuration) instead.
    pub fn on(mut self, state: AppState) -> Self {
        self.state = Some(state);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Signed in by this API token.
    pub fn token(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    /// Signed in by this session cookie (`semey_session=…`).
    pub fn cookie(self, cookie: &str) -> Self {
        self.header("cookie", cookie)
    }

    pub fn body(mut self, content_type: &str, body: Vec<u8>) -> Self {
        self.body = body;
        self.header("content-type", content_type)
    }

    /// A body as it is, without a content type (as a hand-made request may send it).
    pub fn body_text(mut self, body: &str) -> Self {
        self.body = body.as_bytes().to_vec();
        self
    }

    pub fn json(self, body: &Value) -> Self {
        self.body("application/json", body.to_string().into_bytes())
    }

    /// A form as a browser posts it (`fields` encoded here).
    pub fn form(self, fields: &[(&str, &str)]) -> Self {
        let enc = |s: &str| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        };
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.body("application/x-www-form-urlencoded", body.into_bytes())
    }

    /// Sends the request and reads the whole answer.
    pub async fn send(self) -> Answer {
        let response = self.send_unread().await;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Sends the request and returns the response with its body not yet read (streams).
    pub async fn send_unread(self) -> axum::http::Response<Body> {
        let mut req = Request::builder().method(self.method).uri(&self.uri);
        for (k, v) in &self.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req.body(Body::from(self.body)).expect("request");
        let router = match self.state {
            Some(state) => semey::app(state),
            None => self.app.router.clone(),
        };
        router.oneshot(req).await.expect("response")
    }
}

/// An answer: status, headers and the whole body.
pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON, or as a JSON string when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| Value::String(self.text()))
    }

    /// Where a redirect points.
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .map(|v| v.to_str().expect("ASCII").to_owned())
    }

    /// A response header as text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().expect("ASCII").to_owned())
    }
}

/// An account made for a test: its id, an API token, and the actor its requests act as.
pub struct TestUser {
    pub id: semey_domain::ids::UserId,
    pub token: String,
    pub actor: semey::accounts::Actor,
}

pub enum Db {
    Sqlite,
    Postgres,
}

/// The platform on a fresh, migrated database.
pub struct TestApp {
    pub state: AppState,
    router: Router,
    /// A coordinator's API token (an administrator's), sent with every API call of the helpers
    /// below unless a test says otherwise.
    pub admin_token: String,
    _dir: Option<tempfile::TempDir>,
}

/// The admin URL of the throw-away PostgreSQL cluster started by `scripts/test.sh`.
fn postgres_admin_url() -> String {
    std::env::var("SEMEY_TEST_POSTGRES").expect(
        "SEMEY_TEST_POSTGRES is not set: run the suite with scripts/test.sh, which starts a throw-away PostgreSQL",
    )
}

impl TestApp {
    pub async fn new(db: Db) -> Self {
        let (url, dir) = match db {
            Db::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary folder");
                (
                    format!("sqlite://{}", dir.path().join("test.db").display()),
                    Some(dir),
                )
            }
            Db::Postgres => {
                use sqlx::Connection;
                let admin = postgres_admin_url();
                let name = format!("semey_test_{}", uuid::Uuid::new_v4().simple());
                let mut c = sqlx::PgConnection::connect(&admin)
                    .await
                    .expect("connect to the test cluster");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut c)
                    .await
                    .expect("create test database");
                let base = admin.rsplit_once('/').expect("URL with a database").0;
                (format!("{base}/{name}"), None)
            }
        };
        let config = Config {
            database: url,
            document_reader: env!("CARGO_BIN_EXE_semey").to_owned(),
            ..Config::default()
        };
        let state = AppState::open(config).await.expect("open database");
        let router = semey::app(state.clone());
        let cli = semey::accounts::Actor::command_line();
        let admin = semey::accounts::create_user(
            &state.store,
            &cli,
            "admin@semey.test",
            "Test administrator",
            "correct horse battery staple".into(),
            true,
            None,
        )
        .await
        .expect("administrator");
        let admin = state.store.user(admin).await.expect("administrator");
        let (_, admin_token) = semey::accounts::issue_token(
            &state.store,
            &cli,
            &admin,
            "tests",
            time::Duration::days(1),
        )
        .await
        .expect("token");
        Self {
            state,
            router,
            admin_token,
            _dir: dir,
        }
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// A new account with `role` in organisation `org`, and an API token of it.
    pub async fn user(&self, email: &str, role: Role, org: Option<&str>) -> TestUser {
        let cli = semey::accounts::Actor::command_line();
        let id = semey::accounts::create_user(
            self.store(),
            &cli,
            email,
            email,
            "a long enough secret phrase".into(),
            false,
            Some((role, org.map(|o| o.parse().expect("organisation id")))),
        )
        .await
        .expect("account");
        let user = self.store().user(id).await.expect("account");
        let (_, token) =
            semey::accounts::issue_token(self.store(), &cli, &user, "t", time::Duration::days(1))
                .await
                .expect("token");
        TestUser {
            id,
            token,
            actor: semey::accounts::Actor {
                principal: Principal {
                    user_id: Some(id),
                    administrator: false,
                    role: Some(role),
                    organisation_id: org.map(|o| o.parse().expect("organisation id")),
                    via: Via::Session("test".into()),
                },
                address: "127.0.0.1".into(),
            },
        }
    }

    /// Everything people's records hold, as text (every row of every record table, sorted), so
    /// a test can tell that a refused call changed nothing by the database's content itself.
    /// Sessions and the audit trail are left out: refusals are recorded there on purpose.
    pub async fn content(&self) -> Vec<String> {
        use sqlx::{Connection, Row};
        const TABLES: [&str; 36] = [
            "organisations",
            "places",
            "programmes",
            "programme_areas",
            "programme_sectors",
            "programme_sdg_targets",
            "programme_places",
            "programme_target_groups",
            "programme_participants",
            "programme_policy_markers",
            "exchange_rates",
            "requirements",
            "transactions",
            "funding_rollup_year",
            "funding_cube_area",
            "funding_rollup_provider",
            "funding_cube_provider",
            "funding_cube_place",
            "users",
            "memberships",
            "api_tokens",
            "proposals",
            "radiation_factors",
            "radiation_datasets",
            "resolutions",
            "mandates",
            "bodies",
            "body_members",
            "meetings",
            "decisions",
            "decision_programmes",
            "action_items",
            "mandate_links",
            "document_files",
            "documents",
            "document_links",
        ];
        macro_rules! cell {
            ($row:expr, $i:expr) => {{
                let r = $row;
                if let Ok(v) = r.try_get::<Option<String>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<i64>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<f64>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<bool>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<time::Date>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<i32>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<i16>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<f32>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<time::OffsetDateTime>, _>($i) {
                    format!("{v:?}")
                } else if let Ok(v) = r.try_get::<Option<Vec<u8>>, _>($i) {
                    format!("{:?}", v.map(|b| semey::documents::library::digest(&b)))
                } else {
                    panic!("a column of a type the fingerprint does not read")
                }
            }};
        }
        let url = &self.state.config.database;
        let mut out = Vec::new();
        for table in TABLES {
            let sql = format!("SELECT * FROM {table}");
            let mut rows: Vec<String> = if url.starts_with("sqlite:") {
                let mut c = sqlx::SqliteConnection::connect(url).await.expect("connect");
                sqlx::query(&sql)
                    .fetch_all(&mut c)
                    .await
                    .expect("read")
                    .iter()
                    .map(|r| {
                        (0..r.columns().len())
                            .map(|i| cell!(r, i))
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect()
            } else {
                let mut c = sqlx::PgConnection::connect(url).await.expect("connect");
                sqlx::query(&sql)
                    .fetch_all(&mut c)
                    .await
                    .expect("read")
                    .iter()
                    .map(|r| {
                        (0..r.columns().len())
                            .map(|i| cell!(r, i))
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect()
            };
            rows.sort();
            out.extend(rows.into_iter().map(|r| format!("{table}: {r}")));
        }
        out
    }

    /// The audit trail's lines about one record, oldest first.
    pub async fn audit_of(
        &self,
        record_type: &str,
        record_id: &str,
    ) -> Vec<semey_store::AuditEntry> {
        let mut lines = self
            .store()
            .list_audit(
                &semey_store::AuditFilter {
                    record_type: Some(record_type.into()),
                    record_id: Some(record_id.into()),
                    ..Default::default()
                },
                semey_store::Page::new(Some(1000), None),
            )
            .await
            .expect("audit");
        lines.sort_by_key(|l| l.seq);
        lines
    }

    /// A request to the whole application, built step by step: `app.call(Method::POST, uri)
    /// .token(t).json(body).send().await`. Every test request goes through this one helper.
    pub fn call(&self, method: Method, uri: &str) -> Call<'_> {
        Call {
            app: self,
            state: None,
            method,
            uri: uri.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A JSON request as the administrator (the API's helpers below).
    pub async fn request(
        &self,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        self.request_as(Some(&self.admin_token), method, uri, body)
            .await
    }

    /// A JSON request with this API token, or as the public.
    pub async fn request_as(
        &self,
        token: Option<&str>,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let mut call = self.call(method, uri);
        if let Some(t) = token {
            call = call.token(t);
        }
        if let Some(b) = body {
            call = call.body("application/json", b.into_bytes());
        }
        let answer = call.send().await;
        (answer.status, answer.json())
    }

    pub async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.request(Method::GET, uri, None).await
    }

    pub async fn post(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.request(Method::POST, uri, Some(body.to_string()))
            .await
    }

    pub async fn put(&self, uri: &str, body: Value) -> (StatusCode, Value) {
        self.request(Method::PUT, uri, Some(body.to_string())).await
    }

    /// Another platform on a fresh database of the same kind.
    pub async fn sibling(&self) -> TestApp {
        TestApp::new(match self.store().backend() {
            semey_store::Backend::Sqlite => Db::Sqlite,
            semey_store::Backend::Postgres => Db::Postgres,
        })
        .await
    }

    /// Loads the demo dataset.
    pub async fn with_demo(self) -> Self {
        semey::demo::load(self.store()).await.expect("demo loads");
        self
    }

    /// Imports a file of `../shared/data/geo`.
    pub async fn import_geo(&self, file: &str) -> semey::import::ImportReport {
        let bytes = std::fs::read(shared(&format!("geo/{file}"))).expect("shared geo file");
        semey::places::import::import_places(
            self.store(),
            &import_file(file, &bytes),
            Default::default(),
            &mut semey::import::Quiet,
        )
        .await
        .expect("import")
    }

    /// A row count, for asserting that nothing was stored.
    pub async fn count(&self, what: &str) -> i64 {
        let (status, body) = self.get(&format!("/api/v1/{what}?limit=1")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["total"].as_i64().expect("total")
    }

    /// Creates an organisation through the API and returns its id.
    pub async fn organisation(&self, name: &str, org_type: u16, country: &str) -> String {
        let (s, b) = self
            .post(
                "/api/v1/organisations",
                serde_json::json!({"name": {"en": name}, "org_type": org_type, "country": country}),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["id"].as_str().expect("id").to_owned()
    }

    /// Creates a programme through the API (health area, one DAC sector) and returns its id.
    pub async fn programme(&self, identifier: &str, extra: Value) -> String {
        let mut body = serde_json::json!({
            "iati_identifier": identifier,
            "title": {"en": format!("Programme {identifier}")},
            "status": 2,
            "areas": ["health"],
            "sectors": [{"vocabulary": "dac5", "code": "12220", "percentage": 100}],
        });
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        let (s, b) = self.post("/api/v1/programmes", body).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        b["id"].as_str().expect("id").to_owned()
    }

    /// Stores exchange rates from 2020: KZT 450 per USD, EUR 0.9 per USD.
    pub async fn with_rates(&self) {
        let (s, b) = self
            .post(
                "/api/v1/exchange-rates",
                serde_json::json!([
                    {"currency": "KZT", "date": "2020-01-01", "per_usd": "450", "source": "test"},
                    {"currency": "EUR", "date": "2020-01-01", "per_usd": "0.9", "source": "test"}
                ]),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
    }
}

/// A file to import, run from the command line.
/// Imports the seed texts of A/RES/75/210 (English and Chinese) and returns the resolution as
/// the API shows it.
pub async fn seed_resolution(app: &TestApp) -> serde_json::Value {
    let files = [
        ("A-RES-75-210.en.txt", seed("A-RES-75-210.en.txt")),
        ("A-RES-75-210.zh.txt", seed("A-RES-75-210.zh.txt")),
    ];
    let sources: Vec<_> = files.iter().map(|(n, b)| import_file(n, b)).collect();
    semey::mandates::import::import_resolution(app.store(), &sources, &mut semey::import::Quiet)
        .await
        .expect("resolution");
    let (_, list) = app.get("/api/v1/resolutions").await;
    list["items"][0].clone()
}

pub fn import_file<'a>(name: &str, bytes: &'a [u8]) -> semey::import::Source<'a> {
    semey::import::Source::new(name, bytes, semey::accounts::Actor::command_line())
}

/// A seed text (`../shared/seeds` beside the repository): the resolution's texts.
pub fn seed(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/seeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A path in the shared reference data (`../shared/data` beside the repository).
pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(rel)
}

/// Declares a test that runs once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($(#[$meta:meta])* async fn $name:ident($app:ident: TestApp) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn case($app: $crate::support::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                case($crate::support::TestApp::new($crate::support::Db::Sqlite).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                case($crate::support::TestApp::new($crate::support::Db::Postgres).await).await
            }
        }
    };
}
