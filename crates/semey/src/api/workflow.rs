//! `/api/v1/proposals`: what editors proposed, and the workflow's steps.

use super::extract::ApiQuery;
use crate::accounts::Actor;
use crate::records::workflow::ProposalView;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::workflow::Step;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_proposals))
        .routes(routes!(get_proposal))
        .routes(routes!(step))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ProposalQuery {
    /// draft, submitted, approved, returned or published.
    state: Option<String>,
}

/// Proposals: a coordinator's queue (all organisations), an editor's or viewer's own
/// organisation's.
#[utoipa::path(get, path = "/proposals", tag = "workflow", params(ProposalQuery),
    responses((status = 200, body = Vec<ProposalView>), (status = 401, body = crate::error::ErrorBody)))]
async fn list_proposals(
    State(s): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<ProposalQuery>,
) -> Result<Json<Vec<ProposalView>>, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    let state = match q.state.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => Some(semey_domain::workflow::State::parse(v).ok_or_else(|| {
            AppError::bad_parameter("state", format!("state: {v:?} is not a workflow state"))
        })?),
        None => None,
    };
    let org = if actor.principal.is_coordinator() {
        None
    } else {
        Some(actor.principal.organisation_id.ok_or(AppError::Forbidden(
            "an account without an organisation has no proposals",
        ))?)
    };
    let list = s.store.list_proposals(state, org).await?;
    Ok(Json(list.iter().map(ProposalView::from).collect()))
}

fn proposal_id(id: &str) -> Result<uuid::Uuid, AppError> {
    id.parse().map_err(|_| AppError::NotFound {
        entity: "proposal",
        id: id.to_owned(),
    })
}

#[utoipa::path(get, path = "/proposals/{id}", tag = "workflow", params(("id" = String, Path, description = "Proposal id")),
    responses((status = 200, body = ProposalView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_proposal(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<ProposalView>, AppError> {
    let p = s.store.proposal(proposal_id(&id)?).await?;
    crate::records::workflow::may_see(&actor, &p)?;
    Ok(Json(ProposalView::from(&p)))
}

/// A step of the workflow.
#[derive(Debug, Default, Deserialize, ToSchema)]
struct StepBody {
    /// Why a proposal goes back (required to return it).
    reason: Option<String>,
}

/// Takes a step: `submit` (its organisation's editors), `approve`, `return` (with a reason) or
/// `publish` (coordinators; never one's own proposal, never a returned one). 409 when the
/// proposal is not in a state for it.
#[utoipa::path(post, path = "/proposals/{id}/{step}", tag = "workflow", request_body = StepBody,
    params(("id" = String, Path, description = "Proposal id"), ("step" = String, Path, description = "submit, approve, return or publish")),
    responses((status = 200, body = ProposalView), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn step(
    State(s): State<AppState>,
    actor: Actor,
    Path((id, step)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<ProposalView>, AppError> {
    // The body is optional: only a return needs one (its reason).
    let body: StepBody = if body.iter().all(u8::is_ascii_whitespace) {
        StepBody::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::BadRequest {
            code: "invalid_json",
            message: format!("the request body is not a workflow step: {e}"),
            field: None,
        })?
    };
    let id = proposal_id(&id)?;
    let step = Step::parse(&step).ok_or_else(|| AppError::NotFound {
        entity: "workflow step",
        id: step.clone(),
    })?;
    let p = crate::records::workflow::take_step(&s.store, &actor, id, step, body.reason.as_deref())
        .await?;
    Ok(Json(ProposalView::from(&p)))
}
