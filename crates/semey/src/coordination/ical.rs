//! The iCalendar feed (RFC 5545) of upcoming published meetings, for people who follow the
//! mechanism in their own calendar. Times are written in UTC (`…Z`), so no time-zone block is
//! needed; texts are escaped and lines folded at 75 octets as the RFC asks.

use semey_domain::coordination::Meeting;
use semey_domain::lang::Lang;
use std::fmt::Write;
use time::OffsetDateTime;

/// What a calendar entry shows of a meeting besides the meeting itself.
pub struct Entry<'a> {
    pub meeting: &'a Meeting,
    /// The body's name in the reader's language.
    pub body: String,
    /// The place's name, when the meeting names one.
    pub place: Option<String>,
}

/// The calendar `name`d, of `entries` in `lang`; `site` is the platform's public address
/// (links to the meetings' pages), `now` stamps the entries.
pub fn calendar(
    name: &str,
    entries: &[Entry<'_>],
    lang: Lang,
    site: &str,
    now: OffsetDateTime,
) -> String {
    let mut out = String::new();
    let mut line = |s: String| fold(&mut out, &s);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Semey//Coordination mechanism//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(name)));
    for e in entries {
        let m = e.meeting;
        let title = m.title.best(lang).unwrap_or_default();
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}@semey", m.id));
        line(format!("DTSTAMP:{}", utc(now)));
        line(format!("DTSTART:{}", utc(m.starts())));
        line(format!("DTEND:{}", utc(m.ends())));
        line(format!(
            "SUMMARY:{}",
            escape(&format!("{title} ({})", e.body))
        ));
        let venue = m.venue.best(lang).map(str::to_owned);
        let location: Vec<String> = venue
            .into_iter()
            .chain(e.place.clone())
            .chain(m.online_url.clone())
            .collect();
        if !location.is_empty() {
            line(format!("LOCATION:{}", escape(&location.join(", "))));
        }
        let agenda: Vec<String> = m
            .agenda
            .iter()
            .enumerate()
            .map(|(i, a)| format!("{}. {}", i + 1, a.title.best(lang).unwrap_or_default()))
            .collect();
        if !agenda.is_empty() {
            line(format!("DESCRIPTION:{}", escape(&agenda.join("\n"))));
        }
        line(format!(
            "URL:{}/meetings/{}?lang={}",
            site.trim_end_matches('/'),
            m.id,
            lang.code()
        ));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newline escaped.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets (never inside a character), ended by CRLF.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    let _ = out.write_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use semey_domain::coordination::{AgendaItem, MeetingInput};
    use semey_domain::ids::{BodyId, MeetingId};
    use semey_domain::LocalText;

    fn unfold(s: &str) -> Vec<String> {
        s.replace("\r\n ", "")
            .split("\r\n")
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn a_meeting_reads_back_from_its_calendar_entry() {
        let m = MeetingInput {
            body_id: BodyId::new(),
            title: LocalText::new().with(Lang::Kk, "Үйлестіру комитетінің отырысы; бірінші, жылдық"),
            starts_at: "2026-03-12T10:00".into(),
            ends_at: Some("2026-03-12T12:30".into()),
            place_id: None,
            venue: LocalText::new().with(Lang::Kk, "Семей қаласы әкімдігі, 2-зал"),
            online_url: Some("https://meet.example.kz/semey".into()),
            agenda: vec![
                AgendaItem {
                    title: LocalText::new().with(Lang::Kk, "Денсаулық сақтау бағдарламаларының барысы туралы ақпарат және ұзақ тақырып"),
                },
                AgendaItem {
                    title: LocalText::new().with(Lang::Kk, "Әртүрлі"),
                },
            ],
            participants: vec![],
            minutes: LocalText::new(),
            documents: vec![],
            published: true,
            mandate_ids: vec![],
        }
        .check(MeetingId::new())
        .unwrap();
        let body = "Басқарушы комитет".to_owned();
        let now = time::macros::datetime!(2026-01-05 08:00 UTC);
        let ics = calendar(
            "Semey",
            &[Entry {
                meeting: &m,
                body,
                place: None,
            }],
            Lang::Kk,
            "https://semey.example/",
            now,
        );
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "line over 75 octets: {l:?}");
        }
        let lines = unfold(&ics);
        let get = |k: &str| {
            lines
                .iter()
                .find_map(|l| l.strip_prefix(&format!("{k}:")))
                .unwrap_or_else(|| panic!("no {k}"))
                .to_owned()
        };
        // 10:00 in Kazakhstan is 05:00 UTC.
        assert_eq!(get("DTSTART"), "20260312T050000Z");
        assert_eq!(get("DTEND"), "20260312T073000Z");
        assert_eq!(
            get("SUMMARY"),
            "Үйлестіру комитетінің отырысы\\; бірінші\\, жылдық (Басқарушы комитет)"
        );
        assert!(get("DESCRIPTION").starts_with("1. Денсаулық"));
        assert!(get("DESCRIPTION").contains("\\n2. Әртүрлі"));
        assert_eq!(
            get("URL"),
            format!("https://semey.example/meetings/{}?lang=kk", m.id)
        );
        assert_eq!(get("UID"), format!("{}@semey", m.id));
    }
}
