//! The plan of a row run: which of a row's cells to generate, what each waits for, and what
//! the render of the row's video needs. A cell depends on another column when its creation
//! card refers to it: a `{{COLUMN}}` in a text field (unless a card or global variable of that
//! name takes precedence, as substitution does) or a column reference (`image_var`,
//! `source_var`, `asset_vars`, ...). The render needs the columns its layers take their
//! `source_column` from, or name in their `content`. Pure: the caller reads the row.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Map, Value};

use super::card::{self, GenerationType};
use super::variables::references;

/// The text fields of a card that take `{{names}}`.
const TEXT_FIELDS: [&str; 4] = ["prompt", "negative_prompt", "script", "voice_prompt"];

/// A column of the row, as the planner sees it.
#[derive(Clone, Debug)]
pub struct PlanColumn<'a> {
    pub id: i64,
    pub title: &'a str,
    /// The creation card that applies to the row's cell: the cell's own, else the column's.
    pub card: Option<&'a Value>,
    /// Whether the row's cell has a value already.
    pub has_value: bool,
}

/// A layer of the row's video cell, as far as the render's needs go.
#[derive(Clone, Copy, Debug)]
pub struct PlanLayer<'a> {
    pub source_column: Option<&'a str>,
    pub content: Option<&'a str>,
}

/// One cell to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedStep {
    pub column_id: i64,
    pub column_title: String,
    pub kind: GenerationType,
    /// The steps (by column id) this one waits for.
    pub depends_on: Vec<i64>,
    /// False when the cell has a value already and the run does not force it: the value is
    /// kept and counts as done for the steps after it.
    pub generate: bool,
}

/// A row's run: its steps in an order that respects their dependencies, and the steps the
/// render needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowPlan {
    pub steps: Vec<PlannedStep>,
    pub render_needs: Vec<i64>,
}

/// Why a row cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// These columns wait for each other, in this order (the first again closes the loop).
    Cycle(Vec<String>),
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::Cycle(titles) => write!(
                f,
                "These columns' creation cards depend on each other in a cycle: {} -> {}",
                titles.join(" -> "),
                titles.first().map_or("", String::as_str)
            ),
        }
    }
}

