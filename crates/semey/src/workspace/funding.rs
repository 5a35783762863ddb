//! The money forms: requirements, transactions and in-kind contributions, recorded and
//! corrected (amounts typed the way the reader's language writes them). The kinds share every
//! handler; [`MoneyForms`] says what differs (the fields a stored record fills the form with).

use super::common::*;
use super::form::Form;
use crate::pages::context::found;
use crate::records::Record;
use crate::routes::Route;
use crate::{AppError, AppState};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use semey_domain::contribution::Contribution;
use semey_domain::funding::{Requirement, Transaction};
use semey_domain::ids::ProgrammeId;
use semey_store::{Store, StoreError};
use std::future::Future;

/// This feature's forms: a GET shows one, a POST saves it.
pub(super) fn form_routes() -> Vec<Route> {
    vec![
        Route::page(
            "/workspace/requirements/new",
            get(new_form::<Requirement>).post(post_new::<Requirement>),
        ),
        Route::page(
            "/workspace/requirements/{id}",
            get(edit_form::<Requirement>).post(post_correction::<Requirement>),
        ),
        Route::page(
            "/workspace/transactions/new",
            get(new_form::<Transaction>).post(post_new::<Transaction>),
        ),
        Route::page(
            "/workspace/transactions/{id}",
            get(edit_form::<Transaction>).post(post_correction::<Transaction>),
        ),
        Route::page(
            "/workspace/contributions/new",
            get(new_form::<Contribution>).post(post_new::<Contribution>),
        ),
        Route::page(
            "/workspace/contributions/{id}",
            get(edit_form::<Contribution>).post(post_correction::<Contribution>),
        ),
    ]
}

/// What the money forms need of a kind beyond the record path.
trait MoneyForms: Record<Stored = Self> + Sized {
    fn programme(&self) -> ProgrammeId;
    /// The form's fields filled from a stored record.
    fn values(&self) -> Vec<(String, String)>;
    fn find(store: &Store, id: Self::Id) -> impl Future<Output = Result<Self, StoreError>> + Send;
}

impl MoneyForms for Transaction {
    fn programme(&self) -> ProgrammeId {
        self.programme_id
    }

    fn values(&self) -> Vec<(String, String)> {
        let opt = |o: Option<String>| o.unwrap_or_default();
        vec![
            ("programme_id".to_owned(), self.programme_id.to_string()),
            ("reference".to_owned(), opt(self.reference.clone())),
            (
                "transaction_type".to_owned(),
                self.transaction_type.code().to_string(),
            ),
            ("date".to_owned(), self.date.to_string()),
            ("value_date".to_owned(), self.value_date.to_string()),
            ("amount".to_owned(), self.money().major().to_string()),
            ("currency".to_owned(), self.currency.code().to_owned()),
            (
                "provider_org_id".to_owned(),
                opt(self.provider_org_id.map(|o| o.to_string())),
            ),
            (
                "receiver_org_id".to_owned(),
                opt(self.receiver_org_id.map(|o| o.to_string())),
            ),
            (
                "provider_programme_id".to_owned(),
                opt(self.provider_programme_id.map(|o| o.to_string())),
            ),
            ("description".to_owned(), self.description.clone()),
        ]
    }

    async fn find(store: &Store, id: Self::Id) -> Result<Self, StoreError> {
        store.money_record::<Self>(id).await
    }
}

impl MoneyForms for Requirement {
    fn programme(&self) -> ProgrammeId {
        self.programme_id
    }

    fn values(&self) -> Vec<(String, String)> {
        vec![
            ("programme_id".to_owned(), self.programme_id.to_string()),
            ("period_start".to_owned(), self.period_start.to_string()),
            ("period_end".to_owned(), self.period_end.to_string()),
            ("amount".to_owned(), self.money().major().to_string()),
            ("currency".to_owned(), self.currency.code().to_owned()),
            ("description".to_owned(), self.description.clone()),
        ]
    }

    async fn find(store: &Store, id: Self::Id) -> Result<Self, StoreError> {
        store.money_record::<Self>(id).await
    }
}

impl MoneyForms for Contribution {
    fn programme(&self) -> ProgrammeId {
        self.programme_id
    }

    fn values(&self) -> Vec<(String, String)> {
        vec![
            ("programme_id".to_owned(), self.programme_id.to_string()),
            (
                "reference".to_owned(),
                self.reference.clone().unwrap_or_default(),
            ),
            ("category".to_owned(), self.category.as_str().to_owned()),
            (
                "provider_org_id".to_owned(),
                self.provider_org_id.to_string(),
            ),
            ("date".to_owned(), self.date.to_string()),
            ("description".to_owned(), self.description.clone()),
            ("quantity".to_owned(), self.quantity.clone()),
            ("unit".to_owned(), self.unit.clone()),
            ("value".to_owned(), self.money().major().to_string()),
            ("currency".to_owned(), self.currency.code().to_owned()),
        ]
    }

    async fn find(store: &Store, id: Self::Id) -> Result<Self, StoreError> {
        store.money_record::<Self>(id).await
    }
}

/// The kind's name in addresses, templates and message keys ("transaction").
fn kind<R: MoneyForms>() -> &'static str {
    R::KIND.as_str()
}

/// A blank form (for the programme the query names, if any).
async fn new_form<R: MoneyForms>(State(s): State<AppState>, cx: Ctx) -> Result<Response, AppError> {
    let kind = kind::<R>();
    let (f, saved) = money_form(&cx);
    show(
        &s,
        cx,
        kind,
        &format!("form-new-{kind}"),
        format!("/workspace/{kind}s/new"),
        f,
        saved,
    )
    .await
}

/// A new record; after saving, a blank form for the same programme.
async fn post_new<R: MoneyForms>(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    body: Bytes,
) -> Result<Response, AppError> {
    let kind = kind::<R>();
    let form_of = MoneyForm {
        kind,
        heading: format!("form-new-{kind}"),
        action: format!("/workspace/{kind}s/new"),
    };
    post_money::<R>(&s, &actor, cx, &body, None, form_of, |r| {
        format!("/workspace/{kind}s/new?programme={}&saved=1", r.programme())
    })
    .await
}

/// A stored record's form, to correct it.
async fn edit_form<R: MoneyForms>(
    State(s): State<AppState>,
    cx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<R::Id>() else {
        return Ok(cx.not_found());
    };
    let Some(stored) = found(R::find(&s.store, id.clone()).await)? else {
        return Ok(cx.not_found());
    };
    let kind = kind::<R>();
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{}", stored.programme())));
    let f = Form::new(cx.lang, stored.values());
    show(
        &s,
        cx,
        kind,
        &format!("form-edit-{kind}"),
        format!("/workspace/{kind}s/{id}"),
        f,
        saved,
    )
    .await
}

/// A correction: the record is replaced by the corrected entry (or a proposal is made).
async fn post_correction<R: MoneyForms>(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    cx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<R::Id>() else {
        return Ok(cx.not_found());
    };
    if found(R::find(&s.store, id.clone()).await)?.is_none() {
        return Ok(cx.not_found());
    }
    let kind = kind::<R>();
    let form_of = MoneyForm {
        kind,
        heading: format!("form-edit-{kind}"),
        action: format!("/workspace/{kind}s/{id}"),
    };
    post_money::<R>(&s, &actor, cx, &body, Some(id), form_of, |r| {
        format!("/workspace/{kind}s/{}?saved=1", R::id_of(r))
    })
    .await
}
