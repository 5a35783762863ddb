//! `/api/v1/organisations`.

use super::common::List;
use super::common::{page, parse_path_id};
use super::extract::{from_str, param, ApiJson, ApiQuery};
use crate::{AppError, AppState};
use axum::extract::RawQuery;
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::ids::OrganisationId;
use semey_domain::organisation::{MechanismRole, Organisation, OrganisationInput};
use semey_store::OrganisationFilter;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_organisations, create_organisation))
        .routes(routes!(get_organisation, update_organisation))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct OrganisationQuery {
    /// IATI OrganisationType code (10 government, 11 local government, 40 multilateral, …).
    org_type: Option<String>,
    /// Role in the mechanism (`government_body`, `donor`, `un_entity`, …).
    role: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    country: Option<String>,
    /// Text search on names and acronyms.
    q: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// Lists organisations.
#[utoipa::path(get, path = "/organisations", tag = "organisations", params(OrganisationQuery),
    responses((status = 200, body = List<Organisation>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_organisations(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiQuery(q): ApiQuery<OrganisationQuery>,
    RawQuery(raw): RawQuery,
) -> Result<Json<List<Organisation>>, AppError> {
    let filter = q.filter()?;
    let page = page(&q.limit, &q.offset)?;
    let (items, total) = s.store.list_organisations(&filter, page).await?;
    let items = items.into_iter().map(|o| seen_by(&actor, o)).collect();
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Organisations, &raw),
    }))
}

impl OrganisationQuery {
    pub(super) fn filter(&self) -> Result<OrganisationFilter, AppError> {
        Ok(OrganisationFilter {
            org_type: param(
                "org_type",
                &self.org_type,
                from_str("an IATI OrganisationType code"),
            )?,
            mechanism_role: param("role", &self.role, |v| {
                MechanismRole::parse(v).map_err(|e| e.to_string())
            })?,
            country: self.country.clone(),
            q: self.q.clone(),
        })
    }
}

/// One organisation.
#[utoipa::path(get, path = "/organisations/{id}", tag = "organisations", params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = Organisation), (status = 404, body = crate::error::ErrorBody)))]
async fn get_organisation(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
) -> Result<Json<Organisation>, AppError> {
    let org = s
        .store
        .organisation(parse_path_id::<OrganisationId>("organisation", &id)?)
        .await?;
    Ok(Json(seen_by(&actor, org)))
}

/// Contact people are for the platform's accounts; the public gets the organisation without
/// them.
fn seen_by(actor: &crate::accounts::Actor, org: Organisation) -> Organisation {
    if actor.principal.is_signed_in() {
        org
    } else {
        org.for_public()
    }
}

/// Creates an organisation.
#[utoipa::path(post, path = "/organisations", tag = "organisations", request_body = OrganisationInput,
    responses((status = 201, body = Organisation), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_organisation(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(
        crate::records::write::<semey_domain::organisation::Organisation>(
            &s.store,
            &actor,
            None,
            input,
            crate::records::Channel::Api,
        )
        .await?
        .respond(),
    )
}

/// Replaces an organisation's record.
#[utoipa::path(put, path = "/organisations/{id}", tag = "organisations", request_body = OrganisationInput, params(("id" = String, Path, description = "Organisation id")),
    responses((status = 200, body = Organisation), (status = 202, body = crate::records::workflow::ProposalView, description = "Proposed for approval (editors)"),
        (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn update_organisation(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<OrganisationInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<OrganisationId>("organisation", &id)?;
    Ok(
        crate::records::write::<semey_domain::organisation::Organisation>(
            &s.store,
            &actor,
            Some(id),
            input,
            crate::records::Channel::Api,
        )
        .await?
        .respond(),
    )
}
