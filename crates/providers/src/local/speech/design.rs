//! Designing a voice from words, for ace's own engines: a description ("warm, deep,
//! unhurried") and a gender become the knobs of a [`Delivery`] (pitch, pace, variation and
//! rhythm), and one design becomes three audibly different candidates to choose from. Pure
//! and deterministic: the same words always design the same voice.

use super::Delivery;

/// Semitones a female voice is raised from the embedded (male) voice.
const FEMALE_PITCH: f64 = 5.0;
/// Semitones between neighbouring candidates.
const CANDIDATE_PITCH_STEP: f64 = 2.0;

/// What one descriptive word does to the voice.
struct Effect {
    words: &'static [&'static str],
    pitch: f64,
    speed: f64,
    variation: f32,
    rhythm: f32,
}

const EFFECTS: &[Effect] = &[
    Effect {
        words: &[
            "deep", "low", "bass", "baritone", "gravelly", "husky", "booming", "resonant", "rich",
        ],
        pitch: -2.5,
        speed: 0.0,
        variation: 0.0,
        rhythm: 0.0,
    },
    Effect {
        words: &[
            "high",
            "bright",
            "young",
            "youthful",
            "light",
            "airy",
            "childlike",
            "soprano",
        ],
        pitch: 2.5,
        speed: 0.0,
        variation: 0.0,
        rhythm: 0.0,
    },
    Effect {
        words: &[
            "fast",
            "quick",
            "energetic",
            "excited",
            "rapid",
            "upbeat",
            "lively",
            "hyped",
            "punchy",
        ],
        pitch: 0.5,
        speed: 0.12,
        variation: 0.05,
        rhythm: 0.0,
    },
    Effect {
        words: &[
            "slow",
            "calm",
            "measured",
            "soothing",
            "relaxed",
            "gentle",
            "deliberate",
            "unhurried",
            "meditative",
        ],
        pitch: -0.5,
        speed: -0.1,
        variation: -0.05,
        rhythm: 0.0,
    },
    Effect {
        words: &[
            "expressive",
            "dynamic",
            "animated",
            "emotional",
            "dramatic",
            "playful",
            "theatrical",
        ],
        pitch: 0.0,
        speed: 0.0,
        variation: 0.2,
        rhythm: 0.1,
    },
    Effect {
        words: &[
            "flat", "monotone", "robotic", "steady", "neutral", "even", "serious",
        ],
        pitch: 0.0,
        speed: 0.0,
        variation: -0.25,
        rhythm: -0.2,
    },
    Effect {
        words: &[
            "precise",
            "crisp",
            "clear",
            "articulate",
            "authoritative",
            "confident",
            "professional",
        ],
        pitch: 0.0,
        speed: 0.0,
        variation: -0.1,
        rhythm: -0.25,
    },
    Effect {
        words: &[
            "natural",
            "conversational",
            "casual",
            "friendly",
            "warm",
            "relaxed",
        ],
        pitch: 0.0,
        speed: 0.0,
        variation: 0.05,
        rhythm: 0.1,
    },
];

/// Words that make a description, given without a gender, a woman's voice.
const FEMALE_WORDS: &[&str] = &["female", "woman", "feminine", "girl", "lady", "she", "her"];

/// The delivery a description and gender call for, starting from the voice's own. Without a
/// gender, the description's own words decide it.
pub fn from_description(description: &str, gender: Option<&str>) -> Delivery {
    let mut delivery = Delivery::default();
    let words: Vec<String> = description
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect();
    let gender = gender.map(|g| g.trim().to_ascii_lowercase());
    let lift = match gender.as_deref() {
        Some("female") => 1.0,
        // Between the two: a non-binary or neutral voice sits halfway up.
        Some("non-binary" | "neutral") => 0.5,
        Some(_) => 0.0,
        None if words
            .iter()
            .any(|word| FEMALE_WORDS.contains(&word.as_str())) =>
        {
            1.0
        }
        None => 0.0,
    };
    delivery.pitch += lift * FEMALE_PITCH;
    for effect in EFFECTS {
        if words
            .iter()
            .any(|word| effect.words.contains(&word.as_str()))
        {
            delivery.pitch += effect.pitch;
            delivery.speed += effect.speed;
            delivery.variation += effect.variation;
            delivery.rhythm += effect.rhythm;
        }
    }
    delivery.clamped()
}

/// Three candidates around `design`, each clearly different from the others: lower and a
/// touch slower, the design itself, higher and a touch quicker and livelier.
pub fn candidates(design: Delivery) -> [Delivery; 3] {
    let shifted = |steps: f64| {
        Delivery {
            pitch: design.pitch + steps * CANDIDATE_PITCH_STEP,
            speed: design.speed * (1.0 + 0.06 * steps),
            variation: design.variation + 0.1 * steps as f32,
            rhythm: design.rhythm,
        }
        .clamped()
    };
    [shifted(-1.0), design.clamped(), shifted(1.0)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_description_is_the_voice_as_it_is() {
        assert_eq!(from_description("", None), Delivery::default());
        assert_eq!(
            from_description("a voice", Some("male")),
            Delivery::default()
        );
    }

    #[test]
    fn deep_and_slow_lowers_and_slows_while_bright_and_fast_does_the_opposite() {
        let deep = from_description("A deep, calm narrator.", Some("male"));
        let bright = from_description("bright and ENERGETIC host", Some("male"));
        assert!(deep.pitch < 0.0 && deep.speed < 1.0, "{deep:?}");
        assert!(bright.pitch > 0.0 && bright.speed > 1.0, "{bright:?}");
    }

    #[test]
    fn a_female_voice_is_raised() {
        let female = from_description("warm", Some("Female"));
        let male = from_description("warm", Some("male"));
        assert!((female.pitch - male.pitch - FEMALE_PITCH).abs() < 1e-9);
    }

    #[test]
    fn without_a_gender_the_description_says_it() {
        let described = from_description("A bright young woman", None);
        let told = from_description("A bright young woman", Some("male"));
        assert!((described.pitch - told.pitch - FEMALE_PITCH).abs() < 1e-9);
    }

    #[test]
    fn the_three_candidates_differ_by_two_semitones_each() {
        let design = from_description("warm, confident", Some("male"));
        let [low, middle, high] = candidates(design);
        assert_eq!(middle, design);
        assert!((middle.pitch - low.pitch - 2.0).abs() < 1e-9);
        assert!((high.pitch - middle.pitch - 2.0).abs() < 1e-9);
        assert!(low.speed < middle.speed && middle.speed < high.speed);
    }

    #[test]
    fn every_design_stays_in_range() {
        let extreme = from_description(
            "deep low bass baritone high bright fast slow expressive flat crisp natural",
            Some("female"),
        );
        for delivery in candidates(extreme) {
            assert_eq!(delivery, delivery.clamped());
        }
    }
}
