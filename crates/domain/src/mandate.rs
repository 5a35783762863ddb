//! Resolutions of the General Assembly read from their plain text, and their operative
//! paragraphs as mandates: who is asked to do what, and by when a report is due.
//!
//! The text is what the United Nations' documents system gives as plain text (a PDF's text
//! layer): lines broken inside paragraphs, blank lines between them, page breaks with
//! footnotes, and the adoption date at the end. One file holds one language; the languages are
//! aligned paragraph by paragraph ([`align`]).

use crate::error::{parse_day, Checker};
use crate::ids::{MandateId, ResolutionId};
use crate::{FieldError, Invalid, Lang, LocalText};
use time::{Date, Month};
use uuid::Uuid;

/// The namespace of resolutions' and mandates' ids: the same symbol gives the same ids on
/// every platform, so importing a text again finds what it stored.
const NAMESPACE: Uuid = Uuid::from_u128(0x5e3e_7a1d_0f2b_4c61_9d2e_7521_0a3f_9b44);

impl ResolutionId {
    pub fn of(symbol: &str) -> Self {
        Self(Uuid::new_v5(&NAMESPACE, symbol.as_bytes()))
    }
}

impl MandateId {
    pub fn of(symbol: &str, number: u16) -> Self {
        Self(Uuid::new_v5(
            &NAMESPACE,
            format!("{symbol} {number}").as_bytes(),
        ))
    }
}

string_enum!(
    /// What an operative paragraph does: the verb it opens with.
    Action, "action" {
        TakesNote = "takes_note",
        Welcomes = "welcomes",
        Recognizes = "recognizes",
        Reaffirms = "reaffirms",
        Urges = "urges",
        CallsUpon = "calls_upon",
        Requests = "requests",
        Encourages = "encourages",
        Invites = "invites",
        Decides = "decides",
        Stresses = "stresses",
        Other = "other",
    }
);

string_enum!(
    /// Who a mandate addresses.
    Addressee, "addressee" {
        SecretaryGeneral = "secretary_general",
        MemberStates = "member_states",
        InternationalCommunity = "international_community",
        UnitedNationsSystem = "un_system",
        Donors = "donors",
        FinancialInstitutions = "financial_institutions",
        CivilSociety = "civil_society",
        Academia = "academia",
        GovernmentOfKazakhstan = "government_of_kazakhstan",
    }
);

/// The opening verbs of operative paragraphs in each language, longest first where one
/// begins another ("calls upon" before "calls"). Kazakh puts the verb last: its entries are
/// the paragraph's closing verb (see [`action_of`]).
const VERBS: &[(Lang, &str, Action)] = &[
    (Lang::En, "takes note", Action::TakesNote),
    (Lang::En, "welcomes", Action::Welcomes),
    (Lang::En, "recognizes", Action::Recognizes),
    (Lang::En, "reaffirms", Action::Reaffirms),
    (Lang::En, "urges", Action::Urges),
    (Lang::En, "calls upon", Action::CallsUpon),
    (Lang::En, "calls on", Action::CallsUpon),
    (Lang::En, "requests", Action::Requests),
    (Lang::En, "encourages", Action::Encourages),
    (Lang::En, "invites", Action::Invites),
    (Lang::En, "decides", Action::Decides),
    (Lang::En, "stresses", Action::Stresses),
    (Lang::En, "emphasizes", Action::Stresses),
    (Lang::Ru, "принимает к сведению", Action::TakesNote),
    (Lang::Ru, "приветствует", Action::Welcomes),
    (Lang::Ru, "признает", Action::Recognizes),
    (Lang::Ru, "вновь подтверждает", Action::Reaffirms),
    (Lang::Ru, "настоятельно призывает", Action::Urges),
    (Lang::Ru, "призывает", Action::CallsUpon),
    (Lang::Ru, "просит", Action::Requests),
    (Lang::Ru, "рекомендует", Action::Encourages),
    (Lang::Ru, "предлагает", Action::Invites),
    (Lang::Ru, "постановляет", Action::Decides),
    (Lang::Ru, "подчеркивает", Action::Stresses),
    (Lang::Zh, "表示注意到", Action::TakesNote),
    (Lang::Zh, "注意到", Action::TakesNote),
    (Lang::Zh, "欢迎", Action::Welcomes),
    (Lang::Zh, "确认", Action::Recognizes),
    (Lang::Zh, "重申", Action::Reaffirms),
    (Lang::Zh, "敦促", Action::Urges),
    (Lang::Zh, "促请", Action::CallsUpon),
    (Lang::Zh, "吁请", Action::CallsUpon),
    (Lang::Zh, "鼓励", Action::Encourages),
    (Lang::Zh, "邀请", Action::Invites),
    (Lang::Zh, "决定", Action::Decides),
    (Lang::Zh, "强调", Action::Stresses),
    (Lang::Zh, "请", Action::Requests),
    // Kazakh (the verb closes the main clause; longer phrases first where one ends another).
    (Lang::Kk, "назарға алады", Action::TakesNote),
    (Lang::Kk, "назарға ала отырып", Action::TakesNote),
    (Lang::Kk, "құптайды", Action::Welcomes),
    (Lang::Kk, "қуана қарсы алады", Action::Welcomes),
    (Lang::Kk, "мойындайды", Action::Recognizes),
    (Lang::Kk, "таниды", Action::Recognizes),
    (Lang::Kk, "қайта растайды", Action::Reaffirms),
    (Lang::Kk, "тағы да растайды", Action::Reaffirms),
    (Lang::Kk, "табанды түрде шақырады", Action::Urges),
    (Lang::Kk, "қатаң шақырады", Action::Urges),
    (Lang::Kk, "шақырады", Action::CallsUpon),
    (Lang::Kk, "үндейді", Action::CallsUpon),
    (Lang::Kk, "сұрайды", Action::Requests),
    (Lang::Kk, "өтінеді", Action::Requests),
    (Lang::Kk, "тапсырады", Action::Requests),
    (Lang::Kk, "көтермелейді", Action::Encourages),
    (Lang::Kk, "ынталандырады", Action::Encourages),
    (Lang::Kk, "ұсынады", Action::Invites),
    (Lang::Kk, "шешім қабылдайды", Action::Decides),
    (Lang::Kk, "шешеді", Action::Decides),
    (Lang::Kk, "атап өтеді", Action::Stresses),
    (Lang::Kk, "баса назар аударады", Action::Stresses),
    (Lang::Kk, "баса айтады", Action::Stresses),
];

