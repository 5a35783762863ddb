//! Typed identifiers: a UUID v7 in a newtype per entity, so ids of different records never mix.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

macro_rules! entity_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

entity_id!(
    /// Identifies a place (country, region, district or settlement).
    PlaceId
);
entity_id!(
    /// Identifies an organisation (stakeholder).
    OrganisationId
);
entity_id!(
    /// Identifies a programme or project.
    ProgrammeId
);
entity_id!(
    /// Identifies a result of a programme's results chain.
    ResultId
);
entity_id!(
    /// Identifies an indicator of a result.
    IndicatorId
);
entity_id!(
    /// Identifies a service of the directory.
    ServiceId
);
entity_id!(
    /// Identifies a financial transaction.
    TransactionId
);
entity_id!(
    /// Identifies a funding requirement (a budget need for one period).
    RequirementId
);
entity_id!(
    /// Identifies a user account.
    UserId
);
entity_id!(
    /// Identifies an API token.
    TokenId
);
entity_id!(
    /// Identifies an in-kind contribution (experts' time, equipment, training).
    ContributionId
);
entity_id!(
    /// Identifies a resolution of the General Assembly (derived from its symbol).
    ResolutionId
);
entity_id!(
    /// Identifies a mandate: an operative paragraph of a resolution (derived from the
    /// resolution's symbol and the paragraph's number).
    MandateId
);
entity_id!(
    /// Identifies a body of the coordination mechanism (a steering committee, a working group).
    BodyId
);
entity_id!(
    /// Identifies a meeting of a coordination body.
    MeetingId
);
entity_id!(
    /// Identifies a decision taken at a meeting.
    DecisionId
);
entity_id!(
    /// Identifies an action item: work someone owns, with a deadline.
    ActionItemId
);
entity_id!(
    /// Identifies a progress report on the resolution's implementation.
    ReportId
);
entity_id!(
    /// Identifies a document of the library (derived from its file's digest: the same file is
    /// one document).
    DocumentId
);
