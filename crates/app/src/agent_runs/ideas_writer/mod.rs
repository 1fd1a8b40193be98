//! Writing ideas with the text model. The model writes only what needs judgement (a title, a
//! hook, a script) one short field at a time, each with its limits stated so the local model
//! holds them while decoding; everything factual is built: the inspiration sources are real
//! knowledge-base posts (none when it is empty, and the rationale says so), the manifest's
//! layers and timing are those of the template that makes the video type, fitted to the
//! duration, which follows the script. The constraints
//! the agent's preferences state are checked on each idea; a field that breaks one is
//! written again with the fix in its prompt, and as a last resort mended by rule.

mod sources;
mod titles;

use std::collections::HashMap;

use ace_db::knowledge::FoundPost;
use ace_db::{agent_core, agents};
use ace_domain::generation::instructions::word_count;
use ace_domain::ideas::manifest::{ASPECT_RATIO, TimelineLayer, manifest};
use ace_domain::ideas::preferences::{Constraint, constraints, rules};
use ace_domain::ideas::{IdeaContent, IdeaData, InspirationSource, SelectedAsset, VideoType};
use ace_domain::ids::AgentId;

use crate::ideas::timelines::{self, template_type};
use crate::text::{self, Ask};
use crate::{App, AppResult};
use titles::{TITLE_WORDS, shortened_title};

pub(crate) use sources::sources;

/// Words spoken per second, for a script's length.
const WORDS_PER_SECOND: f64 = 2.5;
/// The length of an idea when nothing limits it, in seconds.
const DEFAULT_SECONDS: u32 = 25;
/// Attempts at a field before it is mended by rule.
const FIELD_ATTEMPTS: usize = 3;

/// Angles that keep a set of ideas apart when the knowledge base has few posts, as what the
/// video does.
const ANGLES: [&str; 10] = [
    "shows a common mistake and its fix",
    "is a quick how-to",
    "shows a before and after",
    "shares a surprising fact",
    "busts a myth",
    "counts down a top three",
    "goes behind the scenes",
    "gives a hot take",
    "tells a short story",
    "follows a day in the life",
];
/// The video types ideas take in turn when none is asked for, those an offline installation
/// makes first (a talking avatar needs a lipsync provider).
const ROTATION: [VideoType; 4] = [
    VideoType::TextDriven,
    VideoType::NarratedVoiceOver,
    VideoType::Montage,
    VideoType::TalkingAvatar,
];
/// Who the ideas are for and the rules they obey.
pub(crate) struct Brief {
    about: String,
    rules: Vec<String>,
    constraints: Vec<Constraint>,
    requirements: Vec<String>,
    keywords: Vec<String>,
    /// The library templates' timelines, by the video type each makes.
    timelines: HashMap<VideoType, Vec<TimelineLayer>>,
    /// The handles of the agent's own connected accounts, whose posts are its own.
    own_handles: Vec<String>,
}

impl Brief {
    /// The agent's brief, its preferences and this run's `requirements`.
    pub(crate) async fn of(app: &App, agent: AgentId, requirements: &[String]) -> AppResult<Brief> {
        let mut conn = app.db.conn().await?;
        let record = agents::find(&mut conn, agent).await?;
        let core = agent_core::find(&mut conn, agent).await?;
        let mut about = Vec::new();
        if let Some(record) = &record {
            about.push(record.name.clone());
            about.extend(record.description.clone());
        }
        about.extend(core.brand_name.clone());
        about.extend(core.description.clone());
        about.extend(core.personality.clone());
        let rules = rules(core.content_idea_preferences.as_deref());
        let mut checked = rules.clone();
        checked.extend(requirements.iter().cloned());
        Ok(Brief {
            about: about.join(". "),
            constraints: constraints(&checked),
            rules,
            requirements: requirements.to_vec(),
            keywords: core.keywords.0.clone(),
            timelines: timelines::by_type(&mut conn).await?,
            own_handles: ace_db::social_connections::for_agent(&mut conn, agent)
                .await?
                .into_iter()
                .filter_map(|connection| connection.username)
                .collect(),
        })
    }