/// Words naming addressees, in the part of a paragraph before what they are asked to do.
const ADDRESSEES: &[(Lang, &str, Addressee)] = &[
    (Lang::En, "secretary-general", Addressee::SecretaryGeneral),
    (Lang::En, "member states", Addressee::MemberStates),
    (
        Lang::En,
        "international community",
        Addressee::InternationalCommunity,
    ),
    (Lang::En, "united nations", Addressee::UnitedNationsSystem),
    (Lang::En, "donor", Addressee::Donors),
    (
        Lang::En,
        "financial organizations",
        Addressee::FinancialInstitutions,
    ),
    (
        Lang::En,
        "financial institutions",
        Addressee::FinancialInstitutions,
    ),
    (Lang::En, "non-governmental", Addressee::CivilSociety),
    (Lang::En, "civil society", Addressee::CivilSociety),
    (Lang::En, "academia", Addressee::Academia),
    (
        Lang::En,
        "government of kazakhstan",
        Addressee::GovernmentOfKazakhstan,
    ),
    (Lang::Ru, "генеральн", Addressee::SecretaryGeneral),
    (Lang::Ru, "государства-члены", Addressee::MemberStates),
    (
        Lang::Ru,
        "международное сообщество",
        Addressee::InternationalCommunity,
    ),
    (
        Lang::Ru,
        "организации объединенных наций",
        Addressee::UnitedNationsSystem,
    ),
    (Lang::Ru, "донор", Addressee::Donors),
    (Lang::Ru, "финансовые", Addressee::FinancialInstitutions),
    (Lang::Ru, "неправительственные", Addressee::CivilSociety),
    (Lang::Ru, "гражданское общество", Addressee::CivilSociety),
    (Lang::Ru, "научн", Addressee::Academia),
    (Lang::Ru, "правительств", Addressee::GovernmentOfKazakhstan),
    (Lang::Zh, "秘书长", Addressee::SecretaryGeneral),
    (Lang::Zh, "会员国", Addressee::MemberStates),
    (Lang::Zh, "国际社会", Addressee::InternationalCommunity),
    (Lang::Zh, "联合国", Addressee::UnitedNationsSystem),
    (Lang::Zh, "捐助", Addressee::Donors),
    (Lang::Zh, "金融组织", Addressee::FinancialInstitutions),
    (Lang::Zh, "非政府组织", Addressee::CivilSociety),
    (Lang::Zh, "民间社会", Addressee::CivilSociety),
    (Lang::Zh, "学术界", Addressee::Academia),
    (
        Lang::Zh,
        "哈萨克斯坦政府",
        Addressee::GovernmentOfKazakhstan,
    ),
    // Kazakh stems, which take case endings ("Бас хатшыдан", "мүше мемлекеттерді").
    (Lang::Kk, "бас хатшы", Addressee::SecretaryGeneral),
    (Lang::Kk, "мүше мемлекет", Addressee::MemberStates),
    (
        Lang::Kk,
        "халықаралық қоғамдастық",
        Addressee::InternationalCommunity,
    ),
    (Lang::Kk, "біріккен ұлттар", Addressee::UnitedNationsSystem),
    (Lang::Kk, "бұұ", Addressee::UnitedNationsSystem),
    (Lang::Kk, "донор", Addressee::Donors),
    (Lang::Kk, "қаржы ұйым", Addressee::FinancialInstitutions),
    (Lang::Kk, "қаржы институт", Addressee::FinancialInstitutions),
    (Lang::Kk, "үкіметтік емес", Addressee::CivilSociety),
    (Lang::Kk, "азаматтық қоғам", Addressee::CivilSociety),
    (Lang::Kk, "ғылыми", Addressee::Academia),
    (
        Lang::Kk,
        "қазақстан үкімет",
        Addressee::GovernmentOfKazakhstan,
    ),
];

/// The line that opens the preamble, in each language.
const ASSEMBLY: &[(Lang, &str)] = &[
    (Lang::En, "The General Assembly"),
    (Lang::Ru, "Генеральная Ассамблея"),
    (Lang::Kk, "Бас Ассамблея"),
    (Lang::Zh, "大会"),
];

/// One language's text of a resolution, as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolutionText {
    pub lang: Lang,
    /// `A/RES/75/210`.
    pub symbol: String,
    pub title: String,
    pub adopted_on: Option<Date>,
    pub preamble: Vec<String>,
    /// Operative paragraphs in order; the first is numbered 1.
    pub operative: Vec<String>,
}

