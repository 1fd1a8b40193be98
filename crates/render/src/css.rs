//! The CSS values layers carry (colors, lengths, weights, the filter subset), read into
//! numbers the compiler can use. Layer attributes were checked when they were written
//! (`ace_domain::sheet::layer`); a value that still does not parse falls back to the default.

use serde_json::Value;

/// An sRGB color with alpha, each channel 0..=255.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Color {
    pub r: u8,
    pub g: u8,
    pub b: u8,
    pub a: u8,
}

impl Color {
    pub const WHITE: Color = Color::opaque(255, 255, 255);
    pub const BLACK: Color = Color::opaque(0, 0, 0);

    pub const fn opaque(r: u8, g: u8, b: u8) -> Self {
        Color { r, g, b, a: 255 }
    }

    /// Parses any CSS color (`#ffcc00`, `rgba(0,0,0,0.5)`, `white`).
    pub fn parse(text: &str) -> Option<Color> {
        let [r, g, b, a] = csscolorparser::parse(text).ok()?.to_rgba8();
        Some(Color { r, g, b, a })
    }

    /// Reads a color field, if present and valid.
    pub fn of(value: Option<&Value>) -> Option<Color> {
        value.and_then(Value::as_str).and_then(Color::parse)
    }

    /// ASS's `&HBBGGRR&` (the alpha goes separately, see [`Color::ass_alpha`]).
    pub fn ass_rgb(self) -> String {
        format!("&H{:02X}{:02X}{:02X}&", self.b, self.g, self.r)
    }

    /// ASS's alpha, `&HXX&`, 00 opaque; `opacity` (0..1) multiplies the color's own alpha.
    pub fn ass_alpha(self, opacity: f64) -> String {
        let alpha = f64::from(self.a) * opacity.clamp(0.0, 1.0);
        format!("&H{:02X}&", 255 - alpha.round() as u8)
    }

    /// ffmpeg's `0xRRGGBB@A`.
    pub fn ffmpeg(self) -> String {
        format!(
            "0x{:02X}{:02X}{:02X}@{:.3}",
            self.r,
            self.g,
            self.b,
            f64::from(self.a) / 255.0
        )
    }
}

/// A length: a number or `"48px"` in pixels, or `"10%"` of `reference`.
pub fn length(value: Option<&Value>, reference: f64) -> Option<f64> {
    let px = match value? {
        Value::Number(n) => n.as_f64()?,
        Value::String(text) => {
            let text = text.trim();
            if let Some(percent) = text.strip_suffix('%') {
                percent.trim().parse::<f64>().ok()? / 100.0 * reference
            } else {
                text.strip_suffix("px")
                    .unwrap_or(text)
                    .trim()
                    .parse()
                    .ok()?
            }
        }
        _ => return None,
    };
    (px.is_finite() && px >= 0.0).then_some(px)
}

/// A font weight 1..=1000 (`normal` is 400, `bold` 700).
pub fn font_weight(value: Option<&Value>) -> u16 {
    let weight = match value {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(text)) => match text.trim() {
            "normal" => Some(400.0),
            "bold" => Some(700.0),
            other => other.parse().ok(),
        },
        _ => None,
    };
    weight
        .filter(|w| (1.0..=1000.0).contains(w))
        .map_or(400, |w| w.round() as u16)
}

/// One CSS filter function.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Filter {
    /// Multiplies every channel (1 = unchanged).
    Brightness(f64),
    /// Stretches around the middle gray (1 = unchanged).
    Contrast(f64),
    /// Scales saturation (1 = unchanged, 0 = gray).
    Saturate(f64),
    /// 0 = unchanged, 1 = fully gray.
    Grayscale(f64),
    /// A Gaussian blur of this radius in pixels.
    Blur(f64),
}

/// Reads a filter list such as `brightness(1.2) contrast(110%) blur(2px)`; functions outside
/// the subset, and bad arguments, are skipped.
pub fn filters(text: &str) -> Vec<Filter> {
    let mut found = Vec::new();
    let mut rest = text.trim();
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| c + open) else {
            break;
        };
        let function = rest[..open].trim();
        let argument = rest[open + 1..close].trim();
        let amount = |text: &str| -> Option<f64> {
            let value = match text.strip_suffix('%') {
                Some(percent) => percent.trim().parse::<f64>().ok()? / 100.0,
                None => text.parse::<f64>().ok()?,
            };
            (value.is_finite() && value >= 0.0).then_some(value)
        };
        let filter = match function {
            "brightness" => amount(argument).map(Filter::Brightness),
            "contrast" => amount(argument).map(Filter::Contrast),
            "saturate" => amount(argument).map(Filter::Saturate),
            "grayscale" => amount(argument).map(|g| Filter::Grayscale(g.min(1.0))),
            "blur" => argument
                .strip_suffix("px")
                .unwrap_or(argument)
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|r| r.is_finite() && *r >= 0.0)
                .map(Filter::Blur),
            _ => None,
        };
        found.extend(filter);
        rest = &rest[close + 1..];
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn colors_become_ass_and_ffmpeg_notation() {
        let orange = Color::parse("#ff8000").unwrap();
        assert_eq!(orange.ass_rgb(), "&H0080FF&");
        assert_eq!(orange.ass_alpha(1.0), "&H00&");
        assert_eq!(orange.ass_alpha(0.5), "&H7F&");
        let glass = Color::parse("rgba(0, 0, 0, 0.5)").unwrap();
        assert_eq!(glass.ffmpeg(), "0x000000@0.502");
        assert_eq!(Color::parse("white"), Some(Color::WHITE));
        assert_eq!(Color::parse("not a color"), None);
    }

    #[test]
    fn lengths_read_pixels_and_percentages() {
        assert_eq!(length(Some(&json!(48)), 100.0), Some(48.0));
        assert_eq!(length(Some(&json!("48px")), 100.0), Some(48.0));
        assert_eq!(length(Some(&json!("10%")), 1080.0), Some(108.0));
        assert_eq!(length(Some(&json!("-3px")), 1.0), None);
        assert_eq!(length(None, 1.0), None);
    }

    #[test]
    fn weights_read_numbers_and_keywords() {
        assert_eq!(font_weight(Some(&json!("700"))), 700);
        assert_eq!(font_weight(Some(&json!("bold"))), 700);
        assert_eq!(font_weight(Some(&json!(300))), 300);
        assert_eq!(font_weight(None), 400);
    }

    #[test]
    fn filter_lists_keep_the_supported_functions_in_order() {
        assert_eq!(
            filters("brightness(1.2) contrast(110%) sepia(1) blur(2px) grayscale(200%)"),
            vec![
                Filter::Brightness(1.2),
                Filter::Contrast(1.1),
                Filter::Blur(2.0),
                Filter::Grayscale(1.0),
            ]
        );
        assert!(filters("none").is_empty());
    }
}
