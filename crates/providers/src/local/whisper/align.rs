//! When each token was spoken, from where the decoder looked in the audio (OpenAI's
//! `find_alignment`). The window's text is fed again after `<|notimestamps|>`, and the
//! cross-attention of the `alignment_heads` (from the package's `config.json`) is read: per
//! head, each token's weights over the window's audio are normalised, then standardised across
//! tokens and median-filtered over time (7 steps); the heads are averaged, and dynamic time
//! warping finds the monotonic path of tokens through time that attention favours most. A
//! token starts where the path first reaches it. Pure: it takes the weights, not the model.

/// Encoder positions per second (each covers two 10 ms frames).
pub const POSITIONS_PER_SECOND: f64 = 50.0;
/// The width of the median filter, in encoder positions.
const MEDIAN_WIDTH: usize = 7;

/// Cross-attention weights of one head: `rows` tokens over `columns` encoder positions
/// (row-major, each row a softmax over the whole window).
#[derive(Clone, Debug, PartialEq)]
pub struct HeadWeights {
    pub rows: usize,
    pub columns: usize,
    pub weights: Vec<f32>,
}

/// The start (seconds from the window's start) of each of the `rows` tokens, from the
/// weights of the alignment heads over the first `positions` encoder positions (the window's
/// audio; the rest is the silence padding it). `None` without heads or rows.
pub fn token_starts(heads: &[HeadWeights], positions: usize) -> Option<Vec<f64>> {
    let first = heads.first()?;
    let (rows, columns) = (first.rows, positions.min(first.columns));
    if rows == 0 || columns == 0 || heads.iter().any(|h| h.rows != rows) {
        return None;
    }
    let mut average = vec![0f32; rows * columns];
    for head in heads {
        let mut matrix = vec![0f32; rows * columns];
        for row in 0..rows {
            let weights = &head.weights[row * head.columns..row * head.columns + columns];
            let total: f32 = weights.iter().sum::<f32>().max(f32::MIN_POSITIVE);
            for (cell, weight) in matrix[row * columns..(row + 1) * columns]
                .iter_mut()
                .zip(weights)
            {
                *cell = weight / total;
            }
        }
        standardise_columns(&mut matrix, rows, columns);
        let filtered = median_filter_rows(&matrix, rows, columns);
        for (sum, value) in average.iter_mut().zip(filtered) {
            *sum += value / heads.len() as f32;
        }
    }
    let cost: Vec<f32> = average.iter().map(|v| -v).collect();
    let path = warp(&cost, rows, columns);
    let mut starts = vec![None; rows];
    for (row, column) in path {
        starts[row].get_or_insert(column as f64 / POSITIONS_PER_SECOND);
    }
    starts.into_iter().collect()
}

/// Each column shifted and scaled to mean 0 and deviation 1 across the rows.
fn standardise_columns(matrix: &mut [f32], rows: usize, columns: usize) {
    for column in 0..columns {
        let values = (0..rows).map(|row| matrix[row * columns + column]);
        let mean = values.clone().sum::<f32>() / rows as f32;
        let variance = values.map(|v| (v - mean) * (v - mean)).sum::<f32>() / rows as f32;
        let deviation = variance.sqrt().max(1e-10);
        for row in 0..rows {
            let cell = &mut matrix[row * columns + column];
            *cell = (*cell - mean) / deviation;
        }
    }
}

/// Each row through a median filter of [`MEDIAN_WIDTH`], the row reflected at its ends (as
/// numpy's and torch's `reflect`); rows too short to reflect are kept.
fn median_filter_rows(matrix: &[f32], rows: usize, columns: usize) -> Vec<f32> {
    let half = MEDIAN_WIDTH / 2;
    if columns <= half {
        return matrix.to_vec();
    }
    let mut filtered = Vec::with_capacity(matrix.len());
    for row in matrix.chunks_exact(columns).take(rows) {
        let at = |i: isize| {
            let last = columns as isize - 1;
            let reflected = if i < 0 {
                -i
            } else if i > last {
                2 * last - i
            } else {
                i
            };
            row[reflected as usize]
        };
        for column in 0..columns as isize {
            let mut window = [0f32; MEDIAN_WIDTH];
            for (offset, slot) in window.iter_mut().enumerate() {
                *slot = at(column + offset as isize - half as isize);
            }
            filtered.push(median(&mut window));
        }
    }
    filtered
}

