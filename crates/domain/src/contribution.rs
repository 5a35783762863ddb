//! In-kind contributions: experts' time, equipment and training a provider gives a programme,
//! with what was given (description, quantity and unit) and the value the provider declares.
//!
//! The resolution asks for "technical, expert and financial" contributions. A contribution in
//! kind is not money: it is recorded apart from transactions and never counted in what a
//! programme received; its declared value is shown beside the money, converted like it.

use crate::currency::{Currency, Money};
use crate::error::{Checker, FieldError};
use crate::funding::{AmountInput, KEY_NAMESPACE};
use crate::fx::Converted;
use crate::ids::{ContributionId, OrganisationId, ProgrammeId};
use crate::Invalid;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::str::FromStr;
use time::Date;
use utoipa::ToSchema;
use uuid::Uuid;

string_enum!(
    /// What was given.
    InKind, "category" {
        Experts = "experts",
        Equipment = "equipment",
        Training = "training",
        Other = "other",
    }
);

impl InKind {
    /// The IATI aid type (vocabulary 1) such a contribution is reported as: D01 donor country
    /// personnel, C01 project-type intervention (goods), D02 other technical assistance
    /// (training, knowledge); `None` where the programme's default applies.
    pub fn aid_type(self) -> Option<&'static str> {
        match self {
            InKind::Experts => Some("D01"),
            InKind::Equipment => Some("C01"),
            InKind::Training => Some("D02"),
            InKind::Other => None,
        }
    }
}

/// An in-kind contribution as entered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ContributionInput {
    pub programme_id: ProgrammeId,
    /// The provider's own reference; two records with the same programme and reference are one.
    #[serde(default)]
    pub reference: Option<String>,
    pub category: InKind,
    /// Who gives it.
    pub provider_org_id: OrganisationId,
    /// When it was given (or began to be).
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    /// What was given: "two dosimetry experts from the IAEA".
    pub description: String,
    /// How much, in `unit`: 40 (person-days), 3 (spectrometers).
    #[schema(value_type = String, example = "40")]
    pub quantity: AmountInput,
    pub unit: String,
    /// The value the provider declares, in `currency`.
    #[schema(value_type = String, example = "25000")]
    pub value: AmountInput,
    pub currency: String,
}

/// A checked contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedContribution {
    pub id: ContributionId,
    pub programme_id: ProgrammeId,
    pub reference: Option<String>,
    pub category: InKind,
    pub provider_org_id: OrganisationId,
    pub date: Date,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub value: Money,
}

impl ContributionInput {
    pub fn check(self) -> Result<CheckedContribution, Invalid> {
        let mut c = Checker::new();
        let text = |s: &str| s.trim().to_owned();
        let description = text(&self.description);
        if description.is_empty() {
            c.push(FieldError::new(
                "description",
                "required",
                "say what was given",
            ));
        }
        let unit = text(&self.unit);
        if unit.is_empty() {
            c.push(FieldError::new(
                "unit",
                "required",
                "say what the quantity counts (person-days, units, trainees …)",
            ));
        }
        let quantity_text = self.quantity.as_text().replace([' ', '\u{a0}'], "");
        let quantity = match Decimal::from_str(&quantity_text) {
            Ok(q) if q > Decimal::ZERO => Some(q.normalize()),
            Ok(_) => {
                c.push(FieldError::new(
                    "quantity",
                    "not_positive_quantity",
                    "the quantity must be greater than zero",
                ));
                None
            }
            Err(_) => {
                c.push(FieldError::new(
                    "quantity",
                    "not_a_number",
                    format!("{quantity_text:?} is not a number (use a dot for decimals)"),
                ));
                None
            }
        };
        let value = c.take("", Money::parse(&self.currency, &self.value.as_text()));
        if matches!(value, Some(m) if m.minor <= 0) {
            c.push(FieldError::new(
                "value",
                "not_positive",
                "the declared value must be greater than zero",
            ));
        }
        let reference = self
            .reference
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty());
        c.finish(|| {
            let mut checked = CheckedContribution {
                id: ContributionId(Uuid::nil()),
                programme_id: self.programme_id,
                reference,
                category: self.category,
                provider_org_id: self.provider_org_id,
                date: self.date,
                description,
                quantity: quantity.expect("checked"),
                unit,
                value: value.expect("checked"),
            };
            checked.id = contribution_key(&checked);
            checked
        })
        .map_err(|mut e| {
            // `Money::parse` names the amount; here the amount is the declared value.
            for f in &mut e.errors {
                if f.field == "amount" {
                    f.field = "value".into();
                }
            }
            e
        })
    }
}

