//! The editing workspace: forms to create and edit organisations and programmes and to record
//! requirements and transactions. Every form posts the API's input document (see `form`), is
//! checked by the same services as the API, and comes back with the values kept and each
//! error beside its field, in the reader's language. Everything lives under `/workspace`, so
//! signing in can be added around this one router.

use super::form::{self, Form};
use super::{found, language, not_found, page, query_pairs, Chrome};
use crate::presentation::i18n::t;
use crate::records::workflow::Written;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;
use semey_domain::funding::{RequirementInput, TransactionType};
use semey_domain::ids::{OrganisationId, ProgrammeId};
use semey_domain::organisation::{MechanismRole, OrganisationInput};
use semey_domain::programme::{OrgRole, ProgrammeInput, TargetGroup, ThematicArea};
use semey_domain::record::RecordKind;
use semey_domain::{Invalid, Lang};
use semey_store::{OrganisationFilter, Page, ProgrammeFilter};
use serde::Serialize;
use serde_json::Value;

/// Every form of the workspace: a GET shows it, a POST saves it. The router is built from this
/// list, and the permission test walks the same list, so a form added here without an entry in
/// that test's matrix fails it.
pub fn form_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        (
            "/workspace/organisations/new",
            get(new_organisation).post(post_new_organisation),
        ),
        (
            "/workspace/organisations/{id}",
            get(edit_organisation).post(post_organisation),
        ),
        (
            "/workspace/programmes/new",
            get(new_programme).post(post_new_programme),
        ),
        (
            "/workspace/programmes/{id}",
            get(edit_programme).post(post_programme),
        ),
        (
            "/workspace/requirements/new",
            get(new_requirement).post(post_requirement),
        ),
        (
            "/workspace/requirements/{id}",
            get(edit_requirement).post(post_requirement_correction),
        ),
        (
            "/workspace/transactions/new",
            get(new_transaction).post(post_transaction),
        ),
        (
            "/workspace/transactions/{id}",
            get(edit_transaction).post(post_transaction_correction),
        ),
        (
            "/workspace/proposals/{id}/edit",
            get(edit_proposal).post(post_proposal_edit),
        ),
    ]
}

pub fn routes() -> Router<AppState> {
    let mut router = Router::new().route("/workspace", get(index));
    for (path, methods) in form_routes()
        .into_iter()
        .chain(super::me::account_routes())
        .chain(super::users::admin_routes())
        .chain(super::proposals::proposal_routes())
    {
        router = router.route(path, methods);
    }
    router
        .merge(super::audit::routes())
        .layer(axum::middleware::map_response(private))
}

type Choice = (String, String);

#[derive(Template)]
#[template(path = "workspace.html")]
struct IndexPage {
    c: Chrome,
    organisations: Vec<Choice>,
    programmes: Vec<Choice>,
    more_programmes: bool,
}

async fn index(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (lang, query, chosen) = language(&uri, &headers);
    let q = query.iter().find(|(k, _)| k == "q").map(|(_, v)| v.clone());
    let (orgs, _) = s
        .store
        .list_organisations(
            &OrganisationFilter::default(),
            Page::new(Some(Page::MAX_LIMIT), None),
        )
        .await?;
    let (programmes, total) = s
        .store
        .list_programmes(
            &ProgrammeFilter {
                q,
                ..Default::default()
            },
            Page::new(Some(100), None),
        )
        .await?;
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let template = IndexPage {
        organisations: orgs
            .iter()
            .map(|o| (o.id.to_string(), best(&o.name)))
            .collect(),
        more_programmes: total > programmes.len() as i64,
        programmes: programmes
            .iter()
            .map(|p| {
                (
                    p.id.to_string(),
                    format!("{} — {}", p.iati_identifier, best(&p.title)),
                )
            })
            .collect(),
        c: Chrome::new(lang, &uri, query),
    };
    Ok(page(&template, StatusCode::OK, chosen.then_some(lang)))
}

/// A form page: which form, its fields and the choices its selects offer.
#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage {
    c: Chrome,
    heading: String,
    action: String,
    kind: &'static str,
    f: Form,
    saved: Option<(String, String)>,
    o: Options,
    /// On a programme's form: its requirements and transactions, each linking to its form.
    money: Vec<Choice>,
}

