//! The limits a `text` card states in plain words, read from its prompt so a generator can
//! hold the answer to them: "Return only the line" (one line, no speaker label, no stage
//! directions, no preamble), word limits ("at most eight words", "(50-60 words)"), sentence
//! limits, "no emojis, hashtags or quotation marks", a required start (`starts with "POV:"`)
//! and a required ending ("End with exactly: ..."). [`Rules::check`] says what an answer
//! breaks; [`Rules::conform`] cleans an answer and, as a last resort, cuts it at a word.

use std::fmt;

/// What a prompt asks of its answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    /// One line: no line breaks.
    pub single_line: bool,
    /// The answer alone: no preamble ("Here is..."), speaker label or stage directions.
    pub answer_only: bool,
    pub min_words: Option<usize>,
    pub max_words: Option<usize>,
    pub max_sentences: Option<usize>,
    pub no_emojis: bool,
    pub no_hashtags: bool,
    pub no_quotes: bool,
    /// The answer must begin with this.
    pub starts_with: Option<String>,
    /// The answer must end with this.
    pub ends_with: Option<String>,
}

/// A way an answer breaks its rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    Empty,
    LineBreak,
    TooManyWords {
        words: usize,
        max: usize,
    },
    TooFewWords {
        words: usize,
        min: usize,
    },
    TooManySentences {
        sentences: usize,
        max: usize,
    },
    Emoji,
    Hashtag,
    Quotes,
    StageDirection,
    SpeakerLabel,
    Preamble,
    Start(String),
    End(String),
    /// It declines instead of answering ("I'm sorry, but I can't ...").
    Refusal,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::Empty => f.write_str("it is empty"),
            Violation::LineBreak => f.write_str("it runs over more than one line"),
            Violation::TooManyWords { words, max } => write!(f, "{words} words, over {max}"),
            Violation::TooFewWords { words, min } => write!(f, "{words} words, under {min}"),
            Violation::TooManySentences { sentences, max } => {
                write!(f, "{sentences} sentences, over {max}")
            }
            Violation::Emoji => f.write_str("it has emojis"),
            Violation::Hashtag => f.write_str("it has hashtags"),
            Violation::Quotes => f.write_str("it has quotation marks"),
            Violation::StageDirection => f.write_str("it has stage directions"),
            Violation::SpeakerLabel => f.write_str("it starts with a speaker's label"),
            Violation::Preamble => f.write_str("it starts with a preamble"),
            Violation::Start(start) => write!(f, "it does not start with {start:?}"),
            Violation::End(end) => write!(f, "it does not end with {end:?}"),
            Violation::Refusal => f.write_str("it declines to answer"),
        }
    }
}

/// Numbers as prompts spell them.
const NUMBER_WORDS: [&str; 21] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
];

/// Openings small models put before the answer.
const PREAMBLES: [&str; 8] = [
    "here is",
    "here's",
    "sure",
    "certainly",
    "of course",
    "okay",
    "ok,",
    "answer:",
];

