//! Timed words from timed segments. Whisper times segments, not words: each segment's span
//! is shared among its words by their letter counts. Segments are first made to fit the
//! audio: none starts before the previous one ended, none ends after the audio does, and one
//! that starts after the audio ended (heard in the silence padding the last window) is
//! dropped. So word times are monotonic, never overlap and stay inside the audio. Pure.

use crate::words::{TimedWord, words_over_span};

/// A segment's text and span in seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
}

/// `segments` fitted to `seconds` of audio (see the module header), without empty ones.
pub fn fitted(segments: &[Segment], seconds: f64) -> Vec<Segment> {
    let mut fitted: Vec<Segment> = Vec::with_capacity(segments.len());
    for segment in segments {
        let text = segment.text.trim();
        let previous_end = fitted.last().map_or(0.0, |s| s.end);
        let start = segment.start.max(previous_end).max(0.0);
        if text.is_empty() || start >= seconds {
            continue;
        }
        fitted.push(Segment {
            start,
            end: segment.end.min(seconds).max(start),
            text: text.to_owned(),
        });
    }
    fitted
}

/// The words of fitted `segments`, each segment's span shared by letter count.
pub fn timed_words(segments: &[Segment]) -> Vec<TimedWord> {
    segments
        .iter()
        .flat_map(|segment| {
            let words: Vec<String> = segment.text.split_whitespace().map(str::to_owned).collect();
            let weights: Vec<usize> = words
                .iter()
                .map(|word| word.chars().filter(|c| c.is_alphanumeric()).count())
                .collect();
            words_over_span(&words, &weights, segment.start, segment.end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(start: f64, end: f64, text: &str) -> Segment {
        Segment {
            start,
            end,
            text: text.into(),
        }
    }

    #[test]
    fn segments_never_overlap_or_leave_the_audio_and_empty_ones_go() {
        let fitted = fitted(
            &[
                segment(0.0, 2.0, " Hello there."),
                segment(1.5, 3.0, " Overlapping start."),
                segment(3.0, 3.0, " "),
                segment(3.2, 9.0, " Runs past the end."),
                segment(5.0, 6.0, " Heard in the padding."),
            ],
            4.0,
        );
        assert_eq!(
            fitted,
            [
                segment(0.0, 2.0, "Hello there."),
                segment(2.0, 3.0, "Overlapping start."),
                segment(3.2, 4.0, "Runs past the end."),
            ]
        );
    }

    #[test]
    fn words_share_their_segment_by_letters_and_keep_their_punctuation() {
        let words = timed_words(&[segment(1.0, 2.0, "Hi, tacos!"), segment(2.5, 2.9, "Yes")]);
        let spans: Vec<(&str, f64, f64)> = words
            .iter()
            .map(|w| (w.word.as_str(), w.start, w.end))
            .collect();
        assert_eq!(
            spans,
            [
                ("Hi,", 1.0, 1.286),
                ("tacos!", 1.286, 2.0),
                ("Yes", 2.5, 2.9)
            ]
        );
    }
}
