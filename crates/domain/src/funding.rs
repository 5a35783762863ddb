//! Funding: requirements, transactions and the rules for counting money.
//!
//! Counting rules (documented for users in ARCHITECTURE.md, "Counting money"):
//! - Funding is what flows *into* programmes: incoming pledges (13) are *pledged*, incoming
//!   commitments (11) *committed*, incoming funds (1) *disbursed*; expenditures (4) are *spent*.
//!   Outgoing commitments, disbursements and pledges to someone outside the platform are shown as
//!   *outgoing*; they are money passed on, not new funding.
//! - Pledges are promises: they are never added to committed, disbursed or spent money.
//! - A flow between two programmes that are both in the platform is *internal*. It is stored once,
//!   on the receiving programme (an outgoing record from the giving side is turned into the
//!   incoming record of the receiving side, and recognised as the same flow when both sides report
//!   it). Totals over several programmes leave internal flows out (the money was counted where it
//!   entered the platform) and show them in their own columns.
//! - Money from Kazakhstan's own public bodies is *domestic*; from anyone else *external*.

use crate::currency::{Currency, Money};
use crate::error::{Checker, FieldError, Invalid};
use crate::fx::Converted;
use crate::ids::{OrganisationId, ProgrammeId, RequirementId, TransactionId};
use crate::terms::FinanceTerms;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

/// Namespace of Semey's deterministic record keys (UUID v5), which make imports idempotent.
pub(crate) const KEY_NAMESPACE: Uuid = Uuid::from_u128(0x5e3e_7a00_0000_4c1b_9a7d_0000_0075_0210);

/// IATI TransactionType (codes 1–13).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(try_from = "u8", into = "u8")]
#[schema(value_type = u8, example = 11)]
pub struct TransactionType(u8);

impl TransactionType {
    pub const NAMES: [&'static str; 13] = [
        "Incoming Funds",
        "Outgoing Commitment",
        "Disbursement",
        "Expenditure",
        "Interest Payment",
        "Loan Repayment",
        "Reimbursement",
        "Purchase of Equity",
        "Sale of Equity",
        "Credit Guarantee",
        "Incoming Commitment",
        "Outgoing Pledge",
        "Incoming Pledge",
    ];
    pub const INCOMING_FUNDS: TransactionType = TransactionType(1);
    pub const OUTGOING_COMMITMENT: TransactionType = TransactionType(2);
    pub const DISBURSEMENT: TransactionType = TransactionType(3);
    pub const EXPENDITURE: TransactionType = TransactionType(4);
    pub const INCOMING_COMMITMENT: TransactionType = TransactionType(11);
    pub const OUTGOING_PLEDGE: TransactionType = TransactionType(12);
    pub const INCOMING_PLEDGE: TransactionType = TransactionType(13);

    pub fn parse(code: u8) -> Result<Self, Invalid> {
        if (1..=13).contains(&code) {
            Ok(Self(code))
        } else {
            Err(Invalid::one(
                "transaction_type",
                "unknown_transaction_type",
                format!("{code} is not an IATI TransactionType code (1–13)"),
            ))
        }
    }

    pub fn code(self) -> u8 {
        self.0
    }

    pub fn name_en(self) -> &'static str {
        Self::NAMES[usize::from(self.0 - 1)]
    }

    /// For an outgoing flow type, the incoming type that records the same flow on the
    /// receiving side.
    pub fn incoming_mirror(self) -> Option<TransactionType> {
        match self.0 {
            2 => Some(Self::INCOMING_COMMITMENT),
            3 => Some(Self::INCOMING_FUNDS),
            12 => Some(Self::INCOMING_PLEDGE),
            _ => None,
        }
    }
}

impl TryFrom<u8> for TransactionType {
    type Error = String;
    fn try_from(c: u8) -> Result<Self, Self::Error> {
        Self::parse(c).map_err(|e| e.to_string())
    }
}

impl From<TransactionType> for u8 {
    fn from(t: TransactionType) -> u8 {
        t.0
    }
}

