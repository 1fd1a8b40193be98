//! A layer stack, typed: what each layer shows or plays, where, when and how it looks. Read
//! from GEN's layer records (`type`, `position`, `additional_attributes`), back to front.
//! Timing is in frames at 30 fps.

use std::path::PathBuf;

use ace_domain::sheet::layer::{FPS, LayerKind};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::css::{self, Color, Filter};

/// The picture size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
}

impl Canvas {
    /// The canvas of an engine's aspect ratio: 9:16 is 1080×1920 (the default), 16:9
    /// 1920×1080, 1:1 1080×1080 and 4:5 1080×1350.
    pub fn for_aspect_ratio(ratio: Option<&str>) -> Option<Canvas> {
        let (width, height) = match ratio.map(str::trim).unwrap_or("9:16") {
            "9:16" | "" => (1080, 1920),
            "16:9" => (1920, 1080),
            "1:1" => (1080, 1080),
            "4:5" => (1080, 1350),
            _ => return None,
        };
        Some(Canvas { width, height })
    }

    /// Parses `WIDTHxHEIGHT`, both even and from 16 to 4096.
    pub fn parse(text: &str) -> Option<Canvas> {
        let (w, h) = text.split_once(['x', 'X'])?;
        let canvas = Canvas {
            width: w.trim().parse().ok()?,
            height: h.trim().parse().ok()?,
        };
        let fits = |n: u32| (16..=4096).contains(&n) && n.is_multiple_of(2);
        (fits(canvas.width) && fits(canvas.height)).then_some(canvas)
    }
}

/// Where a layer's media comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// One of the agent's content resources.
    Resource(i64),
    /// An http(s) URL.
    Url(String),
    /// A local file (the CLI only; the API accepts ids and URLs).
    Path(PathBuf),
}

/// How media fills its box (CSS `object-fit`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fit {
    #[default]
    Cover,
    Contain,
    Fill,
    None,
}

/// A layer's text style.
#[derive(Clone, Debug, PartialEq)]
pub struct Font {
    pub family: String,
    pub size_px: f64,
    pub weight: u16,
    pub color: Color,
    pub align: Align,
    pub background: Option<Color>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Align {
    Left,
    #[default]
    Center,
    Right,
}

/// One word of a caption with its time, in milliseconds from the layer's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// A caption line: its words (a line without words is one word spanning the line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub start_ms: u64,
    pub end_ms: u64,
    pub words: Vec<Word>,
}

/// The named caption styles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CaptionTemplate {
    /// The line, plain.
    Classic,
    /// The line, with the word being spoken in the highlight color.
    #[default]
    Karaoke,
    /// The line, filling with the highlight color word by word as it is spoken.
    Highlight,
    /// Only the word being spoken, large, popping in.
    Pop,
}

/// What a layer is.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    Clip {
        src: Source,
        /// Where playback starts in the source, in seconds.
        start_s: f64,
        volume: f64,
        fit: Fit,
    },
    Image {
        src: Source,
        fit: Fit,
    },
    Sound {
        src: Source,
        /// Where playback starts in the source, in frames.
        start_frames: u64,
        volume: f64,
    },
    Text {
        content: String,
        font: Font,
    },
    Caption {
        lines: Vec<Line>,
        template: CaptionTemplate,
        font: Font,
        highlight: Color,
    },
    Shape {
        fill: Option<Color>,
        stroke: Option<Color>,
        stroke_width: f64,
    },
}

impl Content {
    pub fn source(&self) -> Option<&Source> {
        match self {
            Content::Clip { src, .. } | Content::Image { src, .. } | Content::Sound { src, .. } => {
                Some(src)
            }
            _ => None,
        }
    }

    /// Whether it is drawn with ASS (text, shapes, captions) rather than as media.
    pub fn is_drawn(&self) -> bool {
        matches!(
            self,
            Content::Text { .. } | Content::Caption { .. } | Content::Shape { .. }
        )
    }
}

