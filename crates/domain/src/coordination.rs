//! The coordination mechanism the resolution asks for (C7): bodies (a steering committee,
//! working groups per thematic area) with their member organisations, their meetings (agenda,
//! participants, minutes, documents; public once published), the decisions taken there, and the
//! action items that follow, each with an owner and a deadline.
//!
//! Meeting times are Kazakhstan's wall-clock time (UTC+05:00 everywhere since 1 March 2024,
//! when the country moved to one time zone), written `YYYY-MM-DDTHH:MM` as an HTML
//! `datetime-local` field sends it.

use crate::error::{parse_day, Checker, FieldError};
use crate::ids::{
    ActionItemId, BodyId, DecisionId, MandateId, MeetingId, OrganisationId, PlaceId, ProgrammeId,
};
use crate::programme::ThematicArea;
use crate::service::{check_url, KAZAKHSTAN_OFFSET};
use crate::{Invalid, LocalText};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, PrimitiveDateTime};
use utoipa::ToSchema;

string_enum!(
    /// What kind of body of the mechanism.
    BodyKind, "kind" {
        SteeringCommittee = "steering_committee",
        WorkingGroup = "working_group",
        TaskForce = "task_force",
        Other = "other",
    }
);

string_enum!(
    /// A member organisation's role in a body.
    MemberRole, "role" {
        Chair = "chair",
        CoChair = "co_chair",
        Secretariat = "secretariat",
        Member = "member",
        Observer = "observer",
    }
);

string_enum!(
    /// Where an action item stands.
    ActionStatus, "status" {
        Open = "open",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
);

// Wall-clock times travel as `2025-03-14T10:00`.
time::serde::format_description!(
    local_minute,
    PrimitiveDateTime,
    "[year]-[month]-[day]T[hour]:[minute]"
);

/// A member organisation of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Member {
    pub organisation_id: OrganisationId,
    pub role: MemberRole,
}

/// A body of the coordination mechanism.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Body {
    pub id: BodyId,
    pub name: LocalText,
    pub kind: BodyKind,
    /// The thematic area of a working group.
    pub area: Option<ThematicArea>,
    /// Its terms of reference, in short.
    pub terms: LocalText,
    pub members: Vec<Member>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberInput {
    pub organisation_id: OrganisationId,
    /// `chair`, `co_chair`, `secretariat`, `member` or `observer`.
    pub role: String,
}

/// A body as people send it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BodyInput {
    pub name: LocalText,
    /// `steering_committee`, `working_group`, `task_force` or `other`.
    pub kind: String,
    #[serde(default)]
    pub area: Option<String>,
    #[serde(default)]
    pub terms: LocalText,
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

impl BodyInput {
    pub fn check(self, id: BodyId) -> Result<Body, Invalid> {
        let mut c = Checker::new();
        let name = self.name.normalized();
        if name.is_empty() {
            c.push(FieldError::new(
                "name",
                "name_missing",
                "a body needs a name in at least one language",
            ));
        }
        let kind = c.take("", BodyKind::parse(&self.kind));
        let area = match self.area.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(a) => c.take("", ThematicArea::parse(a)),
        };
        let mut members = Vec::new();
        for (i, m) in self.members.iter().enumerate() {
            let field = format!("members[{i}]");
            let role = c.take(&field, MemberRole::parse(&m.role));
            if members
                .iter()
                .any(|x: &Member| x.organisation_id == m.organisation_id)
            {
                c.push(FieldError::new(
                    format!("{field}.organisation_id"),
                    "member_repeated",
                    format!("organisation {} is listed twice", m.organisation_id),
                ));
            }
            if let Some(role) = role {
                members.push(Member {
                    organisation_id: m.organisation_id,
                    role,
                });
            }
        }
        c.finish(|| Body {
            id,
            name,
            kind: kind.expect("checked"),
            area,
            terms: self.terms.normalized(),
            members,
        })
    }
}

/// One item of a meeting's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgendaItem {
    pub title: LocalText,
}

/// Who took part: an organisation, a person, or a person for an organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[schema(as = MeetingParticipant)]
pub struct Participant {
    #[serde(default)]
    pub organisation_id: Option<OrganisationId>,
    #[serde(default)]
    pub name: Option<String>,
}

