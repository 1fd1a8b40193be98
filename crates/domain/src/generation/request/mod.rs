//! Checks a creation card's `data` against its generation type and reads it into a
//! [`CardRequest`]: the canonical model, the settings that drive price, the text fields that take
//! `{{variables}}` and the content resources the card points at.
//!
//! Rules shared by every type:
//! - errors name the field as `data.<field>` (`data.asset_resource_ids[1]` inside a list);
//! - unknown fields are allowed, since GEN clients send `*_var` mappings, `variables`,
//!   `autoGenerate` and the like alongside the documented ones;
//! - a JSON `null` counts as absent;
//! - a required input may instead come from a variable mapping (`prompt_var`, `image_var`, ...):
//!   a mapping counts when it is present and not an empty string or list;
//! - content resource ids may be JSON numbers or numeric strings (`4821` or `"4821"`).

use serde_json::{Map, Value};

use crate::FieldError;
use crate::sheet::card::GenerationType;

/// Models for `text`, canonical names, the default first.
pub const TEXT_MODELS: &[&str] = &[
    "gemini_2_0_flash",
    "gemini_2_5_pro",
    "gpt_4o",
    "gpt_4o_mini",
    "o3_mini",
    "o4_mini",
    "claude_sonnet_4",
];

/// The AI-Text shorthands (`"model": "gemini"` / `"openai"`) and the canonical model each means.
pub const TEXT_MODEL_ALIASES: &[(&str, &str)] =
    &[("gemini", "gemini_2_0_flash"), ("openai", "gpt_4o_mini")];

/// Models for `image_from_text`, the default first.
pub const IMAGE_FROM_TEXT_MODELS: &[&str] = &["gemini_image", "gemini_pro_image", "midjourney"];

/// Models for `video_from_text`, the default first.
pub const VIDEO_FROM_TEXT_MODELS: &[&str] = &[
    "veo_3",
    "veo_3_fast",
    "veo_3_1",
    "veo_3_1_fast",
    "sora_2",
    "kling_1_6",
    "seedance_pro",
    "seedance_pro_1_5",
];

/// Models for `video_from_image`, the default first.
pub const VIDEO_FROM_IMAGE_MODELS: &[&str] = &[
    "kling_2_1",
    "kling_2_6",
    "veo_3",
    "veo_3_1",
    "sora_2",
    "seedance_lite",
    "seedance_pro",
    "seedance_pro_1_5",
];

/// Models for `video_from_ingredients`, the default first.
pub const VIDEO_FROM_INGREDIENTS_MODELS: &[&str] = &[
    "pika",
    "kling_1_6",
    "seedance_lite",
    "veo_3_1",
    "veo_3_1_fast",
];

/// Models for `lipsync`. There is no default: the card must name one.
pub const LIPSYNC_MODELS: &[&str] = &["sync_so", "gen"];

/// Models for `captions`, the default first.
pub const CAPTIONS_MODELS: &[&str] = &["gemini"];

/// Aspect ratios an image may have.
pub const IMAGE_ASPECT_RATIOS: &[&str] = &["1:1", "9:16", "16:9", "4:3", "3:4"];

/// Aspect ratios a generated video may have.
pub const VIDEO_ASPECT_RATIOS: &[&str] = &["1:1", "9:16", "16:9"];

/// The ways `speech_from_text` picks its voice.
pub const VOICE_METHODS: &[&str] = &["my_voices", "design_voice", "clone_voice"];

/// A video's length when the card gives none; every video model accepts it.
pub const DEFAULT_DURATION_SECONDS: u32 = 5;

/// The longest script `speech_from_text` takes, in characters.
pub const MAX_SCRIPT_CHARS: usize = 10_000;

/// The most assets `video_from_ingredients` combines.
pub const MAX_INGREDIENTS: usize = 8;

/// The most images one `image_from_text` generation makes.
pub const MAX_IMAGES: u32 = 4;

/// The largest `max_length` a `text` card may ask for, in tokens.
pub const MAX_TEXT_TOKENS: u32 = 8192;