/// How a layer enters or leaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Motion {
    #[default]
    None,
    Fade,
    Slide,
    Zoom,
}

/// A box on the canvas, in pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub left: f64,
    pub top: f64,
    pub width: f64,
    pub height: f64,
}

/// One layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Layer {
    pub name: String,
    pub kind: LayerKind,
    /// Its first frame.
    pub from: u64,
    /// How many frames it lasts; `None` for "as long as its media, else to the end".
    pub duration: Option<u64>,
    pub content: Content,
    pub rect: Rect,
    /// Degrees, clockwise.
    pub rotation: f64,
    pub opacity: f64,
    pub enter: Motion,
    pub exit: Motion,
    pub filters: Vec<Filter>,
    pub radius: f64,
}

impl Layer {
    /// How the layer is named in messages: `layer "Voice" (sound)`.
    pub fn label(&self) -> String {
        format!("layer {:?} ({})", self.name, self.kind)
    }
}

/// A stack ready to compile: the canvas and the layers, back to front.
#[derive(Clone, Debug, PartialEq)]
pub struct Stack {
    pub canvas: Canvas,
    pub layers: Vec<Layer>,
}

/// Why a stack cannot be rendered. The message is for the client: it names the layer and
/// what to fix.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StackError(pub String);

/// A layer as stored: GEN's layer record.
#[derive(Clone, Debug, Deserialize)]
pub struct LayerRecord {
    #[serde(default)]
    pub name: String,
    #[serde(rename = "type", alias = "kind")]
    pub kind: String,
    #[serde(default)]
    pub position: i64,
    #[serde(default)]
    pub additional_attributes: Value,
}

/// A stack file for `ace render`: a canvas (by aspect ratio or size) and the layers.
#[derive(Clone, Debug, Deserialize)]
pub struct StackFile {
    #[serde(default)]
    pub aspect_ratio: Option<String>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    pub layers: Vec<LayerRecord>,
}

impl Stack {
    /// Reads layer records onto `canvas`, sorting them back to front. `local_paths` allows
    /// `src` to name a file (for the CLI).
    pub fn read(
        canvas: Canvas,
        records: &[LayerRecord],
        local_paths: bool,
    ) -> Result<Stack, StackError> {
        let mut sorted: Vec<&LayerRecord> = records.iter().collect();
        sorted.sort_by_key(|record| record.position);
        let layers = sorted
            .into_iter()
            .enumerate()
            .map(|(index, record)| read_layer(canvas, index, record, local_paths))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Stack { canvas, layers })
    }

    /// Reads a stack file.
    pub fn from_file(file: &StackFile, size: Option<Canvas>) -> Result<Stack, StackError> {
        let canvas = match (size, file.width, file.height) {
            (Some(canvas), _, _) => canvas,
            (None, Some(width), Some(height)) => Canvas::parse(&format!("{width}x{height}"))
                .ok_or_else(|| {
                    StackError("width and height must be even numbers from 16 to 4096".into())
                })?,
            _ => Canvas::for_aspect_ratio(file.aspect_ratio.as_deref()).ok_or_else(|| {
                StackError("aspect_ratio must be one of 9:16, 16:9, 1:1 or 4:5".into())
            })?,
        };
        Stack::read(canvas, &file.layers, true)
    }
}

