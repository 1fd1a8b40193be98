//! Blob keys: slash-separated segments of letters, digits, `.`, `_` and `-`. Keys under the
//! staging prefix hold uploads that are not verified yet and are never served.

use object_store::path::Path;

use crate::StorageError;

/// Where unverified uploads wait; never served.
pub const STAGING_PREFIX: &str = "staging/";

/// Whether a key may be served publicly.
pub fn is_public(key: &str) -> bool {
    !key.starts_with(STAGING_PREFIX) && path(key).is_ok()
}

/// Checks a key and turns it into an object-store path.
pub(crate) fn path(key: &str) -> Result<Path, StorageError> {
    let safe_segment = |segment: &str| {
        !segment.is_empty()
            && !segment.chars().all(|c| c == '.')
            && segment
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    };
    if key.len() <= 512 && key.split('/').all(safe_segment) {
        Path::parse(key).map_err(|_| StorageError::InvalidKey(key.to_owned()))
    } else {
        Err(StorageError::InvalidKey(key.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_cannot_escape_the_store() {
        for bad in ["../etc/passwd", "a//b", "a/../b", "/abs", "a/b c", "..", ""] {
            assert!(path(bad).is_err(), "{bad}");
        }
        assert!(path("avatars/12/3f9a.thumb.jpg").is_ok());
    }

    #[test]
    fn staged_uploads_are_never_public() {
        assert!(!is_public("staging/abc.mp4"));
        assert!(is_public("resources/abc.mp4"));
        assert!(!is_public("../x"));
    }
}
