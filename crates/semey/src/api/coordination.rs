//! `/api/v1/bodies`, `/meetings`, `/decisions` and `/action-items`: the coordination
//! mechanism. Everyone reads what belongs to published meetings; coordinators read and write
//! everything; an organisation's people also read the action items it owns, and its editors
//! propose their progress.

use super::common::{page, parse_path_id, writes, List};
use super::extract::{from_str, param, ApiQuery};
use crate::accounts::Actor;
use crate::coordination::{audience, visible_action_item, visible_decision, visible_meeting};
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use semey_domain::coordination::{
    ActionItem, ActionItemInput, ActionStatus, Body, BodyInput, Decision, DecisionInput, Meeting,
    MeetingInput,
};
use semey_domain::ids::{
    ActionItemId, BodyId, DecisionId, MandateId, MeetingId, OrganisationId, ProgrammeId,
};
use semey_store::{ActionFilter, MeetingFilter};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bodies, create_body))
        .routes(routes!(get_body, update_body))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting, update_meeting))
        .routes(routes!(list_decisions, create_decision))
        .routes(routes!(get_decision, update_decision))
        .routes(routes!(list_action_items, create_action_item))
        .routes(routes!(get_action_item, update_action_item))
}

writes!(
    "coordination",
    create_body,
    update_body,
    Body,
    BodyId,
    BodyInput,
    "/bodies",
    "/bodies/{id}",
    "body"
);
writes!(
    "coordination",
    create_meeting,
    update_meeting,
    Meeting,
    MeetingId,
    MeetingInput,
    "/meetings",
    "/meetings/{id}",
    "meeting"
);
writes!(
    "coordination",
    create_decision,
    update_decision,
    Decision,
    DecisionId,
    DecisionInput,
    "/decisions",
    "/decisions/{id}",
    "decision"
);
writes!(
    "coordination",
    create_action_item,
    update_action_item,
    ActionItem,
    ActionItemId,
    ActionItemInput,
    "/action-items",
    "/action-items/{id}",
    "action item"
);

/// Every body of the mechanism with its members.
#[utoipa::path(get, path = "/bodies", tag = "coordination",
    responses((status = 200, body = List<Body>)))]
async fn list_bodies(State(s): State<AppState>) -> Result<Json<List<Body>>, AppError> {
    Ok(Json(List::whole(s.store.bodies().await?)))
}

/// One body.
#[utoipa::path(get, path = "/bodies/{id}", tag = "coordination", params(("id" = String, Path, description = "Body id")),
    responses((status = 200, body = Body), (status = 404, body = crate::error::ErrorBody)))]