fn read_layer(
    canvas: Canvas,
    index: usize,
    record: &LayerRecord,
    local_paths: bool,
) -> Result<Layer, StackError> {
    let name = if record.name.trim().is_empty() {
        format!("#{}", index + 1)
    } else {
        record.name.trim().to_owned()
    };
    let kind: LayerKind = record.kind.parse().map_err(|()| {
        StackError(format!(
            "layer {name:?} has type {:?}, which is not one ace renders",
            record.kind
        ))
    })?;
    let empty = Map::new();
    let attributes = record.additional_attributes.as_object().unwrap_or(&empty);
    let styles = attributes
        .get("styles")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    // A field may sit at the top or under `styles`; `styles` wins.
    let field = |key: &str| styles.get(key).or_else(|| attributes.get(key));
    let label = format!("layer {name:?} ({kind})");
    let frames = |key: &str| attributes.get(key).and_then(Value::as_u64);
    let number = |key: &str| field(key).and_then(Value::as_f64).filter(|n| n.is_finite());
    let unit = |key: &str, default: f64| number(key).map_or(default, |n| n.clamp(0.0, 1.0));
    let (w, h) = (f64::from(canvas.width), f64::from(canvas.height));
    let rect = Rect {
        left: attributes
            .get("left")
            .and_then(Value::as_f64)
            .unwrap_or(0.0),
        top: attributes.get("top").and_then(Value::as_f64).unwrap_or(0.0),
        width: attributes
            .get("width")
            .and_then(Value::as_f64)
            .filter(|n| *n > 0.0)
            .unwrap_or(w),
        height: attributes
            .get("height")
            .and_then(Value::as_f64)
            .filter(|n| *n > 0.0)
            .unwrap_or(h),
    };
    let fit = match field("objectFit").and_then(Value::as_str) {
        Some("contain") => Fit::Contain,
        Some("fill") => Fit::Fill,
        Some("none") => Fit::None,
        _ => Fit::Cover,
    };
    let src = || source(attributes.get("src"), local_paths, &label);
    let font = || Font {
        family: field("fontFamily")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .unwrap_or(crate::fonts::DEFAULT_FAMILY)
            .to_owned(),
        size_px: css::length(field("fontSize"), h).unwrap_or(if kind == LayerKind::Caption {
            64.0
        } else {
            48.0
        }),
        // Captions read best bold; everything else defaults to normal.
        weight: match field("fontWeight") {
            None if kind == LayerKind::Caption => 700,
            weight => css::font_weight(weight),
        },
        color: Color::of(field("color")).unwrap_or(Color::WHITE),
        align: match field("textAlign").and_then(Value::as_str) {
            Some("left") => Align::Left,
            Some("right") => Align::Right,
            _ => Align::Center,
        },
        background: Color::of(field("backgroundColor")),
    };
    let content = match kind {
        LayerKind::Clip => Content::Clip {
            src: src()?,
            start_s: number("videoStartTime").unwrap_or(0.0).max(0.0),
            volume: unit("volume", 1.0),
            fit,
        },
        LayerKind::Image => Content::Image { src: src()?, fit },
        LayerKind::Sound => Content::Sound {
            src: src()?,
            start_frames: frames("startFromSound").unwrap_or(0),
            volume: unit("volume", 1.0),
        },
        LayerKind::Text => Content::Text {
            content: attributes
                .get("content")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            font: font(),
        },
        LayerKind::Caption => Content::Caption {
            lines: caption_lines(attributes.get("captions")),
            template: match attributes.get("template").and_then(Value::as_str) {
                Some("classic") => CaptionTemplate::Classic,
                Some("highlight") => CaptionTemplate::Highlight,
                Some("pop") => CaptionTemplate::Pop,
                _ => CaptionTemplate::Karaoke,
            },
            font: font(),
            highlight: Color::of(field("highlightColor").or_else(|| field("activeColor")))
                .unwrap_or(Color::opaque(255, 214, 0)),
        },
        LayerKind::Shape => Content::Shape {
            fill: Color::of(field("fill")).or_else(|| Color::of(field("backgroundColor"))),
            stroke: Color::of(field("stroke")),
            stroke_width: css::length(field("strokeWidth"), w).unwrap_or(0.0),
        },
    };
    let animation = field("animation").and_then(Value::as_object);
    let motion = |key: &str| match animation.and_then(|a| a.get(key)).and_then(Value::as_str) {
        Some("fadeIn" | "fadeOut") => Motion::Fade,
        Some("slideIn" | "slideOut") => Motion::Slide,
        Some("zoomIn" | "zoomOut") => Motion::Zoom,
        _ => Motion::None,
    };
    Ok(Layer {
        name,
        kind,
        from: frames("from").unwrap_or(0),
        duration: frames("durationInFrames"),
        content,
        rect,
        rotation: attributes
            .get("rotation")
            .and_then(Value::as_f64)
            .filter(|r| r.is_finite())
            .unwrap_or(0.0),
        opacity: unit("opacity", 1.0),
        enter: motion("enter"),
        exit: motion("exit"),
        filters: field("filter")
            .and_then(Value::as_str)
            .map(css::filters)
            .unwrap_or_default(),
        radius: css::length(field("borderRadius"), rect.width.min(rect.height)).unwrap_or(0.0),
    })
}

