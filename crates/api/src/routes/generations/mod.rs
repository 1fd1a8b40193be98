//! Generations: start one on a cell or a layer, read it, stop it, continue it, and follow it
//! live.

pub mod events;
pub mod generate_on_cell;
pub mod generate_on_layer;
pub mod resume;
pub mod show;
pub mod stop;

use ace_app::generations::GenerationView;
use ace_app::generations::trigger::{Started, Trigger};
use ace_app::idempotency::Idempotent;

use crate::dto::generations::{
    GenerateBody, GenerationChanged, GenerationResponse, GenerationStarted,
};
use crate::error::ApiResult;
use crate::extract::IdempotencyKey;
use crate::state::ApiState;

pub(crate) fn started(answer: Started) -> GenerationStarted {
    GenerationStarted {
        generation_id: answer.generation_id,
        status: answer.status,
    }
}

/// The trigger a body asks for; `operation` names the target, for the idempotency key.
pub(crate) fn trigger_of(
    body: GenerateBody,
    key: IdempotencyKey,
    operation: &str,
) -> ApiResult<Trigger> {
    let idempotency = match key.0 {
        Some(key) => {
            let asked =
                serde_json::json!({ "generation_type": body.generation_type, "data": body.data });
            Some(Idempotent::new(&key, operation, &asked)?)
        }
        None => None,
    };
    Ok(Trigger {
        generation_type: body.generation_type,
        data: body.data,
        idempotency,
    })
}

pub(crate) fn response(view: &GenerationView, state: &ApiState) -> GenerationResponse {
    view.object(&state.app.storage).into()
}

pub(crate) fn changed(view: &GenerationView, state: &ApiState) -> GenerationChanged {
    GenerationChanged {
        generation_id: view.job.id.get(),
        generation: response(view, state),
    }
}
