//! Measuring a voice from its audio: its typical pitch (the median fundamental frequency of
//! its voiced frames, found with the YIN difference function) and its pace (syllable nuclei
//! per second of speech, counted as peaks of the loudness envelope). Pure: mono samples in,
//! numbers out. A clone without a cloning provider tunes ace's own voice to these figures.

/// The rate the analysis runs at: enough for pitch up to 400 Hz and cheap to scan.
const RATE: u32 = 8_000;
/// The lowest and highest pitch looked for, in Hz.
const PITCH_RANGE: (f64, f64) = (60.0, 400.0);
/// The length of one pitch frame, in seconds.
const PITCH_FRAME: f64 = 0.04;
/// The step between frames, in seconds.
const HOP: f64 = 0.01;
/// YIN's threshold on the normalised difference: below it, a lag is taken as the period.
const YIN_THRESHOLD: f64 = 0.15;
/// A frame whose best normalised difference is above this is unvoiced.
const VOICED_LIMIT: f64 = 0.3;
/// Frames quieter than this share of the loudest frame count as silence.
const SILENCE: f64 = 0.08;
/// The rhythms of the loudness envelope that are syllables, in Hz.
const MODULATION_BAND: (f64, f64) = (1.5, 10.0);
/// The spacing of the modulation spectrum, in Hz.
const MODULATION_STEP: f64 = 0.1;
/// A silence longer than this (seconds) is a pause, not part of speaking.
const PAUSE: f64 = 0.3;
/// Fewer syllables a second than this is a held tone or a hum, not speech.
const MIN_SYLLABLE_RATE: f64 = 1.0;
/// The least speech (seconds of voiced frames) worth measuring.
pub const MIN_VOICED_SECONDS: f64 = 1.0;

/// What a voice sounds like, in numbers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measured {
    /// The median pitch of its voiced frames, in Hz.
    pub pitch_hz: f64,
    /// Syllables per second of speaking time (pauses left out), from the rhythm of its
    /// loudness.
    pub syllables_per_second: f64,
    /// How much of the audio is voiced speech, in seconds.
    pub voiced_seconds: f64,
}

/// Measures mono `samples` at `rate` Hz; `None` when there is too little voiced speech.
pub fn measure(samples: &[f32], rate: u32) -> Option<Measured> {
    let audio = resample(samples, rate, RATE);
    let frames = Frames::of(&audio);
    let track = frames.pitch_track(&audio);
    let pitches: Vec<f64> = track.iter().flatten().copied().collect();
    let voiced_seconds = pitches.len() as f64 * HOP;
    if voiced_seconds < MIN_VOICED_SECONDS {
        return None;
    }
    let pitch_hz = median(pitches)?;
    let syllables_per_second = frames.syllable_rate()?;
    (syllables_per_second >= MIN_SYLLABLE_RATE).then_some(Measured {
        pitch_hz,
        syllables_per_second,
        voiced_seconds,
    })
}

/// Semitones from `from` Hz to `to` Hz.
pub fn semitones(from: f64, to: f64) -> f64 {
    12.0 * (to / from).log2()
}

/// Per-frame loudness of the analysis signal.
struct Frames {
    /// RMS of each hop-long frame.
    loudness: Vec<f64>,
    /// Frames louder than [`SILENCE`] of the loudest.
    floor: f64,
}

impl Frames {
    fn of(audio: &[f32]) -> Self {
        let hop = (HOP * f64::from(RATE)) as usize;
        let loudness: Vec<f64> = audio.chunks(hop).map(rms).collect();
        let loudest = loudness.iter().copied().fold(0.0, f64::max);
        Self {
            loudness,
            floor: loudest * SILENCE,
        }
    }

    /// The pitch of every frame, in Hz; `None` where it is silent or unvoiced.
    fn pitch_track(&self, audio: &[f32]) -> Vec<Option<f64>> {
        let hop = (HOP * f64::from(RATE)) as usize;
        let window = (PITCH_FRAME * f64::from(RATE)) as usize;
        let min_lag = (f64::from(RATE) / PITCH_RANGE.1).floor() as usize;
        let max_lag = (f64::from(RATE) / PITCH_RANGE.0).ceil() as usize;
        (0..self.loudness.len())
            .map(|frame| {
                let start = frame * hop;
                let loud = self.loudness[frame] > self.floor;
                let frame_audio = audio.get(start..start + window + max_lag)?;
                loud.then(|| yin_period(frame_audio, window, min_lag, max_lag))
                    .flatten()
                    .map(|lag| f64::from(RATE) / lag)
            })
            .collect()
    }