/// A resolution in every language it came in.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Resolution {
    #[schema(value_type = String, format = Uuid)]
    pub id: ResolutionId,
    /// `A/RES/75/210`.
    pub symbol: String,
    /// The session (75 for `A/RES/75/210`).
    pub session: u16,
    pub title: LocalText,
    #[serde(with = "crate::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub adopted_on: Option<Date>,
    /// Earlier resolutions the preamble recalls (`A/RES/72/213` …), oldest first.
    pub recalls: Vec<String>,
    /// The stored resolution of the same series this one follows (the latest it recalls).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub previous_id: Option<ResolutionId>,
    #[schema(value_type = Vec<Object>)]
    pub preamble: Vec<LocalText>,
    pub mandates: Vec<Mandate>,
}

/// An operative paragraph: what it asks, of whom, and by when a report is due.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Mandate {
    #[schema(value_type = String, format = Uuid)]
    pub id: MandateId,
    #[schema(value_type = String, format = Uuid)]
    pub resolution_id: ResolutionId,
    pub number: u16,
    #[schema(value_type = Object)]
    pub text: LocalText,
    pub action: Action,
    pub addressees: Vec<Addressee>,
    /// The session of the General Assembly a report is asked for.
    pub report_session: Option<u16>,
    /// When that session opens (in September of 1945 + its number): the report is due before.
    #[serde(with = "crate::iso_date::option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<Date>,
    /// A coordinator set the action, addressees or deadline: importing the text again keeps
    /// them.
    pub corrected: bool,
}

/// What a coordinator corrects of a mandate read from the text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct MandateInput {
    pub action: String,
    #[serde(default)]
    pub addressees: Vec<String>,
    /// A report's deadline (ISO date), if the paragraph asks for one.
    #[serde(default)]
    pub deadline: Option<String>,
}

/// A checked correction: applied to the mandate held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MandateCorrection {
    pub action: Action,
    pub addressees: Vec<Addressee>,
    pub deadline: Option<Date>,
}

impl MandateInput {
    pub fn check(self) -> Result<MandateCorrection, Invalid> {
        let mut c = Checker::new();
        let action = c.take("", Action::parse(&self.action));
        let mut addressees = Vec::new();
        for (i, a) in self.addressees.iter().enumerate() {
            let parsed = Addressee::parse(a).map_err(|e| Invalid {
                errors: e
                    .errors
                    .into_iter()
                    .map(|x| FieldError {
                        field: format!("addressees[{i}]"),
                        ..x
                    })
                    .collect(),
            });
            if let Some(a) = c.take("", parsed) {
                addressees.push(a);
            }
        }
        addressees.sort();
        addressees.dedup();
        let deadline = match self
            .deadline
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            None => None,
            Some(d) => parse_day("deadline", d).map_err(|e| c.push(e)).ok(),
        };
        c.finish(|| MandateCorrection {
            action: action.expect("checked"),
            addressees,
            deadline,
        })
    }
}

impl MandateCorrection {
    /// The mandate `held` with this action, these addressees and this deadline, marked
    /// corrected (a new import of the text keeps them).
    pub fn apply(self, held: &Mandate) -> Mandate {
        Mandate {
            action: self.action,
            addressees: self.addressees,
            deadline: self.deadline,
            corrected: true,
            ..held.clone()
        }
    }
}

fn problem(lang: Lang, line: usize, code: &str, message: String) -> FieldError {
    FieldError::new(format!("{}:{line}", lang.code()), code, message)
        .with_arg("line", line)
        .with_arg("lang", lang.code())
}

