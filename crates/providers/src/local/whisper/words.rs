//! Timed words from timed segments. When the segment's tokens were aligned to the audio, each
//! word spans its tokens (a token starting with a space starts a word; the rest of a word and
//! its punctuation join it), with OpenAI's corrections of words that swallow a pause: a
//! segment's first word is kept near the segment's start and within twice the median word
//! length after a pause, its last word near the segment's end. Otherwise the segment's span is
//! shared among its words by their letter counts. Finally every word is put in order inside
//! the audio: none starts before the previous one ended or ends after the audio does. Pure.

use crate::words::{TimedWord, words_over_span};

/// Languages written without spaces between words: each piece of text is a word.
const UNSPACED: &[&str] = &["zh", "ja", "th", "lo", "my", "yue"];
/// The longest a typical word is taken to be, in seconds (OpenAI's cap on the median).
const LONGEST_MEDIAN: f64 = 0.7;

/// A segment's text and span in seconds, and its words when they were aligned.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    /// Aligned words; empty when the segment could not be aligned.
    pub words: Vec<TimedWord>,
}

/// Whether `language` (a code such as `en`) puts spaces between words.
pub fn writes_spaces(language: Option<&str>) -> bool {
    !language.is_some_and(|code| UNSPACED.contains(&code))
}

/// The words of a segment's aligned text. `pieces` are its tokens' texts (a few tokens may
/// share one piece when only together they make whole characters), with the spaces the
/// tokenizer gives them; `times` has one more entry than `pieces`: each piece's start, then
/// the end of the last.
pub fn words_of_pieces(pieces: &[String], times: &[f64], spaced: bool) -> Vec<TimedWord> {
    let mut words: Vec<(String, f64, f64)> = Vec::new();
    for (index, piece) in pieces.iter().enumerate() {
        let (start, end) = (times[index], times[index + 1]);
        let starts_word = !spaced || piece.starts_with(char::is_whitespace);
        match words.last_mut() {
            Some(word) if !starts_word => {
                word.0.push_str(piece);
                word.2 = end;
            }
            _ => words.push((piece.clone(), start, end)),
        }
    }
    words
        .into_iter()
        .filter(|(word, _, _)| !word.trim().is_empty())
        .map(|(word, start, end)| TimedWord::new(word.trim(), start, end))
        .collect()
}

/// `segments` fitted to `seconds` of audio: none starts before the previous one ended or
/// after the audio ended (heard in the silence padding the last window), none ends after the
/// audio; empty ones are dropped.
pub fn fitted(segments: Vec<Segment>, seconds: f64) -> Vec<Segment> {
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
            words: segment.words,
        });
    }
    fitted
}

/// The words of fitted `segments`, in order inside `seconds` of audio.
pub fn timed_words(segments: &[Segment], seconds: f64) -> Vec<TimedWord> {
    let median = median_word(segments);
    let mut last_speech_end = 0.0;
    let mut words = Vec::new();
    for segment in segments {
        if segment.words.is_empty() {
            words.extend(shared_by_letters(segment));
            continue;
        }
        let corrected = corrected(segment, median, last_speech_end);
        last_speech_end = corrected.last().map_or(last_speech_end, |w| w.end);
        words.extend(corrected);
    }
    in_order(words, seconds)
}

/// The median length of the aligned words, at most [`LONGEST_MEDIAN`].
fn median_word(segments: &[Segment]) -> f64 {
    let mut lengths: Vec<f64> = segments
        .iter()
        .flat_map(|s| &s.words)
        .map(|w| w.end - w.start)
        .filter(|length| *length > 0.0)
        .collect();
    if lengths.is_empty() {
        return 0.0;
    }
    lengths.sort_by(f64::total_cmp);
    let middle = lengths.len() / 2;
    let median = if lengths.len().is_multiple_of(2) {
        (lengths[middle - 1] + lengths[middle]) / 2.0
    } else {
        lengths[middle]
    };
    median.min(LONGEST_MEDIAN)
}

