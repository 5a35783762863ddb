//! Exchange rates and conversion of amounts into the reporting currencies (USD and KZT).
//!
//! A rate is stored as "units of a currency per one US dollar" on a date, with its source.
//! Converting uses the newest rate on or before the value date, and every converted amount
//! keeps the rate, its date and its source, so a figure can always be traced and re-checked.

use crate::currency::{Currency, Money};
use crate::error::Invalid;
use rust_decimal::prelude::*;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

/// One exchange rate: `per_usd` units of `currency` buy one US dollar on `date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FxRate {
    /// The stored record's id (rates are versioned: a correction is a new record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub currency: Currency,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    #[schema(value_type = String, example = "470.50")]
    #[serde(with = "rust_decimal::serde::str")]
    pub per_usd: Decimal,
    pub source: String,
}

impl FxRate {
    pub fn check(
        currency: Currency,
        date: Date,
        per_usd: Decimal,
        source: &str,
    ) -> Result<Self, Invalid> {
        if per_usd <= Decimal::ZERO {
            return Err(Invalid::one(
                "per_usd",
                "invalid_rate",
                format!("{per_usd} is not a positive exchange rate"),
            ));
        }
        if source.trim().is_empty() {
            return Err(Invalid::one(
                "source",
                "required",
                "every exchange rate needs its source",
            ));
        }
        if currency == Currency::USD && per_usd != Decimal::ONE {
            return Err(Invalid::one(
                "per_usd",
                "invalid_rate",
                "the rate of USD per USD is 1",
            ));
        }
        Ok(Self {
            id: None,
            currency,
            date,
            per_usd,
            source: source.trim().to_owned(),
        })
    }
}

/// What identifies an exchange rate: its currency and date (a correction supersedes the rate
/// of the same key). Written `KZT@2024-01-31`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RateKey {
    pub currency: Currency,
    pub date: Date,
}

impl RateKey {
    pub fn of(rate: &FxRate) -> Self {
        Self {
            currency: rate.currency,
            date: rate.date,
        }
    }
}

impl std::fmt::Display for RateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = self.date;
        write!(
            f,
            "{}@{:04}-{:02}-{:02}",
            self.currency.code(),
            d.year(),
            u8::from(d.month()),
            d.day()
        )
    }
}

impl std::str::FromStr for RateKey {
    type Err = Invalid;

    fn from_str(s: &str) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::one(
                "id",
                "invalid_rate_key",
                format!("{s:?} is not CUR@YYYY-MM-DD"),
            )
        };
        let (cur, date) = s.split_once('@').ok_or_else(bad)?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        Ok(Self {
            currency: Currency::parse(cur)?,
            date: Date::parse(date, format).map_err(|_| bad())?,
        })
    }
}

/// The rate applied to one conversion, kept with the converted amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AppliedRate {
    /// The stored rate record it comes from (none for the USD identity).
    #[serde(skip)]
    pub rate_id: Option<i64>,
    #[schema(value_type = String, example = "470.50")]
    #[serde(with = "rust_decimal::serde::str")]
    pub per_usd: Decimal,
    #[schema(value_type = String, format = Date)]
    #[serde(with = "crate::iso_date")]
    pub date: Date,
    pub source: String,
}

impl AppliedRate {
    /// USD in USD: no rate record.
    pub fn identity(date: Date) -> Self {
        Self {
            rate_id: None,
            per_usd: Decimal::ONE,
            date,
            source: "identity (USD)".to_owned(),
        }
    }

    fn of(r: &FxRate) -> Self {
        Self {
            rate_id: r.id,
            per_usd: r.per_usd,
            date: r.date,
            source: r.source.clone(),
        }
    }
}

/// An amount expressed in both reporting currencies, with the rates used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Converted {
    /// US cents.
    pub usd: i64,
    /// Tiyn (KZT minor units).
    pub kzt: i64,
    /// Rate of the original currency per USD.
    pub usd_rate: AppliedRate,
    /// Rate of KZT per USD.
    pub kzt_rate: AppliedRate,
}

fn to_minor(major: Decimal, decimals: u32) -> Option<i64> {
    (major * Decimal::from(10i64.pow(decimals)))
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .to_i64()
}

fn missing(currency: Currency, date: Date) -> Invalid {
    Invalid::one(
        "currency",
        "no_exchange_rate",
        format!("there is no exchange rate for {currency} on or before {date}: import one with `semey import exchange-rates`"),
    )
}

