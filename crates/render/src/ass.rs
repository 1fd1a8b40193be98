//! ASS documents (Advanced SubStation Alpha, drawn by libass through ffmpeg's `ass` filter)
//! for the layers ace draws rather than decodes: text, shapes and captions. One document
//! holds a run of such layers that sit next to each other in the z-order; events keep their
//! order, so a later layer draws over an earlier one.
//!
//! Sizes: CSS `font-size` is the em size, ASS `Fontsize` the line height, which for DejaVu
//! is 1.164 em. Text wraps inside its layer's box through the event margins.

use std::fmt::Write;

use crate::css::Color;
use crate::fonts::Fonts;
use crate::placement::{LINE_HEIGHT_PER_EM, box_padding, caption_anchor, caption_outline, margins};
use crate::stack::{Align, Canvas, CaptionTemplate, Content, Font, Layer, Line, Motion};
/// How long an enter or exit effect lasts, at most.
pub const EFFECT_MS: u64 = 500;

/// A document being written.
#[derive(Clone, Debug)]
pub struct Document {
    canvas: Canvas,
    events: Vec<String>,
    /// Families asked for but not installed, with the layer that asked.
    pub substituted: Vec<(String, String)>,
}

/// When a layer shows, in milliseconds from the start of the video.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Window {
    fn len(self) -> u64 {
        self.end_ms.saturating_sub(self.start_ms)
    }

    /// How long its enter and exit effects last: half a second, or half the layer.
    fn effect_ms(self) -> u64 {
        EFFECT_MS.min(self.len() / 2)
    }
}

/// How a caption layer draws its words.
#[derive(Clone, Copy)]
struct CaptionLook<'a> {
    template: CaptionTemplate,
    font: &'a Font,
    highlight: Color,
}

impl Document {
    pub fn new(canvas: Canvas) -> Self {
        Self {
            canvas,
            events: Vec::new(),
            substituted: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// Adds a text, shape or caption layer showing during `window`.
    pub fn add(&mut self, layer: &Layer, window: Window, fonts: &Fonts) {
        if window.len() == 0 {
            return;
        }
        match &layer.content {
            Content::Text { content, font } => self.text(layer, window, content, font, fonts),
            Content::Shape {
                fill,
                stroke,
                stroke_width,
            } => self.shape(layer, window, *fill, *stroke, *stroke_width),
            Content::Caption {
                lines,
                template,
                font,
                highlight,
            } => {
                let look = CaptionLook {
                    template: *template,
                    font,
                    highlight: *highlight,
                };
                self.captions(layer, window, lines, &look, fonts);
            }
            _ => {}
        }
    }

    fn family<'a>(&mut self, layer: &Layer, font: &'a Font, fonts: &Fonts) -> &'a str {
        let (family, fell_back) = fonts.resolve(&font.family);
        if fell_back {
            self.substituted
                .push((layer.name.clone(), font.family.clone()));
        }
        family
    }

    fn text(&mut self, layer: &Layer, window: Window, text: &str, font: &Font, fonts: &Fonts) {
        if text.trim().is_empty() {
            return;
        }
        let family = self.family(layer, font, fonts).to_owned();
        let rect = layer.rect;
        let (alignment, anchor_x) = match font.align {
            Align::Left => (7, rect.left),
            Align::Center => (8, rect.left + rect.width / 2.0),
            Align::Right => (9, rect.left + rect.width),
        };
        let mut tags = format!(
            "\\an{alignment}\\fn{family}\\fs{:.1}\\b{}\\1c{}\\1a{}\\shad0",
            font.size_px * LINE_HEIGHT_PER_EM,
            font.weight,
            font.color.ass_rgb(),
            font.color.ass_alpha(layer.opacity),
        );
        let style = match font.background {
            Some(background) => {
                let pad = box_padding(font);
                let _ = write!(
                    tags,
                    "\\3c{}\\3a{}\\bord{pad}",
                    background.ass_rgb(),
                    background.ass_alpha(layer.opacity)
                );
                "Boxed"
            }
            None => "Plain",
        };
        self.motion_events(
            layer,
            window,
            style,
            &tags,
            (anchor_x, rect.top),
            &escape(text),
        );
    }

    fn shape(
        &mut self,
        layer: &Layer,
        window: Window,
        fill: Option<Color>,
        stroke: Option<Color>,
        stroke_width: f64,
    ) {
        let rect = layer.rect;
        let fill = fill.unwrap_or(Color {
            a: 0,
            ..Color::BLACK
        });
        let mut tags = format!(
            "\\an7\\1c{}\\1a{}\\shad0",
            fill.ass_rgb(),
            fill.ass_alpha(layer.opacity)
        );
        match stroke.filter(|_| stroke_width > 0.0) {
            Some(stroke) => {
                let _ = write!(
                    tags,
                    "\\bord{stroke_width:.1}\\3c{}\\3a{}",
                    stroke.ass_rgb(),
                    stroke.ass_alpha(layer.opacity)
                );
            }
            None => tags.push_str("\\bord0"),
        }
        let drawing = rounded_rect(rect.width, rect.height, layer.radius);
        self.motion_events(
            layer,
            window,
            "Plain",
            &format!("{tags}\\p1"),
            (rect.left, rect.top),
            &format!("{drawing}{{\\p0}}"),
        );
    }

