//! Download the variables file template.

use ace_app::sheets::variables::WORKBOOK_CONTENT_TYPE as CONTENT_TYPE;
use axum::http::header;
use axum::response::IntoResponse;

use crate::error::ErrorBody;
use crate::extract::Authenticated;

/// A blank XLSX workbook with the `key` and `value` headers the import expects; the same
/// for every engine.
#[utoipa::path(get, path = "/v1/autocontentengine/global_variables_template", tag = "Variables",
    operation_id = "downloadVariablesTemplate",
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        description = "The XLSX template"), (status = 401, body = ErrorBody)),
    extensions(("x-phase" = json!(crate::routes::EDIT))))]
pub async fn download_variables_template(
    Authenticated(_actor): Authenticated,
) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, CONTENT_TYPE),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"global_variables_template.xlsx\"",
            ),
        ],
        ace_app::sheets::variables::template(),
    )
}
