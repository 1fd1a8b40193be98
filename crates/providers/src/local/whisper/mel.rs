//! What Whisper hears: the log-mel spectrogram of 16 kHz audio, as OpenAI's
//! `log_mel_spectrogram` makes it. 25 ms Hann windows every 10 ms (the signal reflected at its
//! start, 30 s of silence after its end), the power spectrum through 80 Slaney mel filters
//! (librosa's default, which Whisper's `mel_filters.npz` holds; computed here, the package
//! does not ship them), log10, floored 8 below the loudest value and scaled to about ±1.
//! The transforms are matrix products run by candle.

use candle_core::{Device, Tensor};

pub const SAMPLE_RATE: usize = 16_000;
/// Samples per analysis window.
pub const N_FFT: usize = 400;
/// Samples between windows (10 ms): one frame.
pub const HOP: usize = 160;
pub const MELS: usize = 80;
/// Frames Whisper's encoder takes at once (30 s).
pub const WINDOW_FRAMES: usize = 3000;
/// Frequency bins of a window's spectrum.
const BINS: usize = N_FFT / 2 + 1;
/// Frames transformed in one matrix product (bounds the memory of long audio).
const FRAMES_AT_ONCE: usize = 3000;
/// The least power a mel band has (so silence logs to −10, not −∞).
const SILENT_POWER: f32 = 1e-10;

/// The Slaney mel scale (linear below 1 kHz, logarithmic above), as librosa computes it.
fn hz_to_mel(hz: f64) -> f64 {
    let (linear, knee, knee_mel) = (200.0 / 3.0, 1000.0, 15.0);
    let step = 6.4f64.ln() / 27.0;
    if hz >= knee {
        knee_mel + (hz / knee).ln() / step
    } else {
        hz / linear
    }
}

fn mel_to_hz(mel: f64) -> f64 {
    let (linear, knee, knee_mel) = (200.0 / 3.0, 1000.0, 15.0);
    let step = 6.4f64.ln() / 27.0;
    if mel >= knee_mel {
        knee * (step * (mel - knee_mel)).exp()
    } else {
        mel * linear
    }
}

/// `mels` triangular filters over the `n_fft / 2 + 1` bins of a spectrum, row-major, each
/// scaled to unit area (librosa's `filters.mel(sr, n_fft, n_mels)`, `norm="slaney"`).
pub fn filter_bank(mels: usize, n_fft: usize, sample_rate: usize) -> Vec<f32> {
    let bins = n_fft / 2 + 1;
    let top = hz_to_mel(sample_rate as f64 / 2.0);
    let edges: Vec<f64> = (0..mels + 2)
        .map(|i| mel_to_hz(top * i as f64 / (mels + 1) as f64))
        .collect();
    let mut bank = vec![0f32; mels * bins];
    for mel in 0..mels {
        let (low, centre, high) = (edges[mel], edges[mel + 1], edges[mel + 2]);
        let area = 2.0 / (high - low);
        for bin in 0..bins {
            let hz = (bin * sample_rate) as f64 / n_fft as f64;
            let rising = (hz - low) / (centre - low);
            let falling = (high - hz) / (high - centre);
            bank[mel * bins + bin] = (rising.min(falling).max(0.0) * area) as f32;
        }
    }
    bank
}

/// The fixed matrices of the transform, made once.
#[derive(Clone, Debug)]
pub struct MelTransform {
    /// The periodic Hann window, `[1, N_FFT]`.
    hann: Tensor,
    /// Real and imaginary DFT rows side by side, `[N_FFT, 2 × BINS]`.
    dft: Tensor,
    /// The filter bank transposed, `[BINS, MELS]`.
    filters: Tensor,
}

impl MelTransform {
    pub fn new() -> candle_core::Result<Self> {
        let device = Device::Cpu;
        let hann: Vec<f32> = (0..N_FFT)
            .map(|n| (0.5 - 0.5 * (std::f64::consts::TAU * n as f64 / N_FFT as f64).cos()) as f32)
            .collect();
        let mut dft = vec![0f32; N_FFT * 2 * BINS];
        for n in 0..N_FFT {
            for k in 0..BINS {
                let angle = std::f64::consts::TAU * ((n * k) % N_FFT) as f64 / N_FFT as f64;
                dft[n * 2 * BINS + k] = angle.cos() as f32;
                dft[n * 2 * BINS + BINS + k] = -angle.sin() as f32;
            }
        }
        let filters =
            Tensor::from_vec(filter_bank(MELS, N_FFT, SAMPLE_RATE), (MELS, BINS), &device)?
                .t()?
                .contiguous()?;
        Ok(Self {
            hann: Tensor::from_vec(hann, (1, N_FFT), &device)?,
            dft: Tensor::from_vec(dft, (N_FFT, 2 * BINS), &device)?,
            filters,
        })
    }

