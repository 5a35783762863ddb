//! The one chart module of the platform: small, dependency-free SVG charts for pages and
//! reports (bar, stacked bar, line, progress against a target).
//!
//! Every chart is accessible: `role="img"` with a `<title>` and a `<desc>` that say what it shows,
//! and [`Chart::table`] renders the same figures as an HTML table for screen readers, printing
//! and people who would rather read numbers. Colours are the Okabe–Ito palette, distinguishable
//! with the common colour-vision deficiencies. Numbers arrive formatted by the caller (the
//! caller knows the language), so the module has no locale of its own.

use std::fmt::Write;

/// Colour-blind-safe palette (Okabe & Ito, "Color Universal Design", 2008).
const PALETTE: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 360.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 96.0;

/// One named series of values, one value per category.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// The figures a chart shows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Chart {
    /// Short name, read first by screen readers.
    pub title: String,
    /// One or two sentences on what the chart shows and what stands out.
    pub description: String,
    /// Labels of the x axis (years, areas, districts …).
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// How values are written on axes, bars and in the table.
pub type Format<'a> = &'a dyn Fn(f64) -> String;

pub use super::escape::html as escape;

/// The width of `text` at `size` px: East Asian wide characters (Chinese, Japanese, Korean,
/// full-width forms) take a full em, other scripts (Latin, Cyrillic, Kazakh) about 0.6 em.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide {
                size
            } else {
                0.6 * size
            }
        })
        .sum()
}

/// Where each legend entry goes, `(x, line)`: a swatch, its text measured in its script and a
/// gap; an entry that would pass `right` starts the next line.
fn legend_layout<'a>(names: impl Iterator<Item = &'a str>, right: f64) -> Vec<(f64, usize)> {
    let mut out = Vec::new();
    let (mut x, mut row) = (LEFT, 0);
    for name in names {
        let w = 14.0 + text_width(name, 11.0) + 12.0;
        if x > LEFT && x + w > right {
            x = LEFT;
            row += 1;
        }
        out.push((x, row));
        x += w;
    }
    out
}

/// A round number at or above `max`, for the top of an axis (1, 2 or 5 times a power of ten).
fn nice_ceiling(max: f64) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * magnitude)
}

/// A stable id for `title`/`desc` references, from the chart's title.
fn id_of(title: &str) -> String {
    let slug: String = title
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(24)
        .collect();
    let hash = title
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    format!("chart-{slug}-{hash:08x}")
}