/// Reads one language's plain text of a resolution. Problems name the line.
pub fn read_text(lang: Lang, text: &str) -> Result<ResolutionText, Invalid> {
    let lines: Vec<&str> = text.lines().collect();
    let mut errors = Vec::new();
    // The symbol and the start of the title: "75/210. International cooperation …".
    let Some((start, symbol, title_start)) = lines.iter().enumerate().find_map(|(i, l)| {
        let t = l.trim();
        let (num, rest) = t.split_once(". ")?;
        let (session, number) = num.split_once('/')?;
        (session.chars().all(|c| c.is_ascii_digit())
            && !session.is_empty()
            && number.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| (i, format!("A/RES/{num}"), rest.trim().to_owned()))
    }) else {
        return Err(Invalid {
            errors: vec![problem(
                lang,
                1,
                "no_symbol",
                "no line opens with the resolution's number (such as \"75/210. Title\")".into(),
            )],
        });
    };
    let opening = ASSEMBLY.iter().find(|(l, _)| *l == lang).map(|(_, s)| *s);
    // The preamble opens after the title, on the line naming the Assembly.
    let Some(assembly) = lines[start..]
        .iter()
        .position(|l| {
            let t = l.trim().trim_end_matches([',', '，', ' ']);
            match opening {
                Some(o) => t == o,
                None => ASSEMBLY.iter().any(|(_, o)| t == *o),
            }
        })
        .map(|i| start + i)
    else {
        return Err(Invalid {
            errors: vec![problem(
                lang,
                start + 1,
                "no_preamble",
                format!(
                    "no line \"{}\" opens the preamble",
                    opening.unwrap_or("The General Assembly")
                ),
            )],
        });
    };
    let mut title = vec![title_start];
    title.extend(
        lines[start + 1..assembly]
            .iter()
            .map(|l| l.trim().to_owned()),
    );
    let title = join(lang, &title);

    let mut preamble: Vec<Vec<String>> = Vec::new();
    let mut operative: Vec<Vec<String>> = Vec::new();
    let mut adopted_on = None;
    let mut in_footnotes = false;
    let mut last_number = 0;
    let mut i = assembly + 1;
    while i < lines.len() {
        let raw = lines[i];
        let line = raw.trim();
        i += 1;
        if line.is_empty() {
            continue;
        }
        if line.chars().all(|c| c == '_') {
            in_footnotes = true;
            continue;
        }
        if in_footnotes {
            // Footnotes are "1  Resolution 70/1." lines: a number without a dot.
            let mut parts = line.splitn(2, char::is_whitespace);
            let first = parts.next().unwrap_or("");
            if first.chars().all(|c| c.is_ascii_digit()) && parts.next().is_some() {
                continue;
            }
            in_footnotes = false;
        }
        if let Some(d) = adoption_date(lang, line) {
            adopted_on = Some(d);
            continue;
        }
        if is_plenary(line) {
            continue;
        }
        if let Some((n, rest)) = numbered(line) {
            let expected = last_number + 1;
            if n != expected {
                errors.push(problem(
                    lang,
                    i,
                    if n <= last_number {
                        "paragraph_repeated"
                    } else {
                        "paragraph_skipped"
                    },
                    format!("operative paragraph {n} where {expected} should come"),
                ));
            }
            last_number = n;
            operative.push(vec![rest.to_owned()]);
            continue;
        }
        let in_preamble = operative.is_empty();
        let current = if in_preamble {
            &mut preamble
        } else {
            &mut operative
        };
        // A paragraph starts on an indented line once the one before has ended.
        let ended = current
            .last()
            .and_then(|p| p.last())
            .map(|l| l.trim_end().ends_with([',', '，', ';', '；', '.', '。']))
            .unwrap_or(true);
        let indented = raw.starts_with(char::is_whitespace);
        if in_preamble && (current.is_empty() || (ended && indented)) {
            current.push(vec![line.to_owned()]);
        } else if let Some(p) = current.last_mut() {
            p.push(line.to_owned());
        }
    }
    if operative.is_empty() {
        errors.push(problem(
            lang,
            lines.len(),
            "no_operative_paragraphs",
            "no numbered operative paragraph (\"1. Requests …\") was found".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(Invalid { errors });
    }
    Ok(ResolutionText {
        lang,
        symbol,
        title,
        adopted_on,
        preamble: preamble.iter().map(|p| join(lang, p)).collect(),
        operative: operative.iter().map(|p| join(lang, p)).collect(),
    })
}

/// Lines of a paragraph as one text: Chinese lines join without a space.
fn join(lang: Lang, lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        let l = l.trim();
        if l.is_empty() {
            continue;
        }
        if !out.is_empty() && lang != Lang::Zh {
            out.push(' ');
        }
        out.push_str(l);
    }
    let mut text = String::with_capacity(out.len());
    let mut space = false;
    for c in out.chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !text.is_empty() {
            text.push(' ');
        }
        space = false;
        text.push(c);
    }
    text
}

/// "7. Requests …" → (7, "Requests …").
fn numbered(line: &str) -> Option<(usize, &str)> {
    let (n, rest) = line.split_once('.')?;
    if n.is_empty() || n.len() > 3 || !n.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix(char::is_whitespace)?.trim_start();
    Some((n.parse().ok()?, rest))
}

fn is_plenary(line: &str) -> bool {
    let l = line.to_lowercase();
    l.ends_with("plenary meeting") || l.contains("пленарное заседание") || l.contains("全体会议")
}

/// The adoption date on a line of its own: "21 December 2020", "21 декабря 2020 года",
/// "2020 年 12 月 21 日".
fn adoption_date(lang: Lang, line: &str) -> Option<Date> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (y, m, d) = match lang {
        Lang::Zh => {
            let digits: String = line
                .chars()
                .map(|c| if c.is_ascii_digit() { c } else { ' ' })
                .collect();
            let nums: Vec<&str> = digits.split_whitespace().collect();
            if nums.len() != 3 || !line.trim_end().ends_with('日') {
                return None;
            }
            (
                nums[0].parse().ok()?,
                nums[1].parse().ok()?,
                nums[2].parse().ok()?,
            )
        }
        _ => {
            // "21 December 2020"; "21 декабря 2020 года".
            let year_word = matches!(words.get(3), Some(&"года") | Some(&"г."));
            if !(words.len() == 3 || (words.len() == 4 && year_word)) {
                return None;
            }
            let month = month_named(words[1])?;
            (words[2].parse().ok()?, month, words[0].parse().ok()?)
        }
    };
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

fn month_named(w: &str) -> Option<u8> {
    const EN: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    const RU: [&str; 12] = [
        "января",
        "февраля",
        "марта",
        "апреля",
        "мая",
        "июня",
        "июля",
        "августа",
        "сентября",
        "октября",
        "ноября",
        "декабря",
    ];
    const KK: [&str; 12] = [
        "қаңтар",
        "ақпан",
        "наурыз",
        "сәуір",
        "мамыр",
        "маусым",
        "шілде",
        "тамыз",
        "қыркүйек",
        "қазан",
        "қараша",
        "желтоқсан",
    ];
    let w = w.to_lowercase();
    [EN, RU, KK]
        .iter()
        .find_map(|names| names.iter().position(|n| *n == w))
        .map(|i| i as u8 + 1)
}

