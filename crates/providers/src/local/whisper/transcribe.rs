//! Speech to timed segments, window by window, as OpenAI's `transcribe` does it with greedy
//! decoding: each 30 s window is encoded, its language found if none was given (the likeliest
//! language token after `<|startoftranscript|>`), then tokens are written one at a time under
//! the [`rules`](super::rules) until the end of text; the next window starts where the last
//! complete segment ended. Then the window's text is [aligned](super::align) to its audio,
//! giving each token a time. A window that is digitally silent is skipped unheard, and one the
//! model judges speechless (no-speech probability over 0.6 with an average log-probability
//! under −1) is dropped. Not done: temperature fallback and conditioning on the previous
//! window's text (both guard against loops in long noisy audio; each window starts afresh).

use std::sync::atomic::{AtomicBool, Ordering};

use candle_core::Tensor;
use tracing::debug;

use super::align::{HeadWeights, token_starts};
use super::mel::{HOP, MelTransform, WINDOW_FRAMES};
use super::model::{Decoder, DecoderState, Model};
use super::rules::{log_sum_exp, restrict};
use super::segments::{FRAMES_PER_TIMESTAMP, split};
use super::vocabulary::Vocabulary;

/// Seconds per frame.
const FRAME_SECONDS: f64 = HOP as f64 / 16_000.0;
/// The most tokens written in one window (OpenAI: half the decoder's context).
const MOST_TOKENS: usize = 224;
/// A window whose loudest sample is below this (−60 dBFS) holds no speech.
const SILENCE: f32 = 0.001;
const NO_SPEECH_THRESHOLD: f32 = 0.6;
const LOG_PROB_THRESHOLD: f32 = -1.0;

/// A stretch of speech: seconds from the start of the audio, and its text tokens.
#[derive(Clone, Debug, PartialEq)]
pub struct TimedTokens {
    pub start: f64,
    pub end: f64,
    pub tokens: Vec<u32>,
    /// When each token starts, then when the last one ends (one more than the tokens), in
    /// seconds from the start of the audio; `None` when the text could not be aligned.
    pub token_times: Option<Vec<f64>>,
}

/// What was heard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Heard {
    pub segments: Vec<TimedTokens>,
    /// The language token of the speech (given or detected); `None` when none was heard.
    pub language: Option<u32>,
}

