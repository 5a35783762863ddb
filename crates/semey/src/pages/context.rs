//! What every page shares: the reader's language (from `?lang=`, the cookie or the browser),
//! the layout's context (`Chrome`), rendering, and the answer to an unknown address.

use crate::presentation::i18n::{self, t};
use crate::AppError;
use askama::Template;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use semey_domain::programme::OrgRole;
use semey_domain::Lang;

use super::assets;

/// What every page needs: the language and the address, for the layout and the language switcher.
pub struct Chrome {
    lang: Lang,
    path: String,
    query: Vec<(String, String)>,
    /// The page draws a map (and so needs Leaflet).
    pub map: bool,
}

impl Chrome {
    pub(crate) fn new(lang: Lang, uri: &Uri, query: Vec<(String, String)>) -> Self {
        Self {
            lang,
            path: uri.path().to_owned(),
            query,
            map: false,
        }
    }

    pub(crate) fn with_map(mut self) -> Self {
        self.map = true;
        self
    }

    /// The address of an embedded front-end file.
    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }

    /// Whether this page is the one a navigation link points to.
    pub fn is_current(&self, href: &str) -> bool {
        if href == "/" {
            self.path == "/"
        } else {
            self.path == href || self.path.starts_with(&format!("{href}/"))
        }
    }

    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    /// A message with one argument given as text.
    pub fn t_with(&self, key: &str, name: &str, value: &str) -> String {
        crate::presentation::i18n::t_args(self.lang, key, &[(name, value.to_owned().into())])
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.code()
    }

    /// The languages of the switcher, each named in itself.
    pub fn languages(&self) -> [(&'static str, &'static str); 4] {
        [
            ("kk", "Қазақша"),
            ("ru", "Русский"),
            ("en", "English"),
            ("zh", "中文"),
        ]
    }

    /// This page's address in another language (other parameters kept).
    pub fn path_with_lang(&self, code: &str) -> String {
        let mut pairs: Vec<String> = self
            .query
            .iter()
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
            .collect();
        pairs.push(format!("lang={code}"));
        format!("{}?{}", self.path, pairs.join("&"))
    }
}

/// Text made safe to place in HTML.
/// Where a published record of each kind is shown.
pub(crate) fn record_href(kind: semey_domain::record::RecordKind, id: &str) -> String {
    use semey_domain::record::RecordKind;
    match kind {
        RecordKind::Organisation => format!("/stakeholders/{id}"),
        RecordKind::Place => format!("/places/{id}"),
        RecordKind::Programme => format!("/programmes/{id}"),
        RecordKind::Transaction => format!("/workspace/transactions/{id}"),
        RecordKind::Requirement => format!("/workspace/requirements/{id}"),
        RecordKind::Contribution => format!("/workspace/contributions/{id}"),
        RecordKind::Service => format!("/services/{id}"),
        RecordKind::Document => format!("/documents/{id}"),
        RecordKind::Result => format!("/api/v1/results/{id}"),
        RecordKind::IndicatorPeriod => format!(
            "/api/v1/indicators/{}/periods",
            id.split('@').next().unwrap_or(id)
        ),
        RecordKind::ExchangeRate => "/api/v1/exchange-rates".to_owned(),
        RecordKind::TubeFactor => "/radiation/datasets".to_owned(),
        RecordKind::Mandate => format!("/mandates/{id}"),
        RecordKind::Body => format!("/coordination/bodies/{id}"),
        RecordKind::Meeting => format!("/meetings/{id}"),
        RecordKind::Decision => format!("/api/v1/decisions/{id}"),
        RecordKind::ActionItem => format!("/workspace/action-items/{id}"),
        RecordKind::Report => format!("/reports/{id}"),
        RecordKind::Account => "/workspace/users".to_owned(),
    }
}

pub(crate) use crate::presentation::escape::{html as html_escape, url as urlencode};

