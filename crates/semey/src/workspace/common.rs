//! What the workspace's forms share: the page around a form, the choices of its pickers,
//! reading a posted form into the API's input document and back, and the steps from a post to a
//! saved record, a proposal, or the form again with its errors.

use super::form::{self, Form};
use crate::pages::context::{page, query_pairs, Chrome, Reader};
use crate::presentation::i18n::t;
use crate::records::workflow::Written;
use crate::{AppError, AppState};
use askama::Template;
use axum::body::Bytes;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use semey_domain::funding::TransactionType;
use semey_domain::ids::ProgrammeId;
use semey_domain::organisation::MechanismRole;
use semey_domain::programme::{OrgRole, TargetGroup, ThematicArea};
use semey_domain::{Invalid, Lang};
use semey_store::{OrganisationFilter, Page, ProgrammeFilter};
use serde::Serialize;
use serde_json::Value;

pub(super) type Choice = (String, String);

/// A form page: which form, its fields and the choices its selects offer.
#[derive(Template)]
#[template(path = "edit.html")]
pub(super) struct EditPage {
    pub(super) c: Chrome,
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) kind: &'static str,
    pub(super) f: Form,
    pub(super) saved: Option<(String, String)>,
    pub(super) o: Options,
    /// On a programme's form: its requirements and transactions, each linking to its form.
    pub(super) links: Links,
}

/// Links an edit page lists below its form: a programme's money and results, a result's
/// indicators' value grids.
#[derive(Default)]
pub(super) struct Links {
    pub(super) money: Vec<Choice>,
    pub(super) results: Vec<Choice>,
    pub(super) values: Vec<Choice>,
}

/// The choices of the selects, each in the reader's language.
#[derive(Default)]
pub(super) struct Options {
    pub(super) org_types: Vec<Choice>,
    pub(super) mechanism_roles: Vec<Choice>,
    pub(super) statuses: Vec<Choice>,
    pub(super) areas: Vec<Choice>,
    pub(super) groups: Vec<Choice>,
    /// Every mandate of every resolution held: "A/RES/75/210 ¶ 7 — requests: the Secretary-General".
    pub(super) mandates: Vec<Choice>,
    pub(super) vocabularies: Vec<Choice>,
    pub(super) places: Vec<Choice>,
    pub(super) organisations: Vec<Choice>,
    pub(super) roles: Vec<Choice>,
    pub(super) programmes: Vec<Choice>,
    pub(super) transaction_types: Vec<Choice>,
    pub(super) categories: Vec<Choice>,
    pub(super) service_statuses: Vec<Choice>,
    pub(super) days: Vec<Choice>,
    pub(super) result_types: Vec<Choice>,
    pub(super) measures: Vec<Choice>,
    pub(super) directions: Vec<Choice>,
    pub(super) yes_no: Vec<Choice>,
    /// The coordination mechanism's forms: kinds of body, members' roles, bodies, meetings,
    /// decisions and action items' statuses.
    pub(super) body_kinds: Vec<Choice>,
    pub(super) member_roles: Vec<Choice>,
    pub(super) bodies: Vec<Choice>,
    pub(super) meetings: Vec<Choice>,
    pub(super) decisions: Vec<Choice>,
    pub(super) action_statuses: Vec<Choice>,
    /// The report's form: resolutions, languages and sections.
    pub(super) resolutions: Vec<Choice>,
    pub(super) languages: Vec<Choice>,
    pub(super) sections: Vec<Choice>,
    /// The document form: kinds of document and who may see one.
    pub(super) doc_types: Vec<Choice>,
    pub(super) visibilities: Vec<Choice>,
    /// Aid, finance and flow type and tied status: each field's name, label and choices.
    pub(super) terms: Vec<(String, String, Vec<Choice>)>,
}

/// The choices of the four IATI classifications of money, each code with its IATI name.
fn terms_choices() -> Vec<(String, String, Vec<Choice>)> {
    use semey_domain::terms::Term;
    Term::ALL
        .iter()
        .map(|term| {
            (
                format!("terms.{}", term.field()),
                format!("form-{}", term.field().replace('_', "-")),
                term.codes()
                    .iter()
                    .map(|(code, name)| ((*code).to_owned(), format!("{code} — {name}")))
                    .collect(),
            )
        })
        .collect()
}

