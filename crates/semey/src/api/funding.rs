//! `/api/v1/transactions`, `/requirements`, `/contributions` (in kind), `/exchange-rates` and
//! `/funding/summary`.

use super::common::parse_path_id;
use super::common::List;
use super::extract::{from_str, param, ApiJson, ApiQuery};
use super::programmes::{PageQuery, ProgrammeQuery};
use crate::funding::FundingSummary;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::Json;
use rust_decimal::Decimal;
use semey_domain::contribution::{Contribution, ContributionInput, InKind};
use semey_domain::currency::Currency;
use semey_domain::funding::{
    Measure, Origin, Requirement, RequirementInput, Transaction, TransactionInput, TransactionType,
};
use semey_domain::fx::FxRate;
use semey_domain::ids::{ContributionId, TransactionId};
use semey_domain::place::PlaceLevel;
use semey_domain::Lang;
use semey_store::{ContributionFilter, Dimension, FundingFilter, TransactionFilter};
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_transactions, create_transaction))
        .routes(routes!(get_transaction, correct_transaction))
        .routes(routes!(list_requirements, create_requirement))
        .routes(routes!(correct_requirement))
        .routes(routes!(list_contributions, create_contribution))
        .routes(routes!(get_contribution, correct_contribution))
        .routes(routes!(list_rates, create_rates))
        .routes(routes!(funding_summary))
}

fn err(e: semey_domain::Invalid) -> String {
    e.errors
        .into_iter()
        .map(|e| e.message)
        .collect::<Vec<_>>()
        .join("; ")
}

fn parse_origin(v: &str) -> Result<Origin, String> {
    Origin::parse(v).map_err(err)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct TransactionQuery {
    /// A programme id: only its transactions.
    programme_id: Option<String>,
    /// IATI TransactionType code (1–13).
    transaction_type: Option<String>,
    /// What the money counts as: `pledged`, `committed`, `disbursed`, `spent`, `outgoing`, `other`.
    measure: Option<String>,
    /// An organisation id: money it gave or received.
    party: Option<String>,
    /// An organisation id: money it gave.
    provider: Option<String>,
    /// `domestic`, `external` or `unspecified`.
    origin: Option<String>,
    /// ISO 4217 code of the currency the money was reported in.
    currency: Option<String>,
    /// `true`: only flows between platform programmes; `false`: none of them.
    internal: Option<String>,
}

/// Lists transactions, newest first. Every figure of a funding summary links here with the
/// same filters.
#[utoipa::path(get, path = "/transactions", tag = "funding", params(ProgrammeQuery, TransactionQuery, PageQuery),
    responses((status = 200, body = List<Transaction>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_transactions(
    State(s): State<AppState>,
    ApiQuery(pq): ApiQuery<ProgrammeQuery>,
    ApiQuery(q): ApiQuery<TransactionQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<List<Transaction>>, AppError> {
    let filter = transaction_filter(&pq, &q)?;
    let page = page.page()?;
    let (items, total) = s.store.list_transactions(&filter, page).await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Transactions, &raw),
    }))
}

/// The transactions a query selects.
pub(super) fn transaction_filter(
    pq: &ProgrammeQuery,
    q: &TransactionQuery,
) -> Result<TransactionFilter, AppError> {
    Ok(TransactionFilter {
        programmes: pq.filter()?,
        programme_id: param("programme_id", &q.programme_id, from_str("a programme id"))?,
        transaction_type: param("transaction_type", &q.transaction_type, |v| {
            v.parse::<u8>()
                .map_err(|_| format!("{v:?} is not a number"))
                .and_then(|c| TransactionType::parse(c).map_err(err))
        })?,
        measure: param("measure", &q.measure, |v| Measure::parse(v).map_err(err))?,
        year: pq.year()?,
        organisation: param("party", &q.party, from_str("an organisation id"))?,
        provider_org_id: param("provider", &q.provider, from_str("an organisation id"))?,
        origin: param("origin", &q.origin, parse_origin)?,
        currency: param("currency", &q.currency, |v| Currency::parse(v).map_err(err))?,
        internal: param("internal", &q.internal, from_str("true or false"))?,
    })
}

/// One transaction, with the exchange rates it was converted at.
#[utoipa::path(get, path = "/transactions/{id}", tag = "funding", params(("id" = String, Path, description = "Transaction id")),
    responses((status = 200, body = Transaction), (status = 404, body = crate::error::ErrorBody)))]
