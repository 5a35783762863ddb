//! Statistics of dose-rate readings that can be kept up to date as readings arrive: a
//! histogram on a logarithmic scale that keeps, per bucket, the count and the sum of its
//! readings (medians and percentiles within 1 % of the exact ones, and exact when the readings
//! of a bucket are equal), the count, the maximum and the newest time. Two statistics of
//! disjoint readings merge into the statistic of all of them, so an import adds its readings to
//! what is stored without reading it again.

use super::{RiskBand, RiskModel};
use std::collections::BTreeMap;

/// Buckets per factor of ten: each spans 0.96 %, so the mean of the readings in a bucket is
/// within 0.96 % of any of them.
const PER_DECADE: f64 = 240.0;
/// The lowest bucket starts at 1 nSv/h (0.001 µSv/h); everything below falls in it.
const LOWEST_LOG10: f64 = -3.0;
/// The highest bucket holds everything from 100 mSv/h up (above any plausible reading).
const LAST_BUCKET: u16 = (8.0 * PER_DECADE) as u16;
/// What the stored form starts with (histograms stored before it had 40 buckets a decade and
/// no sums; they are still read, at their old precision, until the statistics are rebuilt).
const FORM: &str = "v2";
/// Buckets of the old form per bucket of this one.
const OLD_SPLIT: u16 = 6;

/// Counts and sums of readings by logarithmic bucket of µSv/h.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoseHistogram {
    /// Bucket → (readings, their sum in µSv/h).
    buckets: BTreeMap<u16, (u64, f64)>,
    /// The sum of the buckets' counts.
    n: u64,
    /// Read from the old form: less precise until rebuilt.
    coarse: bool,
}

impl DoseHistogram {
    fn bucket(usv_h: f64) -> u16 {
        if usv_h.is_nan() || usv_h <= 0.0 {
            return 0;
        }
        let b = ((usv_h.log10() - LOWEST_LOG10) * PER_DECADE).floor();
        b.clamp(0.0, f64::from(LAST_BUCKET)) as u16
    }

    pub fn add(&mut self, usv_h: f64) {
        let cell = self.buckets.entry(Self::bucket(usv_h)).or_default();
        cell.0 += 1;
        cell.1 += if usv_h.is_finite() {
            usv_h.max(0.0)
        } else {
            0.0
        };
        self.n += 1;
    }

    pub fn merge(&mut self, other: &DoseHistogram) {
        for (b, (n, sum)) in &other.buckets {
            let cell = self.buckets.entry(*b).or_default();
            cell.0 += n;
            cell.1 += sum;
        }
        self.n += other.n;
        self.coarse |= other.coarse;
    }

    pub fn count(&self) -> u64 {
        self.n
    }

    /// True when read from the old, coarser form: the statistics should be rebuilt.
    pub fn coarse(&self) -> bool {
        self.coarse
    }

    /// The reading of rank `rank` (1-based, in increasing order), as the mean of its bucket.
    fn at_rank(&self, rank: u64) -> Option<f64> {
        let mut seen = 0;
        let mut last = None;
        for (n, sum) in self.buckets.values() {
            if *n == 0 {
                continue;
            }
            seen += n;
            last = Some(sum / *n as f64);
            if seen >= rank {
                return last;
            }
        }
        last
    }