/// What a page knows of its reader, extracted from every request: the language (see
/// [`language`]), the query's pairs, whether `?lang=` chose the language (to remember it), and
/// the address.
pub(crate) struct Reader {
    pub lang: Lang,
    pub query: Vec<(String, String)>,
    pub chosen: bool,
    pub uri: Uri,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Reader {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let (lang, query, chosen) = language(&parts.uri, &parts.headers);
        Ok(Self {
            lang,
            query,
            chosen,
            uri: parts.uri.clone(),
        })
    }
}

/// The reader's language: `?lang=` (remembered in a cookie), else the cookie, else the
/// browser's `Accept-Language`. An unknown code is ignored, never an error.
pub(crate) fn language(uri: &Uri, headers: &HeaderMap) -> (Lang, Vec<(String, String)>, bool) {
    let query: Vec<(String, String)> = uri.query().map(query_pairs).unwrap_or_default();
    if let Some(lang) = query
        .iter()
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| v.parse::<Lang>().ok())
    {
        return (lang, query, true);
    }
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix("lang=")
                .and_then(|l| l.parse::<Lang>().ok())
        });
    let lang = cookie.unwrap_or_else(|| {
        i18n::negotiate(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or(""),
        )
    });
    (lang, query, false)
}

pub(crate) fn query_pairs(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

pub(crate) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(
                    std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                    16,
                ) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A record looked up for a page: `None` when there is no such record (the page is a 404),
/// an error for anything else.
pub(crate) fn found<T>(r: Result<T, semey_store::StoreError>) -> Result<Option<T>, AppError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(semey_store::StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Renders a page, remembering a language chosen with `?lang=` in a cookie.
pub(crate) fn page(
    template: &impl Template,
    status: StatusCode,
    remember: Option<Lang>,
) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = (status, Html(html)).into_response();
            if let Some(lang) = remember {
                if let Ok(v) = HeaderValue::from_str(&format!(
                    "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
                    lang.code()
                )) {
                    response.headers_mut().insert(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "not_found.html")]
pub(crate) struct NotFoundPage {
    pub(crate) c: Chrome,
}

/// The answer to an unknown address: an HTML page in the reader's language, or the API's JSON
/// error under `/api/`.
pub(crate) async fn not_found(reader: Reader) -> Response {
    reader.not_found()
}

impl Reader {
    /// The page's chrome (header, language switcher, footer).
    pub(crate) fn chrome(&self) -> Chrome {
        Chrome::new(self.lang, &self.uri, self.query.clone())
    }

    /// The answer for an address that names nothing: a page in the reader's language, or the
    /// API's JSON error under `/api/`.
    pub(crate) fn not_found(&self) -> Response {
        if self.uri.path().starts_with("/api/") {
            return AppError::NotFound {
                entity: "route",
                id: self.uri.path().to_owned(),
            }
            .into_response();
        }
        page(
            &NotFoundPage { c: self.chrome() },
            StatusCode::NOT_FOUND,
            None,
        )
    }
}

pub(crate) fn area_name(lang: Lang, code: Option<&str>) -> String {
    code.map(|c| t(lang, &format!("area-{c}")))
        .unwrap_or_else(|| "—".into())
}

pub(crate) fn role_key(role: OrgRole) -> &'static str {
    match role {
        OrgRole::Funding => "role-funding",
        OrgRole::Accountable => "role-accountable",
        OrgRole::Extending => "role-extending",
        OrgRole::Implementing => "role-implementing",
    }
}

/// A text in the reader's language, else in another held one (with that language's code, for
/// the page to mark it `lang`).
pub(crate) fn text_in(lang: Lang, text: &semey_domain::LocalText) -> (String, Option<String>) {
    match text.get(lang) {
        Some(v) => (v.to_owned(), None),
        None => Lang::ALL
            .into_iter()
            .find_map(|l| {
                text.get(l)
                    .map(|v| (v.to_owned(), Some(l.code().to_owned())))
            })
            .unwrap_or_default(),
    }
}
