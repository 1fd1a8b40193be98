//! What a message asks of the agent, read by rules. The fixed commands GEN documents are
//! recognised here so they never depend on a small model: preference commands, "generate N
//! content ideas" (with GEN SDK's `. Requirements: …` and `. Use <type> format only.`),
//! refinements that name ideas by number ("make idea 1 punchier, drop idea 3, idea 2 as a
//! montage"), research ("research …"), and making a vidsheet from an idea. Anything else is
//! chat.

use serde::{Deserialize, Serialize};

use super::Depth;
use crate::ideas::VideoType;
use crate::ideas::preferences::{Command, command};

/// The most ideas one run proposes.
pub const MAX_IDEAS: u32 = 10;
/// The ideas a run proposes when the message does not say how many.
pub const DEFAULT_IDEAS: u32 = 5;

/// What a message asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Intent {
    /// `remember: …`: new preferences, one a sentence.
    Remember {
        rules: Vec<String>,
    },
    /// `forget: …`: drop the preference these words mean.
    Forget {
        words: String,
    },
    /// "list all my current preferences".
    ListPreferences,
    /// New ideas.
    Ideas {
        count: u32,
        /// This run's own requirements ("under 12 seconds").
        requirements: Vec<String>,
        video_type: Option<VideoType>,
        /// Research the topic first.
        with_research: bool,
    },
    /// Changes to the ideas of the conversation's latest set.
    Refine {
        edits: Vec<Edit>,
    },
    Research {
        topic: String,
        depth: Depth,
    },
    /// Make idea number `idea` of the latest set (or the idea with id `idea_id`) a vidsheet,
    /// and with `run`, run its row into a video.
    MakeVidsheet {
        idea: Option<u32>,
        idea_id: Option<i64>,
        sheet_id: Option<i64>,
        #[serde(default)]
        run: bool,
    },
    Chat,
}

/// One change to ideas of the latest set, named by their numbers (none: all of them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Edit {
    Drop {
        ideas: Vec<u32>,
    },
    /// Keep these and drop the rest.
    KeepOnly {
        ideas: Vec<u32>,
    },
    Retype {
        ideas: Vec<u32>,
        video_type: VideoType,
    },
    /// Rewrite as the instruction says ("hook shorter and punchier").
    Rewrite {
        ideas: Vec<u32>,
        instruction: String,
    },
}

impl Intent {
    /// What `message` asks for. `has_ideas`: the conversation already holds a set of ideas,
    /// so "idea 2" can refer to one.
    pub fn of(message: &str, has_ideas: bool) -> Intent {
        if let Some(command) = command(message) {
            return match command {
                Command::Remember(rules) => Intent::Remember { rules },
                Command::Forget(words) => Intent::Forget { words },
                Command::List => Intent::ListPreferences,
            };
        }
        let lower = message.to_lowercase();
        let words = words_of(&lower);
        if let Some(intent) = vidsheet(&lower, &words) {
            return intent;
        }
        if let Some(intent) = research(message, &words) {
            return intent;
        }
        if has_ideas && !numbered_ideas(&words).is_empty() {
            let edits = edits(message);
            if !edits.is_empty() {
                return Intent::Refine { edits };
            }
        }
        ideas(message, &lower, &words).unwrap_or(Intent::Chat)
    }

    /// A title for a conversation this message starts.
    pub fn title(message: &str) -> String {
        let line = message.lines().next().unwrap_or_default().trim();
        let mut title: String = line.chars().take(60).collect();
        if title.len() < line.len() {
            title = format!("{}…", title.trim_end());
        }
        title
    }
}

/// The message's words, lowercase, with punctuation around them removed.
fn words_of(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')'))
        .map(|word| word.trim_matches(|c: char| matches!(c, '.' | '"' | '\'' | '#')))
        .filter(|word| !word.is_empty())
        .collect()
}

