//! The terms of a flow in IATI's classifications: aid type, finance type, flow type and tied
//! status. A programme holds defaults; a transaction may state its own, which win.
//!
//! Codes are those of the IATI 2.03 codelists `AidType` (vocabulary 1, the OECD DAC's),
//! `FinanceType`, `FlowType` and `TiedStatus`, active ones only (withdrawn codes are refused).
//! Source: <https://iatistandard.org/en/iati-standard/203/codelists/>.

use crate::error::{FieldError, Invalid};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// AidType (vocabulary 1), with an English name for lists.
pub const AID_TYPES: [(&str, &str); 24] = [
    ("A01", "General budget support"),
    ("A02", "Sector budget support"),
    ("B01", "Core support to NGOs and other private bodies"),
    ("B02", "Core contributions to multilateral institutions"),
    ("B021", "Core contributions to multilateral institutions"),
    ("B022", "Core contributions to global funds"),
    (
        "B03",
        "Contributions to specific-purpose programmes and funds",
    ),
    (
        "B031",
        "Contributions to multi-donor/multi-entity funding mechanisms",
    ),
    (
        "B032",
        "Contributions to multi-donor/single-entity funding mechanisms",
    ),
    ("B033", "Contributions to single-donor funding mechanisms"),
    ("B04", "Basket funds/pooled funding"),
    ("C01", "Project-type interventions"),
    ("D01", "Donor country personnel"),
    ("D02", "Other technical assistance"),
    ("E01", "Scholarships/training in donor country"),
    ("E02", "Imputed student costs"),
    ("F01", "Debt relief"),
    ("G01", "Administrative costs not included elsewhere"),
    ("H01", "Development awareness"),
    ("H02", "Refugees/asylum seekers in donor countries"),
    ("H03", "Asylum-seekers ultimately accepted"),
    ("H04", "Asylum-seekers ultimately rejected"),
    ("H05", "Recognised refugees"),
    (
        "H06",
        "Refugees and asylum seekers in other provider countries",
    ),
];

/// FinanceType: the active codes that classify a flow (the GNI reference lines 1–4 are not).
pub const FINANCE_TYPES: [(&str, &str); 43] = [
    ("110", "Standard grant"),
    ("1100", "Guarantees/insurance"),
    ("210", "Interest subsidy"),
    ("310", "Capital subscription on deposit basis"),
    ("311", "Capital subscription on encashment basis"),
    ("421", "Standard loan"),
    ("422", "Reimbursable grant"),
    ("423", "Bonds"),
    ("424", "Asset-backed securities"),
    ("425", "Other debt securities"),
    ("431", "Subordinated loan"),
    ("432", "Preferred equity"),
    ("433", "Other hybrid instruments"),
    ("510", "Common equity"),
    ("520", "Shares in collective investment vehicles"),
    ("530", "Reinvested earnings"),
    ("610", "Debt forgiveness: ODA claims (P)"),
    ("611", "Debt forgiveness: ODA claims (I)"),
    ("612", "Debt forgiveness: OOF claims (P)"),
    ("613", "Debt forgiveness: OOF claims (I)"),
    ("614", "Debt forgiveness: Private claims (P)"),
    ("615", "Debt forgiveness: Private claims (I)"),
    ("616", "Debt forgiveness: OOF claims (DSR)"),
    ("617", "Debt forgiveness: Private claims (DSR)"),
    ("618", "Debt forgiveness: Other"),
    ("620", "Debt rescheduling: ODA claims (P)"),
    ("621", "Debt rescheduling: ODA claims (I)"),
    ("622", "Debt rescheduling: OOF claims (P)"),
    ("623", "Debt rescheduling: OOF claims (I)"),
    ("624", "Debt rescheduling: Private claims (P)"),
    ("625", "Debt rescheduling: Private claims (I)"),
    ("626", "Debt rescheduling: OOF claims (DSR)"),
    ("627", "Debt rescheduling: Private claims (DSR)"),
    (
        "630",
        "Debt rescheduling: OOF claim (DSR – original loan principal)",
    ),
    (
        "631",
        "Debt rescheduling: OOF claim (DSR – original loan interest)",
    ),
    (
        "632",
        "Debt rescheduling: Private claim (DSR – original loan principal)",
    ),
    (
        "633",
        "Debt forgiveness/conversion: export credit claims (P)",
    ),
    (
        "634",
        "Debt forgiveness/conversion: export credit claims (I)",
    ),
    ("635", "Debt forgiveness: export credit claims (DSR)"),
    ("636", "Debt rescheduling: export credit claims (P)"),
    ("637", "Debt rescheduling: export credit claims (I)"),
    ("638", "Debt rescheduling: export credit claims (DSR)"),
    (
        "639",
        "Debt rescheduling: export credit claim (DSR – original loan principal)",
    ),
];

/// FlowType (active codes).
pub const FLOW_TYPES: [(&str, &str); 8] = [
    ("10", "ODA"),
    ("21", "Non-export credit OOF"),
    ("22", "Officially supported export credits"),
    ("30", "Private Development Finance"),
    ("36", "Private Foreign Direct Investment"),
    ("37", "Other Private flows at market terms"),
    ("40", "Non flow"),
    ("50", "Other flows"),
];

