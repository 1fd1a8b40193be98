//! Credits: exact amounts (held in thousandths, never floats) and the two buckets GEN keeps per
//! organization. Balances are derived from the ledger; this module only does the arithmetic.

use serde::{Serialize, Serializer};
use std::fmt;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

/// Thousandths in one credit.
const SCALE: i64 = 1000;

/// An amount of credits, exact to a thousandth. May be negative inside ledger arithmetic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Credits(i64);

impl Credits {
    pub const ZERO: Credits = Credits(0);

    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    pub const fn whole(credits: i64) -> Self {
        Self(credits * SCALE)
    }

    /// The amount in thousandths of a credit, as stored in the ledger.
    pub const fn millis(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// The amount as a JSON-friendly float (exact for any realistic balance).
    #[expect(
        clippy::cast_precision_loss,
        reason = "balances are far below 2^53 thousandths"
    )]
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE as f64
    }
}

impl Add for Credits {
    type Output = Credits;
    fn add(self, rhs: Credits) -> Credits {
        Credits(self.0 + rhs.0)
    }
}

impl Sub for Credits {
    type Output = Credits;
    fn sub(self, rhs: Credits) -> Credits {
        Credits(self.0 - rhs.0)
    }
}

impl Neg for Credits {
    type Output = Credits;
    fn neg(self) -> Credits {
        Credits(-self.0)
    }
}

impl fmt::Display for Credits {
    /// Writes `250.0`, `12.5` or `0.125`: always one decimal at least, never trailing zeros
    /// beyond it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let scale = SCALE.unsigned_abs();
        let whole = abs / scale;
        let frac = format!("{:03}", abs % scale);
        let frac = frac.trim_end_matches('0');
        let frac = if frac.is_empty() { "0" } else { frac };
        write!(f, "{sign}{whole}.{frac}")
    }
}

impl Serialize for Credits {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

/// Text that is not a credit amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be a number of credits with at most three decimals")]
pub struct InvalidCredits;

impl FromStr for Credits {
    type Err = InvalidCredits;

    fn from_str(text: &str) -> Result<Self, InvalidCredits> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(frac) || frac.len() > 3 {
            return Err(InvalidCredits);
        }
        let whole: i64 = whole.parse().map_err(|_| InvalidCredits)?;
        let frac_millis: i64 = format!("{frac:0<3}").parse().map_err(|_| InvalidCredits)?;
        let millis = whole
            .checked_mul(SCALE)
            .and_then(|m| m.checked_add(frac_millis))
            .ok_or(InvalidCredits)?;
        Ok(Credits(if negative { -millis } else { millis }))
    }
}

/// GEN keeps two credit buckets per organization. `generic` pays for the API surface; `aura`
/// is for connected-social features and is never spent by the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CreditBucket {
    Generic,
    Aura,
}

impl CreditBucket {
    pub const fn as_str(self) -> &'static str {
        match self {
            CreditBucket::Generic => "generic",
            CreditBucket::Aura => "aura",
        }
    }
}

impl FromStr for CreditBucket {
    type Err = InvalidCredits;

    fn from_str(text: &str) -> Result<Self, InvalidCredits> {
        match text.trim() {
            "generic" => Ok(CreditBucket::Generic),
            "aura" => Ok(CreditBucket::Aura),
            _ => Err(InvalidCredits),
        }
    }
}

/// An organization's balance in both buckets.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CreditBalance {
    pub generic: Credits,
    pub aura: Credits,
}

impl CreditBalance {
    pub fn total(self) -> Credits {
        self.generic + self.aura
    }

    pub fn in_bucket(self, bucket: CreditBucket) -> Credits {
        match bucket {
            CreditBucket::Generic => self.generic,
            CreditBucket::Aura => self.aura,
        }
    }

    /// GEN's "usable credits": something left in the bucket the API spends.
    pub fn is_usable(self) -> bool {
        self.generic.is_positive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_to_the_thousandth() {
        assert_eq!("12.5".parse::<Credits>(), Ok(Credits::from_millis(12_500)));
        assert_eq!("250".parse::<Credits>(), Ok(Credits::whole(250)));
        assert_eq!("0.125".parse::<Credits>(), Ok(Credits::from_millis(125)));
        assert_eq!("-3".parse::<Credits>(), Ok(Credits::whole(-3)));
        assert!("1.2345".parse::<Credits>().is_err());
        assert!("ten".parse::<Credits>().is_err());
        assert!(".5".parse::<Credits>().is_err());
    }

    #[test]
    fn amounts_display_with_at_least_one_decimal() {
        assert_eq!(Credits::whole(250).to_string(), "250.0");
        assert_eq!(Credits::from_millis(12_500).to_string(), "12.5");
        assert_eq!(Credits::from_millis(-125).to_string(), "-0.125");
    }

    #[test]
    fn amounts_serialise_as_json_numbers() {
        assert_eq!(
            serde_json::to_string(&Credits::whole(250)).unwrap(),
            "250.0"
        );
        assert_eq!(
            serde_json::to_string(&Credits::from_millis(2500)).unwrap(),
            "2.5"
        );
    }

    #[test]
    fn only_the_generic_bucket_makes_credits_usable() {
        let aura_only = CreditBalance {
            generic: Credits::ZERO,
            aura: Credits::whole(5),
        };
        assert!(!aura_only.is_usable());
        assert_eq!(aura_only.total(), Credits::whole(5));
    }
}