/// The choices of the selects, each in the reader's language.
#[derive(Default)]
struct Options {
    org_types: Vec<Choice>,
    mechanism_roles: Vec<Choice>,
    statuses: Vec<Choice>,
    areas: Vec<Choice>,
    groups: Vec<Choice>,
    vocabularies: Vec<Choice>,
    places: Vec<Choice>,
    organisations: Vec<Choice>,
    roles: Vec<Choice>,
    programmes: Vec<Choice>,
    transaction_types: Vec<Choice>,
}

async fn options(s: &AppState, lang: Lang, kind: &str) -> Result<Options, AppError> {
    use semey_domain::place::PlaceLevel;
    let best = |text: &semey_domain::LocalText| text.best(lang).unwrap_or("").to_owned();
    let tr = |prefix: &str, code: &str| (code.to_owned(), t(lang, &format!("{prefix}-{code}")));
    let mut o = Options::default();
    let organisations = || async {
        let (orgs, _) = s
            .store
            .list_organisations(
                &OrganisationFilter::default(),
                Page::new(Some(Page::MAX_LIMIT), None),
            )
            .await?;
        let mut list: Vec<Choice> = orgs
            .iter()
            .map(|o| (o.id.to_string(), best(&o.name)))
            .collect();
        list.sort_by(|a, b| a.1.cmp(&b.1));
        Ok::<_, AppError>(list)
    };
    let programmes = || async {
        let (list, _) = s
            .store
            .list_programmes(
                &ProgrammeFilter::default(),
                Page::new(Some(Page::MAX_LIMIT), None),
            )
            .await?;
        Ok::<_, AppError>(
            list.iter()
                .map(|p| {
                    (
                        p.id.to_string(),
                        format!("{} — {}", p.iati_identifier, best(&p.title)),
                    )
                })
                .collect::<Vec<_>>(),
        )
    };
    match kind {
        "organisation" => {
            o.org_types = semey_domain::organisation::OrganisationType::CODES
                .iter()
                .map(|(code, _)| tr("orgtype", &code.to_string()))
                .collect();
            o.mechanism_roles = MechanismRole::ALL
                .iter()
                .map(|r| tr("mechanism", r.as_str()))
                .collect();
        }
        "programme" => {
            o.statuses = (1..=6).map(|c: u8| tr("status", &c.to_string())).collect();
            o.areas = ThematicArea::ALL
                .iter()
                .map(|a| tr("area", a.as_str()))
                .collect();
            o.groups = TargetGroup::ALL
                .iter()
                .map(|g| tr("group", g.as_str()))
                .collect();
            o.vocabularies = vec![
                ("dac5".into(), t(lang, "vocabulary-dac5")),
                ("custom".into(), t(lang, "vocabulary-custom")),
            ];
            for level in [
                PlaceLevel::Region,
                PlaceLevel::District,
                PlaceLevel::Settlement,
            ] {
                let mut at: Vec<Choice> = s
                    .store
                    .places_at_level(level, false)
                    .await?
                    .iter()
                    .map(|r| {
                        (
                            r.place.id.to_string(),
                            format!(
                                "{} ({})",
                                best(&r.place.name),
                                t(lang, &format!("level-{}", level.as_str()))
                            ),
                        )
                    })
                    .collect();
                at.sort_by(|a, b| a.1.cmp(&b.1));
                o.places.extend(at);
            }
            o.organisations = organisations().await?;
            o.roles = OrgRole::ALL
                .iter()
                .map(|r| (role_code(*r).to_owned(), t(lang, super::role_key(*r))))
                .collect();
            o.programmes = programmes().await?;
        }
        _ => {
            o.programmes = programmes().await?;
            o.organisations = organisations().await?;
            o.transaction_types = (1..=TransactionType::NAMES.len())
                .map(|code| tr("txtype", &code.to_string()))
                .collect();
        }
    }
    Ok(o)
}

fn role_code(r: OrgRole) -> &'static str {
    match r {
        OrgRole::Funding => "funding",
        OrgRole::Accountable => "accountable",
        OrgRole::Extending => "extending",
        OrgRole::Implementing => "implementing",
    }
}

