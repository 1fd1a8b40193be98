//! The agent's content-idea preferences: durable rules every ideas run obeys. They are kept as
//! the bulleted list of Agent Core's `content_idea_preferences` (the profile's
//! `brand.content_idea_preferences`), one rule a line after `- `, so the profile and the rules
//! can never disagree.
//!
//! Three messages are handled by rules rather than the model, as GEN documents them:
//! `remember: …` (also GEN SDK's "Remember this content preference for all future ideas: …")
//! adds rules, one a sentence; `forget: …` removes the rule it means (ranked here by shared
//! words; the model settles a tie); "list all my current preferences" lists them.
//!
//! The constraints a rule states plainly are checked on what a run writes, not only put in
//! its prompt: question hooks refused, a longest duration, phrases never to say.

use super::IdeaContent;

/// A preference command in a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// New rules, one a sentence.
    Remember(Vec<String>),
    /// The words saying which rule to drop.
    Forget(String),
    /// Show the rules.
    List,
}

/// The prefixes that make a message a command, lowercase, longest first.
const REMEMBER: [&str; 4] = [
    "remember this content preference for all future ideas:",
    "remember this preference:",
    "remember:",
    "remember that",
];
const FORGET: [&str; 2] = ["forget:", "forget that"];

/// The command `message` states, if it states one.
pub fn command(message: &str) -> Option<Command> {
    let text = message.trim();
    let lower = text.to_lowercase();
    if let Some(rest) = strip_any(text, &lower, &REMEMBER) {
        let rules = sentences(rest);
        return (!rules.is_empty()).then_some(Command::Remember(rules));
    }
    if let Some(rest) = strip_any(text, &lower, &FORGET) {
        let rest = rest.trim();
        return (!rest.is_empty()).then(|| Command::Forget(rest.to_owned()));
    }
    let asks_to_list =
        (lower.contains("list") || lower.contains("show") || lower.contains("what are"))
            && lower.contains("preferences")
            && lower.split_whitespace().count() <= 10;
    asks_to_list.then_some(Command::List)
}

/// `text` after the first of `prefixes` it starts with (compared lowercase).
fn strip_any<'a>(text: &'a str, lower: &str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .find(|prefix| lower.starts_with(*prefix))
        .and_then(|prefix| text.get(prefix.len()..))
}

