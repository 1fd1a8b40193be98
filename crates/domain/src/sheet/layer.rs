//! Video layers: their kinds and the rules for their `additional_attributes`, the
//! Remotion-style timing and styles the renderer relies on. Timing is in frames at 30 fps.
//! Fields not listed here are kept as the client sent them; the listed ones must make sense.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value};

use crate::FieldError;
use crate::sheet::card::{self, GenerationType};
use crate::wire_enum::NotOneOf;

/// Frames per second of every timeline.
pub const FPS: u32 = 30;
/// The longest layer name.
pub const MAX_NAME_CHARS: usize = 200;
/// The largest `additional_attributes`, serialised.
pub const MAX_ATTRIBUTES_BYTES: usize = 1024 * 1024;
/// The longest text a text layer may show.
pub const MAX_CONTENT_CHARS: usize = 10_000;
/// The named caption styles.
pub const CAPTION_TEMPLATES: [&str; 4] = ["classic", "karaoke", "highlight", "pop"];
/// How a layer may enter.
pub const ENTER_EFFECTS: [&str; 4] = ["none", "fadeIn", "slideIn", "zoomIn"];
/// How a layer may leave.
pub const EXIT_EFFECTS: [&str; 4] = ["none", "fadeOut", "slideOut", "zoomOut"];
/// The CSS filter functions the renderer supports.
pub const FILTERS: [&str; 5] = ["brightness", "contrast", "saturate", "grayscale", "blur"];
/// How media fits its box.
pub const OBJECT_FITS: [&str; 4] = ["cover", "contain", "fill", "none"];
/// Text alignment.
pub const TEXT_ALIGNS: [&str; 3] = ["left", "center", "right"];

const FRAME_FIELDS: [&str; 4] = [
    "from",
    "durationInFrames",
    "totalDuration",
    "startFromSound",
];
const COLOR_STYLES: [&str; 7] = [
    "color",
    "backgroundColor",
    "fill",
    "stroke",
    "highlightColor",
    "activeColor",
    "shadowColor",
];
/// A bound on frame counts (about 3 days at 30 fps) that keeps arithmetic far from overflow.
const MAX_FRAMES: u64 = 10_000_000;

/// What a layer draws or plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerKind {
    Text,
    /// A video clip.
    Clip,
    /// An audio track.
    Sound,
    /// Word-timed captions.
    Caption,
    Image,
    Shape,
}

impl LayerKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            LayerKind::Text => "text",
            LayerKind::Clip => "clip",
            LayerKind::Sound => "sound",
            LayerKind::Caption => "caption",
            LayerKind::Image => "image",
            LayerKind::Shape => "shape",
        }
    }

    /// What a generation on a layer of this kind makes when neither the request nor the
    /// layer's creation card names a type; shapes make nothing.
    pub const fn generation_type(self) -> Option<GenerationType> {
        match self {
            LayerKind::Text => Some(GenerationType::Text),
            LayerKind::Clip => Some(GenerationType::VideoFromText),
            LayerKind::Sound => Some(GenerationType::SpeechFromText),
            LayerKind::Caption => Some(GenerationType::Captions),
            LayerKind::Image => Some(GenerationType::ImageFromText),
            LayerKind::Shape => None,
        }
    }

    /// Reads a layer type, accepting the aliases GEN's documents use (video, audio, captions).
    pub fn parse(field: &str, text: &str) -> Result<LayerKind, FieldError> {
        text.parse().map_err(|()| {
            FieldError::new(
                field,
                format!(
                    "must be one of text, clip (or video), sound (or audio), caption (or captions), image or shape (got {text:?})"
                ),
            )
        })
    }
}

impl FromStr for LayerKind {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "text" => LayerKind::Text,
            "clip" | "video" => LayerKind::Clip,
            "sound" | "audio" => LayerKind::Sound,
            "caption" | "captions" => LayerKind::Caption,
            "image" => LayerKind::Image,
            "shape" => LayerKind::Shape,
            _ => return Err(()),
        })
    }
}

impl TryFrom<String> for LayerKind {
    type Error = NotOneOf;

    fn try_from(text: String) -> Result<Self, NotOneOf> {
        text.parse()
            .map_err(|()| NotOneOf(&["text", "clip", "sound", "caption", "image", "shape"]))
    }
}

