//! Comparing words as a listener would: transcripts and scripts differ in case and
//! punctuation, not in what was said.

/// The lowercase letters and digits of each word of `text`.
pub fn plain_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|w| !w.is_empty())
        .collect()
}
