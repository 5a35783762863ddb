//! Accounts for administrators and their owners: creating, passwords, disabling, memberships,
//! API tokens; each change audited in its transaction.

use super::actor::Actor;
use super::passwords::{hash_password, new_secret, sha256_hex};
use super::record::account_of;
use crate::records::{audit_action, write, Channel};
use crate::AppError;
use semey_domain::access::Role;
use semey_domain::account::{check_email, Account, AccountInput};
use semey_domain::ids::{OrganisationId, TokenId, UserId};
use semey_store::{stamp, Store, User};
use time::{Duration, OffsetDateTime};

/// Creates an account (administrators), through the record path; returns its id.
pub async fn create_user(
    store: &Store,
    actor: &Actor,
    email: &str,
    name: &str,
    password: String,
    administrator: bool,
    membership: Option<(Role, Option<OrganisationId>)>,
) -> Result<UserId, AppError> {
    actor.principal.may_administer()?;
    check_email(email)?;
    let input = AccountInput {
        email: email.to_owned(),
        name: name.to_owned(),
        administrator,
        role: membership.map(|m| m.0),
        organisation_id: membership.and_then(|m| m.1),
        disabled: false,
        password_hash: Some(hash_password(password).await?),
    };
    let account = write::<Account>(store, actor, None, input, Channel::Api)
        .await?
        .published()?;
    Ok(account.id)
}

/// Sets a new password; every session of the account ends, and with `revoke_tokens` every API
/// token too.
pub async fn set_password(
    store: &Store,
    actor: &Actor,
    user: UserId,
    password: String,
    revoke_tokens: bool,
) -> Result<(), AppError> {
    if actor.principal.user_id != Some(user) {
        actor.principal.may_administer()?;
    }
    let hash = hash_password(password).await?;
    let mut tx = store.begin().await?;
    store.set_password(&mut tx, user, &hash).await?;
    store.delete_sessions_of(&mut tx, user).await?;
    let revoked = if revoke_tokens {
        store.revoke_tokens_of(&mut tx, user).await?
    } else {
        0
    };
    audit_action(
        store,
        &mut tx,
        actor,
        "set_password",
        "user",
        &user.to_string(),
        None,
        Some(&serde_json::json!({ "tokens_revoked": revoked }).to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Disables (or enables) an account; a disabled account's sessions end and its API tokens are
/// revoked (enabling it again brings none of them back).
pub async fn set_disabled(
    store: &Store,
    actor: &Actor,
    user: UserId,
    disabled: bool,
) -> Result<(), AppError> {
    change(store, actor, user, |a| a.disabled = disabled).await
}

/// Changes one thing of an account through the record path.
async fn change(
    store: &Store,
    actor: &Actor,
    user: UserId,
    how: impl FnOnce(&mut AccountInput),
) -> Result<(), AppError> {
    actor.principal.may_administer()?;
    let mut input = AccountInput::of(&account_of(store.user(user).await?));
    how(&mut input);
    write::<Account>(store, actor, Some(user), input, Channel::Api)
        .await?
        .published()?;
    Ok(())
}

/// Issues an API token for `user` in their role and organisation; returns its secret, shown
/// once and stored only as a hash.
pub async fn issue_token(
    store: &Store,
    actor: &Actor,
    user: &User,
    name: &str,
    valid_for: Duration,
) -> Result<(TokenId, String), AppError> {
    if actor.principal.user_id != Some(user.id) {
        actor.principal.may_administer()?;
    }
    let role = if user.administrator {
        Role::Coordinator
    } else {
        user.role.ok_or(AppError::Forbidden(
            "an account without a role cannot have API tokens",
        ))?
    };
    let secret = format!("semey_{}", new_secret());
    let id = TokenId::new();
    let expires = OffsetDateTime::now_utc() + valid_for;
    let mut tx = store.begin().await?;
    store
        .create_token(
            &mut tx,
            id,
            &sha256_hex(&secret),
            name,
            user.id,
            user.organisation_id,
            role,
            expires,
        )
        .await?;
    audit_action(store, &mut tx, actor,
            "create",
            "api_token",
            &id.to_string(),
            None,
            Some(&serde_json::json!({"name": name, "user_id": user.id, "role": role.as_str(), "expires_at": stamp(expires)}).to_string()),
    )
    .await?;
    tx.commit().await?;
    Ok((id, secret))
}

/// Revokes a token at once.
pub async fn revoke_token(store: &Store, actor: &Actor, id: TokenId) -> Result<(), AppError> {
    actor.principal.may_administer().or_else(|e| {
        // Owners may revoke their own tokens; checked by the caller that looked the token up.
        if actor.principal.is_signed_in() {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    let mut tx = store.begin().await?;
    store.revoke_token(&mut tx, id).await?;
    audit_action(
        store,
        &mut tx,
        actor,
        "revoke",
        "api_token",
        &id.to_string(),
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Gives an account its one role (or none), in an organisation.
pub async fn set_membership(
    store: &Store,
    actor: &Actor,
    user: UserId,
    membership: Option<(Role, Option<OrganisationId>)>,
) -> Result<(), AppError> {
    change(store, actor, user, |a| {
        a.role = membership.map(|m| m.0);
        a.organisation_id = membership.and_then(|m| m.1);
    })
    .await
}
