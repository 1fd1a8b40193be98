//! Planning a row's run: the row is read, its cards put in dependency order
//! (`ace_domain::sheet::plan`), and each step checked and priced as its trigger will be, so a
//! dry run says up front what a run would do, what it costs, and what cannot run here.

use ace_db::Session;
use ace_db::sheets::engines::SheetRecord;
use ace_db::sheets::tree::{self, Scope};
use ace_db::sheets::variables;
use ace_domain::credits::Credits;
use ace_domain::generation::validate;
use ace_domain::ids::{AgentId, RowId};
use ace_domain::sheet::card::GenerationType;
use ace_domain::sheet::column::ColumnRole;
use ace_domain::sheet::plan::{PlanColumn, PlanLayer, PlannedStep, plan};
use serde_json::{Map, Value};

use crate::renders::{canvas_of, estimate as render_estimate};
use crate::sheets::not_found;
use crate::{App, AppError, AppResult, ErrorCode};

/// A step as a dry run shows it.
#[derive(Clone, Debug)]
pub struct StepPlan {
    pub planned: PlannedStep,
    /// The canonical model the card asks for, if its type has models.
    pub model: Option<String>,
    pub estimate: Credits,
    /// Why it cannot run on this server (or with this card), when it cannot.
    pub refusal: Option<String>,
}

/// What a run of a row would do.
#[derive(Clone, Debug)]
pub struct RowPlanView {
    pub row: RowId,
    pub steps: Vec<StepPlan>,
    pub render_needs: Vec<i64>,
    pub render_estimate: Credits,
    /// Why the render cannot run, when it cannot.
    pub render_refusal: Option<String>,
    /// What the render will leave out: layers whose columns will have nothing to show.
    pub render_notes: Vec<String>,
    /// The cell the render starts from (the final video cell).
    pub final_video_cell: Option<i64>,
}

impl RowPlanView {
    pub fn total(&self) -> Credits {
        self.steps
            .iter()
            .fold(self.render_estimate, |sum, step| sum + step.estimate)
    }

    /// Every reason the run cannot go ahead, naming its step.
    pub fn refusals(&self) -> Vec<String> {
        let steps = self.steps.iter().filter_map(|step| {
            step.refusal
                .as_ref()
                .map(|reason| format!("{}: {reason}", step.planned.column_title))
        });
        steps
            .chain(
                self.render_refusal
                    .as_ref()
                    .map(|reason| format!("render: {reason}")),
            )
            .collect()
    }
}

