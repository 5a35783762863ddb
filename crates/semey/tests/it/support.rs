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
                    user_id: None,
                },
                semey_store::Page::new(Some(1000), None),
            )
            .await
            .expect("audit");
        lines.sort_by_key(|l| l.seq);
        lines
    }

    pub async fn request(
        &self,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        self.request_as(Some(&self.admin_token), method, uri, body)
            .await
    }

    /// A request with this API token, or as the public.
    pub async fn request_as(
        &self,
        token: Option<&str>,
        method: Method,
        uri: &str,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if body.is_some() {
            req = req.header(header::CONTENT_TYPE, "application/json");
        }
        let req = req
            .body(body.map(Body::from).unwrap_or_else(Body::empty))
            .expect("request");
        let resp = self.router.clone().oneshot(req).await.expect("response");
        let status = resp.status();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        (status, json)
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
pub fn import_file<'a>(name: &str, bytes: &'a [u8]) -> semey::import::Source<'a> {
    semey::import::Source::new(name, bytes, semey::accounts::Actor::command_line())
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
