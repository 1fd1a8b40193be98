//! `/v1/autocontentengine/{id}/columns`: an engine's columns.

pub mod create;
pub mod delete;
pub mod duplicate;
pub mod list;
pub mod mass_update;
pub mod update;
pub mod update_positions;

use ace_app::sheets::columns::ColumnEdit;
use ace_domain::ids::ColumnId;

use crate::dto::sheets::ColumnBody;

/// The change a column body asks for; `id` is the path's when given.
pub(crate) fn column_edit(body: ColumnBody, id: Option<ColumnId>) -> ColumnEdit {
    ColumnEdit {
        id: id.or(body.id.map(ColumnId::new)),
        title: body.title,
        kind: body.kind,
        position: body.position,
        description: body.description.into_change(),
        temp_title: body.temp_title.into_change(),
        additional_attributes: body.additional_attributes,
    }
}
