//! What a client says about a new voice (its name, gender, language and description),
//! checked with the Voice API's 400 answers.

use super::bad_request;
use crate::AppResult;

/// The longest voice name.
const NAME_MAX: usize = 100;
/// The longest voice description.
const DESCRIPTION_MAX: usize = 1_000;

/// What a client says about a new voice, as sent.
#[derive(Clone, Debug, Default)]
pub struct Details {
    pub name: Option<String>,
    pub gender: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

/// The same, checked: a name, and the rest tidy when given.
#[derive(Clone, Debug)]
pub(crate) struct Checked {
    pub name: String,
    pub gender: Option<String>,
    pub language: Option<String>,
    pub description: Option<String>,
}

impl Details {
    pub(crate) fn checked(self) -> AppResult<Checked> {
        let name = given(self.name).ok_or_else(|| bad_request("name is required"))?;
        if name.chars().count() > NAME_MAX || name.contains(['\n', '\r']) {
            return Err(bad_request(format!(
                "name must be one line of at most {NAME_MAX} characters"
            )));
        }
        let description = given(self.description);
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
        {
            return Err(bad_request(format!(
                "description must be at most {DESCRIPTION_MAX} characters"
            )));
        }
        Ok(Checked {
            name,
            gender: gender(self.gender)?,
            language: language(self.language)?,
            description,
        })
    }
}

/// A text field that counts as given: present and not blank, trimmed.
pub(crate) fn given(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// `male`, `female`, `non-binary` or `neutral`, when given.
pub(crate) fn gender(text: Option<String>) -> AppResult<Option<String>> {
    match given(text) {
        None => Ok(None),
        Some(g) => ace_domain::voice::gender(&g)
            .map(|g| Some(g.to_owned()))
            .ok_or_else(|| {
                bad_request(format!(
                    "gender must be {}",
                    ace_domain::voice::GENDERS.join(", ")
                ))
            }),
    }
}

/// A language code such as `en` or `pt-BR`, when given.
pub(crate) fn language(text: Option<String>) -> AppResult<Option<String>> {
    match given(text) {
        None => Ok(None),
        Some(code) if ace_domain::generation::request::is_language_code(&code) => Ok(Some(code)),
        Some(_) => Err(bad_request(
            "language must be a language code such as en or pt-BR",
        )),
    }
}
