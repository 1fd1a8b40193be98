//! The error every use case returns, and the catalogue of machine-readable codes.
//!
//! An [`AppError`] says what kind of failure happened (which the edge turns into an HTTP
//! status), carries a stable [`ErrorCode`] and a message written for the client, and keeps the
//! underlying cause for the logs only. Clients never see the cause.

use std::fmt;

use ace_domain::FieldError;

/// Every `error_code` ace sends. GEN's clients match on these strings, so they never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Missing, malformed, unknown, revoked or expired credentials.
    Unauthorized,
    /// The caller may not do this.
    Forbidden,
    /// The caller may not see or change this agent.
    PermissionDenied,
    /// No such resource (or not the caller's).
    NotFound,
    /// The request body or parameters are invalid; the message names the field.
    ValidationError,
    AgentNotFound,
    AgentCreationFailed,
    /// No such engine for the render-job surface (`remotion_jobs`).
    ProjectNotFound,
    AgentUpdateFailed,
    OrganizationNotFound,
    /// A third-party provider key (ElevenLabs, Hume AI) is malformed.
    InvalidApiKey,
    /// ElevenLabs rejected the key an agent tried to connect.
    InvalidKey,
    VoiceIdRequired,
    UserVoiceResourceNotFound,
    AvatarCreationFailed,
    AvatarUpdateFailed,
    ContentResourceCreationFailed,
    ContentResourceNotFound,
    FolderRemovalFailed,
    /// A direct upload's MIME type is not one ace accepts.
    InvalidContentType,
    /// A direct upload is larger than allowed.
    FileSizeExceeded,
    DirectUploadFailed,
    /// The workspace has no usable credits.
    UsableGenCreditRequired,
    /// The workspace has credits, but not enough for this job.
    InsufficientCreditsForJob,
    /// The generation has already ended, so there is nothing to stop.
    JobCannotBeStopped,
    /// The workspace has no credits to pay for content monitoring.
    NoActiveCreditPurchase,
    /// No user job of the agent's has this id.
    UserJobNotFound,
    /// The user job has ended, so it can no longer be changed.
    JobStatusInvalid,
    /// An idea cannot be cycled from its status (ace's code).
    IdeaStatusInvalid,
    /// An agent run is not in a state that allows this (approving one that is not waiting, cancelling one that ended).
    RunStatusInvalid,
    /// Publishing is not set up on this server (no TikTok app or no token key).
    PublishingNotConfigured,
    /// The social account cannot post: not connected, or its grant stopped working.
    SocialAccountNotConnected,
    /// Too many requests for this key; retry after the time in `Retry-After`.
    RateLimited,
    /// The body is not valid JSON (or form data).
    InvalidJson,
    /// The request could not be understood at all.
    BadRequest,
    /// The request took too long and was cancelled.
    RequestTimeout,
    /// The body's content type is not accepted here.
    UnsupportedMediaType,
    /// The body is larger than this endpoint accepts.
    PayloadTooLarge,
    /// The path exists but not with this HTTP method.
    MethodNotAllowed,
    /// Something failed on our side; the request id in the logs says what.
    InternalError,
    /// A dependency (the database) is not answering.
    ServiceUnavailable,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::NotFound => "not_found",
            ErrorCode::ValidationError => "validation_error",
            ErrorCode::AgentNotFound => "agent_not_found",
            ErrorCode::ProjectNotFound => "project_not_found",
            ErrorCode::AgentCreationFailed => "agent_creation_failed",
            ErrorCode::AgentUpdateFailed => "agent_update_failed",
            ErrorCode::OrganizationNotFound => "organization_not_found",
            ErrorCode::InvalidApiKey => "invalid_api_key",
            ErrorCode::InvalidKey => "invalid_key",
            ErrorCode::VoiceIdRequired => "voice_id_required",
            ErrorCode::UserVoiceResourceNotFound => "user_voice_resource_not_found",
            ErrorCode::AvatarCreationFailed => "avatar_creation_failed",
            ErrorCode::AvatarUpdateFailed => "avatar_update_failed",
            ErrorCode::ContentResourceCreationFailed => "content_resource_creation_failed",
            ErrorCode::ContentResourceNotFound => "content_resource_not_found",
            ErrorCode::FolderRemovalFailed => "folder_removal_failed",
            ErrorCode::InvalidContentType => "invalid_content_type",
            ErrorCode::FileSizeExceeded => "file_size_exceeded",
            ErrorCode::DirectUploadFailed => "direct_upload_failed",
            ErrorCode::UsableGenCreditRequired => "usable_gen_credit_required",
            ErrorCode::InsufficientCreditsForJob => "insufficient_credits_for_job",
            ErrorCode::JobCannotBeStopped => "job_cannot_be_stopped",
            ErrorCode::NoActiveCreditPurchase => "no_active_credit_purchase",
            ErrorCode::UserJobNotFound => "user_job_not_found",
            ErrorCode::JobStatusInvalid => "job_status_invalid",
            ErrorCode::IdeaStatusInvalid => "idea_status_invalid",
            ErrorCode::RunStatusInvalid => "run_status_invalid",
            ErrorCode::PublishingNotConfigured => "publishing_not_configured",
            ErrorCode::SocialAccountNotConnected => "social_account_not_connected",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::ServiceUnavailable => "service_unavailable",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The class of a failure, which decides the HTTP status at the edge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: the request could not be read at all.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 413.
    PayloadTooLarge,
    /// 415.
    UnsupportedMediaType,
    /// 422: understood, but invalid or against a business rule.
    Unprocessable,
    /// 429.
    TooManyRequests,
    /// 500.
    Internal,
    /// 503.
    Unavailable,
}

