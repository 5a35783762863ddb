//! Signing in and out. One message for every failed sign-in (wrong address, wrong password,
//! locked or disabled account), so the page does not tell who has an account.

use crate::accounts::{self, Actor};
use crate::pages::context::Reader;
use crate::pages::context::{language, page, query_pairs, Chrome};
use crate::routes::Route;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub fn route_list() -> Vec<Route> {
    vec![
        Route::page("/signin", get(signin_page).post(signin)),
        Route::action("/signout", post(signout)),
    ]
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    c: Chrome,
    email: String,
    next: String,
    failed: bool,
}

#[derive(Template)]
#[template(path = "refused.html")]
struct RefusedPage {
    c: Chrome,
}

/// Only addresses on this site are followed after signing in: a path from the site's root. A
/// control character or a space anywhere sends the reader to the workspace instead (browsers
/// drop tabs and line breaks, so `/\t/evil.example` would become `//evil.example`, and a line
/// break cannot go in a header); letters beyond ASCII are percent-encoded.
fn safe_next(next: Option<&str>) -> String {
    let fallback = || "/workspace".to_owned();
    let Some(n) = next else {
        return fallback();
    };
    if !n.starts_with('/')
        || n.starts_with("//")
        || n.contains('\\')
        || n.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return fallback();
    }
    let mut out = String::with_capacity(n.len());
    for c in n.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

async fn signin_page(reader: Reader) -> Response {
    let (lang, query, chosen) = (reader.lang, reader.query.clone(), reader.chosen);
    let uri = &reader.uri;
    let next = safe_next(
        query
            .iter()
            .find(|(k, _)| k == "next")
            .map(|(_, v)| v.as_str()),
    );
    let template = SigninPage {
        c: Chrome::new(lang, uri, query),
        email: String::new(),
        next,
        failed: false,
    };
    no_store(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

async fn signin(
    State(s): State<AppState>,
    reader: Reader,
    headers: HeaderMap,
    actor: Actor,
    body: Bytes,
) -> Result<Response, AppError> {
    let address = actor.address;
    let (lang, query) = (reader.lang, reader.query.clone());
    let uri = &reader.uri;
    let form = std::str::from_utf8(&body)
        .map(query_pairs)
        .unwrap_or_default();
    let get = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (email, password, next) = (get("email"), get("password"), safe_next(Some(&get("next"))));
    if !accounts::limiter::allow(&s.store, &address).await? {
        let template = SigninPage {
            c: Chrome::new(lang, uri, query),
            email,
            next,
            failed: true,
        };
        return Ok(no_store(page(
            &template,
            StatusCode::TOO_MANY_REQUESTS,
            None,
        )));
    }
    match accounts::sign_in(&s.store, &email, &password, &address).await? {
        Ok((secret, _user)) => {
            // A new session every time: any session the browser had before ends here.
            if let Some(old) = accounts::session_secret(&headers) {
                accounts::sign_out(&s.store, &old).await?;
            }
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().insert(
                header::SET_COOKIE,
                accounts::session_cookie(&secret, s.config.secure_cookies),
            );
            Ok(no_store(r))
        }
        Err(_) => {
            let template = SigninPage {
                c: Chrome::new(lang, uri, query),
                email,
                next,
                failed: true,
            };
            Ok(no_store(page(&template, StatusCode::UNAUTHORIZED, None)))
        }
    }
}

async fn signout(State(s): State<AppState>, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(secret) = accounts::session_secret(&headers) {
        accounts::sign_out(&s.store, &secret).await?;
    }
    let mut r = Redirect::to("/").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, accounts::clear_session_cookie());
    Ok(r)
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

/// Coordinators, administrators and editors write; viewers only read.
fn may_write_anything(actor: &Actor) -> bool {
    actor.principal.is_coordinator()
        || actor.principal.role == Some(semey_domain::access::Role::Editor)
}

/// In front of the workspace: whoever is not signed in is sent to the sign-in page (a read)
/// or refused (a post).
pub async fn require_sign_in(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let (mut parts, body) = req.into_parts();
    let actor =
        <Actor as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &s)
            .await?;
    if actor.principal.is_signed_in() {
        let (lang, query, _) = language(&parts.uri, &parts.headers);
        let uri = parts.uri.clone();
        // Someone whose role writes nothing (a viewer) is refused before the body is read;
        // only their own account's forms take their posts.
        let own_account = uri.path().starts_with("/workspace/account");
        if parts.method != Method::GET && !own_account && !may_write_anything(&actor) {
            let template = RefusedPage {
                c: Chrome::new(lang, &uri, query),
            };
            return Ok(no_store(page(&template, StatusCode::FORBIDDEN, None)));
        }
        let response = next.run(Request::from_parts(parts, body)).await;
        // A refusal reaches a person as a page in their language, not as the API's JSON.
        if response.status() == StatusCode::FORBIDDEN {
            let template = RefusedPage {
                c: Chrome::new(lang, &uri, query),
            };
            return Ok(no_store(page(&template, StatusCode::FORBIDDEN, None)));
        }
        return Ok(response);
    }
    if parts.method == Method::GET {
        let target = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/workspace".into());
        return Ok(Redirect::to(&format!(
            "/signin?next={}",
            crate::pages::context::urlencode(&target)
        ))
        .into_response());
    }
    let (lang, query, _) = language(&parts.uri, &parts.headers);
    let template = SigninPage {
        c: Chrome::new(lang, &parts.uri, query),
        email: String::new(),
        next: "/workspace".into(),
        failed: false,
    };
    Ok(no_store(page(&template, StatusCode::UNAUTHORIZED, None)))
}
