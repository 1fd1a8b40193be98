//! What an idea writes into a vidsheet row, by column title (as the template library names
//! them, in any case): `TEXT 1` the topic (its title), `TEXT 2` the angle (its description),
//! `PROMPT` the direction every generator in the row reads (its script), `HOOK`, `SCRIPT`,
//! and `LINE 1`, `LINE 2`, … the script's lines after the hook. Columns it says nothing about
//! are left to their creation cards.

/// The parts of an idea a row takes.
#[derive(Clone, Copy, Debug)]
pub struct IdeaText<'a> {
    pub title: &'a str,
    pub hook: &'a str,
    pub full_script: &'a str,
    pub description: Option<&'a str>,
}

/// The value `idea` gives the column titled `column`, if any.
pub fn value_for(column: &str, idea: IdeaText<'_>) -> Option<String> {
    let column = column.trim().to_ascii_uppercase();
    let some = |text: &str| {
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    };
    match column.as_str() {
        "TEXT 1" => some(idea.title),
        "TEXT 2" => idea.description.and_then(some),
        "PROMPT" => some(idea.full_script).map(|script| format!("Keep to this script: {script}")),
        "HOOK" => some(idea.hook),
        "SCRIPT" => some(idea.full_script),
        other => {
            let number: usize = other.strip_prefix("LINE ")?.trim().parse().ok()?;
            lines_after_hook(idea)
                .into_iter()
                .nth(number.checked_sub(1)?)
        }
    }
}

/// The script's lines (its own line breaks, else its sentences), without a first one that
/// repeats the hook.
pub fn lines_after_hook(idea: IdeaText<'_>) -> Vec<String> {
    let script = idea.full_script.trim();
    let mut lines: Vec<String> = if script.contains('\n') {
        script.lines().map(str::to_owned).collect()
    } else {
        sentences(script)
    };
    lines.retain(|line| !line.trim().is_empty());
    let same = |a: &str, b: &str| {
        let plain = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        };
        plain(a) == plain(b)
    };
    if lines.first().is_some_and(|first| same(first, idea.hook)) {
        lines.remove(0);
    }
    lines
        .into_iter()
        .map(|line| line.trim().to_owned())
        .collect()
}

/// Sentences, each with its closing mark.
fn sentences(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        let ends =
            matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|next| next.is_whitespace());
        if ends {
            found.push(std::mem::take(&mut current).trim().to_owned());
        }
    }
    if !current.trim().is_empty() {
        found.push(current.trim().to_owned());
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDEA: IdeaText<'static> = IdeaText {
        title: "The $2 taco at 2am",
        hook: "I drove 40 minutes for this.",
        full_script: "I drove 40 minutes for this. The line wrapped twice around the truck! Worth it? Every bite.",
        description: Some("A late-night taco run"),
    };

    #[test]
    fn template_columns_get_the_ideas_parts() {
        assert_eq!(
            value_for("TEXT 1", IDEA).as_deref(),
            Some("The $2 taco at 2am")
        );
        assert_eq!(
            value_for("text 2", IDEA).as_deref(),
            Some("A late-night taco run")
        );
        assert_eq!(value_for("HOOK", IDEA).as_deref(), Some(IDEA.hook));
        assert_eq!(value_for("SCRIPT", IDEA).as_deref(), Some(IDEA.full_script));
        assert!(value_for("PROMPT", IDEA).unwrap().ends_with("Every bite."));
        assert_eq!(
            value_for("LINE 1", IDEA).as_deref(),
            Some("The line wrapped twice around the truck!")
        );
        assert_eq!(value_for("LINE 2", IDEA).as_deref(), Some("Worth it?"));
        assert_eq!(value_for("LINE 3", IDEA).as_deref(), Some("Every bite."));
        assert_eq!(value_for("LINE 4", IDEA), None);
        assert_eq!(value_for("LINE 0", IDEA), None);
        assert_eq!(value_for("VOICE", IDEA), None);
    }

    #[test]
    fn a_script_with_line_breaks_keeps_them_and_a_missing_description_leaves_text_2() {
        let idea = IdeaText {
            full_script: "Hook line\nSecond line. Still second.\n\nThird",
            hook: "Hook line",
            description: None,
            ..IDEA
        };
        assert_eq!(
            lines_after_hook(idea),
            ["Second line. Still second.", "Third"]
        );
        assert_eq!(value_for("TEXT 2", idea), None);
    }
}
