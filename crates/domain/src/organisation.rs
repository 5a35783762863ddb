//! Organisations (stakeholders) and their place in the multi-stakeholder mechanism.

use crate::error::{Checker, FieldError, Invalid};
use crate::ids::OrganisationId;
use crate::lang::LocalText;
use crate::service::check_url;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// IATI OrganisationType code (codelist "OrganisationType", IATI Standard 2.03).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(try_from = "u16", into = "u16")]
#[schema(value_type = u16, example = 10)]
pub struct OrganisationType(u16);

impl OrganisationType {
    /// The codes and English names of the IATI codelist.
    pub const CODES: [(u16, &'static str); 16] = [
        (10, "Government"),
        (11, "Local Government"),
        (15, "Other Public Sector"),
        (21, "International NGO"),
        (22, "National NGO"),
        (23, "Regional NGO"),
        (24, "Partner Country based NGO"),
        (30, "Public Private Partnership"),
        (40, "Multilateral"),
        (60, "Foundation"),
        (70, "Private Sector"),
        (71, "Private Sector in Provider Country"),
        (72, "Private Sector in Aid Recipient Country"),
        (73, "Private Sector in Third Country"),
        (80, "Academic, Training and Research"),
        (90, "Other"),
    ];
    pub const GOVERNMENT: OrganisationType = OrganisationType(10);
    pub const LOCAL_GOVERNMENT: OrganisationType = OrganisationType(11);
    pub const OTHER_PUBLIC: OrganisationType = OrganisationType(15);

    pub fn parse(code: u16) -> Result<Self, Invalid> {
        if Self::CODES.iter().any(|(c, _)| *c == code) {
            Ok(Self(code))
        } else {
            Err(Invalid::one(
                "org_type",
                "unknown_org_type",
                format!("{code} is not an IATI OrganisationType code"),
            ))
        }
    }

    pub fn code(self) -> u16 {
        self.0
    }

    pub fn name_en(self) -> &'static str {
        Self::CODES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map(|(_, n)| *n)
            .unwrap_or("Other")
    }

    /// Public bodies: government, local government, other public sector.
    pub fn is_public(self) -> bool {
        matches!(self.0, 10 | 11 | 15)
    }
}

impl TryFrom<u16> for OrganisationType {
    type Error = String;
    fn try_from(c: u16) -> Result<Self, Self::Error> {
        Self::parse(c).map_err(|e| e.to_string())
    }
}

impl From<OrganisationType> for u16 {
    fn from(t: OrganisationType) -> u16 {
        t.0
    }
}

/// The role an organisation plays in the multi-stakeholder mechanism of resolution 75/210.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MechanismRole {
    GovernmentBody,
    LocalGovernment,
    CivilSociety,
    Donor,
    InternationalOrganisation,
    UnEntity,
    Academia,
    PrivateSector,
}

impl MechanismRole {
    pub const ALL: [MechanismRole; 8] = [
        MechanismRole::GovernmentBody,
        MechanismRole::LocalGovernment,
        MechanismRole::CivilSociety,
        MechanismRole::Donor,
        MechanismRole::InternationalOrganisation,
        MechanismRole::UnEntity,
        MechanismRole::Academia,
        MechanismRole::PrivateSector,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MechanismRole::GovernmentBody => "government_body",
            MechanismRole::LocalGovernment => "local_government",
            MechanismRole::CivilSociety => "civil_society",
            MechanismRole::Donor => "donor",
            MechanismRole::InternationalOrganisation => "international_organisation",
            MechanismRole::UnEntity => "un_entity",
            MechanismRole::Academia => "academia",
            MechanismRole::PrivateSector => "private_sector",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                Invalid::one(
                    "mechanism_role",
                    "unknown_mechanism_role",
                    format!("{s:?} is not a mechanism role"),
                )
            })
    }
}

/// A person or office to contact at an organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contact {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