impl ErrorKind {
    /// The HTTP status every edge answers it with.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorKind::BadRequest => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::MethodNotAllowed => 405,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::UnsupportedMediaType => 415,
            ErrorKind::Unprocessable => 422,
            ErrorKind::TooManyRequests => 429,
            ErrorKind::Internal => 500,
            ErrorKind::Unavailable => 503,
        }
    }
}

/// A failed use case.
#[derive(Debug)]
pub struct AppError {
    pub kind: ErrorKind,
    pub code: ErrorCode,
    /// Written for the client; never contains internals.
    pub message: String,
    /// The cause, for the logs.
    pub source: Option<anyhow::Error>,
}

/// Results of use cases.
pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(kind: ErrorKind, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            source: None,
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unauthorized, ErrorCode::Unauthorized, message)
    }

    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Forbidden, code, message)
    }

    pub fn not_found(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }

    pub fn unprocessable(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unprocessable, code, message)
    }

    /// A file that cannot become a content resource (uploaded, fetched or claimed).
    pub fn resource_creation_failed(message: impl Into<String>) -> Self {
        Self::unprocessable(ErrorCode::ContentResourceCreationFailed, message)
    }

    /// Invalid input, reported under `code` with a message that starts with the field's
    /// name, as the client wrote it.
    pub fn invalid(code: ErrorCode, field: &FieldError) -> Self {
        Self::unprocessable(code, field.to_string())
    }

    /// Whether the caller's request was refused (a 4xx other than 429): asking again the same
    /// way would be refused again, so work carried on for a user records it as the reason.
    pub fn is_client_error(&self) -> bool {
        !matches!(
            self.kind,
            ErrorKind::TooManyRequests | ErrorKind::Internal | ErrorKind::Unavailable
        )
    }

    /// A failure on our side. The client sees a generic message; the cause goes to the logs.
    pub fn internal(source: impl Into<anyhow::Error>) -> Self {
        Self {
            kind: ErrorKind::Internal,
            code: ErrorCode::InternalError,
            message: "Something went wrong on our side. Try again; if it persists, report the request id.".into(),
            source: Some(source.into()),
        }
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)?;
        if let Some(source) = &self.source {
            write!(f, ": {source:#}")?;
        }
        Ok(())
    }
}

impl From<FieldError> for AppError {
    fn from(err: FieldError) -> Self {
        AppError::invalid(ErrorCode::ValidationError, &err)
    }
}

impl From<ace_db::DbError> for AppError {
    fn from(err: ace_db::DbError) -> Self {
        AppError::internal(err)
    }
}

impl From<ace_storage::StorageError> for AppError {
    fn from(err: ace_storage::StorageError) -> Self {
        AppError::internal(err)
    }
}
