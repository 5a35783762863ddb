//! The kinds of record people create and change. Every kind goes through one record path
//! (authorise → check → propose or write → audit, in one database transaction); code that
//! handles "every kind" matches this enum exhaustively, so adding a kind makes the compiler
//! list every place that must learn about it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    Organisation,
    Place,
    Programme,
    Transaction,
    Requirement,
    Contribution,
    Service,
    Document,
    Result,
    IndicatorPeriod,
    ExchangeRate,
    TubeFactor,
    Mandate,
    Body,
    Meeting,
    Decision,
    ActionItem,
    Report,
    Account,
}

/// Who decides on a kind's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stewards {
    /// An organisation's editors propose, coordinators approve and publish.
    Organisations,
    /// Shared reference data (places, exchange rates, tube factors): coordinators only.
    Coordinators,
    /// Accounts and memberships: administrators only.
    Administrators,
}

impl RecordKind {
    pub const ALL: [RecordKind; 19] = [
        RecordKind::Organisation,
        RecordKind::Place,
        RecordKind::Programme,
        RecordKind::Transaction,
        RecordKind::Requirement,
        RecordKind::Contribution,
        RecordKind::Service,
        RecordKind::Document,
        RecordKind::Result,
        RecordKind::IndicatorPeriod,
        RecordKind::ExchangeRate,
        RecordKind::TubeFactor,
        RecordKind::Mandate,
        RecordKind::Body,
        RecordKind::Meeting,
        RecordKind::Decision,
        RecordKind::ActionItem,
        RecordKind::Report,
        RecordKind::Account,
    ];

    /// The name stored in proposals and audit lines.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Organisation => "organisation",
            RecordKind::Place => "place",
            RecordKind::Programme => "programme",
            RecordKind::Transaction => "transaction",
            RecordKind::Requirement => "requirement",
            RecordKind::Contribution => "contribution",
            RecordKind::Service => "service",
            RecordKind::Document => "document",
            RecordKind::Result => "result",
            RecordKind::IndicatorPeriod => "indicator_period",
            RecordKind::ExchangeRate => "exchange_rate",
            RecordKind::TubeFactor => "tube_factor",
            RecordKind::Mandate => "mandate",
            RecordKind::Body => "body",
            RecordKind::Meeting => "meeting",
            RecordKind::Decision => "decision",
            RecordKind::ActionItem => "action_item",
            RecordKind::Report => "report",
            RecordKind::Account => "account",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Who decides on records of this kind; only the organisations' kinds are ever proposed.
    pub fn stewards(self) -> Stewards {
        match self {
            RecordKind::Organisation
            | RecordKind::Programme
            | RecordKind::Transaction
            | RecordKind::Requirement
            | RecordKind::Contribution
            | RecordKind::Service
            | RecordKind::Document
            | RecordKind::Result
            | RecordKind::IndicatorPeriod
            | RecordKind::ActionItem => Stewards::Organisations,
            RecordKind::Place
            | RecordKind::ExchangeRate
            | RecordKind::TubeFactor
            | RecordKind::Mandate
            | RecordKind::Body
            | RecordKind::Meeting
            | RecordKind::Decision
            | RecordKind::Report => Stewards::Coordinators,
            RecordKind::Account => Stewards::Administrators,
        }
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for k in RecordKind::ALL {
            assert_eq!(RecordKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(RecordKind::parse("proposal"), None);
    }

    #[test]
    fn only_organisations_records_are_proposed() {
        let proposed: Vec<_> = RecordKind::ALL
            .into_iter()
            .filter(|k| k.stewards() == Stewards::Organisations)
            .collect();
        assert_eq!(
            proposed,
            [
                RecordKind::Organisation,
                RecordKind::Programme,
                RecordKind::Transaction,
                RecordKind::Requirement,
                RecordKind::Contribution,
                RecordKind::Service,
                RecordKind::Document,
                RecordKind::Result,
                RecordKind::IndicatorPeriod,
                RecordKind::ActionItem
            ]
        );
    }
}
