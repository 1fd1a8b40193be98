//! Read-modify-write. A patch may carry back anything a read of the canvas returned: fields
//! that cannot be written (an item's `handle` and `item_type`, `overview.agent_id` and
//! `primary_format`, `look.reference_images`, an account's `agent_id`) are dropped when they
//! still hold what the read showed, and refused, naming the field, when a client changed them.
//! A whole read sent back holds both shapes of the patch at once; the top-level fields that
//! still equal the read are dropped as echoes, so only what changed is written.

use ace_domain::FieldError;
use ace_domain::agent_core::SECTION_KEYS;
use serde_json::{Map, Value};

/// The body with its echoes of `read` (the canvas as a read shows it now) taken out.
pub(super) fn settle(body: &Value, read: &Value) -> Result<Value, FieldError> {
    let Value::Object(fields) = body else {
        return Ok(body.clone());
    };
    let mut fields = fields.clone();
    let both_shapes = fields
        .keys()
        .any(|key| SECTION_KEYS.contains(&key.as_str()))
        && fields.keys().any(|key| is_flat(key));
    if both_shapes {
        fields.retain(|key, value| key == "agent_id" || read.get(key) != Some(value));
    }
    if let Some(Value::Object(overview)) = fields.get_mut("overview") {
        for key in ["agent_id", "primary_format"] {
            read_only(overview, key, &read["overview"], "overview")?;
        }
    }
    if let Some(Value::Object(look)) = fields.get_mut("look") {
        read_only(look, "reference_images", &read["look"], "look")?;
    }
    if let Some(Value::Array(items)) = fields.get_mut("inspiration") {
        for (index, item) in items.iter_mut().enumerate() {
            if let Value::Object(item) = item {
                settle_inspiration(item, index, &read["inspiration"])?;
            }
        }
    }
    for list in ["accounts", "linked_accounts"] {
        if let Some(Value::Array(items)) = fields.get_mut(list) {
            for (index, item) in items.iter_mut().enumerate() {
                if let Value::Object(item) = item {
                    read_only(item, "agent_id", read, &format!("{list}[{index}]"))?;
                }
            }
        }
    }
    Ok(Value::Object(fields))
}

/// Whether a top-level key belongs to the flat shape only.
fn is_flat(key: &str) -> bool {
    !SECTION_KEYS.contains(&key) && key != "personality" && key != "agent_id"
}

/// Drops `key` from `fields` when it holds what `shown` (the read) holds there; refuses it
/// otherwise.
fn read_only(
    fields: &mut Map<String, Value>,
    key: &str,
    shown: &Value,
    at: &str,
) -> Result<(), FieldError> {
    let Some(value) = fields.remove(key) else {
        return Ok(());
    };
    if same(&value, &shown[key]) {
        Ok(())
    } else {
        Err(FieldError::new(
            format!("{at}.{key}"),
            format!(
                "is read-only (a read shows {}); leave it as read or out",
                shown[key]
            ),
        ))
    }
}

/// An inspiration item's read-only fields: `item_type` is always `account`, and `handle`
/// mirrors `url` (the item's current one, or the new one the client sends).
fn settle_inspiration(
    item: &mut Map<String, Value>,
    index: usize,
    shown: &Value,
) -> Result<(), FieldError> {
    let at = |key: &str| format!("inspiration[{index}].{key}");
    if let Some(kind) = item.remove("item_type")
        && kind != "account"
    {
        return Err(FieldError::new(
            at("item_type"),
            "is read-only: inspiration lists accounts (send hashtags and keywords in monitored)",
        ));
    }
    let Some(handle) = item.remove("handle") else {
        return Ok(());
    };
    let shown_handle = item.get("id").and_then(|id| {
        shown
            .as_array()?
            .iter()
            .find(|read| same(&read["id"], id))
            .map(|read| &read["handle"])
    });
    if Some(&handle) == item.get("url") || shown_handle == Some(&handle) {
        Ok(())
    } else {
        Err(FieldError::new(
            at("handle"),
            "is read-only: it mirrors url, so change url instead",
        ))
    }
}

/// JSON equality, with ids given as numbers or numeric strings counting as the same.
fn same(a: &Value, b: &Value) -> bool {
    let id = |value: &Value| match value {
        Value::Number(n) => n.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    };
    a == b || id(a).is_some_and(|a| Some(a) == id(b))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read() -> Value {
        json!({
            "agent_id": 7,
            "brand_name": "Tacos",
            "personality": "Warm.",
            "overview": {"agent_id": 7, "brand_name": "Tacos", "primary_format": null, "goal": "growth"},
            "look": {"description": null, "reference_images": []},
            "inspiration": [{"id": 3, "url": "@keila", "handle": "@keila", "item_type": "account", "platform": "tiktok"}],
            "accounts": [{"id": 4, "url": "https://tiktok.com/@tacos"}],
        })
    }

    #[test]
    fn read_only_fields_sent_back_as_read_are_dropped() {
        let body = json!({
            "overview": {"agent_id": "7", "primary_format": null, "goal": "reach"},
            "look": {"reference_images": [], "description": "Bright."},
            "inspiration": [
                {"id": 3, "url": "@keila_new", "handle": "@keila", "item_type": "account"},
                {"url": "@nuevo", "handle": "@nuevo"}
            ],
            "accounts": [{"id": 4, "agent_id": 7, "url": "https://tiktok.com/@tacos"}],
        });
        let settled = settle(&body, &read()).unwrap();
        assert_eq!(
            settled,
            json!({
                "overview": {"goal": "reach"},
                "look": {"description": "Bright."},
                "inspiration": [{"id": 3, "url": "@keila_new"}, {"url": "@nuevo"}],
                "accounts": [{"id": 4, "url": "https://tiktok.com/@tacos"}],
            })
        );
    }

    #[test]
    fn a_changed_read_only_field_is_refused_by_name() {
        for (body, field) in [
            (
                json!({"overview": {"primary_format": "vertical"}}),
                "overview.primary_format",
            ),
            (json!({"overview": {"agent_id": 8}}), "overview.agent_id"),
            (
                json!({"look": {"reference_images": [{"id": 1, "url": "x"}]}}),
                "look.reference_images",
            ),
            (
                json!({"inspiration": [{"id": 3, "url": "@keila", "handle": "@other"}]}),
                "inspiration[0].handle",
            ),
            (
                json!({"inspiration": [{"url": "#tacos", "item_type": "hashtag"}]}),
                "inspiration[0].item_type",
            ),
            (
                json!({"accounts": [{"url": "x", "agent_id": 8}]}),
                "accounts[0].agent_id",
            ),
        ] {
            assert_eq!(settle(&body, &read()).unwrap_err().field, field, "{body}");
        }
    }

    #[test]
    fn a_whole_read_sent_back_keeps_only_what_changed() {
        let mut body = read();
        body["overview"]["goal"] = json!("reach");
        let settled = settle(&body, &read()).unwrap();
        assert_eq!(
            settled,
            json!({"agent_id": 7, "overview": {"brand_name": "Tacos", "goal": "reach"}})
        );
        // A flat field changed beside unchanged sections makes a flat patch.
        let mut body = read();
        body["brand_name"] = json!("Tortas");
        let settled = settle(&body, &read()).unwrap();
        assert_eq!(settled, json!({"agent_id": 7, "brand_name": "Tortas"}));
    }
}