/// Why transcription stopped early.
#[derive(Debug, thiserror::Error)]
pub enum Interrupted {
    #[error("stopped")]
    Stopped,
    #[error(transparent)]
    Model(#[from] candle_core::Error),
}

/// One window's decoding.
struct Decoded {
    tokens: Vec<u32>,
    no_speech: f32,
    average_log_prob: f32,
    language: u32,
    /// The decoder's state after the prompt, for aligning the text.
    prompt: DecoderState,
}

/// Transcribes 16 kHz mono `samples`. `language` is a language token, or `None` to detect
/// it; `alignment_heads` are the `(layer, head)` pairs whose attention times the tokens
/// (none: segments only). Checks `stop` before every token.
pub fn transcribe(
    model: &mut Model,
    vocabulary: &Vocabulary,
    mel_transform: &MelTransform,
    samples: &[f32],
    mut language: Option<u32>,
    alignment_heads: &[(usize, usize)],
    stop: &AtomicBool,
) -> Result<Heard, Interrupted> {
    let stopped = || {
        if stop.load(Ordering::Relaxed) {
            Err(Interrupted::Stopped)
        } else {
            Ok(())
        }
    };
    let started = std::time::Instant::now();
    let mel = mel_transform.spectrogram(samples)?;
    let content = mel.content_frames();
    debug!(frames = content, elapsed = ?started.elapsed(), "spectrogram");
    let mut heard = Heard::default();
    let mut seek = 0;
    while seek < content {
        let frames = WINDOW_FRAMES.min(content - seek);
        let sound = &samples[seek * HOP..((seek + frames) * HOP).min(samples.len())];
        let loudest = sound.iter().fold(0f32, |top, s| top.max(s.abs()));
        if loudest < SILENCE {
            seek += frames;
            continue;
        }
        stopped()?;
        let started = std::time::Instant::now();
        let audio = model.encode(&mel.window(seek)?)?;
        debug!(seek, elapsed = ?started.elapsed(), "encoded a window");
        let decoded = decode_window(&model.decoder, vocabulary, &audio, language, &stopped)?;
        if decoded.no_speech > NO_SPEECH_THRESHOLD && decoded.average_log_prob < LOG_PROB_THRESHOLD
        {
            seek += frames;
            continue;
        }
        // The first window with speech settles the language of the rest.
        language = Some(decoded.language);
        heard.language = language;
        let (pieces, consumed) = split(&decoded.tokens, vocabulary.timestamp_begin, frames);
        let offset = seek as f64 * FRAME_SECONDS;
        let text: Vec<u32> = pieces.iter().flat_map(|p| p.text.clone()).collect();
        stopped()?;
        let started = std::time::Instant::now();
        let times = token_times(
            &model.decoder,
            vocabulary,
            &decoded,
            &text,
            frames,
            alignment_heads,
        )?;
        debug!(seek, tokens = text.len(), elapsed = ?started.elapsed(), "aligned a window");
        let step = FRAMES_PER_TIMESTAMP as f64 * FRAME_SECONDS;
        let mut first_token = 0;
        for piece in pieces {
            let count = piece.text.len();
            let token_times = times.as_ref().map(|times| {
                times[first_token..=first_token + count]
                    .iter()
                    .map(|t| offset + t)
                    .collect()
            });
            first_token += count;
            heard.segments.push(TimedTokens {
                start: offset + f64::from(piece.start) * step,
                end: offset + f64::from(piece.end) * step,
                tokens: piece.text,
                token_times,
            });
        }
        seek += consumed;
    }
    Ok(heard)
}

/// When each of a window's `text` tokens starts, then when the last ends (seconds from the
/// window's start), from the attention of `heads` while the decoder reads the text again
/// after `<|notimestamps|>`. `None` without heads or text.
fn token_times(
    decoder: &Decoder,
    vocabulary: &Vocabulary,
    decoded: &Decoded,
    text: &[u32],
    frames: usize,
    heads: &[(usize, usize)],
) -> candle_core::Result<Option<Vec<f64>>> {
    if heads.is_empty() || text.is_empty() {
        return Ok(None);
    }
    let mut sequence = vec![
        vocabulary.start_of_transcript,
        decoded.language,
        vocabulary.transcribe,
        vocabulary.no_timestamps,
    ];
    let prompt = sequence.len() - 1;
    sequence.extend_from_slice(text);
    sequence.push(vocabulary.end_of_text);
    if sequence.len() > decoder.capacity() {
        return Ok(None);
    }
    let mut state = decoded.prompt.restarted();
    let (_, weights) = decoder.forward(&mut state, &sequence, heads)?;
    // Row k reads token k of the sequence and looks where token k + 1 is heard: from
    // `<|notimestamps|>` (which looks for the first text token) to the last text token (which
    // looks for the end).
    let rows = text.len() + 1;
    let heads = weights
        .iter()
        .map(|weights| {
            let weights = weights.narrow(0, prompt, rows)?;
            Ok(HeadWeights {
                rows,
                columns: weights.dim(1)?,
                weights: weights.flatten_all()?.to_vec1()?,
            })
        })
        .collect::<candle_core::Result<Vec<_>>>()?;
    Ok(token_starts(&heads, frames / FRAMES_PER_TIMESTAMP))
}

/// Greedy decoding of the window the encoder heard as `audio`.
fn decode_window(
    decoder: &Decoder,
    vocabulary: &Vocabulary,
    audio: &Tensor,
    language: Option<u32>,
    stopped: &dyn Fn() -> Result<(), Interrupted>,
) -> Result<Decoded, Interrupted> {
    let started = std::time::Instant::now();
    let mut state = decoder.start(audio)?;
    let prompt = state.restarted();
    let first = last_logits(decoder, &mut state, &[vocabulary.start_of_transcript])?;
    let no_speech = softmax_at(&first, vocabulary.no_speech as usize);
    let language = language.unwrap_or_else(|| likeliest_language(&first, vocabulary));
    let mut logits = last_logits(decoder, &mut state, &[language, vocabulary.transcribe])?;
    let mut tokens = Vec::new();
    let mut sum_log_prob = 0f32;
    let room = decoder
        .capacity()
        .saturating_sub(state.tokens_seen())
        .min(MOST_TOKENS);
    while tokens.len() < room {
        restrict(&mut logits, &tokens, vocabulary);
        let (best, log_prob) = argmax_log_prob(&logits);
        sum_log_prob += log_prob;
        if best == vocabulary.end_of_text {
            break;
        }
        tokens.push(best);
        stopped()?;
        logits = last_logits(decoder, &mut state, &[best])?;
    }
    debug!(tokens = tokens.len(), elapsed = ?started.elapsed(), "decoded a window");
    Ok(Decoded {
        average_log_prob: sum_log_prob / (tokens.len() + 1) as f32,
        tokens,
        no_speech,
        language,
        prompt,
    })
}

/// Feeds `tokens` and returns the logits after the last one.
fn last_logits(
    decoder: &Decoder,
    state: &mut DecoderState,
    tokens: &[u32],
) -> candle_core::Result<Vec<f32>> {
    let (hidden, _) = decoder.forward(state, tokens, &[])?;
    let last: Tensor = hidden.get(tokens.len() - 1)?;
    decoder.logits(&last)
}

/// The likeliest token and its log-probability.
fn argmax_log_prob(logits: &[f32]) -> (u32, f32) {
    let (best, top) =
        logits
            .iter()
            .copied()
            .enumerate()
            .fold((0, f32::NEG_INFINITY), |best, (i, v)| {
                if v > best.1 { (i, v) } else { best }
            });
    (best as u32, top - log_sum_exp(logits))
}

/// The probability of token `index`.
fn softmax_at(logits: &[f32], index: usize) -> f32 {
    logits
        .get(index)
        .map_or(0.0, |&v| (v - log_sum_exp(logits)).exp())
}

/// The language token the logits favour (the vocabulary has at least one).
fn likeliest_language(logits: &[f32], vocabulary: &Vocabulary) -> u32 {
    let score = |token: u32| logits.get(token as usize).copied().unwrap_or(f32::MIN);
    vocabulary
        .languages
        .iter()
        .map(|(token, _)| *token)
        .reduce(|best, token| {
            if score(token) > score(best) {
                token
            } else {
                best
            }
        })
        .unwrap_or(vocabulary.start_of_transcript)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_token_comes_with_its_log_probability() {
        let (best, log_prob) = argmax_log_prob(&[0.0, 2f32.ln(), f32::NEG_INFINITY, 0.0]);
        assert_eq!(best, 1);
        assert!((log_prob - 0.5f32.ln()).abs() < 1e-6);
        assert!((softmax_at(&[0.0, 0.0], 1) - 0.5).abs() < 1e-6);
    }
}
