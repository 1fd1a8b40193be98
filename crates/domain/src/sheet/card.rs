//! Creation cards: how a cell or layer is generated, as `{generation_type, data}`. This module
//! knows the card types and their shape; what each type's `data` must hold is checked when a
//! generation is triggered.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::FieldError;

/// What a card generates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GenerationType {
    Text,
    ImageFromText,
    VideoFromText,
    VideoFromImage,
    VideoFromIngredients,
    SpeechFromText,
    Lipsync,
    Captions,
    Media,
}

impl GenerationType {
    pub const ALL: [GenerationType; 9] = [
        GenerationType::Text,
        GenerationType::ImageFromText,
        GenerationType::VideoFromText,
        GenerationType::VideoFromImage,
        GenerationType::VideoFromIngredients,
        GenerationType::SpeechFromText,
        GenerationType::Lipsync,
        GenerationType::Captions,
        GenerationType::Media,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            GenerationType::Text => "text",
            GenerationType::ImageFromText => "image_from_text",
            GenerationType::VideoFromText => "video_from_text",
            GenerationType::VideoFromImage => "video_from_image",
            GenerationType::VideoFromIngredients => "video_from_ingredients",
            GenerationType::SpeechFromText => "speech_from_text",
            GenerationType::Lipsync => "lipsync",
            GenerationType::Captions => "captions",
            GenerationType::Media => "media",
        }
    }
}

impl FromStr for GenerationType {
    type Err = ();

    /// A documented name only; [`TypeName`] also reads GEN's internal names.
    fn from_str(text: &str) -> Result<Self, ()> {
        GenerationType::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or(())
    }
}

/// GEN's internal job names, which GEN's own SDK and MCP server send in place of the documented
/// types (their `resolveGenerationType`), and `audio_generation`, which one of GEN's examples
/// uses for speech.
pub const INTERNAL_NAMES: [(&str, TypeName); 10] = [
    ("text_generation", TypeName::Exactly(GenerationType::Text)),
    (
        "eleven_labs",
        TypeName::Exactly(GenerationType::SpeechFromText),
    ),
    (
        "audio_generation",
        TypeName::Exactly(GenerationType::SpeechFromText),
    ),
    (
        "midjourney",
        TypeName::Exactly(GenerationType::ImageFromText),
    ),
    (
        "gemini_image_generation",
        TypeName::Exactly(GenerationType::ImageFromText),
    ),
    ("kling", TypeName::Exactly(GenerationType::VideoFromText)),
    (
        "kling_image_video",
        TypeName::Exactly(GenerationType::VideoFromImage),
    ),
    ("gemini_video_generation", TypeName::VideoByImage),
    ("sora2_video_generation", TypeName::VideoByImage),
    ("seedance_video_generation", TypeName::VideoByImage),
];

/// What a `generation_type` sent by a client stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypeName {
    /// One documented type.
    Exactly(GenerationType),
    /// `video_from_image` when the request gives an image, else `video_from_text`: GEN's
    /// internal names for Gemini, Sora and Seedance video cover both.
    VideoByImage,
}

impl TypeName {
    /// Reads a documented type or one of GEN's internal names.
    pub fn parse(text: &str) -> Option<TypeName> {
        if let Ok(kind) = text.parse() {
            return Some(TypeName::Exactly(kind));
        }
        INTERNAL_NAMES
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, meaning)| *meaning)
    }

    /// The documented type this name means for a request with `data`. A name that covers two
    /// types takes the image variant when `data` gives an image (`image_resource_id` or an
    /// image column reference), else `fallback` when that is one of the two (the card the
    /// target already has), else the text variant.
    pub fn resolve(
        self,
        data: &Map<String, Value>,
        fallback: Option<GenerationType>,
    ) -> GenerationType {
        match self {
            TypeName::Exactly(kind) => kind,
            TypeName::VideoByImage if gives_image(data) => GenerationType::VideoFromImage,
            TypeName::VideoByImage => fallback
                .filter(|kind| {
                    matches!(
                        kind,
                        GenerationType::VideoFromImage | GenerationType::VideoFromText
                    )
                })
                .unwrap_or(GenerationType::VideoFromText),
        }
    }
}

/// Whether a card's data gives an image to start a video from.
fn gives_image(data: &Map<String, Value>) -> bool {
    ["image_resource_id", "image_var"].iter().any(|key| {
        data.get(*key).is_some_and(|value| match value {
            Value::Null => false,
            Value::String(text) => !text.trim().is_empty(),
            _ => true,
        })
    })
}

