//! `semey import coordination FILE.json` (layout in `docs/import-formats.md`): the bodies of
//! the mechanism and their meetings, each meeting with its decisions and action items, in the
//! API's shape except that records are named the way people know them: organisations by IATI
//! identifier, id or name; a meeting's `body` by the body's name in any language; its `place`
//! by a settlement's name, KATO code or id; `programmes` by IATI identifier; `mandates` as
//! `A/RES/75/210 ¶ 7` (or `A/RES/75/210 7`). A decision names its number, an action item the
//! `decision` it follows by number.
//!
//! All-or-nothing, in one transaction through the record path. A record already held is found
//! by what identifies it to people (a body by its name, a meeting by its body and start, a
//! decision by its meeting and number, an action item by its meeting and title) and updated,
//! so importing the same file again changes nothing.

use crate::import::{ImportReport, Problems, Progress, Source};
use crate::organisations::import::OrgIndex;
use crate::records::{save_in, Record};
use crate::services::import::PlaceIndex;
use crate::AppError;
use semey_domain::coordination::{
    ActionItem, ActionItemInput, Body, BodyInput, Decision, DecisionInput, Meeting, MeetingInput,
};
use semey_domain::ids::{BodyId, MandateId, MeetingId};
use semey_domain::lang::Lang;
use semey_domain::LocalText;
use semey_store::{ActionFilter, Audience, MeetingFilter, Page, Store, Tx};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// What the file's names stand for, and the records already held.
struct Index {
    orgs: OrgIndex,
    places: PlaceIndex,
    programmes: HashMap<String, semey_domain::ids::ProgrammeId>,
    mandates: HashMap<String, MandateId>,
    bodies: HashMap<String, BodyId>,
    meetings: HashMap<(BodyId, String), MeetingId>,
}

fn key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `A/RES/75/210 ¶ 7`, `A/RES/75/210 7` and `A/RES/75/210:7` all name paragraph 7.
fn mandate_key(s: &str) -> String {
    let t = s.replace(['¶', ':', '#'], " ");
    key(&t)
}

fn names(text: &LocalText) -> Vec<String> {
    Lang::ALL
        .into_iter()
        .filter_map(|l| text.get(l).map(key))
        .collect()
}

impl Index {
    async fn load(store: &Store) -> Result<Self, AppError> {
        let mut mandates = HashMap::new();
        for r in store.resolutions().await? {
            for m in &r.mandates {
                mandates.insert(mandate_key(&format!("{} {}", r.symbol, m.number)), m.id);
            }
        }
        let mut bodies = HashMap::new();
        for b in store.bodies().await? {
            for n in names(&b.name) {
                bodies.insert(n, b.id);
            }
        }
        let (held, _) = store
            .meetings(
                &MeetingFilter::default(),
                Audience::All,
                Page::new(Some(i64::MAX), None),
            )
            .await?;
        let meetings = held
            .iter()
            .map(|m| ((m.body_id, semey_store::local_time(m.starts_at)), m.id))
            .collect();
        Ok(Self {
            orgs: OrgIndex::load(store).await?,
            places: PlaceIndex::load(store).await?,
            programmes: store.programme_ids_by_identifier().await?,
            mandates,
            bodies,
            meetings,
        })
    }
}

/// Reads and resolves one file's worth of records at `at` (`meetings[2].decisions[0]`).
struct Reader<'a> {
    idx: &'a Index,
    problems: Problems,
}

impl Reader<'_> {
    fn problem(&mut self, at: &str, field: &str, code: &str, message: String) {
        self.problems.at(at, field, code, message);
    }

    /// Replaces `obj[from]` (a name) by `obj[to]` (its id).
    fn named(
        &mut self,
        at: &str,
        obj: &mut Map<String, Value>,
        from: &str,
        to: &str,
        find: impl Fn(&Index, &str) -> Option<String>,
        what: &str,
    ) {
        if let Some(v) = obj.remove(from) {
            let name = v.as_str().unwrap_or_default().to_owned();
            match find(self.idx, &name) {
                Some(id) => {
                    obj.insert(to.into(), Value::String(id));
                }
                None => self.problem(
                    at,
                    from,
                    &format!("unknown_{what}"),
                    format!("no {what} named {name:?}"),
                ),
            }
        }
    }

    /// Replaces the list `obj[from]` of names by the list `obj[to]` of ids.
    fn named_list(
        &mut self,
        at: &str,
        obj: &mut Map<String, Value>,
        from: &str,
        to: &str,
        find: impl Fn(&Index, &str) -> Option<String>,
        what: &str,
    ) {
        if let Some(Value::Array(items)) = obj.remove(from) {
            let mut ids = Vec::new();
            for (i, v) in items.iter().enumerate() {
                let name = v.as_str().unwrap_or_default();
                match find(self.idx, name) {
                    Some(id) => ids.push(Value::String(id)),
                    None => self.problem(
                        at,
                        &format!("{from}[{i}]"),
                        &format!("unknown_{what}"),
                        format!("no {what} named {name:?}"),
                    ),
                }
            }
            obj.insert(to.into(), Value::Array(ids));
        }
    }

    fn organisations(&mut self, at: &str, obj: &mut Map<String, Value>, from: &str, to: &str) {
        self.named(
            at,
            obj,
            from,
            to,
            |i, n| i.orgs.find(n).map(|o| o.to_string()),
            "organisation",
        );
    }

    fn input<T: DeserializeOwned>(&mut self, at: &str, v: Value) -> Option<T> {
        match serde_path_to_error::deserialize(v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.problem(
                    at,
                    &e.path().to_string(),
                    "invalid_value",
                    e.inner().to_string(),
                );
                None
            }
        }
    }
}

