//! Who may do what. A request acts for a `Principal`: a signed-in user, a machine client with
//! an API token, the command line, or nobody (the public). Roles are scoped to one
//! organisation: a coordinator works on every organisation's records, an editor creates and
//! edits only their organisation's, a viewer only reads. Administrators manage accounts and
//! may do everything.

use crate::ids::{OrganisationId, TokenId, UserId};
use crate::Invalid;
use serde::{Deserialize, Serialize};

/// A role in the coordination mechanism's platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Coordinator,
    Editor,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Coordinator, Role::Editor, Role::Viewer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Coordinator => "coordinator",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Invalid::one(
                    "role",
                    "unknown_role",
                    format!("{s:?} is not a role (coordinator, editor, viewer)"),
                )
            })
    }
}

/// How a principal reached the platform, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session; the first characters of its key's hash (never the secret).
    Session(String),
    Token(TokenId),
    CommandLine,
    Anonymous,
}

impl Via {
    pub fn describe(&self) -> String {
        match self {
            Via::Session(h) => format!("session:{h}"),
            Via::Token(id) => format!("token:{id}"),
            Via::CommandLine => "command-line".to_owned(),
            Via::Anonymous => "anonymous".to_owned(),
        }
    }
}

/// Whoever a request acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Option<UserId>,
    pub administrator: bool,
    pub role: Option<Role>,
    pub organisation_id: Option<OrganisationId>,
    pub via: Via,
}

impl Principal {
    /// The public: reads published records, writes nothing.
    pub fn anonymous() -> Self {
        Self {
            user_id: None,
            administrator: false,
            role: None,
            organisation_id: None,
            via: Via::Anonymous,
        }
    }

    /// The command line run by whoever operates the server: may do everything.
    pub fn command_line() -> Self {
        Self {
            user_id: None,
            administrator: true,
            role: Some(Role::Coordinator),
            organisation_id: None,
            via: Via::CommandLine,
        }
    }

    pub fn is_signed_in(&self) -> bool {
        self.via != Via::Anonymous
    }

    /// Coordinators and administrators work on every organisation's records.
    pub fn is_coordinator(&self) -> bool {
        self.administrator || self.role == Some(Role::Coordinator)
    }

    /// May this principal create or change a record owned by `owner` (an organisation, or a
    /// programme's reporting organisation; `None` for a record nobody owns yet)?
    pub fn may_write(&self, owner: Option<OrganisationId>) -> Result<(), Refusal> {
        if !self.is_signed_in() {
            return Err(Refusal::NotSignedIn);
        }
        if self.is_coordinator() {
            return Ok(());
        }
        match (self.role, self.organisation_id, owner) {
            (Some(Role::Editor), Some(mine), Some(owner)) if mine == owner => Ok(()),
            _ => Err(Refusal::NotAllowed),
        }
    }

    /// May this principal add new organisations to the platform?
    pub fn may_create_organisation(&self) -> Result<(), Refusal> {
        self.may_coordinate()
    }

    /// Work for coordinators only: shared reference data such as exchange rates.
    pub fn may_coordinate(&self) -> Result<(), Refusal> {
        if !self.is_signed_in() {
            return Err(Refusal::NotSignedIn);
        }
        if self.is_coordinator() {
            Ok(())
        } else {
            Err(Refusal::NotAllowed)
        }
    }

    /// Managing accounts and memberships.
    pub fn may_administer(&self) -> Result<(), Refusal> {
        if !self.is_signed_in() {
            Err(Refusal::NotSignedIn)
        } else if self.administrator {
            Ok(())
        } else {
            Err(Refusal::NotAllowed)
        }
    }
}

/// Why a request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Nobody is signed in (HTTP 401).
    NotSignedIn,
    /// Signed in, but this is not theirs to do (HTTP 403).
    NotAllowed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role, org: OrganisationId) -> Principal {
        Principal {
            user_id: Some(UserId::new()),
            administrator: false,
            role: Some(role),
            organisation_id: Some(org),
            via: Via::Session("abcd".into()),
        }
    }

    #[test]
    fn editors_write_only_their_organisations_records() {
        let (mine, theirs) = (OrganisationId::new(), OrganisationId::new());
        let editor = member(Role::Editor, mine);
        assert_eq!(editor.may_write(Some(mine)), Ok(()));
        assert_eq!(editor.may_write(Some(theirs)), Err(Refusal::NotAllowed));
        assert_eq!(editor.may_write(None), Err(Refusal::NotAllowed));
        assert_eq!(editor.may_create_organisation(), Err(Refusal::NotAllowed));
        assert_eq!(
            member(Role::Viewer, mine).may_write(Some(mine)),
            Err(Refusal::NotAllowed)
        );
        let coordinator = member(Role::Coordinator, mine);
        assert_eq!(coordinator.may_write(Some(theirs)), Ok(()));
        assert_eq!(coordinator.may_administer(), Err(Refusal::NotAllowed));
        assert_eq!(
            Principal::anonymous().may_write(Some(mine)),
            Err(Refusal::NotSignedIn)
        );
        assert_eq!(Principal::command_line().may_administer(), Ok(()));
    }
}
