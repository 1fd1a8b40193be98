//! What the decoder may write next, following OpenAI's logit filters in order: suppress a
//! blank start, suppress the never-written tokens, then the timestamp rules. Timestamps come
//! in pairs around text (`<|1.00|> words <|2.40|>`), never go back, and a segment is never
//! empty; the first token is a timestamp of at most 1 s; and when the timestamps together are
//! likelier than any single text token, a timestamp is written. Pure: it edits a row of
//! logits, given the tokens written so far in this window.

use super::vocabulary::Vocabulary;

/// The latest first timestamp, in 20 ms steps (OpenAI's `max_initial_timestamp` of 1 s).
const MAX_INITIAL_TIMESTAMP: u32 = 50;

/// Sets to −∞ the logits of every token that may not come after `written`.
pub fn restrict(logits: &mut [f32], written: &[u32], vocabulary: &Vocabulary) {
    let mut forbid = |range: std::ops::Range<u32>| {
        let end = (range.end as usize).min(logits.len());
        let start = (range.start as usize).min(end);
        logits[start..end].fill(f32::NEG_INFINITY);
    };
    let first = written.is_empty();
    if first {
        for &token in &vocabulary.suppressed_first {
            forbid(token..token + 1);
        }
    }
    for &token in &vocabulary.suppressed {
        forbid(token..token + 1);
    }
    let (eot, begin) = (vocabulary.end_of_text, vocabulary.timestamp_begin);
    let no_timestamps = vocabulary.no_timestamps;
    forbid(no_timestamps..no_timestamps + 1);

    let is_timestamp = |token: &u32| *token >= begin;
    let last_was_timestamp = written.last().is_some_and(is_timestamp);
    let penultimate_was_timestamp = written.len() < 2 || is_timestamp(&written[written.len() - 2]);
    if last_was_timestamp {
        if penultimate_was_timestamp {
            // A closed pair (or the opening timestamp): text must follow.
            forbid(begin..u32::MAX);
        } else {
            // An open segment was just closed: another timestamp or the end.
            forbid(0..eot);
        }
    }
    if let Some(&latest) = written.iter().rev().find(|t| is_timestamp(t)) {
        // Never back in time; a segment's end is after its start.
        let floor = if last_was_timestamp && !penultimate_was_timestamp {
            latest
        } else {
            latest + 1
        };
        forbid(begin..floor);
    }
    if first {
        forbid(0..begin);
        forbid(begin + MAX_INITIAL_TIMESTAMP + 1..u32::MAX);
    }

    // When all timestamps together outweigh the likeliest text token, write a timestamp.
    let split = (begin as usize).min(logits.len());
    let (text, timestamps) = logits.split_at(split);
    let text_best = text.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if log_sum_exp(timestamps) > text_best {
        logits[..split].fill(f32::NEG_INFINITY);
    }
}

/// log Σ exp(x), −∞ for nothing.
pub fn log_sum_exp(values: &[f32]) -> f32 {
    let top = values.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    if top == f32::NEG_INFINITY {
        return top;
    }
    let sum: f32 = values.iter().map(|v| (v - top).exp()).sum();
    top + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::local::whisper::vocabulary::tests::vocabulary;

    /// Which tokens remain possible after `written`, with text favoured over timestamps.
    fn allowed(written: &[u32]) -> Vec<u32> {
        let vocabulary = vocabulary();
        let mut logits = vec![0f32; vocabulary.size as usize];
        logits[..vocabulary.timestamp_begin as usize].fill(10.0);
        restrict(&mut logits, written, &vocabulary);
        (0..vocabulary.size)
            .filter(|&t| logits[t as usize] > f32::NEG_INFINITY)
            .collect()
    }

    const T0: u32 = 50364;

    #[test]
    fn the_first_token_is_a_timestamp_of_at_most_one_second() {
        assert_eq!(allowed(&[]), (T0..=T0 + 50).collect::<Vec<_>>());
    }

    #[test]
    fn text_follows_an_opening_timestamp_and_suppressed_tokens_never_come() {
        let next = allowed(&[T0 + 10]);
        assert!(next.contains(&400) && next.contains(&220) && next.contains(&50257));
        assert!(!next.contains(&1) && !next.contains(&50359) && !next.contains(&50363));
        assert!(next.iter().all(|&t| t < T0));
    }

    #[test]
    fn a_segment_closes_later_than_it_opened_and_time_never_goes_back() {
        // After text, the closing timestamp must be later than the opening one.
        let next = allowed(&[T0 + 10, 400, 401]);
        assert!(!next.contains(&(T0 + 10)) && next.contains(&(T0 + 11)));
        assert!(next.contains(&400), "text may go on");
        // Right after a close: no text; the next segment opens at or after the close.
        let next = allowed(&[T0 + 10, 400, T0 + 30]);
        assert!(next.iter().all(|&t| t >= 50257), "no text: {next:?}");
        assert!(!next.iter().any(|t| (T0..T0 + 30).contains(t)), "{next:?}");
        assert!(next.contains(&(T0 + 30)) && next.contains(&50257));
        // After a close and an open: text again.
        let next = allowed(&[T0 + 10, 400, T0 + 30, T0 + 30]);
        assert!(next.iter().all(|&t| t < T0));
    }

    #[test]
    fn likelier_timestamps_as_a_whole_outweigh_the_best_text_token() {
        let vocabulary = vocabulary();
        let mut logits = vec![0f32; vocabulary.size as usize];
        // Text: one token at 3.0; timestamps: 1501 tokens at 0.0 (together ln 1501 ≈ 7.3).
        logits[400] = 3.0;
        restrict(&mut logits, &[T0, 401], &vocabulary);
        assert_eq!(logits[400], f32::NEG_INFINITY);
        assert!(logits[T0 as usize + 5] > f32::NEG_INFINITY);
    }

    #[test]
    fn log_sum_exp_is_stable_and_empty_is_minus_infinity() {
        assert!((log_sum_exp(&[1000.0, 1000.0]) - (1000.0 + 2f32.ln())).abs() < 1e-3);
        assert_eq!(log_sum_exp(&[]), f32::NEG_INFINITY);
    }
}
