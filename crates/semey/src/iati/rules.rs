//! The IATI standard's rules that its schema cannot express, checked on an activity file as
//! it is read (any file: Semey's exports are checked with them before they are reported done,
//! and a file from elsewhere can be checked before it is imported):
//!
//! - the sector percentages of one vocabulary add up to 100;
//! - dates in order: an activity's planned and actual start before its end, a budget's and a
//!   result period's start before its end, a budget period of at most a year;
//! - actual dates and transaction dates not in the future;
//! - codes on their codelists: activity status, date types, organisation types and roles,
//!   transaction types, currencies, aid, finance and flow types and tied status.
//!
//! Rules from the IATI Standard's rulesets (<https://iatistandard.org/en/guidance/standard-guidance/>).

use super::xml::{problem, Activities, Node};
use semey_domain::currency::Currency;
use semey_domain::terms::Term;
use semey_domain::FieldError;
use std::collections::BTreeMap;
use std::io::BufRead;
use time::Date;

/// Every problem of the file (at most `limit`), and how many activities it holds.
pub fn check(reader: impl BufRead, today: Date, limit: usize) -> (Vec<FieldError>, u64) {
    let mut problems = Vec::new();
    let mut activities = match Activities::open(reader) {
        Ok(a) => a,
        Err(e) => return (vec![e], 0),
    };
    loop {
        match activities.next_activity() {
            Ok(Some(a)) => {
                let at = format!("/iati-activities/iati-activity[{}]", activities.count);
                activity(&a, &at, today, &mut problems);
                if problems.len() >= limit {
                    problems.truncate(limit);
                    break;
                }
            }
            Ok(None) => break,
            Err(e) => {
                problems.push(e);
                break;
            }
        }
    }
    (problems, activities.count)
}