/// The models a generation type takes, the default first; empty for types without a model
/// (`speech_from_text`, `media`).
pub const fn models(kind: GenerationType) -> &'static [&'static str] {
    match kind {
        GenerationType::Text => TEXT_MODELS,
        GenerationType::ImageFromText => IMAGE_FROM_TEXT_MODELS,
        GenerationType::VideoFromText => VIDEO_FROM_TEXT_MODELS,
        GenerationType::VideoFromImage => VIDEO_FROM_IMAGE_MODELS,
        GenerationType::VideoFromIngredients => VIDEO_FROM_INGREDIENTS_MODELS,
        GenerationType::Lipsync => LIPSYNC_MODELS,
        GenerationType::Captions => CAPTIONS_MODELS,
        GenerationType::SpeechFromText | GenerationType::Media => &[],
    }
}

/// The video durations (seconds) a model accepts; empty for a name that is not a video model.
///
/// GEN's docs disagree with themselves: "5 or 10 (model-dependent)", "Veo 3 supports up to 8s",
/// and an example asking `veo_3` for 10 s. The one table that honours all the examples:
/// - every video model accepts 5 and 10 (so the default of 5 is always valid);
/// - Veo (3, 3 Fast, 3.1, 3.1 Fast) accepts any whole number of seconds from 4 to 10;
/// - Sora 2 accepts 4, 5, 8, 10 and 12 (its native 4/8/12 plus the shared 5/10);
/// - Kling, Seedance and Pika accept exactly 5 or 10.
pub fn allowed_durations(model: &str) -> &'static [u32] {
    match model {
        "veo_3" | "veo_3_fast" | "veo_3_1" | "veo_3_1_fast" => &[4, 5, 6, 7, 8, 9, 10],
        "sora_2" => &[4, 5, 8, 10, 12],
        "kling_1_6" | "kling_2_1" | "kling_2_6" | "seedance_lite" | "seedance_pro"
        | "seedance_pro_1_5" | "pika" => &[5, 10],
        _ => &[],
    }
}

/// The kind of media a content resource holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// A still image.
    Image,
    /// A video clip.
    Video,
    /// An audio track.
    Audio,
}

impl MediaKind {
    /// The wire spelling: `image`, `video` or `audio`.
    pub const fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
        }
    }
}

const IMAGE: &[MediaKind] = &[MediaKind::Image];
const VIDEO: &[MediaKind] = &[MediaKind::Video];
const AUDIO: &[MediaKind] = &[MediaKind::Audio];
const AUDIO_OR_VIDEO: &[MediaKind] = &[MediaKind::Audio, MediaKind::Video];
const IMAGE_OR_VIDEO: &[MediaKind] = &[MediaKind::Image, MediaKind::Video];
const ANY_MEDIA: &[MediaKind] = &[MediaKind::Image, MediaKind::Video, MediaKind::Audio];

/// A content resource a card points at, still to be checked against the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceRef {
    /// Where the id was given, as an error path: `data.image_resource_id`,
    /// `data.asset_resource_ids[2]`.
    pub field: String,
    /// The content resource id.
    pub id: i64,
    /// The kinds of media acceptable there.
    pub kinds: &'static [MediaKind],
}

/// How `speech_from_text` gets its voice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VoiceMethod {
    /// A saved voice, by id (`agent_default` means the agent's default voice).
    MyVoices {
        /// The saved voice's id.
        voice_id: String,
    },
    /// A new voice designed from `voice_prompt`, `name`, `language` and `gender`.
    DesignVoice,
    /// A new voice cloned from the sample in `audio_resource_id`.
    CloneVoice,
}

impl VoiceMethod {
    /// The wire spelling: `my_voices`, `design_voice` or `clone_voice`.
    pub const fn as_str(&self) -> &'static str {
        match self {
            VoiceMethod::MyVoices { .. } => "my_voices",
            VoiceMethod::DesignVoice => "design_voice",
            VoiceMethod::CloneVoice => "clone_voice",
        }
    }
}

