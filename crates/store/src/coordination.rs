//! The coordination mechanism: bodies, meetings, decisions and action items. Each row keeps its
//! record whole as JSON (`doc`) beside the columns lists filter on; the links to organisations,
//! programmes and mandates are rows of their own so that other pages can ask for them.

use crate::db::{bind_args, on_pool, on_tx, parse_id, Arg, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::coordination::{ActionItem, ActionStatus, Body, Decision, Meeting};
use semey_domain::ids::{
    ActionItemId, BodyId, DecisionId, IndicatorId, MandateId, MeetingId, OrganisationId,
    ProgrammeId, ResolutionId,
};
use semey_domain::Invalid;
use time::Date;

/// What serves a resolution's mandates besides programmes: published decisions and action
/// items of the mechanism, and services of the directory, each with the mandate it serves.
#[derive(Debug, Default)]
pub struct Followups {
    pub decisions: Vec<(MandateId, Decision)>,
    pub actions: Vec<(MandateId, ActionItem)>,
    pub services: Vec<(MandateId, semey_domain::service::Service)>,
    /// Published meetings that took the paragraph up.
    pub meetings: Vec<(MandateId, Meeting)>,
    /// Indicators linked directly: (mandate, indicator).
    pub indicators: Vec<(MandateId, IndicatorId)>,
}

/// Who is reading: what of the mechanism they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Only what belongs to published meetings.
    Public,
    /// Published meetings, and the action items this organisation owns.
    Organisation(OrganisationId),
    /// Everything (coordinators).
    All,
}

/// Which meetings to list.
#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub body: Option<BodyId>,
    /// Starting at or after this wall-clock time (`YYYY-MM-DDTHH:MM`).
    pub from: Option<String>,
    /// Starting before this wall-clock time.
    pub before: Option<String>,
    /// Latest first (the default is soonest first).
    pub latest_first: bool,
}

/// Which action items to list.
#[derive(Debug, Clone, Default)]
pub struct ActionFilter {
    pub meeting: Option<MeetingId>,
    pub owner: Option<OrganisationId>,
    pub status: Option<ActionStatus>,
    /// Only those still to do whose deadline is before this day.
    pub overdue_on: Option<Date>,
    pub mandate: Option<MandateId>,
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

fn from_doc<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn unknown(field: String, code: &str, message: String) -> StoreError {
    Invalid::one(field, code, message).into()
}

/// `AND` clause limiting meetings (aliased `m`) to what `audience` sees.
fn meetings_seen(sql: &mut Sql, audience: Audience) {
    match audience {
        Audience::All => {}
        Audience::Public | Audience::Organisation(_) => {
            sql.push(" AND m.published = ").arg(Arg::Bool(true));
        }
    }
}

impl Store {
    // --- bodies -------------------------------------------------------------------------

