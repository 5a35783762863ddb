//! Request extractors whose failures answer in the API's error format.

use crate::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body. Not sent as `application/json`: 400 `json_required`; not JSON at all: 400
/// `invalid_json`; JSON of the wrong shape: 422 naming the field; too large: 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Only a body that says it is JSON is read as JSON: a form of another site can send
        // `text/plain` without asking the browser first.
        let json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .is_some_and(|t| {
                t == "application/json" || (t.starts_with("application/") && t.ends_with("+json"))
            });
        if !json {
            return Err(AppError::BadRequest {
                code: "json_required",
                message: "send the body as JSON, with the header Content-Type: application/json"
                    .into(),
                field: None,
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest {
                    code: "unreadable_body",
                    message: e.body_text(),
                    field: None,
                }
            }
        })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize(de) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                if inner.is_syntax() || inner.is_eof() {
                    Err(AppError::BadRequest {
                        code: "invalid_json",
                        message: format!("the request body is not valid JSON: {inner}"),
                        field: None,
                    })
                } else {
                    let field = if path == "." { "body".to_owned() } else { path };
                    Err(AppError::Invalid(semey_domain::Invalid::one(
                        field,
                        "invalid_value",
                        inner.to_string(),
                    )))
                }
            }
        }
    }
}

/// Query parameters; a malformed query string answers 400 naming the problem.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(v)| ApiQuery(v))
            .map_err(|e| AppError::BadRequest {
                code: "invalid_parameter",
                message: e.body_text(),
                field: None,
            })
    }
}

/// Parses an optional query parameter, naming it when its value is wrong.
pub fn param<T>(
    name: &str,
    value: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .map_err(|m| AppError::bad_parameter(name, format!("{name}: {m}"))),
    }
}

/// Parses an id or number with `FromStr`.
pub fn from_str<T: std::str::FromStr>(what: &'static str) -> impl Fn(&str) -> Result<T, String> {
    move |s| s.parse::<T>().map_err(|_| format!("{s:?} is not {what}"))
}

/// A `multipart/form-data` body; anything else answers 400 `multipart_required` in the API's
/// error format.
pub struct ApiMultipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for ApiMultipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Multipart::from_request(req, state)
            .await
            .map(ApiMultipart)
            .map_err(|e| AppError::BadRequest {
                code: "multipart_required",
                message: format!(
                    "send the file as multipart/form-data with a boundary ({})",
                    e.body_text()
                ),
                field: None,
            })
    }
}