/// What a transaction counts as in funding totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Pledged,
    Committed,
    Disbursed,
    Spent,
    /// Money passed on to someone outside the platform (outgoing commitment, disbursement, pledge).
    Outgoing,
    /// Interest, loan repayments, reimbursements, equity, guarantees: listed, not summed.
    Other,
}

/// The figures money is summed into, in the order the roll-ups store them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SumColumn {
    /// Requirements (budgets), not transactions.
    Required,
    Pledged,
    Committed,
    Disbursed,
    Spent,
    InternalCommitted,
    InternalDisbursed,
    Outgoing,
}

impl SumColumn {
    pub const ALL: [SumColumn; 8] = [
        SumColumn::Required,
        SumColumn::Pledged,
        SumColumn::Committed,
        SumColumn::Disbursed,
        SumColumn::Spent,
        SumColumn::InternalCommitted,
        SumColumn::InternalDisbursed,
        SumColumn::Outgoing,
    ];

    /// The column's name in the roll-ups (`…_usd`, `…_kzt`) and in summaries.
    pub const fn as_str(self) -> &'static str {
        match self {
            SumColumn::Required => "required",
            SumColumn::Pledged => "pledged",
            SumColumn::Committed => "committed",
            SumColumn::Disbursed => "disbursed",
            SumColumn::Spent => "spent",
            SumColumn::InternalCommitted => "internal_committed",
            SumColumn::InternalDisbursed => "internal_disbursed",
            SumColumn::Outgoing => "outgoing",
        }
    }
}

impl Measure {
    /// The counting rules, stated once (the storage layer's roll-up SQL is generated from
    /// them): where a transaction of this measure is summed, by whether it is an internal flow
    /// between two platform programmes. Pledges are never money; an internal flow is counted
    /// apart, once; money passed on is outgoing either way; `Other` is listed, not summed.
    pub fn counted_in(self, internal: bool) -> Option<SumColumn> {
        match (self, internal) {
            (Measure::Pledged, false) => Some(SumColumn::Pledged),
            (Measure::Committed, false) => Some(SumColumn::Committed),
            (Measure::Disbursed, false) => Some(SumColumn::Disbursed),
            (Measure::Spent, false) => Some(SumColumn::Spent),
            (Measure::Committed, true) => Some(SumColumn::InternalCommitted),
            (Measure::Disbursed, true) => Some(SumColumn::InternalDisbursed),
            (Measure::Outgoing, _) => Some(SumColumn::Outgoing),
            (Measure::Pledged | Measure::Spent, true) | (Measure::Other, _) => None,
        }
    }

    pub const ALL: [Measure; 6] = [
        Measure::Pledged,
        Measure::Committed,
        Measure::Disbursed,
        Measure::Spent,
        Measure::Outgoing,
        Measure::Other,
    ];

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim())
            .ok_or_else(|| {
                Invalid::one(
                    "measure",
                    "unknown_measure",
                    format!("{s:?} is not pledged, committed, disbursed, spent, outgoing or other"),
                )
            })
    }

    pub fn of(t: TransactionType) -> Measure {
        match t.code() {
            13 => Measure::Pledged,
            11 => Measure::Committed,
            1 => Measure::Disbursed,
            4 => Measure::Spent,
            2 | 3 | 12 => Measure::Outgoing,
            _ => Measure::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Measure::Pledged => "pledged",
            Measure::Committed => "committed",
            Measure::Disbursed => "disbursed",
            Measure::Spent => "spent",
            Measure::Outgoing => "outgoing",
            Measure::Other => "other",
        }
    }
}

/// Where money comes from: Kazakhstan's public budget, or outside it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Domestic,
    External,
    /// No provider organisation was given.
    Unspecified,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Domestic => "domestic",
            Origin::External => "external",
            Origin::Unspecified => "unspecified",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "domestic" => Ok(Origin::Domestic),
            "external" => Ok(Origin::External),
            "unspecified" => Ok(Origin::Unspecified),
            _ => Err(Invalid::one(
                "origin",
                "unknown_origin",
                format!("{s:?} is not domestic, external or unspecified"),
            )),
        }
    }
}