/// An organisation as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organisation {
    pub id: OrganisationId,
    /// IATI organisation identifier (e.g. `XM-DAC-41114` for UNDP), where known.
    pub iati_id: Option<String>,
    pub name: LocalText,
    pub acronym: Option<String>,
    pub org_type: OrganisationType,
    /// ISO 3166-1 alpha-2 code of the country the organisation is based in (`KZ`, `JP`, …).
    pub country: String,
    pub mechanism_role: Option<MechanismRole>,
    /// Contact people: personal data, for the platform's accounts only (empty for the public).
    pub contacts: Vec<Contact>,
    pub website: Option<String>,
}

impl Organisation {
    /// The organisation as the public sees it: its contact people (names, e-mail addresses,
    /// telephone numbers) are personal data, shown to the platform's accounts only — in the
    /// API as in the portal, whose public pages never show them.
    pub fn for_public(mut self) -> Self {
        self.contacts.clear();
        self
    }

    /// Kazakhstan's own public bodies: their money is domestic funding.
    pub fn is_domestic_public(&self) -> bool {
        self.country == "KZ" && self.org_type.is_public()
    }

    /// Where money this organisation provides comes from: domestic (Kazakhstan's own public
    /// bodies) or external (everyone else). The one statement of the rule.
    pub fn origin(&self) -> crate::funding::Origin {
        if self.is_domestic_public() {
            crate::funding::Origin::Domestic
        } else {
            crate::funding::Origin::External
        }
    }
}

/// Input for creating or updating an organisation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganisationInput {
    pub iati_id: Option<String>,
    pub name: LocalText,
    pub acronym: Option<String>,
    pub org_type: u16,
    pub country: String,
    pub mechanism_role: Option<String>,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    pub website: Option<String>,
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Checks an IATI organisation identifier: a registration agency prefix and an id joined by
/// `-`, with no spaces (`XM-DAC-41114`, `KZ-BIN-123456789012`).
pub fn check_iati_org_id(s: &str) -> Result<(), Invalid> {
    let ok = s.contains('-')
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
        && s.len() <= 100;
    if ok {
        Ok(())
    } else {
        Err(Invalid::one(
            "iati_id",
            "invalid_iati_org_id",
            format!("{s:?} is not an IATI organisation identifier (AGENCY-ID, no spaces)"),
        ))
    }
}

impl OrganisationInput {
    /// Checks the input and builds the organisation it describes under `id`.
    pub fn check(self, id: OrganisationId) -> Result<Organisation, Invalid> {
        let mut c = Checker::new();
        let iati_id = blank_to_none(self.iati_id);
        if let Some(i) = &iati_id {
            c.take("", check_iati_org_id(i));
        }
        let name = self.name.normalized();
        if name.is_empty() {
            c.push(FieldError::new(
                "name",
                "required",
                "an organisation needs a name in at least one language",
            ));
        }
        let org_type = c.take("", OrganisationType::parse(self.org_type));
        let country = self.country.trim().to_ascii_uppercase();
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            c.push(FieldError::new(
                "country",
                "invalid_country",
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 country code",
                    self.country
                ),
            ));
        }
        let mechanism_role = match blank_to_none(self.mechanism_role) {
            Some(r) => c.take("", MechanismRole::parse(&r)),
            None => None,
        };
        for (i, ct) in self.contacts.iter().enumerate() {
            if !ct.email.is_empty() && (!ct.email.contains('@') || ct.email.contains(' ')) {
                c.push(FieldError::new(
                    format!("contacts[{i}].email"),
                    "invalid_email",
                    format!("{:?} is not an e-mail address", ct.email),
                ));
            }
        }
        let contacts = self.contacts;
        let acronym = blank_to_none(self.acronym);
        // A web address only (http or https): a bare host gets https://, any other scheme
        // (javascript:, data:) is refused.
        let website = match blank_to_none(self.website) {
            Some(w) if !w.contains(':') => c.take("website", check_url(&format!("https://{w}"))),
            Some(w) => c.take("website", check_url(&w)),
            None => None,
        };
        c.finish(|| Organisation {
            id,
            iati_id,
            name,
            acronym,
            org_type: org_type.expect("checked"),
            country,
            mechanism_role,
            contacts,
            website,
        })
    }
}
