//! Columns: what kind of content a column holds and what role it plays. Only ingredient
//! columns belong to users; the video, final video and stats columns belong to the engine.

use std::fmt;
use std::str::FromStr;

use crate::FieldError;
use crate::wire_enum::NotOneOf;

/// The longest column title.
pub const MAX_TITLE_CHARS: usize = 100;
/// The longest column description.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// The content a column's cells hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    Text,
    Image,
    Video,
    Audio,
    /// Credit cost and metadata (the STATS system column).
    Stats,
}

impl ColumnKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            ColumnKind::Text => "text",
            ColumnKind::Image => "image",
            ColumnKind::Video => "video",
            ColumnKind::Audio => "audio",
            ColumnKind::Stats => "stats",
        }
    }

    /// Reads a type a user may give an ingredient column: text, image, video or audio.
    pub fn for_ingredient(text: &str) -> Result<ColumnKind, FieldError> {
        match text.trim().parse::<ColumnKind>() {
            Ok(ColumnKind::Stats) | Err(_) => Err(FieldError::new(
                "type",
                format!("must be one of text, image, video or audio (got {text:?})"),
            )),
            Ok(kind) => Ok(kind),
        }
    }
}

impl FromStr for ColumnKind {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        Ok(match text.to_ascii_lowercase().as_str() {
            "text" => ColumnKind::Text,
            "image" => ColumnKind::Image,
            "video" => ColumnKind::Video,
            "audio" => ColumnKind::Audio,
            "stats" => ColumnKind::Stats,
            _ => return Err(()),
        })
    }
}

impl TryFrom<String> for ColumnKind {
    type Error = NotOneOf;

    fn try_from(text: String) -> Result<Self, NotOneOf> {
        text.parse()
            .map_err(|()| NotOneOf(&["text", "image", "video", "audio", "stats"]))
    }
}

impl fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a column is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// A user's input or generated content.
    Ingredient,
    /// The row's video: its cell holds the layer stack.
    Video,
    /// The rendered video.
    FinalVideo,
    /// Cost and metadata.
    Stats,
}

impl ColumnRole {
    pub const fn as_str(self) -> &'static str {
        match self {
            ColumnRole::Ingredient => "ingredient",
            ColumnRole::Video => "video",
            ColumnRole::FinalVideo => "final_video",
            ColumnRole::Stats => "stats",
        }
    }

    /// Whether the engine owns the column, so users may not change it.
    pub const fn is_system(self) -> bool {
        !matches!(self, ColumnRole::Ingredient)
    }

    /// The role GEN reports on the column's cells.
    pub const fn cell_role(self) -> &'static str {
        match self {
            ColumnRole::Ingredient => "content",
            other => other.as_str(),
        }
    }
}

impl FromStr for ColumnRole {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        Ok(match text {
            "ingredient" => ColumnRole::Ingredient,
            "video" => ColumnRole::Video,
            "final_video" => ColumnRole::FinalVideo,
            "stats" => ColumnRole::Stats,
            _ => return Err(()),
        })
    }
}

impl TryFrom<String> for ColumnRole {
    type Error = NotOneOf;

    fn try_from(text: String) -> Result<Self, NotOneOf> {
        text.parse()
            .map_err(|()| NotOneOf(&["ingredient", "video", "final_video", "stats"]))
    }
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A column every engine has from the start.
#[derive(Clone, Copy, Debug)]
pub struct SystemColumn {
    pub title: &'static str,
    pub kind: ColumnKind,
    pub role: ColumnRole,
}

/// The system columns of a new engine, in order.
pub const SYSTEM_COLUMNS: [SystemColumn; 3] = [
    SystemColumn {
        title: "VIDEO",
        kind: ColumnKind::Video,
        role: ColumnRole::Video,
    },
    SystemColumn {
        title: "FINAL VIDEO",
        kind: ColumnKind::Video,
        role: ColumnRole::FinalVideo,
    },
    SystemColumn {
        title: "STATS",
        kind: ColumnKind::Stats,
        role: ColumnRole::Stats,
    },
];

/// A column title: trimmed, 1 to 100 characters, without braces (titles are referenced as
/// `{{TITLE}}`) or line breaks.
pub fn title(field: &str, text: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be blank"));
    }
    if trimmed.chars().count() > MAX_TITLE_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_TITLE_CHARS} characters"),
        ));
    }
    if trimmed.contains(['{', '}', '\n', '\r']) {
        return Err(FieldError::new(
            field,
            "must not contain braces or line breaks: cells are referenced as {{TITLE}}",
        ));
    }
    Ok(trimmed.to_owned())
}

/// A column description: at most 2,000 characters; blank means none.
pub fn description(text: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(FieldError::new(
            "description",
            format!("must be at most {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    Ok(Some(text.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_may_make_text_image_video_and_audio_columns_but_not_stats() {
        assert_eq!(ColumnKind::for_ingredient("Audio"), Ok(ColumnKind::Audio));
        assert!(ColumnKind::for_ingredient("stats").is_err());
        assert!(ColumnKind::for_ingredient("music").is_err());
    }

    #[test]
    fn only_ingredient_columns_belong_to_users() {
        assert!(!ColumnRole::Ingredient.is_system());
        assert!(SYSTEM_COLUMNS.iter().all(|c| c.role.is_system()));
        assert_eq!(ColumnRole::Ingredient.cell_role(), "content");
        assert_eq!(ColumnRole::FinalVideo.cell_role(), "final_video");
    }

    #[test]
    fn titles_are_trimmed_and_may_not_hold_braces() {
        assert_eq!(title("title", "  Hook ").unwrap(), "Hook");
        assert!(title("title", " ").is_err());
        assert!(title("title", "{{x}}").is_err());
        assert!(title("title", &"a".repeat(101)).is_err());
    }
}