    /// Whether `post` is one of the agent's own (posted through a connected account).
    fn is_own(&self, post: &FoundPost) -> bool {
        post.author.as_deref().is_some_and(|author| {
            let author = author.trim_start_matches('@');
            self.own_handles
                .iter()
                .any(|handle| handle.trim_start_matches('@').eq_ignore_ascii_case(author))
        })
    }

    /// The timeline of the template that makes `kind` videos (empty when none does).
    fn timeline(&self, kind: VideoType) -> &[TimelineLayer] {
        self.timelines
            .get(&template_type(kind))
            .map_or(&[], Vec::as_slice)
    }

    /// Who the agent is, for a chat reply's prompt.
    pub(crate) fn persona(&self) -> String {
        if self.about.is_empty() {
            "You are a content assistant.".into()
        } else {
            format!("You are the content assistant of {}.", self.about)
        }
    }

    /// What to research when a run names no topic: this batch's requirements, else the
    /// agent's keywords, else its brief.
    pub(crate) fn topic(&self) -> String {
        if !self.requirements.is_empty() {
            self.requirements.join(" ")
        } else if !self.keywords.is_empty() {
            self.keywords.join(" ")
        } else {
            self.about.clone()
        }
    }

    /// The longest an idea may run.
    fn seconds(&self) -> u32 {
        self.constraints
            .iter()
            .filter_map(|constraint| match constraint {
                Constraint::MaxSeconds(most) => Some(*most),
                _ => None,
            })
            .min()
            .unwrap_or(DEFAULT_SECONDS)
            .max(5)
    }

    fn no_question_hooks(&self) -> bool {
        self.constraints.contains(&Constraint::NoQuestionHooks)
    }