/// A card's `data`, checked and read: what the generation will do and what it will cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardRequest {
    /// The generation type.
    pub kind: GenerationType,
    /// The canonical model; `None` for types without one (`speech_from_text`, `media`).
    pub model: Option<String>,
    /// The aspect ratio asked for, if any (from `aspect_ratio`, or the cell-config `ratio`).
    pub aspect_ratio: Option<String>,
    /// The video length in seconds, for the three video-generating types.
    pub duration_seconds: Option<u32>,
    /// The text fields present that take `{{variables}}`: of `prompt`, `negative_prompt`,
    /// `script`, `voice_prompt`.
    pub text_fields: Vec<&'static str>,
    /// The content resources the card points at, in the order given.
    pub resources: Vec<ResourceRef>,
    /// The voice, for `speech_from_text`.
    pub voice: Option<VoiceMethod>,
    /// How many images to make (`number_of_images`); 1 unless an image card asks for more.
    pub images: u32,
    /// The output cap in tokens (`max_length`), for `text`.
    pub max_tokens: Option<u32>,
    /// The script's length in characters, for `speech_from_text`; 0 when the script comes from
    /// a variable and is not known yet.
    pub script_chars: usize,
}

impl CardRequest {
    fn new(kind: GenerationType) -> Self {
        Self {
            kind,
            model: None,
            aspect_ratio: None,
            duration_seconds: None,
            text_fields: Vec::new(),
            resources: Vec::new(),
            voice: None,
            images: 1,
            max_tokens: None,
            script_chars: 0,
        }
    }
}

/// Checks `data` for a card of type `kind` and reads it into a [`CardRequest`]. The first
/// problem found is returned, naming its field as `data.<field>`.
pub fn validate(
    kind: GenerationType,
    data: &Map<String, Value>,
) -> Result<CardRequest, FieldError> {
    let data = Data(data);
    let mut request = CardRequest::new(kind);
    match kind {
        GenerationType::Text => text(&data, &mut request)?,
        GenerationType::ImageFromText => image_from_text(&data, &mut request)?,
        GenerationType::VideoFromText => video_from_text(&data, &mut request)?,
        GenerationType::VideoFromImage => video_from_image(&data, &mut request)?,
        GenerationType::VideoFromIngredients => video_from_ingredients(&data, &mut request)?,
        GenerationType::SpeechFromText => speech_from_text(&data, &mut request)?,
        GenerationType::Lipsync => lipsync(&data, &mut request)?,
        GenerationType::Captions => captions(&data, &mut request)?,
        GenerationType::Media => media(&data, &mut request)?,
    }
    Ok(request)
}

fn text(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.text_field(request, "prompt", Need::Unless(&["prompt_var"]))?;
    let model = data
        .choice(&["model"], TEXT_MODELS, TEXT_MODEL_ALIASES)?
        .unwrap_or(TEXT_MODELS[0]);
    request.model = Some(model.to_owned());
    data.number("temperature", 0.0, 1.0)?;
    request.max_tokens = data.integer("max_length", 1, MAX_TEXT_TOKENS)?;
    Ok(())
}

fn image_from_text(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.text_field(request, "prompt", Need::Unless(&["prompt_var"]))?;
    let model = data
        .choice(&["model"], IMAGE_FROM_TEXT_MODELS, &[])?
        .unwrap_or(IMAGE_FROM_TEXT_MODELS[0]);
    request.model = Some(model.to_owned());
    request.aspect_ratio = data
        .choice(&["aspect_ratio", "ratio"], IMAGE_ASPECT_RATIOS, &[])?
        .map(str::to_owned);
    request.images = data
        .integer("number_of_images", 1, MAX_IMAGES)?
        .unwrap_or(1);
    if let Some(ids) = data.resource_list("content_resource_ids", IMAGE)? {
        request.resources.extend(ids);
    }
    Ok(())
}

fn video_from_text(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.text_field(request, "prompt", Need::Unless(&["prompt_var"]))?;
    data.text_field(request, "negative_prompt", Need::Optional)?;
    video_settings(data, request, VIDEO_FROM_TEXT_MODELS)
}

fn video_from_image(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.resource(
        request,
        "image_resource_id",
        IMAGE,
        Need::Unless(&["image_var"]),
    )?;
    data.resource(request, "image_tail_resource_id", IMAGE, Need::Optional)?;
    data.text_field(request, "prompt", Need::Optional)?;
    data.text_field(request, "negative_prompt", Need::Optional)?;
    video_settings(data, request, VIDEO_FROM_IMAGE_MODELS)
}

