//! `semey import organisations FILE.csv` (layout in `docs/import-formats.md`), and the lookup
//! of organisations by IATI identifier, id or name that other table imports use.

use crate::import::CsvTable;
use crate::import::{ImportReport, Problems, Progress, Source};
use crate::AppError;
use semey_domain::funding::Origin;
use semey_domain::ids::OrganisationId;
use semey_domain::organisation::{Contact, Organisation, OrganisationInput};
use semey_domain::Lang;
use semey_store::Store;
use std::collections::HashMap;

use crate::import::fields::local_text;

/// Resolves organisation references: IATI identifier, id, or exact name in any language.
pub(crate) struct OrgIndex {
    by_key: HashMap<String, OrganisationId>,
    pub(crate) origin: HashMap<OrganisationId, Origin>,
}

impl OrgIndex {
    pub(crate) async fn load(store: &Store) -> Result<Self, AppError> {
        let orgs = store.all_organisations().await?;
        let mut by_key = HashMap::new();
        let mut origin = HashMap::new();
        for o in orgs.values() {
            by_key.insert(o.id.to_string(), o.id);
            if let Some(i) = &o.iati_id {
                by_key.insert(i.to_lowercase(), o.id);
            }
            for l in Lang::ALL {
                if let Some(n) = o.name.get(l) {
                    by_key.entry(n.to_lowercase()).or_insert(o.id);
                }
            }
            origin.insert(o.id, o.origin());
        }
        Ok(Self { by_key, origin })
    }

    pub(crate) fn find(&self, key: &str) -> Option<OrganisationId> {
        self.by_key.get(&key.trim().to_lowercase()).copied()
    }
}

pub(crate) fn resolve_org(
    idx: &OrgIndex,
    p: &mut Problems,
    line: u64,
    field: &str,
    value: Option<&str>,
) -> Option<OrganisationId> {
    let v = value?;
    let found = idx.find(v);
    if found.is_none() {
        p.line(line, field, "unknown_organisation", format!("no organisation with IATI identifier, id or name {v:?}: import organisations first"));
    }
    found
}

/// `semey import organisations FILE.csv`.
pub async fn import_organisations(
    store: &Store,
    src: &Source<'_>,
    progress: &mut dyn Progress,
) -> Result<ImportReport, AppError> {
    src.authorise()?;
    let bytes = src.bytes;
    let table = CsvTable::parse(bytes, &["org_type", "country"])?;
    if !Lang::ALL
        .iter()
        .any(|l| table.has(&format!("name_{}", l.code())))
    {
        return Err(AppError::Import(vec![semey_domain::FieldError::new(
            "line 1: name_en",
            "missing_column",
            "a name column (name_en, name_ru, name_kk or name_zh) is required",
        )]));
    }
    let index = OrgIndex::load(store).await?;
    let mut problems = Problems::default();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut orgs: Vec<(u64, OrganisationInput, Option<OrganisationId>)> = Vec::new();
    progress.start("checking organisations", table.len() as u64);
    for row in table.rows() {
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let name = local_text(&row, "name");
        let key = row
            .opt("iati_id")
            .map(str::to_owned)
            .or_else(|| name.best(Lang::En).map(str::to_owned))
            .unwrap_or_default()
            .to_lowercase();
        if let Some(first) = seen.insert(key.clone(), row.line) {
            problems.line(
                row.line,
                "",
                "duplicate_row",
                format!("this organisation ({key}) is already on line {first}"),
            );
            continue;
        }
        let org_type = match row.get("org_type").parse::<u16>() {
            Ok(t) => t,
            Err(_) => {
                problems.line(
                    row.line,
                    "org_type",
                    "invalid_org_type",
                    format!(
                        "{:?} is not an IATI OrganisationType code",
                        row.get("org_type")
                    ),
                );
                continue;
            }
        };
        let existing = row
            .opt("iati_id")
            .and_then(|i| index.find(i))
            .or_else(|| name.best(Lang::En).and_then(|n| index.find(n)));
        let contact = Contact {
            name: row.get("contact_name").to_owned(),
            role: row.get("contact_role").to_owned(),
            email: row.get("contact_email").to_owned(),
            phone: row.get("contact_phone").to_owned(),
        };
        let input = OrganisationInput {
            iati_id: row.opt("iati_id").map(str::to_owned),
            name,
            acronym: row.opt("acronym").map(str::to_owned),
            org_type,
            country: row.get("country").to_owned(),
            mechanism_role: row.opt("mechanism_role").map(str::to_owned),
            contacts: if contact == Contact::default() {
                Vec::new()
            } else {
                vec![contact]
            },
            website: row.opt("website").map(str::to_owned),
        };
        match input.clone().check(existing.unwrap_or_default()) {
            Ok(_) => orgs.push((row.line, input, existing)),
            Err(e) => problems.invalid(row.line, e),
        }
    }
    problems.into_result()?;
    let mut report = ImportReport {
        kind: "organisations".into(),
        rows: orgs.len() as u64,
        ..Default::default()
    };
    report.notes.extend(table.encoding_note.clone());
    // Organisation files are small: each record goes through the record path and gets its own
    // audit line, besides the file's.
    let rows = orgs
        .into_iter()
        .map(|(line, input, id)| (format!("line {line}"), id, input))
        .collect();
    crate::import::records::save_rows::<Organisation>(
        store,
        src,
        report,
        rows,
        Problems::default(),
        progress,
    )
    .await
}