/// A number written in digits or as a word up to ten.
fn number(word: &str) -> Option<u32> {
    const WORDS: [&str; 10] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    word.parse().ok().or_else(|| {
        WORDS
            .iter()
            .position(|name| *name == word)
            .and_then(|at| u32::try_from(at + 1).ok())
    })
}

/// The idea numbers named after "idea"/"ideas" ("idea 2", "ideas 1 and 4", "idea #3").
fn numbered_ideas(words: &[&str]) -> Vec<u32> {
    let mut found = Vec::new();
    for (at, word) in words.iter().enumerate() {
        if *word != "idea" && *word != "ideas" {
            continue;
        }
        for next in &words[at + 1..] {
            match number(next) {
                Some(n) if n > 0 => found.push(n),
                _ if matches!(*next, "and" | "&" | "or") => {}
                _ => break,
            }
        }
    }
    found.dedup();
    found
}

/// The video type a text names ("montage", "talking avatar", "pov", ...).
fn video_type(lower: &str) -> Option<VideoType> {
    let text = lower.replace(['_', '-'], " ");
    let names: [(&str, VideoType); 11] = [
        ("talking avatar", VideoType::TalkingAvatar),
        ("talking head", VideoType::TalkingAvatar),
        ("green screen", VideoType::GreenScreen),
        ("montage", VideoType::Montage),
        ("text driven", VideoType::TextDriven),
        ("pov", VideoType::PovObject),
        ("narrated voice over", VideoType::NarratedVoiceOver),
        ("voice over", VideoType::NarratedVoiceOver),
        ("voiceover", VideoType::NarratedVoiceOver),
        ("split screen", VideoType::SplitScreen),
        ("skit", VideoType::Skit),
    ];
    names
        .into_iter()
        .find(|(name, _)| text.contains(name))
        .map(|(_, kind)| kind)
}

/// "make a vidsheet from idea 2", or "turn idea 2 into a video" (a vidsheet, then its row
/// run).
fn vidsheet(lower: &str, words: &[&str]) -> Option<Intent> {
    let sheet = words
        .iter()
        .any(|word| matches!(*word, "vidsheet" | "vidsheets" | "spreadsheet"));
    let run = [
        "into a video",
        "a video from idea",
        "a video of idea",
        "the video of idea",
        "a video for idea",
        "the video for idea",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase));
    if !sheet && !run {
        return None;
    }
    let after = |names: &[&str]| {
        words
            .windows(2)
            .filter(|pair| names.contains(&pair[0]))
            .find_map(|pair| pair[1].parse::<i64>().ok())
    };
    let idea = numbered_ideas(words).first().copied();
    let idea_id = after(&["idea_id"]);
    if idea.is_none() && idea_id.is_none() {
        return None;
    }
    Some(Intent::MakeVidsheet {
        idea: idea.filter(|_| idea_id.is_none()),
        idea_id,
        sheet_id: after(&["sheet", "sheet_id", "vidsheet", "engine"]),
        run,
    })
}

fn research(message: &str, words: &[&str]) -> Option<Intent> {
    let (depth, skip) = match words {
        ["deep", "research", ..] | ["deeply", "research", ..] => (Depth::Deep, 2),
        ["quick", "research", ..] | ["quickly", "research", ..] => (Depth::Quick, 2),
        ["research", ..] => (Depth::Default, 1),
        ["look", "into", ..] | ["dig", "into", ..] => (Depth::Default, 2),
        _ => return None,
    };
    let topic = message
        .split_whitespace()
        .skip(skip)
        .collect::<Vec<_>>()
        .join(" ");
    let topic = topic.trim_start_matches([':', '-', ' ']).trim().to_owned();
    (!topic.is_empty()).then_some(Intent::Research { topic, depth })
}