/// An amount entered by a person: a decimal in major units, as a JSON string or number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AmountInput {
    Text(String),
    Number(serde_json::Number),
}

impl AmountInput {
    pub fn as_text(&self) -> String {
        match self {
            AmountInput::Text(s) => s.clone(),
            AmountInput::Number(n) => n.to_string(),
        }
    }
}

/// A transaction as entered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransactionInput {
    pub programme_id: ProgrammeId,
    /// The reporter's own reference; two records with the same programme and reference are one.
    pub reference: Option<String>,
    pub transaction_type: u8,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    /// Date of the exchange rate to use; the transaction date when absent.
    #[schema(value_type = Option<String>, format = Date)]
    #[serde(default, with = "crate::iso_date::option")]
    pub value_date: Option<Date>,
    pub amount: AmountInput,
    pub currency: String,
    pub provider_org_id: Option<OrganisationId>,
    pub receiver_org_id: Option<OrganisationId>,
    /// The platform programme the money comes from, for a flow between programmes.
    pub provider_programme_id: Option<ProgrammeId>,
    /// The platform programme the money goes to, for a flow between programmes.
    pub receiver_programme_id: Option<ProgrammeId>,
    #[serde(default)]
    pub description: String,
    /// Aid, finance and flow type and tied status, where they differ from the programme's.
    #[serde(default)]
    pub terms: FinanceTerms,
}

/// A checked transaction, normalised so that a flow between two platform programmes is always
/// recorded on the receiving programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTransaction {
    pub id: TransactionId,
    pub programme_id: ProgrammeId,
    pub reference: Option<String>,
    pub transaction_type: TransactionType,
    pub date: Date,
    pub value_date: Date,
    pub money: Money,
    pub provider_org_id: Option<OrganisationId>,
    pub receiver_org_id: Option<OrganisationId>,
    pub provider_programme_id: Option<ProgrammeId>,
    pub receiver_programme_id: Option<ProgrammeId>,
    pub description: String,
    pub terms: FinanceTerms,
}

impl CheckedTransaction {
    /// True for a flow between two programmes of the platform.
    pub fn is_internal(&self) -> bool {
        self.provider_programme_id.is_some()
    }

    pub fn measure(&self) -> Measure {
        Measure::of(self.transaction_type)
    }

    /// The year the transaction counts in.
    pub fn year(&self) -> i32 {
        self.date.year()
    }
}

impl TransactionInput {
    pub fn check(self) -> Result<CheckedTransaction, Invalid> {
        let mut c = Checker::new();
        let ttype = c.take("", TransactionType::parse(self.transaction_type));
        let money = c.take("", Money::parse(&self.currency, &self.amount.as_text()));
        if matches!(money, Some(m) if m.minor == 0) {
            c.push(FieldError::new(
                "amount",
                "zero_amount",
                "a transaction of zero records nothing",
            ));
        }
        if let Some(v) = self.value_date {
            if v > self.date.saturating_add(time::Duration::days(366)) {
                c.push(FieldError::new(
                    "value_date",
                    "value_date_far",
                    "the value date is more than a year after the transaction date",
                ));
            }
        }
        if self.provider_programme_id.is_some()
            && self.provider_programme_id == self.receiver_programme_id
        {
            c.push(FieldError::new(
                "receiver_programme_id",
                "same_programme",
                "a flow needs two different programmes",
            ));
        }
        let reference = self
            .reference
            .map(|r| plain_text(&r))
            .filter(|r| !r.is_empty());
        let terms = c.take("terms", self.terms.checked());
        c.finish(|| {
            let mut t = CheckedTransaction {
                id: TransactionId(Uuid::nil()),
                programme_id: self.programme_id,
                reference,
                transaction_type: ttype.expect("checked"),
                date: self.date,
                value_date: self.value_date.unwrap_or(self.date),
                money: money.expect("checked"),
                provider_org_id: self.provider_org_id,
                receiver_org_id: self.receiver_org_id,
                provider_programme_id: self
                    .provider_programme_id
                    .filter(|p| *p != self.programme_id),
                receiver_programme_id: self
                    .receiver_programme_id
                    .filter(|p| *p != self.programme_id),
                description: plain_text(&self.description),
                terms: terms.expect("checked"),
            };
            // An outgoing flow to another platform programme is recorded as that programme's
            // incoming flow, so both sides' reports of it become one record.
            if let (Some(receiver), Some(mirror)) = (
                t.receiver_programme_id,
                t.transaction_type.incoming_mirror(),
            ) {
                t.provider_programme_id = Some(t.programme_id);
                t.programme_id = receiver;
                t.receiver_programme_id = None;
                t.transaction_type = mirror;
            }
            t.id = transaction_key(&t);
            t
        })
    }
}