/// The sentences of `text`, each trimmed, without its closing full stop.
fn sentences(text: &str) -> Vec<String> {
    text.split(['\n', '.'])
        .map(|part| part.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rules in a bulleted list (lines after `- `, `* ` or `• `, or plain lines).
pub fn rules(bulleted: Option<&str>) -> Vec<String> {
    bulleted
        .unwrap_or_default()
        .lines()
        .map(|line| line.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The rules as a bulleted list; `None` for none.
pub fn bulleted(rules: &[String]) -> Option<String> {
    (!rules.is_empty()).then(|| {
        rules
            .iter()
            .map(|rule| format!("- {rule}"))
            .collect::<Vec<_>>()
            .join("\n")
    })
}

/// `existing` with `new` added after it, a rule already there (in any case) not twice.
pub fn remembered(existing: &[String], new: &[String]) -> Vec<String> {
    let mut rules = existing.to_vec();
    for rule in new {
        if !rules.iter().any(|known| known.eq_ignore_ascii_case(rule)) {
            rules.push(rule.clone());
        }
    }
    rules
}

/// The rules `words` may mean, best first, by the words they share (none shared: none).
pub fn candidates<'a>(rules: &'a [String], words: &str) -> Vec<&'a String> {
    let asked = significant_words(words);
    let mut scored: Vec<(usize, &String)> = rules
        .iter()
        .map(|rule| {
            let shared = significant_words(rule)
                .iter()
                .filter(|word| asked.contains(word))
                .count();
            (shared, rule)
        })
        .filter(|(shared, _)| *shared > 0)
        .collect();
    scored.sort_by_key(|(shared, _)| std::cmp::Reverse(*shared));
    scored.into_iter().map(|(_, rule)| rule).collect()
}

/// Lowercase words of four letters or more (or numbers), so "the", "that", "rule" and "about"
/// count for little.
fn significant_words(text: &str) -> Vec<String> {
    const FILLER: [&str; 8] = [
        "that", "rule", "about", "this", "again", "allow", "never", "always",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| {
            (word.len() >= 4 || word.chars().all(|c| c.is_ascii_digit())) && !word.is_empty()
        })
        .filter(|word| !FILLER.contains(&word.as_str()))
        .collect()
}

/// A rule stated plainly enough to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// Hooks are statements: none ends with `?`.
    NoQuestionHooks,
    /// Ideas run at most this many seconds.
    MaxSeconds(u32),
    /// Never say this (lowercase).
    Never(String),
}

/// The constraints `rules` state.
pub fn constraints(rules: &[String]) -> Vec<Constraint> {
    let mut found = Vec::new();
    for rule in rules {
        let lower = rule.to_lowercase();
        let no_questions = lower.contains("statement hook")
            || (lower.contains("question") && lower.contains("hook") && negated(&lower));
        if no_questions && !found.contains(&Constraint::NoQuestionHooks) {
            found.push(Constraint::NoQuestionHooks);
        }
        if let Some(seconds) = longest_seconds(&lower) {
            found.push(Constraint::MaxSeconds(seconds));
        }
        for marker in [
            "never say ",
            "never use the word ",
            "never use the phrase ",
            "never mention ",
        ] {
            if let Some(rest) = lower.split_once(marker).map(|(_, rest)| rest) {
                let phrase = rest.trim().trim_matches(['"', '\'', '“', '”', '.']).trim();
                let quoted_or_short = phrase.split_whitespace().count() <= 3;
                if !phrase.is_empty() && quoted_or_short && !phrase.contains("competitor") {
                    found.push(Constraint::Never(phrase.to_owned()));
                }
            }
        }
    }
    found
}

fn negated(lower: &str) -> bool {
    ["never", "no ", "don't", "do not", "avoid", "without"]
        .iter()
        .any(|word| lower.contains(word))
}

/// "under 15 seconds", "at most 20 s", "no longer than 12 seconds", "skip anything over 20".
fn longest_seconds(lower: &str) -> Option<u32> {
    for marker in [
        "under ",
        "at most ",
        "no longer than ",
        "over ",
        "max ",
        "maximum ",
    ] {
        let Some((_, rest)) = lower.split_once(marker) else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = rest[digits.len()..].trim_start();
        let is_seconds = after.starts_with("sec") || after.starts_with("s ") || after == "s";
        let skips_over = marker == "over " && lower.contains("skip");
        if let Ok(seconds) = digits.parse::<u32>()
            && (is_seconds || skips_over)
        {
            return Some(seconds);
        }
    }
    None
}

/// How an idea breaks a constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub constraint: Constraint,
    /// What to fix, for a retry's prompt.
    pub fix: String,
}

