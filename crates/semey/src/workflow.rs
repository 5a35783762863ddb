//! The approval workflow at work: what editors write becomes a proposal; coordinators approve,
//! return or publish it. Publishing goes through the same services as a coordinator's own
//! write, so the published record is checked, authorised and audited the same way.

use crate::auth::Actor;
use crate::AppError;
use semey_domain::funding::{RequirementInput, TransactionInput};
use semey_domain::ids::{OrganisationId, ProgrammeId, RequirementId, TransactionId};
use semey_domain::organisation::OrganisationInput;
use semey_domain::programme::ProgrammeInput;
use semey_domain::workflow::{self, Refused, State, Step};
use semey_store::{Proposal, Store};
use serde::Serialize;
use utoipa::ToSchema;

/// What a write did: published at once (coordinators), or proposed for approval (editors).
pub enum Written<T> {
    Published(T),
    Proposed(Proposal),
}

/// A proposal as the API and pages show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    pub id: String,
    pub record_type: String,
    /// The published record it changes; none for a new record.
    pub record_id: Option<String>,
    /// draft, submitted, approved, returned, published.
    pub state: String,
    pub reason: Option<String>,
    #[schema(value_type = Object)]
    pub content: serde_json::Value,
    pub organisation_id: Option<String>,
    pub author_id: Option<String>,
    /// The record it became, once published.
    pub published_id: Option<String>,
}

impl From<&Proposal> for ProposalView {
    fn from(p: &Proposal) -> Self {
        Self {
            id: p.id.to_string(),
            record_type: p.record_type.clone(),
            record_id: p.record_id.clone(),
            state: p.state.as_str().to_owned(),
            reason: p.reason.clone(),
            content: p.content.clone(),
            organisation_id: p.organisation_id.map(|o| o.to_string()),
            author_id: p.author_id.map(|u| u.to_string()),
            published_id: p.published_id.clone(),
        }
    }
}