async fn get_transaction(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Transaction>, AppError> {
    Ok(Json(
        s.store
            .money_record::<Transaction>(parse_path_id::<TransactionId>("transaction", &id)?)
            .await?,
    ))
}

/// Corrects a transaction: the record is replaced by the corrected entry, checked as a new
/// one. The corrected record's id follows from its programme and reference (or its details).
#[utoipa::path(put, path = "/transactions/{id}", tag = "funding", request_body = TransactionInput, params(("id" = String, Path, description = "Transaction id")),
    responses((status = 200, body = Transaction), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn correct_transaction(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<TransactionInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<TransactionId>("transaction", &id)?;
    Ok(crate::records::write::<Transaction>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// Records a transaction. Recording the same flow again (same programme and reference, or the
/// same details) answers 200 with the stored record and changes nothing. A flow to another
/// platform programme is stored on the receiving programme.
#[utoipa::path(post, path = "/transactions", tag = "funding", request_body = TransactionInput,
    responses((status = 201, body = Transaction), (status = 200, body = Transaction, description = "Already recorded"),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_transaction(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<TransactionInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(crate::records::write::<Transaction>(
        &s.store,
        &actor,
        None,
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RequirementQuery {
    /// A programme id: only its requirements.
    programme_id: Option<String>,
}

/// Lists funding requirements (budget needs per period of at most a year).
#[utoipa::path(get, path = "/requirements", tag = "funding", params(ProgrammeQuery, RequirementQuery, PageQuery),
    responses((status = 200, body = List<Requirement>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_requirements(
    State(s): State<AppState>,
    ApiQuery(pq): ApiQuery<ProgrammeQuery>,
    ApiQuery(q): ApiQuery<RequirementQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<List<Requirement>>, AppError> {
    let page = page.page()?;
    let programme_id = q.programme_id()?;
    let (items, total) = s
        .store
        .list_requirements(&pq.filter()?, programme_id, pq.year()?, page)
        .await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Requirements, &raw),
    }))
}

impl RequirementQuery {
    pub(super) fn programme_id(&self) -> Result<Option<semey_domain::ids::ProgrammeId>, AppError> {
        param(
            "programme_id",
            &self.programme_id,
            from_str("a programme id"),
        )
    }
}

/// Records a funding requirement.
#[utoipa::path(post, path = "/requirements", tag = "funding", request_body = RequirementInput,
    responses((status = 201, body = Requirement), (status = 200, body = Requirement, description = "Already recorded"),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_requirement(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<RequirementInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(crate::records::write::<Requirement>(
        &s.store,
        &actor,
        None,
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// Corrects a funding requirement: the record is replaced by the corrected entry.
#[utoipa::path(put, path = "/requirements/{id}", tag = "funding", request_body = RequirementInput, params(("id" = String, Path, description = "Requirement id")),
    responses((status = 200, body = Requirement), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn correct_requirement(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<RequirementInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<semey_domain::ids::RequirementId>("requirement", &id)?;
    Ok(crate::records::write::<Requirement>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ContributionQuery {
    /// A programme id: only what was given to it.
    programme_id: Option<String>,
    /// An organisation id: only what it gave.
    provider: Option<String>,
    /// `domestic`, `external` or `unspecified`: by the provider.
    origin: Option<String>,
    /// `experts`, `equipment`, `training` or `other`.
    category: Option<String>,
}

impl ContributionQuery {
    /// The contributions the query selects (`year`: given in that year).
    pub(super) fn filter(&self, pq: &ProgrammeQuery) -> Result<ContributionFilter, AppError> {
        let mut programmes = pq.filter()?;
        let year = programmes.year.take();
        Ok(ContributionFilter {
            money: FundingFilter {
                programmes,
                programme_id: param(
                    "programme_id",
                    &self.programme_id,
                    from_str("a programme id"),
                )?,
                year,
                origin: param("origin", &self.origin, parse_origin)?,
                provider_org_id: param("provider", &self.provider, from_str("an organisation id"))?,
            },
            category: param("category", &self.category, |v| {
                InKind::parse(v).map_err(err)
            })?,
        })
    }
}

/// Lists in-kind contributions (experts' time, equipment, training), newest first. Their
/// declared values are never counted as money received.
#[utoipa::path(get, path = "/contributions", tag = "funding", params(ProgrammeQuery, ContributionQuery, PageQuery),
    responses((status = 200, body = List<Contribution>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_contributions(
    State(s): State<AppState>,
    ApiQuery(pq): ApiQuery<ProgrammeQuery>,
    ApiQuery(q): ApiQuery<ContributionQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<List<Contribution>>, AppError> {
    let page = page.page()?;
    let (items, total) = s.store.list_contributions(&q.filter(&pq)?, page).await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::Contributions, &raw),
    }))
}

/// One in-kind contribution, with the exchange rates its declared value was converted at.
#[utoipa::path(get, path = "/contributions/{id}", tag = "funding", params(("id" = String, Path, description = "Contribution id")),
    responses((status = 200, body = Contribution), (status = 404, body = crate::error::ErrorBody)))]
async fn get_contribution(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Contribution>, AppError> {
    Ok(Json(
        s.store
            .money_record::<Contribution>(parse_path_id::<ContributionId>("contribution", &id)?)
            .await?,
    ))
}

/// Records an in-kind contribution. Recording the same one again (same programme and
/// reference, or the same details) answers 200 with the stored record and changes nothing.
#[utoipa::path(post, path = "/contributions", tag = "funding", request_body = ContributionInput,
    responses((status = 201, body = Contribution), (status = 200, body = Contribution, description = "Already recorded"),
        (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_contribution(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<ContributionInput>,
) -> Result<axum::response::Response, AppError> {
    Ok(crate::records::write::<Contribution>(
        &s.store,
        &actor,
        None,
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

/// Corrects an in-kind contribution: the record is replaced by the corrected entry.
#[utoipa::path(put, path = "/contributions/{id}", tag = "funding", request_body = ContributionInput, params(("id" = String, Path, description = "Contribution id")),
    responses((status = 200, body = Contribution), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn correct_contribution(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<ContributionInput>,
) -> Result<axum::response::Response, AppError> {
    let id = parse_path_id::<ContributionId>("contribution", &id)?;
    Ok(crate::records::write::<Contribution>(
        &s.store,
        &actor,
        Some(id),
        input,
        crate::records::Channel::Api,
    )
    .await?
    .respond())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct RateQuery {
    /// ISO 4217 code.
    currency: Option<String>,
}

/// Lists exchange rates (units of a currency per US dollar), newest first per currency.
#[utoipa::path(get, path = "/exchange-rates", tag = "funding", params(RateQuery, PageQuery),
    responses((status = 200, body = List<FxRate>), (status = 400, body = crate::error::ErrorBody)))]
async fn list_rates(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<RateQuery>,
    ApiQuery(page): ApiQuery<PageQuery>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Result<Json<List<FxRate>>, AppError> {
    let page = page.page()?;
    let (items, total) = s.store.list_rates(q.currency()?, page).await?;
    Ok(Json(List {
        items,
        total,
        limit: page.limit,
        offset: page.offset,
        downloads: super::common::downloads(crate::opendata::Dataset::ExchangeRates, &raw),
    }))
}

impl RateQuery {
    pub(super) fn currency(&self) -> Result<Option<Currency>, AppError> {
        param("currency", &self.currency, |v| {
            Currency::parse(v).map_err(err)
        })
    }
}

/// An exchange rate as entered.
#[derive(Debug, Deserialize, ToSchema)]
pub(super) struct RateInput {
    currency: String,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "semey_domain::iso_date")]
    date: Date,
    /// Units of the currency per US dollar, as a decimal string.
    #[schema(value_type = String, example = "470.50")]
    per_usd: String,
    source: String,
}

/// What a batch of rates changed.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct RateResult {
    inserted: u64,
    updated: u64,
    unchanged: u64,
}

/// Stores exchange rates (all or none). A rate for a currency and date already stored is
/// replaced; amounts converted earlier keep the rate they were converted at.
#[utoipa::path(post, path = "/exchange-rates", tag = "funding", request_body = Vec<RateInput>,
    responses((status = 200, body = RateResult), (status = 400, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn create_rates(
    State(s): State<AppState>,
    actor: crate::accounts::Actor,
    ApiJson(input): ApiJson<Vec<RateInput>>,
) -> Result<Json<RateResult>, AppError> {
    actor.principal.may_coordinate()?;
    let mut rates = Vec::new();
    let mut errors = Vec::new();
    for (i, r) in input.into_iter().enumerate() {
        let currency = Currency::parse(&r.currency);
        let per_usd = r.per_usd.trim().parse::<Decimal>();
        match (currency, per_usd) {
            (Ok(c), Ok(p)) => match FxRate::check(c, r.date, p, &r.source) {
                Ok(rate) => rates.push(rate),
                Err(e) => errors.extend(e.errors.into_iter().map(|e| e.under(&format!("[{i}]")))),
            },
            (c, p) => {
                if let Err(e) = c {
                    errors.extend(e.errors.into_iter().map(|e| e.under(&format!("[{i}]"))));
                }
                if p.is_err() {
                    errors.push(semey_domain::FieldError::new(
                        format!("[{i}].per_usd"),
                        "invalid_rate",
                        format!("{:?} is not a number", r.per_usd),
                    ));
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(semey_domain::Invalid { errors }.into());
    }
    let mut tx = s.store.begin().await?;
    let r = crate::funding::save_rates(&s.store, &mut tx, &actor, rates).await?;
    tx.commit().await?;
    Ok(Json(RateResult {
        inserted: r.inserted,
        updated: r.updated,
        unchanged: r.unchanged,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SummaryQuery {
    /// Comma-separated dimensions: `area`, `organisation` (who gave the money), `place`
    /// (or `place:region`, `place:district` for ancestors at that level), `year`, `currency`
    /// (the currency the money was reported in), `origin`, `programme`.
    group_by: Option<String>,
    /// `domestic` or `external` money only.
    origin: Option<String>,
    /// An organisation id: only money it gave.
    provider: Option<String>,
    /// Language of the labels: `kk`, `ru`, `en` or `zh`.
    lang: Option<String>,
    /// Groups per answer (1 to 1000, default 1000), in the order of their keys; the answer's
    /// `next_offset` says where the next page starts.
    limit: Option<String>,
    /// The first group of the answer (0 to 100000).
    offset: Option<String>,
}

pub fn parse_dimensions(v: &str) -> Result<Vec<Dimension>, String> {
    let mut out = Vec::new();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let d = match part {
            "area" => Dimension::Area,
            "organisation" | "organization" => Dimension::Organisation,
            "place" => Dimension::Place(None),
            "year" => Dimension::Year,
            "currency" => Dimension::Currency,
            "origin" => Dimension::Origin,
            "programme" => Dimension::Programme,
            other => match other.strip_prefix("place:").map(PlaceLevel::parse) {
                Some(Ok(level)) => Dimension::Place(Some(level)),
                _ => return Err(format!("{other:?} is not one of area, organisation, place, place:region, place:district, year, currency, origin, programme")),
            },
        };
        if out.iter().any(|x: &Dimension| x.name() == d.name()) {
            return Err(format!("{part:?} is given twice"));
        }
        out.push(d);
    }
    Ok(out)
}

/// Funding totals (required, pledged, committed, disbursed, spent; gap, % funded, disbursement
/// rate) in USD and KZT, grouped by any dimensions, with domestic and external money side by
/// side. Pledges are never counted as money; flows between platform programmes are counted
/// once, where the money entered the platform, and shown in the `internal_*` figures.
#[utoipa::path(get, path = "/funding/summary", tag = "funding", params(SummaryQuery, ProgrammeQuery),
    responses((status = 200, body = FundingSummary), (status = 400, body = crate::error::ErrorBody)))]
async fn funding_summary(
    State(s): State<AppState>,
    ApiQuery(q): ApiQuery<SummaryQuery>,
    ApiQuery(pq): ApiQuery<ProgrammeQuery>,
) -> Result<Json<FundingSummary>, AppError> {
    let dims = param("group_by", &q.group_by, parse_dimensions)?.unwrap_or_default();
    let lang = param("lang", &q.lang, |v| v.parse::<Lang>())?.unwrap_or(Lang::En);
    let mut programmes = pq.filter()?;
    // For money, `year` selects the money of that year, not the programmes running then.
    let year = programmes.year.take();
    let filter = FundingFilter {
        programmes,
        programme_id: None,
        year,
        origin: param("origin", &q.origin, parse_origin)?,
        provider_org_id: param("provider", &q.provider, from_str("an organisation id"))?,
    };
    let page = super::common::page(
        &q.limit
            .clone()
            .or(Some(semey_store::Page::MAX_LIMIT.to_string())),
        &q.offset,
    )?;
    Ok(Json(
        crate::funding::summary_page(&s.store, &dims, &filter, lang, Some(page)).await?,
    ))
}
