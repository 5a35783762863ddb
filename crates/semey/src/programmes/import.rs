//! `semey import programmes FILE.csv` (layout in `docs/import-formats.md`).

use crate::import::CsvTable;
use crate::import::{ImportReport, Problems, Progress, Source};
use crate::AppError;
use rust_decimal::Decimal;
use semey_domain::ids::{MandateId, ProgrammeId};
use semey_domain::place::KatoCode;
use semey_domain::programme::{
    OrgRole, Participant, PolicyMarker, ProgrammeDates, ProgrammeInput, ProgrammePlace, SectorInput,
};
use semey_store::{Page, PlaceFilter, Store};
use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use crate::import::fields::{list, local_text, parse_date};
use crate::organisations::import::{resolve_org, OrgIndex};

/// `semey import programmes FILE.csv`.
pub async fn import_programmes(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let table = CsvTable::parse(bytes, &["iati_identifier", "status", "areas"])?;
    let orgs = OrgIndex::load(store).await?;
    let existing = store.programme_ids_by_identifier().await?;
    let (places, _) = store
        .list_places(
            &PlaceFilter::default(),
            Page {
                limit: i64::MAX,
                offset: 0,
            },
        )
        .await?;
    let place_by_kato: HashMap<String, semey_domain::ids::PlaceId> = places
        .iter()
        .filter_map(|p| p.kato.as_ref().map(|k| (k.to_string(), p.id)))
        .collect();
    let place_ids: BTreeSet<String> = places.iter().map(|p| p.id.to_string()).collect();
    let mut problems = Problems::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    // Identifiers in this file get their ids first, so parents can be given in any order.
    let mut file_ids: HashMap<String, ProgrammeId> = HashMap::new();
    for row in table.rows().flatten() {
        let ident = row.get("iati_identifier").to_owned();
        let id = existing.get(&ident).copied().unwrap_or_default();
        file_ids.entry(ident).or_insert(id);
    }
    let mut programmes = Vec::new();
    progress.start("checking programmes", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let line = row.line;
        let ident = row.get("iati_identifier").to_owned();
        if let Some(first) = seen.insert(ident.clone(), line) {
            problems.line(
                line,
                "iati_identifier",
                "duplicate_row",
                format!("{ident} is already on line {first}"),
            );
            continue;
        }
        let mut date = |col: &str| match row.opt(col) {
            Some(s) => match parse_date(s) {
                Ok(d) => Some(d),
                Err(m) => {
                    problems.line(line, col, "invalid_date", m);
                    None
                }
            },
            None => None,
        };
        let dates = ProgrammeDates {
            planned_start: date("planned_start"),
            planned_end: date("planned_end"),
            actual_start: date("actual_start"),
            actual_end: date("actual_end"),
        };
        let mut sectors = Vec::new();
        for s in list(row.get("sectors")) {
            let (code, pct) = s.rsplit_once(':').unwrap_or((s, "100"));
            match Decimal::from_str(pct.trim()) {
                Ok(percentage) => sectors.push(SectorInput {
                    vocabulary: if code.trim().chars().all(|c| c.is_ascii_digit()) {
                        "dac5".into()
                    } else {
                        "custom".into()
                    },
                    code: code.trim().to_owned(),
                    percentage,
                }),
                Err(_) => problems.line(
                    line,
                    "sectors",
                    "invalid_percentage",
                    format!("{pct:?} in {s:?} is not a percentage"),
                ),
            }
        }
        let mut places_in = Vec::new();
        for s in list(row.get("places")) {
            let (key, pct) = match s.split_once(':') {
                Some((k, p)) => (k.trim(), Some(p.trim())),
                None => (s, None),
            };
            let id = if KatoCode::parse(key).is_ok() {
                place_by_kato.get(key).copied()
            } else {
                place_ids.get(key).and_then(|k| k.parse().ok())
            };
            let percentage = match pct.map(Decimal::from_str) {
                Some(Ok(d)) => semey_domain::programme::Percentage::parse(d)
                    .map(Some)
                    .unwrap_or_else(|e| {
                        problems.invalid(line, e);
                        None
                    }),
                Some(Err(_)) => {
                    problems.line(
                        line,
                        "places",
                        "invalid_percentage",
                        format!("{s:?}: the share is not a number"),
                    );
                    None
                }
                None => None,
            };
            match id {
                Some(place_id) => places_in.push(ProgrammePlace {
                    place_id,
                    percentage,
                }),
                None => problems.line(
                    line,
                    "places",
                    "unknown_place",
                    format!("no place with KATO code or id {key:?}: import places first"),
                ),
            }
        }
        let mut participants = Vec::new();
        for (col, role) in [
            ("funding_orgs", OrgRole::Funding),
            ("accountable_orgs", OrgRole::Accountable),
            ("extending_orgs", OrgRole::Extending),
            ("implementing_orgs", OrgRole::Implementing),
        ] {
            for o in list(row.get(col)) {
                if let Some(organisation_id) = resolve_org(&orgs, &mut problems, line, col, Some(o))
                {
                    participants.push(Participant {
                        organisation_id,
                        role,
                    });
                }
            }
        }
        let reporting_org_id = resolve_org(
            &orgs,
            &mut problems,
            line,
            "reporting_org",
            row.opt("reporting_org"),
        );
        let parent_id = match row.opt("parent") {
            Some(p) => {
                let found = file_ids
                    .get(p)
                    .copied()
                    .or_else(|| existing.get(p).copied());
                if found.is_none() {
                    problems.line(
                        line,
                        "parent",
                        "unknown_programme",
                        format!("no programme with identifier {p:?}"),
                    );
                }
                found
            }
            None => None,
        };
        let mut policy_markers = Vec::new();
        for m in list(row.get("policy_markers")) {
            let parsed = m
                .split_once(':')
                .and_then(|(c, g)| Some((c.trim().parse().ok()?, g.trim().parse().ok()?)));
            match parsed {
                Some((code, significance)) => policy_markers.push(PolicyMarker { code, significance }),
                None => problems.line(
                    line,
                    "policy_markers",
                    "invalid_policy_marker",
                    format!("{m:?} is not CODE:SIGNIFICANCE (IATI PolicyMarker and PolicySignificance codes)"),
                ),
            }
        }
        let status = match row.get("status").parse::<u8>() {
            Ok(s) => s,
            Err(_) => {
                problems.line(
                    line,
                    "status",
                    "unknown_status",
                    format!(
                        "{:?} is not an IATI ActivityStatus code (1–6)",
                        row.get("status")
                    ),
                );
                continue;
            }
        };
        // Mandates as "A/RES/75/210 7" (symbol and paragraph) or ids.
        let mut mandate_ids = Vec::new();
        for m in list(row.get("mandates")) {
            let parsed = m.parse::<MandateId>().ok().or_else(|| {
                let (symbol, n) = m.trim().rsplit_once(' ')?;
                Some(MandateId::of(symbol.trim(), n.parse().ok()?))
            });
            match parsed {
                Some(id) => mandate_ids.push(id),
                None => problems.line(
                    line,
                    "mandates",
                    "invalid_mandate",
                    format!(
                        "{m:?} is not a resolution's symbol and paragraph (\"A/RES/75/210 7\")"
                    ),
                ),
            }
        }
        let input = ProgrammeInput {
            iati_identifier: ident.clone(),
            title: local_text(&row, "title"),
            description: local_text(&row, "description"),
            status,
            dates,
            areas: list(row.get("areas")).map(str::to_owned).collect(),
            sectors,
            sdg_targets: list(row.get("sdg_targets")).map(str::to_owned).collect(),
            places: places_in,
            target_groups: list(row.get("target_groups")).map(str::to_owned).collect(),
            participants,
            policy_markers,
            terms: row.terms(),
            parent_id,
            reporting_org_id,
            mandate_ids,
        };
        match input.check(file_ids[&ident]) {
            Ok(p) => programmes.push((p, existing.contains_key(&ident))),
            Err(e) => problems.invalid(line, e),
        }
        progress.set(line);
    }
    problems.into_result()?;
    let mut report = ImportReport {
        kind: "programmes".into(),
        rows: programmes.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    // Parents first, so that every parent exists when its projects are saved.
    programmes.sort_by_key(|(p, _)| p.parent_id.is_some());
    progress.start("saving programmes", programmes.len() as u64);
    let mut tx = store.begin().await?;
    let keeps_mandates = !table.has("mandates");
    for (i, (p, exists)) in programmes.iter_mut().enumerate() {
        if *exists {
            let held = store.programme_in(&mut tx, p.id).await?;
            if keeps_mandates {
                // A file without the column leaves the programme's mandates as they are.
                p.mandate_ids = held.mandate_ids.clone();
            }
            if held == *p {
                report.unchanged += 1;
                continue;
            }
            report.updated += 1;
        } else {
            report.inserted += 1;
        }
        store
            .save_programme(&mut tx, p)
            .await
            .map_err(|e| match e {
                semey_store::StoreError::Invalid(inv) => AppError::Import(
                    inv.errors
                        .into_iter()
                        .map(|fe| fe.under(&format!("programme {}", p.iati_identifier)))
                        .collect(),
                ),
                other => other.into(),
            })?;
        progress.set(i as u64 + 1);
    }
    // Programme files can be large: the file gets one audit line with its digest and counts.
    src.audit(store, &mut tx, &report).await?;
    tx.commit().await?;
    progress.finish();
    Ok(report)
}
