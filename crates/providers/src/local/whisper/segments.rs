//! One window's tokens as timed segments, and how far the next window starts, as OpenAI's
//! `transcribe` does it. Consecutive timestamps (`<|2.40|><|2.40|>`) separate segments. When
//! the window ends with a lone timestamp, the speech ran to its end and the next window starts
//! after it; otherwise the last segment may be cut off, so the next window starts where the
//! last complete segment ended. Pure.

/// Timestamps are 20 ms apart; frames are 10 ms.
pub const FRAMES_PER_TIMESTAMP: usize = 2;

/// A segment of one window: its text tokens and its span in timestamp steps from the
/// window's start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    pub start: u32,
    pub end: u32,
    pub text: Vec<u32>,
}

/// The segments of `tokens` (what the decoder wrote, without the end of text) and the frames
/// the window consumed, of the `frames` of audio it held.
pub fn split(tokens: &[u32], timestamp_begin: u32, frames: usize) -> (Vec<Piece>, usize) {
    let is_timestamp = |token: u32| token >= timestamp_begin;
    let step = |token: u32| token - timestamp_begin;
    let text = |slice: &[u32]| -> Vec<u32> {
        slice
            .iter()
            .copied()
            .filter(|&t| !is_timestamp(t))
            .collect()
    };
    let single_ending = tokens.len() >= 2
        && !is_timestamp(tokens[tokens.len() - 2])
        && is_timestamp(tokens[tokens.len() - 1]);
    let mut cuts: Vec<usize> = (1..tokens.len())
        .filter(|&i| is_timestamp(tokens[i - 1]) && is_timestamp(tokens[i]))
        .collect();
    let whole_window = (frames / FRAMES_PER_TIMESTAMP) as u32;
    if cuts.is_empty() {
        let timestamps: Vec<u32> = tokens
            .iter()
            .copied()
            .filter(|&t| is_timestamp(t))
            .collect();
        let start = match tokens.first() {
            Some(&first) if is_timestamp(first) => step(first),
            _ => 0,
        };
        let end = match timestamps.last() {
            Some(&last) if step(last) > start => step(last),
            _ => whole_window,
        };
        let words = text(tokens);
        let pieces = if words.is_empty() {
            Vec::new()
        } else {
            vec![Piece {
                start,
                end: end.max(start),
                text: words,
            }]
        };
        return (pieces, frames);
    }
    if single_ending {
        cuts.push(tokens.len());
    }
    let mut pieces = Vec::with_capacity(cuts.len());
    let mut from = 0;
    for &to in &cuts {
        let slice = &tokens[from..to];
        let words = text(slice);
        if !words.is_empty() {
            let first = slice.first().copied().filter(|&t| is_timestamp(t));
            let last = slice.last().copied().filter(|&t| is_timestamp(t));
            let start = first.map_or(0, step);
            pieces.push(Piece {
                start,
                end: last.map_or(whole_window, step).max(start),
                text: words,
            });
        }
        from = to;
    }
    let consumed = if single_ending || pieces.is_empty() {
        frames
    } else {
        let last_end = step(tokens[from - 1]) as usize * FRAMES_PER_TIMESTAMP;
        last_end.clamp(1, frames)
    };
    (pieces, consumed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: u32 = 50364;

    fn piece(start: u32, end: u32, text: &[u32]) -> Piece {
        Piece {
            start,
            end,
            text: text.to_vec(),
        }
    }

    #[test]
    fn consecutive_timestamps_separate_segments_and_a_lone_final_timestamp_ends_the_window() {
        let tokens = [T, 10, 11, T + 50, T + 60, 12, T + 120];
        let (pieces, consumed) = split(&tokens, T, 3000);
        assert_eq!(pieces, [piece(0, 50, &[10, 11]), piece(60, 120, &[12])]);
        assert_eq!(consumed, 3000);
    }

    #[test]
    fn a_window_cut_mid_segment_resumes_where_the_last_whole_segment_ended() {
        // The second segment never closed: the next window starts at 2.00 s (frame 200).
        let tokens = [T, 10, T + 100, T + 100, 11, 12];
        let (pieces, consumed) = split(&tokens, T, 3000);
        assert_eq!(pieces, [piece(0, 100, &[10])]);
        assert_eq!(consumed, 200);
    }

    #[test]
    fn without_segment_breaks_the_text_spans_to_its_last_timestamp_or_the_window() {
        let (pieces, consumed) = split(&[T + 5, 10, 11, T + 80], T, 1200);
        assert_eq!(pieces, [piece(5, 80, &[10, 11])]);
        assert_eq!(consumed, 1200);
        let (pieces, _) = split(&[T + 5, 10, 11], T, 1200);
        assert_eq!(pieces, [piece(5, 600, &[10, 11])]);
    }

    #[test]
    fn a_window_with_no_text_gives_no_segment_and_is_consumed() {
        assert_eq!(split(&[], T, 3000), (Vec::new(), 3000));
        assert_eq!(split(&[T, T + 40], T, 3000), (Vec::new(), 3000));
    }
}
