//! The template data files: their format and every rule a template must follow before it is
//! loaded. A template that breaks a rule is refused whole, with the file and the reason.

use std::collections::HashSet;

use ace_domain::FieldError;
use ace_domain::ideas::VideoType;
use ace_domain::sheet::column::{self, ColumnKind, ColumnRole};
use ace_domain::sheet::layer::{self, LayerKind};
use ace_domain::sheet::variables::{Sources, references, substitute};
use ace_domain::sheet::{ASPECT_RATIOS, card};
use ace_render::stack::{Canvas, LayerRecord, Stack};
use ace_render::text_placement;
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// One template file.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateFile {
    pub slug: String,
    pub title: String,
    pub description: String,
    pub video_type: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub cover: Option<String>,
    pub tutorial_url: Option<String>,
    pub aspect_ratio: String,
    #[serde(default)]
    pub variables: Vec<TemplateVariable>,
    pub columns: Vec<TemplateColumn>,
    pub rows: Vec<TemplateRow>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateVariable {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateColumn {
    pub title: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub role: String,
    pub description: Option<String>,
    pub creation_card: Option<Value>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateRow {
    /// Values of card-less ingredient cells, by column title.
    #[serde(default)]
    pub values: Map<String, Value>,
    /// The video cell's layers, back to front.
    #[serde(default)]
    pub layers: Vec<TemplateLayer>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateLayer {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub additional_attributes: Value,
}

/// A checked template: its columns' kinds and roles are known good.
#[derive(Clone, Debug)]
pub struct Template {
    pub file: TemplateFile,
    pub columns: Vec<(ColumnKind, ColumnRole)>,
    pub layer_kinds: Vec<Vec<LayerKind>>,
}

/// Parses and checks one template file.
pub fn parse(bytes: &[u8]) -> Result<Template, String> {
    let file: TemplateFile =
        serde_json::from_slice(bytes).map_err(|err| format!("not a template file: {err}"))?;
    check(file).map_err(|err| err.to_string())
}

fn check(file: TemplateFile) -> Result<Template, FieldError> {
    let slug_ok = !file.slug.is_empty()
        && file.slug.len() <= 60
        && file
            .slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !slug_ok {
        return Err(FieldError::new(
            "slug",
            "must be lowercase letters, digits and hyphens",
        ));
    }
    if file.title.trim().is_empty() || file.description.trim().is_empty() {
        return Err(FieldError::new(
            "title",
            "and description must not be blank",
        ));
    }
    if !VideoType::templated().any(|kind| kind.as_str() == file.video_type) {
        let names: Vec<&str> = VideoType::templated().map(VideoType::as_str).collect();
        return Err(FieldError::new(
            "video_type",
            format!("must be one of {}", names.join(", ")),
        ));
    }
    if !ASPECT_RATIOS.contains(&file.aspect_ratio.as_str()) {
        return Err(FieldError::new(
            "aspect_ratio",
            format!("must be one of {}", ASPECT_RATIOS.join(", ")),
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for (i, variable) in file.variables.iter().enumerate() {
        let key = variable.key.trim();
        if key.is_empty()
            || key.contains(['{', '}'])
            || names.iter().any(|n| n.eq_ignore_ascii_case(key))
        {
            return Err(FieldError::new(
                format!("variables[{i}].key"),
                "must be a unique name without braces",
            ));
        }
        names.push(key.to_owned());
    }
    let mut columns = Vec::new();
    for (i, column) in file.columns.iter().enumerate() {
        let at = |field: &str| format!("columns[{i}].{field}");
        let title = column::title(&at("title"), &column.title)?;
        if names.iter().any(|n| n.eq_ignore_ascii_case(&title)) {
            return Err(FieldError::new(
                at("title"),
                "repeats another column title or a variable key",
            ));
        }
        names.push(title);
        let kind = column.kind.parse::<ColumnKind>().map_err(|()| {
            FieldError::new(at("type"), "must be text, image, video, audio or stats")
        })?;
        let role = column.role.parse::<ColumnRole>().map_err(|()| {
            FieldError::new(
                at("role"),
                "must be ingredient, video, final_video or stats",
            )
        })?;
        if column.creation_card.is_some() && role != ColumnRole::Ingredient {
            return Err(FieldError::new(
                at("creation_card"),
                "belongs on ingredient columns only",
            ));
        }
        columns.push((kind, role));
    }
    for role in [ColumnRole::Video, ColumnRole::FinalVideo, ColumnRole::Stats] {
        if columns.iter().filter(|(_, r)| *r == role).count() != 1 {
            return Err(FieldError::new(
                "columns",
                format!("must hold exactly one {} column", role.as_str()),
            ));
        }
    }
    let titles: Vec<&str> = file.columns.iter().map(|c| c.title.trim()).collect();
    let column_named = |name: &str| {
        titles
            .iter()
            .position(|t| t.eq_ignore_ascii_case(name.trim()))
    };
    let known = |name: &str| names.iter().any(|n| n.eq_ignore_ascii_case(name.trim()));
    for (i, column) in file.columns.iter().enumerate() {
        let Some(creation_card) = &column.creation_card else {
            continue;
        };
        let at = format!("columns[{i}].creation_card");
        card::check(creation_card).map_err(|err| err.within(&at))?;
        for (field, value) in creation_card["data"].as_object().into_iter().flatten() {
            for text in strings(value) {
                if field.ends_with("_var") || field.ends_with("_vars") {
                    if column_named(text).is_none() {
                        return Err(FieldError::new(
                            format!("{at}.data.{field}"),
                            format!("names no column {text:?}"),
                        ));
                    }
                } else if let Some(unknown) = references(text).into_iter().find(|name| !known(name))
                {
                    return Err(FieldError::new(
                        format!("{at}.data.{field}"),
                        format!("refers to unknown {{{{{unknown}}}}}"),
                    ));
                }
            }
        }
    }
    let mut layer_kinds = Vec::new();
    for (r, row) in file.rows.iter().enumerate() {
        for title in row.values.keys() {
            let ok = column_named(title).is_some_and(|c| {
                columns[c].1 == ColumnRole::Ingredient && file.columns[c].creation_card.is_none()
            });
            if !ok {
                return Err(FieldError::new(
                    format!("rows[{r}].values.{title}"),
                    "must name a card-less ingredient column",
                ));
            }
        }
        let mut kinds = Vec::new();
        for (l, layer) in row.layers.iter().enumerate() {
            let at = format!("rows[{r}].layers[{l}]");
            layer::name(&format!("{at}.name"), &layer.name)?;
            kinds.push(LayerKind::parse(&format!("{at}.type"), &layer.kind)?);
            let refs = layer::check_attributes(&layer.additional_attributes)
                .map_err(|err| err.within(&at))?;
            if !refs.resources.is_empty() {
                return Err(FieldError::new(
                    format!("{at}.additional_attributes.src"),
                    "has no resources to name in a template",
                ));
            }
            if refs
                .source_column
                .is_some_and(|source| column_named(&source).is_none())
            {
                return Err(FieldError::new(
                    format!("{at}.additional_attributes.source_column"),
                    "names no column",
                ));
            }
            if let Some(unknown) = layer.additional_attributes["content"]
                .as_str()
                .map(references)
                .and_then(|names| names.into_iter().find(|name| !known(name)))
            {
                return Err(FieldError::new(
                    format!("{at}.additional_attributes.content"),
                    format!("refers to unknown {{{{{unknown}}}}}"),
                ));
            }
        }
        layer_kinds.push(kinds);
        text_in_safe_area(&file, row).map_err(|err| err.within(&format!("rows[{r}]")))?;
    }
    if file.rows.is_empty() {
        return Err(FieldError::new(
            "rows",
            "must hold at least one example row",
        ));
    }
    let unique: HashSet<&str> = file.tags.iter().map(String::as_str).collect();
    if unique.len() != file.tags.len() {
        return Err(FieldError::new("tags", "must not repeat"));
    }
    Ok(Template {
        file,
        columns,
        layer_kinds,
    })
}

/// A text as long as a generated hook or line may be, for the safe-area rule.
const SAMPLE_TEXT: &str = "Most people get this one thing wrong every day";
/// A caption line as the transcriber cuts them (four words), with long words.
const SAMPLE_CAPTION: [&str; 4] = ["Nobody", "measures", "everything", "properly"];

/// The row's text and caption layers, filled with the template's variables, the row's values
/// and, for generated columns, a sample as long as they get, must sit inside TikTok's safe
/// area, or a video made from the template would fail its own quality gate.
fn text_in_safe_area(file: &TemplateFile, row: &TemplateRow) -> Result<(), FieldError> {
    let globals: Vec<(String, String)> = file
        .variables
        .iter()
        .map(|v| (v.key.clone(), v.value.clone()))
        .collect();
    let cells: Vec<(String, Option<String>)> = file
        .columns
        .iter()
        .map(|column| {
            let value = row.values.get(&column.title).and_then(Value::as_str);
            (
                column.title.clone(),
                Some(value.unwrap_or(SAMPLE_TEXT).to_owned()),
            )
        })
        .collect();
    let sources = Sources {
        card: None,
        globals: &globals,
        cells: &cells,
    };
    let words: Vec<Value> = SAMPLE_CAPTION
        .iter()
        .enumerate()
        .map(|(i, word)| json!({"word": word, "startMs": i * 400, "endMs": i * 400 + 400}))
        .collect();
    let records: Vec<LayerRecord> = row
        .layers
        .iter()
        .enumerate()
        .filter(|(_, layer)| matches!(layer.kind.as_str(), "text" | "caption" | "captions"))
        .map(|(position, layer)| {
            let mut attributes = layer.additional_attributes.clone();
            if let Some(content) = attributes["content"].as_str() {
                attributes["content"] = substitute(content, &sources).text.into();
            } else if layer.kind == "text" {
                attributes["content"] = SAMPLE_TEXT.into();
            }
            if layer.kind.starts_with("caption") {
                attributes["captions"] = json!([{"startMs": 0, "endMs": 1600, "words": words}]);
            }
            LayerRecord {
                name: layer.name.clone(),
                kind: layer.kind.clone(),
                position: i64::try_from(position).unwrap_or(i64::MAX),
                additional_attributes: attributes,
            }
        })
        .collect();
    let canvas = Canvas::for_aspect_ratio(Some(&file.aspect_ratio))
        .ok_or_else(|| FieldError::new("aspect_ratio", "is not a canvas ace renders"))?;
    let stack = Stack::read(canvas, &records, false)
        .map_err(|err| FieldError::new("layers", err.to_string()))?;
    let outside = text_placement(canvas, &stack.layers).outside();
    if outside.is_empty() {
        Ok(())
    } else {
        Err(FieldError::new(
            "layers",
            format!(
                "must keep text inside TikTok's safe area, with text as long as it gets: {}",
                outside.join("; ")
            ),
        ))
    }
}

/// The strings in a card field: itself, or the strings of a list.
fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(text) => vec![text.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_template_passes_every_rule() {
        for (name, bytes) in super::super::EMBEDDED {
            if let Err(reason) = parse(bytes.as_bytes()) {
                panic!("{name}: {reason}");
            }
        }
    }

    #[test]
    fn the_library_covers_every_video_type() {
        let types: HashSet<String> = super::super::EMBEDDED
            .iter()
            .map(|(_, bytes)| parse(bytes.as_bytes()).unwrap().file.video_type)
            .collect();
        assert_eq!(types.len(), VideoType::templated().count());
    }

    fn talking_avatar() -> Value {
        serde_json::from_str(super::super::EMBEDDED[0].1).unwrap()
    }

    fn refused(mut file: Value, change: impl FnOnce(&mut Value)) -> String {
        change(&mut file);
        parse(&serde_json::to_vec(&file).unwrap()).unwrap_err()
    }

    #[test]
    fn an_unknown_reference_in_a_prompt_is_refused() {
        let reason = refused(talking_avatar(), |f| {
            let cards = f["columns"].as_array_mut().unwrap();
            let column = cards
                .iter_mut()
                .find(|c| c["creation_card"]["generation_type"] == "text")
                .unwrap();
            column["creation_card"]["data"]["prompt"] = "About {{nothing_here}}".into();
        });
        assert!(reason.contains("nothing_here"), "{reason}");
    }

    #[test]
    fn a_layer_the_renderer_could_not_draw_is_refused() {
        let reason = refused(talking_avatar(), |f| {
            f["rows"][0]["layers"][0]["additional_attributes"]["from"] = (-5).into();
        });
        assert!(
            reason.contains("rows[0].layers[0].additional_attributes.from"),
            "{reason}"
        );
    }

    #[test]
    fn text_under_tiktoks_buttons_is_refused() {
        let reason = refused(talking_avatar(), |f| {
            let hook = f["rows"][0]["layers"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .find(|layer| layer["name"] == "Hook")
                .unwrap();
            hook["additional_attributes"]["top"] = 1700.into();
        });
        assert!(
            reason.contains("rows[0].layers")
                && reason.contains("\"Hook\" reaches y")
                && reason.contains("the area ends at 1600"),
            "{reason}"
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let reason = refused(talking_avatar(), |f| {
            f["colour"] = "blue".into();
        });
        assert!(reason.contains("colour"), "{reason}");
    }
}