    fn banned(&self) -> Vec<&str> {
        self.constraints
            .iter()
            .filter_map(|constraint| match constraint {
                Constraint::Never(phrase) => Some(phrase.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The words to look for in the knowledge base.
    fn search_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self.keywords.clone();
        words.extend(self.requirements.iter().cloned());
        words
    }

    /// What the ideas are about: this batch's requirements, else the agent's keywords, else
    /// the inspiring post's opening, else its niche.
    fn subject(&self, source: Option<&FoundPost>) -> String {
        let topical = self.topical();
        if !topical.is_empty() {
            topical.join("; ")
        } else if !self.keywords.is_empty() {
            self.keywords.join(", ")
        } else if let Some(post) = source {
            first_sentence(&post.body)
        } else {
            "the creator's niche".into()
        }
    }

    /// This batch's requirements that say what the ideas are about: those stating a
    /// constraint (a duration, a phrase never to say) are held by checks, not told the model,
    /// which would read them out.
    fn topical(&self) -> Vec<String> {
        self.requirements
            .iter()
            .filter(|requirement| constraints(std::slice::from_ref(*requirement)).is_empty())
            .map(|requirement| {
                let trimmed = requirement.trim();
                trimmed.strip_prefix("about ").unwrap_or(trimmed).to_owned()
            })
            .collect()
    }

    /// The background of a script's prompt: the rules (those the checks hold are left out),
    /// this batch's requirements, the inspiring post.
    fn notes(&self, source: Option<&FoundPost>) -> Vec<String> {
        let mut notes = Vec::new();
        let told: Vec<&str> = self
            .rules
            .iter()
            .filter(|rule| constraints(std::slice::from_ref(*rule)).is_empty())
            .map(String::as_str)
            .collect();
        if !told.is_empty() {
            notes.push(format!("Audience and style: {}.", told.join("; ")));
        }
        let topical = self.topical();
        if !topical.is_empty() {
            notes.push(format!("This batch: {}.", topical.join("; ")));
        }
        if let Some(post) = source {
            if self.is_own(post) {
                notes.push(format!(
                    "Builds on one of your own posts that did well ({} views): {}",
                    post.views.unwrap_or_default(),
                    first_sentence(&post.body)
                ));
            } else {
                notes.push(format!(
                    "Inspired by a popular post: {}",
                    first_sentence(&post.body)
                ));
            }
        }
        notes
    }
}

/// Writes idea `number` (from 1) of a set, grounded in `source` when there is one: a title
/// for the subject from an angle of its own, then the script, whose first sentence is the
/// hook.
pub(crate) async fn write(
    app: &App,
    brief: &Brief,
    number: u32,
    video_type: Option<VideoType>,
    source: Option<&FoundPost>,
    earlier: &[String],
) -> AppResult<IdeaContent> {
    let angle = ANGLES[(number as usize - 1) % ANGLES.len()];
    let request = format!(
        "Write a catchy title for a short video about {} that {angle}. Return only the line, at most eight words, with no emojis, hashtags or quotation marks.",
        brief.subject(source)
    );
    let title = field(
        app,
        brief,
        &Prompt::new(Vec::new(), request),
        Field::Title,
        earlier,
    )
    .await?;
    let kind = video_type.unwrap_or(ROTATION[(number as usize - 1) % ROTATION.len()]);
    let script = script(app, brief, source, &title, None).await?;
    Ok(assemble(brief, title, script, kind, source))
}

/// A script for `title` (rewriting `current` as `instruction` says, when given), its first
/// sentence a hook.
async fn script(
    app: &App,
    brief: &Brief,
    source: Option<&FoundPost>,
    title: &str,
    rewriting: Option<(&str, &str)>,
) -> AppResult<String> {
    let notes = brief.notes(source);
    let subject = brief.subject(source);
    let budget = script_words(brief);
    let sentences = (budget / 12).clamp(2, 6);
    let statement = if brief.no_question_hooks() {
        " It must not be a question."
    } else {
        ""
    };
    let asked = rewriting.map_or(String::new(), |(current, instruction)| {
        format!("\nCurrent script: {current}\nChange it as asked: {instruction}.")
    });
    let request = format!(
        "Video title: {title}{asked}\nWrite what the creator says in this short video about {subject}: {sentences} short sentences. The first sentence is a bold statement that grabs attention.{statement} Then give one concrete detail, and end with a call to action. Return only the script, at most {budget} words, with no emojis, hashtags, stage directions or quotation marks."
    );
    let titled = [title.to_owned()];
    field(
        app,
        brief,
        &Prompt::new(notes, request),
        Field::Script,
        &titled,
    )
    .await
}

/// The words a script may take to fit the longest duration.
fn script_words(brief: &Brief) -> usize {
    ((f64::from(brief.seconds()) * WORDS_PER_SECOND).floor() as usize).max(10)
}

/// Rewrites `idea` as `instruction` says: its script (and so its hook), and its title when
/// the instruction names the title.
pub(crate) async fn rewrite(
    app: &App,
    brief: &Brief,
    idea: &IdeaContent,
    instruction: &str,
) -> AppResult<IdeaContent> {
    let lower = instruction.to_lowercase();
    let mut title = idea.title.clone();
    if lower.contains("title") {
        let request = format!(
            "Current title: {}\nRewrite the title: {instruction}. Return only the line, at most eight words, with no emojis, hashtags or quotation marks.",
            idea.title
        );
        title = field(
            app,
            brief,
            &Prompt::new(Vec::new(), request),
            Field::Title,
            &[],
        )
        .await?;
    }
    let only_title =
        lower.contains("title") && !lower.contains("hook") && !lower.contains("script");
    let full_script = if only_title {
        idea.full_script.clone()
    } else {
        let rewriting = Some((idea.full_script.as_str(), instruction));
        script(app, brief, None, &title, rewriting).await?
    };
    let mut changed = assemble_parts(brief, title, full_script, idea.video_type);
    changed.data.inspiration_sources = idea.data.inspiration_sources.clone();
    changed.data.selected_assets = idea.data.selected_assets.clone();
    changed.data.rationale = format!("{} Revised: {instruction}.", idea.data.rationale.trim_end());
    Ok(changed)
}

/// `idea` as a video of `kind`: its manifest rebuilt for that type.
pub(crate) fn retyped(brief: &Brief, idea: &IdeaContent, kind: VideoType) -> IdeaContent {
    let seconds = idea.estimated_duration.unwrap_or(DEFAULT_SECONDS);
    let mut changed = idea.clone();
    changed.video_type = kind;
    changed.data.project_manifest = manifest(
        &idea.title,
        kind,
        seconds,
        &idea.data.selected_assets,
        brief.timeline(kind),
    );
    changed
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    /// A script, whose first sentence is the hook.
    Script,
}

/// The longest hook, in words.
const HOOK_WORDS: usize = 15;
/// The shortest script worth filming, in words.
const MIN_SCRIPT_WORDS: usize = 12;
/// Where a hook too long is cut, as a last resort.
const HOOK_WORDS_MENDED: usize = 12;

/// A prompt: background notes, then the request. Small models tend to read their notes out,
/// so an answer quoting them is asked again without them.
struct Prompt {
    notes: Vec<String>,
    request: String,
}

impl Prompt {
    fn new(notes: Vec<String>, request: String) -> Self {
        Self { notes, request }
    }

    fn text(&self, with_notes: bool, fixes: &[String]) -> String {
        let mut lines = if with_notes {
            self.notes.clone()
        } else {
            Vec::new()
        };
        lines.push(self.request.clone());
        lines.extend(fixes.iter().map(|fix| format!("Important: {fix}.")));
        lines.join("\n")
    }

    /// Whether `text` reads out four words in a row of a note.
    fn quoted_in(&self, text: &str) -> bool {
        let said = words(text).join(" ");
        self.notes.iter().any(|note| {
            words(note)
                .windows(4)
                .any(|run| said.contains(&run.join(" ")))
        })
    }
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// One field from the model, checked against the brief's constraints and against `earlier`
/// (for a title, the titles of the set so far, which it may not repeat; for a script, its
/// title, which its hook may not restate, nor may it greet): written again with the fix
/// stated, then mended by rule.
async fn field(
    app: &App,
    brief: &Brief,
    prompt: &Prompt,
    kind: Field,
    earlier: &[String],
) -> AppResult<String> {
    let mut fixes = Vec::new();
    let mut with_notes = true;
    let mut last = String::new();
    for _ in 0..FIELD_ATTEMPTS {
        let max_tokens = if kind == Field::Script { 220 } else { 40 };
        let written = text::write(
            app,
            Ask {
                prompt: &prompt.text(with_notes, &fixes),
                max_tokens,
                temperature: 0.7,
            },
        )
        .await?;
        last = tidy(&written.text);
        if with_notes && prompt.quoted_in(&last) {
            with_notes = false;
            continue;
        }
        let repeated = match kind {
            Field::Script => weak_hook(&last, earlier).map(str::to_owned),
            _ => earlier
                .iter()
                .find(|title| title.eq_ignore_ascii_case(&last))
                .map(|title| format!("use other words than {title}")),
        };
        match repeated.or_else(|| broken(brief, &last, kind)) {
            None => return Ok(last),
            Some(fix) => fixes.push(fix),
        }
    }
    if kind == Field::Script && weak_hook(&last, earlier).is_some() {
        // The next sentence opens instead (mended like any hook), if two are left.
        let (_, rest) = split_first_sentence(&last);
        if sentences(rest).len() >= 2 {
            last = rest.trim().to_owned();
        }
    }
    Ok(mended(brief, &last, kind, prompt))
}

/// What makes the script's first sentence no hook, as a fix to ask for: a greeting, or the
/// title (of `titles`) said again.
fn weak_hook(script: &str, titles: &[String]) -> Option<&'static str> {
    const GREETINGS: [&str; 5] = ["hey", "hi", "hello", "welcome", "greetings"];
    let hook = words(&first_sentence(script));
    if hook
        .first()
        .is_some_and(|word| GREETINGS.contains(&word.as_str()))
    {
        return Some("open with a bold statement, not a greeting");
    }
    titles
        .iter()
        .any(|title| restates(script, title))
        .then_some("do not repeat the title: open with a different bold statement")
}

/// Whether the script's first sentence opens as the title does (its first three words, or
/// all of a two-word title).
fn restates(script: &str, title: &str) -> bool {
    let (hook, title) = (words(&first_sentence(script)), words(title));
    let opening = title.len().min(3);
    opening >= 2 && hook.len() >= opening && hook[..opening] == title[..opening]
}

/// What a field breaks of the brief, as a fix to ask for.
fn broken(brief: &Brief, text: &str, kind: Field) -> Option<String> {
    if text.is_empty() {
        return Some("write something".into());
    }
    if kind == Field::Title && text.split_whitespace().count() > TITLE_WORDS {
        return Some(format!("at most {TITLE_WORDS} words"));
    }
    if kind == Field::Script && word_count(text) < MIN_SCRIPT_WORDS {
        return Some(format!(
            "write at least {MIN_SCRIPT_WORDS} words, in full sentences"
        ));
    }
    if kind == Field::Script {
        let hook = first_sentence(text);
        if brief.no_question_hooks() && hook.ends_with('?') {
            return Some(
                "the first sentence must be a statement that ends with a full stop, not a question"
                    .into(),
            );
        }
        if word_count(&hook) > HOOK_WORDS {
            return Some(format!(
                "the first sentence must be at most {HOOK_WORDS} words"
            ));
        }
    }
    let lower = text.to_lowercase();
    brief
        .banned()
        .into_iter()
        .find(|phrase| lower.contains(phrase))
        .map(|phrase| format!("never say \"{phrase}\""))
}

/// The field mended by rule: sentences reading out the notes dropped (while one is left), a
/// question hook made a statement, a hook or title too long cut, banned phrases removed.
fn mended(brief: &Brief, text: &str, kind: Field, prompt: &Prompt) -> String {
    let mut text = text.to_owned();
    if kind == Field::Title {
        text = shortened_title(&text);
    }
    if kind == Field::Script {
        let kept: Vec<&str> = sentences(&text)
            .into_iter()
            .filter(|sentence| !prompt.quoted_in(sentence))
            .collect();
        if !kept.is_empty() {
            text = kept.join(" ");
        }
    }
    if kind == Field::Script && brief.no_question_hooks() {
        let (hook, rest) = split_first_sentence(&text);
        if let Some(statement) = hook.trim_end().strip_suffix('?') {
            text = format!("{}.{rest}", statement.trim_end());
        }
    }
    if kind == Field::Script {
        let (hook, rest) = split_first_sentence(&text);
        let words: Vec<&str> = hook.split_whitespace().collect();
        if words.len() > HOOK_WORDS {
            // At the last natural break within the limit, else at a word.
            let at = words[..HOOK_WORDS]
                .iter()
                .rposition(|word| word.ends_with([',', ';', ':']) || *word == "-")
                .map_or(HOOK_WORDS_MENDED, |at| at + 1)
                .max(3);
            let cut = words[..at].join(" ");
            let cut = cut.trim_end_matches([',', ';', ':', '-', ' ']);
            text = format!("{cut}. {}{rest}", words[at..].join(" "));
        }
    }
    for phrase in brief.banned() {
        // ASCII lowercasing keeps every byte where it was, so the range stays on the text.
        while let Some(at) = text.to_ascii_lowercase().find(phrase) {
            text.replace_range(at..at + phrase.len(), "");
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The answer without wrapping quotes or a leading "The creator says," (small models add
/// both), on one line.
fn tidy(text: &str) -> String {
    let mut text = text.trim();
    for label in [
        "the creator says:",
        "the creator says,",
        "the creator says",
        "creator:",
    ] {
        if text.len() >= label.len()
            && text.is_char_boundary(label.len())
            && text[..label.len()].eq_ignore_ascii_case(label)
        {
            text = text[label.len()..].trim_start();
        }
    }
    let quotes = ['"', '“', '”', '\''];
    let unwrapped = match (text.chars().next(), text.chars().last()) {
        (Some(first), Some(last)) if quotes.contains(&first) && quotes.contains(&last) => {
            text.trim_matches(quotes)
        }
        (Some(first), _) if quotes.contains(&first) => text.trim_start_matches(quotes),
        _ => text,
    };
    let joined = unwrapped.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence the model began as if continuing its prompt ("that tacos are ...").
    let joined = joined.strip_prefix("that ").unwrap_or(&joined);
    let mut chars = joined.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// An idea from its written parts and its source.
fn assemble(
    brief: &Brief,
    title: String,
    script: String,
    kind: VideoType,
    source: Option<&FoundPost>,
) -> IdeaContent {
    let mut idea = assemble_parts(brief, title, script, kind);
    if let Some(post) = source {
        idea.data.inspiration_sources = vec![inspiration(post)];
        idea.data.selected_assets = post.url.iter().map(|url| reference(post, url)).collect();
        let seconds = idea.estimated_duration.unwrap_or(DEFAULT_SECONDS);
        idea.data.project_manifest = manifest(
            &idea.title,
            kind,
            seconds,
            &idea.data.selected_assets,
            brief.timeline(kind),
        );
        idea.data.rationale = format!(
            "Built on {}, the strongest match for this brief in the knowledge base{}.{}",
            who(post),
            metrics(post),
            obeyed(brief)
        );
    } else {
        idea.data.rationale = format!(
            "The knowledge base has no posts for this agent yet, so this idea rests on the agent's brief alone; scrape or import posts to ground ideas in real ones.{}",
            obeyed(brief)
        );
    }
    idea
}

fn assemble_parts(brief: &Brief, title: String, script: String, kind: VideoType) -> IdeaContent {
    let hook = first_sentence(&script);
    let spoken = word_count(&script);
    let seconds = ((spoken as f64 / WORDS_PER_SECOND).ceil() as u32).clamp(5, brief.seconds());
    let description = format!("{} video: {title}", kind_label(kind));
    IdeaContent {
        data: IdeaData {
            project_manifest: manifest(&title, kind, seconds, &[], brief.timeline(kind)),
            ..IdeaData::default()
        },
        title,
        hook,
        full_script: script,
        description: Some(description),
        video_type: kind,
        estimated_duration: Some(seconds),
        aspect_ratio: ASPECT_RATIO.into(),
    }
}

fn obeyed(brief: &Brief) -> String {
    if brief.rules.is_empty() {
        String::new()
    } else {
        format!(
            " It follows the saved preferences: {}.",
            brief.rules.join("; ")
        )
    }
}

fn who(post: &FoundPost) -> String {
    match &post.author {
        Some(author) => format!(
            "@{}'s {} post",
            author.trim_start_matches('@'),
            post.platform
        ),
        None => format!("a {} post", post.platform),
    }
}

fn metrics(post: &FoundPost) -> String {
    let mut parts = Vec::new();
    if let Some(views) = post.views {
        parts.push(format!("{views} views"));
    }
    if let Some(likes) = post.likes {
        parts.push(format!("{likes} likes"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn inspiration(post: &FoundPost) -> InspirationSource {
    InspirationSource {
        kind: post.platform.clone(),
        url: post.url.clone(),
        creator: post.author.clone(),
        watch_count: post.views,
        like_count: post.likes,
        what_was_used: format!("its opening: {}", first_sentence(&post.body)),
    }
}

fn reference(post: &FoundPost, url: &str) -> SelectedAsset {
    SelectedAsset {
        url: url.to_owned(),
        kind: "video".into(),
        description: format!("{}{}", who(post), metrics(post)),
        usage: "reference for the hook and pacing".into(),
        source: post.platform.clone(),
        clip_range: None,
    }
}

fn first_sentence(text: &str) -> String {
    let sentence: String = split_first_sentence(text).0.chars().take(140).collect();
    sentence.trim().to_owned()
}

/// `text`'s sentences, each with its closing mark.
fn sentences(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (sentence, after) = split_first_sentence(rest);
        if !sentence.trim().is_empty() {
            found.push(sentence.trim());
        }
        rest = after.trim_start();
    }
    found
}

/// `text`'s first sentence (with its closing mark) and the rest.
fn split_first_sentence(text: &str) -> (&str, &str) {
    let end = text
        .find(['.', '!', '?', '\n'])
        .map_or(text.len(), |at| at + 1);
    text.split_at(end)
}

fn kind_label(kind: VideoType) -> String {
    let words = kind.as_str().replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
