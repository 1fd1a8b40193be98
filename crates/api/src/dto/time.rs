//! GEN's timestamp forms: ISO 8601 with milliseconds and `Z`, and Unix milliseconds (`_ts`).

use chrono::{DateTime, Utc};

/// `2026-03-01T12:00:00.000Z`.
pub fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Like [`iso`], for optional timestamps.
pub fn iso_opt(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds_and_a_z() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T12:00:00.123456+00:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(iso(at), "2026-03-01T12:00:00.123Z");
    }
}