/// A segment's aligned words with OpenAI's corrections at its ends.
fn corrected(segment: &Segment, median: f64, last_speech_end: f64) -> Vec<TimedWord> {
    let mut words = segment.words.clone();
    let longest = median * 2.0;
    let length = |w: &TimedWord| w.end - w.start;
    if let Some(first) = words.first_mut() {
        // After a pause the first word tends to swallow it.
        if first.end - last_speech_end > median * 4.0 && length(first) > longest {
            *first = TimedWord::new(&first.word, (first.end - longest).max(0.0), first.end);
        }
        // Prefer the segment's start when the first word starts well before it.
        if segment.start < first.end && segment.start - 0.5 > first.start {
            let start = (first.end - median).min(segment.start).max(0.0);
            *first = TimedWord::new(&first.word, start, first.end);
        }
    }
    if let Some(last) = words.last_mut() {
        // Prefer the segment's end when the last word runs well past it.
        if segment.end > last.start && segment.end + 0.5 < last.end {
            let end = (last.start + median).max(segment.end);
            *last = TimedWord::new(&last.word, last.start, end);
        }
    }
    words
}

/// A segment's words over its span, by letter count.
fn shared_by_letters(segment: &Segment) -> Vec<TimedWord> {
    let words: Vec<String> = segment.text.split_whitespace().map(str::to_owned).collect();
    let weights: Vec<usize> = words
        .iter()
        .map(|word| word.chars().filter(|c| c.is_alphanumeric()).count())
        .collect();
    words_over_span(&words, &weights, segment.start, segment.end)
}

/// `words` monotonic, without overlaps, inside `[0, seconds]`.
fn in_order(words: Vec<TimedWord>, seconds: f64) -> Vec<TimedWord> {
    let mut previous_end = 0.0;
    words
        .into_iter()
        .map(|word| {
            let start = word.start.max(previous_end).min(seconds);
            let end = word.end.max(start).min(seconds);
            previous_end = end;
            TimedWord::new(&word.word, start, end)
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
            words: Vec::new(),
        }
    }

    fn spans(words: &[TimedWord]) -> Vec<(&str, f64, f64)> {
        words
            .iter()
            .map(|w| (w.word.as_str(), w.start, w.end))
            .collect()
    }

    fn texts(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn segments_never_overlap_or_leave_the_audio_and_empty_ones_go() {
        let fitted = fitted(
            vec![
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
    fn unaligned_words_share_their_segment_by_letters_and_keep_their_punctuation() {
        let words = timed_words(
            &[segment(1.0, 2.0, "Hi, tacos!"), segment(2.5, 2.9, "Yes")],
            3.0,
        );
        assert_eq!(
            spans(&words),
            [
                ("Hi,", 1.0, 1.286),
                ("tacos!", 1.286, 2.0),
                ("Yes", 2.5, 2.9)
            ]
        );
    }

    #[test]
    fn aligned_tokens_join_into_words_at_spaces_with_their_punctuation() {
        let pieces = texts(&[" Hel", "lo", ",", " \"wor", "ld\"", "."]);
        let times = [0.0, 0.1, 0.3, 0.32, 0.4, 0.7, 0.72];
        let words = words_of_pieces(&pieces, &times, true);
        assert_eq!(
            spans(&words),
            [("Hello,", 0.0, 0.32), ("\"world\".", 0.32, 0.72)]
        );
        // Without spaces between words, each piece is a word.
        let words = words_of_pieces(&texts(&["你", "好"]), &[0.0, 0.2, 0.5], false);
        assert_eq!(spans(&words), [("你", 0.0, 0.2), ("好", 0.2, 0.5)]);
        assert!(writes_spaces(Some("en")) && writes_spaces(None));
        assert!(!writes_spaces(Some("ja")));
    }

    #[test]
    fn a_first_word_swallowing_a_pause_is_cut_to_the_segment_start() {
        let mut talk = segment(3.0, 4.2, "Well, hello");
        // The alignment put the pause before the segment into its first word.
        talk.words = vec![
            TimedWord::new("Well,", 0.0, 3.3),
            TimedWord::new("hello", 3.3, 3.7),
        ];
        let words = timed_words(&[talk], 5.0);
        // The median word (0.7 s at most) before its end, but not before the segment.
        assert_eq!(spans(&words), [("Well,", 2.6, 3.3), ("hello", 3.3, 3.7)]);
    }

    #[test]
    fn words_are_put_in_order_inside_the_audio() {
        let mut late = segment(0.0, 2.0, "one two three");
        late.words = vec![
            TimedWord::new("one", 0.0, 0.5),
            TimedWord::new("two", 0.4, 0.9),
            TimedWord::new("three", 0.9, 2.5),
        ];
        let words = timed_words(&[late], 1.5);
        assert_eq!(
            spans(&words),
            [("one", 0.0, 0.5), ("two", 0.5, 0.9), ("three", 0.9, 1.5)]
        );
    }
}
