//! Administration of accounts and memberships (administrators only).

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
use semey_domain::access::Role;
use semey_domain::ids::{OrganisationId, UserId};
use semey_store::{OrganisationFilter, Page, User};

/// The administration's routes; the router is built from this list and the permission test
/// walks it.
pub fn admin_routes() -> Vec<Route> {
    vec![
        Route::page("/workspace/users", get(users_page).post(add_user)),
        Route::action("/workspace/users/{id}/membership", post(membership)),
        Route::action("/workspace/users/{id}/disable", post(disable)),
        Route::action("/workspace/users/{id}/enable", post(enable)),
    ]
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    c: Chrome,
    /// Each account, its organisation's name, its role code and organisation id (or "").
    users: Vec<(User, String, String, String)>,
    organisations: Vec<(String, String)>,
    roles: Vec<(String, String)>,
    error: Option<String>,
}

async fn render(
    s: &AppState,
    reader: &Reader,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (lang, query) = (reader.lang, reader.query.clone());
    let uri = &reader.uri;
    let (orgs, _) = s
        .store
        .list_organisations(
            &OrganisationFilter::default(),
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let name_of = |id: Option<OrganisationId>| {
        id.and_then(|id| orgs.iter().find(|o| o.id == id))
            .and_then(|o| o.name.best(lang).map(str::to_owned))
            .unwrap_or_default()
    };
    let users = s
        .store
        .list_users()
        .await?
        .into_iter()
        .map(|u| {
            let org = name_of(u.organisation_id);
            let role = u.role.map(|r| r.as_str().to_owned()).unwrap_or_default();
            let org_id = u.organisation_id.map(|o| o.to_string()).unwrap_or_default();
            (u, org, role, org_id)
        })
        .collect();
    let mut organisations: Vec<(String, String)> = orgs
        .iter()
        .map(|o| (o.id.to_string(), o.name.best(lang).unwrap_or("").to_owned()))
        .collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    let template = UsersPage {
        c: Chrome::new(lang, uri, query),
        users,
        organisations,
        roles: Role::ALL
            .iter()
            .map(|r| {
                (
                    r.as_str().to_owned(),
                    crate::presentation::i18n::t(lang, &format!("account-role-{}", r.as_str())),
                )
            })
            .collect(),
        error: error.map(|e| crate::presentation::i18n::error_message(lang, &e).unwrap_or(e)),
    };
    Ok(page(&template, status, None))
}

async fn users_page(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
) -> Result<Response, AppError> {
    actor.principal.may_administer()?;
    render(&s, &reader, None, StatusCode::OK).await
}

fn fields(body: &Bytes) -> impl Fn(&str) -> String {
    let form = std::str::from_utf8(body)
        .map(query_pairs)
        .unwrap_or_default();
    move |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    }
}

/// The role and organisation a form names (an empty role: none).
fn chosen(
    get: &dyn Fn(&str) -> String,
) -> Result<Option<(Role, Option<OrganisationId>)>, AppError> {
    let role = get("role");
    if role.is_empty() {
        return Ok(None);
    }
    let role = Role::parse(&role)?;
    let org = get("organisation");
    let org = if org.is_empty() {
        None
    } else {
        Some(org.parse().map_err(|_| AppError::NotFound {
            entity: "organisation",
            id: org.clone(),
        })?)
    };
    Ok(Some((role, org)))
}

/// A refused form comes back as the page with the reason; other errors are what they are.
async fn or_page(
    s: &AppState,
    reader: &Reader,
    r: Result<(), AppError>,
) -> Result<Response, AppError> {
    match r {
        Ok(()) => Ok(Redirect::to("/workspace/users").into_response()),
        Err(AppError::Invalid(i)) => {
            let code = i
                .errors
                .first()
                .map(|e| e.code.clone())
                .unwrap_or_else(|| "invalid_value".into());
            render(s, reader, Some(code), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

async fn add_user(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    body: Bytes,
) -> Result<Response, AppError> {
    actor.principal.may_administer()?;
    let get = fields(&body);
    let r = async {
        let membership = chosen(&get)?;
        if let Some((Role::Editor | Role::Viewer, None)) = membership {
            return Err(semey_domain::Invalid::one(
                "organisation",
                "required",
                "editors and viewers belong to an organisation",
            )
            .into());
        }
        accounts::create_user(
            &s.store,
            &actor,
            &get("email"),
            &get("name"),
            get("password"),
            false,
            membership,
        )
        .await
        .map(drop)
    }
    .await;
    or_page(&s, &reader, r).await
}

async fn membership(
    State(s): State<AppState>,
    actor: Actor,
    reader: Reader,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    actor.principal.may_administer()?;
    let id: UserId = id.parse().map_err(|_| AppError::NotFound {
        entity: "user",
        id: id.clone(),
    })?;
    let get = fields(&body);
    let r = async { accounts::set_membership(&s.store, &actor, id, chosen(&get)?).await }.await;
    or_page(&s, &reader, r).await
}

async fn disable(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(s, actor, id, true).await
}

async fn enable(
    State(s): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    set_disabled(s, actor, id, false).await
}

async fn set_disabled(
    s: AppState,
    actor: Actor,
    id: String,
    disabled: bool,
) -> Result<Response, AppError> {
    actor.principal.may_administer()?;
    let id: UserId = id.parse().map_err(|_| AppError::NotFound {
        entity: "user",
        id: id.clone(),
    })?;
    s.store.user(id).await?;
    accounts::set_disabled(&s.store, &actor, id, disabled).await?;
    Ok(Redirect::to("/workspace/users").into_response())
}
