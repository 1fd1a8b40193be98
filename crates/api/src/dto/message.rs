//! A short confirmation.

use serde::Serialize;
use utoipa::ToSchema;

/// A confirmation sentence.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageResponse {
    pub message: String,
}

impl MessageResponse {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}