impl Rules {
    /// Reads the rules a prompt states.
    pub fn of(prompt: &str) -> Rules {
        let lower = prompt.to_lowercase();
        let mut rules = Rules {
            single_line: [
                "only the line",
                "only the spoken line",
                "single line",
                "one line",
                "a single on-screen line",
                "one on-screen",
            ]
            .iter()
            .any(|p| lower.contains(p)),
            answer_only: lower.contains("return only") || lower.contains("reply with only"),
            ..Rules::default()
        };
        let words: Vec<&str> = lower
            .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | ';'))
            .filter(|w| !w.is_empty())
            .collect();
        let number = |word: &str| -> Option<usize> {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            word.parse()
                .ok()
                .or_else(|| NUMBER_WORDS.iter().position(|n| *n == word))
        };
        let is_unit = |word: &str, unit: &str| {
            let word = word.trim_matches(|c: char| !c.is_alphanumeric());
            word == unit || word == format!("{unit}s")
        };
        for (i, word) in words.iter().enumerate() {
            let next = |k: usize| words.get(i + k).copied().unwrap_or_default();
            // "(50-60 words)": a range governs the whole answer.
            if is_unit(next(1), "word")
                && let Some((low, high)) = word.split_once(['-', '–'])
                && let (Some(low), Some(high)) = (number(low), number(high))
            {
                rules.min_words = Some(low);
                rules.max_words = Some(high);
            }
            // "at most eight words", "no more than 12 words", "under 10 words".
            let limit = match (*word, next(1), next(2)) {
                ("at", "most", _) | ("no", "more", _) | ("up", "to", _) => {
                    let offset = if *word == "no" { 3 } else { 2 };
                    number(next(offset))
                        .filter(|_| is_unit(next(offset + 1), "word"))
                        .map(|n| (n, true))
                        .or_else(|| {
                            number(next(offset))
                                .filter(|_| is_unit(next(offset + 1), "sentence"))
                                .map(|n| (n, false))
                        })
                }
                ("under", _, _) => number(next(1))
                    .filter(|_| is_unit(next(2), "word"))
                    .map(|n| (n.saturating_sub(1), true)),
                _ => None,
            };
            match limit {
                Some((n, true)) if rules.max_words.is_none() => rules.max_words = Some(n),
                Some((n, false)) if rules.max_sentences.is_none() => rules.max_sentences = Some(n),
                _ => {}
            }
            if word.trim_end_matches(|c: char| !c.is_alphanumeric()) == "sentence"
                && matches!(
                    words.get(i.wrapping_sub(1)).copied(),
                    Some("one" | "single" | "a")
                )
                && words.get(i.wrapping_sub(2)).is_some_and(|w| *w == "in")
            {
                rules.max_sentences = Some(1);
            }
        }
        // "in six words or fewer" only where nothing else limits the length.
        if rules.max_words.is_none() {
            for (i, word) in words.iter().enumerate() {
                if words.get(i + 2..i + 4) == Some(&["or", "fewer"][..])
                    && is_unit(words[i + 1], "word")
                    && let Some(n) = number(word)
                {
                    rules.max_words = Some(n);
                }
            }
        }
        for clause in lower.split(['.', '!', '?', '\n']) {
            let clause = clause.trim();
            let negative = clause.starts_with("no ")
                || clause.contains(" no ")
                || clause.contains("without ")
                || clause.contains("with no ");
            if !negative {
                continue;
            }
            rules.no_emojis |= clause.contains("emoji");
            rules.no_hashtags |= clause.contains("hashtag");
            rules.no_quotes |= clause.contains("quotation mark") || clause.contains("quotes");
            rules.answer_only |= clause.contains("stage direction") || clause.contains("speaker");
        }
        rules.starts_with =
            quoted_after(prompt, "starts with ").or_else(|| quoted_after(prompt, "start with "));
        rules.ends_with = [
            "End with exactly:",
            "End with:",
            "Finish with exactly this line:",
            "End with exactly this line:",
        ]
        .iter()
        .find_map(|marker| ending_after(prompt, marker));
        rules
    }

    /// The tokens an answer may need: a word limit's worth with room, else `default`.
    pub fn token_budget(&self, default: usize) -> usize {
        self.max_words
            .map_or(default, |words| (words * 2 + 12).min(default.max(24)))
    }

    /// What `text` breaks.
    pub fn check(&self, text: &str) -> Vec<Violation> {
        let mut broken = Vec::new();
        let text = text.trim();
        if text.is_empty() {
            return vec![Violation::Empty];
        }
        if is_refusal(text) {
            broken.push(Violation::Refusal);
        }
        if self.single_line && text.contains('\n') {
            broken.push(Violation::LineBreak);
        }
        let words = word_count(text);
        if let Some(max) = self.max_words
            && words > max
        {
            broken.push(Violation::TooManyWords { words, max });
        }
        if let Some(min) = self.min_words
            && words < min
        {
            broken.push(Violation::TooFewWords { words, min });
        }
        if let Some(max) = self.max_sentences {
            let sentences = sentence_count(text);
            if sentences > max {
                broken.push(Violation::TooManySentences { sentences, max });
            }
        }
        if self.no_emojis && text.chars().any(is_emoji) {
            broken.push(Violation::Emoji);
        }
        if self.no_hashtags && text.split_whitespace().any(|w| w.starts_with('#')) {
            broken.push(Violation::Hashtag);
        }
        if self.no_quotes && text.chars().any(is_quote) {
            broken.push(Violation::Quotes);
        }
        if self.answer_only {
            if text.contains(['(', '[', '*']) {
                broken.push(Violation::StageDirection);
            }
            if self.labelled(text) {
                broken.push(Violation::SpeakerLabel);
            }
            if is_preamble(text) {
                broken.push(Violation::Preamble);
            }
        }
        if let Some(start) = &self.starts_with
            && !text.to_lowercase().starts_with(&start.to_lowercase())
        {
            broken.push(Violation::Start(start.clone()));
        }
        if let Some(end) = &self.ends_with
            && !text.trim_end().ends_with(end.trim_end())
        {
            broken.push(Violation::End(end.clone()));
        }
        broken
    }

    /// Whether `text` opens with a speaker's label (`A:`, `Narrator:`) that is not the start
    /// the rules ask for.
    fn labelled(&self, text: &str) -> bool {
        let Some((label, _)) = text.split_once(':') else {
            return false;
        };
        let asked = self.starts_with.as_ref().is_some_and(|start| {
            start
                .to_lowercase()
                .starts_with(&format!("{}:", label.trim().to_lowercase()))
        });
        !asked
            && !label.is_empty()
            && label.split_whitespace().count() <= 3
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || c == '\'' || c == '.')
    }

    /// `text` cleaned of what the rules forbid: the first line of the answer when one line is
    /// asked for, without preamble, speaker label, stage directions, quotes, hashtags or
    /// emojis; the asked start and ending put in; and, if it is still too long, cut at the last
    /// sentence end that fits (else at a word) before the limit.
    pub fn conform(&self, text: &str) -> String {
        let mut answer = text.trim().to_owned();
        if self.answer_only || self.single_line {
            answer = answer
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty() && !is_preamble_line(line))
                .collect::<Vec<_>>()
                .join(if self.single_line { "\n" } else { " " });
        }
        if self.single_line {
            answer = answer.lines().next().unwrap_or_default().to_owned();
        }
        if self.answer_only {
            answer = without_stage_directions(&answer);
            if self.labelled(&answer)
                && let Some((_, rest)) = answer.split_once(':')
            {
                answer = rest.trim().to_owned();
            }
        }
        if self.no_emojis {
            answer.retain(|c| !is_emoji(c));
        }
        if self.no_hashtags {
            answer = answer
                .split_whitespace()
                .filter(|w| !w.starts_with('#'))
                .collect::<Vec<_>>()
                .join(" ");
        }
        if self.no_quotes || self.answer_only {
            answer = unquoted(&answer, self.no_quotes);
        }
        answer = answer.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(start) = &self.starts_with
            && !answer.to_lowercase().starts_with(&start.to_lowercase())
        {
            answer = format!("{start} {answer}");
        }
        let ending = self
            .ends_with
            .as_ref()
            .filter(|end| !answer.ends_with(end.trim_end()))
            .cloned();
        let ending_words = ending.as_deref().map_or(0, word_count);
        if let Some(max) = self.max_words {
            let least = self
                .min_words
                .map_or(0, |min| min.saturating_sub(ending_words));
            answer = cut(&answer, max.saturating_sub(ending_words).max(1), least);
        }
        if let Some(end) = ending {
            answer = format!("{} {}", answer.trim_end(), end.trim());
        }
        if let Some(max) = self.max_sentences {
            answer = first_sentences(&answer, max);
        }
        answer.trim().to_owned()
    }

    /// The limits restated in one sentence, for the end of a prompt where a small model
    /// heeds them most: "Reply with one line of at most 8 words, and nothing else."
    pub fn summary(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.single_line {
            parts.push("one line".to_owned());
        }
        match (self.min_words, self.max_words) {
            (Some(min), Some(max)) => parts.push(format!("{min} to {max} words")),
            (None, Some(max)) => parts.push(format!("at most {max} words")),
            (Some(min), None) => parts.push(format!("at least {min} words")),
            (None, None) => {}
        }
        if let Some(start) = &self.starts_with {
            parts.push(format!("starting with {start}"));
        }
        if parts.is_empty() && !self.answer_only {
            return None;
        }
        let mut summary = if parts.is_empty() {
            "Reply with the text only".to_owned()
        } else {
            format!("Reply with {}", parts.join(", "))
        };
        if self.answer_only {
            summary.push_str(", and nothing else");
        }
        summary.push('.');
        Some(summary)
    }
}