    /// One event, or three (in, still, out) when the layer slides.
    fn motion_events(
        &mut self,
        layer: &Layer,
        window: Window,
        style: &str,
        tags: &str,
        (x, y): (f64, f64),
        body: &str,
    ) {
        let rect = layer.rect;
        let effect = window.effect_ms();
        let width = f64::from(self.canvas.width);
        let (margin_l, margin_r) = margins(self.canvas, rect.left, rect.width);
        let mut common = tags.to_owned();
        if layer.rotation != 0.0 {
            let _ = write!(
                common,
                "\\org({:.1},{:.1})\\frz{:.2}",
                rect.left + rect.width / 2.0,
                rect.top + rect.height / 2.0,
                -layer.rotation
            );
        }
        let fade_in = if layer.enter == Motion::Fade {
            effect
        } else {
            0
        };
        let fade_out = if layer.exit == Motion::Fade {
            effect
        } else {
            0
        };
        let len = window.len();
        let mut zoom = String::new();
        if layer.enter == Motion::Zoom {
            let _ = write!(zoom, "\\fscx50\\fscy50\\t(0,{effect},\\fscx100\\fscy100)");
        }
        if layer.exit == Motion::Zoom {
            let _ = write!(zoom, "\\t({},{len},\\fscx50\\fscy50)", len - effect);
        }
        let slide_in = layer.enter == Motion::Slide && effect > 0;
        let slide_out = layer.exit == Motion::Slide && effect > 0;
        let start = window.start_ms;
        let end = window.end_ms;
        let still_start = if slide_in { start + effect } else { start };
        let still_end = if slide_out { end - effect } else { end };
        // \fad and \t times count from each event's own start.
        let fade = |event_start: u64, event_end: u64| {
            let fade_in_left = (start + fade_in)
                .saturating_sub(event_start)
                .min(event_end - event_start);
            let fade_out_left = event_end
                .saturating_sub(end - fade_out)
                .min(event_end - event_start);
            if fade_in_left == 0 && fade_out_left == 0 {
                String::new()
            } else {
                format!("\\fad({fade_in_left},{fade_out_left})")
            }
        };
        if slide_in {
            let tags = format!(
                "{{{common}{zoom}\\move({:.1},{y:.1},{x:.1},{y:.1},0,{effect}){}}}",
                x - width,
                fade(start, still_start)
            );
            self.event(
                (start, still_start),
                style,
                (margin_l, margin_r),
                &tags,
                body,
            );
        }
        if still_end > still_start {
            let zoom = if slide_in {
                String::new()
            } else {
                zoom.clone()
            };
            let tags = format!(
                "{{{common}{zoom}\\pos({x:.1},{y:.1}){}}}",
                fade(still_start, still_end)
            );
            self.event(
                (still_start, still_end),
                style,
                (margin_l, margin_r),
                &tags,
                body,
            );
        }
        if slide_out {
            let tags = format!(
                "{{{common}\\move({x:.1},{y:.1},{:.1},{y:.1},0,{effect}){}}}",
                x + width,
                fade(still_end, end)
            );
            self.event((still_end, end), style, (margin_l, margin_r), &tags, body);
        }
    }

