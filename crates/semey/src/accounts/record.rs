//! Accounts on the record path: administrators create them and change their name, e-mail,
//! administrator flag, membership (role in an organisation) and whether they are disabled.
//! Passwords and API tokens are credentials, changed by their own operations (`users.rs`), never
//! part of a record or of an audit line.

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::access::Role;
use semey_domain::ids::{OrganisationId, UserId};
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{NewUser, Store, StoreError, Tx, User};
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

impl From<User> for Account {
    fn from(u: User) -> Self {
        Self {
            id: u.id,
            email: u.email,
            name: u.name,
            administrator: u.administrator,
            role: u.role,
            organisation_id: u.organisation_id,
            disabled: u.disabled,
        }
    }
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

pub(super) fn check_email(email: &str) -> Result<(), Invalid> {
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

impl Record for Account {
    const KIND: RecordKind = RecordKind::Account;
    type Id = UserId;
    type Input = AccountInput;
    type Checked = AccountInput;
    type Stored = Account;

    fn id_of(stored: &Account) -> UserId {
        stored.id
    }

    async fn load(store: &Store, tx: &mut Tx, id: UserId) -> Result<Account, AppError> {
        Ok(store.user_in(tx, id).await?.into())
    }

    fn check(input: AccountInput, id: Option<UserId>) -> Result<AccountInput, Invalid> {
        check_email(&input.email)?;
        if let (Some(Role::Editor | Role::Viewer), None) = (input.role, input.organisation_id) {
            return Err(Invalid::one(
                "organisation",
                "required",
                "editors and viewers belong to an organisation",
            ));
        }
        if id.is_none() && input.password_hash.is_none() {
            return Err(Invalid::one(
                "password",
                "required",
                "a new account needs a password",
            ));
        }
        Ok(AccountInput {
            email: input.email.trim().to_lowercase(),
            ..input
        })
    }

    async fn save(
        store: &Store,
        tx: &mut Tx,
        old: Option<&Account>,
        a: AccountInput,
    ) -> Result<Saved<Account>, AppError> {
        if let Some(org) = a.organisation_id {
            match store.organisation_in(tx, org).await {
                Ok(_) => {}
                Err(StoreError::NotFound { .. }) => {
                    return Err(Invalid::one(
                        "organisation",
                        "unknown_organisation",
                        format!("there is no organisation {org}"),
                    )
                    .into())
                }
                Err(e) => return Err(e.into()),
            }
        }
        let id = match old {
            None => {
                let id = UserId::new();
                let hash = a.password_hash.as_deref().unwrap_or_default();
                store
                    .create_user(
                        tx,
                        &NewUser {
                            id,
                            email: &a.email,
                            name: &a.name,
                            password_hash: hash,
                            administrator: a.administrator,
                        },
                    )
                    .await?;
                if a.disabled {
                    store
                        .update_user(tx, id, &a.email, &a.name, a.administrator, true)
                        .await?;
                }
                id
            }
            Some(old) => {
                store
                    .update_user(tx, old.id, &a.email, &a.name, a.administrator, a.disabled)
                    .await?;
                if a.disabled && !old.disabled {
                    // A disabled account's sessions end and its tokens are revoked for good.
                    store.delete_sessions_of(tx, old.id).await?;
                    store.revoke_tokens_of(tx, old.id).await?;
                }
                old.id
            }
        };
        store
            .set_membership(tx, id, a.role.map(|r| (r, a.organisation_id)))
            .await?;
        Ok(Saved {
            stored: store.user_in(tx, id).await?.into(),
            before: old.cloned(),
        })
    }
}