async fn get_body(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Body>, AppError> {
    Ok(Json(
        s.store.body(parse_path_id::<BodyId>("body", &id)?).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct MeetingQuery {
    body_id: Option<String>,
    /// Meetings starting at or after this time (`YYYY-MM-DDTHH:MM` or a date, Kazakhstan time).
    from: Option<String>,
    /// Meetings starting before this time.
    before: Option<String>,
    /// `latest` for the latest first (default: the soonest first).
    order: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// A bound of a time range: a date (its midnight) or a date and time, as stored.
fn bound(v: &str) -> Result<String, String> {
    let v = if v.len() == 10 {
        format!("{v}T00:00")
    } else {
        v.to_owned()
    };
    semey_domain::coordination::parse_local_time("", &v)
        .map(semey_store::local_time)
        .map_err(|e| e.message)
}

/// Meetings, soonest first; unpublished ones only for coordinators.
#[utoipa::path(get, path = "/meetings", tag = "coordination", params(MeetingQuery),
    responses((status = 200, body = List<Meeting>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_meetings(
    State(s): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<MeetingQuery>,
) -> Result<Json<List<Meeting>>, AppError> {
    let page = page(&q.limit, &q.offset)?;
    let f = MeetingFilter {
        body: param("body_id", &q.body_id, from_str::<BodyId>("a body id"))?,
        from: param("from", &q.from, bound)?,
        before: param("before", &q.before, bound)?,
        latest_first: param("order", &q.order, |v| match v {
            "latest" => Ok(true),
            "soonest" => Ok(false),
            other => Err(format!("{other:?} is not latest or soonest")),
        })?
        .unwrap_or(false),
    };
    let (items, total) = s.store.meetings(&f, audience(&actor), page).await?;
    Ok(Json(List::page(items, total, page)))
}

/// One meeting (an unpublished one only for coordinators).
#[utoipa::path(get, path = "/meetings/{id}", tag = "coordination", params(("id" = String, Path, description = "Meeting id")),
    responses((status = 200, body = Meeting), (status = 404, body = crate::error::ErrorBody)))]
async fn get_meeting(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Meeting>, AppError> {
    let id = parse_path_id::<MeetingId>("meeting", &id)?;
    Ok(Json(visible_meeting(&s.store, id, audience(&actor)).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct DecisionQuery {
    meeting_id: Option<String>,
    mandate_id: Option<String>,
    programme_id: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// Decisions, the latest meeting's first.
#[utoipa::path(get, path = "/decisions", tag = "coordination", params(DecisionQuery),
    responses((status = 200, body = List<Decision>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_decisions(
    State(s): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<DecisionQuery>,
) -> Result<Json<List<Decision>>, AppError> {
    let page = page(&q.limit, &q.offset)?;
    let (items, total) = s
        .store
        .decisions(
            param(
                "meeting_id",
                &q.meeting_id,
                from_str::<MeetingId>("a meeting id"),
            )?,
            param(
                "mandate_id",
                &q.mandate_id,
                from_str::<MandateId>("a mandate id"),
            )?,
            param(
                "programme_id",
                &q.programme_id,
                from_str::<ProgrammeId>("a programme id"),
            )?,
            audience(&actor),
            page,
        )
        .await?;
    Ok(Json(List::page(items, total, page)))
}

/// One decision.
#[utoipa::path(get, path = "/decisions/{id}", tag = "coordination", params(("id" = String, Path, description = "Decision id")),
    responses((status = 200, body = Decision), (status = 404, body = crate::error::ErrorBody)))]
async fn get_decision(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<Decision>, AppError> {
    let id = parse_path_id::<DecisionId>("decision", &id)?;
    Ok(Json(
        visible_decision(&s.store, id, audience(&actor)).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ActionQuery {
    meeting_id: Option<String>,
    owner_organisation_id: Option<String>,
    /// `open`, `in_progress`, `done` or `cancelled`.
    status: Option<String>,
    /// `true`: only those still to do whose deadline has passed.
    overdue: Option<String>,
    mandate_id: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
}

/// Action items, by deadline.
#[utoipa::path(get, path = "/action-items", tag = "coordination", params(ActionQuery),
    responses((status = 200, body = List<ActionItem>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_action_items(
    State(s): State<AppState>,
    actor: Actor,
    ApiQuery(q): ApiQuery<ActionQuery>,
) -> Result<Json<List<ActionItem>>, AppError> {
    let page = page(&q.limit, &q.offset)?;
    let overdue = param("overdue", &q.overdue, from_str::<bool>("true or false"))?;
    let f = ActionFilter {
        meeting: param(
            "meeting_id",
            &q.meeting_id,
            from_str::<MeetingId>("a meeting id"),
        )?,
        owner: param(
            "owner_organisation_id",
            &q.owner_organisation_id,
            from_str::<OrganisationId>("an organisation id"),
        )?,
        status: param("status", &q.status, |v| {
            ActionStatus::parse(v).map_err(|e| e.to_string())
        })?,
        overdue_on: overdue.unwrap_or(false).then(crate::results::today),
        mandate: param(
            "mandate_id",
            &q.mandate_id,
            from_str::<MandateId>("a mandate id"),
        )?,
    };
    let (items, total) = s.store.action_items(&f, audience(&actor), page).await?;
    Ok(Json(List::page(items, total, page)))
}

/// One action item.
#[utoipa::path(get, path = "/action-items/{id}", tag = "coordination", params(("id" = String, Path, description = "Action item id")),
    responses((status = 200, body = ActionItem), (status = 404, body = crate::error::ErrorBody)))]
async fn get_action_item(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Json<ActionItem>, AppError> {
    let id = parse_path_id::<ActionItemId>("action item", &id)?;
    Ok(Json(
        visible_action_item(&s.store, id, audience(&actor)).await?,
    ))
}