/// "generate 5 content ideas …", "give me three video ideas about …", "ideas for …".
fn ideas(message: &str, lower: &str, words: &[&str]) -> Option<Intent> {
    let at = words
        .iter()
        .position(|word| *word == "ideas" || *word == "idea")?;
    let asks = words[..at].iter().any(|word| {
        matches!(
            *word,
            "generate"
                | "give"
                | "propose"
                | "suggest"
                | "brainstorm"
                | "pitch"
                | "write"
                | "create"
                | "come"
                | "need"
                | "want"
                | "more"
                | "new"
                | "some"
                | "any"
        ) || number(word).is_some()
    }) || at == 0;
    if !asks {
        return None;
    }
    let count = words[at.saturating_sub(4)..at]
        .iter()
        .rev()
        .find_map(|word| number(word))
        .unwrap_or(DEFAULT_IDEAS)
        .clamp(1, MAX_IDEAS);
    let mut requirements = Vec::new();
    let mut video = None;
    let asked = match lower.find(". requirements:") {
        Some(start) => {
            let head = &message[..start];
            requirements.extend(clauses(&after_ideas(head, &head.to_lowercase())));
            let rest = &message[start + ". requirements:".len()..];
            let (listed, format) = match rest.to_lowercase().find(". use ") {
                Some(cut) => (&rest[..cut], Some(rest[cut..].to_lowercase())),
                None => (rest, None),
            };
            requirements.extend(clauses(listed));
            video = format.as_deref().and_then(video_type);
            None
        }
        None => Some(after_ideas(message, lower)),
    };
    if let Some(asked) = asked {
        if let Some(cut) = asked.to_lowercase().find(". use ") {
            video = video_type(&asked.to_lowercase()[cut..]);
            requirements.extend(clauses(&asked[..cut]));
        } else {
            video = video_type(&asked.to_lowercase());
            requirements.extend(clauses(&asked));
        }
    }
    if video.is_none() {
        video = video_type(lower);
    }
    Some(Intent::Ideas {
        count,
        requirements,
        video_type: video,
        with_research: words.iter().any(|word| word.starts_with("research")),
    })
}

/// What follows the word "ideas" in the message, without a leading connector.
fn after_ideas(message: &str, lower: &str) -> String {
    let Some(start) = lower.find("ideas").or_else(|| lower.find("idea")) else {
        return String::new();
    };
    let end = lower[start..]
        .find(char::is_whitespace)
        .map_or(lower.len(), |gap| start + gap);
    message[end..]
        .trim()
        .trim_start_matches([',', ':', '-', '.'])
        .trim()
        .to_owned()
}