fn rows(doc: &mut Map<String, Value>, name: &str) -> Vec<Value> {
    match doc.remove(name) {
        Some(Value::Array(v)) => v,
        _ => Vec::new(),
    }
}

/// Saves one record through the record path, counting it; a rule only the database checks is
/// listed at `at`.
async fn save<R: Record>(
    store: &Store,
    tx: &mut Tx,
    src: &Source<'_>,
    at: &str,
    id: Option<R::Id>,
    input: R::Input,
    (report, problems): (&mut ImportReport, &mut Problems),
) -> Result<Option<R::Stored>, AppError> {
    match save_in::<R>(store, tx, &src.actor, id, input).await {
        Ok(saved) => {
            match &saved.before {
                None => report.inserted += 1,
                Some(b) if R::audited(b) == R::audited(&saved.stored) => report.unchanged += 1,
                Some(_) => report.updated += 1,
            }
            report.rows += 1;
            Ok(Some(saved.stored))
        }
        Err(AppError::Invalid(e)) => {
            problems.invalid_at(at, e);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// `semey import coordination FILE.json`.
pub async fn import_coordination(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let doc: Value = serde_json::from_slice(src.bytes).map_err(|e| {
        AppError::Import(vec![semey_domain::FieldError::new(
            format!("line {}", e.line()),
            "invalid_json",
            format!("the file is not JSON: {e}"),
        )])
    })?;
    let Value::Object(mut doc) = doc else {
        return Err(AppError::Import(vec![semey_domain::FieldError::new(
            "file",
            "not_an_object",
            "the file must hold a JSON object with `bodies` and `meetings`",
        )]));
    };
    let idx = Index::load(store).await?;
    let mut r = Reader {
        idx: &idx,
        problems: Problems::default(),
    };
    let bodies = rows(&mut doc, "bodies");
    let meetings = rows(&mut doc, "meetings");
    let mut report = ImportReport {
        kind: "coordination".into(),
        ..Default::default()
    };
    progress.start(
        "saving the coordination mechanism",
        (bodies.len() + meetings.len()) as u64,
    );
    let mut tx = store.begin().await?;
    // Bodies, and the names this file may call them by.
    let mut body_ids: HashMap<String, BodyId> = idx.bodies.clone();
    for (i, mut b) in bodies.into_iter().enumerate() {
        let at = format!("bodies[{i}]");
        if let Some(Value::Array(members)) = b.get_mut("members") {
            for (j, m) in members.iter_mut().enumerate() {
                if let Some(o) = m.as_object_mut() {
                    r.organisations(
                        &format!("{at}.members[{j}]"),
                        o,
                        "organisation",
                        "organisation_id",
                    );
                }
            }
        }
        let Some(input) = r.input::<BodyInput>(&at, b) else {
            continue;
        };
        let held = names(&input.name)
            .iter()
            .find_map(|n| idx.bodies.get(n).copied());
        if let Some(saved) = save::<Body>(
            store,
            &mut tx,
            src,
            &at,
            held,
            input,
            (&mut report, &mut r.problems),
        )
        .await?
        {
            for n in names(&saved.name) {
                body_ids.insert(n, saved.id);
            }
        }
        progress.set(report.rows);
    }
    for (i, m) in meetings.into_iter().enumerate() {
        let at = format!("meetings[{i}]");
        let Value::Object(mut m) = m else {
            r.problem(
                &at,
                "",
                "not_an_object",
                "a meeting is a JSON object".into(),
            );
            continue;
        };
        let decisions = rows(&mut m, "decisions");
        let actions = rows(&mut m, "action_items");
        let body = m
            .remove("body")
            .and_then(|b| b.as_str().map(key))
            .unwrap_or_default();
        match body_ids.get(&body) {
            Some(id) => {
                m.insert("body_id".into(), Value::String(id.to_string()));
            }
            None => r.problem(
                &at,
                "body",
                "unknown_body",
                format!("no body named {body:?} in the file or held"),
            ),
        }
        r.named(
            &at,
            &mut m,
            "place",
            "place_id",
            |i, n| i.places.find(n).map(|p| p.to_string()),
            "place",
        );
        if let Some(Value::Array(ps)) = m.get_mut("participants") {
            for (j, p) in ps.iter_mut().enumerate() {
                if let Some(o) = p.as_object_mut() {
                    r.organisations(
                        &format!("{at}.participants[{j}]"),
                        o,
                        "organisation",
                        "organisation_id",
                    );
                }
            }
        }
        let Some(input) = r.input::<MeetingInput>(&at, Value::Object(m)) else {
            continue;
        };
        let held = semey_domain::coordination::parse_local_time("starts_at", &input.starts_at)
            .ok()
            .and_then(|t| {
                idx.meetings
                    .get(&(input.body_id, semey_store::local_time(t)))
                    .copied()
            });
        let Some(meeting) = save::<Meeting>(
            store,
            &mut tx,
            src,
            &at,
            held,
            input,
            (&mut report, &mut r.problems),
        )
        .await?
        else {
            continue;
        };
        let all = Page::new(Some(Page::MAX_LIMIT), None);
        let held_decisions: HashMap<u16, _> = store
            .decisions(Some(meeting.id), None, None, Audience::All, all)
            .await?
            .0
            .into_iter()
            .map(|d| (d.number, d.id))
            .collect();
        let mut numbered = HashMap::new();
        for (j, mut d) in decisions.into_iter().enumerate() {
            let at = format!("{at}.decisions[{j}]");
            if let Some(o) = d.as_object_mut() {
                o.insert("meeting_id".into(), Value::String(meeting.id.to_string()));
                r.named_list(
                    &at,
                    o,
                    "mandates",
                    "mandate_ids",
                    |i, n| i.mandates.get(&mandate_key(n)).map(|m| m.to_string()),
                    "mandate",
                );
                r.named_list(
                    &at,
                    o,
                    "programmes",
                    "programme_ids",
                    |i, n| i.programmes.get(n.trim()).map(|p| p.to_string()),
                    "programme",
                );
            }
            let Some(input) = r.input::<DecisionInput>(&at, d) else {
                continue;
            };
            let held = held_decisions.get(&input.number).copied();
            if let Some(saved) = save::<Decision>(
                store,
                &mut tx,
                src,
                &at,
                held,
                input,
                (&mut report, &mut r.problems),
            )
            .await?
            {
                numbered.insert(saved.number, saved.id);
            }
        }
        let held_actions: HashMap<String, _> = store
            .action_items(
                &ActionFilter {
                    meeting: Some(meeting.id),
                    ..Default::default()
                },
                Audience::All,
                all,
            )
            .await?
            .0
            .into_iter()
            .flat_map(|a| names(&a.title).into_iter().map(move |n| (n, a.id)))
            .collect();
        for (j, mut a) in actions.into_iter().enumerate() {
            let at = format!("{at}.action_items[{j}]");
            if let Some(o) = a.as_object_mut() {
                o.insert("meeting_id".into(), Value::String(meeting.id.to_string()));
                if let Some(n) = o.remove("decision") {
                    match n
                        .as_u64()
                        .and_then(|n| u16::try_from(n).ok())
                        .and_then(|n| numbered.get(&n))
                    {
                        Some(id) => {
                            o.insert("decision_id".into(), Value::String(id.to_string()));
                        }
                        None => r.problem(
                            &at,
                            "decision",
                            "unknown_decision",
                            format!("the meeting has no decision {n} in the file"),
                        ),
                    }
                }
                r.organisations(&at, o, "owner", "owner_organisation_id");
                r.named_list(
                    &at,
                    o,
                    "mandates",
                    "mandate_ids",
                    |i, n| i.mandates.get(&mandate_key(n)).map(|m| m.to_string()),
                    "mandate",
                );
            }
            let Some(input) = r.input::<ActionItemInput>(&at, a) else {
                continue;
            };
            let held = names(&input.title)
                .iter()
                .find_map(|n| held_actions.get(n).copied());
            save::<ActionItem>(
                store,
                &mut tx,
                src,
                &at,
                held,
                input,
                (&mut report, &mut r.problems),
            )
            .await?;
        }
        progress.set(report.rows);
    }
    r.problems.into_result()?;
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}