/// Converts `money` at `value_date`. `currency_rate` is the newest rate of its currency on or
/// before the value date (not needed for USD or KZT); `kzt_rate` is the newest KZT rate,
/// always needed because every figure is reported in both USD and KZT.
pub fn convert(
    money: Money,
    value_date: Date,
    currency_rate: Option<&FxRate>,
    kzt_rate: Option<&FxRate>,
) -> Result<Converted, Invalid> {
    let Money {
        minor: amount,
        currency,
    } = money;
    let needs_own_rate = currency != Currency::USD && currency != Currency::KZT;
    let mut errors = Vec::new();
    if needs_own_rate && currency_rate.is_none() {
        errors.extend(missing(currency, value_date).errors);
    }
    if kzt_rate.is_none() {
        errors.extend(missing(Currency::KZT, value_date).errors);
    }
    let (Some(kzt_rate), true) = (kzt_rate, errors.is_empty()) else {
        return Err(Invalid { errors });
    };
    let usd_rate = match currency_rate {
        _ if currency == Currency::USD => AppliedRate::identity(value_date),
        _ if currency == Currency::KZT => AppliedRate::of(kzt_rate),
        Some(r) => AppliedRate::of(r),
        None => unreachable!("checked above"),
    };
    let major = money.major();
    let usd_major = major / usd_rate.per_usd;
    let out_of_range = || {
        Invalid::one(
            "amount",
            "amount_out_of_range",
            "the converted amount is too large",
        )
    };
    let usd = to_minor(usd_major, 2).ok_or_else(out_of_range)?;
    let kzt = if currency == Currency::KZT {
        amount
    } else {
        to_minor(usd_major * kzt_rate.per_usd, 2).ok_or_else(out_of_range)?
    };
    Ok(Converted {
        usd,
        kzt,
        usd_rate,
        kzt_rate: AppliedRate::of(kzt_rate),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn rate(c: &str, r: &str) -> FxRate {
        FxRate::check(
            Currency::parse(c).unwrap(),
            date!(2024 - 01 - 01),
            r.parse().unwrap(),
            "test",
        )
        .unwrap()
    }

    #[test]
    fn a_rate_key_reads_back_from_its_text() {
        let key = RateKey {
            currency: Currency::parse("KZT").unwrap(),
            date: time::macros::date!(2024 - 01 - 31),
        };
        assert_eq!(key.to_string(), "KZT@2024-01-31");
        assert_eq!("KZT@2024-01-31".parse::<RateKey>().unwrap(), key);
        assert!("KZT-2024-01-31".parse::<RateKey>().is_err());
        assert!("XXQ@2024-01-31".parse::<RateKey>().is_err());
    }

    #[test]
    fn converts_through_the_dollar_and_keeps_the_rates() {
        let eur = rate("EUR", "0.90");
        let kzt = rate("KZT", "450");
        let c = convert(
            Money::new(90_000, Currency::parse("EUR").unwrap()),
            date!(2024 - 02 - 01),
            Some(&eur),
            Some(&kzt),
        )
        .unwrap();
        assert_eq!(c.usd, 100_000); // €900.00 = $1000.00
        assert_eq!(c.kzt, 45_000_000); // = ₸450 000.00
        assert_eq!(c.usd_rate.source, "test");
        let k = convert(
            Money::new(45_000_000, Currency::KZT),
            date!(2024 - 02 - 01),
            None,
            Some(&kzt),
        )
        .unwrap();
        assert_eq!((k.usd, k.kzt), (100_000, 45_000_000));
    }

    #[test]
    fn a_missing_rate_names_currency_and_date() {
        let kzt = rate("KZT", "450");
        let e = convert(
            Money::new(1, Currency::parse("EUR").unwrap()),
            date!(2019 - 01 - 05),
            None,
            Some(&kzt),
        )
        .unwrap_err();
        assert_eq!(e.errors[0].code, "no_exchange_rate");
        assert!(e.errors[0].message.contains("EUR on or before 2019-01-05"));
    }
}

/// Every known rate, indexed for "newest on or before" look-ups during a bulk conversion.
#[derive(Debug, Clone, Default)]
pub struct FxTable {
    by_currency: std::collections::HashMap<Currency, Vec<FxRate>>,
}

impl FxTable {
    pub fn new(rates: impl IntoIterator<Item = FxRate>) -> Self {
        let mut t = Self::default();
        for r in rates {
            t.by_currency.entry(r.currency).or_default().push(r);
        }
        for v in t.by_currency.values_mut() {
            v.sort_by_key(|r| r.date);
        }
        t
    }

    /// The newest rate of `currency` on or before `date`.
    pub fn on_or_before(&self, currency: Currency, date: Date) -> Option<&FxRate> {
        let v = self.by_currency.get(&currency)?;
        let i = v.partition_point(|r| r.date <= date);
        i.checked_sub(1).map(|i| &v[i])
    }

    pub fn convert(&self, money: Money, value_date: Date) -> Result<Converted, Invalid> {
        convert(
            money,
            value_date,
            self.on_or_before(money.currency, value_date),
            self.on_or_before(Currency::KZT, value_date),
        )
    }
}
