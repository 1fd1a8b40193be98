//! Drives `bench/local-text.sh` (a benchmark, not a test): every `text` card of the shipped
//! templates, run on each template's sample rows in the order the cards depend on each other
//! ({{variables}} filled from the template's variables, the row's values and the cells written
//! before), by each embedded model that is installed. For each model it reports the share of
//! outputs that meet every limit their prompt states (`Rules::check`), the seconds per cell
//! (one-line cells apart) and tokens written per second. With `-v`, every output.
//!
//!   cargo run --release -p ace-providers --example local_text [templates dir] [-v]

use std::collections::HashMap;
use std::time::Instant;

use ace_domain::generation::instructions::Rules;
use ace_domain::sheet::plan::{PlanColumn, plan};
use ace_domain::sheet::variables::{Sources, substitute};
use ace_providers::local::LocalModels;
use ace_providers::local::text::{Ask, Family, LocalText, seed_of};
use serde_json::Value;

/// One text cell to write.
struct Cell {
    template: String,
    title: String,
    prompt: String,
    one_line: bool,
}

#[derive(Default)]
struct Tally {
    cells: usize,
    compliant: usize,
    seconds: f64,
    line_cells: usize,
    line_seconds: f64,
    line_max: f64,
    tokens: usize,
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "-v");
    let dir = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_else(|| "templates".into());
    let models = LocalModels::new(LocalModels::default_dir());
    let templates = read_templates(&dir);
    println!(
        "local text: every text card of {} templates on their sample rows",
        templates.len()
    );
    println!(
        "{:<30} {:>6} {:>11} {:>10} {:>12} {:>12} {:>9}",
        "model", "cells", "compliant", "s/cell", "s/line cell", "max s/line", "tokens/s"
    );
    for family in [Family::Qwen, Family::SmolLm2] {
        if !family.path(&models).exists() {
            println!("{:<30} not installed (scripts/models)", family.model());
            continue;
        }
        let text = LocalText::of(models.clone(), family);
        let loading = Instant::now();
        text.write(Ask {
            prompt: "Say hi.".into(),
            max_tokens: 1,
            temperature: 0.0,
            seed: 0,
        })
        .await
        .expect("the model loads");
        let load = loading.elapsed().as_secs_f64();
        let mut tally = Tally::default();
        let mut failures = Vec::new();
        for template in &templates {
            for row in rows(template) {
                let mut written: HashMap<String, String> = HashMap::new();
                for (title, raw) in ordered_cards(template) {
                    let prompt = fill(&raw, template, &row, &written);
                    let cell = Cell {
                        template: template["slug"].as_str().unwrap_or_default().to_owned(),
                        one_line: Rules::of(&prompt).single_line,
                        title,
                        prompt,
                    };
                    let rules = Rules::of(&cell.prompt);
                    let started = Instant::now();
                    let out = text
                        .write(Ask {
                            prompt: cell.prompt.clone(),
                            max_tokens: 256,
                            temperature: 0.6,
                            seed: seed_of(&cell.prompt, &cell.title),
                        })
                        .await
                        .expect("the model writes");
                    let seconds = started.elapsed().as_secs_f64();
                    let broken = rules.check(&out.text);
                    tally.cells += 1;
                    tally.seconds += seconds;
                    tally.tokens += out.tokens;
                    if cell.one_line {
                        tally.line_cells += 1;
                        tally.line_seconds += seconds;
                        tally.line_max = tally.line_max.max(seconds);
                    }
                    if broken.is_empty() {
                        tally.compliant += 1;
                    } else {
                        let reasons: Vec<String> = broken.iter().map(ToString::to_string).collect();
                        failures.push(format!(
                            "  {} / {}: {} ({:?})",
                            cell.template,
                            cell.title,
                            reasons.join("; "),
                            out.text
                        ));
                    }
                    if verbose {
                        println!(
                            "  [{:.1}s, {} tokens, {} attempt(s)] {} / {}: {}",
                            seconds, out.tokens, out.attempts, cell.template, cell.title, out.text
                        );
                    }
                    written.insert(cell.title.clone(), out.text);
                }
            }
        }
        let share = 100.0 * tally.compliant as f64 / tally.cells.max(1) as f64;
        println!(
            "{:<30} {:>6} {:>10.1}% {:>10.2} {:>12.2} {:>12.2} {:>9.1}   (load {:.1} s)",
            family.model(),
            tally.cells,
            share,
            tally.seconds / tally.cells.max(1) as f64,
            tally.line_seconds / tally.line_cells.max(1) as f64,
            tally.line_max,
            tally.tokens as f64 / tally.seconds.max(1e-9),
            load
        );
        for failure in failures {
            println!("{failure}");
        }
    }
}

fn read_templates(dir: &str) -> Vec<Value> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("the templates directory")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
        .collect()
}

/// A template's sample rows, as (column title, value).
fn rows(template: &Value) -> Vec<Vec<(String, String)>> {
    template["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|row| {
            row["values"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .collect()
}

/// A template's text cards in dependency order: (column title, prompt).
fn ordered_cards(template: &Value) -> Vec<(String, String)> {
    let columns = template["columns"].as_array().cloned().unwrap_or_default();
    let plan_columns: Vec<PlanColumn<'_>> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| PlanColumn {
            id: i as i64,
            title: c["title"].as_str().unwrap_or_default(),
            card: c
                .get("creation_card")
                .filter(|card| card["generation_type"] == "text"),
            has_value: false,
        })
        .collect();
    let globals = globals(template);
    let keys: Vec<&str> = globals.iter().map(|(k, _)| k.as_str()).collect();
    let ordered = plan(&plan_columns, &[], &keys, true).expect("the template has no cycle");
    ordered
        .steps
        .into_iter()
        .map(|step| {
            let column = &columns[step.column_id as usize];
            let prompt = column["creation_card"]["data"]["prompt"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (step.column_title, prompt)
        })
        .collect()
}

fn globals(template: &Value) -> Vec<(String, String)> {
    template["variables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v["key"].as_str().unwrap_or_default().to_owned(),
                v["value"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// A prompt with its {{names}} filled from the template's variables, the row's values and the
/// cells written so far.
fn fill(
    prompt: &str,
    template: &Value,
    row: &[(String, String)],
    written: &HashMap<String, String>,
) -> String {
    let globals = globals(template);
    let cells: Vec<(String, Option<String>)> = row
        .iter()
        .map(|(title, value)| (title.clone(), Some(value.clone())))
        .chain(
            written
                .iter()
                .map(|(title, value)| (title.clone(), Some(value.clone()))),
        )
        .collect();
    let sources = Sources {
        card: None,
        globals: &globals,
        cells: &cells,
    };
    substitute(prompt, &sources).text
}
