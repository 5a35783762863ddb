//! Services in Open Referral's Human Services Data Specification 3.0 (HSDS): the shape other
//! directories read. HSDS holds one language per record, so the reader picks it (`lang`);
//! the ids of the parts (phones, locations, schedules) are derived from the service's id, so
//! they stay the same from one export to the next.

use semey_domain::lang::{Lang, LocalText};
use semey_domain::service::{Service, DAYS};
use serde_json::{json, Value};
use uuid::Uuid;

/// RFC 5545 BYDAY codes, in the order of [`DAYS`].
const BYDAY: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

fn part_id(service: &Service, part: &str) -> String {
    Uuid::new_v5(&service.id.0, part.as_bytes()).to_string()
}

fn text(t: &LocalText, lang: Lang) -> Value {
    match t.best(lang) {
        Some(s) if !s.is_empty() => Value::String(s.to_owned()),
        _ => Value::Null,
    }
}

/// One service as an HSDS 3.0 `service` object, with its phones, languages, required
/// documents, funding, schedules and `service_at_locations` (each with its location).
pub fn service(
    s: &Service,
    lang: Lang,
    place_name: impl Fn(semey_domain::ids::PlaceId) -> Option<String>,
) -> Value {
    let phones: Vec<Value> = s
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| json!({"id": part_id(s, &format!("phone/{i}")), "service_id": s.id.to_string(), "number": p, "type": "voice"}))
        .collect();
    let languages: Vec<Value> = s
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| json!({"id": part_id(s, &format!("language/{i}")), "service_id": s.id.to_string(), "code": l}))
        .collect();
    let required_documents: Vec<Value> = match text(&s.required_documents, lang) {
        Value::Null => vec![],
        d => vec![
            json!({"id": part_id(s, "required_document"), "service_id": s.id.to_string(), "document": d}),
        ],
    };
    let funding: Vec<Value> = s
        .programme_ids
        .iter()
        .map(|p| json!({"id": part_id(s, &format!("funding/{p}")), "service_id": s.id.to_string(), "source": format!("programme {p}")}))
        .collect();
    let visits: Vec<Value> = s
        .visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({
                "id": part_id(s, &format!("visit/{i}")),
                "service_id": s.id.to_string(),
                "valid_from": v.date.to_string(),
                "valid_to": v.date.to_string(),
                "dtstart": v.date.to_string(),
                "opens_at": v.opens.to_string(),
                "closes_at": v.closes.to_string(),
                "description": place_name(v.place_id).map(|n| format!("Outreach visit: {n}")),
            })
        })
        .collect();
    let at_locations: Vec<Value> = s
        .locations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let sal = part_id(s, &format!("service_at_location/{i}"));
            let location_id = part_id(s, &format!("location/{i}"));
            let schedules: Vec<Value> = l
                .hours
                .iter()
                .enumerate()
                .map(|(j, h)| {
                    let day = DAYS.iter().position(|d| *d == h.day).unwrap_or(0);
                    json!({
                        "id": part_id(s, &format!("schedule/{i}/{j}")),
                        "service_at_location_id": sal,
                        "freq": "WEEKLY",
                        "wkst": "MO",
                        "byday": BYDAY[day],
                        "opens_at": h.opens.to_string(),
                        "closes_at": h.closes.to_string(),
                    })
                })
                .collect();
            let name = l
                .place_id
                .and_then(&place_name)
                .or_else(|| (!l.address.is_empty()).then(|| l.address.clone()));
            json!({
                "id": sal,
                "service_id": s.id.to_string(),
                "location_id": location_id,
                "schedules": schedules,
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": name,
                    "latitude": l.point.map(|p| p.lat),
                    "longitude": l.point.map(|p| p.lon),
                    "external_identifier": l.place_id.map(|p| p.to_string()),
                    "external_identifier_type": l.place_id.map(|_| "semey-place"),
                    "addresses": if l.address.is_empty() { vec![] } else {
                        vec![json!({"id": part_id(s, &format!("address/{i}")), "location_id": location_id,
                            "address_1": l.address, "city": name, "country": "KZ", "address_type": "physical"})]
                    },
                    "accessibility": match text(&s.accessibility, lang) {
                        Value::Null => vec![],
                        d => vec![json!({"id": part_id(s, &format!("accessibility/{i}")), "location_id": location_id, "description": d})],
                    },
                },
            })
        })
        .collect();
    json!({
        "id": s.id.to_string(),
        "organization_id": s.organisation_id.to_string(),
        "name": text(&s.name, lang),
        "description": text(&s.description, lang),
        "url": s.urls.first(),
        "email": s.emails.first(),
        "status": s.status.hsds(),
        "application_process": text(&s.application_process, lang),
        "fees_description": text(&s.fees, lang),
        "eligibility_description": text(&s.eligibility, lang),
        "minimum_age": s.minimum_age,
        "maximum_age": s.maximum_age,
        "assured_date": s.last_verified.to_string(),
        "phones": phones,
        "languages": languages,
        "required_documents": required_documents,
        "funding": funding,
        "schedules": visits,
        "service_at_locations": at_locations,
        "attributes": [{
            "id": part_id(s, "category"),
            "link_id": s.id.to_string(),
            "link_type": "service",
            "taxonomy_term": {"id": part_id(s, "category/term"), "code": s.category.as_str(), "name": s.category.as_str(), "vocabulary": "semey-service-category"},
        }],
    })
}

/// An HSDS page of a list: its header and the items (`contents`).
pub fn page(items: Vec<Value>, total: i64, limit: i64, offset: i64) -> Value {
    let size = limit.max(1);
    let total_pages = (total + size - 1) / size;
    let page_number = offset / size + 1;
    json!({
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": items.len(),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": items.is_empty(),
        "contents": items,
    })
}