impl fmt::Display for LayerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A layer name: trimmed, 1 to 200 characters.
pub fn name(field: &str, text: &str) -> Result<String, FieldError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(FieldError::new(field, "must not be blank"));
    }
    if trimmed.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// What valid attributes point at, for the checks that need the database.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct References {
    /// Content resources named by id, with the field that names each.
    pub resources: Vec<(String, i64)>,
    /// The column whose cell feeds this layer (`source_column`), if any.
    pub source_column: Option<String>,
}

/// Checks a layer's `additional_attributes` and returns what they refer to.
pub fn check_attributes(attributes: &Value) -> Result<References, FieldError> {
    const ROOT: &str = "additional_attributes";
    let Value::Object(map) = attributes else {
        return Err(FieldError::new(ROOT, "must be an object"));
    };
    let size = serde_json::to_vec(attributes).map_or(usize::MAX, |bytes| bytes.len());
    if size > MAX_ATTRIBUTES_BYTES {
        return Err(FieldError::new(
            ROOT,
            format!("must be at most {} KiB", MAX_ATTRIBUTES_BYTES / 1024),
        ));
    }
    check_map(map).map_err(|err| err.within(ROOT))
}

fn check_map(map: &Map<String, Value>) -> Result<References, FieldError> {
    let mut references = References::default();
    for field in FRAME_FIELDS {
        if let Some(value) = map.get(field) {
            frames(field, value)?;
        }
    }
    if let Some(value) = map.get("videoStartTime") {
        number_at_least(value, 0.0).ok_or_else(|| {
            FieldError::new("videoStartTime", "must be a number of seconds, 0 or more")
        })?;
    }
    for field in ["left", "top", "rotation"] {
        if let Some(value) = map.get(field) {
            finite(value).ok_or_else(|| FieldError::new(field, "must be a number"))?;
        }
    }
    for field in ["width", "height"] {
        if let Some(value) = map.get(field) {
            number_at_least(value, 0.0)
                .ok_or_else(|| FieldError::new(field, "must be a number of pixels, 0 or more"))?;
        }
    }
    unit_interval(map, "volume")?;
    unit_interval(map, "opacity")?;
    if let Some(value) = map.get("src")
        && let Some(id) = source(value)?
    {
        references.resources.push(("src".into(), id));
    }
    if let Some(value) = map.get("content") {
        let text = value
            .as_str()
            .ok_or_else(|| FieldError::new("content", "must be a string"))?;
        if text.chars().count() > MAX_CONTENT_CHARS {
            return Err(FieldError::new(
                "content",
                format!("must be at most {MAX_CONTENT_CHARS} characters"),
            ));
        }
    }
    if let Some(value) = map.get("template") {
        one_of("template", value, &CAPTION_TEMPLATES)?;
    }
    if let Some(value) = map.get("captions") {
        let Value::Array(lines) = value else {
            return Err(FieldError::new("captions", "must be a list"));
        };
        captions(lines).map_err(|err| err.within("captions"))?;
    }
    if let Some(value) = map.get("source_column") {
        let title = value
            .as_str()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| FieldError::new("source_column", "must name a column"))?;
        references.source_column = Some(title.to_owned());
    }
    if let Some(value) = map.get("creation_card") {
        card::check(value).map_err(|err| err.within("creation_card"))?;
    }
    if let Some(value) = map.get("animation") {
        animation(value).map_err(|err| err.within("animation"))?;
    }
    if let Some(value) = map.get("styles") {
        let Value::Object(styles) = value else {
            return Err(FieldError::new("styles", "must be an object"));
        };
        check_styles(styles).map_err(|err| err.within("styles"))?;
    }
    Ok(references)
}

