//! Accounts as administrators manage them: e-mail, name, administrator flag, membership (one
//! role in one organisation) and whether they are disabled. Passwords and API tokens are
//! credentials, never part of an account record or of an audit line.

use crate::access::Role;
use crate::ids::{OrganisationId, UserId};
use crate::Invalid;
use serde::{Deserialize, Serialize};

/// An account as administrators see it and the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub administrator: bool,
    pub role: Option<Role>,
    pub organisation_id: Option<OrganisationId>,
    pub disabled: bool,
}

/// An account as an administrator sends it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountInput {
    pub email: String,
    pub name: String,
    pub administrator: bool,
    pub role: Option<Role>,
    pub organisation_id: Option<OrganisationId>,
    pub disabled: bool,
    /// A new account's password, already hashed (Argon2id, off the async threads); never
    /// serialised, so never in a proposal or an audit line.
    #[serde(skip)]
    pub password_hash: Option<String>,
}

impl AccountInput {
    /// The account as it is, to change one thing of it.
    pub fn of(a: &Account) -> Self {
        Self {
            email: a.email.clone(),
            name: a.name.clone(),
            administrator: a.administrator,
            role: a.role,
            organisation_id: a.organisation_id,
            disabled: a.disabled,
            password_hash: None,
        }
    }
}

pub fn check_email(email: &str) -> Result<(), Invalid> {
    let e = email.trim();
    let ok = e.len() <= 254
        && e.split_once('@')
            .is_some_and(|(a, d)| !a.is_empty() && d.contains('.') && !d.starts_with('.'));
    if ok {
        Ok(())
    } else {
        Err(Invalid::one(
            "email",
            "invalid_email",
            format!("{e:?} is not an e-mail address"),
        ))
    }
}

impl AccountInput {
    /// The domain's rules: an e-mail address, an organisation for editors and viewers, and a
    /// password for a new account (`new`).
    pub fn check(self, new: bool) -> Result<Self, Invalid> {
        check_email(&self.email)?;
        if let (Some(Role::Editor | Role::Viewer), None) = (self.role, self.organisation_id) {
            return Err(Invalid::one(
                "organisation",
                "required",
                "editors and viewers belong to an organisation",
            ));
        }
        if new && self.password_hash.is_none() {
            return Err(Invalid::one(
                "password",
                "required",
                "a new account needs a password",
            ));
        }
        Ok(Self {
            email: self.email.trim().to_lowercase(),
            ..self
        })
    }
}
