//! The coordination mechanism (C7): bodies with their member organisations, their meetings
//! (public once published), the decisions taken there and the action items that follow. Bodies,
//! meetings and decisions are the coordinators'; an action item belongs to the organisation
//! that owns it, whose editors propose its progress for a coordinator to approve.

pub mod ical;
pub mod import;

use crate::accounts::Actor;
use crate::records::{kept_whole, Owned};
use crate::AppError;
use semey_domain::coordination::{
    ActionItem, ActionItemInput, Body, BodyInput, Decision, DecisionInput, Meeting, MeetingInput,
};
use semey_domain::ids::{ActionItemId, BodyId, DecisionId, MeetingId, OrganisationId};
use semey_domain::record::RecordKind;
use semey_store::{Audience, Store};

kept_whole!(
    Body,
    RecordKind::Body,
    BodyId,
    BodyInput,
    save_body,
    body_in
);
kept_whole!(
    Meeting,
    RecordKind::Meeting,
    MeetingId,
    MeetingInput,
    save_meeting,
    meeting_in
);
kept_whole!(
    Decision,
    RecordKind::Decision,
    DecisionId,
    DecisionInput,
    save_decision,
    decision_in
);
kept_whole!(
    ActionItem,
    RecordKind::ActionItem,
    ActionItemId,
    ActionItemInput,
    save_action_item,
    action_item_in
);

impl Owned for Body {}
impl Owned for Meeting {}
impl Owned for Decision {}
impl Owned for BodyInput {}
impl Owned for MeetingInput {}
impl Owned for DecisionInput {}
impl Owned for ActionItem {
    fn owner(&self) -> Option<OrganisationId> {
        Some(self.owner_organisation_id)
    }
}
impl Owned for ActionItemInput {
    fn owner(&self) -> Option<OrganisationId> {
        self.owner_organisation_id
    }
}

/// What of the mechanism `actor` may see: coordinators everything, an organisation's people the
/// published meetings and their own action items, everyone else what is published.
pub fn audience(actor: &Actor) -> Audience {
    let p = &actor.principal;
    if p.is_coordinator() {
        Audience::All
    } else if let Some(org) = p.organisation_id.filter(|_| p.is_signed_in()) {
        Audience::Organisation(org)
    } else {
        Audience::Public
    }
}

/// A meeting `audience` may see, or `NotFound` (an unpublished meeting is not there for the
/// public).
pub async fn visible_meeting(
    store: &Store,
    id: MeetingId,
    audience: Audience,
) -> Result<Meeting, AppError> {
    let m = store.meeting(id).await?;
    if m.published || audience == Audience::All {
        Ok(m)
    } else {
        Err(AppError::NotFound {
            entity: "meeting",
            id: id.to_string(),
        })
    }
}

/// A decision `audience` may see.
pub async fn visible_decision(
    store: &Store,
    id: DecisionId,
    audience: Audience,
) -> Result<Decision, AppError> {
    let d = store.decision(id).await?;
    visible_meeting(store, d.meeting_id, audience).await?;
    Ok(d)
}

/// An action item `audience` may see (its owner always sees it).
pub async fn visible_action_item(
    store: &Store,
    id: ActionItemId,
    audience: Audience,
) -> Result<ActionItem, AppError> {
    let a = store.action_item(id).await?;
    if audience == Audience::Organisation(a.owner_organisation_id) {
        return Ok(a);
    }
    visible_meeting(store, a.meeting_id, audience).await?;
    Ok(a)
}