    /// The `q` quantile (0–1), µSv/h, by the nearest-rank definition (the smallest reading
    /// with at least q·n readings at or below it); `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        self.at_rank(((q.clamp(0.0, 1.0) * n as f64).ceil() as u64).max(1))
    }

    /// The median: the middle reading, or the mean of the two middle ones when the count is
    /// even; `None` when empty.
    pub fn median(&self) -> Option<f64> {
        let n = self.count();
        if n == 0 {
            return None;
        }
        if n % 2 == 1 {
            self.at_rank(n / 2 + 1)
        } else {
            Some((self.at_rank(n / 2)? + self.at_rank(n / 2 + 1)?) / 2.0)
        }
    }

    /// A compact text form for storage: `v2`, then `bucket:count:sum` triples, separated by
    /// spaces.
    pub fn encode(&self) -> String {
        let mut s = String::with_capacity(3 + self.buckets.len() * 16);
        s.push_str(FORM);
        for (b, (n, sum)) in &self.buckets {
            s.push_str(&format!(" {b}:{n}:{sum}"));
        }
        s
    }

    /// Reads [`encode`](Self::encode)'s form, or the old one (`bucket:count` pairs at 40
    /// buckets a decade, each read as readings at its middle); `None` when it is neither.
    pub fn decode(s: &str) -> Option<Self> {
        let mut h = Self::default();
        let mut words = s.split_ascii_whitespace().peekable();
        let new = words.peek() == Some(&FORM);
        if new {
            words.next();
        }
        for word in words {
            let mut parts = word.split(':');
            let b: u16 = parts.next()?.parse().ok()?;
            let n = parts.next()?.parse::<u64>().ok()?;
            let (b, sum) = if new {
                let sum: f64 = parts.next()?.parse().ok()?;
                if b > LAST_BUCKET || !sum.is_finite() || sum < 0.0 {
                    return None;
                }
                (b, sum)
            } else {
                if b > LAST_BUCKET / OLD_SPLIT {
                    return None;
                }
                h.coarse = true;
                let middle = 10f64
                    .powf((f64::from(b) + 0.5) * f64::from(OLD_SPLIT) / PER_DECADE + LOWEST_LOG10);
                (b * OLD_SPLIT + OLD_SPLIT / 2, middle * n as f64)
            };
            if parts.next().is_some() {
                return None;
            }
            let cell = h.buckets.entry(b).or_default();
            cell.0 += n;
            cell.1 += sum;
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
        self.histogram.median()
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

    /// The exact median: the middle reading, or the mean of the two middle ones.
    fn exact_median(v: &[f64]) -> f64 {
        let mut v = v.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        }
    }

    #[test]
    fn medians_are_within_one_percent_of_the_exact_ones_for_any_data() {
        // A small generator (xorshift), seeded: readings spread over four decades, clustered,
        // equal, odd and even counts.
        let mut x: u64 = 0x0005_eed7_5210;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..400 {
            let n = 1 + (next() * 300.0) as usize;
            let v: Vec<f64> = (0..n)
                .map(|_| match case % 4 {
                    0 => 10f64.powf(-2.0 + 4.0 * next()),
                    1 => 0.1 + 0.1 * next(),
                    2 => [0.12, 0.15, 0.31][(next() * 3.0) as usize % 3],
                    _ => 0.15,
                })
                .collect();
            let mut h = DoseHistogram::default();
            for r in &v {
                h.add(*r);
            }
            let exact = exact_median(&v);
            let got = h.median().unwrap();
            assert!(
                (got / exact - 1.0).abs() < 0.01,
                "case {case}: {got} against {exact}"
            );
            // What is stored reads back the same.
            let back = DoseHistogram::decode(&h.encode()).unwrap();
            assert!((back.median().unwrap() / got - 1.0).abs() < 1e-12);
        }
        // Equal readings give their value exactly (0.15 µSv/h, not a bucket's middle).
        let mut h = DoseHistogram::default();
        for _ in 0..11 {
            h.add(0.15);
        }
        assert!((h.median().unwrap() - 0.15).abs() < 1e-12);
        let mut h = DoseHistogram::default();
        for i in 1..=1000 {
            h.add(0.05 + f64::from(i) * 0.001);
        }
        let p95 = h.quantile(0.95).unwrap();
        assert!((p95 / 1.0 - 1.0).abs() < 0.01, "{p95}");
        assert_eq!(h.count(), 1000);
        assert_eq!(DoseHistogram::default().median(), None);
    }

    #[test]
    fn the_old_stored_form_is_still_read() {
        // 40 buckets a decade from 0.001 µSv/h: bucket 80 holds 0.1–0.106 µSv/h.
        let h = DoseHistogram::decode("80:3 90:1").unwrap();
        assert!(h.coarse());
        assert_eq!(h.count(), 4);
        let m = h.median().unwrap();
        assert!(m > 0.1 && m < 0.106, "{m}");
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
        assert_eq!(
            (a.count(), a.max_usv_h, a.newest, a.oldest),
            (all.count(), all.max_usv_h, all.newest, all.oldest)
        );
        // The same buckets with the same counts, and sums equal but for the order of addition.
        let (x, y) = (&a.histogram.buckets, &all.histogram.buckets);
        assert_eq!(x.keys().collect::<Vec<_>>(), y.keys().collect::<Vec<_>>());
        for (k, (n, sum)) in x {
            assert_eq!(*n, y[k].0);
            assert!((sum - y[k].1).abs() < 1e-9, "{sum} vs {}", y[k].1);
        }
        let stored = DoseHistogram::decode(&all.histogram.encode()).unwrap();
        assert_eq!(stored, all.histogram);
        assert_eq!(DoseHistogram::decode("v2 3:x:1"), None);
        assert_eq!(DoseHistogram::decode("v2 9999:1:1"), None);
        assert_eq!(DoseHistogram::decode("v2 3:1"), None);
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