/// The middle value (by partial selection sort).
fn median(values: &mut [f32; MEDIAN_WIDTH]) -> f32 {
    let middle = MEDIAN_WIDTH / 2;
    for i in 0..=middle {
        let mut smallest = i;
        for j in i + 1..MEDIAN_WIDTH {
            if values[j] < values[smallest] {
                smallest = j;
            }
        }
        values.swap(i, smallest);
    }
    values[middle]
}

/// Dynamic time warping: the cheapest monotonic path through a `rows × columns` cost matrix
/// from its first cell to its last, stepping down, right or diagonally; as `(row, column)`
/// cells in order. Ties prefer moving in time, as OpenAI's does.
pub fn warp(cost: &[f32], rows: usize, columns: usize) -> Vec<(usize, usize)> {
    let width = columns + 1;
    let mut total = vec![f32::INFINITY; (rows + 1) * width];
    let mut step = vec![0u8; (rows + 1) * width];
    total[0] = 0.0;
    for column in 1..=columns {
        for row in 1..=rows {
            let diagonal = total[(row - 1) * width + column - 1];
            let down = total[(row - 1) * width + column];
            let right = total[row * width + column - 1];
            let (best, move_) = if diagonal < down && diagonal < right {
                (diagonal, 0)
            } else if down < diagonal && down < right {
                (down, 1)
            } else {
                (right, 2)
            };
            total[row * width + column] = cost[(row - 1) * columns + column - 1] + best;
            step[row * width + column] = move_;
        }
    }
    let (mut row, mut column) = (rows, columns);
    let mut path = Vec::with_capacity(rows + columns);
    while row > 0 && column > 0 {
        path.push((row - 1, column - 1));
        match step[row * width + column] {
            0 => {
                row -= 1;
                column -= 1;
            }
            1 => row -= 1,
            _ => column -= 1,
        }
    }
    path.reverse();
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warping_follows_the_cheap_cells_and_visits_every_row_in_order() {
        // Row 0 is cheap in columns 0–1, row 1 in 2–4, row 2 in 5.
        let cheap = [[0, 1], [2, 4], [5, 5]];
        let (rows, columns) = (3, 6);
        let mut cost = vec![1f32; rows * columns];
        for (row, [from, to]) in cheap.iter().enumerate() {
            for column in *from..=*to {
                cost[row * columns + column] = 0.0;
            }
        }
        assert_eq!(
            warp(&cost, rows, columns),
            [(0, 0), (0, 1), (1, 2), (1, 3), (1, 4), (2, 5)]
        );
    }

    #[test]
    fn medians_of_seven_with_reflected_ends() {
        let row = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0, 8.0, 4.0];
        let filtered = median_filter_rows(&row, 1, 8);
        // Column 0 sees 3 9 1 [5] 1 9 3 reflected: median 3.
        assert_eq!(filtered[0], 3.0);
        // Column 3 sees 5 1 9 [3] 7 2 8: median 5.
        assert_eq!(filtered[3], 5.0);
        assert_eq!(filtered.len(), 8);
        assert_eq!(median_filter_rows(&[1.0, 2.0], 1, 2), [1.0, 2.0]);
    }

    /// Heads that attend to `spans` (token → encoder positions), like a clean alignment.
    fn attending(
        spans: &[std::ops::Range<usize>],
        columns: usize,
        heads: usize,
    ) -> Vec<HeadWeights> {
        let mut weights = vec![0.001f32; spans.len() * columns];
        for (row, span) in spans.iter().enumerate() {
            for column in span.clone() {
                weights[row * columns + column] = 1.0;
            }
        }
        vec![
            HeadWeights {
                rows: spans.len(),
                columns,
                weights,
            };
            heads
        ]
    }

    #[test]
    fn tokens_start_where_attention_first_settles_on_them() {
        // Three tokens heard at 0.2 s, 0.6 s and 1.0 s of a 1.5 s window (75 positions);
        // attention past 1.5 s (the silence padding) is ignored.
        let heads = attending(&[10..30, 30..50, 50..70], 1500, 2);
        let starts = token_starts(&heads, 75).unwrap();
        assert_eq!(starts.len(), 3);
        let close = |a: f64, b: f64| (a - b).abs() <= 0.06;
        assert!(close(starts[1], 0.6) && close(starts[2], 1.0), "{starts:?}");
        assert!(starts[0] < starts[1] && starts[1] < starts[2]);
        assert_eq!(token_starts(&[], 75), None);
    }
}
