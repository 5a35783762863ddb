//! Statistics of dose-rate readings that can be kept up to date as readings arrive: a
//! histogram on a logarithmic scale (medians and percentiles to within 3 %), the count, the
//! maximum and the newest time. Two statistics of disjoint readings merge into the statistic of
//! all of them, so an import adds its readings to what is stored without reading it again.

use super::{RiskBand, RiskModel};
use std::collections::BTreeMap;

/// Buckets per factor of ten: each spans 5.9 %, so a bucket's middle is within 2.9 % of any
/// reading in it.
const PER_DECADE: f64 = 40.0;
/// The lowest bucket starts at 1 nSv/h (0.001 µSv/h); everything below falls in it.
const LOWEST_LOG10: f64 = -3.0;
/// The highest bucket holds everything from 100 mSv/h up (above any plausible reading).
const LAST_BUCKET: u16 = (8.0 * PER_DECADE) as u16;

/// Counts of readings by logarithmic bucket of µSv/h.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoseHistogram {
    buckets: BTreeMap<u16, u64>,
    /// The sum of the buckets' counts.
    n: u64,
}

impl DoseHistogram {
    fn bucket(usv_h: f64) -> u16 {
        if usv_h.is_nan() || usv_h <= 0.0 {
            return 0;
        }
        let b = ((usv_h.log10() - LOWEST_LOG10) * PER_DECADE).floor();
        b.clamp(0.0, f64::from(LAST_BUCKET)) as u16
    }

    /// The geometric middle of a bucket, µSv/h.
    fn middle(bucket: u16) -> f64 {
        10f64.powf((f64::from(bucket) + 0.5) / PER_DECADE + LOWEST_LOG10)
    }

    pub fn add(&mut self, usv_h: f64) {
        *self.buckets.entry(Self::bucket(usv_h)).or_default() += 1;
        self.n += 1;
    }

    pub fn merge(&mut self, other: &DoseHistogram) {
        for (b, n) in &other.buckets {
            *self.buckets.entry(*b).or_default() += n;
        }
        self.n += other.n;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// The `q` quantile (0–1), µSv/h; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        // The nearest-rank definition: the smallest reading with at least q·n readings at or
        // below it.
        let rank = ((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (b, c) in &self.buckets {
            seen += c;
            if seen >= rank {
                return Some(Self::middle(*b));
            }
        }
        self.buckets.keys().next_back().map(|b| Self::middle(*b))
    }

    /// A compact text form for storage: `bucket:count` pairs separated by spaces.
    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(self.buckets.len() * 8);
        for (b, n) in &self.buckets {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&b.to_string());
            s.push(':');
            s.push_str(&n.to_string());
        }
        s
    }

    /// Reads [`encode`](Self::encode)'s form; `None` when it is not that.
    pub fn decode(s: &str) -> Option<Self> {
        let mut h = Self::default();
        for pair in s.split_ascii_whitespace() {
            let (b, n) = pair.split_once(':')?;
            let b: u16 = b.parse().ok()?;
            if b > LAST_BUCKET {
                return None;
            }
            let n = n.parse::<u64>().ok()?;
            *h.buckets.entry(b).or_default() += n;
            h.n += n;
        }
        Some(h)
    }
}

/// What is known of the dose-rate readings of a cell or a place.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoseStats {
    pub histogram: DoseHistogram,
    /// The highest reading, µSv/h.
    pub max_usv_h: f64,
    /// The newest and oldest readings' times, Unix seconds.
    pub newest: Option<i64>,
    pub oldest: Option<i64>,
}

impl DoseStats {
    pub fn add(&mut self, usv_h: f64, at: i64) {
        self.histogram.add(usv_h);
        if self.histogram.count() == 1 || usv_h > self.max_usv_h {
            self.max_usv_h = usv_h;
        }
        self.newest = Some(self.newest.map_or(at, |n| n.max(at)));
        self.oldest = Some(self.oldest.map_or(at, |o| o.min(at)));
    }

