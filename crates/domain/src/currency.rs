//! Currencies (ISO 4217) and money as integer minor units.

use crate::error::Invalid;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

include!("currency_table.rs");

/// An ISO 4217 currency the platform knows, with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency {
    code: [u8; 3],
    decimals: u8,
}

impl Currency {
    pub const USD: Currency = Currency {
        code: *b"USD",
        decimals: 2,
    };
    pub const KZT: Currency = Currency {
        code: *b"KZT",
        decimals: 2,
    };

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let up = s.trim().to_ascii_uppercase();
        ISO_4217
            .iter()
            .find(|(c, _)| *c == up)
            .map(|(c, d)| {
                let b = c.as_bytes();
                Currency {
                    code: [b[0], b[1], b[2]],
                    decimals: *d,
                }
            })
            .ok_or_else(|| {
                Invalid::one(
                    "currency",
                    "unknown_currency",
                    format!("{s:?} is not an ISO 4217 currency code"),
                )
            })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).expect("currency codes are ASCII")
    }

    /// Digits after the decimal point (KZT 2, JPY 0, KWD 3).
    pub fn decimals(&self) -> u32 {
        u32::from(self.decimals)
    }

    /// Parses a decimal amount in major units ("1234.50") into minor units, refusing more
    /// decimals than the currency has.
    pub fn parse_amount(&self, s: &str) -> Result<i64, Invalid> {
        let cleaned: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '_'))
            .collect();
        let d = Decimal::from_str(&cleaned).map_err(|_| {
            Invalid::one(
                "amount",
                "invalid_amount",
                format!("{s:?} is not a number (use a dot for decimals)"),
            )
        })?;
        if d.scale() > self.decimals() && d.normalize().scale() > self.decimals() {
            return Err(Invalid::one(
                "amount",
                "too_many_decimals",
                format!(
                    "{s:?} has more decimals than {} allows ({})",
                    self.code(),
                    self.decimals
                ),
            ));
        }
        let minor = d * Decimal::from(10i64.pow(self.decimals()));
        i64::try_from(minor.trunc()).map_err(|_| {
            Invalid::one(
                "amount",
                "amount_out_of_range",
                format!("{s:?} is too large"),
            )
        })
    }

    /// Formats minor units as a plain decimal in major units ("1234.50").
    pub fn format_minor(&self, minor: i64) -> String {
        Decimal::new(minor, self.decimals()).to_string()
    }
}

/// An amount of money: integer minor units of one currency. Amounts never travel without
/// their currency inside the platform, so they cannot be added or converted across currencies
/// by mistake.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// Minor units of `currency` (cents, tiyn).
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    /// Parses an amount in major units ("1234.50") of the currency with code `currency`; both
    /// are checked, and the errors name the fields `currency` and `amount`.
    pub fn parse(currency: &str, amount: &str) -> Result<Money, Invalid> {
        let currency = Currency::parse(currency)?;
        Ok(Money::new(currency.parse_amount(amount)?, currency))
    }

    /// The amount in major units, exactly.
    pub fn major(&self) -> Decimal {
        Decimal::new(self.minor, self.currency.decimals())
    }

    /// The sum of two amounts of the same currency; `None` across currencies or on overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money::new(minor, self.currency))
    }
}

/// "1234.50 USD": a plain, language-neutral form (pages format money with the reader's
/// conventions in the presentation module).
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.major(), self.currency)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl TryFrom<String> for Currency {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code().to_owned()
    }
}

impl FromStr for Currency {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_the_currency() {
        assert_eq!(
            Currency::parse("kzt")
                .unwrap()
                .parse_amount("1 234.5")
                .unwrap(),
            123_450
        );
        assert_eq!(
            Currency::parse("JPY")
                .unwrap()
                .parse_amount("1000")
                .unwrap(),
            1000
        );
        assert_eq!(
            Currency::parse("KWD")
                .unwrap()
                .parse_amount("1.234")
                .unwrap(),
            1234
        );
        assert_eq!(Currency::USD.format_minor(123_450), "1234.50");
    }

    #[test]
    fn unknown_currency_and_excess_decimals_are_refused() {
        let e = Currency::parse("XYZ").unwrap_err();
        assert_eq!(e.errors[0].code, "unknown_currency");
        let e = Currency::parse("JPY")
            .unwrap()
            .parse_amount("10.5")
            .unwrap_err();
        assert_eq!(e.errors[0].code, "too_many_decimals");
        assert_eq!(Currency::USD.parse_amount("10.50").unwrap(), 1050);
    }

    #[test]
    fn money_keeps_its_currency() {
        let a = Money::parse("usd", "10.5").unwrap();
        assert_eq!(a, Money::new(1050, Currency::USD));
        assert_eq!(a.to_string(), "10.50 USD");
        assert_eq!(a.checked_add(a), Some(Money::new(2100, Currency::USD)));
        let kzt = Money::parse("KZT", "1").unwrap();
        assert_eq!(a.checked_add(kzt), None, "no sum across currencies");
        assert_eq!(
            Money::parse("XYZ", "1").unwrap_err().errors[0].field,
            "currency"
        );
        assert_eq!(
            Money::parse("USD", "1,5").unwrap_err().errors[0].field,
            "amount"
        );
    }
}

crate::string_schema!(Currency, "ISO 4217 currency code", "KZT");