/// TiedStatus.
pub const TIED_STATUSES: [(&str, &str); 3] =
    [("3", "Partially tied"), ("4", "Tied"), ("5", "Untied")];

/// One of the four classifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    AidType,
    FinanceType,
    FlowType,
    TiedStatus,
}

impl Term {
    /// In the IATI schema's order of elements.
    pub const ALL: [Term; 4] = [
        Term::FlowType,
        Term::FinanceType,
        Term::AidType,
        Term::TiedStatus,
    ];

    /// The field's name in inputs, forms and files (`aid_type` …), and its IATI element with a
    /// hyphen (`aid-type` …).
    pub const fn field(self) -> &'static str {
        match self {
            Term::AidType => "aid_type",
            Term::FinanceType => "finance_type",
            Term::FlowType => "flow_type",
            Term::TiedStatus => "tied_status",
        }
    }

    pub fn codes(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Term::AidType => &AID_TYPES,
            Term::FinanceType => &FINANCE_TYPES,
            Term::FlowType => &FLOW_TYPES,
            Term::TiedStatus => &TIED_STATUSES,
        }
    }

    /// The code's English name, for a code on the list.
    pub fn name(self, code: &str) -> Option<&'static str> {
        self.codes()
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| *n)
    }
}

/// Aid, finance and flow type and tied status, each optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct FinanceTerms {
    /// IATI AidType (vocabulary 1), e.g. `D01` donor country personnel, `D02` other technical
    /// assistance, `C01` project-type interventions.
    pub aid_type: Option<String>,
    /// IATI FinanceType, e.g. `110` standard grant, `421` standard loan.
    pub finance_type: Option<String>,
    /// IATI FlowType, e.g. `10` ODA, `21` non-export credit OOF, `30` private development finance.
    pub flow_type: Option<String>,
    /// IATI TiedStatus: `3` partially tied, `4` tied, `5` untied.
    pub tied_status: Option<String>,
}

impl FinanceTerms {
    pub fn get(&self, term: Term) -> Option<&str> {
        match term {
            Term::AidType => self.aid_type.as_deref(),
            Term::FinanceType => self.finance_type.as_deref(),
            Term::FlowType => self.flow_type.as_deref(),
            Term::TiedStatus => self.tied_status.as_deref(),
        }
    }

    fn slot(&mut self, term: Term) -> &mut Option<String> {
        match term {
            Term::AidType => &mut self.aid_type,
            Term::FinanceType => &mut self.finance_type,
            Term::FlowType => &mut self.flow_type,
            Term::TiedStatus => &mut self.tied_status,
        }
    }

    pub fn is_empty(&self) -> bool {
        Term::ALL.iter().all(|t| self.get(*t).is_none())
    }

    /// The terms trimmed (an empty code is no code, aid type in capitals) and checked against
    /// the codelists; each problem names its field.
    pub fn checked(mut self) -> Result<FinanceTerms, Invalid> {
        let mut errors = Vec::new();
        for term in Term::ALL {
            let slot = self.slot(term);
            let code = slot
                .take()
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty());
            if let Some(code) = &code {
                if term.name(code).is_none() {
                    errors.push(
                        FieldError::new(
                            term.field(),
                            "unknown_code",
                            format!("{code} is not on IATI's {} codelist", term.field()),
                        )
                        .with_arg("code", code.clone()),
                    );
                }
            }
            *slot = code;
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Invalid { errors })
        }
    }

    /// These terms, each missing one taken from `defaults`.
    pub fn or(&self, defaults: &FinanceTerms) -> FinanceTerms {
        let mut out = self.clone();
        for term in Term::ALL {
            if out.get(term).is_none() {
                *out.slot(term) = defaults.get(term).map(str::to_owned);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_normalised() {
        let t = FinanceTerms {
            aid_type: Some(" d02 ".into()),
            finance_type: Some("110".into()),
            flow_type: Some("".into()),
            tied_status: Some("5".into()),
        }
        .checked()
        .unwrap();
        assert_eq!(t.aid_type.as_deref(), Some("D02"));
        assert_eq!(t.flow_type, None);
        let e = FinanceTerms {
            flow_type: Some("20".into()),
            tied_status: Some("1".into()),
            ..Default::default()
        }
        .checked()
        .unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["flow_type", "tied_status"],
            "withdrawn OOF 20 is refused"
        );
    }

    #[test]
    fn own_terms_win_over_defaults() {
        let own = FinanceTerms {
            aid_type: Some("D01".into()),
            ..Default::default()
        };
        let defaults = FinanceTerms {
            aid_type: Some("C01".into()),
            flow_type: Some("10".into()),
            ..Default::default()
        };
        let t = own.or(&defaults);
        assert_eq!(t.aid_type.as_deref(), Some("D01"));
        assert_eq!(t.flow_type.as_deref(), Some("10"));
    }
}
