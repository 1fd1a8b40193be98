//! The response contract, as a test oracle. Every body a test checks is validated against the
//! schema ace's own OpenAPI document (generated from the handlers) gives for the operation and
//! status, which must therefore be accurate. When GEN's published contract is at hand
//! (`../shared/reference` beside the checkout, or the directory `ACE_GEN_REFERENCE` names), the
//! body is also validated against GEN's schema, and [`Contract::gens`] offers GEN's operation
//! lists for coverage checks. Without it those comparisons are skipped, with one line saying so;
//! nothing fails for its absence.
//!
//! GEN's file is OpenAPI 3.1 in form but 3.0 in habit, and its ids disagree with GEN's own docs,
//! so it is adapted before use:
//! - `nullable: true` becomes a `null` alternative of the type (and of an `enum`, or of a
//!   composition such as `allOf`);
//! - id fields (`id` and `*_id`) typed `string` accept integers too, since GEN's docs and
//!   clients use numbers;
//! - `created_at` and `updated_at` typed `integer` (seconds) accept an ISO 8601 string too,
//!   since GEN's docs and examples give that form;
//! - a generation's `result` typed `object` accepts a string too, since GEN's generation and
//!   text-card docs give a text generation's result as a plain string;
//! - a property that refers to another schema may be `null`, as GEN documents for fields
//!   that were never set ("fields that haven't been set return null").

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

/// ace's contract, and GEN's when it is at hand.
pub struct Contract {
    ours: Document,
    gens: Option<GenContract>,
}

impl Contract {
    /// The contract, loaded once per process.
    pub fn get() -> &'static Contract {
        static CONTRACT: OnceLock<Contract> = OnceLock::new();
        CONTRACT.get_or_init(|| {
            let ours = serde_json::to_value(ace_api::router::openapi())
                .expect("ace's OpenAPI document serialises");
            let gens = GenContract::load();
            if gens.is_none() {
                eprintln!(
                    "contract: GEN's reference is not here (../shared/reference, or set ACE_GEN_REFERENCE); comparisons with GEN's contract are skipped"
                );
            }
            Contract {
                ours: Document(ours),
                gens,
            }
        })
    }

    /// GEN's published contract, when it is at hand.
    pub fn gens(&self) -> Option<&GenContract> {
        self.gens.as_ref()
    }

    /// Panics unless `body` matches the schema ace documents for this operation and status (a
    /// status ace does not document fails too), and, when GEN's contract is at hand and
    /// documents the operation, GEN's schema.
    #[track_caller]
    pub fn assert_conforms(&self, operation_id: &str, status: u16, body: &Value) {
        let operation = self
            .ours
            .operation(operation_id)
            .unwrap_or_else(|| panic!("ace documents no operation {operation_id}"));
        let response = self.ours.response(operation, status).unwrap_or_else(|| {
            panic!("ace's document gives no {status} answer for {operation_id}; body: {body:#}")
        });
        if let Some(schema) = Document::json_schema(&response) {
            self.ours
                .validate(&schema, body)
                .unwrap_or_else(|errors| {
                    panic!("{operation_id} {status} does not match ace's own schema:\n{errors}\nbody: {body:#}")
                });
        }
        if let Some(gens) = &self.gens {
            gens.assert_conforms(operation_id, status, body);
        }
    }
}

/// GEN's published contract: its OpenAPI file and the operations list beside it.
pub struct GenContract {
    document: Document,
    operations: String,
}

impl GenContract {
    /// Reads GEN's reference directory, if there is one.
    fn load() -> Option<GenContract> {
        let dir = reference_dir()?;
        let path = dir.join("gen-openapi.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let mut document: Value =
            serde_saphyr::from_str(&text).expect("GEN's OpenAPI file is YAML");
        adapt(&mut document, None);
        let path = dir.join("OPERATIONS.md");
        let operations = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        Some(GenContract {
            document: Document(document),
            operations,
        })
    }

    /// The operation ids GEN marks with `x-phase: <phase>`.
    pub fn operations_in_phase(&self, phase: &str) -> Vec<String> {
        self.document
            .operations()
            .filter(|operation| {
                let phases = operation["x-phase"].as_str().unwrap_or_default();
                phases.split(',').any(|p| p.trim() == phase)
            })
            .filter_map(|operation| operation["operationId"].as_str().map(str::to_owned))
            .collect()
    }

    /// `(method, path, operationId)` of every operation `OPERATIONS.md` assigns to the issue
    /// named `issue` (such as `Files`).
    pub fn operations_delivered_by(&self, issue: &str) -> Vec<(String, String, String)> {
        self.operations
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                match cells.as_slice() {
                    ["", method, path, _phase, id, by, ""] if *by == issue => {
                        Some((method.to_string(), path.to_string(), id.to_string()))
                    }
                    _ => None,
                }
            })
            .collect()
    }

    /// The success statuses GEN documents a JSON body for, for an operation.
    pub fn success_bodies(&self, operation_id: &str) -> Vec<u16> {
        let Some(operation) = self.document.operation(operation_id) else {
            return Vec::new();
        };
        operation["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(status, _)| status.parse::<u16>().ok())
            .filter(|status| (200..300).contains(status))
            .filter(|status| {
                self.document
                    .response(operation, *status)
                    .and_then(|response| Document::json_schema(&response))
                    .is_some()
            })
            .collect()
    }

    /// Panics unless `body` matches what GEN documents for this operation and status. An
    /// operation GEN does not have (an ace addition), or a status it gives no body for, passes.
    #[track_caller]
    pub fn assert_conforms(&self, operation_id: &str, status: u16, body: &Value) {
        let Some(operation) = self.document.operation(operation_id) else {
            return;
        };
        let Some(schema) = self
            .document
            .response(operation, status)
            .and_then(|response| Document::json_schema(&response))
        else {
            return;
        };
        self.document
            .validate(&schema, body)
            .unwrap_or_else(|errors| {
                panic!(
                    "{operation_id} {status} does not match GEN's schema:\n{errors}\nbody: {body:#}"
                )
            });
    }
}