/// A document attached to a meeting, by its address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DocumentLink {
    pub title: String,
    pub url: String,
}

/// A meeting of a body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Meeting {
    pub id: MeetingId,
    pub body_id: BodyId,
    pub title: LocalText,
    /// Kazakhstan time, `YYYY-MM-DDTHH:MM`.
    #[serde(with = "local_minute")]
    #[schema(value_type = String, example = "2025-03-14T10:00")]
    pub starts_at: PrimitiveDateTime,
    #[serde(with = "local_minute::option")]
    #[schema(value_type = Option<String>, example = "2025-03-14T13:00")]
    pub ends_at: Option<PrimitiveDateTime>,
    pub place_id: Option<PlaceId>,
    /// The room and address.
    pub venue: LocalText,
    /// The address of an online meeting.
    pub online_url: Option<String>,
    pub agenda: Vec<AgendaItem>,
    pub participants: Vec<Participant>,
    pub minutes: LocalText,
    pub documents: Vec<DocumentLink>,
    /// Published meetings, with their decisions and action items, are public.
    pub published: bool,
    /// The paragraphs of resolutions the meeting took up.
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
}

impl Meeting {
    /// When it starts, as an instant.
    pub fn starts(&self) -> OffsetDateTime {
        self.starts_at.assume_offset(KAZAKHSTAN_OFFSET)
    }

    /// When it ends, as an instant (two hours after the start when no end is recorded).
    pub fn ends(&self) -> OffsetDateTime {
        self.ends_at
            .map(|e| e.assume_offset(KAZAKHSTAN_OFFSET))
            .unwrap_or_else(|| self.starts() + time::Duration::hours(2))
    }
}

/// A meeting as people send it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MeetingInput {
    pub body_id: BodyId,
    pub title: LocalText,
    /// Kazakhstan time, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: Option<String>,
    #[serde(default)]
    pub place_id: Option<PlaceId>,
    #[serde(default)]
    pub venue: LocalText,
    #[serde(default)]
    pub online_url: Option<String>,
    #[serde(default)]
    pub agenda: Vec<AgendaItem>,
    #[serde(default)]
    pub participants: Vec<Participant>,
    #[serde(default)]
    pub minutes: LocalText,
    #[serde(default)]
    pub documents: Vec<DocumentLink>,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
}

/// The earliest and latest years a meeting may be dated: Kazakhstan's independence, and a
/// bound that catches a mistyped century.
const MEETING_YEARS: std::ops::RangeInclusive<i32> = 1991..=2100;

/// Reads a Kazakhstan wall-clock time `YYYY-MM-DDTHH:MM` (a space may stand for `T`, seconds
/// are accepted and dropped), naming what is impossible about it.
pub fn parse_local_time(field: &str, s: &str) -> Result<PrimitiveDateTime, FieldError> {
    let t = s.trim().replacen(' ', "T", 1);
    let (date, clock) = t.split_once('T').unwrap_or((t.as_str(), ""));
    let bad = |why: String| {
        FieldError::new(
            field,
            "invalid_datetime",
            format!("{s:?} is not a date and time (YYYY-MM-DDTHH:MM, Kazakhstan time): {why}"),
        )
        .with_arg("value", s)
    };
    let date = Date::parse(date, &time::format_description::well_known::Iso8601::DATE)
        .map_err(|e| bad(e.to_string()))?;
    let mut parts = clock.split(':');
    let mut num = |what: &str, max: u8, required: bool| -> Result<u8, FieldError> {
        match parts.next() {
            None if !required => Ok(0),
            None => Err(bad(format!("the {what} is missing"))),
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|v| *v <= max && p.len() == 2)
                .ok_or_else(|| bad(format!("{p:?} is not a {what}"))),
        }
    };
    let (h, m, _) = (
        num("hour", 23, true)?,
        num("minute", 59, true)?,
        num("second", 59, false)?,
    );
    let time = time::Time::from_hms(h, m, 0).map_err(|e| bad(e.to_string()))?;
    let at = PrimitiveDateTime::new(date, time);
    if !MEETING_YEARS.contains(&at.year()) {
        return Err(FieldError::new(
            field,
            "meeting_year_out_of_range",
            format!(
                "a meeting in {} is not possible: the year must lie between 1991 and 2100",
                at.year()
            ),
        )
        .with_arg("year", at.year()));
    }
    Ok(at)
}

