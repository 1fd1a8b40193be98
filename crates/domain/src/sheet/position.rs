//! Positions: rows, columns and layers are ordered by a dense 1-based `position` (for layers
//! it is the z-order, 1 at the back). These functions decide where things go; the database
//! applies the result under a lock on the parent, so positions stay dense under concurrency.

use std::collections::HashSet;
use std::hash::Hash;

use crate::FieldError;

/// The 1-based position a new item takes among `len` items: the one requested, kept within
/// 1..=len+1, or the end.
pub fn insertion_point(len: usize, requested: Option<i64>) -> i64 {
    let end = i64::try_from(len).unwrap_or(i64::MAX - 1) + 1;
    requested.map_or(end, |p| p.clamp(1, end))
}

/// The order after moving some items to requested 1-based positions. Moved items take their
/// positions (kept within range; ties keep the current order); the others keep their relative
/// order in the slots that remain.
pub fn reorder<T: Copy + Eq + Hash + std::fmt::Display>(
    current: &[T],
    moves: &[(T, i64)],
) -> Result<Vec<T>, FieldError> {
    let mut moved = HashSet::new();
    for (i, (id, _)) in moves.iter().enumerate() {
        if !current.contains(id) {
            return Err(FieldError::new(
                format!("[{i}].id"),
                format!("{id} is not in this list"),
            ));
        }
        if !moved.insert(*id) {
            return Err(FieldError::new(
                format!("[{i}].id"),
                format!("{id} is listed twice"),
            ));
        }
    }
    let len = current.len();
    let mut sorted: Vec<(i64, usize, T)> = moves
        .iter()
        .map(|(id, position)| {
            let index = current.iter().position(|c| c == id).unwrap_or(len);
            (*position, index, *id)
        })
        .collect();
    sorted.sort_by_key(|(position, index, _)| (*position, *index));
    let mut slots: Vec<Option<T>> = vec![None; len];
    for (position, _, id) in sorted {
        let wanted = usize::try_from(position.clamp(1, i64::try_from(len).unwrap_or(i64::MAX)) - 1)
            .unwrap_or(0);
        let slot = (wanted..len)
            .chain((0..wanted).rev())
            .find(|s| slots[*s].is_none())
            .unwrap_or(wanted);
        slots[slot] = Some(id);
    }
    let mut rest = current.iter().filter(|id| !moved.contains(*id));
    Ok(slots
        .into_iter()
        .map(|slot| slot.or_else(|| rest.next().copied()))
        .collect::<Option<Vec<T>>>()
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_items_go_where_asked_within_range_or_at_the_end() {
        assert_eq!(insertion_point(3, None), 4);
        assert_eq!(insertion_point(3, Some(2)), 2);
        assert_eq!(insertion_point(3, Some(0)), 1);
        assert_eq!(insertion_point(3, Some(99)), 4);
        assert_eq!(insertion_point(0, None), 1);
    }

    #[test]
    fn the_documented_swap_swaps() {
        assert_eq!(
            reorder(&[500, 501], &[(500, 2), (501, 1)]).unwrap(),
            vec![501, 500]
        );
    }

    #[test]
    fn one_move_shifts_the_others_and_keeps_their_order() {
        assert_eq!(reorder(&[1, 2, 3, 4], &[(4, 1)]).unwrap(), vec![4, 1, 2, 3]);
        assert_eq!(reorder(&[1, 2, 3, 4], &[(1, 3)]).unwrap(), vec![2, 3, 1, 4]);
        assert_eq!(reorder(&[1, 2, 3], &[(2, 99)]).unwrap(), vec![1, 3, 2]);
    }

    #[test]
    fn zero_based_positions_from_clients_still_give_a_dense_order() {
        assert_eq!(reorder(&[1, 2], &[(1, 1), (2, 0)]).unwrap(), vec![2, 1]);
    }

    #[test]
    fn colliding_positions_keep_the_current_order() {
        assert_eq!(
            reorder(&[1, 2, 3], &[(3, 1), (2, 1)]).unwrap(),
            vec![2, 3, 1]
        );
    }

    #[test]
    fn unknown_or_repeated_ids_are_refused() {
        assert_eq!(reorder(&[1, 2], &[(9, 1)]).unwrap_err().field, "[0].id");
        assert_eq!(
            reorder(&[1, 2], &[(1, 1), (1, 2)]).unwrap_err().field,
            "[1].id"
        );
    }
}
