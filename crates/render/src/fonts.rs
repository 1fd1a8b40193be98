//! The font families installed here (fontconfig's list), and the fallback for a family that
//! is not: the render goes on in [`DEFAULT_FAMILY`], visibly, and the substitution is logged.

use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What text falls back to. DejaVu ships with ace's install (Debian's fonts-dejavu-core).
pub const DEFAULT_FAMILY: &str = "DejaVu Sans";

/// Installed font families, matched ignoring case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fonts {
    families: BTreeSet<String>,
}

impl Fonts {
    /// These families (for tests and for callers that know better).
    pub fn of<'a>(families: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            families: families.into_iter().map(str::to_lowercase).collect(),
        }
    }

    /// The families fontconfig knows, read once per process (`fc-list : family`). Without
    /// fontconfig the list is empty and everything falls back.
    pub fn installed() -> &'static Fonts {
        static INSTALLED: OnceLock<Fonts> = OnceLock::new();
        INSTALLED.get_or_init(|| {
            let listed = std::process::Command::new("fc-list")
                .args([":", "family"])
                .output()
                .map(|out| String::from_utf8_lossy(&out.stdout).into_owned())
                .unwrap_or_default();
            // A line may name several families: "DejaVu Sans,DejaVu Sans Condensed".
            Self::of(
                listed
                    .lines()
                    .flat_map(|line| line.split(','))
                    .map(str::trim),
            )
        })
    }

    /// The family to use for `wanted`: itself if installed, else [`DEFAULT_FAMILY`], with
    /// whether it fell back.
    pub fn resolve<'a>(&self, wanted: &'a str) -> (&'a str, bool) {
        if self.families.contains(&wanted.trim().to_lowercase()) {
            (wanted.trim(), false)
        } else {
            (DEFAULT_FAMILY, true)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_families_fall_back_to_dejavu() {
        let fonts = Fonts::of(["DejaVu Sans", "Noto Sans"]);
        assert_eq!(fonts.resolve("noto sans"), ("noto sans", false));
        assert_eq!(fonts.resolve("Comic Neue"), (DEFAULT_FAMILY, true));
    }
}
