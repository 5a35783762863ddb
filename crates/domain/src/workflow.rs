//! The approval workflow for what editors write: a proposal goes draft → submitted → approved
//! → published, or is returned with a reason and edited again. Coordinators approve, return
//! and publish; nobody approves their own proposal; a returned proposal is never published.

use crate::access::Principal;
use crate::ids::{OrganisationId, UserId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    Approved,
    Returned,
    Published,
}

impl State {
    pub const ALL: [State; 5] = [
        State::Draft,
        State::Submitted,
        State::Approved,
        State::Returned,
        State::Published,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Approved => "approved",
            State::Returned => "returned",
            State::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        State::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// What someone does with a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Change its content (its author's organisation, while it is a draft or returned).
    Edit,
    Submit,
    Approve,
    /// Send back with a reason.
    Return,
    Publish,
}

impl Step {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "submit" => Step::Submit,
            "approve" => Step::Approve,
            "return" => Step::Return,
            "publish" => Step::Publish,
            _ => return None,
        })
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Not this person's to do (403).
    NotAllowed,
    /// Not from this state (409): e.g. publishing a returned proposal.
    WrongState,
    /// Returning needs a reason (422).
    ReasonRequired,
}

/// The state a proposal reaches when `who` takes `step`, or why they may not.
pub fn next(
    state: State,
    step: Step,
    who: &Principal,
    owner: Option<OrganisationId>,
    author: Option<UserId>,
    reason: Option<&str>,
) -> Result<State, Refused> {
    let member = who.is_coordinator() || (owner.is_some() && who.may_write(owner).is_ok());
    let coordinator = who.is_coordinator();
    let own = author.is_some() && who.user_id == author;
    match step {
        Step::Edit | Step::Submit if !member => Err(Refused::NotAllowed),
        Step::Edit => match state {
            State::Draft | State::Returned => Ok(State::Draft),
            _ => Err(Refused::WrongState),
        },
        Step::Submit => match state {
            State::Draft | State::Returned => Ok(State::Submitted),
            _ => Err(Refused::WrongState),
        },
        Step::Approve | Step::Return | Step::Publish if !coordinator => Err(Refused::NotAllowed),
        Step::Approve if own => Err(Refused::NotAllowed),
        Step::Approve => match state {
            State::Submitted => Ok(State::Approved),
            _ => Err(Refused::WrongState),
        },
        Step::Return if reason.is_none_or(|r| r.trim().is_empty()) => Err(Refused::ReasonRequired),
        Step::Return => match state {
            State::Submitted | State::Approved => Ok(State::Returned),
            _ => Err(Refused::WrongState),
        },
        Step::Publish => match state {
            State::Approved => Ok(State::Published),
            _ => Err(Refused::WrongState),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Role, Via};

    fn person(role: Role, org: Option<OrganisationId>) -> Principal {
        Principal {
            user_id: Some(UserId::new()),
            administrator: false,
            role: Some(role),
            organisation_id: org,
            via: Via::Session("x".into()),
        }
    }

    #[test]
    fn the_path_to_publication_and_its_forbidden_steps() {
        let org = OrganisationId::new();
        let editor = person(Role::Editor, Some(org));
        let coordinator = person(Role::Coordinator, None);
        let author = editor.user_id;
        let go = |s, step, who: &Principal, reason| next(s, step, who, Some(org), author, reason);
        assert_eq!(
            go(State::Draft, Step::Submit, &editor, None),
            Ok(State::Submitted)
        );
        assert_eq!(
            go(State::Submitted, Step::Approve, &editor, None),
            Err(Refused::NotAllowed),
            "an editor approving their own"
        );
        assert_eq!(
            go(State::Submitted, Step::Approve, &coordinator, None),
            Ok(State::Approved)
        );
        assert_eq!(
            go(State::Approved, Step::Publish, &coordinator, None),
            Ok(State::Published)
        );
        assert_eq!(
            go(State::Submitted, Step::Return, &coordinator, None),
            Err(Refused::ReasonRequired)
        );
        assert_eq!(
            go(
                State::Submitted,
                Step::Return,
                &coordinator,
                Some("missing budget")
            ),
            Ok(State::Returned)
        );
        assert_eq!(
            go(State::Returned, Step::Publish, &coordinator, None),
            Err(Refused::WrongState),
            "publishing a returned proposal"
        );
        assert_eq!(
            go(State::Returned, Step::Edit, &editor, None),
            Ok(State::Draft)
        );
        assert_eq!(
            go(State::Published, Step::Edit, &editor, None),
            Err(Refused::WrongState)
        );
        assert_eq!(
            go(State::Draft, Step::Publish, &coordinator, None),
            Err(Refused::WrongState)
        );
        let stranger = person(Role::Editor, Some(OrganisationId::new()));
        assert_eq!(
            go(State::Draft, Step::Submit, &stranger, None),
            Err(Refused::NotAllowed)
        );
        let coordinator_author = coordinator.user_id;
        assert_eq!(
            next(
                State::Submitted,
                Step::Approve,
                &coordinator,
                Some(org),
                coordinator_author,
                None
            ),
            Err(Refused::NotAllowed),
            "nobody approves their own proposal"
        );
    }
}
