//! The approval workflow on the record path: what editors write becomes a proposal;
//! coordinators approve, return or publish it. Every step runs in one database transaction
//! that re-authorises the proposal's content for whoever takes the step, and moves the
//! proposal only from the state it was read in (someone else was first: 409, nothing changed).
//! Publishing writes the record through [`super::save_in`], the coordinators' own write.

use super::record::{authorise_in, id_of, input_of, proposes, save_in, to_json, Channel, Record};
use crate::accounts::actor::Actor;
use crate::AppError;
use semey_domain::account::Account;
use semey_domain::contribution::Contribution;
use semey_domain::coordination::{ActionItem, Body, Decision, Meeting};
use semey_domain::document::Document;
use semey_domain::funding::{Requirement, Transaction};
use semey_domain::fx::FxRate;
use semey_domain::ids::OrganisationId;
use semey_domain::organisation::Organisation;
use semey_domain::place::Place;
use semey_domain::programme::Programme;
use semey_domain::record::RecordKind;
use semey_domain::results::{Period, ProgrammeResult};
use semey_domain::service::Service;
use semey_domain::workflow::{self, Refused, State, Step};
use semey_store::Factor;
use semey_store::{Proposal, Store, Tx};
use serde::Serialize;
use utoipa::ToSchema;

/// What a write did: published at once (coordinators; `created` when no record was there
/// before), or proposed for approval (editors).
pub enum Written<T> {
    Published { record: T, created: bool },
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
            record_type: p.kind.as_str().to_owned(),
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

/// Records a proposal of `actor` for a record of kind `R`, after the same authorisation and
/// checks as writing it, in `tx`.
async fn propose_in<R: Record>(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    id: Option<R::Id>,
    input: R::Input,
    state: State,
) -> Result<Proposal, AppError> {
    let (_, owner) = authorise_in::<R>(store, tx, &actor.principal, id.clone(), &input).await?;
    let checked = R::check(input.clone(), id.clone())?;
    R::references(store, tx, &checked).await?;
    let p = Proposal {
        id: uuid::Uuid::now_v7(),
        kind: R::KIND,
        record_id: id.map(|i| i.to_string()),
        organisation_id: owner,
        state,
        content: to_json(&input),
        reason: None,
        author_id: actor.principal.user_id,
        updated_at: time::OffsetDateTime::now_utc(),
        published_id: None,
    };
    store.insert_proposal(tx, &p).await?;
    super::record::audit(
        store,
        tx,
        actor,
        "proposal",
        &p.id.to_string(),
        None,
        Some(&ProposalView::from(&p)),
    )
    .await?;
    Ok(p)
}

/// Authorises, checks, and then proposes (editors) or writes (coordinators) one record, with
/// its audit lines, in one database transaction.
pub async fn write<R: Record>(
    store: &Store,
    actor: &Actor,
    id: Option<R::Id>,
    input: R::Input,
    channel: Channel,
) -> Result<Written<R::Stored>, AppError> {
    let mut tx = store.begin().await?;
    let written = write_in::<R>(store, &mut tx, actor, id, input, channel).await?;
    tx.commit().await?;
    Ok(written)
}

/// [`write`] inside a transaction the caller commits, with whatever else must stand or fall
/// with the record (an uploaded file and its document).
pub async fn write_in<R: Record>(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    id: Option<R::Id>,
    input: R::Input,
    channel: Channel,
) -> Result<Written<R::Stored>, AppError> {
    if !actor.principal.is_signed_in() {
        return Err(AppError::Unauthorized);
    }
    let new = id.is_none();
    Ok(match proposes(R::KIND, &actor.principal, channel) {
        Some(state) => {
            Written::Proposed(propose_in::<R>(store, tx, actor, id, input, state).await?)
        }
        None => {
            let saved = save_in::<R>(store, tx, actor, id, input).await?;
            Written::Published {
                created: new && saved.before.is_none(),
                record: saved.stored,
            }
        }
    })
}

/// Writes (or proposes) several records of one kind in one database transaction: all of them
/// or, when one is refused, none. The error says which item it came from.
pub async fn write_all<R: Record>(
    store: &Store,
    actor: &Actor,
    items: Vec<(Option<R::Id>, R::Input)>,
    channel: Channel,
) -> Result<Vec<Written<R::Stored>>, (usize, AppError)> {
    if !actor.principal.is_signed_in() {
        return Err((0, AppError::Unauthorized));
    }
    let mut tx = store.begin().await.map_err(|e| (0, e.into()))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, (id, input)) in items.into_iter().enumerate() {
        let new = id.is_none();
        let written = match proposes(R::KIND, &actor.principal, channel) {
            Some(state) => propose_in::<R>(store, &mut tx, actor, id, input, state)
                .await
                .map(Written::Proposed),
            None => save_in::<R>(store, &mut tx, actor, id, input)
                .await
                .map(|saved| Written::Published {
                    created: new && saved.before.is_none(),
                    record: saved.stored,
                }),
        };
        out.push(written.map_err(|e| (i, e))?);
    }
    tx.commit().await.map_err(|e| (0, e.into()))?;
    Ok(out)
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

/// What re-authorising a proposal's content found, and what publishing it wrote.
struct Applied {
    owner: Option<OrganisationId>,
    published_id: Option<String>,
}

/// Re-authorises and re-checks `content` as a record of the proposal's kind for `actor`, and
/// with `publish` writes it. The one place that dispatches on the kind of a proposal.
async fn apply(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    p: &Proposal,
    content: &serde_json::Value,
    publish: bool,
) -> Result<Applied, AppError> {
    match p.kind {
        RecordKind::Organisation => {
            apply_as::<Organisation>(store, tx, actor, p, content, publish).await
        }
        RecordKind::Programme => apply_as::<Programme>(store, tx, actor, p, content, publish).await,
        RecordKind::Transaction => {
            apply_as::<Transaction>(store, tx, actor, p, content, publish).await
        }
        RecordKind::Requirement => {
            apply_as::<Requirement>(store, tx, actor, p, content, publish).await
        }
        RecordKind::Contribution => {
            apply_as::<Contribution>(store, tx, actor, p, content, publish).await
        }
        RecordKind::Service => apply_as::<Service>(store, tx, actor, p, content, publish).await,
        RecordKind::Document => apply_as::<Document>(store, tx, actor, p, content, publish).await,
        RecordKind::Result => {
            apply_as::<ProgrammeResult>(store, tx, actor, p, content, publish).await
        }
        RecordKind::IndicatorPeriod => {
            apply_as::<Period>(store, tx, actor, p, content, publish).await
        }
        RecordKind::ActionItem => {
            apply_as::<ActionItem>(store, tx, actor, p, content, publish).await
        }
        RecordKind::Place
        | RecordKind::ExchangeRate
        | RecordKind::TubeFactor
        | RecordKind::Mandate
        | RecordKind::Body
        | RecordKind::Meeting
        | RecordKind::Decision
        | RecordKind::Report
        | RecordKind::Account => Err(AppError::Conflict(
            "records of this kind are written by coordinators or administrators, never proposed",
        )),
    }
}

async fn apply_as<R: Record>(
    store: &Store,
    tx: &mut Tx,
    actor: &Actor,
    p: &Proposal,
    content: &serde_json::Value,
    publish: bool,
) -> Result<Applied, AppError> {
    let id = id_of::<R::Id>(p)?;
    let input: R::Input = input_of(content)?;
    let (_, owner) = authorise_in::<R>(store, tx, &actor.principal, id.clone(), &input).await?;
    let checked = R::check(input.clone(), id.clone())?;
    R::references(store, tx, &checked).await?;
    let published_id = if publish {
        let saved = save_in::<R>(store, tx, actor, id, input).await?;
        Some(R::id_of(&saved.stored).to_string())
    } else {
        None
    };
    Ok(Applied {
        owner,
        published_id,
    })
}

/// The published record a proposal changes, as it is now (for the comparison a coordinator
/// reads before approving); `Null` for a proposal of a new record.
pub async fn published_now(store: &Store, p: &Proposal) -> Result<serde_json::Value, AppError> {
    async fn now<R: Record>(store: &Store, p: &Proposal) -> Result<serde_json::Value, AppError> {
        let Some(id) = id_of::<R::Id>(p)? else {
            return Ok(serde_json::Value::Null);
        };
        let mut tx = store.begin_read().await?;
        Ok(R::audited(&R::load(store, &mut tx, id).await?))
    }
    match p.kind {
        RecordKind::Organisation => now::<Organisation>(store, p).await,
        RecordKind::Programme => now::<Programme>(store, p).await,
        RecordKind::Transaction => now::<Transaction>(store, p).await,
        RecordKind::Requirement => now::<Requirement>(store, p).await,
        RecordKind::Contribution => now::<Contribution>(store, p).await,
        RecordKind::Service => now::<Service>(store, p).await,
        RecordKind::Document => now::<Document>(store, p).await,
        RecordKind::Result => now::<ProgrammeResult>(store, p).await,
        RecordKind::IndicatorPeriod => now::<Period>(store, p).await,
        RecordKind::Place => now::<Place>(store, p).await,
        RecordKind::ExchangeRate => now::<FxRate>(store, p).await,
        RecordKind::TubeFactor => now::<Factor>(store, p).await,
        RecordKind::Mandate => now::<semey_domain::mandate::Mandate>(store, p).await,
        RecordKind::Body => now::<Body>(store, p).await,
        RecordKind::Meeting => now::<Meeting>(store, p).await,
        RecordKind::Decision => now::<Decision>(store, p).await,
        RecordKind::ActionItem => now::<ActionItem>(store, p).await,
        RecordKind::Report => now::<semey_domain::report::Report>(store, p).await,
        RecordKind::Account => now::<Account>(store, p).await,
    }
}

/// A conditional update that found the proposal in another state than it was read in:
/// someone else took a step first.
fn claim(moved: bool) -> Result<(), AppError> {
    if moved {
        Ok(())
    } else {
        Err(AppError::Conflict(
            "someone else changed this proposal first; reload it",
        ))
    }
}

fn refused(r: Refused) -> AppError {
    match r {
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
    }
}

/// Takes a step on a proposal, in one transaction: the content is authorised and checked again
/// for whoever takes the step, publishing writes the record, and the proposal moves only from
/// the state it was read in.
pub async fn take_step(
    store: &Store,
    actor: &Actor,
    id: uuid::Uuid,
    step: Step,
    reason: Option<&str>,
) -> Result<Proposal, AppError> {
    let mut tx = store.begin().await?;
    let p = store.proposal_in(&mut tx, id).await?;
    may_see(actor, &p)?;
    let next = workflow::next(
        p.state,
        step,
        &actor.principal,
        p.organisation_id,
        p.author_id,
        reason,
    )
    .map_err(refused)?;
    let reason = if step == Step::Return {
        reason
    } else {
        p.reason.as_deref().filter(|_| next == State::Draft)
    };
    // Claim the step first: the conditional update locks the proposal's row, so a second step
    // taken at the same time waits here and then finds the proposal moved on (409).
    claim(
        store
            .update_proposal(&mut tx, id, p.state, next, None, reason, None)
            .await?,
    )?;
    // Sending back needs no valid content; every other step re-authorises and re-checks it.
    let applied = match step {
        Step::Return => Applied {
            owner: p.organisation_id,
            published_id: None,
        },
        Step::Edit | Step::Submit | Step::Approve | Step::Publish => {
            apply(store, &mut tx, actor, &p, &p.content, step == Step::Publish).await?
        }
    };
    if applied.owner != p.organisation_id {
        return Err(AppError::Conflict(
            "the proposal's content now belongs to another organisation than it was proposed for",
        ));
    }
    if let Some(published) = &applied.published_id {
        claim(
            store
                .update_proposal(&mut tx, id, next, next, None, reason, Some(published))
                .await?,
        )?;
    }
    let after = Proposal {
        state: next,
        reason: reason.map(str::to_owned),
        published_id: applied.published_id.or(p.published_id.clone()),
        ..p.clone()
    };
    super::record::audit(
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

/// Replaces a draft's or a returned proposal's content; it is a draft again. The new content is
/// authorised for its author as a new write would be (an editor cannot point a draft at
/// another organisation's record) and checked.
pub async fn edit(
    store: &Store,
    actor: &Actor,
    id: uuid::Uuid,
    content: serde_json::Value,
) -> Result<Proposal, AppError> {
    let mut tx = store.begin().await?;
    let p = store.proposal_in(&mut tx, id).await?;
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
    let applied = apply(store, &mut tx, actor, &p, &content, false).await?;
    claim(
        store
            .update_proposal(
                &mut tx,
                id,
                p.state,
                next,
                Some((&content, applied.owner)),
                p.reason.as_deref(),
                None,
            )
            .await?,
    )?;
    let after = Proposal {
        state: next,
        content,
        organisation_id: applied.owner,
        ..p.clone()
    };
    super::record::audit(
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

impl<T> Written<T> {
    /// The record written, for callers that only ever write directly (coordinators' kinds,
    /// the command line); a proposal there is a conflict.
    pub fn published(self) -> Result<T, AppError> {
        match self {
            Written::Published { record, .. } => Ok(record),
            Written::Proposed(_) => Err(AppError::Conflict(
                "this was proposed for approval instead of written",
            )),
        }
    }
}

impl<T: Serialize> Written<T> {
    /// The API's answer: 201 with a new record, 200 with a changed (or unchanged) one, 202 with
    /// the proposal.
    pub fn respond(self) -> axum::response::Response {
        use axum::http::StatusCode;
        use axum::response::IntoResponse;
        match self {
            Written::Published { record, created } => {
                let status = if created {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                };
                (status, axum::Json(record)).into_response()
            }
            Written::Proposed(p) => (
                axum::http::StatusCode::ACCEPTED,
                axum::Json(ProposalView::from(&p)),
            )
                .into_response(),
        }
    }
}
