//! Proposals of the approval workflow (see `semey_domain::workflow`).

use crate::accounts::{parse_stamp, stamp};
use crate::db::{on_pool, on_tx, parse_id, Arg, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::{OrganisationId, UserId};
use semey_domain::record::RecordKind;
use semey_domain::workflow::State;
use time::OffsetDateTime;
use uuid::Uuid;

/// A proposal as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub id: Uuid,
    pub kind: RecordKind,
    pub record_id: Option<String>,
    pub organisation_id: Option<OrganisationId>,
    pub state: State,
    pub content: serde_json::Value,
    pub reason: Option<String>,
    pub author_id: Option<UserId>,
    pub updated_at: OffsetDateTime,
    pub published_id: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    record_type: String,
    record_id: Option<String>,
    organisation_id: Option<String>,
    state: String,
    content: String,
    reason: Option<String>,
    author_id: Option<String>,
    updated_at: String,
    published_id: Option<String>,
}

impl Row {
    fn into_proposal(self) -> Result<Proposal> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("proposal {}: {what}", self.id));
        Ok(Proposal {
            id: parse_id(&self.id)?,
            state: State::parse(&self.state).ok_or_else(|| corrupt("state"))?,
            kind: RecordKind::parse(&self.record_type).ok_or_else(|| corrupt("kind"))?,
            content: serde_json::from_str(&self.content).map_err(|_| corrupt("content"))?,
            organisation_id: self.organisation_id.as_deref().map(parse_id).transpose()?,
            author_id: self.author_id.as_deref().map(parse_id).transpose()?,
            updated_at: parse_stamp(&self.updated_at).ok_or_else(|| corrupt("time"))?,
            record_id: self.record_id,
            reason: self.reason,
            published_id: self.published_id,
        })
    }
}

const COLUMNS: &str = "id, record_type, record_id, organisation_id, state, content, reason, author_id, updated_at, published_id";

impl Store {
    pub async fn insert_proposal(&self, tx: &mut Tx, p: &Proposal) -> Result<()> {
        let now = stamp(OffsetDateTime::now_utc());
        on_tx!(tx, c => sqlx::query(
            "INSERT INTO proposals (id, record_type, record_id, organisation_id, state, content, reason, author_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)")
            .bind(p.id.to_string())
            .bind(p.kind.as_str())
            .bind(&p.record_id)
            .bind(p.organisation_id.map(|o| o.to_string()))
            .bind(p.state.as_str())
            .bind(p.content.to_string())
            .bind(&p.reason)
            .bind(p.author_id.map(|u| u.to_string()))
            .bind(&now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Moves a proposal on from the state it was read in: its state, and its content, owner,
    /// reason or published record when given. Returns false, changing nothing, when someone
    /// else moved it first (the caller answers 409).
    #[allow(clippy::too_many_arguments)]
    pub async fn update_proposal(
        &self,
        tx: &mut Tx,
        id: Uuid,
        from: State,
        to: State,
        content: Option<(&serde_json::Value, Option<OrganisationId>)>,
        reason: Option<&str>,
        published_id: Option<&str>,
    ) -> Result<bool> {
        let (content, owner) = match content {
            Some((c, o)) => (Some(c.to_string()), Some(o.map(|o| o.to_string()))),
            None => (None, None),
        };
        let n = on_tx!(tx, c => sqlx::query(
            "UPDATE proposals SET state = $1, content = COALESCE($2, content), \
             organisation_id = CASE WHEN $3 THEN $4 ELSE organisation_id END, reason = $5, \
             published_id = COALESCE($6, published_id), updated_at = $7 WHERE id = $8 AND state = $9")
            .bind(to.as_str())
            .bind(content)
            .bind(owner.is_some())
            .bind(owner.flatten())
            .bind(reason)
            .bind(published_id)
            .bind(stamp(OffsetDateTime::now_utc()))
            .bind(id.to_string())
            .bind(from.as_str())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A proposal read in a transaction.
    pub async fn proposal_in(&self, tx: &mut Tx, id: Uuid) -> Result<Proposal> {
        let sql = format!("SELECT {COLUMNS} FROM proposals WHERE id = $1");
        let row = on_tx!(tx, c => sqlx::query_as::<_, Row>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?;
        row.ok_or_else(|| StoreError::not_found("proposal", id))?
            .into_proposal()
    }

    pub async fn proposal(&self, id: Uuid) -> Result<Proposal> {
        let sql = format!("SELECT {COLUMNS} FROM proposals WHERE id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, Row>(&sql).bind(id.to_string()).fetch_optional(p).await)?;
        row.ok_or_else(|| StoreError::not_found("proposal", id))?
            .into_proposal()
    }

    /// The versions proposed for one published record, newest first: its history.
    pub async fn proposals_for(&self, kind: RecordKind, record_id: &str) -> Result<Vec<Proposal>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM proposals WHERE (record_type = $1 AND (record_id = $2 OR published_id = $2)) ORDER BY updated_at DESC, id"
        );
        let rows = on_pool!(self, p => sqlx::query_as::<_, Row>(&sql).bind(kind.as_str()).bind(record_id).fetch_all(p).await)?;
        rows.into_iter().map(Row::into_proposal).collect()
    }

    /// Proposals in a state (or all), of an organisation (or all), newest first.
    pub async fn list_proposals(
        &self,
        state: Option<State>,
        organisation: Option<OrganisationId>,
    ) -> Result<Vec<Proposal>> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM proposals WHERE 1 = 1"));
        if let Some(s) = state {
            sql.push(" AND state = ")
                .arg(Arg::Text(s.as_str().to_owned()));
        }
        if let Some(o) = organisation {
            sql.push(" AND organisation_id = ")
                .arg(Arg::Text(o.to_string()));
        }
        sql.push(" ORDER BY updated_at DESC, id LIMIT 1000");
        let rows = on_pool!(self, p => crate::db::bind_args!(sqlx::query_as::<_, Row>(&sql.text), sql.args).fetch_all(p).await)?;
        rows.into_iter().map(Row::into_proposal).collect()
    }
}
