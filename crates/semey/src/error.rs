//! The application's one error type and how it reaches a client: JSON with a stable code, a
//! message, and the offending field.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use semey_domain::{FieldError, Invalid};
use semey_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Input breaks a rule: 422, nothing stored.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The request itself is malformed (not JSON, a bad query parameter): 400.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// The request body is larger than the configured limit: 413.
    #[error("the request body is larger than this server accepts")]
    PayloadTooLarge,
    /// Nobody is signed in, or the session or token is not valid (any more): 401.
    #[error("sign in, or send a valid API token, to do this")]
    Unauthorized,
    /// Signed in, but this is not theirs to do: 403, nothing changed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// The record is not in a state where this can be done: 409, nothing changed.
    #[error("{0}")]
    Conflict(&'static str),
    /// Too many heavy requests at once: 503 with `Retry-After`; try again shortly.
    #[error("{0}")]
    Busy(&'static str),
    /// No such record: 404.
    #[error("no {entity} with id {id}")]
    NotFound { entity: &'static str, id: String },
    /// A file given to an import cannot be used; every problem found, with line numbers.
    #[error("{}", .0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("\n"))]
    Import(Vec<FieldError>),
    #[error("{0}")]
    Store(StoreError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("configuration: {0}")]
    Config(#[from] Box<figment::Error>),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(i) => AppError::Invalid(i),
            StoreError::NotFound { entity, id } => AppError::NotFound { entity, id },
            other => AppError::Store(other),
        }
    }
}

impl AppError {
    pub fn bad_parameter(field: &str, message: impl Into<String>) -> Self {
        AppError::BadRequest {
            code: "invalid_parameter",
            message: message.into(),
            field: Some(field.to_owned()),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) | AppError::Import(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound { .. } => StatusCode::NOT_FOUND,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Store(_) | AppError::Io(_) | AppError::Config(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The JSON body a client receives.
    pub fn body(&self) -> ErrorBody {
        match self {
            AppError::Invalid(i) => ErrorBody {
                code: "validation_failed".into(),
                message: format!("the input breaks {} rule(s): {i}", i.errors.len()),
                field: i.errors.first().map(|e| e.field.clone()),
                errors: i.errors.clone(),
                request_id: crate::ops::request_id(),
            },
            AppError::Import(errors) => ErrorBody {
                code: "import_failed".into(),
                message: self.to_string(),
                field: errors.first().map(|e| e.field.clone()),
                errors: errors.clone(),
                request_id: crate::ops::request_id(),
            },
            AppError::BadRequest {
                code,
                message,
                field,
            } => ErrorBody {
                code: (*code).into(),
                message: message.clone(),
                field: field.clone(),
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::NotFound { .. } => ErrorBody {
                code: "not_found".into(),
                message: self.to_string(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::Unauthorized => ErrorBody {
                code: "unauthorized".into(),
                message: self.to_string(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::Busy(_) => ErrorBody {
                code: "busy".into(),
                message: self.to_string(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::Conflict(_) => ErrorBody {
                code: "conflict".into(),
                message: self.to_string(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::Forbidden(_) => ErrorBody {
                code: "forbidden".into(),
                message: self.to_string(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::PayloadTooLarge => ErrorBody {
                code: "payload_too_large".into(),
                message: self.to_string(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
            AppError::Store(_) | AppError::Io(_) | AppError::Config(_) => ErrorBody {
                code: "internal_error".into(),
                message: "something went wrong on the server; the error has been logged".into(),
                field: None,
                errors: Vec::new(),
                request_id: crate::ops::request_id(),
            },
        }
    }
}

/// An error as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code: `validation_failed`, `invalid_json`, `invalid_parameter`,
    /// `unauthorized`, `forbidden`, `not_found`, `conflict`, `busy`, `payload_too_large`,
    /// `internal_error`.
    pub code: String,
    pub message: String,
    /// The first offending field, when the error is about one.
    pub field: Option<String>,
    /// Every broken rule, for validation failures.
    pub errors: Vec<FieldError>,
    /// The request's id (also in the `X-Request-Id` header and the server's log), to quote
    /// when reporting a problem.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() && !matches!(self, AppError::Busy(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let busy = matches!(self, AppError::Busy(_));
        let mut response = (status, Json(self.body())).into_response();
        if busy {
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("5"),
            );
        }
        response
    }
}

impl From<semey_domain::access::Refusal> for AppError {
    fn from(r: semey_domain::access::Refusal) -> Self {
        match r {
            semey_domain::access::Refusal::NotSignedIn => AppError::Unauthorized,
            semey_domain::access::Refusal::NotAllowed => AppError::Forbidden(
                "this record belongs to another organisation, or your role does not allow this",
            ),
        }
    }
}
