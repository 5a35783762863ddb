//! `/reports`: the progress reports. Everyone reads the published versions (frozen; each shows
//! what changed since the one before) as a page and as PDF; coordinators also read the draft,
//! computed from today's data, and publish it from the workspace.

use super::context::*;
use crate::accounts::Actor;
use crate::presentation::i18n::t;
use crate::reports::diff::{changes, Changes};
use crate::reports::html::ArticleView;
use crate::reports::{self, Document};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use semey_domain::ids::ReportId;
use semey_domain::report::Report;
use semey_domain::Lang;

struct ReportRow {
    href: String,
    title: String,
    period: String,
    versions: usize,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    c: Chrome,
    coordinator: bool,
    reports: Vec<ReportRow>,
}

fn period_text(lang: Lang, r: &Report) -> String {
    use crate::presentation::format::date;
    format!(
        "{} — {}",
        date(lang, r.period.start),
        date(lang, r.period.end)
    )
}

pub(super) async fn list(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let coordinator = actor.principal.is_coordinator();
    let mut reports = Vec::new();
    for r in s.store.reports().await? {
        let versions = s.store.report_versions(r.id).await?.len();
        if coordinator || versions > 0 {
            reports.push(ReportRow {
                href: format!("/reports/{}", r.id),
                title: text_in(lang, &r.title).0,
                period: period_text(lang, &r),
                versions,
            });
        }
    }
    let template = ListPage {
        c: reader.chrome(),
        coordinator,
        reports,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

struct VersionLink {
    href: String,
    label: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    c: Chrome,
    a: ArticleView,
    site: String,
    id: String,
    coordinator: bool,
    draft: bool,
    pdf: String,
    versions: Vec<VersionLink>,
    changes: Option<Changes>,
    /// Sections still empty in a publishing language (drafts).
    missing: Vec<String>,
    /// The document is in another language than the reader's.
    other_language: bool,
}

/// The version's document in the reader's language, else in its first language.
async fn frozen(
    s: &AppState,
    id: ReportId,
    number: i64,
    lang: Lang,
) -> Result<Option<Document>, AppError> {
    if let Some(d) = reports::version(&s.store, id, number, lang).await? {
        return Ok(Some(d));
    }
    let versions = s.store.report_versions(id).await?;
    let Some((_, langs, _)) = versions.iter().find(|(n, _, _)| *n == number) else {
        return Ok(None);
    };
    match langs.first() {
        Some(l) => reports::version(&s.store, id, number, *l).await,
        None => Ok(None),
    }
}

async fn show(
    s: &AppState,
    reader: &Reader,
    actor: &Actor,
    id: ReportId,
    number: Option<i64>,
) -> Result<Response, AppError> {
    let lang = reader.lang;
    let coordinator = actor.principal.is_coordinator();
    let report = match s.store.report(id).await {
        Ok(r) => r,
        Err(semey_store::StoreError::NotFound { .. }) => return Ok(reader.not_found()),
        Err(e) => return Err(e.into()),
    };
    let versions = s.store.report_versions(id).await?;
    // The public reads the latest version; coordinators the draft, unless they ask for one.
    let number = match number {
        Some(n) => Some(n),
        None if coordinator => None,
        None => match versions.first() {
            Some((n, _, _)) => Some(*n),
            None => return Ok(reader.not_found()),
        },
    };
    let (doc, changes) = match number {
        Some(n) => {
            let Some(doc) = frozen(s, id, n, lang).await? else {
                return Ok(reader.not_found());
            };
            let before = match versions.iter().find(|(m, _, _)| *m < n) {
                Some((m, _, _)) => reports::version(&s.store, id, *m, doc.lang).await?,
                None => None,
            };
            let c = before.map(|b| changes(&b, &doc));
            (doc, c)
        }
        None => {
            let site = String::new();
            let doc = reports::draft(
                &s.store,
                &s.config,
                &report,
                lang,
                &site,
                crate::results::today(),
            )
            .await?;
            (doc, None)
        }
    };
    let missing = if number.is_none() {
        report
            .missing()
            .into_iter()
            .map(|(sec, langs)| {
                let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
                format!(
                    "{} ({})",
                    t(lang, &format!("report-section-{}", sec.as_str())),
                    codes.join(", ")
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let pdf = match number {
        Some(n) => format!("/reports/{id}/versions/{n}/pdf?lang={}", doc.lang.code()),
        None => format!("/reports/{id}/draft/pdf?lang={}", lang.code()),
    };
    let template = ReportPage {
        c: reader.chrome(),
        a: ArticleView::new(&doc),
        site: String::new(),
        id: id.to_string(),
        coordinator,
        draft: number.is_none(),
        pdf,
        versions: versions
            .iter()
            .map(|(n, _, at)| VersionLink {
                href: format!("/reports/{id}/versions/{n}"),
                label: format!("{} {n} · {at}", t(lang, "report-version")),
                current: Some(*n) == number,
            })
            .collect(),
        changes,
        missing,
        other_language: doc.lang != lang,
    };
    Ok(page(
        &template,
        StatusCode::OK,
        reader.chosen.then_some(lang),
    ))
}

pub(super) async fn report(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ReportId>() else {
        return Ok(reader.not_found());
    };
    show(&s, &reader, &actor, id, None).await
}

pub(super) async fn version(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (Ok(id), Ok(number)) = (id.parse::<ReportId>(), number.parse::<i64>()) else {
        return Ok(reader.not_found());
    };
    show(&s, &reader, &actor, id, Some(number)).await
}

/// A PDF answer, typeset apart from the request's thread.
#[cfg(feature = "pdf")]
async fn pdf_response(s: &AppState, doc: Document) -> Result<Response, AppError> {
    let dir = s.config.font_dir.clone();
    let name = format!(
        "semey-report-{}-{}.pdf",
        doc.version.map_or("draft".to_owned(), |n| format!("v{n}")),
        doc.lang.code()
    );
    let bytes = tokio::task::spawn_blocking(move || reports::pdf::render(&doc, &dir))
        .await
        .map_err(|e| AppError::Io(std::io::Error::other(e)))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(not(feature = "pdf"))]
async fn pdf_response(_: &AppState, _: Document) -> Result<Response, AppError> {
    Err(AppError::BadRequest {
        code: "pdf_not_built",
        message: "this server was built without PDF reports (the `pdf` feature)".into(),
        field: None,
    })
}

/// `/reports/{id}/versions/{n}/pdf?lang=`: a published version as PDF.
pub(super) async fn version_pdf(
    State(s): State<AppState>,
    reader: Reader,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (Ok(id), Ok(number)) = (id.parse::<ReportId>(), number.parse::<i64>()) else {
        return Ok(reader.not_found());
    };
    match frozen(&s, id, number, reader.lang).await? {
        Some(doc) => pdf_response(&s, doc).await,
        None => Ok(reader.not_found()),
    }
}

/// `/reports/{id}/draft/pdf?lang=`: the draft as PDF (coordinators).
pub(super) async fn draft_pdf(
    State(s): State<AppState>,
    reader: Reader,
    actor: Actor,
    headers: axum::http::HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ReportId>() else {
        return Ok(reader.not_found());
    };
    actor.principal.may_coordinate()?;
    let report = s.store.report(id).await?;
    let site = s.site_address(&headers);
    let doc = reports::draft(
        &s.store,
        &s.config,
        &report,
        reader.lang,
        &site,
        crate::results::today(),
    )
    .await?;
    pdf_response(&s, doc).await
}