/// Whether an answer declines the task instead of doing it.
fn is_refusal(text: &str) -> bool {
    let lower = text.trim_start().to_lowercase();
    [
        "i'm sorry",
        "i am sorry",
        "i can't assist",
        "i cannot assist",
        "as an ai",
        "i can't help",
        "i cannot help",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

/// The quoted text after `marker`: `starts with "POV:"` → `POV:`.
fn quoted_after(prompt: &str, marker: &str) -> Option<String> {
    let at = prompt.to_lowercase().find(marker)? + marker.len();
    let rest = prompt.get(at..)?.trim_start();
    let open = rest.chars().next().filter(|c| is_quote(*c))?;
    let inner = &rest[open.len_utf8()..];
    let close = inner.find(is_quote)?;
    Some(inner[..close].to_owned()).filter(|s| !s.trim().is_empty())
}

/// The sentence after `marker`: `End with exactly: Follow us. Return only...` → `Follow us.`
fn ending_after(prompt: &str, marker: &str) -> Option<String> {
    let at = prompt.to_lowercase().find(&marker.to_lowercase())? + marker.len();
    let rest = prompt.get(at..)?.trim_start();
    let end = rest
        .char_indices()
        .find(|(i, c)| {
            matches!(c, '.' | '!' | '?') && rest[i + 1..].starts_with(|n: char| n.is_whitespace())
                || *c == '\n'
        })
        .map_or(rest.len(), |(i, c)| if c == '\n' { i } else { i + 1 });
    let ending = rest[..end].trim();
    (!ending.is_empty() && !ending.contains("{{")).then(|| ending.to_owned())
}

pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

fn sentence_count(text: &str) -> usize {
    text.split(['.', '!', '?'])
        .filter(|s| s.chars().any(char::is_alphanumeric))
        .count()
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0xFE0F | 0x200D | 0x2B00..=0x2BFF)
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '“' | '”' | '„' | '«' | '»')
}

