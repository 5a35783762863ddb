//! Programmes and projects with their areas, sectors, places, groups, partners and markers.

use crate::db::{bind_args, now, on_db, on_pool, on_tx, parse_id, Arg, Db, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::{OrganisationId, PlaceId, ProgrammeId};
use semey_domain::programme::{
    ActivityStatus, OrgRole, Participant, Percentage, PolicyMarker, Programme, ProgrammeDates,
    ProgrammePlace, SdgTarget, SectorShare, SectorVocabulary, TargetGroup, ThematicArea,
};
use semey_domain::terms::FinanceTerms;
use semey_domain::Invalid;
use std::collections::HashMap;
use time::Date;

/// The columns a programme write sets, in the order of [`programme_args`].
const PROGRAMME_WRITE_COLUMNS: &str = "id, iati_identifier, parent_id, reporting_org_id, title, description, search, status, \
     planned_start, planned_end, actual_start, actual_end, aid_type, finance_type, flow_type, tied_status, updated_at";
const PROGRAMME_WRITE_COUNT: usize = 17;

/// The values of [`PROGRAMME_WRITE_COLUMNS`] for a programme changed at `at`.
fn programme_args(p: &Programme, at: time::OffsetDateTime, args: &mut Vec<Arg>) {
    let search = format!(
        "{} {} {}",
        p.title.search_key(),
        p.description.search_key(),
        p.iati_identifier.to_lowercase()
    );
    args.extend([
        Arg::Text(p.id.to_string()),
        Arg::Text(p.iati_identifier.clone()),
        Arg::OptText(p.parent_id.map(|x| x.to_string())),
        Arg::OptText(p.reporting_org_id.map(|x| x.to_string())),
        Arg::Text(serde_json::to_string(&p.title).expect("serialises")),
        Arg::Text(serde_json::to_string(&p.description).expect("serialises")),
        Arg::Text(search),
        Arg::Int(i64::from(p.status.code())),
        Arg::OptDate(p.dates.planned_start),
        Arg::OptDate(p.dates.planned_end),
        Arg::OptDate(p.dates.actual_start),
        Arg::OptDate(p.dates.actual_end),
        Arg::OptText(p.terms.aid_type.clone()),
        Arg::OptText(p.terms.finance_type.clone()),
        Arg::OptText(p.terms.flow_type.clone()),
        Arg::OptText(p.terms.tied_status.clone()),
        Arg::Time(at),
    ]);
}

/// The refusal of an IATI identifier another programme holds.
fn duplicate_identifier(identifier: &str) -> StoreError {
    StoreError::Invalid(Invalid::one(
        "iati_identifier",
        "duplicate_iati_identifier",
        format!("another programme already has the identifier {identifier}"),
    ))
}

/// Filters shared by programme lists and funding summaries.
#[derive(Debug, Clone, Default)]
pub struct ProgrammeFilter {
    pub area: Option<ThematicArea>,
    pub status: Option<ActivityStatus>,
    /// The place or anything inside it.
    pub place: Option<PlaceId>,
    /// Organisations taking part in any role, or reporting.
    pub organisation: Option<OrganisationId>,
    pub sdg_target: Option<SdgTarget>,
    pub target_group: Option<TargetGroup>,
    /// Programmes running at some point of this year (by actual dates, else planned).
    pub year: Option<i32>,
    /// Programmes running at some point between these two days (by actual dates, else
    /// planned), both included: a report's period.
    pub period: Option<(Date, Date)>,
    pub parent_id: Option<ProgrammeId>,
    /// Text search on titles and descriptions in every language and on the identifier.
    pub q: Option<String>,
}

impl ProgrammeFilter {
    /// True when the filter selects every programme.
    pub fn is_empty(&self) -> bool {
        self.area.is_none()
            && self.status.is_none()
            && self.place.is_none()
            && self.organisation.is_none()
            && self.sdg_target.is_none()
            && self.target_group.is_none()
            && self.year.is_none()
            && self.period.is_none()
            && self.parent_id.is_none()
            && self.q.as_deref().is_none_or(|q| q.trim().is_empty())
    }

    /// Appends ` AND …` conditions restricting `id_expr` (a programme id column) to this filter.
    pub(crate) fn push_conditions(&self, sql: &mut Sql, id_expr: &str, year_on_dates: bool) {
        self.push_conditions_on(sql, id_expr, None, year_on_dates);
    }

    /// Appends ` AND …` conditions restricting the programmes row `alias` of the query to this
    /// filter: its own columns are tested directly, without looking the row up again.
    pub(crate) fn push_row_conditions(&self, sql: &mut Sql, alias: &str, year_on_dates: bool) {
        self.push_conditions_on(sql, &format!("{alias}.id"), Some(alias), year_on_dates);
    }

    /// The conditions on `id_expr`; `own`: the programmes row whose id it is, when the query
    /// has it.
    fn push_conditions_on(
        &self,
        sql: &mut Sql,
        id_expr: &str,
        own: Option<&str>,
        year_on_dates: bool,
    ) {
        // `EXISTS (SELECT 1 FROM programmes a WHERE a.id = id_expr AND …)` for a condition on
        // the programme's own columns, or `(…)` on the row at hand.
        let own_row = |sql: &mut Sql, alias: &str| -> String {
            match own {
                Some(row) => {
                    sql.push(" AND (");
                    row.to_owned()
                }
                None => {
                    sql.push(&format!(
                        " AND EXISTS (SELECT 1 FROM programmes {alias} WHERE {alias}.id = {id_expr} AND "
                    ));
                    alias.to_owned()
                }
            }
        };
        if let Some(a) = self.area {
            sql.push(&format!(" AND EXISTS (SELECT 1 FROM programme_areas fa WHERE fa.programme_id = {id_expr} AND fa.area = "))
                .arg(Arg::Text(a.as_str().to_owned()))
                .push(")");
        }
        if let Some(s) = self.status {
            let fs = own_row(sql, "fs");
            sql.push(&format!("{fs}.status = "))
                .arg(Arg::Int(i64::from(s.code())))
                .push(")");
        }
        if let Some(p) = self.place {
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM programme_places fp JOIN places fpl ON fpl.id = fp.place_id \
                 WHERE fp.programme_id = {id_expr} AND (fpl.id = "
            ))
            .arg(Arg::Text(p.to_string()))
            .push(" OR fpl.path LIKE (SELECT path FROM places WHERE id = ")
            .arg(Arg::Text(p.to_string()))
            .push(") || '/%'))");
        }
        if let Some(o) = self.organisation {
            sql.push(&format!(" AND (EXISTS (SELECT 1 FROM programme_participants fo WHERE fo.programme_id = {id_expr} AND fo.organisation_id = "))
                .arg(Arg::Text(o.to_string()))
                .push(&match own {
                    Some(row) => format!(") OR {row}.reporting_org_id = "),
                    None => format!(") OR EXISTS (SELECT 1 FROM programmes fr WHERE fr.id = {id_expr} AND fr.reporting_org_id = "),
                })
                .arg(Arg::Text(o.to_string()))
                .push(if own.is_some() { ")" } else { "))" });
        }
        if let Some(t) = &self.sdg_target {
            sql.push(&format!(" AND EXISTS (SELECT 1 FROM programme_sdg_targets ft WHERE ft.programme_id = {id_expr} AND ft.target = "))
                .arg(Arg::Text(t.as_str().to_owned()))
                .push(")");
        }
        if let Some(g) = self.target_group {
            sql.push(&format!(" AND EXISTS (SELECT 1 FROM programme_target_groups fg WHERE fg.programme_id = {id_expr} AND fg.target_group = "))
                .arg(Arg::Text(g.as_str().to_owned()))
                .push(")");
        }
        let year = self.year.filter(|_| year_on_dates).and_then(|y| {
            let first = Date::from_calendar_date(y, time::Month::January, 1).ok()?;
            let last = Date::from_calendar_date(y, time::Month::December, 31).ok()?;
            Some((first, last))
        });
        for (first, last) in year.into_iter().chain(self.period) {
            let fy = own_row(sql, "fy");
            sql.push(&format!("COALESCE({fy}.actual_start, {fy}.planned_start) <= "))
                .arg(Arg::Date(last))
                .push(&format!(" AND (COALESCE({fy}.actual_end, {fy}.planned_end) IS NULL OR COALESCE({fy}.actual_end, {fy}.planned_end) >= "))
                .arg(Arg::Date(first))
                .push("))");
        }
        if let Some(p) = self.parent_id {
            let fpa = own_row(sql, "fpa");
            sql.push(&format!("{fpa}.parent_id = "))
                .arg(Arg::Text(p.to_string()))
                .push(")");
        }
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let fq = own_row(sql, "fq");
            sql.push(&format!("{fq}.search LIKE "))
                .arg(Arg::Text(format!("%{}%", q.to_lowercase())))
                .push(")");
        }
    }
}

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    id: String,
    iati_identifier: String,
    parent_id: Option<String>,
    reporting_org_id: Option<String>,
    title: String,
    description: String,
    status: i64,
    planned_start: Option<Date>,
    planned_end: Option<Date>,
    actual_start: Option<Date>,
    actual_end: Option<Date>,
    aid_type: Option<String>,
    finance_type: Option<String>,
    flow_type: Option<String>,
    tied_status: Option<String>,
}

