//! `semey import services FILE.json` (layout in `docs/import-formats.md`): a JSON array of
//! services in the API's shape, except that organisations, places and programmes are named the
//! way people know them — `organisation` (IATI identifier, id or name), each location's and
//! visit's `place` (a settlement's name in any language, its KATO code or its id) and
//! `programmes` (IATI identifiers). All-or-nothing; a service already in the directory (same
//! organisation and name) is updated, so importing the same file again changes nothing.

use crate::import::{ImportReport, Problems, Progress, Source};
use crate::organisations::import::OrgIndex;
use crate::AppError;
use semey_domain::ids::{PlaceId, ServiceId};
use semey_domain::lang::Lang;
use semey_domain::place::PlaceLevel;
use semey_domain::service::{Service, ServiceInput};
use semey_domain::FieldError;
use semey_store::{Page, ServiceFilter, Store};
use serde_json::Value;
use std::collections::HashMap;

/// Settlements (and districts, regions) by id, KATO code and name in every language.
pub(crate) struct PlaceIndex(HashMap<String, PlaceId>);

impl PlaceIndex {
    pub(crate) async fn load(store: &Store) -> Result<Self, AppError> {
        let mut by = HashMap::new();
        // Settlements last, so a settlement's name wins over a district of the same name.
        for level in [
            PlaceLevel::Region,
            PlaceLevel::District,
            PlaceLevel::Settlement,
        ] {
            for r in store.places_at_level(level, false).await? {
                let p = &r.place;
                by.insert(p.id.to_string(), p.id);
                if let Some(k) = &p.kato {
                    by.insert(k.to_string(), p.id);
                }
                for l in Lang::ALL {
                    if let Some(n) = p.name.get(l) {
                        by.insert(n.to_lowercase(), p.id);
                    }
                }
            }
        }
        Ok(Self(by))
    }

    pub(crate) fn find(&self, key: &str) -> Option<PlaceId> {
        self.0.get(&key.trim().to_lowercase()).copied()
    }
}

/// One entry's problem: `entry N: field`.
fn problem(p: &mut Problems, n: usize, field: &str, code: &str, message: impl Into<String>) {
    let f = if field.is_empty() {
        format!("entry {n}")
    } else {
        format!("entry {n}: {field}")
    };
    p.push(FieldError::new(f, code, message));
}

/// Replaces the named references of one entry by ids; reports what it cannot find.
fn resolve(
    mut e: Value,
    n: usize,
    orgs: &OrgIndex,
    places: &PlaceIndex,
    programmes: &HashMap<String, semey_domain::ids::ProgrammeId>,
    p: &mut Problems,
) -> Option<Value> {
    let obj = e.as_object_mut()?;
    let before = p.count();
    if let Some(org) = obj.remove("organisation") {
        let name = org.as_str().unwrap_or_default();
        match orgs.find(name) {
            Some(id) => {
                obj.insert("organisation_id".into(), Value::String(id.to_string()));
            }
            None => problem(p, n, "organisation", "unknown_organisation", format!("no organisation with IATI identifier, id or name {name:?}: import organisations first")),
        }
    }
    for list in ["locations", "visits"] {
        if let Some(Value::Array(items)) = obj.get_mut(list) {
            for (i, item) in items.iter_mut().enumerate() {
                let Some(o) = item.as_object_mut() else {
                    continue;
                };
                if let Some(place) = o.remove("place") {
                    let name = place.as_str().unwrap_or_default();
                    match places.find(name) {
                        Some(id) => {
                            o.insert("place_id".into(), Value::String(id.to_string()));
                        }
                        None => problem(
                            p,
                            n,
                            &format!("{list}[{i}].place"),
                            "unknown_place",
                            format!("no place named {name:?}"),
                        ),
                    }
                }
            }
        }
    }
    if let Some(Value::Array(names)) = obj.remove("programmes") {
        let mut ids = Vec::new();
        for (i, v) in names.iter().enumerate() {
            let name = v.as_str().unwrap_or_default();
            match programmes.get(name) {
                Some(id) => ids.push(Value::String(id.to_string())),
                None => problem(
                    p,
                    n,
                    &format!("programmes[{i}]"),
                    "unknown_programme",
                    format!("no programme with the IATI identifier {name:?}"),
                ),
            }
        }
        obj.insert("programme_ids".into(), Value::Array(ids));
    }
    (p.count() == before).then_some(e)
}

/// The name a service is known by in its organisation: its English name, else any.
fn key_of(name: &semey_domain::LocalText) -> String {
    name.best(Lang::En)
        .unwrap_or_default()
        .trim()
        .to_lowercase()
}

/// `semey import services FILE.json`.
pub async fn import_services(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let entries = crate::import::fields::json_array(src.bytes, "services")?;
    let orgs = OrgIndex::load(store).await?;
    let places = PlaceIndex::load(store).await?;
    let programmes = store.programme_ids_by_identifier().await?;
    // Every service already in the directory, by organisation and name, page by page.
    let mut by_key: HashMap<(String, String), ServiceId> = HashMap::new();
    let mut offset = 0i64;
    loop {
        let page = Page::new(Some(Page::MAX_LIMIT), Some(offset));
        let (existing, total) = store.list_services(&ServiceFilter::default(), page).await?;
        offset += existing.len() as i64;
        let done = existing.is_empty() || offset >= total;
        for s in existing {
            by_key.insert((s.organisation_id.to_string(), key_of(&s.name)), s.id);
        }
        if done {
            break;
        }
    }
    let mut problems = Problems::default();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut services: Vec<(usize, ServiceInput, Option<ServiceId>)> = Vec::new();
    progress.start("checking services", entries.len() as u64);
    for (i, entry) in entries.into_iter().enumerate() {
        let n = i + 1;
        let Some(resolved) = resolve(entry, n, &orgs, &places, &programmes, &mut problems) else {
            continue;
        };
        let input: ServiceInput = match serde_path_to_error::deserialize(resolved) {
            Ok(v) => v,
            Err(e) => {
                problem(
                    &mut problems,
                    n,
                    &e.path().to_string(),
                    "invalid_value",
                    e.inner().to_string(),
                );
                continue;
            }
        };
        let key = (input.organisation_id.to_string(), key_of(&input.name));
        if let Some(first) = seen.insert(key.clone(), n) {
            problem(
                &mut problems,
                n,
                "name",
                "duplicate_row",
                format!("this service repeats entry {first}"),
            );
            continue;
        }
        let id = by_key.remove(&key);
        match input.clone().check(id.unwrap_or_default()) {
            Ok(_) => services.push((n, input, id)),
            Err(inv) => {
                for e in inv.errors {
                    problem(&mut problems, n, &e.field, &e.code, e.message);
                }
            }
        }
        progress.set(n as u64);
    }
    problems.into_result()?;
    let report = ImportReport {
        kind: "services".into(),
        rows: services.len() as u64,
        ..Default::default()
    };
    // Service files are small: each entry goes through the record path with its own audit
    // line, besides the file's.
    let rows = services
        .into_iter()
        .map(|(n, input, id)| (format!("entry {n}"), id, input))
        .collect();
    crate::import::records::save_rows::<Service>(
        store,
        src,
        report,
        rows,
        Problems::default(),
        progress,
    )
    .await
}