/// Text as recorded: trimmed, and control characters other than line breaks and tabs (which
/// no one types, and which exports use as separators) turned into spaces.
pub fn plain_text(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The deterministic id of a transaction: from its programme and reference when it has one,
/// otherwise from everything that describes the flow. Recording the same flow twice yields the
/// same id, which is how imports stay idempotent and duplicated rows are caught.
pub fn transaction_key(t: &CheckedTransaction) -> TransactionId {
    let opt = |o: Option<String>| o.unwrap_or_default();
    let name = match &t.reference {
        Some(r) => format!("tx|{}|ref|{r}", t.programme_id),
        None => format!(
            "tx|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            t.programme_id,
            t.transaction_type.code(),
            t.date,
            t.money.minor,
            t.money.currency,
            opt(t.provider_org_id.map(|x| x.to_string())),
            opt(t.receiver_org_id.map(|x| x.to_string())),
            opt(t.provider_programme_id.map(|x| x.to_string())),
            t.value_date,
            t.description
        ),
    };
    // The first six bytes come from the programme, the rest from the flow: the keys of one
    // programme's transactions sort together, so bulk inserts touch few index pages.
    let programme = Uuid::new_v5(&KEY_NAMESPACE, t.programme_id.0.as_bytes());
    let flow = Uuid::new_v5(&KEY_NAMESPACE, name.as_bytes());
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&programme.as_bytes()[..6]);
    bytes[6..].copy_from_slice(&flow.as_bytes()[6..]);
    TransactionId(Uuid::new_v8(bytes))
}

/// A stored transaction, with its conversion into the reporting currencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Transaction {
    pub id: TransactionId,
    pub programme_id: ProgrammeId,
    pub reference: Option<String>,
    pub transaction_type: TransactionType,
    pub measure: Measure,
    pub internal: bool,
    pub origin: Origin,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub value_date: Date,
    /// Minor units of `currency`.
    pub amount: i64,
    pub currency: Currency,
    pub provider_org_id: Option<OrganisationId>,
    pub receiver_org_id: Option<OrganisationId>,
    pub provider_programme_id: Option<ProgrammeId>,
    pub description: String,
    /// Its own aid, finance and flow type and tied status (the programme's apply where absent).
    #[serde(default)]
    pub terms: FinanceTerms,
    pub converted: Converted,
}

impl Transaction {
    /// The amount as reported, with its currency.
    pub fn money(&self) -> Money {
        Money::new(self.amount, self.currency)
    }
}

/// A funding requirement as entered: the money a programme needs in one period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequirementInput {
    pub programme_id: ProgrammeId,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub period_start: Date,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub period_end: Date,
    pub amount: AmountInput,
    pub currency: String,
    #[serde(default)]
    pub description: String,
}

/// A checked requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedRequirement {
    pub id: RequirementId,
    pub programme_id: ProgrammeId,
    pub period_start: Date,
    pub period_end: Date,
    pub money: Money,
    pub description: String,
}

/// True when `end` is at most one year after `start` (IATI: a budget period is not longer
/// than one year): 2024-01-01..2024-12-31 is fine, 2024-01-01..2025-01-01 is not.
pub fn within_one_year(start: Date, end: Date) -> bool {
    let anniversary = start.replace_year(start.year() + 1).unwrap_or_else(|_| {
        // 29 February: the anniversary is 1 March of the next year.
        time::Date::from_calendar_date(start.year() + 1, time::Month::March, 1).expect("valid date")
    });
    end < anniversary
}

