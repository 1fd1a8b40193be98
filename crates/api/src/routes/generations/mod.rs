//! Generations: start one on a cell or a layer, read it, stop it, continue it, and follow it
//! live.

pub mod events;
pub mod generate_on_cell;
pub mod generate_on_layer;
pub mod resume;
pub mod show;
pub mod stop;

use ace_app::generations::GenerationView;

use crate::dto::generations::{GenerationChanged, GenerationResponse, GenerationStarted};
use crate::state::ApiState;

pub(crate) fn started(view: &GenerationView) -> GenerationStarted {
    GenerationStarted {
        generation_id: view.job.id.get(),
        status: view.job.status.clone(),
    }
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
