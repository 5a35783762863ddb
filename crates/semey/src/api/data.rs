//! `/api/v1/data`: the open data catalogue as DCAT-AP (JSON-LD), and every public list as a
//! file — `/api/v1/data/{dataset}.{csv|xlsx|json|geojson}` — with the same filters as the list
//! (`/api/v1/programmes?area=health` → `/api/v1/data/programmes.csv?area=health`). Files are
//! streamed; the audit trail is for coordinators only.

use super::funding::{
    transaction_filter, ContributionQuery, RateQuery, RequirementQuery, TransactionQuery,
};
use super::organisations::OrganisationQuery;
use super::places::PlaceQuery;
use super::programmes::ProgrammeQuery;
use super::services::ServiceQuery;
use crate::accounts::Actor;
use crate::opendata::{Dataset, Selection};
use crate::presentation::table::TableFormat;
use crate::{AppError, AppState};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue))
        .routes(routes!(download))
}

/// The query of `uri` read as `T` (unknown pairs ignored).
fn query<T: DeserializeOwned>(uri: &Uri) -> Result<T, AppError> {
    axum::extract::Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| AppError::BadRequest {
            code: "invalid_parameter",
            message: e.body_text(),
            field: None,
        })
}

/// The rows a request selects: the dataset's list filters, as its list reads them.
fn selection(s: &AppState, dataset: Dataset, uri: &Uri) -> Result<Selection, AppError> {
    let programmes = || query::<ProgrammeQuery>(uri);
    Ok(match dataset {
        Dataset::Places => Selection::Places(query::<PlaceQuery>(uri)?.filter()?),
        Dataset::Organisations => {
            Selection::Organisations(query::<OrganisationQuery>(uri)?.filter()?)
        }
        Dataset::Programmes => Selection::Programmes(programmes()?.filter()?),
        Dataset::Transactions => Selection::Transactions(transaction_filter(
            &programmes()?,
            &query::<TransactionQuery>(uri)?,
        )?),
        Dataset::Requirements => {
            let pq = programmes()?;
            Selection::Requirements {
                programmes: pq.filter()?,
                programme_id: query::<RequirementQuery>(uri)?.programme_id()?,
                year: pq.year()?,
            }
        }
        Dataset::Contributions => {
            Selection::Contributions(query::<ContributionQuery>(uri)?.filter(&programmes()?)?)
        }
        Dataset::ExchangeRates => Selection::ExchangeRates(query::<RateQuery>(uri)?.currency()?),
        Dataset::Indicators => Selection::Indicators(programmes()?.filter()?, s.config.results),
        Dataset::IndicatorValues => Selection::IndicatorValues(programmes()?.filter()?),
        Dataset::Services => Selection::Services(query::<ServiceQuery>(uri)?.filter()?),
        Dataset::Measurements => {
            Selection::Measurements(query::<super::radiation::ExportQuery>(uri)?.filter()?)
        }
        Dataset::Audit => {
            let pairs = crate::pages::context::query_pairs(uri.query().unwrap_or(""));
            let get = |k: &str| {
                pairs
                    .iter()
                    .find(|(key, v)| key == k && !v.trim().is_empty())
                    .map(|(_, v)| v.trim().to_owned())
            };
            Selection::Audit(semey_store::AuditFilter {
                record_type: get("record_type"),
                record_id: get("record_id"),
                user_id: get("user").and_then(|u| u.parse().ok()),
                before_seq: None,
            })
        }
    })
}

/// The open data catalogue as DCAT-AP 3.0 metadata (JSON-LD), for data portals to harvest:
/// every public dataset with its titles and descriptions in four languages, last change,
/// licence and a distribution per format.
#[utoipa::path(get, path = "/data", tag = "data",
    responses((status = 200, description = "DCAT-AP catalogue", content_type = "application/ld+json", body = Object)))]
async fn catalogue(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    let entries = crate::opendata::catalogue::entries(&s.store, false).await?;
    let doc =
        crate::opendata::catalogue::dcat(&entries, &s.site_address(&headers), &s.config.open_data);
    Ok((
        [(header::CONTENT_TYPE, "application/ld+json")],
        doc.to_string(),
    )
        .into_response())
}

/// A dataset as a file: `places`, `organisations`, `programmes`, `transactions`,
/// `requirements`, `exchange-rates`, `indicators`, `indicator-values`, `services` (and
/// `audit` for coordinators) as `.csv`, `.xlsx` or `.json`, places and services also as
/// `.geojson`. The list's filters apply, by the same names as the list's: those of
/// `/programmes` for programmes (and, on their programmes, for transactions, requirements,
/// indicators and their values), those of `/transactions`, `/places`, `/organisations`,
/// `/services` and `/exchange-rates` for theirs. Columns are stable and documented in docs/open-data.md;
/// CSV and XLSX cells that begin with `=`, `+`, `-` or `@` are written with a leading
/// apostrophe, never as formulas. Streamed; a few downloads run at once, more get 503.
#[utoipa::path(get, path = "/data/{file}", tag = "data",
    params(("file" = String, Path, description = "`{dataset}.{format}`, e.g. `transactions.csv`"),
        ProgrammeQuery, TransactionQuery),
    responses((status = 200, description = "The file, streamed, in the format its name asks for",
        content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/json"), ("application/geo+json"))),
        (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
        (status = 404, body = crate::error::ErrorBody), (status = 503, body = crate::error::ErrorBody)))]
async fn download(
    State(s): State<AppState>,
    actor: Actor,
    Path(file): Path<String>,
    uri: Uri,
) -> Result<Response, AppError> {
    let (name, ext) = file.rsplit_once('.').unwrap_or((&file, ""));
    let dataset = Dataset::parse(name).ok_or_else(|| AppError::NotFound {
        entity: "dataset",
        id: name.to_owned(),
    })?;
    let format = TableFormat::parse(ext)
        .filter(|f| dataset.formats().contains(f))
        .ok_or_else(|| {
            AppError::bad_parameter(
                "file",
                format!(
                    "{name} comes as {}",
                    dataset
                        .formats()
                        .iter()
                        .map(|f| f.ext())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
    if dataset.restricted() {
        actor.principal.may_coordinate()?;
    }
    let selection = selection(&s, dataset, &uri)?;
    // Held until the file is sent, so at most `heavy_requests` downloads read at once.
    let permit = s.heavy_permit().await?;
    let d = match selection {
        // Readings come from the radiation export (the public's stop at `public_export_rows`).
        Selection::Measurements(filter) => {
            let row_limit =
                (!actor.principal.is_signed_in()).then_some(s.config.public_export_rows);
            let rx = crate::radiation::export::measurements(
                &s.store,
                filter,
                format == TableFormat::GeoJson,
                row_limit,
                permit,
            )
            .await?;
            crate::opendata::from_export(rx, dataset, format)
        }
        selection => {
            let mut d = crate::opendata::download(&s.store, selection, format).await?;
            d.permit = Some(permit);
            d
        }
    };
    let mut rx = d.body;
    let permit = d.permit;
    let stream = futures_util::stream::poll_fn(move |cx| {
        let _held = &permit;
        rx.poll_recv(cx)
    });
    Ok((
        [
            (header::CONTENT_TYPE, d.content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", d.file_name),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
