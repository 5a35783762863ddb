//! The account page: one's role, a new password, and API tokens (issued, shown once, revoked).

use crate::accounts::{self, Actor};
use crate::pages::context::Reader;
use crate::pages::context::{page, query_pairs, Chrome};
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use semey_domain::ids::TokenId;
use semey_store::{Token, User};

/// The account's forms; every signed-in person may use them for their own account. The
/// router is built from this list and the permission test walks it.
pub fn account_routes() -> Vec<Route> {
    vec![
        Route::page("/workspace/account", get(account_page)),
        Route::action("/workspace/account/password", post(change_password)),
        Route::action("/workspace/account/tokens", post(new_token)),
        Route::action("/workspace/account/tokens/{id}/revoke", post(revoke)),
    ]
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    c: Chrome,
    user: User,
    role: String,
    /// Id, token, whether it still works, until when (UTC).
    tokens: Vec<(String, Token, bool, String)>,
    new_secret: Option<String>,
    error: Option<String>,
}

async fn me(s: &AppState, actor: &Actor) -> Result<User, AppError> {
    let id = actor.principal.user_id.ok_or(AppError::Unauthorized)?;
    Ok(s.store.user(id).await?)
}

async fn render(
    s: &AppState,
    actor: &Actor,
    reader: &Reader,
    new_secret: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (lang, query) = (reader.lang, reader.query.clone());
    let uri = &reader.uri;
    let user = me(s, actor).await?;
    let now = time::OffsetDateTime::now_utc();
    let tokens = s
        .store
        .tokens_of(user.id)
        .await?
        .into_iter()
        .map(|t| {
            let active = t.revoked_at.is_none() && t.expires_at > now;
            let until = semey_store::stamp(t.expires_at);
            (t.id.to_string(), t, active, until)
        })
        .collect();
    let role = if user.administrator {
        crate::presentation::i18n::t(lang, "account-administrator")
    } else {
        user.role
            .map(|r| crate::presentation::i18n::t(lang, &format!("account-role-{}", r.as_str())))
            .unwrap_or_else(|| "—".into())
    };
    let template = AccountPage {
        c: Chrome::new(lang, uri, query),
        user,
        role,
        tokens,
        new_secret,
        error: error.map(|k| crate::presentation::i18n::t(lang, &k)),
    };
    Ok(page(&template, status, None))
}

async fn account_page(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
) -> Result<Response, AppError> {
    render(&s, &actor, &reader, None, None, StatusCode::OK).await
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    std::str::from_utf8(body)
        .map(query_pairs)
        .unwrap_or_default()
}

fn field(form: &[(String, String)], k: &str) -> String {
    form.iter()
        .find(|(key, _)| key == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// A new password needs the current one; every session ends, this one too.
async fn change_password(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    body: Bytes,
) -> Result<Response, AppError> {
    let user = me(&s, &actor).await?;
    let f = form(&body);
    if !accounts::verify_password(user.password_hash.clone(), field(&f, "current")).await {
        return render(
            &s,
            &actor,
            &reader,
            None,
            Some("account-wrong-password".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let revoke_tokens = field(&f, "revoke_tokens") == "on";
    match accounts::set_password(&s.store, &actor, user.id, field(&f, "new"), revoke_tokens).await {
        Ok(()) => Ok(Redirect::to("/signin?next=%2Fworkspace%2Faccount").into_response()),
        Err(AppError::Invalid(_)) => {
            render(
                &s,
                &actor,
                &reader,
                None,
                Some("account-short-password".into()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn new_token(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    body: Bytes,
) -> Result<Response, AppError> {
    let user = me(&s, &actor).await?;
    let f = form(&body);
    let name = field(&f, "name");
    let days = field(&f, "days")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=365).contains(d));
    let (Some(days), false) = (days, name.trim().is_empty()) else {
        return render(
            &s,
            &actor,
            &reader,
            None,
            Some("account-token-invalid".into()),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let (_, secret) = accounts::issue_token(
        &s.store,
        &actor,
        &user,
        name.trim(),
        time::Duration::days(days),
    )
    .await?;
    render(&s, &actor, &reader, Some(secret), None, StatusCode::OK).await
}

async fn revoke(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let user = me(&s, &actor).await?;
    let id: TokenId = id.parse().map_err(|_| AppError::NotFound {
        entity: "token",
        id: id.clone(),
    })?;
    let mine = s.store.tokens_of(user.id).await?.iter().any(|t| t.id == id);
    if !mine && !user.administrator {
        return Err(AppError::Forbidden("this token is not yours"));
    }
    accounts::revoke_token(&s.store, &actor, id).await?;
    Ok(Redirect::to("/workspace/account").into_response())
}