fn check_styles(styles: &Map<String, Value>) -> Result<(), FieldError> {
    unit_interval(styles, "volume")?;
    unit_interval(styles, "opacity")?;
    for field in COLOR_STYLES {
        if let Some(value) = styles.get(field) {
            color(field, value)?;
        }
    }
    if let Some(value) = styles.get("objectFit") {
        one_of("objectFit", value, &OBJECT_FITS)?;
    }
    if let Some(value) = styles.get("textAlign") {
        one_of("textAlign", value, &TEXT_ALIGNS)?;
    }
    if let Some(value) = styles.get("filter") {
        let text = value
            .as_str()
            .ok_or_else(|| FieldError::new("filter", "must be a string"))?;
        filter(text).map_err(|message| FieldError::new("filter", message))?;
    }
    if let Some(value) = styles.get("animation") {
        animation(value).map_err(|err| err.within("animation"))?;
    }
    for field in ["fontSize", "borderRadius", "strokeWidth"] {
        if let Some(value) = styles.get(field) {
            length(value).ok_or_else(|| {
                FieldError::new(
                    field,
                    "must be a length such as 48, \"48px\" or \"10%\", 0 or more",
                )
            })?;
        }
    }
    if let Some(value) = styles.get("fontWeight") {
        font_weight(value).ok_or_else(|| {
            FieldError::new(
                "fontWeight",
                "must be a weight from 1 to 1000, \"normal\" or \"bold\"",
            )
        })?;
    }
    Ok(())
}

fn frames(field: &str, value: &Value) -> Result<u64, FieldError> {
    value
        .as_u64()
        .filter(|n| *n <= MAX_FRAMES)
        .ok_or_else(|| FieldError::new(field, "must be a whole number of frames, 0 or more"))
}

fn finite(value: &Value) -> Option<f64> {
    value.as_f64().filter(|n| n.is_finite())
}

fn number_at_least(value: &Value, min: f64) -> Option<f64> {
    finite(value).filter(|n| *n >= min)
}

fn unit_interval(map: &Map<String, Value>, field: &str) -> Result<(), FieldError> {
    match map.get(field) {
        None => Ok(()),
        Some(value) => finite(value)
            .filter(|n| (0.0..=1.0).contains(n))
            .map(|_| ())
            .ok_or_else(|| FieldError::new(field, "must be a number from 0 to 1")),
    }
}

fn one_of(field: &str, value: &Value, allowed: &[&str]) -> Result<(), FieldError> {
    match value.as_str() {
        Some(text) if allowed.contains(&text) => Ok(()),
        _ => Err(FieldError::new(
            field,
            format!("must be one of {}", allowed.join(", ")),
        )),
    }
}

fn color(field: &str, value: &Value) -> Result<(), FieldError> {
    value
        .as_str()
        .filter(|text| csscolorparser::parse(text).is_ok())
        .map(|_| ())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "must be a CSS color such as \"#ffcc00\", \"rgba(0,0,0,0.5)\" or \"white\"",
            )
        })
}

/// A media source: an http(s) URL, or a content resource id (a number or numeric string).
fn source(value: &Value) -> Result<Option<i64>, FieldError> {
    let invalid = || {
        FieldError::new(
            "src",
            "must be an http(s) URL or the id of one of this agent's content resources",
        )
    };
    match value {
        Value::Number(n) => n
            .as_i64()
            .filter(|id| *id > 0)
            .map(Some)
            .ok_or_else(invalid),
        Value::String(text) => {
            let text = text.trim();
            if let Ok(id) = text.parse::<i64>() {
                return if id > 0 { Ok(Some(id)) } else { Err(invalid()) };
            }
            match url::Url::parse(text) {
                Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Ok(None),
                _ => Err(invalid()),
            }
        }
        _ => Err(invalid()),
    }
}

fn animation(value: &Value) -> Result<(), FieldError> {
    let Value::Object(map) = value else {
        return Err(FieldError::new(
            "animation",
            "must be an object such as {\"enter\": \"fadeIn\", \"exit\": \"fadeOut\"}",
        ));
    };
    if let Some(enter) = map.get("enter") {
        one_of("enter", enter, &ENTER_EFFECTS)?;
    }
    if let Some(exit) = map.get("exit") {
        one_of("exit", exit, &EXIT_EFFECTS)?;
    }
    Ok(())
}

fn captions(lines: &[Value]) -> Result<(), FieldError> {
    for (i, line) in lines.iter().enumerate() {
        let Value::Object(line) = line else {
            return Err(FieldError::new(format!("[{i}]"), "must be an object"));
        };
        timed(line, "text").map_err(|err| err.within(&format!("[{i}]")))?;
        if let Some(words) = line.get("words") {
            let Value::Array(words) = words else {
                return Err(FieldError::new(format!("[{i}].words"), "must be a list"));
            };
            for (j, word) in words.iter().enumerate() {
                let path = format!("[{i}].words[{j}]");
                let Value::Object(word) = word else {
                    return Err(FieldError::new(path, "must be an object"));
                };
                timed(word, "word").map_err(|err| err.within(&path))?;
            }
        }
    }
    Ok(())
}