fn is_preamble(text: &str) -> bool {
    text.lines().next().is_some_and(is_preamble_line)
}

/// A line that introduces the answer rather than being it: "Here is the line:", "Sure!",
/// "Hook:".
fn is_preamble_line(line: &str) -> bool {
    let lower = line.trim().to_lowercase();
    let opener = PREAMBLES.iter().any(|p| lower.starts_with(p));
    let short = word_count(&lower) <= 8;
    short && (lower.ends_with(':') || opener && lower.ends_with(['!', '.']))
}

/// Drops `(...)`, `[...]` and `*...*` asides.
fn without_stage_directions(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closing: Option<char> = None;
    for c in text.chars() {
        match closing {
            Some(close) if c == close => closing = None,
            Some(_) => {}
            None => match c {
                '(' => closing = Some(')'),
                '[' => closing = Some(']'),
                '*' => closing = Some('*'),
                other => out.push(other),
            },
        }
    }
    out
}

/// Without wrapping quotes; with `all`, without any quotation marks.
fn unquoted(text: &str, all: bool) -> String {
    if all {
        return text.chars().filter(|c| !is_quote(*c)).collect();
    }
    let trimmed = text.trim();
    let mut chars = trimmed.chars();
    match (chars.next(), chars.next_back()) {
        (Some(open), Some(close)) if is_quote(open) && is_quote(close) => {
            let inner: String = trimmed.chars().skip(1).collect();
            let inner: String = inner.chars().take(inner.chars().count() - 1).collect();
            if inner.chars().any(is_quote) {
                trimmed.to_owned()
            } else {
                inner
            }
        }
        _ => trimmed.to_owned(),
    }
}

/// At most `max` words: up to the last sentence end that fits and keeps `least` words (and
/// two at least), else cut at a word (and a dangling comma, dash or leading word dropped).
fn cut(text: &str, max: usize, least: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if word_count(text) <= max {
        return text.to_owned();
    }
    let kept = &words[..max.min(words.len())];
    let sentence_end = kept
        .iter()
        .rposition(|w| w.ends_with(['.', '!', '?']))
        .filter(|end| end + 1 >= least.max(2));
    let kept = match sentence_end {
        Some(end) => &kept[..=end],
        None => kept,
    };
    let mut kept: Vec<&str> = kept.to_vec();
    // A cut mid-phrase should not end on a word that leads into what was cut.
    while kept.len() > 1
        && kept.last().is_some_and(|w| {
            DANGLING.contains(
                &w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
                    .as_str(),
            )
        })
    {
        kept.pop();
    }
    kept.join(" ")
        .trim_end_matches([',', ';', ':', '-', '–', '—'])
        .to_owned()
}

