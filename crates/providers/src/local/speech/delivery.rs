//! How one voice speaks: the knobs a designed or cloned voice fixes (pace, pitch, and Piper's
//! two variation scales), and the ranges the engines take them in.

use serde::{Deserialize, Serialize};

use super::piper::Scales;

/// The slowest and fastest `speed` taken.
pub(super) const SPEED_RANGE: (f64, f64) = (0.5, 2.0);
/// The furthest a voice's pitch is moved, in semitones either way.
const PITCH_RANGE: f64 = 8.0;
/// The least and most of Piper's variation knobs.
const VARIATION_RANGE: (f32, f32) = (0.1, 1.2);

/// How one voice speaks: the knobs a designed voice fixes.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Delivery {
    /// 1 is the voice's own pace; 2 is twice as fast.
    pub speed: f64,
    /// Semitones up (or down, below 0).
    pub pitch: f64,
    /// Piper's voice variation (its `noise_scale`).
    pub variation: f32,
    /// Piper's phoneme-length variation (its `noise_w`).
    pub rhythm: f32,
}

impl Default for Delivery {
    fn default() -> Self {
        let scales = Scales::default();
        Self {
            speed: 1.0,
            pitch: 0.0,
            variation: scales.noise_scale,
            rhythm: scales.noise_w,
        }
    }
}

impl Delivery {
    /// The same delivery with every knob inside the range the engines take.
    #[must_use]
    pub fn clamped(self) -> Self {
        let finite = |value: f64, fallback: f64| if value.is_finite() { value } else { fallback };
        let variation = |value: f32, fallback: f32| {
            let value = if value.is_finite() { value } else { fallback };
            value.clamp(VARIATION_RANGE.0, VARIATION_RANGE.1)
        };
        let own = Delivery::default();
        Self {
            speed: finite(self.speed, 1.0).clamp(SPEED_RANGE.0, SPEED_RANGE.1),
            pitch: finite(self.pitch, 0.0).clamp(-PITCH_RANGE, PITCH_RANGE),
            variation: variation(self.variation, own.variation),
            rhythm: variation(self.rhythm, own.rhythm),
        }
    }
}