impl RequirementInput {
    pub fn check(self) -> Result<CheckedRequirement, Invalid> {
        let mut c = Checker::new();
        if self.period_end < self.period_start {
            c.push(FieldError::new(
                "period_end",
                "end_before_start",
                format!(
                    "the period ends ({}) before it starts ({})",
                    self.period_end, self.period_start
                ),
            ));
        } else if !within_one_year(self.period_start, self.period_end) {
            c.push(FieldError::new(
                "period_end",
                "period_longer_than_a_year",
                format!(
                    "the period {} – {} is longer than one year: split it into yearly requirements",
                    self.period_start, self.period_end
                ),
            ));
        }
        let money = c.take("", Money::parse(&self.currency, &self.amount.as_text()));
        if matches!(money, Some(m) if m.minor <= 0) {
            c.push(FieldError::new(
                "amount",
                "not_positive",
                "a requirement must be more than zero",
            ));
        }
        c.finish(|| {
            let name = format!(
                "req|{}|{}|{}|{}",
                self.programme_id,
                self.period_start,
                self.period_end,
                self.description.trim()
            );
            CheckedRequirement {
                id: RequirementId(Uuid::new_v5(&KEY_NAMESPACE, name.as_bytes())),
                programme_id: self.programme_id,
                period_start: self.period_start,
                period_end: self.period_end,
                money: money.expect("checked"),
                description: self.description.trim().to_owned(),
            }
        })
    }
}

/// A stored requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Requirement {
    pub id: RequirementId,
    pub programme_id: ProgrammeId,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub period_start: Date,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub period_end: Date,
    pub amount: i64,
    pub currency: Currency,
    pub description: String,
    pub converted: Converted,
}

impl Requirement {
    /// The amount needed, with its currency.
    pub fn money(&self) -> Money {
        Money::new(self.amount, self.currency)
    }
}

/// Summed money of one group, in the minor units of one reporting currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Sums {
    pub required: i64,
    pub pledged: i64,
    pub committed: i64,
    pub disbursed: i64,
    pub spent: i64,
    /// Committed through flows from other platform programmes (not in `committed`).
    pub internal_committed: i64,
    /// Received through flows from other platform programmes (not in `disbursed`).
    pub internal_disbursed: i64,
    pub outgoing: i64,
}

/// Sums with the figures derived from them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Totals {
    #[serde(flatten)]
    pub sums: Sums,
    /// required − committed (negative when more is committed than required).
    pub gap: i64,
    /// committed ÷ required × 100, when something is required.
    pub percent_funded: Option<f64>,
    /// disbursed ÷ committed × 100, when something is committed.
    pub disbursement_rate: Option<f64>,
}

fn percent(part: i64, whole: i64) -> Option<f64> {
    // Figures are rounded to one decimal: that is all a reader needs, and it keeps output stable.
    (whole != 0).then(|| ((part as f64) * 1000.0 / (whole as f64)).round() / 10.0)
}

impl From<Sums> for Totals {
    fn from(s: Sums) -> Self {
        Totals {
            sums: s,
            gap: s.required - s.committed,
            percent_funded: percent(s.committed, s.required),
            disbursement_rate: percent(s.disbursed, s.committed),
        }
    }
}

impl Sums {
    /// Adds a transaction's amount where the counting rules put it ([`Measure::counted_in`]).
    pub fn add(&mut self, measure: Measure, internal: bool, amount: i64) {
        if let Some(column) = measure.counted_in(internal) {
            *self.get_mut(column) += amount;
        }
    }

    fn get_mut(&mut self, column: SumColumn) -> &mut i64 {
        match column {
            SumColumn::Required => &mut self.required,
            SumColumn::Pledged => &mut self.pledged,
            SumColumn::Committed => &mut self.committed,
            SumColumn::Disbursed => &mut self.disbursed,
            SumColumn::Spent => &mut self.spent,
            SumColumn::InternalCommitted => &mut self.internal_committed,
            SumColumn::InternalDisbursed => &mut self.internal_disbursed,
            SumColumn::Outgoing => &mut self.outgoing,
        }
    }