/// A caption line or word: its text and a `startMs`..`endMs` span.
fn timed(map: &Map<String, Value>, text_field: &str) -> Result<(), FieldError> {
    if map.get(text_field).is_some_and(|text| !text.is_string()) {
        return Err(FieldError::new(text_field, "must be a string"));
    }
    let ms = |field: &str| {
        map.get(field).and_then(Value::as_u64).ok_or_else(|| {
            FieldError::new(field, "must be a whole number of milliseconds, 0 or more")
        })
    };
    let (start, end) = (ms("startMs")?, ms("endMs")?);
    if end < start {
        return Err(FieldError::new("endMs", "must not come before startMs"));
    }
    Ok(())
}

/// Checks a CSS filter list such as `brightness(1.2) contrast(110%) blur(2px)`.
fn filter(text: &str) -> Result<(), String> {
    let unsupported = || {
        format!(
            "must be a list of CSS filter functions among {} (got {text:?})",
            FILTERS.join(", ")
        )
    };
    let mut rest = text.trim();
    if rest.is_empty() || rest == "none" {
        return Ok(());
    }
    while !rest.is_empty() {
        let open = rest.find('(').ok_or_else(unsupported)?;
        let close = rest
            .find(')')
            .filter(|c| *c > open)
            .ok_or_else(unsupported)?;
        let function = rest[..open].trim();
        if !FILTERS.contains(&function) {
            return Err(unsupported());
        }
        let argument = rest[open + 1..close].trim();
        let number = if function == "blur" {
            argument.strip_suffix("px").unwrap_or(argument)
        } else {
            argument.strip_suffix('%').unwrap_or(argument)
        };
        match number.trim().parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => {}
            _ => return Err(format!("has a bad argument {argument:?} for {function}()")),
        }
        rest = rest[close + 1..].trim_start();
    }
    Ok(())
}

/// A non-negative length: a number, or a string with `px` or `%`.
fn length(value: &Value) -> Option<f64> {
    match value {
        Value::Number(_) => number_at_least(value, 0.0),
        Value::String(text) => {
            let text = text.trim();
            let number = text
                .strip_suffix("px")
                .or_else(|| text.strip_suffix('%'))
                .unwrap_or(text);
            number
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite() && *n >= 0.0)
        }
        _ => None,
    }
}

fn font_weight(value: &Value) -> Option<()> {
    let weight = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(text) if matches!(text.as_str(), "normal" | "bold") => return Some(()),
        Value::String(text) => text.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (1.0..=1000.0).contains(&weight).then_some(())
}