/// Words that lead into what follows them: a line cut after one reads unfinished.
const DANGLING: [&str; 30] = [
    "a", "an", "the", "and", "or", "but", "for", "to", "of", "in", "on", "at", "with", "by",
    "from", "is", "are", "was", "be", "like", "that", "your", "my", "our", "their", "its", "as",
    "into", "than", "so",
];

fn first_sentences(text: &str, max: usize) -> String {
    let mut count = 0;
    for (i, c) in text.char_indices() {
        if matches!(c, '.' | '!' | '?') {
            count += 1;
            if count == max {
                return text[..=i].to_owned();
            }
        }
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOOK: &str = "Write the opening on-screen line (at most eight words) of a text-only video about email for busy people. Tone: calm. No emojis, hashtags or quotation marks. Return only the line.";

    #[test]
    fn the_templates_limits_are_read_from_their_prompts() {
        let hook = Rules::of(HOOK);
        assert!(
            hook.single_line
                && hook.answer_only
                && hook.no_emojis
                && hook.no_hashtags
                && hook.no_quotes
        );
        assert_eq!(hook.max_words, Some(8));
        let script = Rules::of(
            "Write a 25-second commentary (60-70 words) about tacos. Open by pointing the viewer at what is behind you in six words or fewer. End with exactly: Follow us for more. Return only the spoken words, no stage directions, emojis or hashtags.",
        );
        assert_eq!((script.min_words, script.max_words), (Some(60), Some(70)));
        assert_eq!(script.ends_with.as_deref(), Some("Follow us for more."));
        assert!(script.answer_only && script.no_emojis && !script.single_line);
        let pov = Rules::of(
            "Write a single on-screen line that starts with \"POV:\" (at most ten words in total). No emojis or hashtags. Return only the line.",
        );
        assert_eq!(pov.starts_with.as_deref(), Some("POV:"));
        assert_eq!(pov.max_words, Some(10));
        let skit = Rules::of(
            "Write the setup line. At most 14 words, natural speech. Return only the spoken line, without the speaker's name or quotation marks.",
        );
        assert_eq!(skit.max_words, Some(14));
        assert!(skit.single_line && skit.no_quotes && skit.answer_only);
        let free =
            Rules::of("Describe the voice of a speaker in one sentence of about twenty words.");
        assert_eq!(free.max_sentences, Some(1));
        assert_eq!(free.max_words, None);
        assert_eq!(Rules::of("Tell me about tacos."), Rules::default());
    }

    #[test]
    fn a_rambling_answer_is_cleaned_down_to_the_line_it_was_asked_for() {
        let rules = Rules::of(HOOK);
        let rambling =
            "(Tiny) What's next? Is it an emergency? The end...\nFix-It Text 2019-13: Aunty.";
        assert!(!rules.check(rambling).is_empty());
        let conformed = rules.conform(rambling);
        assert_eq!(conformed, "What's next? Is it an emergency? The end...");
        assert!(
            rules.check(&conformed).is_empty(),
            "{:?}",
            rules.check(&conformed)
        );
        let labelled =
            rules.conform("Here is the line:\nNarrator: \"Your inbox is not your boss\" #focus 😀");
        assert_eq!(labelled, "Your inbox is not your boss");
        let long =
            rules.conform("You open your inbox and the whole morning quietly slips away from you");
        assert_eq!(long, "You open your inbox and the whole morning");
        assert!(rules.check(&long).is_empty());
        let sentences =
            rules.conform("Stop checking email. It steals your calm before breakfast every day.");
        assert_eq!(sentences, "Stop checking email.");
    }

    #[test]
    fn an_asked_start_and_ending_are_kept_or_put_in() {
        let pov = Rules::of(
            "A line that starts with \"POV:\" (at most ten words). Return only the line.",
        );
        assert_eq!(
            pov.conform("POV: your coffee goes cold again"),
            "POV: your coffee goes cold again"
        );
        assert_eq!(
            pov.conform("your coffee goes cold again"),
            "POV: your coffee goes cold again"
        );
        assert!(pov.check("POV: your coffee goes cold again").is_empty());
        let script = Rules::of(
            "Write it (20-30 words). End with exactly: Follow Clearhead. Return only the spoken words.",
        );
        let conformed = script.conform("Mornings are for thinking, not for answering. Put email after your first real task and watch the day change for the better.");
        assert!(conformed.ends_with("Follow Clearhead."), "{conformed}");
        assert!(word_count(&conformed) <= 30, "{conformed}");
    }
}
