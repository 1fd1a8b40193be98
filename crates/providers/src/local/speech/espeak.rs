//! The `espeak-ng` command line: phonemes (IPA) for the Piper voice, and plain formant
//! synthesis when no neural voice can speak. Run as a separate process (espeak-ng is GPL;
//! linking it would bind ace's licence). Text goes in on stdin, never as an argument.

use std::path::Path;
use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// The espeak-ng program.
#[derive(Clone, Debug)]
pub struct Espeak {
    program: String,
}

impl Default for Espeak {
    fn default() -> Self {
        Self::new("espeak-ng")
    }
}

/// A voice espeak-ng has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EspeakVoice {
    /// Its language code, as `-v` takes it (`en-us`, `es`, `pt-br`).
    pub language: String,
    /// Its name (`English_(America)`).
    pub name: String,
    /// `male` or `female`, as the table says.
    pub gender: Option<&'static str>,
}

impl Espeak {
    pub fn new(program: &str) -> Self {
        Self {
            program: program.to_owned(),
        }
    }

    /// The IPA of each line of `lines` in `voice`, one output line per input line. espeak-ng
    /// splits a line at punctuation it finds; callers pass lines without clause punctuation.
    pub async fn ipa(&self, voice: &str, lines: &[String]) -> Result<Vec<String>, String> {
        let input = lines.join("\n");
        let output = self.run(&["-q", "--ipa", "-v", voice], &input).await?;
        Ok(String::from_utf8_lossy(&output)
            .lines()
            .map(|line| line.trim().to_owned())
            .filter(|line| !line.is_empty())
            .collect())
    }

    /// Speaks `text` into the WAV file `out` at `words_per_minute`, with `pitch` 0–99 (50 is
    /// the voice's own).
    pub async fn speak(
        &self,
        voice: &str,
        text: &str,
        words_per_minute: u32,
        pitch: u32,
        out: &Path,
    ) -> Result<(), String> {
        let rate = words_per_minute.clamp(80, 450).to_string();
        let pitch = pitch.min(99).to_string();
        let out = out.to_string_lossy();
        self.run(
            &[
                "--stdin", "-v", voice, "-s", &rate, "-p", &pitch, "-w", &out,
            ],
            text,
        )
        .await
        .map(|_| ())
    }

    /// The voices installed.
    pub async fn voices(&self) -> Result<Vec<EspeakVoice>, String> {
        let output = self.run(&["--voices"], "").await?;
        Ok(parse_voices(&String::from_utf8_lossy(&output)))
    }

    async fn run(&self, args: &[&str], stdin: &str) -> Result<Vec<u8>, String> {
        let mut child = Command::new(&self.program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| match err.kind() {
                std::io::ErrorKind::NotFound => {
                    "espeak-ng is not installed (scripts/setup installs it)".to_owned()
                }
                _ => format!("could not run espeak-ng: {err}"),
            })?;
        if let Some(mut input) = child.stdin.take() {
            input
                .write_all(stdin.as_bytes())
                .await
                .map_err(|err| format!("could not write to espeak-ng: {err}"))?;
        }
        let output = child
            .wait_with_output()
            .await
            .map_err(|err| format!("espeak-ng did not finish: {err}"))?;
        if output.status.success() {
            Ok(output.stdout)
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(format!("espeak-ng failed: {}", stderr.trim()))
        }
    }
}

/// Reads the table `espeak-ng --voices` prints: `Pty Language Age/Gender VoiceName File ...`.
fn parse_voices(table: &str) -> Vec<EspeakVoice> {
    table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut columns = line.split_whitespace();
            let _priority = columns.next()?;
            let language = columns.next()?.to_owned();
            let gender = match columns.next()?.rsplit('/').next() {
                Some("M") => Some("male"),
                Some("F") => Some("female"),
                _ => None,
            };
            let name = columns.next()?.to_owned();
            Some(EspeakVoice {
                language,
                name,
                gender,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_voice_table_is_read_by_column() {
        let table = "Pty Language       Age/Gender VoiceName          File                 Other Languages\n \
                     5  af              --/M      Afrikaans          gmw/af\n \
                     2  en-us           --/M      English_(America)  gmw/en-US            (en 3)\n";
        assert_eq!(
            parse_voices(table),
            [
                EspeakVoice {
                    language: "af".into(),
                    name: "Afrikaans".into(),
                    gender: Some("male"),
                },
                EspeakVoice {
                    language: "en-us".into(),
                    name: "English_(America)".into(),
                    gender: Some("male"),
                },
            ]
        );
    }
}