const PROGRAMME_COLUMNS: &str =
    "id, iati_identifier, parent_id, reporting_org_id, title, description, status, planned_start, planned_end, actual_start, actual_end, \
     aid_type, finance_type, flow_type, tied_status";

fn corrupt(e: impl ToString) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

impl ProgrammeRow {
    fn into_programme(self) -> Result<Programme> {
        Ok(Programme {
            id: parse_id(&self.id)?,
            iati_identifier: self.iati_identifier,
            title: serde_json::from_str(&self.title).map_err(corrupt)?,
            description: serde_json::from_str(&self.description).map_err(corrupt)?,
            status: ActivityStatus::parse(u8::try_from(self.status).unwrap_or(0))
                .map_err(corrupt)?,
            dates: ProgrammeDates {
                planned_start: self.planned_start,
                planned_end: self.planned_end,
                actual_start: self.actual_start,
                actual_end: self.actual_end,
            },
            areas: Vec::new(),
            sectors: Vec::new(),
            sdg_targets: Vec::new(),
            places: Vec::new(),
            target_groups: Vec::new(),
            participants: Vec::new(),
            policy_markers: Vec::new(),
            terms: FinanceTerms {
                aid_type: self.aid_type,
                finance_type: self.finance_type,
                flow_type: self.flow_type,
                tied_status: self.tied_status,
            },
            parent_id: self.parent_id.as_deref().map(parse_id).transpose()?,
            reporting_org_id: self.reporting_org_id.as_deref().map(parse_id).transpose()?,
            mandate_ids: Vec::new(),
        })
    }
}