impl MeetingInput {
    pub fn check(self, id: MeetingId) -> Result<Meeting, Invalid> {
        let mut c = Checker::new();
        let title = self.title.normalized();
        if title.is_empty() {
            c.push(FieldError::new(
                "title",
                "title_missing",
                "a meeting needs a title in at least one language",
            ));
        }
        let starts_at = c.take(
            "",
            parse_local_time("starts_at", &self.starts_at).map_err(Invalid::from),
        );
        let ends_at = match self.ends_at.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => c.take("", parse_local_time("ends_at", e).map_err(Invalid::from)),
        };
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            if e <= s {
                c.push(FieldError::new(
                    "ends_at",
                    "meeting_ends_before_start",
                    format!("the meeting ends ({e}) before it starts ({s})"),
                ));
            } else if e - s > time::Duration::days(7) {
                c.push(FieldError::new(
                    "ends_at",
                    "meeting_too_long",
                    "a meeting lasts at most seven days",
                ));
            }
        }
        let online_url = match self.online_url.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(u) => c.take("online_url", check_url(u)),
        };
        let agenda: Vec<AgendaItem> = self
            .agenda
            .into_iter()
            .map(|a| AgendaItem {
                title: a.title.normalized(),
            })
            .filter(|a| !a.title.is_empty())
            .collect();
        let mut participants = Vec::new();
        for (i, p) in self.participants.into_iter().enumerate() {
            let name = p
                .name
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty());
            if p.organisation_id.is_none() && name.is_none() {
                continue;
            }
            if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
                c.push(FieldError::new(
                    format!("participants[{i}].name"),
                    "name_too_long",
                    "a participant's name has at most 200 characters",
                ));
            }
            participants.push(Participant {
                organisation_id: p.organisation_id,
                name,
            });
        }
        let mut documents = Vec::new();
        for (i, d) in self.documents.into_iter().enumerate() {
            let title = d.title.trim().to_owned();
            if title.is_empty() && d.url.trim().is_empty() {
                continue;
            }
            let field = format!("documents[{i}]");
            if title.is_empty() {
                c.push(FieldError::new(
                    format!("{field}.title"),
                    "title_missing",
                    "a document needs a title",
                ));
            }
            if let Some(url) = c.take(&format!("{field}.url"), check_url(&d.url)) {
                documents.push(DocumentLink { title, url });
            }
        }
        c.finish(|| Meeting {
            id,
            body_id: self.body_id,
            title,
            starts_at: starts_at.expect("checked"),
            ends_at,
            place_id: self.place_id,
            venue: self.venue.normalized(),
            online_url,
            agenda,
            participants,
            minutes: self.minutes.normalized(),
            documents,
            published: self.published,
            mandate_ids: once(self.mandate_ids),
        })
    }
}

/// A decision taken at a meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Decision {
    pub id: DecisionId,
    pub meeting_id: MeetingId,
    /// Its number in the meeting's record (1, 2, …).
    pub number: u16,
    pub text: LocalText,
    pub mandate_ids: Vec<MandateId>,
    pub programme_ids: Vec<ProgrammeId>,
}

/// A decision as people send it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DecisionInput {
    pub meeting_id: MeetingId,
    pub number: u16,
    pub text: LocalText,
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
    #[serde(default)]
    pub programme_ids: Vec<ProgrammeId>,
}

/// The list as given, each value once (so an error's index names the value as sent).
fn once<T: PartialEq>(v: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(v.len());
    for x in v {
        if !out.contains(&x) {
            out.push(x);
        }
    }
    out
}

