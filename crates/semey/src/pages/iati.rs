//! The IATI files at stable addresses, ready to be registered with the IATI Registry:
//! `/iati/activities.xml` (every reporting organisation's programmes) and
//! `/iati/activities.xml?organisation=ID` (one organisation's).

use super::context::Reader;
use crate::{AppError, AppState};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use semey_domain::ids::OrganisationId;

pub(super) async fn activities(
    State(s): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let organisation = match reader.query.iter().find(|(k, _)| k == "organisation") {
        Some((_, v)) => match v.parse::<OrganisationId>() {
            Ok(id) => {
                s.store.organisation(id).await?;
                Some(id)
            }
            Err(_) => return Ok(reader.not_found()),
        },
        None => None,
    };
    let xml =
        crate::iati::export::activities(&s.store, organisation, time::OffsetDateTime::now_utc())
            .await?;
    if !xml.contains("<iati-activity ") {
        // An IATI file holds one activity at least: an organisation reporting none has none.
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
