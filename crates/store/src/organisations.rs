//! Organisations (stakeholders).

use crate::db::{bind_args, now, on_db, on_pool, on_tx, parse_id, Arg, Db, Page, Sql, Store, Tx};
use crate::error::{Result, StoreError};
use semey_domain::ids::OrganisationId;
use semey_domain::organisation::{MechanismRole, Organisation, OrganisationType};
use semey_domain::Invalid;
use std::collections::HashMap;

/// Filters for listing organisations.
#[derive(Debug, Clone, Default)]
pub struct OrganisationFilter {
    pub org_type: Option<u16>,
    pub mechanism_role: Option<MechanismRole>,
    pub country: Option<String>,
    pub q: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: String,
    iati_id: Option<String>,
    name: String,
    acronym: Option<String>,
    org_type: i64,
    country: String,
    mechanism_role: Option<String>,
    contacts: String,
    website: Option<String>,
}

const ORG_COLUMNS: &str =
    "id, iati_id, name, acronym, org_type, country, mechanism_role, contacts, website";

impl OrgRow {
    fn into_org(self) -> Result<Organisation> {
        let corrupt = |e: String| StoreError::Corrupt(e);
        Ok(Organisation {
            id: parse_id(&self.id)?,
            iati_id: self.iati_id,
            name: serde_json::from_str(&self.name).map_err(|e| corrupt(e.to_string()))?,
            acronym: self.acronym,
            org_type: OrganisationType::parse(u16::try_from(self.org_type).unwrap_or(0))
                .map_err(|e| corrupt(e.to_string()))?,
            country: self.country,
            mechanism_role: self
                .mechanism_role
                .as_deref()
                .map(MechanismRole::parse)
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?,
            contacts: serde_json::from_str(&self.contacts).map_err(|e| corrupt(e.to_string()))?,
            website: self.website,
        })
    }
}

fn org_args(o: &Organisation) -> Vec<Arg> {
    vec![
        Arg::Text(o.id.to_string()),
        Arg::OptText(o.iati_id.clone()),
        Arg::Text(serde_json::to_string(&o.name).expect("text serialises")),
        Arg::Text(format!(
            "{} {}",
            o.name.search_key(),
            o.acronym.as_deref().unwrap_or("").to_lowercase()
        )),
        Arg::OptText(o.acronym.clone()),
        Arg::Int(i64::from(o.org_type.code())),
        Arg::Text(o.country.clone()),
        Arg::OptText(o.mechanism_role.map(|r| r.as_str().to_owned())),
        Arg::Text(serde_json::to_string(&o.contacts).expect("contacts serialise")),
        Arg::OptText(o.website.clone()),
    ]
}

fn duplicate_iati_id(e: sqlx::Error, o: &Organisation) -> StoreError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => StoreError::Invalid(Invalid::one(
            "iati_id",
            "duplicate_iati_id",
            format!(
                "another organisation already has the IATI identifier {}",
                o.iati_id.as_deref().unwrap_or("")
            ),
        )),
        _ => StoreError::Db(e),
    }
}

impl Store {
    /// Creates the organisation, or updates it when one with the same id exists.
    pub async fn save_organisation(&self, tx: &mut Tx, o: &Organisation) -> Result<()> {
        let sql = "INSERT INTO organisations (id, iati_id, name, search, acronym, org_type, country, mechanism_role, contacts, website, updated_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                   ON CONFLICT (id) DO UPDATE SET iati_id = excluded.iati_id, name = excluded.name, search = excluded.search, \
                   acronym = excluded.acronym, org_type = excluded.org_type, country = excluded.country, \
                   mechanism_role = excluded.mechanism_role, contacts = excluded.contacts, website = excluded.website, \
                   updated_at = excluded.updated_at";
        let args = org_args(o);
        on_tx!(tx, c => bind_args!(sqlx::query(sql), args).bind(now()).execute(&mut *c).await.map(|r| r.rows_affected())).map_err(|e| duplicate_iati_id(e, o))?;
        Ok(())
    }

    pub async fn organisation(&self, id: OrganisationId) -> Result<Organisation> {
        self.organisation_on(Db::Pool(self), id).await
    }

    /// An organisation read inside a transaction.
    pub async fn organisation_in(&self, tx: &mut Tx, id: OrganisationId) -> Result<Organisation> {
        self.organisation_on(Db::Tx(tx), id).await
    }

    async fn organisation_on(&self, db: Db<'_>, id: OrganisationId) -> Result<Organisation> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE id = $1");
        let row = on_db!(db, c => sqlx::query_as::<_, OrgRow>(&sql).bind(id.to_string()).fetch_optional(&mut *c).await)?;
        row.ok_or_else(|| StoreError::not_found("organisation", id))?
            .into_org()
    }

    pub async fn organisation_by_iati_id(&self, iati_id: &str) -> Result<Option<Organisation>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations WHERE iati_id = $1");
        let row = on_pool!(self, p => sqlx::query_as::<_, OrgRow>(&sql).bind(iati_id).fetch_optional(p).await)?;
        row.map(OrgRow::into_org).transpose()
    }

    pub async fn list_organisations(
        &self,
        f: &OrganisationFilter,
        page: Page,
    ) -> Result<(Vec<Organisation>, i64)> {
        let mut sql = Sql::new(" FROM organisations WHERE 1 = 1");
        if let Some(t) = f.org_type {
            sql.push(" AND org_type = ").arg(Arg::Int(i64::from(t)));
        }
        if let Some(r) = f.mechanism_role {
            sql.push(" AND mechanism_role = ")
                .arg(Arg::Text(r.as_str().to_owned()));
        }
        if let Some(c) = &f.country {
            sql.push(" AND country = ")
                .arg(Arg::Text(c.to_ascii_uppercase()));
        }
        if let Some(q) = f.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            sql.push(" AND search LIKE ")
                .arg(Arg::Text(format!("%{}%", q.to_lowercase())));
        }
        let (rows, total) = self
            .page_of::<OrgRow>(ORG_COLUMNS, sql, "", "search, id", page)
            .await?;
        Ok((
            rows.into_iter()
                .map(OrgRow::into_org)
                .collect::<Result<_>>()?,
            total,
        ))
    }

    /// Every organisation by id (for imports that resolve many references at once).
    pub async fn all_organisations(&self) -> Result<HashMap<OrganisationId, Organisation>> {
        let sql = format!("SELECT {ORG_COLUMNS} FROM organisations");
        let rows = on_pool!(self, p => sqlx::query_as::<_, OrgRow>(&sql).fetch_all(p).await)?;
        rows.into_iter()
            .map(|r| r.into_org().map(|o| (o.id, o)))
            .collect()
    }

    /// Fails with a field error unless `id` names a stored organisation.
    pub(crate) async fn check_organisation_exists(
        &self,
        tx: &mut Tx,
        id: OrganisationId,
        field: &str,
    ) -> Result<()> {
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE id = $1").bind(id.to_string()).fetch_one(&mut *c).await)?;
        if n == 0 {
            return Err(Invalid::one(
                field,
                "unknown_organisation",
                format!("no organisation with id {id}"),
            )
            .into());
        }
        Ok(())
    }
}