    pub fn merge(&mut self, other: &DoseStats) {
        if other.count() == 0 {
            return;
        }
        if self.count() == 0 || other.max_usv_h > self.max_usv_h {
            self.max_usv_h = other.max_usv_h;
        }
        self.histogram.merge(&other.histogram);
        self.newest = self.newest.max(other.newest);
        self.oldest = match (self.oldest, other.oldest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    pub fn count(&self) -> u64 {
        self.histogram.count()
    }

    pub fn median(&self) -> Option<f64> {
        self.histogram.quantile(0.5)
    }

    pub fn p95(&self) -> Option<f64> {
        self.histogram.quantile(0.95)
    }
}

/// The estimate for a place: its band and everything the message states beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// `None`: not measured (no reading newer than the age allowed) — never "safe".
    pub band: Option<RiskBand>,
    /// Readings behind the estimate.
    pub count: u64,
    /// The representative dose rate (median of the readings), µSv/h.
    pub median_usv_h: Option<f64>,
    /// The spread: the 5th and 95th percentiles, µSv/h.
    pub p05_usv_h: Option<f64>,
    pub p95_usv_h: Option<f64>,
    pub max_usv_h: Option<f64>,
    /// Added annual dose at the median and at the 95th percentile, mSv/y.
    pub added_msv: Option<f64>,
    pub added_msv_p95: Option<f64>,
    pub newest: Option<i64>,
    pub oldest: Option<i64>,
}

/// Assesses a place from the statistics of its readings taken since the age limit: `now` and
/// `max_age_secs` decide whether the newest is recent enough to speak of the present.
pub fn assess(stats: &DoseStats, model: &RiskModel, now: i64, max_age_secs: i64) -> Assessment {
    let recent = stats.newest.is_some_and(|t| now - t <= max_age_secs);
    let median = stats.median();
    let p95 = stats.p95();
    let added = median.map(|m| model.added_annual_dose_msv(m));
    Assessment {
        band: if recent && stats.count() > 0 {
            added.map(|a| model.band(a))
        } else {
            None
        },
        count: stats.count(),
        median_usv_h: median,
        p05_usv_h: stats.histogram.quantile(0.05),
        p95_usv_h: p95,
        max_usv_h: (stats.count() > 0).then_some(stats.max_usv_h),
        added_msv: added,
        added_msv_p95: p95.map(|p| model.added_annual_dose_msv(p)),
        newest: stats.newest,
        oldest: stats.oldest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_three_percent() {
        let mut h = DoseHistogram::default();
        for i in 1..=1000 {
            h.add(0.05 + f64::from(i) * 0.001);
        }
        let median = h.quantile(0.5).unwrap();
        assert!((median / 0.55 - 1.0).abs() < 0.03, "{median}");
        let p95 = h.quantile(0.95).unwrap();
        assert!((p95 / 1.0 - 1.0).abs() < 0.03, "{p95}");
        assert_eq!(h.count(), 1000);
        assert_eq!(DoseHistogram::default().quantile(0.5), None);
    }

    #[test]
    fn merged_statistics_equal_those_of_all_readings() {
        let readings: Vec<(f64, i64)> = (0..500)
            .map(|i| {
                (
                    0.08 + f64::from(i % 37) * 0.01,
                    1_600_000_000 + i64::from(i),
                )
            })
            .collect();
        let mut all = DoseStats::default();
        let (mut a, mut b) = (DoseStats::default(), DoseStats::default());
        for (i, (v, t)) in readings.iter().enumerate() {
            all.add(*v, *t);
            if i % 3 == 0 {
                a.add(*v, *t)
            } else {
                b.add(*v, *t)
            }
        }
        a.merge(&b);
        assert_eq!(a, all);
        let stored = DoseHistogram::decode(&all.histogram.encode()).unwrap();
        assert_eq!(stored, all.histogram);
        assert_eq!(DoseHistogram::decode("3:x"), None);
        assert_eq!(DoseHistogram::decode("9999:1"), None);
    }

    #[test]
    fn old_or_missing_readings_are_not_measured_never_safe() {
        let model = RiskModel::default();
        let mut s = DoseStats::default();
        let a = assess(&s, &model, 1_700_000_000, 3600);
        assert_eq!(a.band, None);
        s.add(0.08, 1_000_000_000);
        let old = assess(&s, &model, 1_700_000_000, 86_400 * 365 * 10);
        assert_eq!(old.band, None, "a reading of 2001 says nothing of 2023");
        assert_eq!(old.count, 1);
        let fresh = assess(&s, &model, 1_000_000_100, 86_400);
        assert_eq!(fresh.band, Some(RiskBand::Background));
        s.add(5.0, 1_000_000_050);
        s.add(5.0, 1_000_000_060);
        let high = assess(&s, &model, 1_000_000_100, 86_400);
        assert_eq!(high.band, Some(RiskBand::NotForLiving));
        assert!(high.added_msv.unwrap() > 20.0);
    }
}