/// Plans a run of `row` of engine `sheet` (the caller has checked access).
pub(crate) async fn plan_row(
    app: &App,
    db: &mut dyn Session,
    agent: AgentId,
    engine: &SheetRecord,
    row: RowId,
    force: bool,
) -> AppResult<RowPlanView> {
    let sheet = engine.id;
    let contents = tree::load(db, sheet, Scope::Row(row)).await?;
    if contents.rows.is_empty() {
        return Err(not_found("Row", row));
    }
    let globals: Vec<String> = variables::list_for_spreadsheet(db, sheet)
        .await?
        .into_iter()
        .map(|v| v.key)
        .collect();
    let cell_of = |column: i64| contents.cells.iter().find(|c| c.column_id.get() == column);
    let columns: Vec<PlanColumn<'_>> = contents
        .columns
        .iter()
        .filter(|column| column.column_role == ColumnRole::Ingredient)
        .map(|column| {
            let cell = cell_of(column.id.get());
            let card = cell
                .and_then(|c| c.additional_attributes.0.get("creation_card"))
                .or_else(|| column.additional_attributes.0.get("creation_card"));
            PlanColumn {
                id: column.id.get(),
                title: &column.title,
                card,
                has_value: cell
                    .and_then(|c| c.value.as_deref())
                    .is_some_and(|v| !v.trim().is_empty()),
            }
        })
        .collect();
    let role_cell = |role: ColumnRole| {
        contents
            .columns
            .iter()
            .find(|column| column.column_role == role)
            .and_then(|column| cell_of(column.id.get()))
    };
    let video_cell = role_cell(ColumnRole::Video).map(|c| c.id);
    let video_layers: Vec<&ace_db::sheets::layers::LayerRecord> = contents
        .layers
        .iter()
        .filter(|layer| Some(layer.cell_id) == video_cell)
        .collect();
    let layers: Vec<PlanLayer<'_>> = video_layers
        .iter()
        .map(|layer| {
            let attributes = &layer.additional_attributes.0;
            PlanLayer {
                source_column: attributes.get("source_column").and_then(Value::as_str),
                content: attributes.get("content").and_then(Value::as_str),
            }
        })
        .collect();
    let global_keys: Vec<&str> = globals.iter().map(String::as_str).collect();
    let planned = plan(&columns, &layers, &global_keys, force)
        .map_err(|err| AppError::unprocessable(ErrorCode::ValidationError, err.to_string()))?;
    let mut steps = Vec::with_capacity(planned.steps.len());
    for step in planned.steps {
        let card = columns
            .iter()
            .find(|c| c.id == step.column_id)
            .and_then(|c| c.card);
        steps.push(check_step(app, db, agent, step, card).await?);
    }
    let records = match video_cell {
        Some(cell) => crate::renders::layer_records(db, cell).await?,
        None => Vec::new(),
    };
    let (render_estimate, render_refusal) = match video_cell {
        None => (Credits::ZERO, Some("the row has no video cell".to_owned())),
        Some(_) if records.is_empty() => (
            Credits::ZERO,
            Some("the row's video cell has no layers to render".to_owned()),
        ),
        Some(_) => (
            render_estimate(app, canvas_of(&engine.aspect_ratio), &records),
            None,
        ),
    };
    let filled = |title: &str| {
        columns.iter().any(|c| {
            c.title.trim().eq_ignore_ascii_case(title.trim()) && (c.has_value || c.card.is_some())
        })
    };
    let render_notes = crate::renders::binding::left_out(&records, filled)
        .into_iter()
        .map(|(layer, column)| {
            format!(
                "layer {layer:?} is left out: {column} is empty (upload a file to it to use it)"
            )
        })
        .collect();
    Ok(RowPlanView {
        row,
        steps,
        render_needs: planned.render_needs,
        render_estimate,
        render_refusal,
        render_notes,
        final_video_cell: role_cell(ColumnRole::FinalVideo).map(|c| c.id.get()),
    })
}

/// A step's model, price and whether this server can run it, read from its card as the
/// trigger will read it.
async fn check_step(
    app: &App,
    db: &mut dyn Session,
    agent: AgentId,
    planned: PlannedStep,
    card: Option<&Value>,
) -> AppResult<StepPlan> {
    let empty = Map::new();
    let data = card
        .and_then(|card| card.get("data"))
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let request = match validate(planned.kind, data) {
        Ok(request) => request,
        Err(err) => {
            return Ok(StepPlan {
                planned,
                model: None,
                estimate: Credits::ZERO,
                refusal: Some(format!("its creation card is not complete: {err}")),
            });
        }
    };
    let model = request.model.clone();
    if !planned.generate {
        return Ok(StepPlan {
            planned,
            model,
            estimate: Credits::ZERO,
            refusal: None,
        });
    }
    let refusal = match planned.kind {
        GenerationType::SpeechFromText => {
            match crate::voices::cards::speaker_at_trigger(app, db, agent, &request).await {
                Ok(speaker) => speaker.check(&request).err(),
                Err(err) if err.kind == crate::ErrorKind::Unprocessable => Some(err.message),
                Err(err) => return Err(err),
            }
        }
        kind => app.generator(kind, model.as_deref()).check(&request).err(),
    };
    Ok(StepPlan {
        estimate: app.pricing.estimate(&request, None),
        planned,
        model,
        refusal,
    })
}