/// An OpenAPI document.
struct Document(Value);

impl Document {
    fn operations(&self) -> impl Iterator<Item = &Value> {
        self.0["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
    }

    fn operation(&self, operation_id: &str) -> Option<&Value> {
        self.operations()
            .find(|operation| operation["operationId"] == operation_id)
    }

    /// The response an operation documents for a status (or its `default`), references
    /// followed.
    fn response(&self, operation: &Value, status: u16) -> Option<Value> {
        let responses = &operation["responses"];
        let mut response = responses
            .get(status.to_string())
            .or_else(|| responses.get("default"))?
            .clone();
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            response = self.0.pointer(reference.strip_prefix('#')?)?.clone();
        }
        Some(response)
    }

    /// A response's JSON body schema, if it documents one.
    fn json_schema(response: &Value) -> Option<Value> {
        response
            .pointer("/content/application~1json/schema")
            .cloned()
    }

    /// Validates `body` against `schema`, resolving references into this document.
    fn validate(&self, schema: &Value, body: &Value) -> Result<(), String> {
        let mut root = schema.clone();
        let components = self.0["components"].clone();
        match root.as_object_mut() {
            Some(object) => {
                object.insert("components".into(), components);
            }
            None => root = json!({"allOf": [root], "components": components}),
        }
        let validator = jsonschema::draft202012::new(&root).expect("the schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("  at {}: {}", e.instance_path(), e))
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors.join("\n"))
        }
    }
}

/// GEN's reference directory: `ACE_GEN_REFERENCE`, else `../shared/reference` beside the
/// checkout; `None` when neither exists.
fn reference_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ACE_GEN_REFERENCE").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/reference"),
        PathBuf::from,
    );
    dir.join("gen-openapi.yaml").is_file().then_some(dir)
}

/// Applies the adaptations described in the module documentation, recursively. `name` is the
/// property name of `value` when it is a property schema.
fn adapt(value: &mut Value, name: Option<&str>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                for (property, schema) in properties.iter_mut() {
                    adapt(schema, Some(property));
                    if schema.get("$ref").is_some() {
                        *schema = json!({"anyOf": [schema.clone(), {"type": "null"}]});
                    }
                }
            }
            for (key, child) in object.iter_mut() {
                if key != "properties" {
                    adapt(child, None);
                }
            }
            adapt_schema(object, name);
        }
        Value::Array(items) => items.iter_mut().for_each(|item| adapt(item, None)),
        _ => {}
    }
}

fn adapt_schema(object: &mut Map<String, Value>, name: Option<&str>) {
    let is_id = name.is_some_and(|n| n == "id" || n.ends_with("_id"));
    if is_id && object.get("type") == Some(&json!("string")) {
        object.insert("type".into(), json!(["integer", "string"]));
    }
    let is_timestamp = name.is_some_and(|n| n == "created_at" || n == "updated_at");
    if is_timestamp && object.get("type") == Some(&json!("integer")) {
        object.insert("type".into(), json!(["integer", "string"]));
    }
    if name == Some("result") && object.get("type") == Some(&json!("object")) {
        object.insert("type".into(), json!(["object", "string"]));
    }
    if object.remove("nullable") == Some(Value::Bool(true)) {
        match object.get("type").cloned() {
            Some(Value::String(t)) => {
                object.insert("type".into(), json!([t, "null"]));
            }
            Some(Value::Array(mut types)) => {
                types.push(json!("null"));
                object.insert("type".into(), Value::Array(types));
            }
            _ => {}
        }
        if let Some(Value::Array(options)) = object.get_mut("enum") {
            options.push(Value::Null);
        }
        if !object.contains_key("type") {
            // A nullable composition (`allOf: [$ref]`) gets its `null` alternative alongside.
            let inner = Value::Object(std::mem::take(object));
            object.insert("anyOf".into(), json!([inner, {"type": "null"}]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nullable_string_ids_accept_numbers_and_null() {
        let mut schema = json!({"type": "object", "properties": {"primary_avatar_id": {"type": "string", "nullable": true}}});
        adapt(&mut schema, None);
        assert_eq!(
            schema["properties"]["primary_avatar_id"]["type"],
            json!(["integer", "string", "null"])
        );
    }
}
