//! Slugs: the URL names of engines, made from their titles.

/// The longest slug made from a title.
const MAX_CHARS: usize = 60;

/// `March Campaign!` → `march-campaign`. ASCII letters and digits are kept, lowercased; any
/// other run becomes one hyphen. A title with nothing usable gives `engine`.
pub fn slugify(title: &str) -> String {
    let mut slug = String::new();
    for c in title.chars() {
        if c.is_ascii_alphanumeric() {
            if slug.len() >= MAX_CHARS {
                break;
            }
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "engine".to_owned()
    } else {
        slug.to_owned()
    }
}

/// The first of `base`, `base-2`, `base-3`, … that `taken` does not hold.
pub fn first_free(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_become_lowercase_hyphenated_slugs() {
        assert_eq!(slugify("March Campaign"), "march-campaign");
        assert_eq!(slugify("  Q1 — TikTok!! "), "q1-tiktok");
        assert_eq!(slugify("日本"), "engine");
        assert!(slugify(&"word ".repeat(40)).len() <= MAX_CHARS);
    }

    #[test]
    fn a_taken_slug_gets_the_next_free_number() {
        let taken = vec!["launch".to_owned(), "launch-2".to_owned()];
        assert_eq!(first_free("launch", &taken), "launch-3");
        assert_eq!(first_free("other", &taken), "other");
    }
}