fn video_from_ingredients(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    const VARS: &[&str] = &["asset_vars", "content_resource_vars"];
    data.text_field(request, "prompt", Need::Unless(&["prompt_var"]))?;
    data.text_field(request, "negative_prompt", Need::Optional)?;
    let from_variables = data.supplied_by_variable(VARS);
    match data.resource_list("asset_resource_ids", IMAGE_OR_VIDEO)? {
        None if !from_variables => return Err(error("asset_resource_ids", "is required")),
        Some(ids) if ids.is_empty() && !from_variables => {
            return Err(error(
                "asset_resource_ids",
                "must hold at least one content resource id",
            ));
        }
        Some(ids) if ids.len() > MAX_INGREDIENTS => {
            return Err(error(
                "asset_resource_ids",
                format!("must hold at most {MAX_INGREDIENTS} content resource ids"),
            ));
        }
        Some(ids) => request.resources.extend(ids),
        None => {}
    }
    video_settings(data, request, VIDEO_FROM_INGREDIENTS_MODELS)
}

/// Model, aspect ratio and duration, shared by the three video-generating types.
fn video_settings(
    data: &Data<'_>,
    request: &mut CardRequest,
    models: &'static [&'static str],
) -> Result<(), FieldError> {
    let model = data.choice(&["model"], models, &[])?.unwrap_or(models[0]);
    request.model = Some(model.to_owned());
    request.aspect_ratio = data
        .choice(&["aspect_ratio", "ratio"], VIDEO_ASPECT_RATIOS, &[])?
        .map(str::to_owned);
    let allowed = allowed_durations(model);
    let duration = match data.whole("duration")? {
        None => DEFAULT_DURATION_SECONDS,
        Some(seconds) => match allowed
            .iter()
            .find(|allowed| i64::from(**allowed) == seconds)
        {
            Some(seconds) => *seconds,
            None => {
                return Err(error(
                    "duration",
                    format!("must be {} for {model}", spoken_list(allowed)),
                ));
            }
        },
    };
    request.duration_seconds = Some(duration);
    Ok(())
}

fn speech_from_text(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    if let Some(script) = data.text_field(
        request,
        "script",
        Need::Unless(&["script_var", "source_var"]),
    )? {
        let chars = script.chars().count();
        if chars > MAX_SCRIPT_CHARS {
            return Err(error(
                "script",
                format!("must be at most {MAX_SCRIPT_CHARS} characters"),
            ));
        }
        request.script_chars = chars;
    }
    let method = match data.choice(&["voice_method"], VOICE_METHODS, &[])? {
        Some(method) => method,
        None if data.get("voice_id").is_some() => "my_voices",
        None => return Err(error("voice_method", "is required")),
    };
    let voice = match method {
        "design_voice" => {
            data.required_string("name")?;
            data.language(true)?;
            data.choice(&["gender"], GENDERS, &[])?
                .ok_or_else(|| error("gender", "is required"))?;
            data.text_field(request, "voice_prompt", Need::Required)?;
            VoiceMethod::DesignVoice
        }
        "clone_voice" => {
            data.required_string("name")?;
            data.resource(request, "audio_resource_id", AUDIO, Need::Required)?;
            data.language(true)?;
            data.choice(&["gender"], GENDERS, &[])?
                .ok_or_else(|| error("gender", "is required"))?;
            VoiceMethod::CloneVoice
        }
        _ => VoiceMethod::MyVoices {
            voice_id: data.required_string("voice_id")?.to_owned(),
        },
    };
    request.voice = Some(voice);
    data.language(false)?;
    data.number("speed", 0.5, 2.0)?;
    data.boolean("enhance_voice")?;
    Ok(())
}

const GENDERS: &[&str] = &crate::voice::GENDERS;

fn lipsync(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.resource(
        request,
        "video_resource_id",
        VIDEO,
        Need::Unless(&["video_var"]),
    )?;
    data.resource(
        request,
        "audio_resource_id",
        AUDIO,
        Need::Unless(&["audio_var"]),
    )?;
    let model = data
        .choice(&["model", "lipSyncModel"], LIPSYNC_MODELS, &[])?
        .ok_or_else(|| error("model", "is required"))?;
    request.model = Some(model.to_owned());
    Ok(())
}