impl DecisionInput {
    pub fn check(self, id: DecisionId) -> Result<Decision, Invalid> {
        let mut c = Checker::new();
        if self.number == 0 {
            c.push(FieldError::new(
                "number",
                "number_zero",
                "decisions are numbered from 1",
            ));
        }
        let text = self.text.normalized();
        if text.is_empty() {
            c.push(FieldError::new(
                "text",
                "text_missing",
                "a decision needs its text in at least one language",
            ));
        }
        c.finish(|| Decision {
            id,
            meeting_id: self.meeting_id,
            number: self.number,
            text,
            mandate_ids: once(self.mandate_ids),
            programme_ids: once(self.programme_ids),
        })
    }
}

/// A progress note on an action item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgressNote {
    #[serde(with = "crate::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub date: Date,
    pub text: String,
}

/// Work someone owns after a meeting, with a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActionItem {
    pub id: ActionItemId,
    pub meeting_id: MeetingId,
    pub decision_id: Option<DecisionId>,
    pub title: LocalText,
    pub owner_organisation_id: OrganisationId,
    /// The person who answers for it.
    pub owner_person: String,
    #[serde(with = "crate::iso_date")]
    #[schema(value_type = String, format = Date)]
    pub deadline: Date,
    pub status: ActionStatus,
    /// Progress notes, oldest first.
    pub notes: Vec<ProgressNote>,
    pub mandate_ids: Vec<MandateId>,
}

impl ActionItem {
    /// Still to do and past its deadline on `today`.
    pub fn overdue(&self, today: Date) -> bool {
        matches!(self.status, ActionStatus::Open | ActionStatus::InProgress)
            && self.deadline < today
    }
}

/// An action item as people send it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ActionItemInput {
    pub meeting_id: MeetingId,
    #[serde(default)]
    pub decision_id: Option<DecisionId>,
    pub title: LocalText,
    #[serde(default)]
    pub owner_organisation_id: Option<OrganisationId>,
    #[serde(default)]
    pub owner_person: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub deadline: Option<String>,
    /// `open` (the default), `in_progress`, `done` or `cancelled`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub notes: Vec<ProgressNote>,
    #[serde(default)]
    pub mandate_ids: Vec<MandateId>,
}

