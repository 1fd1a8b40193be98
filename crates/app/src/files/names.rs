//! File names as clients send them, made safe: the last path component only, no control
//! characters, at most 255 bytes, extension kept.

/// The longest name kept, in bytes.
const MAX_BYTES: usize = 255;

/// A safe version of an uploaded file's name; `None` when nothing usable is left.
pub fn clean_filename(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    if cleaned.is_empty() {
        return None;
    }
    Some(truncate_keeping_extension(cleaned))
}

/// Checks a new name given by rename: refused (rather than silently changed) if it holds a
/// path separator or a control character, or is blank or too long.
pub fn valid_rename(raw: &str) -> Result<String, String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("filename can't be blank".into());
    }
    if name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
        || name == "."
        || name == ".."
    {
        return Err(
            "filename must be a plain name, without path separators or control characters".into(),
        );
    }
    if name.len() > MAX_BYTES {
        return Err(format!("filename is too long (at most {MAX_BYTES} bytes)"));
    }
    Ok(name.to_owned())
}

fn truncate_keeping_extension(name: &str) -> String {
    if name.len() <= MAX_BYTES {
        return name.to_owned();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.len() <= 16 => {
            (stem, format!(".{extension}"))
        }
        _ => (name, String::new()),
    };
    let mut keep = MAX_BYTES - extension.len();
    while !stem.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{extension}", &stem[..keep])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_lose_paths_and_control_characters() {
        assert_eq!(
            clean_filename("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            clean_filename("C:\\Users\\me\\photo.png").as_deref(),
            Some("photo.png")
        );
        assert_eq!(
            clean_filename("bad\u{0}name\n.png").as_deref(),
            Some("badname.png")
        );
        assert_eq!(clean_filename("..").as_deref(), None);
        assert_eq!(clean_filename("   ").as_deref(), None);
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.mp4", "é".repeat(200));
        let cleaned = clean_filename(&long).unwrap();
        assert!(
            cleaned.len() <= 255 && cleaned.ends_with(".mp4"),
            "{cleaned}"
        );
    }

    #[test]
    fn renames_are_refused_rather_than_rewritten() {
        assert_eq!(valid_rename(" hero-v2.png ").unwrap(), "hero-v2.png");
        assert!(valid_rename("a/b.png").is_err());
        assert!(valid_rename("").is_err());
        assert!(valid_rename("..").is_err());
    }
}
