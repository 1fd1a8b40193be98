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

use crate::dto::generations::{
    GenerateBody, GenerationChanged, GenerationResponse, GenerationStarted,
};
use crate::extract::IdempotencyKey;
use crate::state::ApiState;

pub(crate) fn started(answer: Started) -> GenerationStarted {
    GenerationStarted {
        generation_id: answer.generation_id,
        status: answer.status,
    }
}

/// The trigger a body asks for.
pub(crate) fn trigger_of(body: GenerateBody, key: IdempotencyKey) -> Trigger {
    Trigger {
        generation_type: body.generation_type,
        data: body.data,
        idempotency_key: key.0,
        row_run: None,
    }
}

pub(crate) fn response(view: &GenerationView, state: &ApiState) -> GenerationResponse {
    view.object(&state.app).into()
}

pub(crate) fn changed(view: &GenerationView, state: &ApiState) -> GenerationChanged {
    GenerationChanged {
        generation_id: view.id().get(),
        generation: response(view, state),
    }
}