impl ActionItemInput {
    pub fn check(self, id: ActionItemId) -> Result<ActionItem, Invalid> {
        let mut c = Checker::new();
        let title = self.title.normalized();
        if title.is_empty() {
            c.push(FieldError::new(
                "title",
                "title_missing",
                "an action item needs a title in at least one language",
            ));
        }
        if self.owner_organisation_id.is_none() {
            c.push(FieldError::new(
                "owner_organisation_id",
                "owner_missing",
                "an action item needs the organisation that owns it",
            ));
        }
        let person = self
            .owner_person
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_owned();
        if person.is_empty() {
            c.push(FieldError::new(
                "owner_person",
                "owner_person_missing",
                "an action item needs the person who answers for it",
            ));
        }
        let deadline = match self.deadline.as_deref().map(str::trim) {
            None | Some("") => {
                c.push(FieldError::new(
                    "deadline",
                    "deadline_missing",
                    "an action item needs a deadline",
                ));
                None
            }
            Some(d) => parse_day("deadline", d).map_err(|e| c.push(e)).ok(),
        };
        let status = match self.status.as_deref().map(str::trim) {
            None | Some("") => Some(ActionStatus::Open),
            Some(s) => c.take("", ActionStatus::parse(s)),
        };
        let mut notes: Vec<ProgressNote> = self
            .notes
            .into_iter()
            .map(|n| ProgressNote {
                date: n.date,
                text: n.text.trim().to_owned(),
            })
            .filter(|n| !n.text.is_empty())
            .collect();
        notes.sort_by_key(|n| n.date);
        c.finish(|| ActionItem {
            id,
            meeting_id: self.meeting_id,
            decision_id: self.decision_id,
            title,
            owner_organisation_id: self.owner_organisation_id.expect("checked"),
            owner_person: person,
            deadline: deadline.expect("checked"),
            status: status.expect("checked"),
            notes,
            mandate_ids: once(self.mandate_ids),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Lang;

    fn meeting(starts: &str, ends: Option<&str>) -> MeetingInput {
        MeetingInput {
            body_id: BodyId::new(),
            title: LocalText::new().with(Lang::En, "Steering committee, first meeting"),
            starts_at: starts.into(),
            ends_at: ends.map(Into::into),
            place_id: None,
            venue: LocalText::new(),
            online_url: None,
            agenda: vec![],
            participants: vec![],
            minutes: LocalText::new(),
            documents: vec![],
            published: false,
            mandate_ids: vec![],
        }
    }

    fn codes(r: Result<Meeting, Invalid>) -> Vec<(String, String)> {
        r.unwrap_err()
            .errors
            .into_iter()
            .map(|e| (e.field, e.code))
            .collect()
    }

    #[test]
    fn a_meeting_time_is_kazakhstan_wall_clock() {
        let m = meeting("2025-03-14T10:00", Some("2025-03-14 13:30"))
            .check(MeetingId::new())
            .unwrap();
        assert_eq!(m.starts().to_offset(time::UtcOffset::UTC).hour(), 5);
        assert_eq!((m.ends() - m.starts()).whole_minutes(), 210);
        let open = meeting("2025-03-14T10:00", None)
            .check(MeetingId::new())
            .unwrap();
        assert_eq!((open.ends() - open.starts()).whole_hours(), 2);
    }

    #[test]
    fn impossible_meeting_dates_are_named() {
        let f = |s: &str, e: Option<&str>| codes(meeting(s, e).check(MeetingId::new()));
        assert_eq!(
            f("2025-02-30T10:00", None),
            [("starts_at".into(), "invalid_datetime".into())]
        );
        assert_eq!(
            f("2025-03-14T25:00", None),
            [("starts_at".into(), "invalid_datetime".into())]
        );
        assert_eq!(
            f("1025-03-14T10:00", None),
            [("starts_at".into(), "meeting_year_out_of_range".into())]
        );
        assert_eq!(
            f("2025-03-14T10:00", Some("2025-03-14T09:00")),
            [("ends_at".into(), "meeting_ends_before_start".into())]
        );
        assert_eq!(
            f("2025-03-14T10:00", Some("2025-04-14T09:00")),
            [("ends_at".into(), "meeting_too_long".into())]
        );
    }

    #[test]
    fn an_action_item_needs_an_owner_and_a_deadline() {
        let input = ActionItemInput {
            meeting_id: MeetingId::new(),
            decision_id: None,
            title: LocalText::new().with(Lang::Ru, "Подготовить обзор"),
            owner_organisation_id: None,
            owner_person: Some("  ".into()),
            deadline: None,
            status: None,
            notes: vec![],
            mandate_ids: vec![],
        };
        let fields: Vec<String> = input
            .clone()
            .check(ActionItemId::new())
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            fields,
            ["owner_missing", "owner_person_missing", "deadline_missing"]
        );
        let ok = ActionItemInput {
            owner_organisation_id: Some(OrganisationId::new()),
            owner_person: Some("A. Nurlanova".into()),
            deadline: Some("2025-06-30".into()),
            ..input
        }
        .check(ActionItemId::new())
        .unwrap();
        assert_eq!(ok.status, ActionStatus::Open);
        let day = |d| Date::from_calendar_date(2025, time::Month::July, d).unwrap();
        assert!(ok.overdue(day(1)));
        assert!(!ok.overdue(time::macros::date!(2025 - 06 - 30)));
        let done = ActionItem {
            status: ActionStatus::Done,
            ..ok
        };
        assert!(!done.overdue(day(1)));
    }

    #[test]
    fn a_body_lists_each_member_once() {
        let org = OrganisationId::new();
        let input = BodyInput {
            name: LocalText::new().with(Lang::En, "Health working group"),
            kind: "working_group".into(),
            area: Some("health".into()),
            terms: LocalText::new(),
            members: vec![
                MemberInput {
                    organisation_id: org,
                    role: "chair".into(),
                },
                MemberInput {
                    organisation_id: org,
                    role: "member".into(),
                },
            ],
        };
        let e = input.check(BodyId::new()).unwrap_err();
        assert_eq!(e.errors[0].field, "members[1].organisation_id");
        assert_eq!(e.errors[0].code, "member_repeated");
    }
}