/// The deterministic id of a contribution: from its programme and reference when it has one,
/// otherwise from everything that describes it, so recording it again changes nothing.
pub fn contribution_key(c: &CheckedContribution) -> ContributionId {
    let name = match &c.reference {
        Some(r) => format!("inkind|{}|ref|{r}", c.programme_id),
        None => format!(
            "inkind|{}|{}|{}|{}|{}|{}|{}|{}|{}",
            c.programme_id,
            c.category.as_str(),
            c.provider_org_id,
            c.date,
            c.description,
            c.quantity,
            c.unit,
            c.value.minor,
            c.value.currency
        ),
    };
    ContributionId(Uuid::new_v5(&KEY_NAMESPACE, name.as_bytes()))
}

/// A stored contribution, its declared value converted into the reporting currencies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contribution {
    pub id: ContributionId,
    pub programme_id: ProgrammeId,
    pub reference: Option<String>,
    pub category: InKind,
    pub provider_org_id: OrganisationId,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    pub description: String,
    /// A decimal number, as text ("40", "2.5").
    pub quantity: String,
    pub unit: String,
    /// The declared value in minor units of `currency`.
    pub amount: i64,
    pub currency: Currency,
    pub converted: Converted,
}

impl Contribution {
    /// The declared value, with its currency.
    pub fn money(&self) -> Money {
        Money::new(self.amount, self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ContributionInput {
        ContributionInput {
            programme_id: ProgrammeId(Uuid::from_u128(1)),
            reference: None,
            category: InKind::Experts,
            provider_org_id: OrganisationId(Uuid::from_u128(2)),
            date: time::macros::date!(2025 - 03 - 01),
            description: "Two dosimetry experts".into(),
            quantity: AmountInput::Text("40".into()),
            unit: "person-days".into(),
            value: AmountInput::Text("25000".into()),
            currency: "USD".into(),
        }
    }

    #[test]
    fn the_same_contribution_twice_is_one_record() {
        let a = input().check().expect("valid");
        let b = input().check().expect("valid");
        assert_eq!(a.id, b.id);
        let mut other = input();
        other.quantity = AmountInput::Text("41".into());
        assert_ne!(other.check().expect("valid").id, a.id);
    }

    #[test]
    fn quantity_is_read_as_a_decimal_and_written_plainly() {
        let mut i = input();
        i.quantity = AmountInput::Text("2.50".into());
        assert_eq!(i.check().expect("valid").quantity.to_string(), "2.5");
    }

    #[test]
    fn every_problem_is_named_at_its_field() {
        let mut i = input();
        i.description = " ".into();
        i.unit = String::new();
        i.quantity = AmountInput::Text("many".into());
        i.value = AmountInput::Text("0".into());
        let e = i.check().expect_err("invalid");
        let fields: Vec<&str> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["description", "unit", "quantity", "value"]);
        let mut i = input();
        i.currency = "XXQ".into();
        let e = i.check().expect_err("unknown currency");
        assert_eq!(e.errors[0].field, "currency");
    }

    #[test]
    fn each_kind_has_its_iati_aid_type() {
        assert_eq!(InKind::Experts.aid_type(), Some("D01"));
        assert_eq!(InKind::Training.aid_type(), Some("D02"));
        assert_eq!(InKind::Equipment.aid_type(), Some("C01"));
        assert_eq!(InKind::Other.aid_type(), None);
    }
}