impl Chart {
    fn open(&self, out: &mut String) -> String {
        let id = id_of(&self.title);
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{id}-t {id}-d" class="chart"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc>"#,
            escape(&self.title),
            escape(&self.description)
        );
        id
    }

    fn axes(&self, out: &mut String, top: f64, fmt: Format<'_>) {
        let plot_h = HEIGHT - TOP - BOTTOM;
        for i in 0..=4 {
            let v = top * f64::from(i) / 4.0;
            let y = TOP + plot_h - plot_h * f64::from(i) / 4.0;
            let _ = write!(
                out,
                r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#ccc" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" font-size="11" fill="#333">{}</text>"##,
                WIDTH - RIGHT,
                LEFT - 6.0,
                y + 4.0,
                escape(&fmt(v))
            );
        }
        let step = (WIDTH - LEFT - RIGHT) / self.categories.len().max(1) as f64;
        // Labels wider than their slot are slanted so that neighbours do not overlap.
        let widest = self
            .categories
            .iter()
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0) as f64
            * 6.0;
        let slanted = widest > step;
        for (i, c) in self.categories.iter().enumerate() {
            let x = LEFT + step * (i as f64 + 0.5);
            let y = HEIGHT - BOTTOM + 16.0;
            if slanted {
                // Long names are shortened here; the bars' tooltips and the table carry them whole.
                let label: String = if c.chars().count() > 18 {
                    c.chars().take(17).chain(['…']).collect()
                } else {
                    c.clone()
                };
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{y:.1}" text-anchor="end" font-size="10" fill="#333" transform="rotate(-30 {x:.1} {y:.1})">{}</text>"##,
                    escape(&label)
                );
            } else {
                let _ = write!(
                    out,
                    r##"<text x="{x:.1}" y="{y:.1}" text-anchor="middle" font-size="11" fill="#333">{}</text>"##,
                    escape(c)
                );
            }
        }
    }

    /// The legend under the plot: each entry as wide as its text is in its script, entries
    /// that would run past the right edge start a new line.
    fn legend(&self, out: &mut String) {
        if self.series.len() < 2 {
            return;
        }
        let lines = legend_layout(self.series.iter().map(|s| s.name.as_str()), WIDTH - RIGHT);
        let rows = lines.iter().map(|(_, row)| *row).max().unwrap_or(0) + 1;
        for (i, (s, (x, row))) in self.series.iter().zip(lines).enumerate() {
            let y = HEIGHT - 8.0 - 14.0 * (rows - row) as f64;
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="11" fill="#333">{}</text>"##,
                y - 9.0,
                PALETTE[i % PALETTE.len()],
                x + 14.0,
                y,
                escape(&s.name)
            );
        }
    }

    /// Grouped bars: one group per category, one bar per series.
    pub fn bar(&self, fmt: Format<'_>) -> String {
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max);
        self.bars(fmt, nice_ceiling(max), false)
    }

    /// Stacked bars: one bar per category, series stacked.
    pub fn stacked_bar(&self, fmt: Format<'_>) -> String {
        let max = (0..self.categories.len())
            .map(|i| {
                self.series
                    .iter()
                    .map(|s| s.values.get(i).copied().unwrap_or(0.0).max(0.0))
                    .sum::<f64>()
            })
            .fold(0.0, f64::max);
        self.bars(fmt, nice_ceiling(max), true)
    }

    fn bars(&self, fmt: Format<'_>, top: f64, stacked: bool) -> String {
        let mut out = String::new();
        self.open(&mut out);
        self.axes(&mut out, top, fmt);
        let plot_h = HEIGHT - TOP - BOTTOM;
        let step = (WIDTH - LEFT - RIGHT) / self.categories.len().max(1) as f64;
        let n = self.series.len().max(1) as f64;
        for (ci, category) in self.categories.iter().enumerate() {
            let mut base = 0.0;
            for (si, s) in self.series.iter().enumerate() {
                let v = s.values.get(ci).copied().unwrap_or(0.0).max(0.0);
                let h = plot_h * v / top;
                let (x, w, y) = if stacked {
                    let y = TOP + plot_h - plot_h * (base + v) / top;
                    base += v;
                    (LEFT + step * ci as f64 + step * 0.2, step * 0.6, y)
                } else {
                    let w = step * 0.8 / n;
                    (
                        LEFT + step * ci as f64 + step * 0.1 + w * si as f64,
                        w,
                        TOP + plot_h - h,
                    )
                };
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{}"><title>{}: {}, {}</title></rect>"#,
                    PALETTE[si % PALETTE.len()],
                    escape(category),
                    escape(&s.name),
                    escape(&fmt(v))
                );
            }
        }
        self.legend(&mut out);
        out.push_str("</svg>");
        out
    }

    /// Lines: one per series, a point per category.
    pub fn line(&self, fmt: Format<'_>) -> String {
        let max = self
            .series
            .iter()
            .flat_map(|s| s.values.iter().copied())
            .fold(0.0, f64::max);
        let top = nice_ceiling(max);
        let mut out = String::new();
        self.open(&mut out);
        self.axes(&mut out, top, fmt);
        let plot_h = HEIGHT - TOP - BOTTOM;
        let step = (WIDTH - LEFT - RIGHT) / self.categories.len().max(1) as f64;
        for (si, s) in self.series.iter().enumerate() {
            let colour = PALETTE[si % PALETTE.len()];
            let points: Vec<(f64, f64, f64)> = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    (
                        LEFT + step * (i as f64 + 0.5),
                        TOP + plot_h - plot_h * v.max(0.0) / top,
                        *v,
                    )
                })
                .collect();
            let path: Vec<String> = points
                .iter()
                .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
                .collect();
            let _ = write!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
                path.join(" ")
            );
            for ((x, y, v), c) in points.iter().zip(&self.categories) {
                let _ = write!(
                    out,
                    r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{colour}"><title>{}: {}, {}</title></circle>"#,
                    escape(c),
                    escape(&s.name),
                    escape(&fmt(*v))
                );
            }
        }
        self.legend(&mut out);
        out.push_str("</svg>");
        out
    }

    /// The same figures as an HTML table (the accessible and printable fallback).
    pub fn table(&self, fmt: Format<'_>) -> String {
        let mut out = format!(
            r#"<div class="table-wrap" tabindex="0"><table class="chart-data"><caption>{}</caption><thead><tr><th scope="col"></th>"#,
            escape(&self.title)
        );
        for s in &self.series {
            let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(&s.name));
        }
        out.push_str("</tr></thead><tbody>");
        for (i, c) in self.categories.iter().enumerate() {
            let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, escape(c));
            for s in &self.series {
                let v = s.values.get(i).copied().unwrap_or(0.0);
                let _ = write!(out, "<td>{}</td>", escape(&fmt(v)));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table></div>");
        out
    }
}

