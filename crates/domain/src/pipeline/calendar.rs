//! A posting calendar: times of day in a time zone, each a slot one post may take. A
//! pipeline's `publish` action posts into the next slot its earlier posts left free.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use super::trigger::first_local;

/// The first slot strictly after `after` that no time in `taken` holds, looking up to a year
/// ahead (400 days). A local time a clock change skips is left out.
pub fn next_free_slot(
    slots: &[NaiveTime],
    timezone: &str,
    after: DateTime<Utc>,
    taken: &[DateTime<Utc>],
) -> Option<DateTime<Utc>> {
    let tz: Tz = timezone.parse().unwrap_or(Tz::UTC);
    first_local(
        tz,
        after,
        |date| slots.iter().map(|slot| date.and_time(*slot)).collect(),
        |at| !taken.contains(at),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn posts_fill_the_next_free_slots_in_order() {
        let slots = [
            NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
        ];
        let now = at("2026-12-07T10:00:00Z");
        let mut taken = Vec::new();
        for expected in [
            "2026-12-07T17:00:00Z",
            "2026-12-08T08:00:00Z",
            "2026-12-08T17:00:00Z",
        ] {
            let slot = next_free_slot(&slots, "Europe/Paris", now, &taken).unwrap();
            assert_eq!(slot, at(expected));
            taken.push(slot);
        }
    }
}