fn captions(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.resource(
        request,
        "source_resource_id",
        AUDIO_OR_VIDEO,
        Need::Unless(&["source_var"]),
    )?;
    let model = data
        .choice(&["model"], CAPTIONS_MODELS, &[])?
        .unwrap_or(CAPTIONS_MODELS[0]);
    request.model = Some(model.to_owned());
    Ok(())
}

fn media(data: &Data<'_>, request: &mut CardRequest) -> Result<(), FieldError> {
    data.resource(
        request,
        "content_resource_id",
        ANY_MEDIA,
        Need::Unless(&["media_var"]),
    )?;
    Ok(())
}

/// Whether an input must be given.
#[derive(Clone, Copy)]
enum Need {
    Optional,
    Required,
    /// Required unless one of these variable mappings supplies it.
    Unless(&'static [&'static str]),
}

fn error(key: &str, message: impl Into<String>) -> FieldError {
    FieldError::new(format!("data.{key}"), message)
}

/// `5 or 10`, `4, 5, 8, 10 or 12`.
fn spoken_list(values: &[u32]) -> String {
    let words: Vec<String> = values.iter().map(u32::to_string).collect();
    match words.split_last() {
        None => "nothing".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// A content resource id: a positive integer, as a JSON number or a string of digits.
fn resource_id(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64(),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// `en`, `pt`, `fil`, optionally with a region: `en-US`, `pt-BR`, `es-419`.
/// Whether `text` is a language code such as `en`, `pt-BR` or `es-419`.
pub fn is_language_code(text: &str) -> bool {
    let (language, region) = match text.split_once('-') {
        Some((language, region)) => (language, Some(region)),
        None => (text, None),
    };
    let language_ok =
        (2..=3).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic());
    let region_ok = region.is_none_or(|region| {
        (region.len() == 2 && region.bytes().all(|b| b.is_ascii_alphabetic()))
            || (region.len() == 3 && region.bytes().all(|b| b.is_ascii_digit()))
    });
    language_ok && region_ok
}

/// A card's `data` object, read field by field.
struct Data<'a>(&'a Map<String, Value>);

impl<'a> Data<'a> {
    /// The field's value; `null` counts as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key).filter(|value| !value.is_null())
    }

    /// Whether one of these variable mappings is given (not empty).
    fn supplied_by_variable(&self, keys: &[&str]) -> bool {
        keys.iter().any(|key| match self.get(key) {
            None => false,
            Some(Value::String(text)) => !text.trim().is_empty(),
            Some(Value::Array(items)) => !items.is_empty(),
            Some(_) => true,
        })
    }

    fn needed(&self, need: Need) -> bool {
        match need {
            Need::Optional => false,
            Need::Required => true,
            Need::Unless(vars) => !self.supplied_by_variable(vars),
        }
    }

    /// A text field that takes `{{variables}}`; recorded in `text_fields` when given and not
    /// blank.
    fn text_field(
        &self,
        request: &mut CardRequest,
        key: &'static str,
        need: Need,
    ) -> Result<Option<&'a str>, FieldError> {
        match self.get(key) {
            None if self.needed(need) => Err(error(key, "is required")),
            None => Ok(None),
            Some(Value::String(text)) if text.trim().is_empty() => {
                if self.needed(need) {
                    Err(error(key, "must not be empty"))
                } else {
                    Ok(None)
                }
            }
            Some(Value::String(text)) => {
                request.text_fields.push(key);
                Ok(Some(text))
            }
            Some(_) => Err(error(key, "must be a string")),
        }
    }

    /// A plain string that must be given and not blank.
    fn required_string(&self, key: &str) -> Result<&'a str, FieldError> {
        match self.get(key) {
            None => Err(error(key, "is required")),
            Some(Value::String(text)) if text.trim().is_empty() => {
                Err(error(key, "must not be empty"))
            }
            Some(Value::String(text)) => Ok(text),
            Some(_) => Err(error(key, "must be a string")),
        }
    }

    /// One of a fixed set of names, read from the first of `keys` that is given; aliases map
    /// to their canonical name.
    fn choice(
        &self,
        keys: &[&str],
        allowed: &'static [&'static str],
        aliases: &'static [(&'static str, &'static str)],
    ) -> Result<Option<&'static str>, FieldError> {
        let Some((key, value)) = keys
            .iter()
            .find_map(|key| self.get(key).map(|value| (*key, value)))
        else {
            return Ok(None);
        };
        let Value::String(text) = value else {
            return Err(error(key, "must be a string"));
        };
        allowed
            .iter()
            .copied()
            .find(|name| *name == text)
            .or_else(|| {
                aliases
                    .iter()
                    .find(|(alias, _)| alias == text)
                    .map(|(_, name)| *name)
            })
            .map(Some)
            .ok_or_else(|| error(key, format!("must be one of {}", allowed.join(", "))))
    }

    /// A number within `min..=max`.
    fn number(&self, key: &str, min: f64, max: f64) -> Result<Option<f64>, FieldError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let number = value
            .as_f64()
            .ok_or_else(|| error(key, "must be a number"))?;
        if (min..=max).contains(&number) {
            Ok(Some(number))
        } else {
            Err(error(key, format!("must be between {min} and {max}")))
        }
    }

    /// A whole number; `5.0` counts as whole.
    fn whole(&self, key: &str) -> Result<Option<i64>, FieldError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let whole = match value {
            Value::Number(number) => number.as_i64().or_else(|| {
                number
                    .as_f64()
                    .filter(|float| float.fract() == 0.0 && float.abs() < 1e15)
                    .map(|float| {
                        #[expect(
                            clippy::cast_possible_truncation,
                            reason = "a whole float below 1e15 fits an i64 exactly"
                        )]
                        let whole = float as i64;
                        whole
                    })
            }),
            _ => None,
        };
        whole
            .map(Some)
            .ok_or_else(|| error(key, "must be an integer"))
    }

    /// A whole number within `min..=max`.
    fn integer(&self, key: &str, min: u32, max: u32) -> Result<Option<u32>, FieldError> {
        let Some(whole) = self.whole(key)? else {
            return Ok(None);
        };
        u32::try_from(whole)
            .ok()
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| error(key, format!("must be between {min} and {max}")))
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, FieldError> {
        self.get(key)
            .map(|value| {
                value
                    .as_bool()
                    .ok_or_else(|| error(key, "must be a boolean"))
            })
            .transpose()
    }

    /// `language`, checked as a language code; `required` for the voice-creating methods.
    fn language(&self, required: bool) -> Result<(), FieldError> {
        match self.get("language") {
            None if required => Err(error("language", "is required")),
            None => Ok(()),
            Some(Value::String(code)) if is_language_code(code) => Ok(()),
            Some(Value::String(_)) => Err(error(
                "language",
                "must be a language code such as en or pt-BR",
            )),
            Some(_) => Err(error("language", "must be a string")),
        }
    }

    /// One content resource id, recorded in `resources`.
    fn resource(
        &self,
        request: &mut CardRequest,
        key: &str,
        kinds: &'static [MediaKind],
        need: Need,
    ) -> Result<(), FieldError> {
        match self.get(key) {
            None if self.needed(need) => Err(error(key, "is required")),
            None => Ok(()),
            Some(value) => {
                let id = resource_id(value)
                    .ok_or_else(|| error(key, "must be a content resource id"))?;
                request.resources.push(ResourceRef {
                    field: format!("data.{key}"),
                    id,
                    kinds,
                });
                Ok(())
            }
        }
    }

    /// A list of content resource ids; `None` when the field is absent.
    fn resource_list(
        &self,
        key: &str,
        kinds: &'static [MediaKind],
    ) -> Result<Option<Vec<ResourceRef>>, FieldError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let Value::Array(items) = value else {
            return Err(error(key, "must be an array"));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| {
                let field = format!("data.{key}[{index}]");
                match resource_id(item) {
                    Some(id) => Ok(ResourceRef { field, id, kinds }),
                    None => Err(FieldError::new(field, "must be a content resource id")),
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

#[cfg(test)]
mod tests;