/// The constraints `idea` breaks.
pub fn violations(idea: &IdeaContent, constraints: &[Constraint]) -> Vec<Violation> {
    let mut broken = Vec::new();
    for constraint in constraints {
        let fix = match constraint {
            Constraint::NoQuestionHooks if idea.hook.trim_end().ends_with('?') => {
                Some("the hook must be a statement, not a question".to_owned())
            }
            Constraint::MaxSeconds(most)
                if idea
                    .estimated_duration
                    .is_some_and(|seconds| seconds > *most) =>
            {
                Some(format!("the video must run at most {most} seconds"))
            }
            Constraint::Never(phrase) => {
                let said = [&idea.title, &idea.hook, &idea.full_script]
                    .iter()
                    .any(|text| text.to_lowercase().contains(phrase.as_str()));
                said.then(|| format!("never say \"{phrase}\""))
            }
            _ => None,
        };
        if let Some(fix) = fix {
            broken.push(Violation {
                constraint: constraint.clone(),
                fix,
            });
        }
    }
    broken
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ideas::{IdeaData, VideoType};

    #[test]
    fn the_documented_and_the_sdks_wordings_are_commands() {
        assert_eq!(
            command(
                "remember: always use statement hooks, never question hooks. target women 25-34."
            ),
            Some(Command::Remember(vec![
                "always use statement hooks, never question hooks".into(),
                "target women 25-34".into()
            ]))
        );
        assert_eq!(
            command("Remember this content preference for all future ideas: no corporate-speak"),
            Some(Command::Remember(vec!["no corporate-speak".into()]))
        );
        assert_eq!(
            command("forget: that rule about statement hooks. allow questions in hooks again."),
            Some(Command::Forget(
                "that rule about statement hooks. allow questions in hooks again.".into()
            ))
        );
        assert_eq!(
            command("list all my current preferences"),
            Some(Command::List)
        );
        assert_eq!(command("What are my preferences?"), Some(Command::List));
        assert_eq!(command("generate 5 content ideas"), None);
        assert_eq!(command("remember:   "), None);
    }

    #[test]
    fn rules_round_trip_through_the_bulleted_list_without_repeats() {
        let rules = rules(Some(
            "- always use statement hooks\n* target women 25-34\n\n",
        ));
        assert_eq!(rules, ["always use statement hooks", "target women 25-34"]);
        let more = remembered(&rules, &["Target women 25-34".into(), "no politics".into()]);
        assert_eq!(more.len(), 3);
        assert_eq!(
            bulleted(&more).as_deref(),
            Some("- always use statement hooks\n- target women 25-34\n- no politics")
        );
        assert_eq!(bulleted(&[]), None);
    }

    #[test]
    fn forgetting_ranks_the_rules_by_shared_words() {
        let rules = vec![
            "target women 25-34".to_owned(),
            "always use statement hooks, never question hooks".to_owned(),
        ];
        let ranked = candidates(&rules, "that rule about statement hooks");
        assert_eq!(ranked[0], &rules[1]);
        assert!(candidates(&rules, "the rule").is_empty());
    }

    fn idea(hook: &str, seconds: u32, script: &str) -> IdeaContent {
        IdeaContent {
            title: "Night routine".into(),
            hook: hook.into(),
            full_script: script.into(),
            description: None,
            video_type: VideoType::Montage,
            estimated_duration: Some(seconds),
            aspect_ratio: "9:16".into(),
            data: IdeaData::default(),
        }
    }

    #[test]
    fn plainly_stated_rules_are_checked_on_an_idea() {
        let rules = vec![
            "never use question hooks".to_owned(),
            "keep every video under 15 seconds".to_owned(),
            "never say \"game changer\"".to_owned(),
            "never mention competitors by name".to_owned(),
        ];
        let constraints = constraints(&rules);
        assert_eq!(
            constraints,
            [
                Constraint::NoQuestionHooks,
                Constraint::MaxSeconds(15),
                Constraint::Never("game changer".into())
            ]
        );
        let good = idea("This serum fixed my skin.", 12, "Short and true.");
        assert!(violations(&good, &constraints).is_empty());
        let bad = idea("Want glass skin?", 20, "A game changer, honestly.");
        let fixes: Vec<String> = violations(&bad, &constraints)
            .into_iter()
            .map(|v| v.fix)
            .collect();
        assert_eq!(fixes.len(), 3, "{fixes:?}");
        assert_eq!(
            constraints_of("90% of ideas should be 10-14 seconds; skip anything over 20"),
            [Constraint::MaxSeconds(20)]
        );
        assert_eq!(
            constraints_of("always use statement hooks"),
            [Constraint::NoQuestionHooks]
        );
        assert!(constraints_of("allow questions in hooks").is_empty());
    }

    fn constraints_of(rule: &str) -> Vec<Constraint> {
        constraints(&[rule.to_owned()])
    }
}
