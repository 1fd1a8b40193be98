//! Row runs on the wire (an ace addition): the run request, its dry-run plan, a run as it
//! stands, and batches of runs.

use ace_app::row_runs::batches::BatchView;
use ace_app::row_runs::{RowPlanView, RunView};
use ace_domain::ids::deserialize_raw_id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `{force?, dry_run?}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RunBody {
    /// Regenerate cells that have a value too (false: only empty cells with a creation card).
    #[serde(default)]
    pub force: bool,
    /// Answer the plan and its price at once; start nothing, charge nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// A run just started.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunStarted {
    pub run_id: i64,
    /// pending.
    pub status: String,
}

/// A step of a dry run's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanStepResponse {
    pub column_id: i64,
    pub column_title: String,
    pub generation_type: String,
    pub model: Option<String>,
    /// The columns (ids) this step waits for.
    pub depends_on: Vec<i64>,
    pub estimated_credits: f64,
    pub runnable: bool,
    /// Why it cannot run here (naming the setting to add), or that its value is kept.
    pub reason: Option<String>,
    /// False when the cell has a value that the run keeps.
    pub generate: bool,
}

/// The render of a dry run's plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanRenderResponse {
    pub estimated_credits: f64,
    pub runnable: bool,
    pub reason: Option<String>,
    /// What the render will leave out (layers whose columns will be empty).
    pub notes: Vec<String>,
}

/// What a run of the row would do and cost.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunPlanResponse {
    pub steps: Vec<PlanStepResponse>,
    pub render: PlanRenderResponse,
    pub total_estimated_credits: f64,
    pub runnable: bool,
}

impl From<&RowPlanView> for RunPlanResponse {
    fn from(plan: &RowPlanView) -> Self {
        let steps = plan
            .steps
            .iter()
            .map(|step| PlanStepResponse {
                column_id: step.planned.column_id,
                column_title: step.planned.column_title.clone(),
                generation_type: step.planned.kind.as_str().to_owned(),
                model: step.model.clone(),
                depends_on: step.planned.depends_on.clone(),
                estimated_credits: step.estimate.as_f64(),
                runnable: step.refusal.is_none(),
                reason: step.refusal.clone().or_else(|| {
                    (!step.planned.generate).then(|| {
                        "the cell has a value, which is kept (force: true regenerates it)"
                            .to_owned()
                    })
                }),
                generate: step.planned.generate,
            })
            .collect();
        Self {
            steps,
            render: PlanRenderResponse {
                estimated_credits: plan.render_estimate.as_f64(),
                runnable: plan.render_refusal.is_none(),
                reason: plan.render_refusal.clone(),
                notes: plan.render_notes.clone(),
            },
            total_estimated_credits: plan.total().as_f64(),
            runnable: plan.refusals().is_empty(),
        }
    }
}

/// A step of a run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunStepResponse {
    pub column_id: i64,
    pub column_title: String,
    pub generation_type: String,
    pub generation_id: Option<i64>,
    /// pending, processing, completed, failed or stopped.
    pub status: String,
    pub reason: Option<String>,
}

/// The render of a run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunRenderResponse {
    pub generation_id: i64,
    pub status: String,
}

/// A run as it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RunResponse {
    pub run_id: i64,
    pub row_id: i64,
    /// pending, processing, completed, failed or stopped.
    pub status: String,
    pub steps: Vec<RunStepResponse>,
    pub render: Option<RunRenderResponse>,
    pub credits_spent: f64,
    pub failed_reason: Option<String>,
    /// The share of its steps (and render) that have ended, 0 to 1.
    pub progress: f64,
}

impl From<&RunView> for RunResponse {
    fn from(view: &RunView) -> Self {
        Self {
            run_id: view.id(),
            row_id: view.row_id(),
            status: view.status().to_string(),
            steps: view
                .steps()
                .iter()
                .map(|step| RunStepResponse {
                    column_id: step.column_id(),
                    column_title: step.column_title().to_owned(),
                    generation_type: step.generation_type().to_owned(),
                    generation_id: step.generation_id(),
                    status: step.status().to_string(),
                    reason: step.reason(),
                })
                .collect(),
            render: view.render().map(|(id, status)| RunRenderResponse {
                generation_id: id.get(),
                status: status.to_string(),
            }),
            credits_spent: view.credits_spent().as_f64(),
            failed_reason: view.failed_reason().map(str::to_owned),
            progress: view.progress(),
        }
    }
}

/// `{row_ids?, max_parallel_rows?, force?}`.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct BatchBody {
    /// The rows to run (every row of the engine when left out).
    #[serde(default)]
    #[schema(value_type = Option<Vec<i64>>)]
    pub row_ids: Option<Vec<RowIdInput>>,
    /// How many rows run at once, 1 to 16 (2 when left out).
    #[serde(default)]
    pub max_parallel_rows: Option<i64>,
    #[serde(default)]
    pub force: bool,
}

/// A row id, as a number or a numeric string.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct RowIdInput(#[serde(deserialize_with = "deserialize_raw_id")] pub i64);

/// A batch just started.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchStarted {
    pub batch_id: i64,
    /// processing.
    pub status: String,
}

/// How a batch's rows stand.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchProgress {
    pub rows: usize,
    pub pending: usize,
    pub processing: usize,
    pub completed: usize,
    pub failed: usize,
    pub stopped: usize,
    /// The share of the rows' work that has ended, 0 to 1.
    pub progress: f64,
}

/// A batch as it stands, with each row's run.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchResponse {
    pub batch_id: i64,
    /// processing, completed, failed or stopped.
    pub status: String,
    pub max_parallel_rows: i64,
    pub progress: BatchProgress,
    pub runs: Vec<RunResponse>,
}

impl From<&BatchView> for BatchResponse {
    fn from(view: &BatchView) -> Self {
        let runs: Vec<RunResponse> = view.runs().iter().map(RunResponse::from).collect();
        let count = |status: &str| runs.iter().filter(|run| run.status == status).count();
        let progress = if runs.is_empty() {
            1.0
        } else {
            runs.iter().map(|run| run.progress).sum::<f64>() / runs.len() as f64
        };
        Self {
            batch_id: view.id(),
            status: view.status().to_string(),
            max_parallel_rows: view.max_parallel_rows(),
            progress: BatchProgress {
                rows: runs.len(),
                pending: count("pending"),
                processing: count("processing"),
                completed: count("completed"),
                failed: count("failed"),
                stopped: count("stopped"),
                progress,
            },
            runs,
        }
    }
}
