//! Timed words: what speech synthesis and transcription produce and caption layers read.
//! Times are seconds from the start of the audio, as GEN's `result.captions` has them.

use serde::{Deserialize, Serialize};

/// One word and when it is spoken.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimedWord {
    pub word: String,
    /// Seconds from the start of the audio.
    pub start: f64,
    pub end: f64,
}

impl TimedWord {
    /// A word spoken from `start` to `end` seconds, rounded to the millisecond.
    pub fn new(word: &str, start: f64, end: f64) -> Self {
        let ms = |t: f64| (t * 1000.0).round() / 1000.0;
        Self {
            word: word.to_owned(),
            start: ms(start),
            end: ms(end.max(start)),
        }
    }

    /// Shifted `by` seconds later.
    pub fn shifted(&self, by: f64) -> Self {
        Self::new(&self.word, self.start + by, self.end + by)
    }
}

/// Words spread over `[start, end]` seconds by weight (such as their letter counts), for audio
/// with no finer times.
pub fn words_over_span(
    words: &[String],
    weights: &[usize],
    start: f64,
    end: f64,
) -> Vec<TimedWord> {
    let total: usize = weights.iter().map(|w| (*w).max(1)).sum::<usize>().max(1);
    let length = (end - start).max(0.0);
    let mut at = start;
    words
        .iter()
        .enumerate()
        .map(|(index, word)| {
            let weight = weights.get(index).copied().unwrap_or(1).max(1);
            let next = at + length * weight as f64 / total as f64;
            let timed = TimedWord::new(word, at, next);
            at = next;
            timed
        })
        .collect()
}

/// The most words one caption line shows.
const WORDS_PER_LINE: usize = 4;
/// A pause this long (seconds) starts a new line.
const LINE_GAP: f64 = 0.6;

/// Timed words as a caption layer's `captions`: lines of a few words each
/// (`{text, startMs, endMs, words: [{word, startMs, endMs}]}`), broken at sentence ends and
/// pauses.
pub fn caption_lines(words: &[TimedWord]) -> serde_json::Value {
    let mut lines: Vec<Vec<&TimedWord>> = Vec::new();
    for word in words {
        let start_new = match lines.last() {
            None => true,
            Some(line) => {
                let last = line[line.len() - 1];
                line.len() >= WORDS_PER_LINE
                    || word.start - last.end > LINE_GAP
                    || last.word.ends_with(['.', '!', '?'])
            }
        };
        if start_new {
            lines.push(vec![word]);
        } else if let Some(line) = lines.last_mut() {
            line.push(word);
        }
    }
    let ms = |seconds: f64| (seconds * 1000.0).round() as u64;
    lines
        .into_iter()
        .map(|line| {
            let text: Vec<&str> = line.iter().map(|w| w.word.as_str()).collect();
            serde_json::json!({
                "text": text.join(" "),
                "startMs": ms(line[0].start),
                "endMs": ms(line[line.len() - 1].end),
                "words": line.iter().map(|w| serde_json::json!({
                    "word": w.word, "startMs": ms(w.start), "endMs": ms(w.end)
                })).collect::<Vec<_>>(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_sound_times_words_share_the_span_by_weight() {
        let timed = words_over_span(&["one".to_owned(), "three".to_owned()], &[1, 3], 1.0, 3.0);
        assert_eq!((timed[0].start, timed[0].end), (1.0, 1.5));
        assert_eq!((timed[1].start, timed[1].end), (1.5, 3.0));
    }

    #[test]
    fn lines_break_at_four_words_sentence_ends_and_pauses() {
        let words: Vec<TimedWord> = [
            ("One", 0.0, 0.2),
            ("two", 0.2, 0.4),
            ("three.", 0.4, 0.6),
            ("Four", 0.7, 0.9),
            ("five", 0.9, 1.1),
            ("six", 1.1, 1.3),
            ("seven", 1.3, 1.5),
            ("eight", 1.5, 1.7),
            ("later", 3.0, 3.2),
        ]
        .iter()
        .map(|(w, s, e)| TimedWord::new(w, *s, *e))
        .collect();
        let lines = caption_lines(&words);
        let texts: Vec<&str> = lines
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["text"].as_str().unwrap())
            .collect();
        assert_eq!(
            texts,
            ["One two three.", "Four five six seven", "eight", "later"]
        );
        assert_eq!(lines[1]["startMs"], 700);
        assert_eq!(lines[1]["endMs"], 1500);
        assert_eq!(
            lines[1]["words"][0],
            serde_json::json!({"word": "Four", "startMs": 700, "endMs": 900})
        );
    }
}
