//! Where drawn text sits on the canvas. The ASS document follows these rules: a text layer
//! hangs from the top of its box and wraps inside the box's width; a caption layer centres in
//! its box or, with no box of its own, sits above TikTok's description, clear of its buttons.
//! From the same rules, [`text_placement`] estimates the box each text and caption layer fills,
//! for the safe-area gate. The estimate wraps words greedily with DejaVu Sans's average
//! advance widths (measured from the font: lower case 0.563 em, 0.636 em bold, and so on), so
//! it is close for ordinary text rather than exact to the pixel.

use ace_domain::publishing::safe_area::{TextExtent, TextPlacement};

use crate::stack::{Align, Canvas, CaptionTemplate, Content, Font, Layer, Line, Rect};

/// ASS line height per CSS em, for DejaVu (its ascent plus descent).
pub(crate) const LINE_HEIGHT_PER_EM: f64 = 1.164;

/// A caption layer's anchor: where its text centres horizontally, and the height its lines
/// sit at (their bottom, with no box; their middle, in a box).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct CaptionAnchor {
    pub x: f64,
    pub y: f64,
    /// Whether the lines stand on `y` (`true`) or centre on it.
    pub stands: bool,
    pub margins: (i64, i64),
}

/// The event margins that keep text inside `left`..`left + width`.
pub(crate) fn margins(canvas: Canvas, left: f64, width: f64) -> (i64, i64) {
    let right = f64::from(canvas.width) - (left + width);
    (left.max(0.0).round() as i64, right.max(0.0).round() as i64)
}

/// Where a caption layer with box `rect` sits. A box covering the whole canvas means "no box":
/// the lines then stand at 78 % of the height, between margins of 8 % on the left and 14 % on
/// the right, which keeps them inside TikTok's safe area.
pub(crate) fn caption_anchor(canvas: Canvas, rect: Rect) -> CaptionAnchor {
    let (w, h) = (f64::from(canvas.width), f64::from(canvas.height));
    let whole_canvas = rect.left == 0.0 && rect.top == 0.0 && rect.width == w && rect.height == h;
    if whole_canvas {
        let (left, right) = (w * 0.08, w * 0.14);
        CaptionAnchor {
            x: (left + w - right) / 2.0,
            y: h * 0.78,
            stands: true,
            margins: (left as i64, right as i64),
        }
    } else {
        CaptionAnchor {
            x: rect.left + rect.width / 2.0,
            y: rect.top + rect.height / 2.0,
            stands: false,
            margins: margins(canvas, rect.left, rect.width),
        }
    }
}

/// The padding of a text layer's background box.
pub(crate) fn box_padding(font: &Font) -> f64 {
    (font.size_px * 0.25).round().max(1.0)
}

/// The outline drawn around captions.
pub(crate) fn caption_outline(font: &Font) -> f64 {
    (font.size_px / 12.0).max(2.0).round()
}

/// Where each text and caption layer of a stack on `canvas` draws, estimated.
pub fn text_placement(canvas: Canvas, layers: &[Layer]) -> TextPlacement {
    TextPlacement {
        canvas_width: canvas.width,
        canvas_height: canvas.height,
        extents: layers
            .iter()
            .filter_map(|layer| extent(canvas, layer))
            .collect(),
    }
}