fn source(value: Option<&Value>, local_paths: bool, label: &str) -> Result<Source, StackError> {
    let missing = || {
        StackError(format!(
            "{label} has no src: set it to a content resource id or an https URL"
        ))
    };
    match value {
        None | Some(Value::Null) => Err(missing()),
        Some(Value::Number(n)) => n
            .as_i64()
            .filter(|id| *id > 0)
            .map(Source::Resource)
            .ok_or_else(missing),
        Some(Value::String(text)) => {
            let text = text.trim();
            if text.is_empty() {
                return Err(missing());
            }
            if let Ok(id) = text.parse::<i64>() {
                return Ok(Source::Resource(id));
            }
            if text.starts_with("http://") || text.starts_with("https://") {
                return Ok(Source::Url(text.to_owned()));
            }
            if local_paths {
                return Ok(Source::Path(PathBuf::from(
                    text.strip_prefix("file://").unwrap_or(text),
                )));
            }
            Err(StackError(format!(
                "{label} has src {text:?}, which is neither a content resource id nor an http(s) URL"
            )))
        }
        Some(_) => Err(missing()),
    }
}

fn caption_lines(value: Option<&Value>) -> Vec<Line> {
    let ms = |map: &Map<String, Value>, key: &str| map.get(key).and_then(Value::as_u64);
    let text = |map: &Map<String, Value>, key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    let mut lines = Vec::new();
    for line in value.and_then(Value::as_array).into_iter().flatten() {
        let Some(line) = line.as_object() else {
            continue;
        };
        let (Some(start_ms), Some(end_ms)) = (ms(line, "startMs"), ms(line, "endMs")) else {
            continue;
        };
        let mut words: Vec<Word> = line
            .get("words")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_object)
            .filter_map(|word| {
                Some(Word {
                    text: text(word, "word"),
                    start_ms: ms(word, "startMs")?,
                    end_ms: ms(word, "endMs")?,
                })
            })
            .filter(|word| !word.text.is_empty() && word.end_ms >= word.start_ms)
            .collect();
        if words.is_empty() {
            let whole = text(line, "text");
            if whole.is_empty() {
                continue;
            }
            words.push(Word {
                text: whole,
                start_ms,
                end_ms,
            });
        }
        words.sort_by_key(|word| word.start_ms);
        lines.push(Line {
            start_ms,
            end_ms: end_ms.max(start_ms),
            words,
        });
    }
    lines.sort_by_key(|line| line.start_ms);
    lines
}