    /// The spectrogram of `samples` (16 kHz mono), followed by 30 s of silence.
    pub fn spectrogram(&self, samples: &[f32]) -> candle_core::Result<LogMel> {
        let signal = padded(samples);
        let frames = (samples.len() + WINDOW_FRAMES * HOP) / HOP;
        // Later windows hold only the silence after the audio: their power is 0 (floored at
        // 1e-10, so −10 once logged) and need no transform.
        let heard = frames.min((samples.len() + N_FFT / 2) / HOP + 1);
        let mut chunks = Vec::with_capacity(heard.div_ceil(FRAMES_AT_ONCE) + 1);
        for first in (0..heard).step_by(FRAMES_AT_ONCE) {
            let count = FRAMES_AT_ONCE.min(heard - first);
            let mut windows = Vec::with_capacity(count * N_FFT);
            for frame in first..first + count {
                windows.extend_from_slice(&signal[frame * HOP..frame * HOP + N_FFT]);
            }
            let windows = Tensor::from_vec(windows, (count, N_FFT), &Device::Cpu)?
                .broadcast_mul(&self.hann)?;
            let spectrum = windows.matmul(&self.dft)?;
            let power =
                (spectrum.narrow(1, 0, BINS)?.sqr()? + spectrum.narrow(1, BINS, BINS)?.sqr()?)?;
            let mel = power.matmul(&self.filters)?.clamp(SILENT_POWER, f32::MAX)?;
            chunks.push((mel.log()? / std::f64::consts::LN_10)?.t()?);
        }
        if heard < frames {
            chunks.push(Tensor::full(
                SILENT_POWER.log10(),
                (MELS, frames - heard),
                &Device::Cpu,
            )?);
        }
        let log = Tensor::cat(&chunks, 1)?;
        let floor = log.max_all()?.to_scalar::<f32>()? - 8.0;
        let scaled = ((log.maximum(floor)? + 4.0)? / 4.0)?.contiguous()?;
        Ok(LogMel {
            frames: scaled,
            content_frames: frames - WINDOW_FRAMES,
        })
    }
}

/// The signal the windows are cut from: `samples` reflected at the start (the first window is
/// centred on the first sample), then 30 s of silence and half a window more.
fn padded(samples: &[f32]) -> Vec<f32> {
    let half = N_FFT / 2;
    let mut signal = Vec::with_capacity(samples.len() + WINDOW_FRAMES * HOP + N_FFT);
    signal.extend(
        (1..=half)
            .rev()
            .map(|i| samples.get(i).copied().unwrap_or(0.0)),
    );
    signal.extend_from_slice(samples);
    signal.resize(signal.len() + WINDOW_FRAMES * HOP + half, 0.0);
    signal
}

/// A spectrogram: `[MELS, frames]`, 100 frames a second.
#[derive(Clone, Debug)]
pub struct LogMel {
    frames: Tensor,
    content_frames: usize,
}

impl LogMel {
    /// Frames of the audio itself (the rest is the silence after it).
    pub fn content_frames(&self) -> usize {
        self.content_frames
    }

    /// The 30 s the encoder hears from frame `start` on, `[1, MELS, WINDOW_FRAMES]`.
    pub fn window(&self, start: usize) -> candle_core::Result<Tensor> {
        self.frames
            .narrow(1, start, WINDOW_FRAMES)?
            .contiguous()?
            .unsqueeze(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_bank_is_80_unit_area_triangles_climbing_the_spectrum() {
        let bank = filter_bank(MELS, N_FFT, SAMPLE_RATE);
        assert_eq!(bank.len(), MELS * BINS);
        let row = |mel: usize| &bank[mel * BINS..(mel + 1) * BINS];
        let peak = |mel: usize| {
            row(mel)
                .iter()
                .enumerate()
                .fold(
                    (0, 0f32),
                    |best, (bin, &w)| if w > best.1 { (bin, w) } else { best },
                )
                .0
        };
        assert!(bank.iter().all(|&w| w >= 0.0));
        assert!((1..MELS).all(|mel| peak(mel) >= peak(mel - 1)));
        assert!(peak(MELS - 1) > peak(MELS / 2) && peak(MELS / 2) > peak(0));
        // Wide (high) filters are sampled densely: their area, Σ w × 40 Hz, is close to 1.
        for mel in 60..MELS - 1 {
            let area: f32 = row(mel).iter().sum::<f32>() * 40.0;
            assert!((area - 1.0).abs() < 0.03, "filter {mel} has area {area}");
        }
        // The first filter rises from 0 Hz to 36.8 Hz and falls to 73.6 Hz, scaled by
        // 2 / 73.6: at 40 Hz (bin 1) that is (73.6 − 40) / 36.8 × 2 / 73.6.
        assert!((row(0)[1] - 0.02481).abs() < 2e-4, "{}", row(0)[1]);
        assert_eq!(row(0)[2], 0.0);
    }

    #[test]
    fn a_tone_lights_the_mel_band_of_its_pitch_for_as_long_as_it_lasts() {
        let transform = MelTransform::new().unwrap();
        // Half a second of 1 kHz, then half a second of silence.
        let mut samples: Vec<f32> = (0..SAMPLE_RATE / 2)
            .map(|i| (std::f32::consts::TAU * 1000.0 * i as f32 / SAMPLE_RATE as f32).sin() * 0.5)
            .collect();
        samples.resize(SAMPLE_RATE, 0.0);
        let mel = transform.spectrogram(&samples).unwrap();
        assert_eq!(mel.content_frames(), 100);
        let window = mel.window(0).unwrap().squeeze(0).unwrap();
        assert_eq!(window.dims(), [MELS, WINDOW_FRAMES]);
        let values = window.to_vec2::<f32>().unwrap();
        let loudest = |frame: usize| {
            (0..MELS)
                .max_by(|&a, &b| values[a][frame].total_cmp(&values[b][frame]))
                .unwrap()
        };
        // 1 kHz is mel 15 on the Slaney scale: band 15 × 81 / 45.245 ≈ 26.9, so filter 25 or 26.
        let band = loudest(25);
        assert!((25..=26).contains(&band), "band {band}");
        assert!(values[band][25] > 0.9, "{}", values[band][25]);
        // Silence sits at the floor, 8 below the loudest value: (x + 4) / 4 = 2 less.
        assert!(
            values[band][80] < values[band][25] - 1.9,
            "{}",
            values[band][80]
        );
    }
}
