//! Word times from phoneme times. A voice that reports how long each phoneme lasts gives the
//! span of every phoneme; a clause's words divide its phonemes by how many each has when
//! phonemised alone (espeak joins clitics, "from the" → `fɹʌmðə`, so counting phoneme words
//! would misalign). Pure.

use crate::words::TimedWord;

/// Stress and length marks: they carry no time of their own.
const MARKS: &[char] = &['ˈ', 'ˌ', 'ː', '\u{200d}'];

/// Whether `c` is a sound of its own (not a space, mark or punctuation).
pub fn is_segment(c: char) -> bool {
    !c.is_whitespace() && !MARKS.contains(&c) && !c.is_ascii_punctuation()
}

/// How many sounds a phonemised word has.
pub fn segments(phonemes: &str) -> usize {
    phonemes.chars().filter(|&c| is_segment(c)).count()
}

/// The span of each word of a clause, from the spans (seconds) of the clause's sounds in order
/// and each word's weight (its sound count alone). Every word gets at least one sound while
/// there are sounds to go round.
pub fn words_over_sounds(
    words: &[String],
    weights: &[usize],
    sounds: &[(f64, f64)],
) -> Vec<TimedWord> {
    let Some(&(first_start, _)) = sounds.first() else {
        return Vec::new();
    };
    let count = sounds.len();
    let weight = |index: usize| weights.get(index).copied().unwrap_or(1).max(1);
    let total: usize = (0..words.len()).map(weight).sum::<usize>().max(1);
    let mut spans = Vec::with_capacity(words.len());
    let (mut taken, mut cumulative, mut previous_end) = (0usize, 0usize, first_start);
    for (index, word) in words.iter().enumerate() {
        cumulative += weight(index);
        let later = words.len() - index - 1;
        let ideal = if later == 0 {
            count
        } else {
            (cumulative * count + total / 2) / total
        };
        // At least one sound for this word, and one left for each later word, when possible.
        let fewest = (taken + 1).min(count);
        let most = count.saturating_sub(later).max(fewest);
        let upto = ideal.max(fewest).min(most);
        let (start, end) = if upto > taken {
            (sounds[taken].0, sounds[upto - 1].1)
        } else {
            (previous_end, previous_end)
        };
        spans.push(TimedWord::new(word, start, end));
        previous_end = end;
        taken = upto;
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    fn sounds(count: usize, each: f64) -> Vec<(f64, f64)> {
        (0..count)
            .map(|i| (i as f64 * each, (i + 1) as f64 * each))
            .collect()
    }

    #[test]
    fn sound_counts_ignore_stress_marks_spaces_and_punctuation() {
        assert_eq!(segments("həlˈoʊ, wˈɜːld."), 9);
        assert_eq!(segments("ðˈə"), 2);
    }

    #[test]
    fn words_divide_their_clauses_sounds_by_weight() {
        // "from the local": fɹʌm (4) ðə (2) loʊkəl (6) = 12 sounds of 0.1 s.
        let timed = words_over_sounds(
            &words(&["from", "the", "local"]),
            &[4, 2, 6],
            &sounds(12, 0.1),
        );
        let spans: Vec<_> = timed.iter().map(|w| (w.start, w.end)).collect();
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(spans[0].0, 0.0) && close(spans[0].1, 0.4));
        assert!(close(spans[1].0, 0.4) && close(spans[1].1, 0.6));
        assert!(close(spans[2].0, 0.6) && close(spans[2].1, 1.2));
    }

    #[test]
    fn every_word_gets_a_sound_while_there_are_sounds() {
        let timed = words_over_sounds(&words(&["a", "b", "c"]), &[10, 1, 1], &sounds(3, 1.0));
        let spans: Vec<_> = timed.iter().map(|w| (w.start, w.end)).collect();
        assert_eq!(spans, [(0.0, 1.0), (1.0, 2.0), (2.0, 3.0)]);
    }

    #[test]
    fn times_are_monotonic_even_with_more_words_than_sounds() {
        let timed = words_over_sounds(&words(&["a", "b", "c"]), &[1, 1, 1], &sounds(2, 1.0));
        for pair in timed.windows(2) {
            assert!(pair[0].end <= pair[1].start + 1e-9);
            assert!(pair[1].start <= pair[1].end);
        }
        assert!(words_over_sounds(&words(&["a"]), &[1], &[]).is_empty());
    }
}
