//! The look of a procedural image, derived from its prompt: a palette (one hue and its
//! neighbours), soft shapes placed by a generator seeded from the prompt, and the prompt's key
//! phrase to set in type. The same prompt always gives the same design. Pure.

use sha2::{Digest, Sha256};

/// Words that say how to draw rather than what: left out of the key phrase.
const NOT_SUBJECT: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "with",
    "and",
    "or",
    "by",
    "from",
    "into",
    "over",
    "under",
    "is",
    "are",
    "be",
    "this",
    "that",
    "its",
    "their",
    "photo",
    "photograph",
    "image",
    "picture",
    "shot",
    "close-up",
    "closeup",
    "cinematic",
    "realistic",
    "photorealistic",
    "hyperrealistic",
    "style",
    "render",
    "illustration",
    "detailed",
    "highly",
    "ultra",
    "4k",
    "8k",
    "hd",
    "high",
    "quality",
    "professional",
    "beautiful",
    "stunning",
    "vibrant",
    "showing",
    "featuring",
    "very",
    "lighting",
    "background",
    "aesthetic",
    "vertical",
    "horizontal",
    "portrait",
    "landscape",
];

/// The most words in a key phrase.
const PHRASE_WORDS: usize = 4;

/// An RGB colour.
pub type Rgb = [u8; 3];

/// A soft disc of colour, in fractions of the canvas.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Blob {
    pub x: f64,
    pub y: f64,
    /// Its radius, as a fraction of the canvas's longer side.
    pub radius: f64,
    pub color: Rgb,
    pub strength: f64,
}

/// Everything that decides how an image looks.
#[derive(Clone, Debug, PartialEq)]
pub struct Design {
    /// The background runs from `top` to `bottom`.
    pub top: Rgb,
    pub bottom: Rgb,
    pub blobs: Vec<Blob>,
    /// The band behind the phrase.
    pub band: Rgb,
    /// Where the phrase sits, as a fraction of the height from the top.
    pub phrase_at: f64,
    pub phrase: String,
}

/// The design for `prompt`; `variant` tells apart several images of one prompt.
pub fn design(prompt: &str, variant: u32) -> Design {
    let digest = Sha256::new()
        .chain_update(prompt.trim().to_lowercase().as_bytes())
        .chain_update(variant.to_le_bytes())
        .finalize();
    let mut seed = [0u8; 8];
    seed.copy_from_slice(&digest[..8]);
    let mut random = SplitMix(u64::from_le_bytes(seed));
    let hue = random.unit() * 360.0;
    let spread = 25.0 + random.unit() * 35.0;
    let top = hsl(hue, 0.55, 0.16 + random.unit() * 0.08);
    let bottom = hsl(hue + spread, 0.65, 0.30 + random.unit() * 0.12);
    let blobs = (0..3 + (random.next() % 3) as usize)
        .map(|index| Blob {
            x: random.unit(),
            y: random.unit(),
            radius: 0.18 + random.unit() * 0.25,
            color: hsl(
                hue + [spread * 2.0, -spread, 180.0, spread * 3.0, 90.0][index % 5],
                0.75,
                0.50 + random.unit() * 0.15,
            ),
            strength: 0.45 + random.unit() * 0.4,
        })
        .collect();
    let phrase_at = [0.5, 0.38, 0.62][(random.next() % 3) as usize];
    Design {
        top,
        bottom,
        blobs,
        band: hsl(hue, 0.45, 0.10),
        phrase_at,
        phrase: key_phrase(prompt),
    }
}

/// The words of `prompt` that name its subject, title-cased: a few, at most 40 characters.
pub fn key_phrase(prompt: &str) -> String {
    let words: Vec<&str> = prompt
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-'))
        .filter(|word| !word.is_empty())
        .collect();
    let subject: Vec<&str> = words
        .iter()
        .copied()
        .filter(|word| !NOT_SUBJECT.contains(&word.to_lowercase().as_str()))
        .take(PHRASE_WORDS)
        .collect();
    let chosen = if subject.is_empty() {
        words.into_iter().take(PHRASE_WORDS).collect()
    } else {
        subject
    };
    let mut phrase = String::new();
    for word in chosen.iter().map(|word| title_case(word)) {
        if phrase.chars().count() + word.chars().count() + 1 > 40 && !phrase.is_empty() {
            break;
        }
        if !phrase.is_empty() {
            phrase.push(' ');
        }
        phrase.push_str(&word);
    }
    phrase
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// HSL (hue in degrees) to RGB.
pub fn hsl(hue: f64, saturation: f64, lightness: f64) -> Rgb {
    let hue = hue.rem_euclid(360.0) / 60.0;
    let chroma = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let second = chroma * (1.0 - (hue % 2.0 - 1.0).abs());
    let (r, g, b) = match hue as u32 {
        0 => (chroma, second, 0.0),
        1 => (second, chroma, 0.0),
        2 => (0.0, chroma, second),
        3 => (0.0, second, chroma),
        4 => (second, 0.0, chroma),
        _ => (chroma, 0.0, second),
    };
    let base = lightness - chroma / 2.0;
    let channel = |v: f64| ((v + base).clamp(0.0, 1.0) * 255.0).round() as u8;
    [channel(r), channel(g), channel(b)]
}

/// SplitMix64: a tiny generator whose sequence never changes, so designs are stable.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// From 0 (inclusive) to 1 (exclusive).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_phrase_keeps_the_subject_and_drops_how_to_draw_it() {
        assert_eq!(
            key_phrase("A cinematic photo of street tacos in San Antonio at sunset, 4k"),
            "Street Tacos San Antonio"
        );
        assert_eq!(key_phrase("the of a"), "The Of A");
        assert_eq!(key_phrase("  "), "");
    }

    #[test]
    fn the_same_prompt_gives_the_same_design_and_variants_differ() {
        let prompt = "Neon skyline over a rainy street";
        assert_eq!(design(prompt, 0), design(prompt, 0));
        assert_ne!(design(prompt, 0), design(prompt, 1));
        assert_ne!(
            design(prompt, 0).top,
            design("Sunflowers in a field", 0).top
        );
        assert_eq!(design(prompt, 0).phrase, "Neon Skyline Rainy Street");
    }

    #[test]
    fn hsl_matches_known_colours() {
        assert_eq!(hsl(0.0, 1.0, 0.5), [255, 0, 0]);
        assert_eq!(hsl(120.0, 1.0, 0.5), [0, 255, 0]);
        assert_eq!(hsl(240.0, 1.0, 0.25), [0, 0, 128]);
        assert_eq!(hsl(-120.0, 1.0, 0.5), [0, 0, 255]);
    }
}