    /// Creates or replaces a body; its member organisations must be stored.
    pub async fn save_body(&self, tx: &mut Tx, b: &Body) -> Result<()> {
        let orgs: Vec<String> = b
            .members
            .iter()
            .map(|m| m.organisation_id.to_string())
            .collect();
        let stored = self.present(tx, "organisations", "id", &orgs).await?;
        for (i, m) in b.members.iter().enumerate() {
            if !stored.contains(&m.organisation_id.to_string()) {
                return Err(unknown(
                    format!("members[{i}].organisation_id"),
                    "unknown_organisation",
                    format!("no organisation with id {}", m.organisation_id),
                ));
            }
        }
        let id = b.id.to_string();
        on_tx!(tx, c => sqlx::query("INSERT INTO bodies (id, doc, updated_at) VALUES ($1, $2, $3) \
            ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at WHERE bodies.doc <> excluded.doc")
            .bind(&id).bind(to_json(b)).bind(crate::db::now()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("DELETE FROM body_members WHERE body_id = $1").bind(&id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for o in orgs {
            on_tx!(tx, c => sqlx::query("INSERT INTO body_members (body_id, organisation_id) VALUES ($1, $2)").bind(&id).bind(&o).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    pub async fn body(&self, id: BodyId) -> Result<Body> {
        let doc: Option<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM bodies WHERE id = $1").bind(id.to_string()).fetch_optional(p).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("body", id))?)
    }

    pub async fn body_in(&self, tx: &mut Tx, id: BodyId) -> Result<Body> {
        let doc: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT doc FROM bodies WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("body", id))?)
    }

    /// Every body (a few dozen at most), in the order they were created.
    pub async fn bodies(&self) -> Result<Vec<Body>> {
        let docs: Vec<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM bodies ORDER BY id").fetch_all(p).await)?;
        docs.iter().map(|d| from_doc(d)).collect()
    }

    /// The bodies an organisation is a member of.
    pub async fn bodies_of(&self, org: OrganisationId) -> Result<Vec<Body>> {
        let docs: Vec<String> = on_pool!(self, p => sqlx::query_scalar("SELECT b.doc FROM bodies b JOIN body_members bm ON bm.body_id = b.id WHERE bm.organisation_id = $1 ORDER BY b.id").bind(org.to_string()).fetch_all(p).await)?;
        docs.iter().map(|d| from_doc(d)).collect()
    }

    // --- meetings -----------------------------------------------------------------------

    /// Creates or replaces a meeting; its body, place and participating organisations must be
    /// stored.
    pub async fn save_meeting(&self, tx: &mut Tx, m: &Meeting) -> Result<()> {
        let bodies = self
            .present(tx, "bodies", "id", &[m.body_id.to_string()])
            .await?;
        if bodies.is_empty() {
            return Err(unknown(
                "body_id".into(),
                "unknown_body",
                format!("no body with id {}", m.body_id),
            ));
        }
        if let Some(place) = m.place_id {
            let found = self
                .present(tx, "places", "id", &[place.to_string()])
                .await?;
            if found.is_empty() {
                return Err(unknown(
                    "place_id".into(),
                    "unknown_place",
                    format!("no place with id {place}"),
                ));
            }
        }
        self.check_mandates(tx, &m.mandate_ids).await?;
        let orgs: Vec<String> = m
            .participants
            .iter()
            .filter_map(|p| p.organisation_id.map(|o| o.to_string()))
            .collect();
        let stored = self.present(tx, "organisations", "id", &orgs).await?;
        for (i, p) in m.participants.iter().enumerate() {
            if let Some(o) = p
                .organisation_id
                .filter(|o| !stored.contains(&o.to_string()))
            {
                return Err(unknown(
                    format!("participants[{i}].organisation_id"),
                    "unknown_organisation",
                    format!("no organisation with id {o}"),
                ));
            }
        }
        on_tx!(tx, c => sqlx::query("INSERT INTO meetings (id, body_id, starts_at, published, doc, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
            ON CONFLICT (id) DO UPDATE SET body_id = excluded.body_id, starts_at = excluded.starts_at, published = excluded.published, \
            doc = excluded.doc, updated_at = excluded.updated_at WHERE meetings.doc <> excluded.doc")
            .bind(m.id.to_string()).bind(m.body_id.to_string()).bind(local(m.starts_at)).bind(m.published)
            .bind(to_json(m)).bind(crate::db::now()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.link_mandates(tx, "meeting", &m.id.to_string(), &m.mandate_ids)
            .await?;
        Ok(())
    }

    pub async fn meeting(&self, id: MeetingId) -> Result<Meeting> {
        let doc: Option<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM meetings WHERE id = $1").bind(id.to_string()).fetch_optional(p).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("meeting", id))?)
    }

    pub async fn meeting_in(&self, tx: &mut Tx, id: MeetingId) -> Result<Meeting> {
        let doc: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT doc FROM meetings WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("meeting", id))?)
    }

    /// Meetings `audience` may see, soonest first (or latest first), and how many there are.
    pub async fn meetings(
        &self,
        f: &MeetingFilter,
        audience: Audience,
        page: Page,
    ) -> Result<(Vec<Meeting>, i64)> {
        let mut sql = Sql::new(" FROM meetings m WHERE 1 = 1");
        meetings_seen(&mut sql, audience);
        if let Some(b) = f.body {
            sql.push(" AND m.body_id = ").arg(Arg::Text(b.to_string()));
        }
        if let Some(from) = &f.from {
            sql.push(" AND m.starts_at >= ")
                .arg(Arg::Text(from.clone()));
        }
        if let Some(before) = &f.before {
            sql.push(" AND m.starts_at < ")
                .arg(Arg::Text(before.clone()));
        }
        let count = format!("SELECT CAST(COUNT(*) AS BIGINT){}", sql.text);
        let total: i64 = on_pool!(self, p => bind_args!(sqlx::query_scalar(&count), sql.args).fetch_one(p).await)?;
        let order = if f.latest_first { "DESC" } else { "ASC" };
        sql.push(&format!(" ORDER BY m.starts_at {order}, m.id LIMIT "))
            .arg(Arg::Int(page.limit))
            .push(" OFFSET ")
            .arg(Arg::Int(page.offset));
        let text = format!("SELECT m.doc{}", sql.text);
        let docs: Vec<String> = on_pool!(self, p => bind_args!(sqlx::query_scalar(&text), sql.args).fetch_all(p).await)?;
        Ok((
            docs.iter().map(|d| from_doc(d)).collect::<Result<_>>()?,
            total,
        ))
    }

    // --- decisions ----------------------------------------------------------------------

    /// Creates or replaces a decision: its meeting, mandates and programmes must be stored (a
    /// programme is stored once published), and its number free in its meeting.
    pub async fn save_decision(&self, tx: &mut Tx, d: &Decision) -> Result<()> {
        if self
            .present(tx, "meetings", "id", &[d.meeting_id.to_string()])
            .await?
            .is_empty()
        {
            return Err(unknown(
                "meeting_id".into(),
                "unknown_meeting",
                format!("no meeting with id {}", d.meeting_id),
            ));
        }
        self.check_mandates(tx, &d.mandate_ids).await?;
        let programmes: Vec<String> = d.programme_ids.iter().map(|p| p.to_string()).collect();
        let stored = self.present(tx, "programmes", "id", &programmes).await?;
        for (i, p) in programmes.iter().enumerate() {
            if !stored.contains(p) {
                return Err(unknown(
                    format!("programme_ids[{i}]"),
                    "unknown_programme",
                    format!("no published programme with id {p}"),
                ));
            }
        }
        let taken: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM decisions WHERE meeting_id = $1 AND number = $2 AND id <> $3")
            .bind(d.meeting_id.to_string()).bind(i64::from(d.number)).bind(d.id.to_string()).fetch_optional(&mut *c).await)?;
        if taken.is_some() {
            return Err(Invalid::from(
                semey_domain::FieldError::new(
                    "number",
                    "decision_number_taken",
                    format!("the meeting already has a decision {}", d.number),
                )
                .with_arg("number", d.number),
            )
            .into());
        }
        let id = d.id.to_string();
        on_tx!(tx, c => sqlx::query("INSERT INTO decisions (id, meeting_id, number, doc, updated_at) VALUES ($1, $2, $3, $4, $5) \
            ON CONFLICT (id) DO UPDATE SET meeting_id = excluded.meeting_id, number = excluded.number, doc = excluded.doc, updated_at = excluded.updated_at WHERE decisions.doc <> excluded.doc")
            .bind(&id).bind(d.meeting_id.to_string()).bind(i64::from(d.number)).bind(to_json(d)).bind(crate::db::now())
            .execute(&mut *c).await.map(|r| r.rows_affected()))?;
        on_tx!(tx, c => sqlx::query("DELETE FROM decision_programmes WHERE decision_id = $1").bind(&id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for p in programmes {
            on_tx!(tx, c => sqlx::query("INSERT INTO decision_programmes (decision_id, programme_id) VALUES ($1, $2)").bind(&id).bind(&p).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        self.link_mandates(tx, "decision", &id, &d.mandate_ids)
            .await
    }

    pub async fn decision(&self, id: DecisionId) -> Result<Decision> {
        let doc: Option<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM decisions WHERE id = $1").bind(id.to_string()).fetch_optional(p).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("decision", id))?)
    }

    pub async fn decision_in(&self, tx: &mut Tx, id: DecisionId) -> Result<Decision> {
        let doc: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT doc FROM decisions WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("decision", id))?)
    }

    /// Decisions `audience` may see, of one meeting, serving one mandate, or naming one
    /// programme; by meeting date and number.
    pub async fn decisions(
        &self,
        meeting: Option<MeetingId>,
        mandate: Option<MandateId>,
        programme: Option<ProgrammeId>,
        audience: Audience,
        page: Page,
    ) -> Result<(Vec<Decision>, i64)> {
        let mut sql =
            Sql::new(" FROM decisions d JOIN meetings m ON m.id = d.meeting_id WHERE 1 = 1");
        meetings_seen(&mut sql, audience);
        if let Some(m) = meeting {
            sql.push(" AND d.meeting_id = ")
                .arg(Arg::Text(m.to_string()));
        }
        if let Some(m) = mandate {
            sql.push(" AND EXISTS (SELECT 1 FROM mandate_links l WHERE l.kind = 'decision' AND l.record_id = d.id AND l.mandate_id = ")
                .arg(Arg::Text(m.to_string()))
                .push(")");
        }
        if let Some(p) = programme {
            sql.push(" AND EXISTS (SELECT 1 FROM decision_programmes dp WHERE dp.decision_id = d.id AND dp.programme_id = ")
                .arg(Arg::Text(p.to_string()))
                .push(")");
        }
        let count = format!("SELECT CAST(COUNT(*) AS BIGINT){}", sql.text);
        let total: i64 = on_pool!(self, p => bind_args!(sqlx::query_scalar(&count), sql.args).fetch_one(p).await)?;
        sql.push(" ORDER BY m.starts_at DESC, d.number LIMIT ")
            .arg(Arg::Int(page.limit))
            .push(" OFFSET ")
            .arg(Arg::Int(page.offset));
        let text = format!("SELECT d.doc{}", sql.text);
        let docs: Vec<String> = on_pool!(self, p => bind_args!(sqlx::query_scalar(&text), sql.args).fetch_all(p).await)?;
        Ok((
            docs.iter().map(|d| from_doc(d)).collect::<Result<_>>()?,
            total,
        ))
    }

    // --- action items -------------------------------------------------------------------

    /// Creates or replaces an action item: its meeting, decision (of the same meeting), owner
    /// and mandates must be stored.
    pub async fn save_action_item(&self, tx: &mut Tx, a: &ActionItem) -> Result<()> {
        if self
            .present(tx, "meetings", "id", &[a.meeting_id.to_string()])
            .await?
            .is_empty()
        {
            return Err(unknown(
                "meeting_id".into(),
                "unknown_meeting",
                format!("no meeting with id {}", a.meeting_id),
            ));
        }
        if let Some(d) = a.decision_id {
            let of: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT meeting_id FROM decisions WHERE id = $1").bind(d.to_string()).fetch_optional(&mut *c).await)?;
            match of {
                None => {
                    return Err(unknown(
                        "decision_id".into(),
                        "unknown_decision",
                        format!("no decision with id {d}"),
                    ))
                }
                Some(m) if m != a.meeting_id.to_string() => {
                    return Err(unknown(
                        "decision_id".into(),
                        "decision_of_another_meeting",
                        format!("decision {d} was taken at another meeting"),
                    ))
                }
                Some(_) => {}
            }
        }
        if self
            .present(
                tx,
                "organisations",
                "id",
                &[a.owner_organisation_id.to_string()],
            )
            .await?
            .is_empty()
        {
            return Err(unknown(
                "owner_organisation_id".into(),
                "unknown_organisation",
                format!("no organisation with id {}", a.owner_organisation_id),
            ));
        }
        self.check_mandates(tx, &a.mandate_ids).await?;
        let id = a.id.to_string();
        on_tx!(tx, c => sqlx::query("INSERT INTO action_items (id, meeting_id, decision_id, owner_organisation_id, deadline, status, doc, updated_at) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO UPDATE SET meeting_id = excluded.meeting_id, decision_id = excluded.decision_id, \
            owner_organisation_id = excluded.owner_organisation_id, deadline = excluded.deadline, status = excluded.status, doc = excluded.doc, \
            updated_at = excluded.updated_at WHERE action_items.doc <> excluded.doc")
            .bind(&id).bind(a.meeting_id.to_string()).bind(a.decision_id.map(|d| d.to_string()))
            .bind(a.owner_organisation_id.to_string()).bind(a.deadline).bind(a.status.as_str())
            .bind(to_json(a)).bind(crate::db::now()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        self.link_mandates(tx, "action_item", &id, &a.mandate_ids)
            .await
    }

    pub async fn action_item(&self, id: ActionItemId) -> Result<ActionItem> {
        let doc: Option<String> = on_pool!(self, p => sqlx::query_scalar("SELECT doc FROM action_items WHERE id = $1").bind(id.to_string()).fetch_optional(p).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("action item", id))?)
    }

    pub async fn action_item_in(&self, tx: &mut Tx, id: ActionItemId) -> Result<ActionItem> {
        let doc: Option<String> = on_tx!(tx, c => sqlx::query_scalar("SELECT doc FROM action_items WHERE id = $1").bind(id.to_string()).fetch_optional(&mut *c).await)?;
        from_doc(&doc.ok_or_else(|| StoreError::not_found("action item", id))?)
    }

    /// Action items `audience` may see, by deadline, and how many there are.
    pub async fn action_items(
        &self,
        f: &ActionFilter,
        audience: Audience,
        page: Page,
    ) -> Result<(Vec<ActionItem>, i64)> {
        let mut sql =
            Sql::new(" FROM action_items a JOIN meetings m ON m.id = a.meeting_id WHERE 1 = 1");
        match audience {
            Audience::All => {}
            Audience::Public => {
                sql.push(" AND m.published = ").arg(Arg::Bool(true));
            }
            Audience::Organisation(o) => {
                sql.push(" AND (m.published = ")
                    .arg(Arg::Bool(true))
                    .push(" OR a.owner_organisation_id = ")
                    .arg(Arg::Text(o.to_string()))
                    .push(")");
            }
        }
        if let Some(m) = f.meeting {
            sql.push(" AND a.meeting_id = ")
                .arg(Arg::Text(m.to_string()));
        }
        if let Some(o) = f.owner {
            sql.push(" AND a.owner_organisation_id = ")
                .arg(Arg::Text(o.to_string()));
        }
        if let Some(s) = f.status {
            sql.push(" AND a.status = ")
                .arg(Arg::Text(s.as_str().to_owned()));
        }
        if let Some(day) = f.overdue_on {
            sql.push(" AND a.status IN ('open', 'in_progress') AND a.deadline < ")
                .arg(Arg::Date(day));
        }
        if let Some(m) = f.mandate {
            sql.push(" AND EXISTS (SELECT 1 FROM mandate_links l WHERE l.kind = 'action_item' AND l.record_id = a.id AND l.mandate_id = ")
                .arg(Arg::Text(m.to_string()))
                .push(")");
        }
        let count = format!("SELECT CAST(COUNT(*) AS BIGINT){}", sql.text);
        let total: i64 = on_pool!(self, p => bind_args!(sqlx::query_scalar(&count), sql.args).fetch_one(p).await)?;
        sql.push(" ORDER BY a.deadline, a.id LIMIT ")
            .arg(Arg::Int(page.limit))
            .push(" OFFSET ")
            .arg(Arg::Int(page.offset));
        let text = format!("SELECT a.doc{}", sql.text);
        let docs: Vec<String> = on_pool!(self, p => bind_args!(sqlx::query_scalar(&text), sql.args).fetch_all(p).await)?;
        Ok((
            docs.iter().map(|d| from_doc(d)).collect::<Result<_>>()?,
            total,
        ))
    }

    /// The published decisions and action items, and the services, serving each mandate of a
    /// resolution.
    pub async fn mandate_followups(&self, resolution: ResolutionId) -> Result<Followups> {
        let decisions: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT l.mandate_id, d.doc FROM mandate_links l JOIN mandates md ON md.id = l.mandate_id \
             JOIN decisions d ON l.kind = 'decision' AND d.id = l.record_id JOIN meetings m ON m.id = d.meeting_id \
             WHERE md.resolution_id = $1 AND m.published = $2 ORDER BY m.starts_at, d.number")
            .bind(resolution.to_string()).bind(true).fetch_all(p).await)?;
        let actions: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT l.mandate_id, a.doc FROM mandate_links l JOIN mandates md ON md.id = l.mandate_id \
             JOIN action_items a ON l.kind = 'action_item' AND a.id = l.record_id JOIN meetings m ON m.id = a.meeting_id \
             WHERE md.resolution_id = $1 AND m.published = $2 ORDER BY a.deadline, a.id")
            .bind(resolution.to_string()).bind(true).fetch_all(p).await)?;
        let services: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT l.mandate_id, s.content FROM mandate_links l JOIN mandates md ON md.id = l.mandate_id \
             JOIN services s ON l.kind = 'service' AND s.id = l.record_id \
             WHERE md.resolution_id = $1 ORDER BY s.id")
            .bind(resolution.to_string()).fetch_all(p).await)?;
        let meetings: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT l.mandate_id, m.doc FROM mandate_links l JOIN mandates md ON md.id = l.mandate_id \
             JOIN meetings m ON l.kind = 'meeting' AND m.id = l.record_id \
             WHERE md.resolution_id = $1 AND m.published = $2 ORDER BY m.starts_at, m.id")
            .bind(resolution.to_string()).bind(true).fetch_all(p).await)?;
        let indicators: Vec<(String, String)> = on_pool!(self, p => sqlx::query_as(
            "SELECT l.mandate_id, l.record_id FROM mandate_links l JOIN mandates md ON md.id = l.mandate_id \
             WHERE l.kind = 'indicator' AND md.resolution_id = $1 ORDER BY l.mandate_id, l.record_id")
            .bind(resolution.to_string()).fetch_all(p).await)?;
        fn read<T: serde::de::DeserializeOwned>(
            rows: &[(String, String)],
        ) -> Result<Vec<(MandateId, T)>> {
            rows.iter()
                .map(|(m, d)| Ok((parse_id(m)?, from_doc(d)?)))
                .collect()
        }
        Ok(Followups {
            decisions: read(&decisions)?,
            actions: read(&actions)?,
            services: read(&services)?,
            meetings: read(&meetings)?,
            indicators: indicators
                .into_iter()
                .map(|(m, i)| Ok((parse_id(&m)?, parse_id(&i)?)))
                .collect::<Result<_>>()?,
        })
    }

    pub(crate) async fn check_mandates(&self, tx: &mut Tx, mandates: &[MandateId]) -> Result<()> {
        self.check_mandates_at(tx, "", mandates).await
    }

    /// Every one of `mandates` is stored; the first that is not is named as
    /// `{prefix}mandate_ids[i]`.
    pub(crate) async fn check_mandates_at(
        &self,
        tx: &mut Tx,
        prefix: &str,
        mandates: &[MandateId],
    ) -> Result<()> {
        let ids: Vec<String> = mandates.iter().map(|m| m.to_string()).collect();
        let stored = self.present(tx, "mandates", "id", &ids).await?;
        for (i, m) in ids.iter().enumerate() {
            if !stored.contains(m) {
                return Err(unknown(
                    format!("{prefix}mandate_ids[{i}]"),
                    "unknown_mandate",
                    format!("no mandate with id {m}"),
                ));
            }
        }
        Ok(())
    }

    pub(crate) async fn link_mandates(
        &self,
        tx: &mut Tx,
        kind: &str,
        id: &str,
        mandates: &[MandateId],
    ) -> Result<()> {
        on_tx!(tx, c => sqlx::query("DELETE FROM mandate_links WHERE kind = $1 AND record_id = $2").bind(kind).bind(id).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        for m in mandates {
            on_tx!(tx, c => sqlx::query("INSERT INTO mandate_links (kind, record_id, mandate_id) VALUES ($1, $2, $3)").bind(kind).bind(id).bind(m.to_string()).execute(&mut *c).await.map(|r| r.rows_affected()))?;
        }
        Ok(())
    }
}

/// A wall-clock time as the `starts_at` column keeps it.
pub fn local(t: time::PrimitiveDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}