/// Frames in `ms` milliseconds, rounded up.
pub fn frames_in_ms(ms: u64) -> u64 {
    (ms * u64::from(FPS)).div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(kind: &str, position: i64, attributes: Value) -> LayerRecord {
        LayerRecord {
            name: format!("{kind} {position}"),
            kind: kind.into(),
            position,
            additional_attributes: attributes,
        }
    }

    const PORTRAIT: Canvas = Canvas {
        width: 1080,
        height: 1920,
    };

    #[test]
    fn layers_are_read_back_to_front_with_their_aliases() {
        let stack = Stack::read(
            PORTRAIT,
            &[
                record("captions", 3, json!({"captions": []})),
                record("video", 1, json!({"src": 12})),
                record(
                    "audio",
                    2,
                    json!({"src": "https://cdn.example/a.mp3", "startFromSound": 15}),
                ),
            ],
            false,
        )
        .unwrap();
        let kinds: Vec<LayerKind> = stack.layers.iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [LayerKind::Clip, LayerKind::Sound, LayerKind::Caption]
        );
        assert_eq!(
            stack.layers[1].content.source(),
            Some(&Source::Url("https://cdn.example/a.mp3".into()))
        );
    }

    #[test]
    fn styles_win_over_top_level_fields_and_defaults_fill_the_rest() {
        let stack = Stack::read(
            PORTRAIT,
            &[record(
                "text",
                1,
                json!({"content": "Hi", "opacity": 0.2, "styles": {"opacity": 0.5, "fontSize": "10%",
                       "fontWeight": "bold", "textAlign": "left", "animation": {"enter": "fadeIn"}}}),
            )],
            false,
        )
        .unwrap();
        let layer = &stack.layers[0];
        assert_eq!(layer.opacity, 0.5);
        assert_eq!(layer.enter, Motion::Fade);
        assert_eq!(layer.exit, Motion::None);
        assert_eq!(
            layer.rect,
            Rect {
                left: 0.0,
                top: 0.0,
                width: 1080.0,
                height: 1920.0
            }
        );
        let Content::Text { font, .. } = &layer.content else {
            panic!()
        };
        assert_eq!(
            (font.size_px, font.weight, font.align),
            (192.0, 700, Align::Left)
        );
    }

    #[test]
    fn media_without_a_source_is_refused_by_name() {
        let err = Stack::read(PORTRAIT, &[record("clip", 1, json!({}))], false).unwrap_err();
        assert_eq!(
            err.0,
            "layer \"clip 1\" (clip) has no src: set it to a content resource id or an https URL"
        );
        let err = Stack::read(
            PORTRAIT,
            &[record("image", 1, json!({"src": "/etc/passwd"}))],
            false,
        )
        .unwrap_err();
        assert!(
            err.0
                .contains("neither a content resource id nor an http(s) URL")
        );
        let local = Stack::read(
            PORTRAIT,
            &[record("image", 1, json!({"src": "/tmp/a.png"}))],
            true,
        )
        .unwrap();
        assert_eq!(
            local.layers[0].content.source(),
            Some(&Source::Path("/tmp/a.png".into()))
        );
    }

    #[test]
    fn captions_without_words_become_one_word_per_line() {
        let lines = caption_lines(Some(&json!([
            {"text": "Hello there", "startMs": 0, "endMs": 900},
            {"text": "x", "startMs": 1000, "endMs": 2000, "words": [
                {"word": "late", "startMs": 1500, "endMs": 2000},
                {"word": "early", "startMs": 1000, "endMs": 1500}
            ]}
        ])));
        assert_eq!(lines[0].words.len(), 1);
        assert_eq!(lines[0].words[0].text, "Hello there");
        assert_eq!(lines[1].words[0].text, "early");
    }

    #[test]
    fn canvases_come_from_aspect_ratios_or_sizes() {
        assert_eq!(Canvas::for_aspect_ratio(None), Some(PORTRAIT));
        assert_eq!(
            Canvas::for_aspect_ratio(Some("4:5")),
            Some(Canvas {
                width: 1080,
                height: 1350
            })
        );
        assert_eq!(Canvas::for_aspect_ratio(Some("3:2")), None);
        assert_eq!(
            Canvas::parse("720x1280"),
            Some(Canvas {
                width: 720,
                height: 1280
            })
        );
        assert_eq!(Canvas::parse("721x1280"), None);
    }
}