fn extent(canvas: Canvas, layer: &Layer) -> Option<TextExtent> {
    let rect = layer.rect;
    let wrap_width =
        |(left, right): (i64, i64)| (f64::from(canvas.width) - (left + right) as f64).max(1.0);
    match &layer.content {
        Content::Text { content, font } if !content.trim().is_empty() => {
            let wrap = wrap_width(margins(canvas, rect.left, rect.width));
            let widths = wrapped_widths(content, font, wrap);
            let widest = widths.iter().copied().fold(0.0, f64::max);
            let (left, right) = match font.align {
                Align::Left => (rect.left, rect.left + widest),
                Align::Center => {
                    let middle = rect.left + rect.width / 2.0;
                    (middle - widest / 2.0, middle + widest / 2.0)
                }
                Align::Right => (rect.left + rect.width - widest, rect.left + rect.width),
            };
            let height = widths.len() as f64 * font.size_px * LINE_HEIGHT_PER_EM;
            let pad = if font.background.is_some() {
                box_padding(font)
            } else {
                0.0
            };
            Some(TextExtent {
                layer: layer.name.clone(),
                left: left - pad,
                top: rect.top - pad,
                right: right + pad,
                bottom: rect.top + height + pad,
            })
        }
        Content::Caption {
            lines,
            template,
            font,
            ..
        } if !lines.is_empty() => {
            let anchor = caption_anchor(canvas, rect);
            let wrap = wrap_width(anchor.margins);
            let (widest, most_lines) = lines
                .iter()
                .map(|line| caption_widths(line, *template, font, wrap))
                .fold((0.0_f64, 0_usize), |(widest, most), widths| {
                    (
                        widths.iter().copied().fold(widest, f64::max),
                        most.max(widths.len()),
                    )
                });
            let height = most_lines as f64 * font.size_px * LINE_HEIGHT_PER_EM;
            let top = if anchor.stands {
                anchor.y - height
            } else {
                anchor.y - height / 2.0
            };
            let outline = caption_outline(font);
            Some(TextExtent {
                layer: layer.name.clone(),
                left: anchor.x - widest / 2.0 - outline,
                top: top - outline,
                right: anchor.x + widest / 2.0 + outline,
                bottom: top + height + outline,
            })
        }
        _ => None,
    }
}

/// The widths of the lines one caption line shows as: the whole line wrapped, or, for `pop`,
/// its widest word alone.
fn caption_widths(line: &Line, template: CaptionTemplate, font: &Font, wrap: f64) -> Vec<f64> {
    let words = line.words.iter().map(|word| word.text.as_str());
    if template == CaptionTemplate::Pop {
        let widest = words.map(|word| advance(word, font)).fold(0.0, f64::max);
        return vec![widest];
    }
    wrapped_widths(&words.collect::<Vec<_>>().join(" "), font, wrap)
}

/// The widths of `text`'s lines once wrapped at spaces within `wrap` pixels (a word wider
/// than that keeps a line of its own, as libass does); `\n` breaks a line. Where the text
/// wraps, libass balances its lines and the widest may take the whole width, so every line of
/// wrapped text counts as `wrap` wide.
fn wrapped_widths(text: &str, font: &Font, wrap: f64) -> Vec<f64> {
    let space = advance(" ", font);
    let mut widths = Vec::new();
    for paragraph in text.split('\n') {
        let first = widths.len();
        let mut line: Option<f64> = None;
        for word in paragraph.split_whitespace() {
            let width = advance(word, font);
            line = Some(match line {
                Some(current) if current + space + width <= wrap => current + space + width,
                Some(current) => {
                    widths.push(current);
                    width
                }
                None => width,
            });
        }
        widths.push(line.unwrap_or(0.0));
        if widths.len() - first > 1 {
            for width in &mut widths[first..] {
                *width = width.max(wrap);
            }
        }
    }
    widths
}