/// Records a proposal by `actor` for `owner`'s record (checked beforehand by the caller).
async fn propose(
    store: &Store,
    actor: &Actor,
    record_type: &str,
    record_id: Option<String>,
    owner: Option<OrganisationId>,
    content: serde_json::Value,
    state: State,
) -> Result<Proposal, AppError> {
    let p = Proposal {
        id: uuid::Uuid::now_v7(),
        record_type: record_type.to_owned(),
        record_id,
        organisation_id: owner,
        state,
        content,
        reason: None,
        author_id: actor.principal.user_id,
        updated_at: time::OffsetDateTime::now_utc(),
        published_id: None,
    };
    let mut tx = store.begin().await?;
    store.insert_proposal(&mut tx, &p).await?;
    crate::records::audit(
        store,
        &mut tx,
        actor,
        "proposal",
        &p.id.to_string(),
        None,
        Some(&ProposalView::from(&p)),
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

pub fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// How a write from this actor starts: `Some(state)` to propose (editors: a draft from the
/// workspace, submitted at once from the API), `None` to publish.
pub fn proposes(actor: &Actor, from_api: bool) -> Option<State> {
    (!actor.principal.is_coordinator()).then_some(if from_api {
        State::Submitted
    } else {
        State::Draft
    })
}

pub async fn write_organisation(
    store: &Store,
    actor: &Actor,
    id: Option<OrganisationId>,
    input: OrganisationInput,
    from_api: bool,
) -> Result<Written<semey_domain::organisation::Organisation>, AppError> {
    let Some(state) = proposes(actor, from_api) else {
        return Ok(Written::Published(
            crate::records::save_organisation(store, actor, id, input).await?,
        ));
    };
    match id {
        Some(id) => {
            store.organisation(id).await?;
            actor.principal.may_write(Some(id))?;
        }
        None => actor.principal.may_create_organisation()?,
    }
    input.clone().check(id.unwrap_or_default())?;
    let p = propose(
        store,
        actor,
        "organisation",
        id.map(|i| i.to_string()),
        id,
        to_json(&input),
        state,
    )
    .await?;
    Ok(Written::Proposed(p))
}

pub async fn write_programme(
    store: &Store,
    actor: &Actor,
    id: Option<ProgrammeId>,
    input: ProgrammeInput,
    from_api: bool,
) -> Result<Written<semey_domain::programme::Programme>, AppError> {
    let Some(state) = proposes(actor, from_api) else {
        return Ok(Written::Published(
            crate::records::save_programme(store, actor, id, input).await?,
        ));
    };
    if let Some(id) = id {
        let old = store.programme(id).await?;
        actor.principal.may_write(old.reporting_org_id)?;
    }
    actor.principal.may_write(input.reporting_org_id)?;
    input.clone().check(id.unwrap_or_default())?;
    let p = propose(
        store,
        actor,
        "programme",
        id.map(|i| i.to_string()),
        input.reporting_org_id,
        to_json(&input),
        state,
    )
    .await?;
    Ok(Written::Proposed(p))
}

/// Proposes a transaction or requirement (`old_programme`: the programme of the record it
/// corrects), after the same authorisation and checks as recording it.
#[allow(clippy::too_many_arguments)]
async fn propose_money(
    store: &Store,
    actor: &Actor,
    record_type: &str,
    record_id: Option<String>,
    old_programme: Option<ProgrammeId>,
    programme: ProgrammeId,
    checked: Result<(), semey_domain::Invalid>,
    content: serde_json::Value,
    state: State,
) -> Result<Proposal, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    if let Some(old) = old_programme {
        crate::funding::may_write_money(store, actor, old).await?;
    }
    let owner = crate::funding::may_write_money(store, actor, programme).await?;
    checked?;
    propose(store, actor, record_type, record_id, owner, content, state).await
}

pub async fn write_transaction(
    store: &Store,
    actor: &Actor,
    id: Option<TransactionId>,
    input: TransactionInput,
    from_api: bool,
) -> Result<Written<(semey_domain::funding::Transaction, bool)>, AppError> {
    let Some(state) = proposes(actor, from_api) else {
        return Ok(Written::Published(match id {
            Some(id) => (
                crate::funding::correct_transaction(store, actor, id, input).await?,
                false,
            ),
            None => crate::funding::record_transaction(store, actor, input).await?,
        }));
    };
    let old_programme = match id {
        Some(id) => Some(store.transaction(id).await?.programme_id),
        None => None,
    };
    let p = propose_money(
        store,
        actor,
        "transaction",
        id.map(|i| i.to_string()),
        old_programme,
        input.programme_id,
        input.clone().check().map(drop),
        to_json(&input),
        state,
    )
    .await?;
    Ok(Written::Proposed(p))
}

pub async fn write_requirement(
    store: &Store,
    actor: &Actor,
    id: Option<RequirementId>,
    input: RequirementInput,
    from_api: bool,
) -> Result<Written<(semey_domain::funding::Requirement, bool)>, AppError> {
    let Some(state) = proposes(actor, from_api) else {
        return Ok(Written::Published(match id {
            Some(id) => (
                crate::funding::correct_requirement(store, actor, id, input).await?,
                false,
            ),
            None => crate::funding::record_requirement(store, actor, input).await?,
        }));
    };
    let old_programme = match id {
        Some(id) => Some(store.requirement(id).await?.programme_id),
        None => None,
    };
    let p = propose_money(
        store,
        actor,
        "requirement",
        id.map(|i| i.to_string()),
        old_programme,
        input.programme_id,
        input.clone().check().map(drop),
        to_json(&input),
        state,
    )
    .await?;
    Ok(Written::Proposed(p))
}

/// May `actor` see this proposal? Coordinators all; others their organisation's.
pub fn may_see(actor: &Actor, p: &Proposal) -> Result<(), AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    if actor.principal.is_coordinator()
        || (p.organisation_id.is_some() && actor.principal.organisation_id == p.organisation_id)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "this proposal belongs to another organisation",
        ))
    }
}