/// A progress bar: `value` against `target`, with the share written on it.
pub fn progress(title: &str, description: &str, value: f64, target: f64, label: &str) -> String {
    let share = if target > 0.0 {
        (value / target).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let id = id_of(title);
    let width = 400.0;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 28" role="img" aria-labelledby="{id}-t {id}-d" class="chart progress"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc><rect x="0" y="4" width="{width}" height="20" rx="3" fill="#e5e5e5"/><rect x="0" y="4" width="{:.1}" height="20" rx="3" fill="{}"/><text x="{:.1}" y="18" font-size="12" fill="#000">{}</text></svg>"##,
        escape(title),
        escape(description),
        width * share,
        PALETTE[0],
        6.0,
        escape(label)
    )
}

#[cfg(test)]
mod tests {

    #[test]
    fn legend_entries_never_overlap_in_any_script() {
        let zh = [
            "已承诺资金",
            "已拨付资金",
            "资金需求",
            "国内资金",
            "外部资金",
            "缺口",
        ];
        let kk = ["Міндеттеме", "Төленген", "Қажеттілік", "Ішкі қаржы"];
        for names in [&zh[..], &kk[..]] {
            let at = legend_layout(names.iter().copied(), WIDTH - RIGHT);
            for (i, ((x, row), name)) in at.iter().zip(names).enumerate() {
                let end = x + 14.0 + text_width(name, 11.0);
                assert!(end <= WIDTH - RIGHT, "{name} runs off the chart");
                if let Some((next_x, next_row)) = at.get(i + 1) {
                    if next_row == row {
                        assert!(*next_x >= end, "{name} runs into the next entry");
                    }
                }
            }
        }
        // A Chinese character is a full em, a Latin or Cyrillic letter about 0.6.
        assert_eq!(text_width("资金", 10.0), 20.0);
        assert_eq!(text_width("ab", 10.0), 12.0);
    }

    use super::*;

    fn sample() -> Chart {
        Chart {
            title: "Funding by year <2024>".into(),
            description: "Committed and disbursed money per year".into(),
            categories: vec!["2023".into(), "2024".into(), "2025".into()],
            series: vec![
                Series {
                    name: "Committed".into(),
                    values: vec![10.0, 25.0, 40.0],
                },
                Series {
                    name: "Disbursed".into(),
                    values: vec![5.0, 20.0, 12.5],
                },
            ],
        }
    }

    fn plain(v: f64) -> String {
        format!("{v:.0}")
    }

    #[test]
    fn charts_are_labelled_for_screen_readers_and_escape_text() {
        for svg in [
            sample().bar(&plain),
            sample().stacked_bar(&plain),
            sample().line(&plain),
        ] {
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains(r#"role="img""#));
            assert!(svg.contains("<title id=") && svg.contains("<desc id="));
            assert!(svg.contains("Funding by year &lt;2024&gt;"));
            assert!(!svg.contains("<2024>"));
        }
    }

    #[test]
    fn every_value_is_drawn_and_in_the_table() {
        let c = sample();
        assert_eq!(
            c.bar(&plain).matches("<rect x=").count(),
            6 + 2,
            "six bars and two legend keys"
        );
        assert_eq!(c.line(&plain).matches("<circle").count(), 6);
        let table = c.table(&plain);
        assert!(
            table.contains(r#"<th scope="row">2025</th><td>40</td><td>12</td>"#),
            "{table}"
        );
    }

    #[test]
    fn stacked_bars_reach_the_sum_and_axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(52.5), 100.0);
        assert_eq!(nice_ceiling(40.0), 50.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        // The 2025 stack (40 + 12.5) is the tallest: it fills 52.5 of a 100 axis.
        let svg = sample().stacked_bar(&plain);
        assert!(svg.contains(">100</text>"));
    }

    #[test]
    fn progress_is_clamped_to_the_target() {
        let p = progress(
            "Funded",
            "35 % of the requirement is committed",
            350.0,
            1000.0,
            "35 %",
        );
        assert!(p.contains(r#"width="140.0""#));
        let over = progress("Funded", "more than required", 2000.0, 1000.0, "200 %");
        assert!(over.contains(r##"width="400.0" height="20" rx="3" fill="#0072B2""##));
    }
}
