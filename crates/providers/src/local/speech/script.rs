//! A script cut the way a voice reads it: sentences (one synthesis each), clauses inside them
//! (one phonemisation each, with the punctuation that shapes the prosody), and the words that
//! captions show. Pure.

/// Ends a sentence.
const SENTENCE_ENDS: &[char] = &['.', '!', '?'];
/// Ends a clause inside a sentence.
const CLAUSE_ENDS: &[char] = &[',', ';', ':'];

/// One sentence of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub clauses: Vec<Clause>,
}

/// One clause: what is phonemised, the punctuation after it, and its words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// The clause's text without its closing punctuation.
    pub text: String,
    /// The punctuation that closed it, if any.
    pub punctuation: Option<char>,
    /// The words as written (punctuation attached), as captions show them.
    pub words: Vec<String>,
}

impl Clause {
    /// The clause's words reduced to what is pronounced, for phonemising one by one.
    pub fn spoken_words(&self) -> impl Iterator<Item = String> + '_ {
        self.words.iter().map(|word| spoken(word))
    }
}

/// A word without the punctuation around it (`"tacos,"` → `tacos`); apostrophes, hyphens and
/// inner points (`3.5`) stay.
pub fn spoken(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

/// Cuts `script` into sentences of clauses. A token made only of punctuation (a dash, say)
/// closes the clause before it and is not a word; a line break ends a sentence.
pub fn sentences(script: &str) -> Vec<Sentence> {
    let mut sentences = Vec::new();
    for line in script.lines() {
        let mut clauses = Vec::new();
        let mut words: Vec<String> = Vec::new();
        for token in line.split_whitespace() {
            if spoken(token).is_empty() {
                close_clause(&mut clauses, &mut words, clause_mark(token));
                continue;
            }
            words.push(token.to_owned());
            let end = token
                .trim_end_matches(['"', '\'', ')', ']', '”', '’'])
                .chars()
                .last();
            match end {
                Some(mark) if SENTENCE_ENDS.contains(&mark) => {
                    close_clause(&mut clauses, &mut words, Some(mark));
                    close_sentence(&mut sentences, &mut clauses);
                }
                Some(mark) if CLAUSE_ENDS.contains(&mark) => {
                    close_clause(&mut clauses, &mut words, Some(mark));
                }
                _ => {}
            }
        }
        close_clause(&mut clauses, &mut words, None);
        close_sentence(&mut sentences, &mut clauses);
    }
    sentences
}

/// What a punctuation-only token means for the clause before it.
fn clause_mark(token: &str) -> Option<char> {
    token
        .chars()
        .find(|c| SENTENCE_ENDS.contains(c) || CLAUSE_ENDS.contains(c))
        .or(Some(','))
}

fn close_clause(clauses: &mut Vec<Clause>, words: &mut Vec<String>, punctuation: Option<char>) {
    if words.is_empty() {
        return;
    }
    let joined = words.join(" ");
    let text = match punctuation {
        Some(_) => joined
            .trim_end_matches(|c: char| !c.is_alphanumeric())
            .to_owned(),
        None => joined,
    };
    clauses.push(Clause {
        text,
        punctuation,
        words: std::mem::take(words),
    });
}

fn close_sentence(sentences: &mut Vec<Sentence>, clauses: &mut Vec<Clause>) {
    if !clauses.is_empty() {
        sentences.push(Sentence {
            clauses: std::mem::take(clauses),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(script: &str) -> Vec<Vec<(String, Option<char>, usize)>> {
        sentences(script)
            .into_iter()
            .map(|s| {
                s.clauses
                    .into_iter()
                    .map(|c| (c.text, c.punctuation, c.words.len()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_and_clauses_at_commas() {
        let cut = shape("Street tacos hit different, crispy in 30 seconds! Try them.");
        assert_eq!(
            cut,
            vec![
                vec![
                    ("Street tacos hit different".into(), Some(','), 4),
                    ("crispy in 30 seconds".into(), Some('!'), 4),
                ],
                vec![("Try them".into(), Some('.'), 2)],
            ]
        );
    }

    #[test]
    fn words_keep_their_punctuation_for_captions_but_are_spoken_without_it() {
        let cut = sentences("\"Hello,\" she said.");
        let words: Vec<_> = cut
            .iter()
            .flat_map(|s| &s.clauses)
            .flat_map(|c| &c.words)
            .collect();
        assert_eq!(words, ["\"Hello,\"", "she", "said."]);
        assert_eq!(spoken("\"Hello,\""), "Hello");
        assert_eq!(spoken("3.5"), "3.5");
        assert_eq!(spoken("don't"), "don't");
    }

    #[test]
    fn a_dash_closes_a_clause_and_is_not_a_word() {
        let cut = shape("Fresh tortillas — smoky pastor");
        assert_eq!(
            cut,
            vec![vec![
                ("Fresh tortillas".into(), Some(','), 2),
                ("smoky pastor".into(), None, 2),
            ]]
        );
    }

    #[test]
    fn a_decimal_point_does_not_end_a_sentence_and_line_breaks_do() {
        assert_eq!(
            shape("It costs 3.5 dollars\nCheap"),
            vec![
                vec![("It costs 3.5 dollars".into(), None, 4)],
                vec![("Cheap".into(), None, 1)],
            ]
        );
    }

    #[test]
    fn an_empty_script_has_no_sentences() {
        assert!(sentences("  \n ... ").is_empty());
    }
}
