//! Rails-style bracketed field names (`organization[name]`,
//! `agent_avatars_attributes[][file]`) read into nested JSON, for multipart and
//! form-encoded bodies alike.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The deepest field name accepted (`agent[agent_avatars_attributes][][file]` has four parts).
const MAX_NAME_PARTS: usize = 8;
/// The longest field name accepted.
const MAX_NAME_BYTES: usize = 256;

/// Inserts `value` at a Rails-style bracketed path: `a[b]` nests, `a[]` appends to a list,
/// and `a[][b]` fills the last list item until it already has `b`, then starts a new one.
/// Names longer or deeper than any form of ours are refused, which also bounds the recursion.
pub fn insert_bracketed(
    root: &mut Map<String, Value>,
    name: &str,
    value: Value,
) -> Result<(), ApiError> {
    if name.len() > MAX_NAME_BYTES || name.matches('[').count() >= MAX_NAME_PARTS {
        return Err(ApiError::bad_body(format!(
            "Form field names are limited to {MAX_NAME_BYTES} bytes and {MAX_NAME_PARTS} bracketed parts."
        )));
    }
    let segments = split_name(name);
    if let Some((first, rest)) = segments.split_first() {
        insert_at(
            root.entry(first.clone()).or_insert(Value::Null),
            rest,
            value,
        );
    }
    Ok(())
}

fn split_name(name: &str) -> Vec<String> {
    let (head, tail) = name.split_once('[').map_or((name, ""), |(h, t)| (h, t));
    let mut segments = vec![head.to_owned()];
    if !tail.is_empty() {
        segments.extend(
            format!("[{tail}")
                .split('[')
                .skip(1)
                .map(|s| s.trim_end_matches(']').to_owned()),
        );
    }
    segments
}

fn insert_at(slot: &mut Value, path: &[String], value: Value) {
    let Some((segment, rest)) = path.split_first() else {
        *slot = value;
        return;
    };
    if segment.is_empty() {
        if !slot.is_array() {
            *slot = Value::Array(Vec::new());
        }
        let list = slot.as_array_mut().expect("just made a list");
        match rest.first() {
            None => list.push(value),
            Some(key) => {
                let fits_last = list
                    .last()
                    .and_then(Value::as_object)
                    .is_some_and(|item| !item.contains_key(key));
                if !fits_last {
                    list.push(Value::Object(Map::new()));
                }
                let last = list.last_mut().expect("the list has an item");
                insert_at(last, rest, value);
            }
        }
    } else {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let object = slot.as_object_mut().expect("just made an object");
        insert_at(
            object.entry(segment.clone()).or_insert(Value::Null),
            rest,
            value,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn build(pairs: &[(&str, Value)]) -> Value {
        let mut root = Map::new();
        for (name, value) in pairs {
            insert_bracketed(&mut root, name, value.clone()).unwrap();
        }
        Value::Object(root)
    }

    #[test]
    fn bracketed_names_nest_like_rails() {
        let value = build(&[
            ("organization[name]", json!("Acme")),
            ("agent_id", json!("4")),
        ]);
        assert_eq!(
            value,
            json!({"organization": {"name": "Acme"}, "agent_id": "4"})
        );
    }

    #[test]
    fn list_items_start_anew_when_a_key_repeats() {
        let value = build(&[
            ("agent_avatars_attributes[][file]", json!(1)),
            ("agent_avatars_attributes[][is_primary]", json!("true")),
            ("agent_avatars_attributes[][file]", json!(2)),
        ]);
        assert_eq!(
            value,
            json!({"agent_avatars_attributes": [{"file": 1, "is_primary": "true"}, {"file": 2}]})
        );
    }

    #[test]
    fn deeply_nested_names_are_refused_instead_of_recursing() {
        let mut root = Map::new();
        let deep = format!("a{}", "[x]".repeat(20_000));
        assert!(insert_bracketed(&mut root, &deep, json!(1)).is_err());
        assert!(insert_bracketed(&mut root, "a[b][c][d][e][f][g][h][i]", json!(1)).is_err());
        assert!(root.is_empty());
    }

    #[test]
    fn a_bare_list_name_appends() {
        let value = build(&[
            ("agent_avatars_attributes[]", json!(1)),
            ("agent_avatars_attributes[]", json!(2)),
        ]);
        assert_eq!(value, json!({"agent_avatars_attributes": [1, 2]}));
    }
}