    /// The syllable rate, in Hz: the strongest rhythm of the loudness envelope (in dB, over
    /// the speaking frames, pauses cut out) between [`MODULATION_BAND`]'s edges. Speech swells
    /// and fades once a syllable, so that rhythm is its pace; speaking faster moves it up by
    /// the same factor. It depends on the words too, so it is an estimate.
    fn syllable_rate(&self) -> Option<f64> {
        let envelope: Vec<f64> = self
            .speaking_envelope()
            .iter()
            .map(|l| 20.0 * (l + 1e-9).log10())
            .collect();
        if envelope.len() < 50 {
            return None;
        }
        let mean = envelope.iter().sum::<f64>() / envelope.len() as f64;
        let count = envelope.len() as f64;
        let frame_rate = 1.0 / HOP;
        let steps = ((MODULATION_BAND.1 - MODULATION_BAND.0) / MODULATION_STEP).round() as usize;
        let power_at = |frequency: f64| {
            let (mut re, mut im) = (0.0, 0.0);
            for (n, level) in envelope.iter().enumerate() {
                let hann = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * n as f64 / count).cos();
                let phase = 2.0 * std::f64::consts::PI * frequency * n as f64 / frame_rate;
                let value = (level - mean) * hann;
                re += value * phase.cos();
                im -= value * phase.sin();
            }
            re * re + im * im
        };
        (0..=steps)
            .map(|step| MODULATION_BAND.0 + step as f64 * MODULATION_STEP)
            .map(|frequency| (frequency, power_at(frequency)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            // Strongest at the band's low edge: a held tone or a slow swell, not syllables.
            .filter(|(frequency, power)| *power > 0.0 && *frequency > MODULATION_BAND.0)
            .map(|(frequency, _)| frequency)
    }

    /// The loudness of the speaking frames: from the first loud frame to the last, with the
    /// pauses (quiet runs longer than [`PAUSE`]) cut out.
    fn speaking_envelope(&self) -> Vec<f64> {
        let pause = (PAUSE / HOP).round() as usize;
        let loud = |l: &f64| *l > self.floor;
        let (Some(first), Some(last)) = (
            self.loudness.iter().position(loud),
            self.loudness.iter().rposition(loud),
        ) else {
            return Vec::new();
        };
        let mut envelope = Vec::new();
        let mut quiet: Vec<f64> = Vec::new();
        for &level in &self.loudness[first..=last] {
            if loud(&level) {
                if quiet.len() < pause {
                    envelope.append(&mut quiet);
                }
                quiet.clear();
                envelope.push(level);
            } else {
                quiet.push(level);
            }
        }
        envelope
    }
}

/// The period (in samples, interpolated) of `signal`'s first `window` samples, by YIN's
/// cumulative-mean-normalised difference; `None` when the frame is not periodic enough.
fn yin_period(signal: &[f32], window: usize, min_lag: usize, max_lag: usize) -> Option<f64> {
    let mut normalised = vec![1.0; max_lag + 1];
    let mut running = 0.0;
    for lag in 1..=max_lag {
        let difference: f64 = (0..window)
            .map(|j| {
                let delta = f64::from(signal[j]) - f64::from(signal[j + lag]);
                delta * delta
            })
            .sum();
        running += difference;
        normalised[lag] = if running > 0.0 {
            difference * lag as f64 / running
        } else {
            1.0
        };
    }
    let mut best = None;
    let mut lag = min_lag.max(2);
    while lag < max_lag {
        if normalised[lag] < YIN_THRESHOLD {
            while lag + 1 < max_lag && normalised[lag + 1] < normalised[lag] {
                lag += 1;
            }
            best = Some(lag);
            break;
        }
        lag += 1;
    }
    let lag = best.or_else(|| {
        (min_lag.max(2)..max_lag)
            .min_by(|&a, &b| normalised[a].total_cmp(&normalised[b]))
            .filter(|&lag| normalised[lag] < VOICED_LIMIT)
    })?;
    // A parabola through the minimum and its neighbours places it between samples.
    let (before, at, after) = (normalised[lag - 1], normalised[lag], normalised[lag + 1]);
    let curve = before - 2.0 * at + after;
    let shift = if curve.abs() > f64::EPSILON {
        (0.5 * (before - after) / curve).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Some(lag as f64 + shift)
}

/// `samples` at `to` Hz: box-filtered when going down, then linearly interpolated.
fn resample(samples: &[f32], from: u32, to: u32) -> Vec<f32> {
    if from == to || samples.is_empty() {
        return samples.to_vec();
    }
    let ratio = f64::from(from) / f64::from(to);
    let taps = ratio.floor().max(1.0) as usize;
    let filtered: Vec<f32> = if taps > 1 {
        moving_average(
            &samples.iter().map(|&s| f64::from(s)).collect::<Vec<_>>(),
            taps,
        )
        .into_iter()
        .map(|s| s as f32)
        .collect()
    } else {
        samples.to_vec()
    };
    let length = (samples.len() as f64 / ratio).floor() as usize;
    (0..length)
        .map(|index| {
            let at = index as f64 * ratio;
            let left = at.floor() as usize;
            let right = (left + 1).min(filtered.len() - 1);
            let part = (at - left as f64) as f32;
            filtered[left] * (1.0 - part) + filtered[right] * part
        })
        .collect()
}

/// The centred moving average of `values` over `width` values.
fn moving_average(values: &[f64], width: usize) -> Vec<f64> {
    let half = width / 2;
    (0..values.len())
        .map(|index| {
            let from = index.saturating_sub(half);
            let to = (index + width - half).min(values.len());
            values[from..to].iter().sum::<f64>() / (to - from) as f64
        })
        .collect()
}

fn rms(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let energy: f64 = samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum();
    (energy / samples.len() as f64).sqrt()
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(values[values.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A buzzy tone at `pitch` Hz (rich in harmonics, as a voice is), in syllable-like bursts
    /// of `syllable` seconds with `gap` seconds of silence between, for `seconds`.
    fn syllables(pitch: f64, syllable: f64, gap: f64, seconds: f64, rate: u32) -> Vec<f32> {
        let period = syllable + gap;
        (0..(seconds * f64::from(rate)) as usize)
            .map(|i| {
                let t = i as f64 / f64::from(rate);
                let within = t % period;
                if within > syllable {
                    return 0.0;
                }
                let envelope = (std::f64::consts::PI * within / syllable).sin();
                let tone: f64 = (1..=6)
                    .map(|h| (2.0 * std::f64::consts::PI * pitch * h as f64 * t).sin() / h as f64)
                    .sum();
                (0.3 * envelope * tone) as f32
            })
            .collect()
    }

    #[test]
    fn the_pitch_of_a_steady_tone_is_found_within_two_percent() {
        for pitch in [90.0, 130.0, 220.0, 310.0] {
            let audio = syllables(pitch, 0.2, 0.05, 3.0, 22_050);
            let measured = measure(&audio, 22_050).unwrap();
            assert!(
                (measured.pitch_hz / pitch - 1.0).abs() < 0.02,
                "{pitch} Hz measured as {}",
                measured.pitch_hz
            );
        }
    }

    #[test]
    fn syllables_per_second_follow_the_bursts() {
        // Four bursts a second, then six: the count follows.
        let slow = measure(&syllables(140.0, 0.17, 0.08, 4.0, 16_000), 16_000).unwrap();
        let fast = measure(&syllables(140.0, 0.11, 0.056, 4.0, 16_000), 16_000).unwrap();
        let (slow_rate, fast_rate) = (slow.syllables_per_second, fast.syllables_per_second);
        assert!((slow_rate - 4.0).abs() < 0.6, "{slow_rate}");
        assert!((fast_rate - 6.0).abs() < 0.9, "{fast_rate}");
    }

    #[test]
    fn silence_noise_and_a_held_tone_are_not_a_voice() {
        assert_eq!(measure(&vec![0.0; 48_000], 16_000), None);
        assert_eq!(
            measure(&syllables(200.0, 3.0, 0.0, 3.0, 16_000), 16_000),
            None
        );
        let mut seed = 7u32;
        let noise: Vec<f32> = (0..48_000)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        assert_eq!(measure(&noise, 16_000), None);
    }

    #[test]
    fn semitones_are_twelve_to_the_octave() {
        assert!((semitones(110.0, 220.0) - 12.0).abs() < 1e-9);
        assert!((semitones(220.0, 110.0) + 12.0).abs() < 1e-9);
    }
}