/// The clauses of a list of requirements, each trimmed, without closing punctuation.
fn clauses(text: &str) -> Vec<String> {
    text.split(['.', ';', ',', '\n'])
        .map(|part| part.trim().trim_start_matches("and ").trim())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The edits a refinement names, one a clause.
fn edits(message: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for clause in message.split(['.', ';', ',', '\n']) {
        let clause = clause.trim();
        let lower = clause.to_lowercase();
        let words = words_of(&lower);
        let ideas = numbered_ideas(&words);
        let everyone = words
            .iter()
            .any(|word| matches!(*word, "all" | "every" | "them" | "each"));
        if ideas.is_empty() && !everyone {
            continue;
        }
        let has = |names: &[&str]| words.iter().any(|word| names.contains(word));
        let edit = if has(&["drop", "remove", "delete", "discard", "skip", "scrap"]) {
            Edit::Drop { ideas }
        } else if has(&["only"]) && has(&["keep"]) {
            Edit::KeepOnly { ideas }
        } else if let Some(kind) = video_type(&lower) {
            Edit::Retype {
                ideas,
                video_type: kind,
            }
        } else {
            Edit::Rewrite {
                ideas,
                instruction: clause.to_owned(),
            }
        };
        edits.push(edit);
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gens_sdk_messages_ask_for_ideas_with_requirements_and_a_format() {
        assert_eq!(
            Intent::of(
                "generate 3 content ideas. Requirements: focus on before/after. under 12 seconds. Use montage format only.",
                false
            ),
            Intent::Ideas {
                count: 3,
                requirements: vec!["focus on before/after".into(), "under 12 seconds".into()],
                video_type: Some(VideoType::Montage),
                with_research: false,
            }
        );
        let Intent::Ideas { requirements, .. } = Intent::of(
            "generate 3 content ideas about late night tacos. Requirements: under 15 seconds",
            false,
        ) else {
            panic!("ideas expected");
        };
        assert_eq!(requirements, ["about late night tacos", "under 15 seconds"]);
        assert_eq!(
            Intent::of("generate 5 content ideas", false),
            Intent::Ideas {
                count: 5,
                requirements: vec![],
                video_type: None,
                with_research: false,
            }
        );
    }

    #[test]
    fn docs_messages_ask_for_ideas_in_their_own_words() {
        let Intent::Ideas {
            count,
            requirements,
            ..
        } = Intent::of(
            "generate 5 content ideas focused on before/after transformations, keep under 12 seconds",
            false,
        )
        else {
            panic!("ideas expected");
        };
        assert_eq!(count, 5);
        assert_eq!(
            requirements,
            [
                "focused on before/after transformations",
                "keep under 12 seconds"
            ]
        );
        let Intent::Ideas { count, .. } =
            Intent::of("Give me three video ideas about tacos", false)
        else {
            panic!("ideas expected");
        };
        assert_eq!(count, 3);
        let Intent::Ideas { count, .. } = Intent::of("generate 50 ideas", false) else {
            panic!("ideas expected");
        };
        assert_eq!(count, MAX_IDEAS);
    }

    #[test]
    fn refinements_name_ideas_by_number() {
        assert_eq!(
            Intent::of(
                "Make idea 1 hook shorter and punchier. Change idea 3 to montage format. Drop idea 5 entirely.",
                true
            ),
            Intent::Refine {
                edits: vec![
                    Edit::Rewrite {
                        ideas: vec![1],
                        instruction: "Make idea 1 hook shorter and punchier".into()
                    },
                    Edit::Retype {
                        ideas: vec![3],
                        video_type: VideoType::Montage
                    },
                    Edit::Drop { ideas: vec![5] },
                ]
            }
        );
        assert_eq!(
            Intent::of("keep only ideas 1 and 4", true),
            Intent::Refine {
                edits: vec![Edit::KeepOnly { ideas: vec![1, 4] }]
            }
        );
        assert_eq!(Intent::of("make idea 1 punchier", false), Intent::Chat);
    }

    #[test]
    fn preference_commands_research_and_vidsheets_are_recognised() {
        assert_eq!(
            Intent::of("remember: never use question hooks", false),
            Intent::Remember {
                rules: vec!["never use question hooks".into()]
            }
        );
        assert_eq!(
            Intent::of("list all my current preferences", false),
            Intent::ListPreferences
        );
        assert_eq!(
            Intent::of("deep research tariffs on beauty imports", false),
            Intent::Research {
                topic: "tariffs on beauty imports".into(),
                depth: Depth::Deep
            }
        );
        assert_eq!(
            Intent::of("make a vidsheet from idea 2", true),
            Intent::MakeVidsheet {
                idea: Some(2),
                idea_id: None,
                sheet_id: None,
                run: false
            }
        );
        assert_eq!(
            Intent::of("turn idea 2 into a video", true),
            Intent::MakeVidsheet {
                idea: Some(2),
                idea_id: None,
                sheet_id: None,
                run: true
            }
        );
        assert_eq!(
            Intent::of("turn idea 1 into a vidsheet in sheet 42", true),
            Intent::MakeVidsheet {
                idea: Some(1),
                idea_id: None,
                sheet_id: Some(42),
                run: false
            }
        );
        assert_eq!(Intent::of("hello, who are you?", false), Intent::Chat);
    }

    #[test]
    fn a_title_is_the_first_line_cut_short() {
        assert_eq!(Intent::title("generate 5 ideas\nmore"), "generate 5 ideas");
        let long = "a".repeat(80);
        assert_eq!(Intent::title(&long).chars().count(), 61);
    }
}