impl Store {
    /// Creates or replaces a programme and its lists. References (places, organisations, parent)
    /// must exist; the IATI identifier must be unique.
    pub async fn save_programme(&self, tx: &mut Tx, p: &Programme) -> Result<()> {
        self.check_references(tx, std::slice::from_ref(p), false)
            .await?;
        if let Some(parent) = p.parent_id {
            self.check_parent(tx, p.id, parent).await?;
        }
        let existed: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM programmes WHERE id = $1").bind(p.id.to_string()).fetch_one(&mut *c).await)?;
        let mut args = Vec::with_capacity(PROGRAMME_WRITE_COUNT);
        programme_args(p, now(), &mut args);
        let sql = format!(
            "INSERT INTO programmes ({PROGRAMME_WRITE_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) \
             ON CONFLICT (id) DO UPDATE SET iati_identifier = excluded.iati_identifier, parent_id = excluded.parent_id, \
             reporting_org_id = excluded.reporting_org_id, title = excluded.title, description = excluded.description, \
             search = excluded.search, status = excluded.status, planned_start = excluded.planned_start, \
             planned_end = excluded.planned_end, actual_start = excluded.actual_start, actual_end = excluded.actual_end, \
             aid_type = excluded.aid_type, finance_type = excluded.finance_type, flow_type = excluded.flow_type, \
             tied_status = excluded.tied_status, updated_at = excluded.updated_at"
        );
        on_tx!(tx, c => bind_args!(sqlx::query(&sql), args).execute(&mut *c).await.map(|r| r.rows_affected())).map_err(|e| match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => duplicate_identifier(&p.iati_identifier),
            _ => StoreError::Db(e),
        })?;
        tx.stale.programme(&p.id.to_string());
        if existed == 0 {
            // A new programme has no lists to replace and no money in the split cubes yet.
            return self
                .insert_programme_lists(tx, std::slice::from_ref(p))
                .await;
        }
        // The programme's areas and places may change: its money leaves the split cubes under
        // the old shares and comes back under the new ones, and every server's copy of the
        // roll-ups reads its area shares again (`summaries.rs`).
        tx.money.programme(&p.id.to_string());
        let this = std::collections::BTreeSet::from([p.id]);
        self.adjust_split_cubes(tx, &this, crate::rollups::Sign::Remove)
            .await?;
        // The paragraphs it served may lose it.
        let served = crate::mandate_figures::mandates_of_programme(tx, &p.id.to_string()).await?;
        tx.stale.mandates(served);
        self.replace_programme_lists(tx, p).await?;
        self.adjust_split_cubes(tx, &this, crate::rollups::Sign::Add)
            .await?;
        // Its indicators are counted by the programme's areas and reporting organisation.
        if self.programme_has_indicators(tx, p.id).await? {
            self.rebuild_status_rollup(tx).await?;
        }
        Ok(())
    }

    /// Programmes that are all new, with their lists, in a few statements for the lot (imports
    /// of thousands of activities), instead of a dozen for each as [`Store::save_programme`]
    /// takes. The same rules hold: references exist (a parent may be a programme earlier in
    /// `ps`), identifiers are unique; and neither an id nor an identifier may be stored already.
    /// New programmes have no money yet, so no roll-up changes.
    pub async fn insert_new_programmes(&self, tx: &mut Tx, ps: &[Programme]) -> Result<()> {
        if ps.is_empty() {
            return Ok(());
        }
        self.check_references(tx, ps, true).await?;
        for p in ps {
            tx.stale.programme(&p.id.to_string());
        }
        let mut seen_ids = std::collections::HashSet::new();
        let mut seen_identifiers = std::collections::HashSet::new();
        for p in ps {
            if !seen_identifiers.insert(p.iati_identifier.as_str()) || !seen_ids.insert(p.id) {
                return Err(duplicate_identifier(&p.iati_identifier));
            }
        }
        let ids: Vec<String> = ps.iter().map(|p| p.id.to_string()).collect();
        if let Some(id) = self
            .present(tx, "programmes", "id", &ids)
            .await?
            .into_iter()
            .next()
        {
            let p = ps
                .iter()
                .find(|p| p.id.to_string() == id)
                .expect("asked for");
            return Err(duplicate_identifier(&p.iati_identifier));
        }
        let identifiers: Vec<String> = ps.iter().map(|p| p.iati_identifier.clone()).collect();
        if let Some(i) = self
            .present(tx, "programmes", "iati_identifier", &identifiers)
            .await?
            .into_iter()
            .next()
        {
            return Err(duplicate_identifier(&i));
        }
        // Parents: stored ones, or programmes earlier in the batch (new programmes cannot close a
        // cycle: nothing stored points at them).
        let mut earlier = std::collections::HashSet::new();
        let mut outside = Vec::new();
        for p in ps {
            if let Some(parent) = p.parent_id {
                if !earlier.contains(&parent) {
                    outside.push((parent.to_string(), p));
                }
            }
            earlier.insert(p.id);
        }
        let wanted: Vec<String> = outside.iter().map(|(id, _)| id.clone()).collect();
        let stored = self.present(tx, "programmes", "id", &wanted).await?;
        if let Some((parent, p)) = outside.iter().find(|(id, _)| !stored.contains(id)) {
            return Err(Invalid::one(
                "parent_id",
                "unknown_programme",
                format!("{}: no programme with id {parent}", p.iati_identifier),
            )
            .into());
        }
        let at = now();
        let mut args = Vec::with_capacity(ps.len() * PROGRAMME_WRITE_COUNT);
        for p in ps {
            programme_args(p, at, &mut args);
        }
        self.insert_all(
            tx,
            "programmes",
            PROGRAMME_WRITE_COLUMNS,
            PROGRAMME_WRITE_COUNT,
            &args,
            crate::db::OnConflict::Refuse,
        )
        .await?;
        self.insert_programme_lists(tx, ps).await
    }

    /// The places, organisations and reporting organisations that programmes name exist, in
    /// one query for each table. `named` puts the programme's identifier in a refusal (for a
    /// batch).
    async fn check_references(&self, tx: &mut Tx, ps: &[Programme], named: bool) -> Result<()> {
        let places: Vec<String> = ps
            .iter()
            .flat_map(|p| p.places.iter().map(|x| x.place_id.to_string()))
            .collect();
        let orgs: Vec<String> = ps
            .iter()
            .flat_map(|p| {
                p.participants
                    .iter()
                    .map(|x| x.organisation_id)
                    .chain(p.reporting_org_id)
                    .map(|o| o.to_string())
            })
            .collect();
        let mandates: Vec<String> = ps
            .iter()
            .flat_map(|p| p.mandate_ids.iter().map(|m| m.to_string()))
            .collect();
        let stored_mandates = self.present(tx, "mandates", "id", &mandates).await?;
        let stored_places = self.present(tx, "places", "id", &places).await?;
        let stored_orgs = self.present(tx, "organisations", "id", &orgs).await?;
        let whose = |p: &Programme, msg: String| {
            if named {
                format!("{}: {msg}", p.iati_identifier)
            } else {
                msg
            }
        };
        for p in ps {
            for (i, x) in p.places.iter().enumerate() {
                if !stored_places.contains(&x.place_id.to_string()) {
                    return Err(Invalid::one(
                        format!("places[{i}].place_id"),
                        "unknown_place",
                        whose(p, format!("no place with id {}", x.place_id)),
                    )
                    .into());
                }
            }
            let unknown = |field: String, id: OrganisationId| -> StoreError {
                Invalid::one(
                    field,
                    "unknown_organisation",
                    whose(p, format!("no organisation with id {id}")),
                )
                .into()
            };
            for (i, part) in p.participants.iter().enumerate() {
                if !stored_orgs.contains(&part.organisation_id.to_string()) {
                    return Err(unknown(
                        format!("participants[{i}].organisation_id"),
                        part.organisation_id,
                    ));
                }
            }
            if let Some(o) = p.reporting_org_id {
                if !stored_orgs.contains(&o.to_string()) {
                    return Err(unknown("reporting_org_id".into(), o));
                }
            }
            // Named by id: the list is kept sorted, so a position would not be the sender's.
            for m in &p.mandate_ids {
                if !stored_mandates.contains(&m.to_string()) {
                    return Err(Invalid::one(
                        "mandate_ids",
                        "unknown_mandate",
                        whose(p, format!("no mandate with id {m}")),
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    async fn check_parent(&self, tx: &mut Tx, id: ProgrammeId, parent: ProgrammeId) -> Result<()> {
        // Walk up from the parent: a cycle would make a programme its own ancestor.
        let mut current = Some(parent.to_string());
        let mut depth = 0;
        while let Some(cur) = current {
            if cur == id.to_string() {
                return Err(Invalid::one(
                    "parent_id",
                    "parent_cycle",
                    "this parent would make the programme its own ancestor",
                )
                .into());
            }
            let row: Option<(Option<String>,)> = on_tx!(tx, c => sqlx::query_as("SELECT parent_id FROM programmes WHERE id = $1").bind(&cur).fetch_optional(&mut *c).await)?;
            match row {
                Some((next,)) => current = next,
                None if depth == 0 => {
                    return Err(Invalid::one(
                        "parent_id",
                        "unknown_programme",
                        format!("no programme with id {parent}"),
                    )
                    .into())
                }
                None => current = None,
            }
            depth += 1;
        }
        Ok(())
    }

    async fn replace_programme_lists(&self, tx: &mut Tx, p: &Programme) -> Result<()> {
        let id = p.id.to_string();
        for table in [
            "programme_areas",
            "programme_sectors",
            "programme_sdg_targets",
            "programme_places",
            "programme_target_groups",
            "programme_participants",
            "programme_policy_markers",
            "programme_mandates",
        ] {
            let sql = format!("DELETE FROM {table} WHERE programme_id = $1");
            on_tx!(tx, c => sqlx::query(&sql).bind(&id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        self.insert_programme_lists(tx, std::slice::from_ref(p))
            .await
    }

    /// The lists of new (or just cleared) programmes: one multi-row insert per list table for
    /// all of them.
    async fn insert_programme_lists(&self, tx: &mut Tx, ps: &[Programme]) -> Result<()> {
        let mut areas = Vec::new();
        let mut sectors = Vec::new();
        let mut sdgs = Vec::new();
        let mut places = Vec::new();
        let mut groups = Vec::new();
        let mut participants = Vec::new();
        let mut markers = Vec::new();
        let mut mandates = Vec::new();
        for p in ps {
            let id = || Arg::Text(p.id.to_string());
            for (area, share) in p.area_shares() {
                areas.extend([
                    id(),
                    Arg::Text(area.as_str().into()),
                    Arg::Int(share.into()),
                ]);
            }
            for s in &p.sectors {
                sectors.extend([
                    id(),
                    Arg::Text(s.vocabulary.as_str().into()),
                    Arg::Text(s.code.clone()),
                    Arg::Int(s.percentage.hundredths().into()),
                ]);
            }
            for t in &p.sdg_targets {
                sdgs.extend([id(), Arg::Text(t.as_str().into())]);
            }
            for ((place, share), given) in p.place_shares().into_iter().zip(&p.places) {
                places.extend([
                    id(),
                    Arg::Text(place.to_string()),
                    Arg::OptInt(given.percentage.map(|x| x.hundredths().into())),
                    Arg::Int(share.into()),
                ]);
            }
            for g in &p.target_groups {
                groups.extend([id(), Arg::Text(g.as_str().into())]);
            }
            for part in &p.participants {
                participants.extend([
                    id(),
                    Arg::Text(part.organisation_id.to_string()),
                    Arg::Int(part.role.code().into()),
                ]);
            }
            for m in &p.policy_markers {
                markers.extend([
                    id(),
                    Arg::Int(m.code.into()),
                    Arg::Int(m.significance.into()),
                ]);
            }
            for m in &p.mandate_ids {
                mandates.extend([id(), Arg::Text(m.to_string())]);
            }
        }
        let tables: [(&str, &str, usize, Vec<Arg>); 8] = [
            ("programme_areas", "programme_id, area, share", 3, areas),
            (
                "programme_sectors",
                "programme_id, vocabulary, code, percentage",
                4,
                sectors,
            ),
            ("programme_sdg_targets", "programme_id, target", 2, sdgs),
            (
                "programme_places",
                "programme_id, place_id, percentage, share",
                4,
                places,
            ),
            (
                "programme_target_groups",
                "programme_id, target_group",
                2,
                groups,
            ),
            (
                "programme_participants",
                "programme_id, organisation_id, role",
                3,
                participants,
            ),
            (
                "programme_policy_markers",
                "programme_id, code, significance",
                3,
                markers,
            ),
            (
                "programme_mandates",
                "programme_id, mandate_id",
                2,
                mandates,
            ),
        ];
        for (table, columns, cols, args) in tables {
            self.insert_all(
                tx,
                table,
                columns,
                cols,
                &args,
                crate::db::OnConflict::Refuse,
            )
            .await?;
        }
        Ok(())
    }

    /// Which of `values` the column `column` of `table` holds (one query per 500 values).
    pub(crate) async fn present(
        &self,
        tx: &mut Tx,
        table: &str,
        column: &str,
        values: &[String],
    ) -> Result<std::collections::HashSet<String>> {
        let mut distinct: Vec<&String> = values.iter().collect();
        distinct.sort();
        distinct.dedup();
        let mut found = std::collections::HashSet::new();
        for chunk in distinct.chunks(500) {
            let mut sql = Sql::new(&format!("SELECT {column} FROM {table} WHERE {column} IN "));
            sql.list(chunk.iter().map(|v| Arg::Text((*v).clone())));
            let rows: Vec<String> = on_tx!(tx, c => bind_args!(sqlx::query_scalar(&sql.text), sql.args).fetch_all(&mut *c).await)?;
            found.extend(rows);
        }
        Ok(found)
    }

    /// When each programme last changed (itself, or its money: see [`Store::touch_programmes`]).
    pub async fn programme_stamps(&self) -> Result<HashMap<ProgrammeId, time::OffsetDateTime>> {
        let rows: Vec<(String, time::OffsetDateTime)> = on_pool!(self, p => sqlx::query_as("SELECT id, updated_at FROM programmes").fetch_all(p).await)?;
        rows.into_iter()
            .map(|(id, at)| Ok((parse_id(&id)?, at)))
            .collect()
    }

    /// Marks programmes changed now: their money or results changed.
    pub async fn touch_programmes(
        &self,
        tx: &mut Tx,
        programmes: &std::collections::BTreeSet<ProgrammeId>,
    ) -> Result<()> {
        let ids: Vec<&ProgrammeId> = programmes.iter().collect();
        for chunk in ids.chunks(500) {
            let mut ids = Sql::new(" WHERE id IN ");
            ids.list(chunk.iter().map(|p| Arg::Text(p.to_string())));
            let text = format!(
                "UPDATE programmes SET updated_at = ${}{}",
                ids.args.len() + 1,
                ids.text
            );
            on_tx!(tx, c => bind_args!(sqlx::query(&text), ids.args).bind(now()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    pub async fn programme(&self, id: ProgrammeId) -> Result<Programme> {
        self.programme_on(Db::Pool(self), id).await
    }

    /// A programme read inside a transaction.
    pub async fn programme_in(&self, tx: &mut Tx, id: ProgrammeId) -> Result<Programme> {
        self.programme_on(Db::Tx(tx), id).await
    }

    async fn programme_on(&self, mut db: Db<'_>, id: ProgrammeId) -> Result<Programme> {
        let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE id = $1");
        let row = on_db!(&mut db, c => sqlx::query_as::<_, ProgrammeRow>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?;
        let p = row
            .ok_or_else(|| StoreError::not_found("programme", id))?
            .into_programme()?;
        Ok(self.with_lists_on(db, vec![p]).await?.remove(0))
    }

    pub async fn programme_by_identifier(
        &self,
        iati_identifier: &str,
    ) -> Result<Option<Programme>> {
        let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE iati_identifier = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, ProgrammeRow>(&sql).bind(iati_identifier).fetch_optional(p).await)?;
        match row {
            Some(r) => Ok(Some(
                self.with_lists(vec![r.into_programme()?]).await?.remove(0),
            )),
            None => Ok(None),
        }
    }

    /// These programmes, read in a few queries (for imports that check many records against
    /// their programmes). Ids of no programme are left out.
    pub async fn programmes_by_ids(&self, ids: &[ProgrammeId]) -> Result<Vec<Programme>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = Sql::new(&format!(
                "SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE id IN "
            ));
            sql.list(chunk.iter().map(|i| Arg::Text(i.to_string())));
            let rows = on_pool!(self, p => bind_args!(sqlx::query_as::<_, ProgrammeRow>(&sql.text), sql.args).fetch_all(p).await)?;
            let programmes = rows
                .into_iter()
                .map(ProgrammeRow::into_programme)
                .collect::<Result<Vec<_>>>()?;
            out.extend(self.with_lists(programmes).await?);
        }
        Ok(out)
    }

    /// Ids of every programme by IATI identifier (for imports).
    pub async fn programme_ids_by_identifier(&self) -> Result<HashMap<String, ProgrammeId>> {
        let rows: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as("SELECT iati_identifier, id FROM programmes").fetch_all(p).await)?;
        rows.into_iter()
            .map(|(k, id)| Ok((k, parse_id(&id)?)))
            .collect()
    }

    pub async fn list_programmes(
        &self,
        f: &ProgrammeFilter,
        page: Page,
    ) -> Result<(Vec<Programme>, i64)> {
        let mut sql = Sql::new(" FROM programmes p WHERE 1 = 1");
        f.push_conditions(&mut sql, "p.id", true);
        let cols = PROGRAMME_COLUMNS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (rows, total) = self
            .page_of::<ProgrammeRow>(&cols, sql, "", "p.iati_identifier", page)
            .await?;
        let programmes = rows
            .into_iter()
            .map(ProgrammeRow::into_programme)
            .collect::<Result<Vec<_>>>()?;
        Ok((self.with_lists(programmes).await?, total))
    }

    /// The `limit` most recently changed programmes, newest first.
    pub async fn recent_programmes(&self, limit: i64) -> Result<Vec<Programme>> {
        let sql = format!(
            "SELECT {PROGRAMME_COLUMNS} FROM programmes ORDER BY updated_at DESC, id LIMIT {}",
            limit.clamp(1, Page::MAX_LIMIT)
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, ProgrammeRow>(&sql).fetch_all(p).await)?;
        let programmes = rows
            .into_iter()
            .map(ProgrammeRow::into_programme)
            .collect::<Result<Vec<_>>>()?;
        self.with_lists(programmes).await
    }

    /// Fills the list fields of `programmes` with a few queries for the whole batch.
    async fn with_lists(&self, programmes: Vec<Programme>) -> Result<Vec<Programme>> {
        self.with_lists_on(Db::Pool(self), programmes).await
    }

    async fn with_lists_on(
        &self,
        mut db: Db<'_>,
        mut programmes: Vec<Programme>,
    ) -> Result<Vec<Programme>> {
        if programmes.is_empty() {
            return Ok(programmes);
        }
        let ids: Vec<Arg> = programmes
            .iter()
            .map(|p| Arg::Text(p.id.to_string()))
            .collect();
        let index: HashMap<String, usize> = programmes
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.to_string(), i))
            .collect();
        let fetch = |table_sql: &str| {
            let mut s = Sql::new(table_sql);
            s.push(" WHERE programme_id IN ")
                .list(ids.iter().cloned())
                .push(" ORDER BY programme_id, 2, 3");
            s
        };
        let s = fetch("SELECT programme_id, area, share FROM programme_areas");
        let rows: Vec<(String, String, i64)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, area, _share) in rows {
            programmes[index[&pid]]
                .areas
                .push(ThematicArea::parse(&area).map_err(corrupt)?);
        }
        let s = fetch("SELECT programme_id, vocabulary, code, percentage FROM programme_sectors");
        let rows: Vec<(String, String, String, i64)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, vocab, code, pct) in rows {
            programmes[index[&pid]].sectors.push(SectorShare {
                vocabulary: SectorVocabulary::parse(&vocab).map_err(corrupt)?,
                code,
                percentage: Percentage::from_hundredths(u16::try_from(pct).unwrap_or(0)),
            });
        }
        let s = fetch("SELECT programme_id, target, target FROM programme_sdg_targets");
        let rows: Vec<(String, String, String)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, t, _) in rows {
            programmes[index[&pid]]
                .sdg_targets
                .push(SdgTarget::parse(&t).map_err(corrupt)?);
        }
        let s = fetch("SELECT programme_id, place_id, percentage FROM programme_places");
        let rows: Vec<(String, String, Option<i64>)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, place, pct) in rows {
            programmes[index[&pid]].places.push(ProgrammePlace {
                place_id: parse_id(&place)?,
                percentage: pct.map(|x| Percentage::from_hundredths(u16::try_from(x).unwrap_or(0))),
            });
        }
        let s =
            fetch("SELECT programme_id, target_group, target_group FROM programme_target_groups");
        let rows: Vec<(String, String, String)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, g, _) in rows {
            programmes[index[&pid]]
                .target_groups
                .push(TargetGroup::parse(&g).map_err(corrupt)?);
        }
        let s = fetch("SELECT programme_id, role, organisation_id FROM programme_participants");
        let rows: Vec<(String, i64, String)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, role, org) in rows {
            programmes[index[&pid]].participants.push(Participant {
                organisation_id: parse_id(&org)?,
                role: OrgRole::from_code(u8::try_from(role).unwrap_or(0)).map_err(corrupt)?,
            });
        }
        let s = fetch("SELECT programme_id, code, significance FROM programme_policy_markers");
        let rows: Vec<(String, i64, i64)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, code, sig) in rows {
            programmes[index[&pid]].policy_markers.push(PolicyMarker {
                code: u8::try_from(code).unwrap_or(0),
                significance: u8::try_from(sig).unwrap_or(0),
            });
        }
        let s = fetch("SELECT programme_id, mandate_id, mandate_id FROM programme_mandates");
        let rows: Vec<(String, String, String)> = on_db!(&mut db, c => bind_args!(sqlx::query_as(&s.text), s.args).fetch_all(&mut *c).await)?;
        for (pid, m, _) in rows {
            programmes[index[&pid]].mandate_ids.push(parse_id(&m)?);
        }
        Ok(programmes.into_iter().map(Programme::canonical).collect())
    }

    /// Fails with a field error unless `id` names a stored programme.
    pub(crate) async fn check_programme_exists(
        &self,
        tx: &mut Tx,
        id: ProgrammeId,
        field: &str,
    ) -> Result<()> {
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM programmes WHERE id = $1").bind(id.to_string()).fetch_one(&mut *c).await)?;
        if n == 0 {
            return Err(Invalid::one(
                field,
                "unknown_programme",
                format!("no programme with id {id}"),
            )
            .into());
        }
        Ok(())
    }
}
