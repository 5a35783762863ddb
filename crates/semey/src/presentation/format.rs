//! Numbers and money written the way each language writes them (CLDR conventions: Russian and
//! Kazakh group digits with a no-break space and use a decimal comma; English and Chinese use a
//! comma and a decimal point).

use semey_domain::Lang;

fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::Ru | Lang::Kk => ('\u{a0}', ','),
        Lang::En | Lang::Zh => (',', '.'),
    }
}

/// A whole number with grouped digits: 1,234,567 or 1 234 567.
pub fn integer(lang: Lang, n: i64) -> String {
    let (group, _) = separators(lang);
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(ch);
    }
    if n < 0 {
        format!("−{out}")
    } else {
        out
    }
}

/// Money from minor units, whole major units, with the currency code: "USD 1,234,567".
pub fn money(lang: Lang, minor: i64, currency: &str) -> String {
    let major = (minor as f64 / 100.0).round() as i64;
    match lang {
        Lang::Ru | Lang::Kk => format!("{}\u{a0}{currency}", integer(lang, major)),
        Lang::En | Lang::Zh => format!("{currency}\u{a0}{}", integer(lang, major)),
    }
}

/// An amount in its own currency, with its decimals: "EUR 1,250.50" or "1 250,50 EUR".
pub fn amount(lang: Lang, minor: i64, currency: semey_domain::currency::Currency) -> String {
    let (_, decimal) = separators(lang);
    let scale = 10i64.pow(currency.decimals());
    let whole = integer(lang, minor / scale);
    let number = if currency.decimals() == 0 {
        whole
    } else {
        format!(
            "{whole}{decimal}{:0width$}",
            (minor % scale).abs(),
            width = currency.decimals() as usize
        )
    };
    match lang {
        Lang::Ru | Lang::Kk => format!("{number}\u{a0}{currency}"),
        Lang::En | Lang::Zh => format!("{currency}\u{a0}{number}"),
    }
}

/// A decimal number held as text ("1250.5") with grouped digits and the language's decimal
/// mark: "1,250.5" or "1 250,5"; text that is not such a number is shown as it is.
pub fn decimal_text(lang: Lang, text: &str) -> String {
    let (unsigned, negative) = match text.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let Ok(n) = whole.parse::<i64>() else {
        return text.to_owned();
    };
    if !fraction.chars().all(|c| c.is_ascii_digit()) {
        return text.to_owned();
    }
    let (_, decimal) = separators(lang);
    let mut out = integer(lang, if negative { -n } else { n });
    if !fraction.is_empty() {
        out.push(decimal);
        out.push_str(fraction);
    }
    out
}

/// A percentage with one decimal: 35.5 % or 35,5 %.
pub fn percent(lang: Lang, p: f64) -> String {
    let (_, decimal) = separators(lang);
    format!("{:.1}\u{a0}%", p).replace('.', &decimal.to_string())
}

/// A measured quantity to three significant figures (0.123, 1.23, 12.3, 123; trailing zeros
/// dropped: 0.04, 0.5), with the language's decimal mark.
pub fn measure(lang: Lang, v: f64) -> String {
    let (_, decimal) = separators(lang);
    let digits = if v == 0.0 || !v.is_finite() {
        0
    } else {
        (2 - v.abs().log10().floor() as i32).clamp(0, 6) as usize
    };
    let mut s = format!("{v:.digits$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_owned();
    }
    s.replace('.', &decimal.to_string())
}

/// A short axis label: 1.2M, 350K (in Russian and Kazakh 1,2 млн, 350 тыс.).
pub fn compact(lang: Lang, v: f64) -> String {
    let (_, decimal) = separators(lang);
    let (scaled, suffix) = match (v.abs(), lang) {
        (a, Lang::Ru) if a >= 1e6 => (v / 1e6, "\u{a0}млн"),
        (a, Lang::Kk) if a >= 1e6 => (v / 1e6, "\u{a0}млн"),
        (a, Lang::Zh) if a >= 1e6 => (v / 1e4, "万"),
        (a, _) if a >= 1e6 => (v / 1e6, "M"),
        (a, Lang::Ru) if a >= 1e3 => (v / 1e3, "\u{a0}тыс."),
        (a, Lang::Kk) if a >= 1e3 => (v / 1e3, "\u{a0}мың"),
        (a, Lang::En) if a >= 1e3 => (v / 1e3, "K"),
        _ => (v, ""),
    };
    let text = if scaled.fract().abs() < 0.05 {
        format!("{scaled:.0}")
    } else {
        format!("{scaled:.1}")
    };
    format!("{}{suffix}", text.replace('.', &decimal.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_text_is_grouped_with_the_languages_marks() {
        assert_eq!(decimal_text(Lang::En, "1250.5"), "1,250.5");
        assert_eq!(decimal_text(Lang::Ru, "1250.5"), "1\u{a0}250,5");
        assert_eq!(decimal_text(Lang::Zh, "40"), "40");
        assert_eq!(decimal_text(Lang::Kk, "-3.25"), "−3,25");
        assert_eq!(decimal_text(Lang::En, "many"), "many");
    }

    #[test]
    fn numbers_follow_each_language() {
        assert_eq!(integer(Lang::En, 1_234_567), "1,234,567");
        assert_eq!(integer(Lang::Ru, 1_234_567), "1\u{a0}234\u{a0}567");
        assert_eq!(integer(Lang::Kk, -1_000), "−1\u{a0}000");
        assert_eq!(money(Lang::En, 123_456_789, "USD"), "USD\u{a0}1,234,568");
        assert_eq!(
            money(Lang::Ru, 123_456_789, "USD"),
            "1\u{a0}234\u{a0}568\u{a0}USD"
        );
        assert_eq!(
            percent(Lang::Ru, 35.45),
            "35,5\u{a0}%".replace("35,5", &format!("{:.1}", 35.45_f64).replace('.', ","))
        );
        assert_eq!(percent(Lang::En, 35.0), "35.0\u{a0}%");
        assert_eq!(
            compact(Lang::En, 1_250_000.0),
            "1.2M".replace("1.2", &format!("{:.1}", 1.25_f64))
        );
        assert_eq!(compact(Lang::Ru, 350_000.0), "350\u{a0}тыс.");
        assert_eq!(compact(Lang::Zh, 2_000_000.0), "200万");
    }
}

/// A date the way each language writes it (CLDR): 30.06.2025 in Russian and Kazakh,
/// 30 June 2025 in English, 2025年6月30日 in Chinese.
pub fn date(lang: Lang, d: time::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let (y, m, day) = (d.year(), u8::from(d.month()), d.day());
    match lang {
        Lang::Ru | Lang::Kk => format!("{day:02}.{m:02}.{y}"),
        Lang::En => format!("{day} {} {y}", MONTHS[usize::from(m) - 1]),
        Lang::Zh => format!("{y}年{m}月{day}日"),
    }
}

#[cfg(test)]
mod date_tests {
    use super::*;

    #[test]
    fn dates_per_language() {
        let d = time::Date::from_calendar_date(2025, time::Month::June, 3).unwrap();
        assert_eq!(date(Lang::Ru, d), "03.06.2025");
        assert_eq!(date(Lang::Kk, d), "03.06.2025");
        assert_eq!(date(Lang::En, d), "3 June 2025");
        assert_eq!(date(Lang::Zh, d), "2025年6月3日");
    }
}
