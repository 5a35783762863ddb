//! The IATI files at stable addresses, ready to be registered with the IATI Registry:
//! `/iati/activities.xml` (every reporting organisation's programmes) and
//! `/iati/organisations.xml` (every reporting organisation), each one organisation's with
//! `?organisation=ID`.

use super::context::Reader;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use semey_domain::ids::OrganisationId;

/// The organisation `?organisation=` names: `Err` when it names none.
async fn organisation_of(s: &AppState, reader: &Reader) -> Result<Option<OrganisationId>, ()> {
    match reader.query.iter().find(|(k, _)| k == "organisation") {
        Some((_, v)) => match v.parse::<OrganisationId>() {
            Ok(id) if s.store.organisation(id).await.is_ok() => Ok(Some(id)),
            _ => Err(()),
        },
        None => Ok(None),
    }
}

pub(super) async fn activities(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let Ok(organisation) = organisation_of(&s, &reader).await else {
        return Ok(reader.not_found());
    };
    if !crate::iati::export::has_activities(&s.store, organisation).await? {
        return Ok(reader.not_found());
    }
    // Written as it is read: a large file never sits whole in memory.
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    let store = s.store.clone();
    tokio::spawn(async move {
        let now = time::OffsetDateTime::now_utc();
        if let Err(e) = crate::iati::export::write_activities(&store, organisation, now, &tx).await
        {
            tracing::error!(error = %e, "IATI export failed");
        }
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|b| b.map(Ok::<_, std::io::Error>))
    });
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "application/xml; charset=utf-8",
        )],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

pub(super) async fn organisations(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let Ok(organisation) = organisation_of(&s, &reader).await else {
        return Ok(reader.not_found());
    };
    let xml =
        crate::iati::export::organisations(&s.store, organisation, time::OffsetDateTime::now_utc())
            .await?;
    xml_file(&reader, xml, "<iati-organisation ")
}

/// The file, or not found when it holds no `record` (an IATI file holds one at least: an
/// organisation reporting nothing has none).
fn xml_file(reader: &Reader, xml: String, record: &str) -> Result<Response, AppError> {
    if !xml.contains(record) {
        return Ok(reader.not_found());
    }
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "application/xml; charset=utf-8",
        )],
        xml,
    )
        .into_response())
}
