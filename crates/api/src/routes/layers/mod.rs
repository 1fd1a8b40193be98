//! `/v1/autocontentengine/{id}/cells/{cell_id}/layers`: a video cell's timeline.

pub mod create;
pub mod delete;
pub mod duplicate;
pub mod show;
pub mod update;
pub mod update_positions;

use ace_app::sheets::layers::LayerView;

use ace_app::sheets::assembled::Assembler;

use crate::dto::sheets::LayerResponse;
use crate::error::ApiError;
use crate::state::ApiState;

/// The layer a use case read.
pub(crate) fn layer(view: &LayerView, state: &ApiState) -> Result<LayerResponse, ApiError> {
    Assembler::new(&view.cell, &state.app)
        .layer(view.layer)
        .map(|layer| LayerResponse::new(&layer, false))
        .ok_or_else(|| ApiError::internal("a layer use case read no layer"))
}