fn date(n: &Node) -> Option<Date> {
    let s = n.attr("iso-date")?;
    Date::parse(
        s.get(..10).unwrap_or(s),
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

fn on_list(ok: bool, n: &Node, at: &str, what: &str, code: &str, problems: &mut Vec<FieldError>) {
    if !ok {
        problems.push(
            problem(
                n.line,
                at,
                "unknown_code",
                format!("{code:?} is not on the IATI {what} codelist"),
            )
            .with_arg("code", code),
        );
    }
}

fn activity(a: &Node, at: &str, today: Date, problems: &mut Vec<FieldError>) {
    let code_of = |n: &Node, attr: &str| n.attr(attr).unwrap_or("").to_owned();
    // Sectors: per vocabulary, the percentages add up to 100.
    let mut sums: BTreeMap<String, (f64, usize, u64)> = BTreeMap::new();
    for s in a.all("sector") {
        let v = s.attr("vocabulary").unwrap_or("1").to_owned();
        let e = sums.entry(v).or_insert((0.0, 0, s.line));
        e.0 += s
            .attr("percentage")
            .and_then(|p| p.parse::<f64>().ok())
            .unwrap_or(100.0);
        e.1 += 1;
    }
    for (v, (sum, n, line)) in sums {
        if n > 1 && (sum - 100.0).abs() > 1e-6 {
            problems.push(
                problem(
                    line,
                    &format!("{at}/sector[@vocabulary='{v}']"),
                    "sector_percentages_sum",
                    format!("the percentages of sector vocabulary {v} add up to {sum}, not 100"),
                )
                .with_arg("sum", sum)
                .with_arg("vocabulary", v),
            );
        }
    }
    // Activity dates.
    let mut dates: BTreeMap<String, (Date, &Node)> = BTreeMap::new();
    for d in a.all("activity-date") {
        let kind = code_of(d, "type");
        on_list(
            matches!(kind.as_str(), "1" | "2" | "3" | "4"),
            d,
            &format!("{at}/activity-date/@type"),
            "ActivityDateType",
            &kind,
            problems,
        );
        if let Some(day) = date(d) {
            if matches!(kind.as_str(), "2" | "4") && day > today {
                problems.push(problem(
                    d.line,
                    &format!("{at}/activity-date[@type='{kind}']"),
                    "actual_date_in_future",
                    format!("an actual date ({day}) cannot be in the future"),
                ));
            }
            dates.insert(kind, (day, d));
        }
    }
    for (start, end) in [("1", "3"), ("2", "4")] {
        if let (Some((s, _)), Some((e, n))) = (dates.get(start), dates.get(end)) {
            if e < s {
                problems.push(problem(
                    n.line,
                    &format!("{at}/activity-date[@type='{end}']"),
                    "end_before_start",
                    format!("the activity ends ({e}) before it starts ({s})"),
                ));
            }
        }
    }
    if let Some(s) = a.child("activity-status") {
        let c = code_of(s, "code");
        on_list(
            matches!(c.as_str(), "1" | "2" | "3" | "4" | "5" | "6"),
            s,
            &format!("{at}/activity-status/@code"),
            "ActivityStatus",
            &c,
            problems,
        );
    }
    let org_type = |n: &Node, here: &str, problems: &mut Vec<FieldError>| {
        if let Some(t) = n.attr("type") {
            let ok = t
                .parse::<u16>()
                .ok()
                .is_some_and(|c| semey_domain::organisation::OrganisationType::parse(c).is_ok());
            on_list(
                ok,
                n,
                &format!("{here}/@type"),
                "OrganisationType",
                t,
                problems,
            );
        }
    };
    for (tag, roles) in [("reporting-org", false), ("participating-org", true)] {
        for (i, o) in a.all(tag).enumerate() {
            let here = format!("{at}/{tag}[{}]", i + 1);
            org_type(o, &here, problems);
            if roles {
                let r = code_of(o, "role");
                on_list(
                    matches!(r.as_str(), "1" | "2" | "3" | "4"),
                    o,
                    &format!("{here}/@role"),
                    "OrganisationRole",
                    &r,
                    problems,
                );
            }
        }
    }
    let terms = |n: &Node, prefix: &str, here: &str, problems: &mut Vec<FieldError>| {
        for term in Term::ALL {
            let tag = format!("{prefix}{}", term.field().replace('_', "-"));
            if let Some(c) = n.child(&tag).and_then(|t| t.attr("code")) {
                on_list(
                    term.name(c).is_some(),
                    n,
                    &format!("{here}/{tag}/@code"),
                    term.field(),
                    c,
                    problems,
                );
            }
        }
    };
    terms(a, "default-", at, problems);
    let currency = |n: &Node, here: &str, problems: &mut Vec<FieldError>| {
        if let Some(v) = n.child("value") {
            if let Some(c) = v.attr("currency").or(a.attr("default-currency")) {
                on_list(
                    Currency::parse(c).is_ok(),
                    v,
                    &format!("{here}/value/@currency"),
                    "Currency",
                    c,
                    problems,
                );
            }
        }
    };
    for (i, b) in a.all("budget").enumerate() {
        let here = format!("{at}/budget[{}]", i + 1);
        currency(b, &here, problems);
        if let (Some(s), Some(e)) = (
            b.child("period-start").and_then(date),
            b.child("period-end").and_then(date),
        ) {
            if e < s {
                problems.push(problem(
                    b.line,
                    &here,
                    "end_before_start",
                    format!("the budget period ends ({e}) before it starts ({s})"),
                ));
            } else if (e - s).whole_days() > 366 {
                problems.push(problem(
                    b.line,
                    &here,
                    "budget_period_too_long",
                    format!("a budget period is at most a year ({s} – {e})"),
                ));
            }
        }
    }
    for (i, t) in a.all("transaction").enumerate() {
        let here = format!("{at}/transaction[{}]", i + 1);
        currency(t, &here, problems);
        terms(t, "", &here, problems);
        if let Some(tt) = t.child("transaction-type") {
            let c = code_of(tt, "code");
            let ok = c.parse::<u8>().is_ok_and(|c| (1..=13).contains(&c));
            on_list(
                ok,
                tt,
                &format!("{here}/transaction-type/@code"),
                "TransactionType",
                &c,
                problems,
            );
        }
        if let Some(d) = t.child("transaction-date").and_then(date) {
            if d > today {
                problems.push(problem(
                    t.line,
                    &format!("{here}/transaction-date"),
                    "transaction_date_in_future",
                    format!("a transaction's date ({d}) cannot be in the future"),
                ));
            }
        }
        for tag in ["provider-org", "receiver-org"] {
            if let Some(o) = t.child(tag) {
                org_type(o, &format!("{here}/{tag}"), problems);
            }
        }
    }
    for (ri, r) in a.all("result").enumerate() {
        for (ii, ind) in r.all("indicator").enumerate() {
            for (pi, p) in ind.all("period").enumerate() {
                if let (Some(s), Some(e)) = (
                    p.child("period-start").and_then(date),
                    p.child("period-end").and_then(date),
                ) {
                    if e < s {
                        problems.push(problem(
                            p.line,
                            &format!(
                                "{at}/result[{}]/indicator[{}]/period[{}]",
                                ri + 1,
                                ii + 1,
                                pi + 1
                            ),
                            "end_before_start",
                            format!("the period ends ({e}) before it starts ({s})"),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_schema_cannot_see_is_found() {
        let xml = r#"<?xml version="1.0"?>
<iati-activities version="2.03">
 <iati-activity default-currency="USD">
  <iati-identifier>XM-T-1</iati-identifier>
  <activity-status code="7"/>
  <activity-date type="1" iso-date="2025-01-01"/>
  <activity-date type="3" iso-date="2024-01-01"/>
  <sector vocabulary="1" code="12220" percentage="60"/>
  <sector vocabulary="1" code="12230" percentage="30"/>
  <sector vocabulary="98" code="health" percentage="100"/>
  <default-flow-type code="20"/>
  <budget><period-start iso-date="2024-01-01"/><period-end iso-date="2025-06-30"/><value value-date="2024-01-01" currency="XYZ">1</value></budget>
  <transaction><transaction-type code="14"/><transaction-date iso-date="2099-01-01"/><value value-date="2024-01-01">1</value></transaction>
 </iati-activity>
</iati-activities>"#;
        let today = time::macros::date!(2026 - 01 - 01);
        let (problems, n) = check(xml.as_bytes(), today, 100);
        assert_eq!(n, 1);
        let codes: Vec<&str> = problems.iter().map(|p| p.code.as_str()).collect();
        for expected in [
            "sector_percentages_sum",
            "end_before_start",
            "unknown_code",
            "budget_period_too_long",
            "transaction_date_in_future",
        ] {
            assert!(codes.contains(&expected), "{expected}: {problems:?}");
        }
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(
            fields
                .iter()
                .any(|f| f.starts_with("line 8: ") && f.contains("sector[@vocabulary='1']")),
            "{fields:?}"
        );
        assert!(fields.iter().any(|f| f.contains("activity-status/@code")));
        assert!(fields.iter().any(|f| f.contains("default-flow-type/@code")));
        assert!(fields
            .iter()
            .any(|f| f.contains("budget[1]/value/@currency")));
        assert!(fields
            .iter()
            .any(|f| f.contains("transaction[1]/transaction-type/@code")));
    }
}
