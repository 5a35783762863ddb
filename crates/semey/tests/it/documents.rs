//! The document library on both backends: files of every accepted kind uploaded, recognised
//! from their content, their text read apart and found by search; downloads as attachments;
//! bad files and bad metadata refused with nothing stored; private documents only for their
//! organisation and the coordinators; a reader that crashes or hangs contained; the folder
//! import all-or-nothing and idempotent.

use crate::support::*;
use axum::http::{Method, StatusCode};
use semey::records::workflow;
use semey_domain::access::Role;
use semey_domain::workflow::Step;
use serde_json::{json, Value};
use std::io::Write;

/// A one-page PDF whose text layer says `text` (Helvetica, so Latin letters only).
fn pdf(text: &str) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let content = Content {
        operations: vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 12.into()]),
            Operation::new("Td", vec![50.into(), 700.into()]),
            Operation::new("Tj", vec![Object::string_literal(text)]),
            Operation::new("ET", vec![]),
        ],
    };
    let content_id = doc.add_object(Stream::new(dictionary! {}, content.encode().unwrap()));
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            "Resources" => resources_id,
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

fn zip_of(files: &[(&str, &str)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in files {
        w.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(data.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn docx(text: &str) -> Vec<u8> {
    zip_of(&[
        ("[Content_Types].xml", "<Types/>"),
        (
            "word/document.xml",
            &format!(
                r#"<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
            ),
        ),
    ])
}

fn odt(text: &str) -> Vec<u8> {
    zip_of(&[
        ("mimetype", "application/vnd.oasis.opendocument.text"),
        (
            "content.xml",
            &format!(
                r#"<office:document-content xmlns:office="o" xmlns:text="t"><office:body><office:text><text:p>{text}</text:p></office:text></office:body></office:document-content>"#
            ),
        ),
    ])
}

const PNG: &[u8] =
    b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1F\x15\xC4\x89";

/// A `multipart/form-data` body with the file and its metadata.
fn multipart(name: &str, media: &str, bytes: &[u8], metadata: &Value) -> (String, Vec<u8>) {
    let boundary = "semey-test-boundary-7f3a";
    let mut body = Vec::new();
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{metadata}\r\n"
    )
    .unwrap();
    write!(
        body,
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {media}\r\n\r\n"
    )
    .unwrap();
    body.extend_from_slice(bytes);
    write!(body, "\r\n--{boundary}--\r\n").unwrap();
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    token: Option<&str>,
    name: &str,
    media: &str,
    bytes: &[u8],
    metadata: Value,
) -> (StatusCode, Value) {
    let (ct, body) = multipart(name, media, bytes, &metadata);
    let mut call = app.call(Method::POST, "/api/v1/documents").body(&ct, body);
    if let Some(t) = token {
        call = call.token(t);
    }
    let a = call.send().await;
    (a.status, a.json())
}

fn meta(org: &str, title: &str, extra: Value) -> Value {
    let mut m = json!({"title": {"en": title}, "doc_type": "study", "organisation_id": org,
        "licence": "CC-BY-4.0", "languages": ["en"]});
    if let (Some(m), Some(e)) = (m.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            m.insert(k.clone(), v.clone());
        }
    }
    m
}

async fn search(app: &TestApp, token: Option<&str>, q: &str) -> Vec<String> {
    let mut call = app.call(Method::GET, &format!("/api/v1/search?q={q}&kind=document"));
    if let Some(t) = token {
        call = call.token(t);
    }
    let a = call.send().await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    a.json()["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_owned())
        .collect()
}

on_both_backends! {
    /// Every accepted kind of file is recognised from its content, its text read (in a
    /// process apart) and found by search in its language; downloads carry their own media
    /// type as attachments; the same file again is the same document.
    async fn files_of_every_kind_are_kept_read_and_found(app: TestApp) {
        let org = app.organisation("Institute of Radiation Safety", 10, "KZ").await;
        let admin = app.admin_token.clone();
        type File<'a> = (&'a str, &'a str, Vec<u8>, &'a str, &'a str);
        let files: Vec<File> = vec![
            ("survey.pdf", "application/pdf", pdf("Caesium survey of Dolon village"), "en", "caesium"),
            ("памятка.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                docx("Радиациялық қауіпсіздік туралы жадынама тұрғындарға"), "kk", "жадынама"),
            ("отчёт.odt", "application/vnd.oasis.opendocument.text", odt("Отчёт о медицинских обследованиях населения"), "ru", "обследования"),
            ("leaflet.html", "text/html", "<!DOCTYPE html><html><body><script>steal()</script><p>辐射安全 居民 指南</p></body></html>".as_bytes().to_vec(), "zh", "辐射安全"),
            ("notes.txt", "text/plain", b"Groundwater sampling notes from Sarzhal".to_vec(), "en", "groundwater"),
            ("map.png", "image/png", PNG.to_vec(), "en", ""),
        ];
        let mut ids = Vec::new();
        for (name, media, bytes, lang, word) in &files {
            let (s, d) = upload(&app, Some(&admin), name, media, bytes,
                meta(&org, &format!("Document {name}"), json!({"languages": [lang]}))).await;
            assert_eq!(s, StatusCode::CREATED, "{name}: {d}");
            let id = d["id"].as_str().unwrap().to_owned();
            let png = *name == "map.png";
            assert_eq!(d["file"]["text_state"], if png { "empty" } else { "extracted" }, "{name}: {d}");
            assert_eq!(d["file_name"], *name);
            if !word.is_empty() {
                assert_eq!(search(&app, None, word).await, std::slice::from_ref(&id), "{word} finds {name}");
            }
            ids.push(id);
        }
        // The HTML page's script is not text.
        let text = app.call(Method::GET, &format!("/api/v1/documents/{}/text", ids[3])).send().await;
        assert_eq!(text.text(), "辐射安全 居民 指南");
        // Downloads: the content's own type, as an attachment, never sniffed or run.
        let html = app.call(Method::GET, &format!("/api/v1/documents/{}/file", ids[3])).send().await;
        assert_eq!(html.status, StatusCode::OK);
        assert_eq!(html.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
        let disposition = html.header("content-disposition").unwrap();
        assert!(disposition.starts_with("attachment;") && disposition.contains("leaflet.html"), "{disposition}");
        assert_eq!(html.header("x-content-type-options").as_deref(), Some("nosniff"));
        assert!(html.header("content-security-policy").unwrap().contains("sandbox"));
        let pdf_file = app.call(Method::GET, &format!("/api/v1/documents/{}/file", ids[0])).send().await;
        assert_eq!(pdf_file.header("content-type").as_deref(), Some("application/pdf"));
        assert_eq!(pdf_file.body, files[0].2, "the file comes back byte for byte");
        assert!(pdf_file.header("content-disposition").unwrap().contains("filename*=UTF-8''survey.pdf"));
        // The same file again, under another name: the same document, nothing added.
        let (s, again) = upload(&app, Some(&admin), "copy.pdf", "application/pdf", &files[0].2,
            meta(&org, "Another title", json!({}))).await;
        assert_eq!(s, StatusCode::OK, "{again}");
        assert_eq!(again["id"].as_str(), Some(ids[0].as_str()));
        assert_eq!(app.count("documents").await, 6);
        // Listed by type, newest first; filtered by organisation.
        let (s, list) = app.get(&format!("/api/v1/documents?type=study&organisation_id={org}")).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(list["total"], 6);
    }
}

on_both_backends! {
    /// Empty, oversized, encrypted, cut-short, broken and mistyped files, archives, and
    /// metadata naming what does not exist are refused with the field and the reason, and
    /// nothing is stored.
    async fn bad_files_and_bad_metadata_are_refused_with_nothing_stored(app: TestApp) {
        let org = app.organisation("Uploader", 10, "KZ").await;
        let admin = app.admin_token.clone();
        let before = app.content().await;
        let good = pdf("A valid file");
        type Case<'a> = (&'a str, &'a str, Vec<u8>, Value, &'a str, &'a str);
        let cases: Vec<Case> = vec![
            ("empty.pdf", "application/pdf", Vec::new(), json!({}), "file", "file_empty"),
            ("locked.pdf", "application/pdf", b"%PDF-1.6\n1 0 obj\n<<>>\nendobj\ntrailer\n<< /Root 1 0 R /Encrypt 2 0 R >>\n%%EOF\n".to_vec(), json!({}), "file", "file_encrypted"),
            ("cut.pdf", "application/pdf", good[..good.len() / 2].to_vec(), json!({}), "file", "file_broken"),
            ("garbage.pdf", "application/pdf", b"%PDF-1.4\nthis is no pdf at all\n%%EOF\n".to_vec(), json!({}), "file", "file_broken"),
            ("bundle.zip", "application/zip", zip_of(&[("a.txt", "hello")]), json!({}), "file", "file_archive"),
            ("bundle.tar.gz", "application/gzip", b"\x1F\x8B\x08\x00\x00\x00\x00\x00".to_vec(), json!({}), "file", "file_archive"),
            ("report.docx", "application/octet-stream", good.clone(), json!({}), "file", "file_type_mismatch"),
            ("report.pdf", "image/png", good.clone(), json!({}), "file", "file_type_mismatch"),
            ("tool.exe", "application/octet-stream", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00".to_vec(), json!({}), "file", "file_unknown_type"),
            ("ok.pdf", "application/pdf", good.clone(), json!({"programme_ids": [semey_domain::ids::ProgrammeId::new()]}), "programme_ids[0]", "unknown_programme"),
            ("ok.pdf", "application/pdf", good.clone(), json!({"place_ids": [semey_domain::ids::PlaceId::new()]}), "place_ids[0]", "unknown_place"),
            ("ok.pdf", "application/pdf", good.clone(), json!({"doc_type": "poem"}), "doc_type", "unknown_doc_type"),
        ];
        for (name, media, bytes, extra, field, code) in cases {
            let (s, e) = upload(&app, Some(&admin), name, media, &bytes, meta(&org, "Refused", extra)).await;
            assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {e}");
            let errors = e["errors"].as_array().unwrap();
            assert!(errors.iter().any(|x| x["field"] == field && x["code"] == code), "{name}: {e}");
        }
        // Over the configured limit.
        let small = semey::AppState {
            config: std::sync::Arc::new(semey::Config { max_document_bytes: 100, ..(*app.state.config).clone() }),
            ..app.state.clone()
        };
        let (ct, body) = multipart("big.txt", "text/plain", &[b'a'; 101], &meta(&org, "Big", json!({})));
        let a = app.call(Method::POST, "/api/v1/documents").token(&admin).body(&ct, body).on(small).send().await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());
        assert_eq!(a.json()["errors"][0]["code"], "file_too_large");
        // Nobody signed in may not upload.
        let (s, _) = upload(&app, None, "ok.pdf", "application/pdf", &good, meta(&org, "Anonymous", json!({}))).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(app.content().await, before, "nothing stored");
    }
}

on_both_backends! {
    /// An editor's upload is proposed and shows nowhere until a coordinator publishes it; a
    /// private document is then read and found only by its organisation's people and the
    /// coordinators — others are told there is no such document.
    async fn private_documents_are_for_their_organisation_and_coordinators(app: TestApp) {
        let org = app.organisation("Clinic", 80, "KZ").await;
        let other = app.organisation("Other NGO", 22, "KZ").await;
        let editor = app.user("editor@clinic.test", Role::Editor, Some(&org)).await;
        let viewer = app.user("viewer@clinic.test", Role::Viewer, Some(&org)).await;
        let outsider = app.user("editor@other.test", Role::Editor, Some(&other)).await;
        let coordinator = app.user("c@semey.test", Role::Coordinator, None).await;
        let (s, p) = upload(&app, Some(&editor.token), "cases.txt", "text/plain",
            b"Thyroid screening cases by household", meta(&org, "Screening cases", json!({"visibility": "private"}))).await;
        assert_eq!(s, StatusCode::ACCEPTED, "{p}");
        assert_eq!(app.count("documents").await, 0, "proposed, not published");
        let proposal: uuid::Uuid = p["id"].as_str().unwrap().parse().unwrap();
        workflow::take_step(app.store(), &coordinator.actor, proposal, Step::Approve, None).await.unwrap();
        workflow::take_step(app.store(), &coordinator.actor, proposal, Step::Publish, None).await.unwrap();
        let id = app.store().proposal(proposal).await.unwrap().published_id.unwrap();
        let get = |token: Option<String>| {
            let app = &app;
            let id = id.clone();
            async move {
                let mut c = app.call(Method::GET, &format!("/api/v1/documents/{id}/file"));
                if let Some(t) = &token {
                    c = c.token(t);
                }
                c.send().await.status
            }
        };
        assert_eq!(get(None).await, StatusCode::NOT_FOUND);
        assert_eq!(get(Some(outsider.token.clone())).await, StatusCode::NOT_FOUND);
        assert_eq!(get(Some(viewer.token.clone())).await, StatusCode::OK);
        assert_eq!(get(Some(coordinator.token.clone())).await, StatusCode::OK);
        assert!(search(&app, None, "thyroid").await.is_empty());
        assert!(search(&app, Some(&outsider.token), "thyroid").await.is_empty());
        assert_eq!(search(&app, Some(&viewer.token), "thyroid").await, std::slice::from_ref(&id));
        assert_eq!(search(&app, Some(&coordinator.token), "thyroid").await, std::slice::from_ref(&id));
        let listed = |token: String| {
            let app = &app;
            async move { app.call(Method::GET, "/api/v1/documents").token(&token).send().await.json()["total"].clone() }
        };
        assert_eq!(listed(outsider.token.clone()).await, 0);
        assert_eq!(listed(viewer.token.clone()).await, 1);
        // Made public by a coordinator's correction, everyone reads it.
        let (_, d) = app.request_as(Some(&coordinator.token), Method::GET, &format!("/api/v1/documents/{id}"), None).await;
        let mut input = d.clone();
        input["visibility"] = json!("public");
        let (s, _) = app.request_as(Some(&coordinator.token), Method::PUT, &format!("/api/v1/documents/{id}"), Some(input.to_string())).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(get(None).await, StatusCode::OK);
        assert_eq!(search(&app, None, "thyroid").await, [id]);
    }
}

/// A reader program that dies on a signal or never answers.
fn hostile_reader(dir: &std::path::Path, name: &str, script: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\ncat > /dev/null\n{script}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.display().to_string()
}

on_both_backends! {
    /// A reader that crashes or hangs on a file does not take the server with it: the upload
    /// is kept, marked "text not extracted" with the reason, and the server goes on answering.
    async fn a_reader_that_crashes_or_hangs_is_contained(app: TestApp) {
        let org = app.organisation("Archive", 10, "KZ").await;
        let admin = app.admin_token.clone();
        let dir = tempfile::tempdir().unwrap();
        for (name, script, seconds, reason) in [
            ("crash.sh", "kill -SEGV $$", 30, "signal 11"),
            ("hang.sh", "sleep 30", 1, "longer than 1 s"),
        ] {
            let state = semey::AppState {
                config: std::sync::Arc::new(semey::Config {
                    document_reader: hostile_reader(dir.path(), name, script),
                    document_read_seconds: seconds,
                    ..(*app.state.config).clone()
                }),
                ..app.state.clone()
            };
            let bytes = pdf(&format!("Hostile file for {name}"));
            let (ct, body) = multipart("hostile.pdf", "application/pdf", &bytes, &meta(&org, name, json!({})));
            let started = std::time::Instant::now();
            let a = app.call(Method::POST, "/api/v1/documents").token(&admin).body(&ct, body).on(state).send().await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
            assert!(started.elapsed() < std::time::Duration::from_secs(20));
            let d = a.json();
            assert_eq!(d["file"]["text_state"], "failed");
            assert!(d["file"]["text_reason"].as_str().unwrap().contains(reason), "{d}");
        }
        let (s, _) = app.get("/api/v1/documents").await;
        assert_eq!(s, StatusCode::OK, "the server goes on answering");
    }
}

on_both_backends! {
    /// `semey import documents DIR`: a bad row names its line and stores nothing; the good
    /// folder is imported whole, and importing it again changes nothing.
    async fn a_folder_is_imported_all_or_nothing_and_again_changes_nothing(app: TestApp) {
        let _ = app.organisation("Ministry of Health", 10, "KZ").await;
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("law.pdf"), pdf("Law on social protection of citizens")).unwrap();
        std::fs::write(dir.path().join("leaflet.html"), "<html><body><p>Радон в домах</p></body></html>").unwrap();
        std::fs::write(dir.path().join("bundle.zip"), zip_of(&[("a.txt", "x")])).unwrap();
        let csv = "file,title_en,title_ru,type,organisation,languages,date,places,licence\n\
                   law.pdf,Law on social protection,,law,Ministry of Health,en,1992-12-18,,public domain\n\
                   leaflet.html,,Радон в домах,leaflet,Ministry of Health,ru,2024-03-01,Nowhere-on-earth,CC-BY-4.0\n\
                   bundle.zip,Bundle,,report,Ministry of Health,en,,,\n";
        std::fs::write(dir.path().join("documents.csv"), csv).unwrap();
        let reader = std::path::PathBuf::from(&app.state.config.document_reader);
        let reading = semey::documents::library::Reading::of(&app.state.config, &reader);
        let run = |csv: String| {
            let reading = &reading;
            let app = &app;
            let dir = dir.path().to_owned();
            async move {
                let bytes = csv.into_bytes();
                semey::documents::import::import_documents(
                    app.store(), reading, &import_file("documents.csv", &bytes), &dir, &mut semey::import::Quiet,
                ).await
            }
        };
        let before = app.content().await;
        let err = run(csv.to_owned()).await.unwrap_err().to_string();
        assert!(err.contains("line 3") && err.contains("places[0]"), "{err}");
        assert!(err.contains("line 4") && err.contains("archives are not accepted"), "{err}");
        assert_eq!(app.content().await, before, "nothing stored");
        let good: String = csv.lines().take(3).collect::<Vec<_>>().join("\n").replace("Nowhere-on-earth", "") + "\n";
        let report = run(good.clone()).await.unwrap();
        assert_eq!((report.inserted, report.unchanged), (2, 0), "{report}");
        let again = run(good).await.unwrap();
        assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2), "{again}");
        assert_eq!(app.count("documents").await, 2);
        let (_, found) = app.request_as(None, Method::GET, "/api/v1/search?q=%D1%80%D0%B0%D0%B4%D0%BE%D0%BD&kind=document", None).await;
        assert_eq!(found["total"], 1, "{found}");
    }
}
