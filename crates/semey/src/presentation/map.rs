//! Maps drawn from the platform's own outlines as SVG: they work offline, in print and in
//! reports, need no script, and every area is a link with its name and figure as a tooltip.
//! (An interactive Leaflet map with a background tile layer builds on the same data.)

use crate::presentation::chart::escape;
use std::fmt::Write;

/// Sequential blues (ColorBrewer "Blues", 5 classes), light to dark; grey for "no money".
const CLASSES: [&str; 5] = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
const NO_VALUE: &str = "#f2f2f2";
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 420.0;

/// One area of a map.
pub struct Area {
    pub href: String,
    pub name: String,
    /// The outline, a GeoJSON Polygon or MultiPolygon geometry.
    pub geometry: serde_json::Value,
    pub value: Option<f64>,
    /// The value as the reader should see it.
    pub label: String,
}

fn rings(geometry: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
            .collect()
    };
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => coords.as_array().into_iter().flatten().map(ring).collect(),
        Some("MultiPolygon") => coords
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p.as_array().into_iter().flatten().map(ring))
            .collect(),
        _ => Vec::new(),
    }
}

/// A point on a map (a settlement), linked to its page.
pub struct Marker {
    pub href: String,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
}

/// A choropleth: each area shaded by its value in five classes of equal width up to the
/// largest value, with a legend of the classes written by `fmt`, and markers on top.
pub fn choropleth(
    title: &str,
    description: &str,
    no_value: &str,
    areas: &[Area],
    markers: &[Marker],
    fmt: &dyn Fn(f64) -> String,
) -> String {
    let all: Vec<Vec<Vec<(f64, f64)>>> = areas.iter().map(|a| rings(&a.geometry)).collect();
    let points = all.iter().flatten().flatten();
    let (mut min_lon, mut min_lat, mut max_lon, mut max_lat) =
        (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (lon, lat) in points {
        min_lon = min_lon.min(*lon);
        max_lon = max_lon.max(*lon);
        min_lat = min_lat.min(*lat);
        max_lat = max_lat.max(*lat);
    }
    // An equirectangular projection, stretched by the cosine of the middle latitude so that
    // shapes keep their proportions at this latitude.
    let k = ((min_lat + max_lat) / 2.0).to_radians().cos();
    let span_x = ((max_lon - min_lon) * k).max(1e-9);
    let span_y = (max_lat - min_lat).max(1e-9);
    let scale = ((WIDTH - 20.0) / span_x).min((HEIGHT - 60.0) / span_y);
    let project = |(lon, lat): (f64, f64)| {
        (
            10.0 + (lon - min_lon) * k * scale,
            10.0 + (max_lat - lat) * scale,
        )
    };
    let max = areas.iter().filter_map(|a| a.value).fold(0.0, f64::max);
    let class_of = |v: f64| {
        if max <= 0.0 {
            0
        } else {
            (((v / max) * CLASSES.len() as f64).ceil() as usize).clamp(1, CLASSES.len()) - 1
        }
    };
    let id = format!(
        "map-{:08x}",
        title
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
    );
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="group" aria-labelledby="{id}-t {id}-d" class="map"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
        escape(title),
        escape(description)
    );
    for (area, rings) in areas.iter().zip(&all) {
        let mut d = String::new();
        for ring in rings {
            let mut last = (f64::MAX, f64::MAX);
            for (i, p) in ring.iter().enumerate() {
                let (x, y) = project(*p);
                // Points closer than half a pixel to the previous one add nothing visible.
                if i > 0 && (x - last.0).abs() < 0.5 && (y - last.1).abs() < 0.5 {
                    continue;
                }
                let _ = write!(d, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
                last = (x, y);
            }
            d.push('Z');
        }
        let fill = area
            .value
            .filter(|v| *v > 0.0)
            .map(|v| CLASSES[class_of(v)])
            .unwrap_or(NO_VALUE);
        let _ = write!(
            out,
            r##"<a href="{}"><path d="{d}" fill="{fill}" stroke="#555" stroke-width="0.6"><title>{}: {}</title></path></a>"##,
            escape(&area.href),
            escape(&area.name),
            escape(&area.label)
        );
    }
    for m in markers {
        if m.lon < min_lon || m.lon > max_lon || m.lat < min_lat || m.lat > max_lat {
            continue;
        }
        let (x, y) = project((m.lon, m.lat));
        let _ = write!(
            out,
            r##"<a href="{}"><circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="#D55E00" stroke="#fff" stroke-width="1"><title>{}</title></circle></a>"##,
            escape(&m.href),
            escape(&m.name)
        );
    }
    // Legend: one swatch per class, with the upper bound of the class.
    let y = HEIGHT - 30.0;
    let _ = write!(
        out,
        r##"<rect x="10" y="{y}" width="14" height="14" fill="{NO_VALUE}" stroke="#555"/><text x="28" y="{:.1}" font-size="11">{}</text>"##,
        y + 11.0,
        escape(no_value)
    );
    for (i, colour) in CLASSES.iter().enumerate() {
        let x = 140.0 + 96.0 * i as f64;
        let upper = max * (i + 1) as f64 / CLASSES.len() as f64;
        let _ = write!(
            out,
            r##"<rect x="{x:.1}" y="{y}" width="14" height="14" fill="{colour}" stroke="#555"/><text x="{:.1}" y="{:.1}" font-size="11">≤ {}</text>"##,
            x + 18.0,
            y + 11.0,
            escape(&fmt(upper))
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64) -> serde_json::Value {
        serde_json::json!({"type": "Polygon", "coordinates": [[[lon, lat], [lon + 1.0, lat], [lon + 1.0, lat + 1.0], [lon, lat + 1.0], [lon, lat]]]})
    }

    #[test]
    fn areas_are_shaded_by_value_and_linked() {
        let areas = vec![
            Area {
                href: "/places/a".into(),
                name: "A & co".into(),
                geometry: square(80.0, 50.0),
                value: Some(100.0),
                label: "100".into(),
            },
            Area {
                href: "/places/b".into(),
                name: "B".into(),
                geometry: square(81.0, 50.0),
                value: Some(10.0),
                label: "10".into(),
            },
            Area {
                href: "/places/c".into(),
                name: "C".into(),
                geometry: square(82.0, 50.0),
                value: None,
                label: "—".into(),
            },
        ];
        let markers = vec![
            Marker {
                href: "/places/s".into(),
                name: "Semey".into(),
                lon: 80.5,
                lat: 50.5,
            },
            Marker {
                href: "/places/far".into(),
                name: "Far away".into(),
                lon: 10.0,
                lat: 10.0,
            },
        ];
        let svg = choropleth(
            "Money",
            "Committed money by district",
            "no money",
            &areas,
            &markers,
            &|v| format!("{v:.0}"),
        );
        // Its areas and markers are links: a labelled group, not an image (which may hold no
        // interactive content).
        assert!(svg.contains(r#"role="group""#) && svg.contains("<desc"));
        assert_eq!(svg.matches("<path").count(), 3);
        assert!(
            svg.contains(r##"fill="#08519c""##),
            "the largest value gets the darkest class"
        );
        assert!(
            svg.contains(r##"fill="#eff3ff""##),
            "a tenth of it the lightest"
        );
        assert!(
            svg.contains(r##"fill="#f2f2f2""##),
            "no value is grey, not a class"
        );
        assert!(svg.contains(r#"<a href="/places/a">"#) && svg.contains("A &amp; co: 100"));
        assert!(svg.contains("≤ 100"));
        assert_eq!(
            svg.matches("<circle").count(),
            1,
            "markers outside the drawn areas are left out"
        );
        assert!(svg.contains("<title>Semey</title>"));
    }
}