/// Estimated advance width of `text` in pixels, from DejaVu Sans's average widths per kind of
/// character (bold from weight 600), with 5 % to spare: a word of wide letters wraps sooner.
#[expect(
    clippy::approx_constant,
    reason = "DejaVu Sans's space is 0.318 em wide; it only looks like 1/π"
)]
fn advance(text: &str, font: &Font) -> f64 {
    let bold = font.weight >= 600;
    let ems: f64 = text
        .chars()
        .map(|c| match (c, bold) {
            (' ', false) => 0.318,
            (' ', true) => 0.348,
            ('a'..='z', false) => 0.563,
            ('a'..='z', true) => 0.636,
            ('A'..='Z', false) => 0.673,
            ('A'..='Z', true) => 0.755,
            ('0'..='9', false) => 0.636,
            ('0'..='9', true) => 0.696,
            (c, _) if c.is_ascii_punctuation() => 0.45,
            // Accented Latin letters are about as wide as plain ones; other scripts and
            // pictographs about a full em.
            (c, false) if c.is_alphabetic() && (c as u32) < 0x0250 => 0.6,
            (c, true) if c.is_alphabetic() && (c as u32) < 0x0250 => 0.68,
            _ => 1.0,
        })
        .sum();
    ems * font.size_px * 1.05
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::css::Color;
    use crate::stack::{Motion, Word};
    use ace_domain::sheet::layer::LayerKind;

    fn font(size_px: f64, weight: u16, background: bool) -> Font {
        Font {
            family: "DejaVu Sans".into(),
            size_px,
            weight,
            color: Color::BLACK,
            align: Align::Center,
            background: background.then_some(Color::BLACK),
        }
    }

    fn layer(name: &str, content: Content, rect: Rect) -> Layer {
        Layer {
            name: name.into(),
            kind: LayerKind::Text,
            from: 0,
            duration: None,
            content,
            rect,
            rotation: 0.0,
            opacity: 1.0,
            enter: Motion::None,
            exit: Motion::None,
            filters: Vec::new(),
            radius: 0.0,
        }
    }

    const CANVAS: Canvas = Canvas {
        width: 1080,
        height: 1920,
    };

    #[test]
    fn text_hangs_from_its_box_and_wraps_inside_its_width() {
        let rect = Rect {
            left: 60.0,
            top: 260.0,
            width: 880.0,
            height: 240.0,
        };
        let hook = layer(
            "Hook",
            Content::Text {
                content: "Stop wasting three hours a week on meal prep".into(),
                font: font(72.0, 800, true),
            },
            rect,
        );
        let placement = text_placement(CANVAS, &[hook]);
        let extent = &placement.extents[0];
        // 44 characters of bold 72 px text are about 1,900 px: three lines of at most 880.
        let lines = (extent.bottom - extent.top - 36.0) / (72.0 * LINE_HEIGHT_PER_EM);
        assert!((lines - 3.0).abs() < 1e-9, "{extent:?}");
        assert_eq!(extent.top, 260.0 - 18.0);
        assert!(extent.left >= 60.0 - 18.0 && extent.right <= 940.0 + 18.0);
        // Centred: the same distance from the box's middle on both sides.
        assert!(((extent.left + extent.right) / 2.0 - 500.0).abs() < 1e-9);
    }

    #[test]
    fn captions_without_a_box_stand_above_the_description_clear_of_the_buttons() {
        let words = ["Most", "people", "never", "measure", "this", "properly"]
            .iter()
            .enumerate()
            .map(|(i, text)| Word {
                text: (*text).into(),
                start_ms: i as u64 * 300,
                end_ms: i as u64 * 300 + 300,
            })
            .collect();
        let captions = layer(
            "Captions",
            Content::Caption {
                lines: vec![Line {
                    start_ms: 0,
                    end_ms: 1_800,
                    words,
                }],
                template: CaptionTemplate::Karaoke,
                font: font(64.0, 800, false),
                highlight: Color::BLACK,
            },
            Rect {
                left: 0.0,
                top: 0.0,
                width: 1080.0,
                height: 1920.0,
            },
        );
        let placement = text_placement(CANVAS, &[captions]);
        assert_eq!(placement.outside(), Vec::<String>::new(), "{placement:?}");
        assert!(placement.extents[0].bottom <= 1920.0 * 0.78 + 6.0);
    }

    #[test]
    fn a_word_wider_than_the_box_keeps_a_line_of_its_own() {
        let widths = wrapped_widths("a Supercalifragilistic b", &font(100.0, 400, false), 500.0);
        assert_eq!(widths.len(), 3);
        assert!(widths[1] > 500.0);
        assert_eq!(
            wrapped_widths("one\ntwo", &font(10.0, 400, false), 1e6).len(),
            2
        );
    }
}