/// Deep-merges `patch` into `target` the way JSON Merge Patch (RFC 7396) does: objects merge
/// key by key, `null` removes a key, anything else replaces.
pub fn merge(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(map) = target else {
        return;
    };
    for (key, value) in patch {
        if value.is_null() {
            map.remove(key);
        } else {
            merge(map.entry(key.clone()).or_insert(Value::Null), value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn error(attributes: Value) -> String {
        check_attributes(&attributes).unwrap_err().to_string()
    }

    #[test]
    fn the_seed_aliases_name_the_canonical_kinds() {
        assert_eq!(LayerKind::parse("type", "video"), Ok(LayerKind::Clip));
        assert_eq!(LayerKind::parse("type", "audio"), Ok(LayerKind::Sound));
        assert_eq!(LayerKind::parse("type", "Captions"), Ok(LayerKind::Caption));
        assert!(LayerKind::parse("type", "sticker").is_err());
    }

    #[test]
    fn a_documented_sound_layer_is_valid() {
        let attributes = json!({"src": "https://cdn.example.com/a.mp3", "from": 0, "durationInFrames": 300,
            "totalDuration": 300, "styles": {"volume": 0.8}, "startFromSound": 30});
        assert_eq!(check_attributes(&attributes), Ok(References::default()));
    }

    #[test]
    fn frames_must_be_whole_and_not_negative() {
        assert!(error(json!({"from": -1})).contains("additional_attributes.from"));
        assert!(error(json!({"durationInFrames": 2.5})).contains("whole number of frames"));
        assert!(error(json!({"from": "10"})).contains("from"));
    }

    #[test]
    fn volume_and_opacity_lie_between_zero_and_one() {
        assert!(
            error(json!({"styles": {"volume": 1.5}}))
                .contains("additional_attributes.styles.volume")
        );
        assert!(error(json!({"opacity": -0.1})).contains("opacity"));
        assert!(check_attributes(&json!({"styles": {"volume": 0, "opacity": 1}})).is_ok());
    }

    #[test]
    fn colors_must_parse() {
        for good in [
            "#fff",
            "#ffcc00",
            "#ffcc0080",
            "rgba(0,0,0,0.5)",
            "white",
            "hsl(120, 50%, 50%)",
        ] {
            assert!(
                check_attributes(&json!({"styles": {"color": good}})).is_ok(),
                "{good}"
            );
        }
        assert!(error(json!({"styles": {"fill": "#ggg"}})).contains("styles.fill"));
        assert!(error(json!({"styles": {"backgroundColor": 3}})).contains("backgroundColor"));
    }

    #[test]
    fn src_is_an_http_url_or_a_resource_id() {
        let refs = check_attributes(&json!({"src": 42})).unwrap();
        assert_eq!(refs.resources, vec![("src".to_owned(), 42)]);
        let refs = check_attributes(&json!({"src": "7"})).unwrap();
        assert_eq!(refs.resources, vec![("src".to_owned(), 7)]);
        assert!(check_attributes(&json!({"src": "https://example.com/v.mp4"})).is_ok());
        assert!(error(json!({"src": "file:///etc/passwd"})).contains("src"));
        assert!(error(json!({"src": "not a url"})).contains("src"));
        assert!(error(json!({"src": -3})).contains("src"));
    }

    #[test]
    fn filters_are_limited_to_what_the_renderer_draws() {
        assert!(
            check_attributes(
                &json!({"styles": {"filter": "brightness(1.2) contrast(110%) blur(2px)"}})
            )
            .is_ok()
        );
        assert!(error(json!({"styles": {"filter": "sepia(1)"}})).contains("brightness"));
        assert!(error(json!({"styles": {"filter": "blur(x)"}})).contains("bad argument"));
    }

    #[test]
    fn animations_name_known_effects() {
        assert!(
            check_attributes(
                &json!({"styles": {"animation": {"enter": "fadeIn", "exit": "zoomOut"}}})
            )
            .is_ok()
        );
        assert!(
            error(json!({"styles": {"animation": {"enter": "spin"}}}))
                .contains("styles.animation.enter")
        );
    }

    #[test]
    fn caption_words_need_ordered_millisecond_spans() {
        let good = json!({"captions": [{"text": "hi there", "startMs": 0, "endMs": 900,
            "words": [{"word": "hi", "startMs": 0, "endMs": 400}, {"word": "there", "startMs": 400, "endMs": 900}]}],
            "template": "karaoke"});
        assert!(check_attributes(&good).is_ok());
        let backwards = json!({"captions": [{"text": "x", "startMs": 500, "endMs": 100}]});
        assert!(error(backwards).contains("captions[0].endMs"));
        let bad_word = json!({"captions": [{"text": "x", "startMs": 0, "endMs": 10, "words": [{"word": "x", "startMs": 0}]}]});
        assert!(error(bad_word).contains("captions[0].words[0].endMs"));
        assert!(error(json!({"template": "comic"})).contains("template"));
    }

    #[test]
    fn unknown_fields_are_kept_as_sent() {
        assert!(check_attributes(&json!({"transition": {"kind": "whip"}, "locked": true})).is_ok());
        assert!(error(json!([1, 2])).contains("must be an object"));
    }

    #[test]
    fn merging_keeps_sibling_styles_and_null_removes() {
        let mut target =
            json!({"from": 0, "styles": {"volume": 1, "objectFit": "cover"}, "src": "x"});
        merge(
            &mut target,
            &json!({"styles": {"volume": 0.5}, "src": null}),
        );
        assert_eq!(
            target,
            json!({"from": 0, "styles": {"volume": 0.5, "objectFit": "cover"}})
        );
    }
}
