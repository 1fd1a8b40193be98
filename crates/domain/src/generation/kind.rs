//! What a user job is (`user_job_type`): a creation card's generation, named by its documented
//! type; a scrape or monitoring of social content (`train_social`) or an import of it; or one
//! of ace's own jobs that share the generations' id space and endpoints: the render of a video
//! cell and a voice preview.

use std::fmt;
use std::str::FromStr;

use crate::sheet::card::GenerationType;
use crate::wire_enum::NotOneOf;

/// The kind of a user job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A creation card's generation.
    Card(GenerationType),
    /// The render of a video cell's layer stack to an MP4.
    Render,
    /// A sample of a voice speaking a line.
    VoicePreview,
    /// A one-time scrape or an ongoing monitoring of social content into the agent's knowledge.
    TrainSocial,
    /// An exported file of social content read into the agent's knowledge (an ace addition).
    ImportSocial,
    /// A post of a video to the agent's connected social account.
    PublishContent,
}

/// Every spelling [`JobKind`] reads.
const SPELLINGS: &[&str] = &[
    "text",
    "image_from_text",
    "video_from_text",
    "video_from_image",
    "video_from_ingredients",
    "speech_from_text",
    "lipsync",
    "captions",
    "media",
    "render",
    "voice_preview",
    "train_social",
    "import_social",
    "publish_content",
];

impl JobKind {
    /// The stored and wire spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            JobKind::Card(kind) => kind.as_str(),
            JobKind::Render => "render",
            JobKind::VoicePreview => "voice_preview",
            JobKind::TrainSocial => "train_social",
            JobKind::ImportSocial => "import_social",
            JobKind::PublishContent => "publish_content",
        }
    }

    /// Whether it gathers social content into the agent's knowledge.
    pub const fn is_knowledge(self) -> bool {
        matches!(self, JobKind::TrainSocial | JobKind::ImportSocial)
    }

    /// The card type, for a card's generation.
    pub const fn card(self) -> Option<GenerationType> {
        match self {
            JobKind::Card(kind) => Some(kind),
            JobKind::Render
            | JobKind::VoicePreview
            | JobKind::TrainSocial
            | JobKind::ImportSocial
            | JobKind::PublishContent => None,
        }
    }
}

impl From<GenerationType> for JobKind {
    fn from(kind: GenerationType) -> Self {
        JobKind::Card(kind)
    }
}

impl FromStr for JobKind {
    type Err = NotOneOf;

    fn from_str(text: &str) -> Result<Self, NotOneOf> {
        match text {
            "render" => Ok(JobKind::Render),
            "voice_preview" => Ok(JobKind::VoicePreview),
            "train_social" => Ok(JobKind::TrainSocial),
            "import_social" => Ok(JobKind::ImportSocial),
            "publish_content" => Ok(JobKind::PublishContent),
            card => card
                .parse::<GenerationType>()
                .map(JobKind::Card)
                .map_err(|()| NotOneOf(SPELLINGS)),
        }
    }
}

impl TryFrom<String> for JobKind {
    type Error = NotOneOf;

    fn try_from(text: String) -> Result<Self, NotOneOf> {
        text.parse()
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_spelling() {
        let kinds = GenerationType::ALL.into_iter().map(JobKind::Card).chain([
            JobKind::Render,
            JobKind::VoicePreview,
            JobKind::TrainSocial,
            JobKind::ImportSocial,
            JobKind::PublishContent,
        ]);
        let spelled: Vec<&str> = kinds.clone().map(JobKind::as_str).collect();
        assert_eq!(spelled, SPELLINGS);
        for kind in kinds {
            assert_eq!(kind.as_str().parse::<JobKind>(), Ok(kind));
            assert_eq!(kind.to_string(), kind.as_str());
        }
    }

    #[test]
    fn internal_names_and_unknown_text_are_not_stored_kinds() {
        assert!("text_generation".parse::<JobKind>().is_err());
        assert!("Render".parse::<JobKind>().is_err());
    }
}
