//! The text service: asks whichever model runs `text` cards (the embedded model, or a
//! configured provider) for a piece of writing outside any vidsheet. The voice design flow
//! uses it; agent chat, ideas and research will.

use ace_domain::generation::validate;
use ace_domain::sheet::card::GenerationType;
use ace_providers::Work;
use serde_json::{Map, Value, json};

use crate::generations::outcome::WorkDir;
use crate::{App, AppError, AppResult, ErrorCode, ErrorKind};

/// What to write.
#[derive(Clone, Debug)]
pub struct Ask<'a> {
    pub prompt: &'a str,
    /// The longest answer, in tokens.
    pub max_tokens: u32,
    /// 0 is the likeliest answer; higher is freer.
    pub temperature: f64,
}

/// What was written, and by whom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub text: String,
    pub provider: String,
    pub model: String,
}

/// Writes an answer to `ask`. A model that cannot answer is reported as 503
/// `service_unavailable`, with its reason.
pub async fn write(app: &App, ask: Ask<'_>) -> AppResult<Written> {
    let data: Map<String, Value> = json!({
        "prompt": ask.prompt,
        "max_length": ask.max_tokens,
        "temperature": ask.temperature.clamp(0.0, 1.0),
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    let request = validate(GenerationType::Text, &data).map_err(AppError::from)?;
    let workdir = app
        .settings
        .work_dir
        .join(format!("text-{}", uuid::Uuid::new_v4().simple()));
    let _cleanup = WorkDir(workdir.clone());
    let work = Work {
        kind: GenerationType::Text,
        request,
        data: Value::Object(data),
        inputs: Vec::new(),
        voice: None,
        workdir,
    };
    let produced = app
        .generator(GenerationType::Text, work.request.model.as_deref())
        .generate(&work)
        .await
        .map_err(|err| unavailable(&err.to_string()))?;
    let text = produced
        .text
        .map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
        .ok_or_else(|| unavailable("The text model wrote nothing."))?;
    Ok(Written {
        text,
        provider: produced.provider,
        model: produced.model,
    })
}

fn unavailable(reason: &str) -> AppError {
    AppError::new(
        ErrorKind::Unavailable,
        ErrorCode::ServiceUnavailable,
        format!("The text model could not answer: {reason}"),
    )
}