/// A record's JSON as form pairs: `a.b`, `a[0].b`, `a[]` for lists of plain values, and the
/// names in `lists` joined with commas.
pub(super) fn pairs_of(value: &impl Serialize, lists: &[&str]) -> Vec<(String, String)> {
    fn walk(v: &Value, name: &str, lists: &[&str], out: &mut Vec<(String, String)>) {
        match v {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    let n = if name.is_empty() {
                        k.clone()
                    } else {
                        format!("{name}.{k}")
                    };
                    walk(v, &n, lists, out);
                }
            }
            Value::Array(a) if lists.contains(&name) => out.push((
                name.to_owned(),
                a.iter()
                    .map(|x| x.as_str().map(str::to_owned).unwrap_or(x.to_string()))
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            Value::Array(a) => {
                for (i, v) in a.iter().enumerate() {
                    if v.is_object() {
                        walk(v, &format!("{name}[{i}]"), lists, out);
                    } else {
                        walk(v, &format!("{name}[]"), lists, out);
                    }
                }
            }
            Value::String(s) => out.push((name.to_owned(), s.clone())),
            other => out.push((name.to_owned(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk(
        &serde_json::to_value(value).unwrap_or(Value::Null),
        "",
        lists,
        &mut out,
    );
    out
}

struct Ctx {
    lang: Lang,
    chrome: Chrome,
    chosen: bool,
    query: Vec<(String, String)>,
}

fn ctx(uri: &Uri, headers: &HeaderMap) -> Ctx {
    let (lang, query, chosen) = language(uri, headers);
    Ctx {
        lang,
        chrome: Chrome::new(lang, uri, query.clone()),
        chosen,
        query,
    }
}

impl Ctx {
    fn param(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
}

async fn show(
    s: &AppState,
    cx: Ctx,
    kind: &'static str,
    heading_key: &str,
    action: String,
    f: Form,
    saved: Option<(String, String)>,
) -> Result<Response, AppError> {
    show_with(s, cx, kind, heading_key, action, f, saved, Vec::new()).await
}

#[allow(clippy::too_many_arguments)]
async fn show_with(
    s: &AppState,
    cx: Ctx,
    kind: &'static str,
    heading_key: &str,
    action: String,
    f: Form,
    saved: Option<(String, String)>,
    money: Vec<Choice>,
) -> Result<Response, AppError> {
    let status = if f.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let template = EditPage {
        heading: t(cx.lang, heading_key),
        action,
        kind,
        o: options(s, cx.lang, kind).await?,
        f,
        saved,
        money,
        c: cx.chrome,
    };
    Ok(page(&template, status, cx.chosen.then_some(cx.lang)))
}

/// What a post's body says, as pairs; a body that is not a form reads as empty.
fn posted(body: &Bytes) -> Vec<(String, String)> {
    std::str::from_utf8(body)
        .map(query_pairs)
        .unwrap_or_default()
}

/// Amounts as people type them in their language ("1 250 000,50" in Russian and Kazakh,
/// "1,250,000.50" in English and Chinese) in the plain form the input takes ("1250000.50").
fn plain_amounts(lang: Lang, mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    for (k, v) in pairs.iter_mut() {
        if k == "amount" {
            let digits: String = v
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
                .collect();
            *v = match lang {
                Lang::Ru | Lang::Kk => digits.replace(',', "."),
                Lang::En | Lang::Zh => digits.replace(',', ""),
            };
        }
    }
    pairs
}

/// A failed save: field errors go back to the form; anything else is the error it is.
fn form_errors(e: AppError) -> Result<Vec<semey_domain::error::FieldError>, AppError> {
    match e {
        AppError::Invalid(Invalid { errors }) => Ok(errors),
        AppError::BadRequest {
            code,
            message,
            field: Some(field),
        } => Ok(vec![semey_domain::error::FieldError::new(
            field, code, message,
        )]),
        other => Err(other),
    }
}

fn saved_notice(lang: Lang, href: String) -> Option<(String, String)> {
    Some((t(lang, "form-saved"), href))
}

/// A posted form's outcome: the saved record, or the values to show again with their errors.
type Outcome<R> = Result<R, (Vec<(String, String)>, Vec<semey_domain::error::FieldError>)>;

/// Saves what a form posted. When some fields could not be read, the rest still go through
/// the record's own checks (without saving), so one answer names every problem.
async fn submit<T: Clone, R, Fut>(
    read: form::Read<T>,
    check: impl FnOnce(T) -> Result<(), Invalid>,
    save: impl FnOnce(T) -> Fut,
) -> Result<Outcome<R>, AppError>
where
    Fut: std::future::Future<Output = Result<R, AppError>>,
{
    let form::Read {
        values,
        input,
        mut errors,
    } = read;
    match input {
        Some(input) if errors.is_empty() => match save(input).await {
            Ok(r) => Ok(Ok(r)),
            Err(e) => Ok(Err((values, form_errors(e)?))),
        },
        Some(input) => {
            if let Err(more) = check(input) {
                for e in more.errors {
                    if !errors.iter().any(|x| x.field == e.field) {
                        errors.push(e);
                    }
                }
            }
            Ok(Err((values, errors)))
        }
        None => Ok(Err((values, errors))),
    }
}

const ORG_ARRAYS: &[&str] = &["contacts"];
const PROGRAMME_LISTS: &[&str] = &["sdg_targets"];
const PROGRAMME_ARRAYS: &[&str] = &[
    "areas",
    "sectors",
    "sdg_targets",
    "places",
    "target_groups",
    "participants",
    "policy_markers",
];

async fn new_organisation(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cx = ctx(&uri, &headers);
    let f = Form::new(cx.lang, vec![("country".into(), "KZ".into())]);
    show(
        &s,
        cx,
        "organisation",
        "form-new-organisation",
        "/workspace/organisations/new".into(),
        f,
        None,
    )
    .await
}

async fn edit_organisation(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<OrganisationId>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(org) = found(s.store.organisation(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    let cx = ctx(&uri, &headers);
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/stakeholders/{id}")));
    let f = Form::new(cx.lang, pairs_of(&org, &[]));
    show(
        &s,
        cx,
        "organisation",
        "form-edit-organisation",
        format!("/workspace/organisations/{id}"),
        f,
        saved,
    )
    .await
}

async fn save_organisation_form(
    s: &AppState,
    actor: &crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    id: Option<OrganisationId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let cx = ctx(&uri, &headers);
    let read = form::read::<OrganisationInput>(&posted(&body), &[], ORG_ARRAYS);
    let outcome = submit(
        read,
        |i| i.check(id.unwrap_or_default()).map(drop),
        |i| {
            crate::records::write::<semey_domain::organisation::Organisation>(
                &s.store,
                actor,
                id,
                i,
                crate::records::Channel::Form,
            )
        },
    )
    .await?;
    match outcome {
        Ok(Written::Published { record: org, .. }) => Ok(Redirect::to(&format!(
            "/workspace/organisations/{}?saved=1",
            org.id
        ))
        .into_response()),
        Ok(Written::Proposed(p)) => Ok(to_proposal(&p)),
        Err((values, errors)) => {
            let (heading, action) = match id {
                Some(id) => (
                    "form-edit-organisation",
                    format!("/workspace/organisations/{id}"),
                ),
                None => (
                    "form-new-organisation",
                    "/workspace/organisations/new".to_owned(),
                ),
            };
            let f = Form::new(cx.lang, values).with_errors(errors);
            show(s, cx, "organisation", heading, action, f, None).await
        }
    }
}

async fn post_new_organisation(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    save_organisation_form(&s, &actor, uri, headers, None, body).await
}

async fn post_organisation(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<OrganisationId>() else {
        return Ok(not_found(uri, headers).await);
    };
    if found(s.store.organisation(id).await)?.is_none() {
        return Ok(not_found(uri, headers).await);
    }
    save_organisation_form(&s, &actor, uri, headers, Some(id), body).await
}

async fn new_programme(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cx = ctx(&uri, &headers);
    let f = Form::new(cx.lang, vec![("status".into(), "1".into())]);
    show(
        &s,
        cx,
        "programme",
        "form-new-programme",
        "/workspace/programmes/new".into(),
        f,
        None,
    )
    .await
}

async fn edit_programme(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(p) = found(s.store.programme(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    let cx = ctx(&uri, &headers);
    let saved = cx
        .param("saved")
        .and_then(|_| saved_notice(cx.lang, format!("/programmes/{id}")));
    let f = Form::new(cx.lang, pairs_of(&p, PROGRAMME_LISTS));
    let money = money_of(&s, cx.lang, id).await?;
    show_with(
        &s,
        cx,
        "programme",
        "form-edit-programme",
        format!("/workspace/programmes/{id}"),
        f,
        saved,
        money,
    )
    .await
}

async fn save_programme_form(
    s: &AppState,
    actor: &crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    id: Option<ProgrammeId>,
    body: Bytes,
) -> Result<Response, AppError> {
    let cx = ctx(&uri, &headers);
    let read = form::read::<ProgrammeInput>(&posted(&body), PROGRAMME_LISTS, PROGRAMME_ARRAYS);
    let outcome = submit(
        read,
        |i| i.check(id.unwrap_or_default()).map(drop),
        |i| {
            crate::records::write::<semey_domain::programme::Programme>(
                &s.store,
                actor,
                id,
                i,
                crate::records::Channel::Form,
            )
        },
    )
    .await?;
    match outcome {
        Ok(Written::Published { record: p, .. }) => {
            Ok(Redirect::to(&format!("/workspace/programmes/{}?saved=1", p.id)).into_response())
        }
        Ok(Written::Proposed(p)) => Ok(to_proposal(&p)),
        Err((values, errors)) => {
            let (heading, action) = match id {
                Some(id) => ("form-edit-programme", format!("/workspace/programmes/{id}")),
                None => ("form-new-programme", "/workspace/programmes/new".to_owned()),
            };
            let f = Form::new(cx.lang, values).with_errors(errors);
            show(s, cx, "programme", heading, action, f, None).await
        }
    }
}

async fn post_new_programme(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    save_programme_form(&s, &actor, uri, headers, None, body).await
}

async fn post_programme(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<ProgrammeId>() else {
        return Ok(not_found(uri, headers).await);
    };
    if found(s.store.programme(id).await)?.is_none() {
        return Ok(not_found(uri, headers).await);
    }
    save_programme_form(&s, &actor, uri, headers, Some(id), body).await
}

/// Money forms start from the programme named in `?programme=` and say when the last entry
/// was recorded, so a person can enter one after another.
fn money_form(cx: &Ctx) -> (Form, Option<(String, String)>) {
    let mut values = vec![("currency".into(), "KZT".into())];
    let programme = cx.param("programme").map(str::to_owned);
    if let Some(p) = &programme {
        values.push(("programme_id".into(), p.clone()));
    }
    let saved = match (cx.param("saved"), programme) {
        (Some(_), Some(p)) => saved_notice(cx.lang, format!("/programmes/{p}")),
        _ => None,
    };
    (Form::new(cx.lang, values), saved)
}

async fn new_requirement(
    State(s): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let cx = ctx(&uri, &headers);
    let (f, saved) = money_form(&cx);
    show(
        &s,
        cx,
        "requirement",
        "form-new-requirement",
        "/workspace/requirements/new".into(),
        f,
        saved,
    )
    .await
}

/// After an editor's save: to the proposal they made.
fn to_proposal(p: &semey_store::Proposal) -> Response {
    Redirect::to(&format!("/workspace/proposals/{}?saved=1", p.id)).into_response()
}

/// Where a money form came from and goes: its kind, heading and address.
struct MoneyForm {
    kind: &'static str,
    heading: &'static str,
    action: String,
}

/// A posted requirement or transaction form: amounts read the local way, saved by `save`, then
/// `done` names where to go; otherwise the form again as typed, with its errors.
async fn post_money<I, R, Fut>(
    s: &AppState,
    cx: Ctx,
    body: &Bytes,
    form_of: MoneyForm,
    check: impl FnOnce(I) -> Result<(), Invalid>,
    save: impl FnOnce(I) -> Fut,
    done: impl FnOnce(R) -> String,
) -> Result<Response, AppError>
where
    I: serde::de::DeserializeOwned + Clone,
    Fut: std::future::Future<Output = Result<Written<R>, AppError>>,
{
    // The form shows again what was typed, not the plain amount.
    let typed = posted(body);
    let read = form::read::<I>(&plain_amounts(cx.lang, typed.clone()), &[], &[]);
    match submit(read, check, save).await? {
        Ok(Written::Published { record: r, .. }) => Ok(Redirect::to(&done(r)).into_response()),
        Ok(Written::Proposed(p)) => Ok(to_proposal(&p)),
        Err((_, errors)) => {
            let f = Form::new(cx.lang, typed).with_errors(errors);
            show(
                s,
                cx,
                form_of.kind,
                form_of.heading,
                form_of.action,
                f,
                None,
            )
            .await
        }
    }
}

async fn post_requirement(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form_of = MoneyForm {
        kind: "requirement",
        heading: "form-new-requirement",
        action: "/workspace/requirements/new".into(),
    };
    post_money(
        &s,
        ctx(&uri, &headers),
        &body,
        form_of,
        |i: RequirementInput| i.check().map(drop),
        |i| {
            crate::records::write::<semey_domain::funding::Requirement>(
                &s.store,
                &actor,
                None,
                i,
                crate::records::Channel::Form,
            )
        },
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
    let cx = ctx(&uri, &headers);
    let (f, saved) = money_form(&cx);
    show(
        &s,
        cx,
        "transaction",
        "form-new-transaction",
        "/workspace/transactions/new".into(),
        f,
        saved,
    )
    .await
}

async fn post_transaction(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let form_of = MoneyForm {
        kind: "transaction",
        heading: "form-new-transaction",
        action: "/workspace/transactions/new".into(),
    };
    post_money(
        &s,
        ctx(&uri, &headers),
        &body,
        form_of,
        |i: semey_domain::funding::TransactionInput| i.check().map(drop),
        |i| {
            crate::records::write::<semey_domain::funding::Transaction>(
                &s.store,
                &actor,
                None,
                i,
                crate::records::Channel::Form,
            )
        },
        |t| {
            format!(
                "/workspace/transactions/new?programme={}&saved=1",
                t.programme_id
            )
        },
    )
    .await
}

/// Pages of the workspace are not for shared caches.
async fn private(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

/// A programme's requirements and transactions as links to their forms.
async fn money_of(s: &AppState, lang: Lang, id: ProgrammeId) -> Result<Vec<Choice>, AppError> {
    let page = Page::new(Some(Page::MAX_LIMIT), None);
    let (requirements, _) = s
        .store
        .list_requirements(&ProgrammeFilter::default(), Some(id), None, page)
        .await?;
    let (transactions, _) = s
        .store
        .list_transactions(
            &semey_store::TransactionFilter {
                programme_id: Some(id),
                ..Default::default()
            },
            page,
        )
        .await?;
    let mut out: Vec<Choice> = requirements
        .iter()
        .map(|r| {
            (
                format!("/workspace/requirements/{}", r.id),
                format!(
                    "{} {} – {}: {}",
                    t(lang, "funding-required"),
                    r.period_start,
                    r.period_end,
                    crate::presentation::format::amount(lang, r.amount, r.currency)
                ),
            )
        })
        .collect();
    out.extend(transactions.iter().map(|tr| {
        (
            format!("/workspace/transactions/{}", tr.id),
            format!(
                "{} {}: {}",
                t(lang, &format!("txtype-{}", tr.transaction_type.code())),
                tr.date,
                crate::presentation::format::amount(lang, tr.amount, tr.currency)
            ),
        )
    }));
    Ok(out)
}

/// An amount in minor units as a form shows it: `125000050` tiyn → `1250000.50`.
fn plain_amount(minor: i64, currency: semey_domain::currency::Currency) -> String {
    let d = currency.decimals();
    if d == 0 {
        return minor.to_string();
    }
    let scale = 10i64.pow(d);
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!(
        "{sign}{}.{:0width$}",
        m / scale as u64,
        m % scale as u64,
        width = d as usize
    )
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
    actor: crate::auth::Actor,
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
    post_money(
        &s,
        ctx(&uri, &headers),
        &body,
        form_of,
        |i: semey_domain::funding::TransactionInput| i.check().map(drop),
        |i| {
            crate::records::write::<semey_domain::funding::Transaction>(
                &s.store,
                &actor,
                Some(id),
                i,
                crate::records::Channel::Form,
            )
        },
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
    actor: crate::auth::Actor,
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
    post_money(
        &s,
        ctx(&uri, &headers),
        &body,
        form_of,
        |i: RequirementInput| i.check().map(drop),
        |i| {
            crate::records::write::<semey_domain::funding::Requirement>(
                &s.store,
                &actor,
                Some(id),
                i,
                crate::records::Channel::Form,
            )
        },
        |r| format!("/workspace/requirements/{}?saved=1", r.id),
    )
    .await
}

/// The form of a proposal's record, filled with what was proposed, to change a draft or a
/// returned proposal.
async fn edit_proposal(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(p) = found(s.store.proposal(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    crate::records::workflow::may_see(&actor, &p)?;
    let cx = ctx(&uri, &headers);
    let Some((kind, heading, lists)) = proposal_form(p.kind) else {
        return Ok(not_found(uri, headers).await);
    };
    let mut values = pairs_of(&p.content, lists);
    if let Some(amount) = p.content.get("amount").and_then(|a| a.as_str()) {
        values.retain(|(k, _)| k != "amount");
        values.push(("amount".into(), amount.to_owned()));
    }
    let f = Form::new(cx.lang, values);
    show(
        &s,
        cx,
        kind,
        heading,
        format!("/workspace/proposals/{id}/edit"),
        f,
        None,
    )
    .await
}

/// Which form a proposal's record uses: its kind, heading and comma-separated lists (none
/// for the kinds that are never proposed).
fn proposal_form(
    kind: RecordKind,
) -> Option<(&'static str, &'static str, &'static [&'static str])> {
    match kind {
        RecordKind::Organisation => Some(("organisation", "form-edit-organisation", &[])),
        RecordKind::Programme => Some(("programme", "form-edit-programme", PROGRAMME_LISTS)),
        RecordKind::Requirement => Some(("requirement", "form-edit-requirement", &[])),
        RecordKind::Transaction => Some(("transaction", "form-edit-transaction", &[])),
        RecordKind::Place
        | RecordKind::ExchangeRate
        | RecordKind::TubeFactor
        | RecordKind::Account => None,
    }
}

async fn post_proposal_edit(
    State(s): State<AppState>,
    actor: crate::auth::Actor,
    uri: Uri,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let Ok(id) = id.parse::<uuid::Uuid>() else {
        return Ok(not_found(uri, headers).await);
    };
    let Some(p) = found(s.store.proposal(id).await)? else {
        return Ok(not_found(uri, headers).await);
    };
    crate::records::workflow::may_see(&actor, &p)?;
    let Some((kind, heading, _)) = proposal_form(p.kind) else {
        return Ok(not_found(uri, headers).await);
    };
    let cx = ctx(&uri, &headers);
    let typed = posted(&body);
    let plain = plain_amounts(cx.lang, typed.clone());
    // The same reading and checks as the record's own form.
    let read = match p.kind {
        RecordKind::Organisation => checked(
            form::read::<OrganisationInput>(&plain, &[], ORG_ARRAYS),
            |i| i.check(Default::default()).map(drop),
        ),
        RecordKind::Programme => checked(
            form::read::<ProgrammeInput>(&plain, PROGRAMME_LISTS, PROGRAMME_ARRAYS),
            |i| i.check(Default::default()).map(drop),
        ),
        RecordKind::Requirement => checked(form::read::<RequirementInput>(&plain, &[], &[]), |i| {
            i.check().map(drop)
        }),
        RecordKind::Transaction => checked(
            form::read::<semey_domain::funding::TransactionInput>(&plain, &[], &[]),
            |i| i.check().map(drop),
        ),
        RecordKind::Place
        | RecordKind::ExchangeRate
        | RecordKind::TubeFactor
        | RecordKind::Account => return Ok(not_found(uri, headers).await),
    };
    match read {
        Ok(content) => {
            crate::records::workflow::edit(&s.store, &actor, id, content).await?;
            Ok(Redirect::to(&format!("/workspace/proposals/{id}?saved=1")).into_response())
        }
        Err(errors) => {
            let f = Form::new(cx.lang, typed).with_errors(errors);
            show(
                &s,
                cx,
                kind,
                heading,
                format!("/workspace/proposals/{id}/edit"),
                f,
                None,
            )
            .await
        }
    }
}

/// A read form's input as JSON when it can be read and passes its checks; else every error.
fn checked<T: serde::Serialize + Clone>(
    read: form::Read<T>,
    check: impl FnOnce(T) -> Result<(), Invalid>,
) -> Result<serde_json::Value, Vec<semey_domain::error::FieldError>> {
    let mut errors = read.errors;
    match read.input {
        Some(input) => {
            if let Err(more) = check(input.clone()) {
                errors.extend(more.errors);
            }
            if errors.is_empty() {
                Ok(crate::records::to_json(&input))
            } else {
                Err(errors)
            }
        }
        None => Err(errors),
    }
}
