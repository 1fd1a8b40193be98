//! `{{name}}` substitution, the one function every prompt and text goes through. A name is
//! looked up, ignoring case and surrounding spaces, first in the card's own `variables`, then
//! in the engine's global variables, then among the row's cells by column title. A name found
//! nowhere (or only in an empty cell) stays in the text as written and is reported, so
//! nothing is ever silently emptied. Values are inserted as they are, never substituted again.

use serde_json::{Map, Value};

/// The longest name inside `{{ }}`.
const MAX_NAME_CHARS: usize = 100;

/// Where names are looked up, in order of precedence.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sources<'a> {
    /// The card's own `variables` object.
    pub card: Option<&'a Map<String, Value>>,
    /// The engine's global variables, as (key, value).
    pub globals: &'a [(String, String)],
    /// The row's cells, as (column title, value); `None` for an empty cell.
    pub cells: &'a [(String, Option<String>)],
}

/// A text after substitution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Substituted {
    pub text: String,
    /// The names left unresolved, each once, in order of first appearance.
    pub unresolved: Vec<String>,
}

/// Replaces every `{{name}}` in `text` that `sources` can resolve.
pub fn substitute(text: &str, sources: &Sources<'_>) -> Substituted {
    let mut out = String::with_capacity(text.len());
    let mut unresolved: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}").map(|end| (end, &after[..end])) {
            Some((end, raw)) if is_name(raw) => {
                let name = raw.trim();
                match lookup(name, sources) {
                    Some(value) => out.push_str(&value),
                    None => {
                        out.push_str(&rest[start..start + 2 + end + 2]);
                        if !unresolved.iter().any(|u| u.eq_ignore_ascii_case(name)) {
                            unresolved.push(name.to_owned());
                        }
                    }
                }
                rest = &after[end + 2..];
            }
            _ => {
                // Not a reference: keep one brace and look again from the next character.
                out.push('{');
                rest = &rest[start + 1..];
            }
        }
    }
    out.push_str(rest);
    Substituted {
        text: out,
        unresolved,
    }
}

/// The names `text` refers to, each once, in order.
pub fn references(text: &str) -> Vec<String> {
    substitute(text, &Sources::default()).unresolved
}

fn is_name(raw: &str) -> bool {
    let name = raw.trim();
    !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && !name.contains(['{', '}', '\n', '\r'])
}

fn lookup(name: &str, sources: &Sources<'_>) -> Option<String> {
    let matches = |key: &str| key.trim().to_lowercase() == name.to_lowercase();
    if let Some(card) = sources.card {
        let found = card
            .iter()
            .find(|(key, value)| matches(key) && !value.is_null())
            .map(|(_, value)| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
        if found.is_some() {
            return found;
        }
    }
    if let Some((_, value)) = sources.globals.iter().find(|(key, _)| matches(key)) {
        return Some(value.clone());
    }
    sources
        .cells
        .iter()
        .find(|(title, value)| matches(title) && value.is_some())
        .and_then(|(_, value)| value.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn globals() -> Vec<(String, String)> {
        vec![
            ("brand_name".into(), "Acme".into()),
            ("topic".into(), "global topic".into()),
        ]
    }

    fn cells() -> Vec<(String, Option<String>)> {
        vec![
            ("TEXT 1".into(), Some("tacos".into())),
            ("topic".into(), Some("cell topic".into())),
            ("SCRIPT".into(), None),
        ]
    }

    #[test]
    fn card_variables_win_over_globals_which_win_over_cells() {
        let card = json!({"topic": "card topic"});
        let (globals, cells) = (globals(), cells());
        let all = Sources {
            card: card.as_object(),
            globals: &globals,
            cells: &cells,
        };
        assert_eq!(substitute("{{topic}}", &all).text, "card topic");
        let no_card = Sources { card: None, ..all };
        assert_eq!(substitute("{{topic}}", &no_card).text, "global topic");
        let cells_only = Sources {
            cells: &cells,
            ..Sources::default()
        };
        assert_eq!(substitute("{{topic}}", &cells_only).text, "cell topic");
    }

    #[test]
    fn names_ignore_case_and_spaces_and_columns_are_found_by_title() {
        let (globals, cells) = (globals(), cells());
        let sources = Sources {
            card: None,
            globals: &globals,
            cells: &cells,
        };
        let out = substitute("{{ Brand_Name }} on {{text 1}}", &sources);
        assert_eq!(out.text, "Acme on tacos");
        assert!(out.unresolved.is_empty());
    }

    #[test]
    fn unknown_names_and_empty_cells_stay_visible_and_are_reported_once() {
        let (globals, cells) = (globals(), cells());
        let sources = Sources {
            card: None,
            globals: &globals,
            cells: &cells,
        };
        let out = substitute("{{cta}} {{SCRIPT}} {{CTA}} {{brand_name}}", &sources);
        assert_eq!(out.text, "{{cta}} {{SCRIPT}} {{CTA}} Acme");
        assert_eq!(out.unresolved, vec!["cta", "SCRIPT"]);
    }

    #[test]
    fn values_are_inserted_once_and_never_substituted_again() {
        let globals = vec![
            ("a".to_owned(), "{{b}}".to_owned()),
            ("b".into(), "loop".into()),
        ];
        let sources = Sources {
            globals: &globals,
            ..Sources::default()
        };
        let out = substitute("{{a}}", &sources);
        assert_eq!(out.text, "{{b}}");
        assert!(out.unresolved.is_empty());
    }

    #[test]
    fn text_that_is_not_a_reference_is_left_alone() {
        let globals = globals();
        let sources = Sources {
            globals: &globals,
            ..Sources::default()
        };
        for text in [
            "{{}}",
            "{{ }}",
            "a {{ b",
            "}} {{",
            "{single}",
            "{{line\nbreak}}",
            "",
        ] {
            let out = substitute(text, &sources);
            assert_eq!(out.text, text);
            assert!(out.unresolved.is_empty(), "{text:?}");
        }
        assert_eq!(substitute("{{{brand_name}}}", &sources).text, "{Acme}");
    }

    #[test]
    fn card_values_that_are_not_strings_are_written_as_json_and_null_falls_through() {
        let card = json!({"count": 3, "flag": true, "brand_name": null});
        let globals = globals();
        let sources = Sources {
            card: card.as_object(),
            globals: &globals,
            cells: &[],
        };
        assert_eq!(
            substitute("{{count}} {{flag}} {{brand_name}}", &sources).text,
            "3 true Acme"
        );
    }

    #[test]
    fn references_lists_each_name_once() {
        assert_eq!(
            references("Write about {{TEXT 1}} for {{brand_name}} and {{TEXT 1}}"),
            vec!["TEXT 1", "brand_name"]
        );
    }
}
