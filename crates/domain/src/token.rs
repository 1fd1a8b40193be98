//! Rules for personal access tokens: their status and how long they live. Generating and
//! hashing the secret is the app's job; this module only decides.

use crate::FieldError;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

/// Every token ace issues starts with this, so secret scanners can recognise a leaked one.
pub const TOKEN_PREFIX: &str = "ace_pat_";

/// The longest lifetime a token may be given: ten years.
pub const MAX_LIFETIME_SECONDS: i64 = 10 * 366 * 24 * 3600;

/// Where a token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

impl TokenStatus {
    /// Revocation outranks expiry: a revoked token reads as revoked forever.
    pub fn of(
        revoked_at: Option<DateTime<Utc>>,
        expires_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Self {
        if revoked_at.is_some() {
            TokenStatus::Revoked
        } else if expires_at.is_some_and(|at| at <= now) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        }
    }
}

/// Reads `expires_in` in any form GEN's clients send: whole seconds as a number (`2592000`,
/// or `2592000.0` from clients that only have floats), digits in a string (`"3600"`), or a
/// duration such as `"30d"`, `"12h"`, `"45m"`, `"2w"` or `"90s"`.
pub fn parse_expires_in(value: &serde_json::Value) -> Result<Duration, FieldError> {
    let field = "expires_in";
    let invalid = || {
        FieldError::new(
            field,
            "must be a number of seconds or a duration such as \"30d\", \"12h\" or \"45m\"",
        )
    };
    let seconds = match value {
        serde_json::Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(s), _) => s,
            #[expect(
                clippy::cast_possible_truncation,
                reason = "checked to be whole and in range"
            )]
            (None, Some(f)) if f.fract() == 0.0 && f.abs() < 1e15 => f as i64,
            _ => return Err(invalid()),
        },
        serde_json::Value::String(text) => parse_duration_text(text).ok_or_else(invalid)?,
        _ => return Err(invalid()),
    };
    if seconds <= 0 {
        return Err(FieldError::new(field, "must be positive"));
    }
    if seconds > MAX_LIFETIME_SECONDS {
        return Err(FieldError::new(field, "must be at most ten years"));
    }
    Ok(Duration::seconds(seconds))
}

fn parse_duration_text(text: &str) -> Option<i64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let amount: i64 = digits.parse().ok()?;
    let unit_seconds = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return None,
    };
    amount.checked_mul(unit_seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn expires_in_accepts_every_form_clients_send() {
        assert_eq!(parse_expires_in(&json!(3600)).unwrap(), Duration::hours(1));
        assert_eq!(
            parse_expires_in(&json!(2_592_000.0)).unwrap(),
            Duration::days(30)
        );
        assert_eq!(
            parse_expires_in(&json!("3600")).unwrap(),
            Duration::hours(1)
        );
        assert_eq!(parse_expires_in(&json!("30d")).unwrap(), Duration::days(30));
        assert_eq!(parse_expires_in(&json!("2w")).unwrap(), Duration::days(14));
        assert_eq!(
            parse_expires_in(&json!("12h")).unwrap(),
            Duration::hours(12)
        );
    }

    #[test]
    fn expires_in_refuses_nonsense_and_non_positive_lifetimes() {
        assert!(parse_expires_in(&json!("soon")).is_err());
        assert!(parse_expires_in(&json!("30y")).is_err());
        assert!(parse_expires_in(&json!(0)).is_err());
        assert!(parse_expires_in(&json!(-5)).is_err());
        assert!(parse_expires_in(&json!(1.5)).is_err());
        assert!(parse_expires_in(&json!(true)).is_err());
        assert!(parse_expires_in(&json!("100000w")).is_err());
    }

    #[test]
    fn revocation_outranks_expiry() {
        let now = Utc::now();
        let past = now - Duration::hours(1);
        assert_eq!(
            TokenStatus::of(Some(past), Some(past), now),
            TokenStatus::Revoked
        );
        assert_eq!(TokenStatus::of(None, Some(past), now), TokenStatus::Expired);
        assert_eq!(TokenStatus::of(None, None, now), TokenStatus::Active);
    }
}
