//! Creation cards: how a cell or layer is generated, as `{generation_type, data}`. This module
//! knows the card types and their shape; what each type's `data` must hold is checked when a
//! generation is triggered.

use std::fmt;
use std::str::FromStr;

use serde_json::Value;

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

    fn from_str(text: &str) -> Result<Self, ()> {
        GenerationType::ALL
            .into_iter()
            .find(|t| t.as_str() == text)
            .ok_or(())
    }
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
    let kind = map
        .get("generation_type")
        .and_then(Value::as_str)
        .and_then(|text| text.parse::<GenerationType>().ok())
        .ok_or_else(|| {
            let names: Vec<&str> = GenerationType::ALL.iter().map(|t| t.as_str()).collect();
            FieldError::new(
                "generation_type",
                format!("must be one of {}", names.join(", ")),
            )
        })?;
    if !map.get("data").is_some_and(Value::is_object) {
        return Err(FieldError::new("data", "must be an object"));
    }
    Ok(kind)
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
}