/// `text, image_from_text, ... or media (or GEN's internal names: text_generation, ...)`: the
/// names a `generation_type` may take, for error messages.
pub fn accepted_names() -> String {
    let documented: Vec<&str> = GenerationType::ALL.iter().map(|t| t.as_str()).collect();
    let internal: Vec<&str> = INTERNAL_NAMES.iter().map(|(name, _)| *name).collect();
    format!(
        "{} (or GEN's internal names {})",
        documented.join(", "),
        internal.join(", ")
    )
}

/// The documented type of a stored card, whichever name it was written with.
pub fn kind_of(card: &Value) -> Option<GenerationType> {
    let name = TypeName::parse(card.get("generation_type")?.as_str()?)?;
    let empty = Map::new();
    let data = card
        .get("data")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    Some(name.resolve(data, None))
}

impl fmt::Display for GenerationType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a card's shape: a known `generation_type` and a `data` object.
pub fn check(card: &Value) -> Result<GenerationType, FieldError> {
    let Value::Object(map) = card else {
        return Err(FieldError::new(
            "creation_card",
            "must be an object with generation_type and data",
        ));
    };
    let name = map
        .get("generation_type")
        .and_then(Value::as_str)
        .and_then(TypeName::parse)
        .ok_or_else(|| {
            FieldError::new(
                "generation_type",
                format!("must be one of {}", accepted_names()),
            )
        })?;
    let Some(Value::Object(data)) = map.get("data") else {
        return Err(FieldError::new("data", "must be an object"));
    };
    Ok(name.resolve(data, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_card_names_a_known_type_and_carries_data() {
        let card = json!({"generation_type": "video_from_image", "data": {"duration": 5}});
        assert_eq!(check(&card), Ok(GenerationType::VideoFromImage));
        let unknown = json!({"generation_type": "hologram", "data": {}});
        assert_eq!(check(&unknown).unwrap_err().field, "generation_type");
        let no_data = json!({"generation_type": "text"});
        assert_eq!(check(&no_data).unwrap_err().field, "data");
    }

    #[test]
    fn gens_internal_names_mean_their_documented_types() {
        let empty = Map::new();
        let cases = [
            ("text_generation", GenerationType::Text),
            ("eleven_labs", GenerationType::SpeechFromText),
            ("audio_generation", GenerationType::SpeechFromText),
            ("midjourney", GenerationType::ImageFromText),
            ("gemini_image_generation", GenerationType::ImageFromText),
            ("kling", GenerationType::VideoFromText),
            ("kling_image_video", GenerationType::VideoFromImage),
            ("gemini_video_generation", GenerationType::VideoFromText),
            (
                "video_from_ingredients",
                GenerationType::VideoFromIngredients,
            ),
        ];
        for (name, kind) in cases {
            let named = TypeName::parse(name).unwrap();
            assert_eq!(named.resolve(&empty, None), kind, "{name}");
        }
        assert_eq!(TypeName::parse("hologram"), None);
    }

    #[test]
    fn a_name_for_two_video_types_follows_the_image_then_the_existing_card() {
        let by_image = TypeName::parse("sora2_video_generation").unwrap();
        let image = json!({"image_resource_id": "12"});
        let column = json!({"image_var": "PICTURE"});
        let blank = json!({"image_var": " ", "prompt": "waves"});
        for (data, fallback, kind) in [
            (&image, None, GenerationType::VideoFromImage),
            (&column, None, GenerationType::VideoFromImage),
            (&blank, None, GenerationType::VideoFromText),
            (
                &blank,
                Some(GenerationType::VideoFromImage),
                GenerationType::VideoFromImage,
            ),
            (
                &blank,
                Some(GenerationType::Text),
                GenerationType::VideoFromText,
            ),
        ] {
            let data = data.as_object().unwrap();
            assert_eq!(by_image.resolve(data, fallback), kind, "{data:?}");
        }
    }

    #[test]
    fn a_card_written_with_an_internal_name_reads_as_its_documented_type() {
        let card =
            json!({"generation_type": "seedance_video_generation", "data": {"image_var": "STILL"}});
        assert_eq!(check(&card), Ok(GenerationType::VideoFromImage));
        assert_eq!(kind_of(&card), Some(GenerationType::VideoFromImage));
        let message = check(&json!({"generation_type": "x", "data": {}}))
            .unwrap_err()
            .message;
        assert!(
            message.contains("media (or GEN's internal names text_generation"),
            "{message}"
        );
    }
}