impl Options {
    /// Adds the organisations, places and programmes the form names that the lists (the first
    /// `Page::MAX_LIMIT` of each) left out, so that a form shows every stored choice it holds
    /// and saving it never clears one.
    async fn complete(&mut self, s: &AppState, lang: Lang, f: &Form) -> Result<(), AppError> {
        use semey_store::Named;
        let listed: std::collections::HashSet<String> =
            [&self.organisations, &self.places, &self.programmes]
                .into_iter()
                .flatten()
                .map(|(id, _)| id.clone())
                .collect();
        let missing: Vec<String> = f
            .values()
            .filter(|v| {
                v.parse::<semey_domain::ids::OrganisationId>().is_ok() && !listed.contains(*v)
            })
            .map(str::to_owned)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        for (kind, list) in [
            (Named::Organisation, &mut self.organisations),
            (Named::Place, &mut self.places),
            (Named::Programme, &mut self.programmes),
        ] {
            // Only lists this form shows.
            if list.is_empty() {
                continue;
            }
            for (id, name) in s.store.names(kind, &missing).await? {
                list.push((id, name.best(lang).unwrap_or("").to_owned()));
            }
        }
        Ok(())
    }
}

pub(super) async fn options(s: &AppState, lang: Lang, kind: &str) -> Result<Options, AppError> {
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
    // Settlements by name, for the forms that name a village.
    let settlements = || async {
        let mut at: Vec<Choice> = s
            .store
            .places_at_level(PlaceLevel::Settlement, false)
            .await?
            .iter()
            .map(|r| (r.place.id.to_string(), best(&r.place.name)))
            .collect();
        at.sort_by(|a, b| a.1.cmp(&b.1));
        Ok::<_, AppError>(at)
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
    let mandates = || async {
        let mut list: Vec<Choice> = Vec::new();
        for r in s.store.resolutions().await? {
            for m in &r.mandates {
                let who: Vec<String> = m
                    .addressees
                    .iter()
                    .map(|a| t(lang, &format!("mandate-addressee-{}", a.as_str())))
                    .collect();
                list.push((
                    m.id.to_string(),
                    format!(
                        "{} ¶ {} — {}{}",
                        r.symbol,
                        m.number,
                        t(lang, &format!("mandate-action-{}", m.action.as_str())),
                        if who.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", who.join(", "))
                        }
                    ),
                ));
            }
        }
        Ok::<_, AppError>(list)
    };
    let meetings = || async {
        let bodies: std::collections::HashMap<_, _> = s
            .store
            .bodies()
            .await?
            .into_iter()
            .map(|b| (b.id, best(&b.name)))
            .collect();
        let (list, _) = s
            .store
            .meetings(
                &semey_store::MeetingFilter {
                    latest_first: true,
                    ..Default::default()
                },
                semey_store::Audience::All,
                Page::new(Some(Page::MAX_LIMIT), None),
            )
            .await?;
        Ok::<_, AppError>(
            list.iter()
                .map(|m| {
                    (
                        m.id.to_string(),
                        format!(
                            "{} — {} ({})",
                            semey_store::local_time(m.starts_at).replace('T', " "),
                            best(&m.title),
                            bodies.get(&m.body_id).cloned().unwrap_or_default()
                        ),
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
            o.mandates = mandates().await?;
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
                .map(|r| {
                    (
                        role_code(*r).to_owned(),
                        t(lang, crate::pages::context::role_key(*r)),
                    )
                })
                .collect();
            o.programmes = programmes().await?;
            o.terms = terms_choices();
        }
        "body" => {
            use semey_domain::coordination::{BodyKind, MemberRole};
            o.organisations = organisations().await?;
            o.areas = ThematicArea::ALL
                .iter()
                .map(|a| tr("area", a.as_str()))
                .collect();
            o.body_kinds = BodyKind::ALL
                .iter()
                .map(|k| tr("body-kind", k.as_str()))
                .collect();
            o.member_roles = MemberRole::ALL
                .iter()
                .map(|r| tr("member-role", r.as_str()))
                .collect();
        }
        "document" => {
            use semey_domain::document::{DocumentType, Visibility};
            o.organisations = organisations().await?;
            o.programmes = programmes().await?;
            o.places = settlements().await?;
            o.mandates = mandates().await?;
            o.languages = semey_domain::Lang::ALL
                .iter()
                .map(|l| tr("language", l.code()))
                .collect();
            o.doc_types = DocumentType::ALL
                .iter()
                .map(|d| tr("doc-type", d.as_str()))
                .collect();
            o.visibilities = Visibility::ALL
                .iter()
                .map(|v| tr("visibility", v.as_str()))
                .collect();
        }
        "meeting" => {
            o.bodies = s
                .store
                .bodies()
                .await?
                .iter()
                .map(|b| (b.id.to_string(), best(&b.name)))
                .collect();
            o.organisations = organisations().await?;
            o.places = settlements().await?;
            o.mandates = mandates().await?;
            o.yes_no = vec![
                ("true".into(), t(lang, "form-yes")),
                ("false".into(), t(lang, "form-no")),
            ];
        }
        "decision" => {
            o.meetings = meetings().await?;
            o.mandates = mandates().await?;
        }
        "report" => {
            o.resolutions = s
                .store
                .resolutions()
                .await?
                .into_iter()
                .map(|r| {
                    let title = best(&r.title);
                    (r.id.to_string(), format!("{} — {title}", r.symbol))
                })
                .collect();
            o.languages = semey_domain::Lang::ALL
                .iter()
                .map(|l| tr("language", l.code()))
                .collect();
            o.sections = semey_domain::report::Section::ALL
                .iter()
                .map(|sec| tr("report-section", sec.as_str()))
                .collect();
        }
        "action_item" => {
            use semey_domain::coordination::ActionStatus;
            o.meetings = meetings().await?;
            o.organisations = organisations().await?;
            o.mandates = mandates().await?;
            o.action_statuses = ActionStatus::ALL
                .iter()
                .map(|a| tr("action-status", a.as_str()))
                .collect();
            let (decisions, _) = s
                .store
                .decisions(
                    None,
                    None,
                    None,
                    semey_store::Audience::All,
                    Page::new(Some(Page::MAX_LIMIT), None),
                )
                .await?;
            o.decisions = decisions
                .iter()
                .map(|d| {
                    let text = best(&d.text);
                    let short: String = text.chars().take(80).collect();
                    (d.id.to_string(), format!("{} — {short}", d.number))
                })
                .collect();
        }
        "service" => {
            use semey_domain::service::{ServiceCategory, ServiceStatus, DAYS};
            o.organisations = organisations().await?;
            o.categories = ServiceCategory::ALL
                .iter()
                .map(|c| tr("service-category", c.as_str()))
                .collect();
            o.service_statuses = ServiceStatus::ALL
                .iter()
                .map(|c| tr("service-status", c.as_str()))
                .collect();
            o.days = DAYS.iter().map(|d| tr("day", d)).collect();
            o.mandates = mandates().await?;
            o.places = settlements().await?;
        }
        "result" => {
            use semey_domain::results::{IndicatorMeasure, ResultType};
            o.programmes = programmes().await?;
            o.mandates = mandates().await?;
            o.result_types = ResultType::ALL
                .iter()
                .map(|r| tr("results-type", r.as_str()))
                .collect();
            o.measures = IndicatorMeasure::ALL
                .iter()
                .map(|m| tr("results-measure", m.as_str()))
                .collect();
            o.directions = vec![
                ("true".into(), t(lang, "results-ascending")),
                ("false".into(), t(lang, "results-descending")),
            ];
            o.yes_no = vec![
                ("true".into(), t(lang, "form-yes")),
                ("false".into(), t(lang, "form-no")),
            ];
        }
        _ => {
            if kind == "contribution" {
                o.categories = semey_domain::contribution::InKind::ALL
                    .iter()
                    .map(|k| tr("inkind", k.as_str()))
                    .collect();
            }
            o.programmes = programmes().await?;
            o.organisations = organisations().await?;
            o.transaction_types = (1..=TransactionType::NAMES.len())
                .map(|code| tr("txtype", &code.to_string()))
                .collect();
            o.terms = terms_choices();
        }
    }
    Ok(o)
}

pub(super) fn role_code(r: OrgRole) -> &'static str {
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
            Value::Array(a)
                if lists.contains(&name)
                    || lists.contains(&super::form::without_indices(name).as_str()) =>
            {
                out.push((
                    name.to_owned(),
                    a.iter()
                        .map(|x| x.as_str().map(str::to_owned).unwrap_or(x.to_string()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ))
            }
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

/// What a workspace page knows of its request: the reader (language, query, address) and the
/// page's chrome. Extracted like [`Reader`], so no handler reads headers itself.
pub(super) struct Ctx {
    pub(super) lang: Lang,
    pub(super) chrome: Chrome,
    pub(super) chosen: bool,
    pub(super) query: Vec<(String, String)>,
    reader: Reader,
}

impl From<Reader> for Ctx {
    fn from(r: Reader) -> Self {
        Ctx {
            lang: r.lang,
            chrome: r.chrome(),
            chosen: r.chosen,
            query: r.query.clone(),
            reader: r,
        }
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Reader::from_request_parts(parts, state)
            .await
            .map(Ctx::from)
    }
}

impl Ctx {
    /// The page for an address that names nothing.
    pub(super) fn not_found(&self) -> Response {
        self.reader.not_found()
    }

    pub(super) fn param(&self, k: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }
}

pub(super) async fn show(
    s: &AppState,
    cx: Ctx,
    kind: &'static str,
    heading_key: &str,
    action: String,
    f: Form,
    saved: Option<(String, String)>,
) -> Result<Response, AppError> {
    show_with(s, cx, kind, heading_key, action, f, saved, Links::default()).await
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn show_with(
    s: &AppState,
    cx: Ctx,
    kind: &'static str,
    heading_key: &str,
    action: String,
    f: Form,
    saved: Option<(String, String)>,
    links: Links,
) -> Result<Response, AppError> {
    let status = if f.has_errors() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut o = options(s, cx.lang, kind).await?;
    o.complete(s, cx.lang, &f).await?;
    let template = EditPage {
        heading: t(cx.lang, heading_key),
        action,
        kind,
        o,
        f,
        saved,
        links,
        c: cx.chrome,
    };
    Ok(page(&template, status, cx.chosen.then_some(cx.lang)))
}

/// What a post's body says, as pairs; a body that is not a form reads as empty.
pub(super) fn posted(body: &Bytes) -> Vec<(String, String)> {
    std::str::from_utf8(body)
        .map(query_pairs)
        .unwrap_or_default()
}

/// Amounts as people type them in their language ("1 250 000,50" in Russian and Kazakh,
/// "1,250,000.50" in English and Chinese) in the plain form the input takes ("1250000.50").
pub(super) fn plain_amounts(lang: Lang, mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    for (k, v) in pairs.iter_mut() {
        // A contribution's declared value and quantity are typed the same way.
        if matches!(k.as_str(), "amount" | "value" | "quantity") {
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
pub(super) fn form_errors(e: AppError) -> Result<Vec<semey_domain::error::FieldError>, AppError> {
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

pub(super) fn saved_notice(lang: Lang, href: String) -> Option<(String, String)> {
    Some((t(lang, "form-saved"), href))
}

/// A posted form's outcome: the saved record, or the values to show again with their errors.
pub(super) type Outcome<R> =
    Result<R, (Vec<(String, String)>, Vec<semey_domain::error::FieldError>)>;

/// Saves what a form posted. When some fields could not be read, the rest still go through
/// the record's own checks (without saving), so one answer names every problem.
/// Where a record kind's forms live and how their fields read.
pub(super) struct FormOf {
    /// The template's kind and the headings' key (`form-new-…`, `form-edit-…`).
    pub kind: &'static str,
    /// `/workspace/…`: `…/new` adds one, `…/{id}` edits one.
    pub path: &'static str,
    /// Fields typed as comma-separated lists.
    pub lists: &'static [&'static str],
    /// Fields that are lists of rows.
    pub arrays: &'static [&'static str],
}

/// A posted form of a record kind: read into the API's input, written through the record path
/// (or proposed), then to the saved record (or the proposal); else the form again with its
/// errors.
pub(super) async fn save_form<R: crate::records::Record>(
    s: &AppState,
    actor: &crate::accounts::Actor,
    cx: Ctx,
    id: Option<R::Id>,
    body: Bytes,
    of: FormOf,
) -> Result<Response, AppError> {
    let read = form::read::<R::Input>(&posted(&body), of.lists, of.arrays);
    let outcome = submit(
        read,
        |i| R::check(i, id.clone()).map(drop),
        |i| {
            crate::records::write::<R>(
                &s.store,
                actor,
                id.clone(),
                i,
                crate::records::Channel::Form,
            )
        },
    )
    .await?;
    match outcome {
        Ok(Written::Published { record, .. }) => {
            Ok(Redirect::to(&format!("{}/{}?saved=1", of.path, R::id_of(&record))).into_response())
        }
        Ok(Written::Proposed(p)) => Ok(to_proposal(&p)),
        Err((values, errors)) => {
            let (heading, action) = match &id {
                Some(id) => (
                    format!("form-edit-{}", of.kind),
                    format!("{}/{id}", of.path),
                ),
                None => (format!("form-new-{}", of.kind), format!("{}/new", of.path)),
            };
            let f = Form::new(cx.lang, values).with_errors(errors);
            show(s, cx, of.kind, &heading, action, f, None).await
        }
    }
}

pub(super) async fn submit<T: Clone, R, Fut>(
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

pub(super) const ORG_ARRAYS: &[&str] = &["contacts"];
pub(super) const SERVICE_LISTS: &[&str] = &[
    "languages",
    "phones",
    "emails",
    "urls",
    "programme_ids",
    "result_ids",
];
pub(super) const SERVICE_ARRAYS: &[&str] = &["locations", "visits"];
pub(super) const BODY_ARRAYS: &[&str] = &["members"];
pub(super) const MEETING_ARRAYS: &[&str] = &["agenda", "participants", "documents"];
pub(super) const DECISION_LISTS: &[&str] = &["programme_ids"];
pub(super) const ACTION_ARRAYS: &[&str] = &["notes"];
pub(super) const RESULT_LISTS: &[&str] = &["indicators[].levels"];
pub(super) const RESULT_ARRAYS: &[&str] = &["indicators"];
pub(super) const PROGRAMME_LISTS: &[&str] = &["sdg_targets"];
pub(super) const PROGRAMME_ARRAYS: &[&str] = &[
    "areas",
    "sectors",
    "sdg_targets",
    "places",
    "target_groups",
    "participants",
    "policy_markers",
];

/// Money forms start from the programme named in `?programme=` and say when the last entry
/// was recorded, so a person can enter one after another.
pub(super) fn money_form(cx: &Ctx) -> (Form, Option<(String, String)>) {
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

/// After an editor's save: to the proposal they made.
pub(super) fn to_proposal(p: &semey_store::Proposal) -> Response {
    Redirect::to(&format!("/workspace/proposals/{}?saved=1", p.id)).into_response()
}

/// Where a money form came from and goes: its kind, heading and address.
pub(super) struct MoneyForm {
    pub(super) kind: &'static str,
    pub(super) heading: String,
    pub(super) action: String,
}

/// A posted requirement or transaction form (any money kind `R`): amounts read the way the
/// reader's language writes them, then written through the record path (or proposed), then to
/// `done`; otherwise the form again as typed, with its errors.
#[allow(clippy::too_many_arguments)]
pub(super) async fn post_money<R: crate::records::Record>(
    s: &AppState,
    actor: &crate::accounts::Actor,
    cx: Ctx,
    body: &Bytes,
    id: Option<R::Id>,
    form_of: MoneyForm,
    done: impl FnOnce(&R::Stored) -> String,
) -> Result<Response, AppError> {
    // The form shows again what was typed, not the plain amount.
    let typed = posted(body);
    let read = form::read::<R::Input>(&plain_amounts(cx.lang, typed.clone()), &[], &[]);
    let outcome = submit(
        read,
        |i| R::check(i, id.clone()).map(drop),
        |i| {
            crate::records::write::<R>(
                &s.store,
                actor,
                id.clone(),
                i,
                crate::records::Channel::Form,
            )
        },
    )
    .await?;
    match outcome {
        Ok(Written::Published { record, .. }) => Ok(Redirect::to(&done(&record)).into_response()),
        Ok(Written::Proposed(p)) => Ok(to_proposal(&p)),
        Err((_, errors)) => {
            let f = Form::new(cx.lang, typed).with_errors(errors);
            show(
                s,
                cx,
                form_of.kind,
                &form_of.heading,
                form_of.action,
                f,
                None,
            )
            .await
        }
    }
}

/// Pages of the workspace are not for shared caches.
pub(super) async fn private(mut r: Response) -> Response {
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

/// A programme's requirements, transactions and in-kind contributions as links to their forms.
pub(super) async fn money_of(
    s: &AppState,
    lang: Lang,
    id: ProgrammeId,
) -> Result<Vec<Choice>, AppError> {
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
    let (given, _) = s
        .store
        .list_contributions(
            &semey_store::ContributionFilter {
                money: semey_store::FundingFilter {
                    programme_id: Some(id),
                    ..Default::default()
                },
                ..Default::default()
            },
            page,
        )
        .await?;
    out.extend(given.iter().map(|c| {
        (
            format!("/workspace/contributions/{}", c.id),
            format!(
                "{} {}: {} {} ({})",
                t(lang, &format!("inkind-{}", c.category.as_str())),
                c.date,
                crate::presentation::format::decimal_text(lang, &c.quantity),
                c.unit,
                crate::presentation::format::amount(lang, c.amount, c.currency)
            ),
        )
    }));
    Ok(out)
}

/// A read form's input as JSON when it can be read and passes its checks; else every error.
pub(super) fn checked<T: serde::Serialize + Clone>(
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
