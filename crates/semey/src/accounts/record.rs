//! Accounts on the record path: administrators create them and change their name, e-mail,
//! administrator flag, membership (role in an organisation) and whether they are disabled.
//! Passwords and API tokens are credentials, changed by their own operations (`users.rs`), never
//! part of a record or of an audit line.

use crate::records::{Record, Saved};
use crate::AppError;
use semey_domain::account::{Account, AccountInput};
use semey_domain::ids::UserId;
use semey_domain::record::RecordKind;
use semey_domain::Invalid;
use semey_store::{NewUser, Store, StoreError, Tx, User};

/// The account a stored user is (never its password hash or sign-in counters).
pub(super) fn account_of(u: User) -> Account {
    Account {
        id: u.id,
        email: u.email,
        name: u.name,
        administrator: u.administrator,
        role: u.role,
        organisation_id: u.organisation_id,
        disabled: u.disabled,
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
        Ok(account_of(store.user_in(tx, id).await?))
    }

    fn check(input: AccountInput, id: Option<UserId>) -> Result<AccountInput, Invalid> {
        input.check(id.is_none())
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
            stored: account_of(store.user_in(tx, id).await?),
            before: old.cloned(),
        })
    }
}
