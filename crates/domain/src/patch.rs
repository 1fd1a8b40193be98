//! Merge-patch fields: a field may be absent (leave it), `null` (clear it) or a value (set it).

use serde::{Deserialize, Deserializer};

/// One field of a merge-patch body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// The field was not sent: keep what is stored.
    #[default]
    Absent,
    /// The field was sent as `null`: clear it.
    Clear,
    /// The field was sent with a value: replace what is stored.
    Set(T),
}

impl<T> Patch<T> {
    pub const fn is_present(&self) -> bool {
        !matches!(self, Patch::Absent)
    }

    /// `None` when absent, `Some(None)` when cleared, `Some(Some(v))` when set.
    pub fn into_change(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Clear => Some(None),
            Patch::Set(value) => Some(Some(value)),
        }
    }

    /// Applies a fallible conversion to a set value.
    pub fn try_map<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Patch<U>, E> {
        Ok(match self {
            Patch::Absent => Patch::Absent,
            Patch::Clear => Patch::Clear,
            Patch::Set(value) => Patch::Set(f(value)?),
        })
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(|value| value.map_or(Patch::Clear, Patch::Set))
    }
}
