//! GEN's OpenAPI file as a test oracle. Response bodies are validated against the schema GEN
//! documents for the operation and status, read from `../shared/reference/gen-openapi.yaml`.
//!
//! The file is OpenAPI 3.1 in form but 3.0 in habit, and its ids disagree with GEN's own docs,
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

/// GEN's published contract.
pub struct GenContract {
    document: Value,
}

impl GenContract {
    /// The contract, loaded once per process. Set `ACE_SHARED_DIR` to read it from elsewhere.
    pub fn get() -> &'static GenContract {
        static CONTRACT: OnceLock<GenContract> = OnceLock::new();
        CONTRACT.get_or_init(|| {
            let path = shared_dir().join("reference/gen-openapi.yaml");
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
            let mut document: Value =
                serde_saphyr::from_str(&text).expect("GEN's OpenAPI file is YAML");
            adapt(&mut document, None);
            GenContract { document }
        })
    }

    /// The operation ids GEN marks with `x-phase: <phase>`.
    pub fn operations_in_phase(&self, phase: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for item in self.document["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
        {
            for operation in item.as_object().into_iter().flat_map(|ops| ops.values()) {
                let phases = operation["x-phase"].as_str().unwrap_or_default();
                if phases.split(',').any(|p| p.trim() == phase)
                    && let Some(id) = operation["operationId"].as_str()
                {
                    ids.push(id.to_owned());
                }
            }
        }
        ids
    }

    /// `(method, path, operationId)` of every operation `reference/OPERATIONS.md` assigns to
    /// the issue named `issue` (such as `Files`).
    pub fn operations_delivered_by(&self, issue: &str) -> Vec<(String, String, String)> {
        let path = shared_dir().join("reference/OPERATIONS.md");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        text.lines()
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

    /// The JSON schema of a response, if GEN documents one.
    pub fn response_schema(&self, operation_id: &str, status: u16) -> Option<Value> {
        let operation = self.operation(operation_id)?;
        let mut response = operation["responses"].get(status.to_string())?.clone();
        if let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            response = self.pointer(reference)?.clone();
        }
        response
            .pointer("/content/application~1json/schema")
            .cloned()
    }

    /// Panics unless `body` matches what GEN documents for this operation and status.
    #[track_caller]
    pub fn assert_conforms(&self, operation_id: &str, status: u16, body: &Value) {
        assert!(
            self.operation(operation_id).is_some(),
            "GEN documents no operation {operation_id}"
        );
        let Some(schema) = self.response_schema(operation_id, status) else {
            return;
        };
        let mut root = schema;
        if let Some(object) = root.as_object_mut() {
            object.insert("components".into(), self.document["components"].clone());
        } else {
            root = json!({"allOf": [root], "components": self.document["components"]});
        }
        let validator = jsonschema::draft202012::new(&root).expect("the adapted schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(body)
            .map(|e| format!("  at {}: {}", e.instance_path(), e))
            .collect();
        assert!(
            errors.is_empty(),
            "{operation_id} {status} does not match GEN's schema:\n{}\nbody: {body:#}",
            errors.join("\n")
        );
    }

    fn operation(&self, operation_id: &str) -> Option<&Value> {
        self.document["paths"]
            .as_object()?
            .values()
            .filter_map(Value::as_object)
            .flat_map(|item| item.values())
            .find(|operation| operation["operationId"] == operation_id)
    }

    fn pointer(&self, reference: &str) -> Option<&Value> {
        self.document.pointer(reference.strip_prefix('#')?)
    }
}

fn shared_dir() -> PathBuf {
    std::env::var_os("ACE_SHARED_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
        PathBuf::from,
    )
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
