//! Progress reports on both backends: a report's bad input named with nothing stored;
//! publishing refused while a section is empty, naming the sections; a published version that
//! stays byte-identical (JSON, page and PDF) when new data arrives, while the draft follows the
//! data and the next version says what changed; the PDF's text (poppler's `pdftotext`) holding
//! each language's headings and the same figures as the API.

use crate::support::{seed_resolution, TestApp};
use axum::http::{Method, StatusCode};
use semey_domain::report::Section;
use semey_domain::Lang;
use serde_json::{json, Value};

/// The resolution, imported from the seed texts; its id.
async fn resolution(app: &TestApp) -> String {
    seed_resolution(app).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Every section's narrative in `langs`.
fn narratives(langs: &[Lang]) -> Value {
    let mut out = serde_json::Map::new();
    for s in Section::ALL {
        let mut text = serde_json::Map::new();
        for l in langs {
            text.insert(
                l.code().into(),
                json!(format!(
                    "{} — {}.\n\nSecond paragraph.",
                    s.as_str(),
                    l.code()
                )),
            );
        }
        out.insert(s.as_str().into(), Value::Object(text));
    }
    Value::Object(out)
}

async fn report(app: &TestApp, body: Value) -> String {
    let (s, r) = app.post("/api/v1/reports", body).await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    r["id"].as_str().unwrap().to_owned()
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The text as `pdftotext` gives it, with every run of spaces (and the non-breaking spaces of
/// formatted numbers) as one space.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by scripts/test.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    squeeze(&String::from_utf8(out.stdout).unwrap())
}

fn squeeze(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c == '\u{a0}' || c == '\u{202f}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

on_both_backends! {
    /// A period ending before it starts, an unknown section, language or resolution: each is
    /// named, and nothing is stored.
    async fn bad_reports_are_refused_and_named(app: TestApp) {
        let (s, b) = app
            .post("/api/v1/reports", json!({"title": {"en": "Report"}, "period_start": "2023-12-31",
                "period_end": "2021-01-01", "languages": ["en", "fr"],
                "narratives": {"weather": {"en": "Sunny"}}}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(
            fields(&b),
            [
                ("period_end".to_owned(), "period_end_before_start".to_owned()),
                ("languages[1]".to_owned(), "unknown_language".to_owned()),
                ("narratives.weather".to_owned(), "unknown_section".to_owned()),
            ]
        );
        let (s, b) = app
            .post("/api/v1/reports", json!({"title": {"en": "Report"}, "period_start": "2021-01-01",
                "period_end": "2023-12-31", "languages": ["en"],
                "resolution_id": uuid::Uuid::new_v4().to_string()}))
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert_eq!(fields(&b), [("resolution_id".to_owned(), "unknown_resolution".to_owned())]);
        assert_eq!(app.count("reports").await, 0);
        // The period parameter of the programme list is read the same way.
        let (s, b) = app.get("/api/v1/programmes?period=2023-12-31..2021-01-01").await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
        // The same refusal in the form, in the reader's language.
        let answer = app
            .call(Method::POST, "/workspace/reports/new?lang=ru")
            .token(&app.admin_token)
            .form(&[("title.ru", "Доклад"), ("period_start", "2023-12-31"), ("period_end", "2021-01-01"), ("languages[]", "ru")])
            .send()
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(answer.text().contains("раньше, чем начинается"), "{}", answer.text());
        assert_eq!(app.count("reports").await, 0);
    }
}

on_both_backends! {
    /// Publishing is refused while a section has no text in one of the report's languages,
    /// and the refusal names each; the public sees no draft.
    async fn publishing_needs_every_section(app: TestApp) {
        let mut texts = narratives(&[Lang::En]);
        texts["health"] = json!({});
        let id = report(&app, json!({"title": {"en": "Report", "ru": "Доклад"}, "period_start": "2021-01-01",
            "period_end": "2023-12-31", "languages": ["en", "ru"], "narratives": texts})).await;
        let (s, b) = app.post(&format!("/api/v1/reports/{id}/publish"), json!({})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let named = fields(&b);
        assert_eq!(named.len(), Section::ALL.len(), "{b}");
        assert!(named.contains(&("narratives.health".to_owned(), "section_empty".to_owned())));
        assert!(b.to_string().contains("en, ru"), "health lacks both: {b}");
        assert!(b.to_string().contains("no text in ru"), "{b}");
        let (_, r) = app.get(&format!("/api/v1/reports/{id}")).await;
        assert_eq!(r["versions"], json!([]));
        // Not published: nothing for the public.
        let (s, _) = app.request_as(None, Method::GET, &format!("/api/v1/reports/{id}"), None).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        let (s, _) = app.request_as(None, Method::GET, &format!("/api/v1/reports/{id}/draft"), None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        let page = app.call(Method::GET, &format!("/reports/{id}")).send().await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
    }
}

on_both_backends! {
    /// A published version keeps its text, figures, page and PDF byte for byte when new data
    /// arrives; the draft follows the data; the next version says what changed.
    async fn a_published_version_never_changes(app: TestApp) {
        let app = app.with_demo().await;
        let res = resolution(&app).await;
        let id = report(&app, json!({"title": {"en": "Progress report"}, "period_start": "2021-01-01",
            "period_end": "2026-12-31", "resolution_id": res, "languages": ["en"],
            "narratives": narratives(&[Lang::En])})).await;
        let (s, b) = app.post(&format!("/api/v1/reports/{id}/publish"), json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["version"], 1);
        let audit = app.audit_of("report", &id).await;
        assert!(audit.iter().any(|a| a.action == "publish_version"), "{audit:?}");

        let frozen = || async {
            let json = app.call(Method::GET, &format!("/api/v1/reports/{id}/versions/1?lang=en")).send().await;
            let page = app.call(Method::GET, &format!("/reports/{id}/versions/1?lang=en")).send().await;
            let pdf = app.call(Method::GET, &format!("/reports/{id}/versions/1/pdf?lang=en")).send().await;
            assert_eq!(json.status, StatusCode::OK);
            assert_eq!(page.status, StatusCode::OK);
            assert_eq!(pdf.status, StatusCode::OK);
            assert_eq!(pdf.header("content-type").as_deref(), Some("application/pdf"));
            (json.body, page.body, pdf.body)
        };
        let before = frozen().await;
        let doc: Value = serde_json::from_slice(&before.0).unwrap();
        let programmes = |d: &Value| d["sections"][0]["blocks"][0]["facts"][0]["value"].as_f64().unwrap();
        let published = programmes(&doc);

        // New data: a programme running in the period.
        app.programme("XM-TEST-NEW", json!({"dates": {"planned_start": "2022-01-01", "planned_end": "2024-12-31"}})).await;
        let (_, draft) = app.get(&format!("/api/v1/reports/{id}/draft?lang=en")).await;
        assert_eq!(programmes(&draft), published + 1.0, "the draft follows the data");
        let after = frozen().await;
        assert!(before.0 == after.0, "the version's JSON changed");
        assert!(before.1 == after.1, "the version's page changed");
        assert!(before.2 == after.2, "the version's PDF changed");

        // The next version says what changed.
        let (s, b) = app.post(&format!("/api/v1/reports/{id}/publish"), json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        assert_eq!(b["version"], 2);
        let page = app.call(Method::GET, &format!("/reports/{id}/versions/2?lang=en")).send().await;
        let text = page.text();
        assert!(text.contains("What changed since version 1"), "{text}");
        assert!(
            text.contains(&format!("Programmes: {} → {}", published, published + 1.0)),
            "{text}"
        );
        // The public reads the latest version, not the draft.
        let public = app.call(Method::GET, &format!("/reports/{id}")).send().await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.text().contains("Version 2"), "{}", public.text());
        assert!(!public.text().contains("This is the draft"));
    }
}

on_both_backends! {
    /// In each language the PDF holds the sections' headings and the same figures as the API:
    /// Kazakh letters and Chinese come through as text.
    async fn the_pdf_has_the_headings_and_the_apis_figures(app: TestApp) {
        let app = app.with_demo().await;
        let res = resolution(&app).await;
        let id = report(&app, json!({"title": {"en": "Progress report", "ru": "Доклад о ходе", "kk": "Орындалу барысы туралы баяндама", "zh": "进展报告"},
            "period_start": "2021-01-01", "period_end": "2026-12-31", "resolution_id": res,
            "languages": ["kk", "ru", "en", "zh"], "narratives": narratives(&Lang::ALL)})).await;
        let (s, b) = app.post(&format!("/api/v1/reports/{id}/publish"), json!({})).await;
        assert_eq!(s, StatusCode::CREATED, "{b}");
        for lang in Lang::ALL {
            let (_, doc) = app.get(&format!("/api/v1/reports/{id}/versions/1?lang={}", lang.code())).await;
            let pdf = app
                .call(Method::GET, &format!("/reports/{id}/versions/1/pdf?lang={}", lang.code()))
                .send()
                .await;
            assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.text());
            let text = pdf_text(&pdf.body);
            for s in Section::ALL {
                let heading = semey::presentation::i18n::t(lang, &format!("report-section-{}", s.as_str()));
                assert!(text.contains(&squeeze(&heading)), "{lang:?}: no heading {heading:?} in {text}");
            }
            // Every key figure of the API's document is in the PDF.
            for section in doc["sections"].as_array().unwrap() {
                for block in section["blocks"].as_array().unwrap() {
                    for fact in block["facts"].as_array().into_iter().flatten() {
                        let figure = squeeze(fact["text"].as_str().unwrap());
                        assert!(text.contains(&figure), "{lang:?}: no {figure:?} in {text}");
                    }
                }
            }
        }
        let kk = pdf_text(&app.call(Method::GET, &format!("/reports/{id}/versions/1/pdf?lang=kk")).send().await.body);
        assert!(kk.contains("Қоршаған ортаны қорғау және радиациялық қауіпсіздік"), "{kk}");
        let zh = pdf_text(&app.call(Method::GET, &format!("/reports/{id}/versions/1/pdf?lang=zh")).send().await.body);
        assert!(zh.contains("环境保护和辐射安全"), "{zh}");
    }
}