/// The verb an operative paragraph opens with — or, in Kazakh, where the verb comes last, the
/// verb that ends latest in the paragraph (the main clause's; a longer phrase wins over one it
/// ends with, "табанды түрде шақырады" over "шақырады").
pub fn action_of(lang: Lang, text: &str) -> Action {
    let lower = text.to_lowercase();
    let verbs = VERBS.iter().filter(|(l, _, _)| *l == lang);
    if lang == Lang::Kk {
        return verbs
            .filter_map(|(_, verb, a)| {
                lower
                    .rfind(verb)
                    .map(|at| (at + verb.len(), verb.len(), *a))
            })
            .max_by_key(|(end, len, _)| (*end, *len))
            .map_or(Action::Other, |(_, _, a)| a);
    }
    verbs
        .clone()
        .find(|(_, verb, _)| lower.starts_with(verb))
        .map_or(Action::Other, |(_, _, a)| *a)
}

/// The addressees named before what they are asked to do ("… to share", "… 分享").
pub fn addressees_of(lang: Lang, text: &str) -> Vec<Addressee> {
    let lower = text.to_lowercase();
    let head = match lang {
        Lang::En => lower.find(" to ").map_or(lower.as_str(), |i| &lower[..i]),
        Lang::Ru => lower
            .find(" в целях")
            .map_or(lower.as_str(), |i| &lower[..i]),
        _ => lower.as_str(),
    };
    let mut found: Vec<Addressee> = ADDRESSEES
        .iter()
        .filter(|(l, word, _)| *l == lang && head.contains(word))
        .map(|(_, _, a)| *a)
        .collect();
    found.sort();
    found.dedup();
    found
}

/// The symbols of resolutions a paragraph names ("52/169 M", "72/213" → `A/RES/52/169 M` …).
pub fn recalled(paragraph: &str) -> Vec<String> {
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let w = w.trim_end_matches([',', '，', '.', ';']);
        let Some((a, b)) = w.split_once('/') else {
            continue;
        };
        if a.len() != 2
            || !a.chars().all(|c| c.is_ascii_digit())
            || b.is_empty()
            || !b.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        // A part letter follows some symbols: "52/169 M".
        let part = words
            .get(i + 1)
            .map(|n| n.trim_end_matches([',', '，']))
            .filter(|n| n.len() == 1 && n.chars().all(|c| c.is_ascii_uppercase()));
        let symbol = match part {
            Some(p) => format!("A/RES/{w} {p}"),
            None => format!("A/RES/{w}"),
        };
        if !found.contains(&symbol) {
            found.push(symbol);
        }
    }
    found
}

/// The session a paragraph asks a report for: "report to the General Assembly at its
/// seventy-eighth session", "向大会第七十八届会议报告".
pub fn report_session(lang: Lang, text: &str) -> Option<u16> {
    let lower = text.to_lowercase();
    match lang {
        Lang::En => {
            if !lower.contains("report") {
                return None;
            }
            let at = lower.find(" session")?;
            let before = lower[..at].rsplit(' ').next()?;
            english_ordinal(before)
        }
        Lang::Zh => {
            if !text.contains("报告") {
                return None;
            }
            let end = text.find("届会议")?;
            let start = text[..end].rfind('第')? + '第'.len_utf8();
            chinese_number(&text[start..end])
        }
        _ => None,
    }
}

fn english_ordinal(w: &str) -> Option<u16> {
    const UNITS: [(&str, u16); 9] = [
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
    ];
    const TENS: [(&str, &str, u16); 8] = [
        ("twenty", "twentieth", 20),
        ("thirty", "thirtieth", 30),
        ("forty", "fortieth", 40),
        ("fifty", "fiftieth", 50),
        ("sixty", "sixtieth", 60),
        ("seventy", "seventieth", 70),
        ("eighty", "eightieth", 80),
        ("ninety", "ninetieth", 90),
    ];
    if let Some((_, _, n)) = TENS.iter().find(|(_, ord, _)| *ord == w) {
        return Some(*n);
    }
    let (tens, unit) = w.split_once('-')?;
    let t = TENS.iter().find(|(card, _, _)| *card == tens)?.2;
    let u = UNITS.iter().find(|(ord, _)| *ord == unit)?.1;
    Some(t + u)
}

/// 七十八 → 78 (up to 九十九).
fn chinese_number(s: &str) -> Option<u16> {
    let digit = |c: char| {
        "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u16 + 1)
    };
    let chars: Vec<char> = s.trim().chars().collect();
    match chars.as_slice() {
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        ['十', u] => Some(10 + digit(*u)?),
        [u] => digit(*u),
        _ => None,
    }
}

/// When the General Assembly's `session` opens: in September of 1945 + its number (the first
/// opened in 1946; its regular sessions open in September). A report for it is due before.
pub fn session_opens(session: u16) -> Option<Date> {
    Date::from_calendar_date(1945 + i32::from(session), Month::September, 1).ok()
}