/// Plans a run of the row with these columns and video layers. `globals` are the engine's
/// global variable keys (they take precedence over column titles in `{{names}}`); `force`
/// regenerates cells that have values.
pub fn plan(
    columns: &[PlanColumn<'_>],
    layers: &[PlanLayer<'_>],
    globals: &[&str],
    force: bool,
) -> Result<RowPlan, PlanError> {
    let by_title: HashMap<String, i64> = columns
        .iter()
        .map(|c| (c.title.trim().to_lowercase(), c.id))
        .collect();
    let column_named = |name: &str| by_title.get(&name.trim().to_lowercase()).copied();
    let carded: Vec<(&PlanColumn<'_>, GenerationType, &Value)> = columns
        .iter()
        .filter_map(|c| {
            let card = c.card?;
            Some((c, card::kind_of(card)?, card))
        })
        .collect();
    let step_ids: BTreeSet<i64> = carded.iter().map(|(c, _, _)| c.id).collect();
    let mut steps: Vec<PlannedStep> = carded
        .iter()
        .map(|(column, kind, card)| {
            let data = card.get("data").and_then(Value::as_object);
            let depends_on = data
                .map(|data| referenced_columns(data, globals, &column_named))
                .unwrap_or_default()
                .into_iter()
                .filter(|id| *id != column.id && step_ids.contains(id))
                .collect();
            PlannedStep {
                column_id: column.id,
                column_title: column.title.to_owned(),
                kind: *kind,
                depends_on,
                generate: force || !column.has_value,
            }
        })
        .collect();
    steps = ordered(steps)?;
    let mut render_needs = BTreeSet::new();
    for layer in layers {
        if let Some(id) = layer.source_column.and_then(&column_named) {
            render_needs.insert(id);
        }
        for name in layer.content.map(references).unwrap_or_default() {
            if !is_global(&name, globals)
                && let Some(id) = column_named(&name)
            {
                render_needs.insert(id);
            }
        }
    }
    Ok(RowPlan {
        steps,
        render_needs: render_needs
            .into_iter()
            .filter(|id| step_ids.contains(id))
            .collect(),
    })
}

/// The columns a card's data refers to, by id.
fn referenced_columns(
    data: &Map<String, Value>,
    globals: &[&str],
    column_named: &impl Fn(&str) -> Option<i64>,
) -> BTreeSet<i64> {
    let card_variables = data.get("variables").and_then(Value::as_object);
    let mut found = BTreeSet::new();
    for field in TEXT_FIELDS {
        let Some(text) = data.get(field).and_then(Value::as_str) else {
            continue;
        };
        for name in references(text) {
            let shadowed = is_global(&name, globals)
                || card_variables.is_some_and(|vars| {
                    vars.keys()
                        .any(|key| key.trim().eq_ignore_ascii_case(name.trim()))
                });
            if !shadowed && let Some(id) = column_named(&name) {
                found.insert(id);
            }
        }
    }
    for (key, value) in data {
        if !(key.ends_with("_var") || key.ends_with("_vars")) {
            continue;
        }
        let names: Vec<&str> = match value {
            Value::String(name) => vec![name.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        found.extend(names.into_iter().filter_map(column_named));
    }
    found
}

fn is_global(name: &str, globals: &[&str]) -> bool {
    globals
        .iter()
        .any(|key| key.trim().eq_ignore_ascii_case(name.trim()))
}

/// The steps in dependency order (stable otherwise), or the cycle that prevents one.
fn ordered(steps: Vec<PlannedStep>) -> Result<Vec<PlannedStep>, PlanError> {
    let mut placed: BTreeSet<i64> = BTreeSet::new();
    let mut remaining = steps;
    let mut order = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let ready = remaining
            .iter()
            .position(|step| step.depends_on.iter().all(|id| placed.contains(id)));
        match ready {
            Some(index) => {
                let step = remaining.remove(index);
                placed.insert(step.column_id);
                order.push(step);
            }
            None => return Err(PlanError::Cycle(cycle_in(&remaining))),
        }
    }
    Ok(order)
}

/// One cycle among steps that all wait on each other, as titles.
fn cycle_in(stuck: &[PlannedStep]) -> Vec<String> {
    let by_id: HashMap<i64, &PlannedStep> = stuck.iter().map(|s| (s.column_id, s)).collect();
    let mut path: Vec<i64> = Vec::new();
    let mut current = stuck[0].column_id;
    loop {
        if let Some(start) = path.iter().position(|id| *id == current) {
            return path[start..]
                .iter()
                .map(|id| by_id[id].column_title.clone())
                .collect();
        }
        path.push(current);
        // Every stuck step waits on at least one other stuck step.
        current = by_id[&current]
            .depends_on
            .iter()
            .copied()
            .find(|id| by_id.contains_key(id))
            .unwrap_or(current);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text_card(prompt: &str) -> Value {
        json!({"generation_type": "text", "data": {"prompt": prompt}})
    }

    #[test]
    fn steps_wait_for_the_columns_their_cards_name() {
        let hook = text_card("A hook about {{TEXT 1}}");
        let line = text_card("After {{hook}}, say more");
        let voice = json!({"generation_type": "speech_from_text", "data": {"script": "{{HOOK}} {{LINE 1}} {{cta}}", "voice_method": "my_voices", "voice_id": "agent_default"}});
        let background =
            json!({"generation_type": "video_from_text", "data": {"prompt": "About {{TEXT 1}}"}});
        let captions = json!({"generation_type": "captions", "data": {"source_var": "VOICE"}});
        let columns = [
            PlanColumn {
                id: 1,
                title: "TEXT 1",
                card: None,
                has_value: true,
            },
            PlanColumn {
                id: 2,
                title: "VOICE",
                card: Some(&voice),
                has_value: false,
            },
            PlanColumn {
                id: 3,
                title: "LINE 1",
                card: Some(&line),
                has_value: false,
            },
            PlanColumn {
                id: 4,
                title: "HOOK",
                card: Some(&hook),
                has_value: false,
            },
            PlanColumn {
                id: 5,
                title: "BACKGROUND",
                card: Some(&background),
                has_value: true,
            },
            PlanColumn {
                id: 6,
                title: "CAPTIONS",
                card: Some(&captions),
                has_value: false,
            },
        ];
        let layers = [
            PlanLayer {
                source_column: Some("background"),
                content: None,
            },
            PlanLayer {
                source_column: None,
                content: Some("{{HOOK}}"),
            },
        ];
        let planned = plan(&columns, &layers, &["cta"], false).unwrap();
        let order: Vec<&str> = planned
            .steps
            .iter()
            .map(|s| s.column_title.as_str())
            .collect();
        assert_eq!(order, ["HOOK", "LINE 1", "VOICE", "BACKGROUND", "CAPTIONS"]);
        let position = |title: &str| order.iter().position(|t| *t == title).unwrap();
        assert!(position("HOOK") < position("LINE 1"));
        assert!(position("LINE 1") < position("VOICE"));
        assert!(position("VOICE") < position("CAPTIONS"));
        let voice_step = &planned.steps[position("VOICE")];
        assert_eq!(
            voice_step.depends_on,
            [3, 4],
            "cta is a global, not a column"
        );
        let background_step = &planned.steps[position("BACKGROUND")];
        assert!(!background_step.generate, "a cell with a value is kept");
        assert_eq!(planned.render_needs, [4, 5]);
        let forced = plan(&columns, &layers, &["cta"], true).unwrap();
        assert!(forced.steps.iter().all(|s| s.generate));
    }

    #[test]
    fn a_cycle_is_refused_naming_its_columns() {
        let a = text_card("After {{B}}");
        let b = text_card("After {{C}}");
        let c = text_card("After {{A}}");
        let free = text_card("Alone");
        let columns = [
            PlanColumn {
                id: 1,
                title: "FREE",
                card: Some(&free),
                has_value: false,
            },
            PlanColumn {
                id: 2,
                title: "A",
                card: Some(&a),
                has_value: false,
            },
            PlanColumn {
                id: 3,
                title: "B",
                card: Some(&b),
                has_value: false,
            },
            PlanColumn {
                id: 4,
                title: "C",
                card: Some(&c),
                has_value: false,
            },
        ];
        let err = plan(&columns, &[], &[], false).unwrap_err();
        assert_eq!(
            err,
            PlanError::Cycle(vec!["A".into(), "B".into(), "C".into()])
        );
        assert!(err.to_string().contains("A -> B -> C -> A"), "{err}");
    }

    #[test]
    fn a_card_variable_or_global_of_the_same_name_is_not_a_dependency() {
        let shadowed = json!({"generation_type": "text", "data": {"prompt": "{{HOOK}} {{TOPIC}}", "variables": {"hook": "fixed"}}});
        let hook = text_card("Hook");
        let columns = [
            PlanColumn {
                id: 1,
                title: "HOOK",
                card: Some(&hook),
                has_value: false,
            },
            PlanColumn {
                id: 2,
                title: "TOPIC",
                card: None,
                has_value: true,
            },
            PlanColumn {
                id: 3,
                title: "LINE",
                card: Some(&shadowed),
                has_value: false,
            },
        ];
        let planned = plan(&columns, &[], &[], false).unwrap();
        assert!(planned.steps.iter().all(|s| s.depends_on.is_empty()));
    }
}