    /// The sums in the order of the roll-up columns.
    pub fn to_array(self) -> [i64; 8] {
        [
            self.required,
            self.pledged,
            self.committed,
            self.disbursed,
            self.spent,
            self.internal_committed,
            self.internal_disbursed,
            self.outgoing,
        ]
    }
}

impl std::ops::AddAssign for Sums {
    fn add_assign(&mut self, o: Sums) {
        self.required += o.required;
        self.pledged += o.pledged;
        self.committed += o.committed;
        self.disbursed += o.disbursed;
        self.spent += o.spent;
        self.internal_committed += o.internal_committed;
        self.internal_disbursed += o.internal_disbursed;
        self.outgoing += o.outgoing;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn input(t: u8) -> TransactionInput {
        TransactionInput {
            programme_id: ProgrammeId::new(),
            reference: None,
            transaction_type: t,
            date: date!(2024 - 03 - 01),
            value_date: None,
            amount: AmountInput::Text("1000".into()),
            currency: "USD".into(),
            provider_org_id: None,
            receiver_org_id: None,
            provider_programme_id: None,
            receiver_programme_id: None,
            description: String::new(),
            terms: FinanceTerms::default(),
        }
    }

    #[test]
    fn pledges_are_never_money() {
        assert_eq!(
            Measure::of(TransactionType::INCOMING_PLEDGE),
            Measure::Pledged
        );
        assert_eq!(
            Measure::of(TransactionType::OUTGOING_PLEDGE),
            Measure::Outgoing
        );
        for code in 1..=13 {
            let m = Measure::of(TransactionType::parse(code).unwrap());
            if matches!(code, 12 | 13) {
                assert!(!matches!(
                    m,
                    Measure::Committed | Measure::Disbursed | Measure::Spent
                ));
            }
        }
    }

    #[test]
    fn both_sides_of_an_internal_flow_become_one_record() {
        let giver = ProgrammeId::new();
        let receiver = ProgrammeId::new();
        let mut out = input(2);
        out.programme_id = giver;
        out.receiver_programme_id = Some(receiver);
        let mut inc = input(11);
        inc.programme_id = receiver;
        inc.provider_programme_id = Some(giver);
        let a = out.check().unwrap();
        let b = inc.check().unwrap();
        assert_eq!(a, b);
        assert!(a.is_internal());
        assert_eq!(a.programme_id, receiver);
        assert_eq!(a.measure(), Measure::Committed);
    }

    #[test]
    fn budget_periods_are_at_most_a_year() {
        assert!(within_one_year(
            date!(2024 - 01 - 01),
            date!(2024 - 12 - 31)
        ));
        assert!(!within_one_year(
            date!(2024 - 01 - 01),
            date!(2025 - 01 - 01)
        ));
        assert!(within_one_year(
            date!(2024 - 02 - 29),
            date!(2025 - 02 - 28)
        ));
        let r = RequirementInput {
            programme_id: ProgrammeId::new(),
            period_start: date!(2024 - 01 - 01),
            period_end: date!(2025 - 06 - 30),
            amount: AmountInput::Text("10".into()),
            currency: "KZT".into(),
            description: String::new(),
        };
        assert_eq!(
            r.check().unwrap_err().errors[0].code,
            "period_longer_than_a_year"
        );
    }

    #[test]
    fn gap_and_rates_follow_from_the_sums() {
        let t = Totals::from(Sums {
            required: 1000,
            committed: 250,
            disbursed: 100,
            pledged: 5000,
            ..Default::default()
        });
        assert_eq!(t.gap, 750);
        assert_eq!(t.percent_funded, Some(25.0));
        assert_eq!(t.disbursement_rate, Some(40.0));
        assert_eq!(Totals::from(Sums::default()).percent_funded, None);
    }
}

crate::string_schema!(
    AmountInput,
    "A decimal amount in major units of its currency, as a string or a number",
    "125000.00"
);