/// Puts the languages of one resolution together, paragraph by paragraph. The texts must be
/// of the same resolution, in different languages, with as many paragraphs of each kind; a
/// mismatch names the paragraph where they part.
pub fn align(texts: Vec<ResolutionText>) -> Result<Resolution, Invalid> {
    let mut errors = Vec::new();
    let Some(first) = texts.first() else {
        return Err(Invalid::one(
            "files",
            "no_text",
            "no text of the resolution was given",
        ));
    };
    for t in &texts[1..] {
        if t.symbol != first.symbol {
            errors.push(FieldError::new(
                t.lang.code(),
                "different_resolutions",
                format!(
                    "the {} text is of {}, the {} text of {}",
                    first.lang.code(),
                    first.symbol,
                    t.lang.code(),
                    t.symbol
                ),
            ));
        }
        if texts.iter().filter(|o| o.lang == t.lang).count() > 1 {
            errors.push(FieldError::new(
                t.lang.code(),
                "language_repeated",
                format!("two texts in {}", t.lang.code()),
            ));
        }
        for (kind, a, b) in [
            ("preambular", first.preamble.len(), t.preamble.len()),
            ("operative", first.operative.len(), t.operative.len()),
        ] {
            if a != b {
                errors.push(
                    FieldError::new(
                        t.lang.code(),
                        "paragraphs_differ",
                        format!(
                            "{kind} paragraph {}: the {} text has {a} {kind} paragraphs, the {} text {b}",
                            a.min(b) + 1,
                            first.lang.code(),
                            t.lang.code()
                        ),
                    )
                    .with_arg("paragraph", a.min(b) + 1),
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(Invalid { errors });
    }
    let session = first
        .symbol
        .trim_start_matches("A/RES/")
        .split('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut title = LocalText::new();
    let mut preamble = vec![LocalText::new(); first.preamble.len()];
    let mut mandates: Vec<Mandate> = (0..first.operative.len())
        .map(|i| Mandate {
            id: MandateId::of(&first.symbol, i as u16 + 1),
            resolution_id: ResolutionId::of(&first.symbol),
            corrected: false,
            number: i as u16 + 1,
            text: LocalText::new(),
            action: Action::Other,
            addressees: Vec::new(),
            report_session: None,
            deadline: None,
        })
        .collect();
    // Verbs, addressees and sessions are read from the first language that tells them, in the
    // order English, Russian, Chinese.
    let mut order: Vec<&ResolutionText> = texts.iter().collect();
    order.sort_by_key(|t| match t.lang {
        Lang::En => 0,
        Lang::Ru => 1,
        Lang::Zh => 2,
        Lang::Kk => 3,
    });
    let adopted_on = order.iter().find_map(|t| t.adopted_on);
    for t in &order {
        title.set(t.lang, t.title.clone());
        for (p, text) in preamble.iter_mut().zip(&t.preamble) {
            p.set(t.lang, text.clone());
        }
        for (m, text) in mandates.iter_mut().zip(&t.operative) {
            m.text.set(t.lang, text.clone());
            if m.action == Action::Other {
                m.action = action_of(t.lang, text);
            }
            if m.addressees.is_empty() {
                m.addressees = addressees_of(t.lang, text);
            }
            if m.report_session.is_none() {
                m.report_session = report_session(t.lang, text);
                m.deadline = m.report_session.and_then(session_opens);
            }
        }
    }
    let recalls = order
        .first()
        .and_then(|t| t.preamble.first())
        .map(|p| recalled(p))
        .unwrap_or_default();
    Ok(Resolution {
        id: ResolutionId::of(&first.symbol),
        symbol: first.symbol.clone(),
        session,
        recalls,
        previous_id: None,
        title,
        adopted_on,
        preamble,
        mandates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/seeds")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    /// Kazakh closes the main clause with its verb: the paragraph's last verb is what it asks,
    /// and the addressees are found by their stems whatever case ending they take. (The
    /// sentences are written for this test, in the shape of the resolution's paragraphs.)
    #[test]
    fn kazakh_paragraphs_are_read_by_their_closing_verb() {
        let cases = [
            (
                "Бас хатшыдан Бас Ассамблеяның сексенінші сессиясына осы қарардың орындалуы туралы баяндама ұсынуды сұрайды;",
                Action::Requests,
                vec![Addressee::SecretaryGeneral],
            ),
            (
                "Халықаралық қоғамдастықты Семей өңірін оңалтуға көмек көрсетуге табанды түрде шақырады;",
                Action::Urges,
                vec![Addressee::InternationalCommunity],
            ),
            (
                "Мүше мемлекеттерді, көпжақты қаржы ұйымдарын және азаматтық қоғамды тәжірибе алмасуға шақырады;",
                Action::CallsUpon,
                vec![
                    Addressee::MemberStates,
                    Addressee::FinancialInstitutions,
                    Addressee::CivilSociety,
                ],
            ),
            (
                "Қазақстан Үкіметінің өңірдің әлеуметтік-экономикалық дамуы үшін атқарған жұмысын құптайды;",
                Action::Welcomes,
                vec![Addressee::GovernmentOfKazakhstan],
            ),
            (
                "Бас хатшының баяндамасын назарға алады;",
                Action::TakesNote,
                vec![Addressee::SecretaryGeneral],
            ),
            ("Өңірдің болашағы туралы ойланады;", Action::Other, vec![]),
        ];
        for (text, action, addressees) in cases {
            assert_eq!(action_of(Lang::Kk, text), action, "{text}");
            assert_eq!(addressees_of(Lang::Kk, text), addressees, "{text}");
        }
    }

    #[test]
    fn the_seed_texts_of_75_210_are_read_and_aligned() {
        let en = read_text(Lang::En, &seed("A-RES-75-210.en.txt")).expect("English");
        let zh = read_text(Lang::Zh, &seed("A-RES-75-210.zh.txt")).expect("Chinese");
        assert_eq!(en.symbol, "A/RES/75/210");
        assert_eq!(zh.symbol, "A/RES/75/210");
        assert!(en.title.starts_with("International cooperation and coordination for the human and ecological rehabilitation"), "{}", en.title);
        assert!(
            en.title.ends_with("Semipalatinsk region of Kazakhstan"),
            "{}",
            en.title
        );
        assert_eq!(en.operative.len(), 7);
        assert_eq!(
            en.preamble.len(),
            zh.preamble.len(),
            "{:#?}\n{:#?}",
            en.preamble,
            zh.preamble
        );
        assert!(en.preamble[0].starts_with("Recalling its resolutions 52/169 M"));
        assert!(en
            .preamble
            .last()
            .is_some_and(|p| p.starts_with("Expressing appreciation")));
        // Footnotes and the page break inside paragraph 3 are not part of the text.
        assert!(
            !zh.operative[2].contains("第 70/1 号决议"),
            "{}",
            zh.operative[2]
        );
        assert!(
            zh.operative[2].contains("塞米巴拉金斯克地区的经济增长"),
            "{}",
            zh.operative[2]
        );
        assert!(
            en.operative[6].ends_with("implementation of the present resolution."),
            "{}",
            en.operative[6]
        );
        assert_eq!(zh.adopted_on, Some(time::macros::date!(2020 - 12 - 21)));
        let r = align(vec![en, zh]).expect("aligned");
        assert_eq!(r.session, 75);
        assert_eq!(r.adopted_on, Some(time::macros::date!(2020 - 12 - 21)));
        let actions: Vec<Action> = r.mandates.iter().map(|m| m.action).collect();
        assert_eq!(
            actions,
            [
                Action::TakesNote,
                Action::Welcomes,
                Action::Urges,
                Action::CallsUpon,
                Action::Requests,
                Action::CallsUpon,
                Action::Requests
            ]
        );
        assert_eq!(
            r.mandates[2].addressees,
            [Addressee::InternationalCommunity]
        );
        assert!(r.mandates[3].addressees.contains(&Addressee::MemberStates));
        assert!(r.mandates[3].addressees.contains(&Addressee::Academia));
        assert_eq!(r.mandates[4].addressees, [Addressee::SecretaryGeneral]);
        assert_eq!(r.mandates[6].report_session, Some(78));
        assert_eq!(
            r.mandates[6].deadline,
            Some(time::macros::date!(2023 - 09 - 01))
        );
        assert!(r.mandates[..6].iter().all(|m| m.deadline.is_none()));
        assert!(r
            .mandates
            .iter()
            .all(|m| m.text.get(Lang::En).is_some() && m.text.get(Lang::Zh).is_some()));
        assert_eq!(
            r.recalls.first().map(String::as_str),
            Some("A/RES/52/169 M")
        );
        assert_eq!(r.recalls.last().map(String::as_str), Some("A/RES/72/213"));
        assert_eq!(r.recalls.len(), 9);
        assert_eq!(r.id, ResolutionId::of("A/RES/75/210"));
        assert_eq!(r.mandates[6].id, MandateId::of("A/RES/75/210", 7));
    }

    #[test]
    fn chinese_verbs_and_sessions_are_read_without_english() {
        let zh = read_text(Lang::Zh, &seed("A-RES-75-210.zh.txt")).expect("Chinese");
        let r = align(vec![zh]).expect("aligned");
        assert_eq!(r.mandates[6].action, Action::Requests);
        assert_eq!(r.mandates[6].report_session, Some(78));
        assert_eq!(r.mandates[3].action, Action::CallsUpon);
        assert!(r.mandates[3].addressees.contains(&Addressee::MemberStates));
    }

    #[test]
    fn numbering_that_jumps_or_repeats_is_named_with_its_line() {
        let text = "75/210. A title\n\n The General Assembly,\n\n Recalling things,\n\n 1. Requests one;\n\n 3. Requests three;\n\n 3. Requests again.\n";
        let e = read_text(Lang::En, text).expect_err("refused");
        let codes: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|e| (e.code.as_str(), e.field.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("paragraph_skipped", "en:9"),
                ("paragraph_repeated", "en:11")
            ]
        );
    }

    #[test]
    fn languages_that_part_are_named_at_the_paragraph() {
        let en = read_text(
            Lang::En,
            "75/210. T\n The General Assembly,\n Recalling,\n 1. Requests a;\n 2. Requests b.\n",
        )
        .unwrap();
        let ru = read_text(
            Lang::Ru,
            "75/210. T\n Генеральная Ассамблея,\n ссылаясь,\n 1. Просит а.\n",
        )
        .unwrap();
        let e = align(vec![en, ru]).expect_err("parted");
        assert_eq!(e.errors[0].code, "paragraphs_differ");
        assert!(
            e.errors[0].message.starts_with("operative paragraph 2:"),
            "{}",
            e.errors[0].message
        );
        let other = read_text(
            Lang::En,
            "75/211. T\n The General Assembly,\n R,\n 1. Requests a.\n",
        )
        .unwrap();
        let zh = read_text(Lang::Zh, "75/210. T\n 大会，\n 回顾，\n 1. 请秘书长。\n").unwrap();
        let e = align(vec![other, zh]).expect_err("different");
        assert_eq!(e.errors[0].code, "different_resolutions");
    }

    #[test]
    fn a_correction_names_its_bad_fields() {
        let zh = read_text(Lang::Zh, &seed("A-RES-75-210.zh.txt")).expect("Chinese");
        let held = align(vec![zh]).expect("aligned").mandates.remove(0);
        let fixed = MandateInput {
            action: "requests".into(),
            addressees: vec!["donors".into(), "member_states".into(), "donors".into()],
            deadline: Some("2026-09-01".into()),
        }
        .check()
        .expect("valid")
        .apply(&held);
        assert_eq!(fixed.action, Action::Requests);
        assert_eq!(
            fixed.addressees,
            [Addressee::MemberStates, Addressee::Donors]
        );
        assert!(fixed.corrected);
        assert_eq!(fixed.text, held.text);
        let e = MandateInput {
            action: "asks".into(),
            addressees: vec!["everyone".into()],
            deadline: Some("2026-13-01".into()),
        }
        .check()
        .expect_err("refused");
        let fields: Vec<&str> = e.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["action", "addressees[0]", "deadline"]);
    }

    #[test]
    fn ordinals_and_chinese_numbers() {
        assert_eq!(english_ordinal("seventy-eighth"), Some(78));
        assert_eq!(english_ordinal("eightieth"), Some(80));
        assert_eq!(chinese_number("七十八"), Some(78));
        assert_eq!(chinese_number("八十"), Some(80));
        assert_eq!(session_opens(78), Some(time::macros::date!(2023 - 09 - 01)));
        assert_eq!(
            adoption_date(Lang::En, "21 December 2020"),
            Some(time::macros::date!(2020 - 12 - 21))
        );
        assert_eq!(
            adoption_date(Lang::Ru, "21 декабря 2020 года"),
            Some(time::macros::date!(2020 - 12 - 21))
        );
        assert_eq!(adoption_date(Lang::En, "Recalling 21 things now"), None);
    }
}

/// How an operative paragraph of a resolution compares with the one it follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum Change {
    /// The same text (up to the resolutions' numbers it names).
    Same {
        previous: u16,
    },
    /// Mostly the same words: an edited paragraph.
    Changed {
        previous: u16,
    },
    New,
}

/// The comparison of a resolution with the one before it in its series: for each operative
/// paragraph its [`Change`], and the previous paragraphs no longer there.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Changes {
    pub paragraphs: Vec<(u16, Change)>,
    pub dropped: Vec<u16>,
}

/// Words of a paragraph for comparison: lower case, numbers and symbols out (a later
/// resolution names later resolutions and sessions); Chinese as character pairs.
fn words(lang: Lang, text: &str) -> std::collections::BTreeSet<String> {
    let lower = text.to_lowercase();
    if lang == Lang::Zh {
        let chars: Vec<char> = lower.chars().filter(|c| c.is_alphabetic()).collect();
        return chars.windows(2).map(|w| w.iter().collect()).collect();
    }
    lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() > 2)
        .map(str::to_owned)
        .collect()
}

/// Share of words two texts have in common (Jaccard), 0–1.
fn likeness(lang: Lang, a: &str, b: &str) -> f64 {
    let (a, b) = (words(lang, a), words(lang, b));
    let union = a.union(&b).count();
    if union == 0 {
        return 1.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

/// Compares `current` with `previous` in a language both hold (English first): each paragraph
/// matched with the most alike previous one not matched yet; 0.95 and above is the same text,
/// 0.4 and above an edited one, below a new paragraph.
pub fn compare(previous: &Resolution, current: &Resolution) -> Changes {
    let lang = [Lang::En, Lang::Ru, Lang::Zh, Lang::Kk]
        .into_iter()
        .find(|l| {
            current.mandates.iter().all(|m| m.text.get(*l).is_some())
                && previous.mandates.iter().all(|m| m.text.get(*l).is_some())
        })
        .unwrap_or(Lang::En);
    let text = |m: &Mandate| m.text.get(lang).unwrap_or("").to_owned();
    let mut taken = vec![false; previous.mandates.len()];
    let mut paragraphs = Vec::new();
    for m in &current.mandates {
        let best = previous
            .mandates
            .iter()
            .enumerate()
            .filter(|(i, _)| !taken[*i])
            .map(|(i, p)| (i, likeness(lang, &text(m), &text(p))))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let change = match best {
            Some((i, score)) if score >= 0.4 => {
                taken[i] = true;
                let previous = previous.mandates[i].number;
                if score >= 0.95 {
                    Change::Same { previous }
                } else {
                    Change::Changed { previous }
                }
            }
            _ => Change::New,
        };
        paragraphs.push((m.number, change));
    }
    let dropped = previous
        .mandates
        .iter()
        .zip(&taken)
        .filter(|(_, t)| !**t)
        .map(|(m, _)| m.number)
        .collect();
    Changes {
        paragraphs,
        dropped,
    }
}

#[cfg(test)]
mod series_tests {
    use super::*;

    fn seed(name: &str) -> String {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/seeds")
            .join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn a_later_resolution_shows_new_changed_and_dropped_paragraphs() {
        let en = seed("A-RES-75-210.en.txt");
        let previous = align(vec![read_text(Lang::En, &en).unwrap()]).unwrap();
        // A later text: paragraph 2 edited, paragraph 6 dropped, a new last paragraph.
        let later = en
            .replace("75/210. International", "78/150. International")
            .replace("Welcomes and recognizes the important role", "Welcomes and strongly recognizes the essential role")
            .replace(" 6. Calls upon the Secretary-General to continue his efforts to enhance world \n\npublic awareness of the problems and needs of the Semipalatinsk region;  \n\n", "")
            .replace(" 7. Requests the Secretary-General to report", " 6. Requests the Secretary-General to report")
            .replace("progress made in the implementation of the present resolution.", "progress made in the implementation of the present resolution;\n\n 7. Decides to include in the provisional agenda of its eighty-first session the item entitled \"Sustainable development\".");
        let current = align(vec![read_text(Lang::En, &later).unwrap()]).unwrap();
        assert_eq!(current.symbol, "A/RES/78/150");
        let c = compare(&previous, &current);
        assert_eq!(c.paragraphs[0], (1, Change::Same { previous: 1 }));
        assert_eq!(c.paragraphs[1], (2, Change::Changed { previous: 2 }));
        assert_eq!(c.paragraphs[5], (6, Change::Same { previous: 7 }));
        assert_eq!(c.paragraphs[6], (7, Change::New));
        assert_eq!(c.dropped, [6]);
    }
}