/// Takes a step on a proposal. Publishing writes the record through the coordinator's path.
pub async fn take_step(
    store: &Store,
    actor: &Actor,
    id: uuid::Uuid,
    step: Step,
    reason: Option<&str>,
) -> Result<Proposal, AppError> {
    let p = store.proposal(id).await?;
    may_see(actor, &p)?;
    let next = workflow::next(
        p.state,
        step,
        &actor.principal,
        p.organisation_id,
        p.author_id,
        reason,
    )
    .map_err(|r| match r {
        Refused::NotAllowed => {
            AppError::Forbidden("your role does not allow this step, or the proposal is your own")
        }
        Refused::WrongState => {
            AppError::Conflict("the proposal is not in a state where this step can be taken")
        }
        Refused::ReasonRequired => AppError::Invalid(semey_domain::Invalid::one(
            "reason",
            "required",
            "say why it goes back",
        )),
    })?;
    let mut published = None;
    if step == Step::Publish {
        published = Some(publish(store, actor, &p).await?);
    }
    let mut tx = store.begin().await?;
    let reason = if step == Step::Return {
        reason
    } else {
        p.reason.as_deref().filter(|_| next == State::Draft)
    };
    store
        .update_proposal(&mut tx, id, next, None, reason, published.as_deref())
        .await?;
    let after = Proposal {
        state: next,
        reason: reason.map(str::to_owned),
        published_id: published.clone().or(p.published_id.clone()),
        ..p.clone()
    };
    crate::records::audit(
        store,
        &mut tx,
        actor,
        "proposal",
        &id.to_string(),
        Some(&ProposalView::from(&p)),
        Some(&ProposalView::from(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Replaces a draft's or a returned proposal's content (checked by the caller); it is a draft
/// again.
pub async fn edit(
    store: &Store,
    actor: &Actor,
    id: uuid::Uuid,
    content: serde_json::Value,
) -> Result<Proposal, AppError> {
    let p = store.proposal(id).await?;
    may_see(actor, &p)?;
    let next = workflow::next(
        p.state,
        Step::Edit,
        &actor.principal,
        p.organisation_id,
        p.author_id,
        None,
    )
    .map_err(|r| match r {
        Refused::WrongState => {
            AppError::Conflict("only a draft or a returned proposal can be changed")
        }
        _ => AppError::Forbidden("this proposal is not yours to change"),
    })?;
    let mut tx = store.begin().await?;
    store
        .update_proposal(&mut tx, id, next, Some(&content), p.reason.as_deref(), None)
        .await?;
    let after = Proposal {
        state: next,
        content,
        ..p.clone()
    };
    crate::records::audit(
        store,
        &mut tx,
        actor,
        "proposal",
        &id.to_string(),
        Some(&ProposalView::from(&p)),
        Some(&ProposalView::from(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Writes an approved proposal's record; returns the published record's id.
async fn publish(store: &Store, actor: &Actor, p: &Proposal) -> Result<String, AppError> {
    fn input<T: serde::de::DeserializeOwned>(p: &Proposal) -> Result<T, AppError> {
        serde_json::from_value(p.content.clone()).map_err(|e| {
            AppError::Invalid(semey_domain::Invalid::one(
                "content",
                "invalid_value",
                e.to_string(),
            ))
        })
    }
    fn parse<T: std::str::FromStr>(s: &Option<String>) -> Option<T> {
        s.as_deref().and_then(|s| s.parse().ok())
    }
    Ok(match p.record_type.as_str() {
        "organisation" => {
            crate::records::save_organisation(store, actor, parse(&p.record_id), input(p)?)
                .await?
                .id
                .to_string()
        }
        "programme" => crate::records::save_programme(store, actor, parse(&p.record_id), input(p)?)
            .await?
            .id
            .to_string(),
        "transaction" => match parse(&p.record_id) {
            Some(id) => crate::funding::correct_transaction(store, actor, id, input(p)?)
                .await?
                .id
                .to_string(),
            None => crate::funding::record_transaction(store, actor, input(p)?)
                .await?
                .0
                .id
                .to_string(),
        },
        _ => match parse(&p.record_id) {
            Some(id) => crate::funding::correct_requirement(store, actor, id, input(p)?)
                .await?
                .id
                .to_string(),
            None => crate::funding::record_requirement(store, actor, input(p)?)
                .await?
                .0
                .id
                .to_string(),
        },
    })
}

impl<T: Serialize> Written<T> {
    /// The API's answer: the record with `status`, or 202 with the proposal.
    pub fn respond(self, status: axum::http::StatusCode) -> axum::response::Response {
        use axum::response::IntoResponse;
        match self {
            Written::Published(v) => (status, axum::Json(v)).into_response(),
            Written::Proposed(p) => (
                axum::http::StatusCode::ACCEPTED,
                axum::Json(ProposalView::from(&p)),
            )
                .into_response(),
        }
    }
}