    fn captions(
        &mut self,
        layer: &Layer,
        window: Window,
        lines: &[Line],
        look: &CaptionLook<'_>,
        fonts: &Fonts,
    ) {
        let CaptionLook {
            template,
            font,
            highlight,
        } = *look;
        let family = self.family(layer, font, fonts).to_owned();
        let anchor = caption_anchor(self.canvas, layer.rect);
        let placement = format!(
            "\\an{}\\pos({:.1},{:.1})",
            if anchor.stands { 2 } else { 5 },
            anchor.x,
            anchor.y
        );
        let (margin_l, margin_r) = anchor.margins;
        let size = font.size_px * LINE_HEIGHT_PER_EM;
        let outline = caption_outline(font);
        let base = format!(
            "{placement}\\fn{family}\\fs{size:.1}\\b{}\\1c{}\\1a{}\\3c&H000000&\\3a{}\\bord{outline}\\shad0",
            font.weight,
            font.color.ass_rgb(),
            font.color.ass_alpha(layer.opacity),
            Color::BLACK.ass_alpha(layer.opacity),
        );
        let lit = format!("\\1c{}", highlight.ass_rgb());
        let plain = format!("\\1c{}", font.color.ass_rgb());
        let clip = |ms: u64| (window.start_ms + ms).min(window.end_ms);
        for line in lines {
            let (line_start, line_end) = (clip(line.start_ms), clip(line.end_ms));
            if line_end <= line_start {
                continue;
            }
            let words: Vec<String> = line.words.iter().map(|w| escape(&w.text)).collect();
            let styled_line = |active: Option<usize>| -> String {
                words
                    .iter()
                    .enumerate()
                    .map(|(i, word)| {
                        let on = match (template, active) {
                            (CaptionTemplate::Karaoke, Some(a)) => i == a,
                            (CaptionTemplate::Highlight, Some(a)) => i <= a,
                            _ => false,
                        };
                        if on {
                            format!("{{{lit}}}{word}{{{plain}}}")
                        } else {
                            word.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            if template == CaptionTemplate::Classic {
                let tags = format!("{{{base}}}");
                self.event(
                    (line_start, line_end),
                    "Plain",
                    (margin_l, margin_r),
                    &tags,
                    &styled_line(None),
                );
                continue;
            }
            let first = clip(line.words[0].start_ms).max(line_start);
            if first > line_start && template != CaptionTemplate::Pop {
                let tags = format!("{{{base}}}");
                self.event(
                    (line_start, first),
                    "Plain",
                    (margin_l, margin_r),
                    &tags,
                    &styled_line(None),
                );
            }
            for (i, word) in line.words.iter().enumerate() {
                let start = clip(word.start_ms).max(line_start);
                let end = line
                    .words
                    .get(i + 1)
                    .map_or(line_end, |next| clip(next.start_ms))
                    .min(line_end);
                if end <= start {
                    continue;
                }
                let (tags, body) = if template == CaptionTemplate::Pop {
                    (
                        format!("{{{base}{lit}\\fscx125\\fscy125\\t(0,120,\\fscx100\\fscy100)}}"),
                        words[i].clone(),
                    )
                } else {
                    (format!("{{{base}}}"), styled_line(Some(i)))
                };
                self.event((start, end), "Plain", (margin_l, margin_r), &tags, &body);
            }
        }
    }

    /// One `Dialogue` line shown from `start_ms` to `end_ms`, with left and right margins.
    fn event(
        &mut self,
        (start_ms, end_ms): (u64, u64),
        style: &str,
        (margin_l, margin_r): (i64, i64),
        tags: &str,
        body: &str,
    ) {
        self.events.push(format!(
            "Dialogue: 0,{},{},{style},,{margin_l},{margin_r},0,,{tags}{body}",
            timestamp(start_ms),
            timestamp(end_ms)
        ));
    }

    /// The whole document.
    pub fn render(&self) -> String {
        let Canvas { width, height } = self.canvas;
        let mut out = format!(
            "[Script Info]\nScriptType: v4.00+\nPlayResX: {width}\nPlayResY: {height}\nWrapStyle: 0\n\
             ScaledBorderAndShadow: yes\nYCbCr Matrix: None\n\n[V4+ Styles]\n\
             Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, \
             Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, \
             Shadow, Alignment, MarginL, MarginR, MarginV, Encoding\n\
             Style: Plain,{family},56,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1\n\
             Style: Boxed,{family},56,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,3,0,0,7,0,0,0,1\n\n\
             [Events]\nFormat: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n",
            family = crate::fonts::DEFAULT_FAMILY
        );
        for event in &self.events {
            out.push_str(event);
            out.push('\n');
        }
        out
    }
}

/// `H:MM:SS.cc`.
fn timestamp(ms: u64) -> String {
    let cs = (ms + 5) / 10;
    format!(
        "{}:{:02}:{:02}.{:02}",
        cs / 360_000,
        cs / 6_000 % 60,
        cs / 100 % 60,
        cs % 100
    )
}

/// Text as ASS shows it literally: braces and backslashes cannot start tags, new lines break.
fn escape(text: &str) -> String {
    text.replace('\\', "\u{29f5}")
        .replace('{', "\\{")
        .replace('}', "\\}")
        .replace("\r\n", "\\N")
        .replace('\n', "\\N")
}

/// An ASS drawing of a `w`×`h` rectangle with corners of radius `r`, from its top left.
fn rounded_rect(w: f64, h: f64, r: f64) -> String {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    if r < 0.5 {
        return format!("m 0 0 l {w:.1} 0 {w:.1} {h:.1} 0 {h:.1}");
    }
    // Control points for a quarter circle with cubic Béziers.
    let k = r * (1.0 - 0.552_284_75);
    format!(
        "m {r:.1} 0 l {a:.1} 0 b {b:.1} 0 {w:.1} {k:.1} {w:.1} {r:.1} l {w:.1} {c:.1} \
         b {w:.1} {d:.1} {b:.1} {h:.1} {a:.1} {h:.1} l {r:.1} {h:.1} b {k:.1} {h:.1} 0 {d:.1} 0 {c:.1} \
         l 0 {r:.1} b 0 {k:.1} {k:.1} 0 {r:.1} 0",
        a = w - r,
        b = w - k,
        c = h - r,
        d = h - k,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_centiseconds() {
        assert_eq!(timestamp(0), "0:00:00.00");
        assert_eq!(timestamp(61_234), "0:01:01.23");
        assert_eq!(timestamp(3_600_005), "1:00:00.01");
    }

    #[test]
    fn text_cannot_inject_tags() {
        assert_eq!(escape("a{\\b1}b\nc"), "a\\{\u{29f5}b1\\}b\\Nc");
    }
}
