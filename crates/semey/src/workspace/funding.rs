//! The money forms: requirements and transactions, recorded and corrected (amounts typed the
//! way the reader's language writes them).

use super::common::*;
use super::form::Form;
use crate::pages::context::{found, not_found};
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use axum::routing::get;

/// This feature's forms: a GET shows one, a POST saves it.
pub(super) fn form_routes() -> Vec<Route> {
    vec![
        Route::page(
            "/workspace/requirements/new",
            get(new_requirement).post(post_requirement),
        ),
        Route::page(
            "/workspace/requirements/{id}",
            get(edit_requirement).post(post_requirement_correction),
        ),
        Route::page(
            "/workspace/transactions/new",
            get(new_transaction).post(post_transaction),
        ),
        Route::page(
            "/workspace/transactions/{id}",
            get(edit_transaction).post(post_transaction_correction),
        ),
    ]
}

async fn new_requirement(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    new_money_form(&s, &uri, &headers, "requirement").await
}

async fn post_requirement(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form_of = MoneyForm {
        kind: "requirement",
        heading: "form-new-requirement",
        action: "/workspace/requirements/new".into(),
    };
    post_money::<semey_domain::funding::Requirement>(
        &s,
        &actor,
        ctx(&uri, &headers),
        &body,
        None,
        form_of,
        |r| {
            format!(
                "/workspace/requirements/new?programme={}&saved=1",
                r.programme_id
            )
        },
    )
    .await
}

async fn new_transaction(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    new_money_form(&s, &uri, &headers, "transaction").await
}

async fn post_transaction(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form_of = MoneyForm {
        kind: "transaction",
        heading: "form-new-transaction",
        action: "/workspace/transactions/new".into(),
    };
    post_money::<semey_domain::funding::Transaction>(
        &s,
        &actor,
        ctx(&uri, &headers),
        &body,
        None,
        form_of,
        |t| {
            format!(
                "/workspace/transactions/new?programme={}&saved=1",
                t.programme_id
            )
        },
    )
    .await
}

async fn edit_transaction(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<semey_domain::ids::TransactionId>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(tr) = found(s.store.transaction(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    let cx = ctx(&uri, &headers);
    let cx_lang = cx.lang;
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{}", tr.programme_id)));
    let opt = |o: Option<String>| o.unwrap_or_default();
    let values = vec![
        ("programme_id".to_owned(), tr.programme_id.to_string()),
        ("reference".to_owned(), opt(tr.reference.clone())),
        (
            "transaction_type".to_owned(),
            tr.transaction_type.code().to_string(),
        ),
        ("date".to_owned(), tr.date.to_string()),
        ("value_date".to_owned(), tr.value_date.to_string()),
        ("amount".to_owned(), plain_amount(tr.amount, tr.currency)),
        ("currency".to_owned(), tr.currency.code().to_owned()),
        (
            "provider_org_id".to_owned(),
            opt(tr.provider_org_id.map(|o| o.to_string())),
        ),
        (
            "receiver_org_id".to_owned(),
            opt(tr.receiver_org_id.map(|o| o.to_string())),
        ),
        (
            "provider_programme_id".to_owned(),
            opt(tr.provider_programme_id.map(|o| o.to_string())),
        ),
        ("description".to_owned(), tr.description.clone()),
    ];
    show(
        &s,
        cx,
        "transaction",
        "form-edit-transaction",
        format!("/workspace/transactions/{id}"),
        Form::new(cx_lang, values),
        saved,
    )
    .await
}

async fn post_transaction_correction(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<semey_domain::ids::TransactionId>() else {
        return Ok(not_found(uri, headers).await);
    };
    if found(s.store.transaction(id).await)?.is_none() {
        return Ok(not_found(uri, headers).await);
    }
    let form_of = MoneyForm {
        kind: "transaction",
        heading: "form-edit-transaction",
        action: format!("/workspace/transactions/{id}"),
    };
    post_money::<semey_domain::funding::Transaction>(
        &s,
        &actor,
        ctx(&uri, &headers),
        &body,
        Some(id),
        form_of,
        |t| format!("/workspace/transactions/{}?saved=1", t.id),
    )
    .await
}

async fn edit_requirement(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<semey_domain::ids::RequirementId>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(r) = found(s.store.requirement(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    let cx = ctx(&uri, &headers);
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{}", r.programme_id)));
    let values = vec![
        ("programme_id".to_owned(), r.programme_id.to_string()),
        ("period_start".to_owned(), r.period_start.to_string()),
        ("period_end".to_owned(), r.period_end.to_string()),
        ("amount".to_owned(), plain_amount(r.amount, r.currency)),
        ("currency".to_owned(), r.currency.code().to_owned()),
        ("description".to_owned(), r.description.clone()),
    ];
    let f = Form::new(cx.lang, values);
    show(
        &s,
        cx,
        "requirement",
        "form-edit-requirement",
        format!("/workspace/requirements/{id}"),
        f,
        saved,
    )
    .await
}

async fn post_requirement_correction(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<semey_domain::ids::RequirementId>() else {
        return Ok(not_found(uri, headers).await);
    };
    if found(s.store.requirement(id).await)?.is_none() {
        return Ok(not_found(uri, headers).await);
    }
    let form_of = MoneyForm {
        kind: "requirement",
        heading: "form-edit-requirement",
        action: format!("/workspace/requirements/{id}"),
    };
    post_money::<semey_domain::funding::Requirement>(
        &s,
        &actor,
        ctx(&uri, &headers),
        &body,
        Some(id),
        form_of,
        |r| format!("/workspace/requirements/{}?saved=1", r.id),
    )
    .await
}

/// A blank requirement or transaction form (for the programme the query names, if any).
async fn new_money_form(
    s: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    kind: &'static str,
) -> Result<Response, AppError> {
    let cx = ctx(uri, headers);
    let (f, saved) = money_form(&cx);
    show(
        s,
        cx,
        kind,
        &format!("form-new-{kind}"),
        format!("/workspace/{kind}s/new"),
        f,
        saved,
    )
    .await
}
