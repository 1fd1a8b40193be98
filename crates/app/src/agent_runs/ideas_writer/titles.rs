//! Titles held to their length: the longest a title may be, and how one too long is cut.

/// The longest title, in words as a reader counts them (a lone dash counts).
pub(super) const TITLE_WORDS: usize = 8;

/// A title cut to [`TITLE_WORDS`]: before its subtitle (after a colon or a dash) when that
/// part fits, else at a word, without a dangling dash or stop word.
pub(super) fn shortened_title(title: &str) -> String {
    let words: Vec<&str> = title.split_whitespace().collect();
    if words.len() <= TITLE_WORDS {
        return title.to_owned();
    }
    let at = words[..TITLE_WORDS]
        .iter()
        .rposition(|word| word.ends_with(':') || matches!(*word, "-" | "–" | "—"))
        .filter(|&at| at >= 1)
        .map_or(TITLE_WORDS, |at| {
            if words[at].ends_with(':') { at + 1 } else { at }
        });
    let mut kept = words[..at].to_vec();
    while kept.len() > 1
        && kept.last().is_some_and(|word| {
            matches!(
                word.trim_end_matches([':', ',']).to_lowercase().as_str(),
                "-" | "–"
                    | "—"
                    | "and"
                    | "or"
                    | "the"
                    | "a"
                    | "an"
                    | "of"
                    | "to"
                    | "in"
                    | "on"
                    | "for"
                    | "with"
            )
        })
    {
        kept.pop();
    }
    kept.join(" ").trim_end_matches([':', ',', ';']).to_owned()
}
