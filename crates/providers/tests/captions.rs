//! The embedded transcription model, for real: speech made by the local voice, encoded to an
//! MP3, decoded by ffmpeg and transcribed by Whisper base (skipped, saying why, when a model
//! is not installed).

use ace_fixtures::plain_words;
use ace_providers::ProviderError;
use ace_providers::local::LocalModels;
use ace_providers::local::speech::{Delivery, LocalSpeech};
use ace_providers::local::whisper::{LocalWhisper, Transcript, samples_of};
use ace_providers::words::TimedWord;

const SCRIPT: &str = "Hello from the local content engine. The market opens at dawn, and there \
    is warm bread for everyone who waits in line.";

fn models() -> LocalModels {
    LocalModels::new(LocalModels::default_dir())
}

/// The script's words the transcript lacks.
fn missing(transcript: &Transcript, script: &str) -> Vec<String> {
    let heard: Vec<String> = transcript
        .words
        .iter()
        .flat_map(|w| plain_words(&w.word))
        .collect();
    plain_words(script)
        .into_iter()
        .filter(|word| !heard.contains(word))
        .collect()
}

fn assert_times_fit(transcript: &Transcript) {
    let mut last_end = 0.0;
    for word in &transcript.words {
        assert!(
            word.start >= last_end && word.end >= word.start && word.end <= transcript.seconds,
            "{word:?} after {last_end} in {} s",
            transcript.seconds
        );
        last_end = word.end;
    }
}

/// Piper's speech of `script` as an MP3 in `dir`, with the word times Piper reports (exact:
/// from its phoneme lengths), or `None` when the voice is not installed.
async fn spoken_mp3(
    script: &str,
    dir: &std::path::Path,
) -> Option<(std::path::PathBuf, Vec<TimedWord>)> {
    let speech = LocalSpeech::new(models(), ace_media::Tools::default());
    speech.piper().await?;
    let spoken = speech
        .speak(script, "en", Delivery::default())
        .await
        .unwrap();
    let mp3 = dir.join("speech.mp3");
    speech.encode_mp3(&spoken, &mp3).await.unwrap();
    Some((mp3, spoken.words))
}

/// How far (seconds) each word heard starts from where the same word was spoken, for the
/// words heard as spoken, matched in order.
fn start_errors(heard: &[TimedWord], spoken: &[TimedWord]) -> Vec<f64> {
    let mut errors = Vec::new();
    let mut next = 0;
    for word in heard {
        let text = plain_words(&word.word);
        if let Some(found) = spoken[next..]
            .iter()
            .position(|s| plain_words(&s.word) == text)
        {
            errors.push((word.start - spoken[next + found].start).abs());
            next += found + 1;
        }
    }
    errors
}

#[tokio::test]
async fn whisper_hears_the_words_piper_spoke_with_word_times_inside_the_audio() {
    let whisper = LocalWhisper::new(models());
    if !whisper.installed() {
        eprintln!("skipped: Whisper base is not installed (run scripts/models)");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let Some((mp3, spoken)) = spoken_mp3(SCRIPT, dir.path()).await else {
        eprintln!("skipped: the Piper voice is not installed (run scripts/models)");
        return;
    };
    let tools = ace_media::Tools::default();
    let samples = samples_of(&tools, &mp3.to_string_lossy())
        .await
        .unwrap()
        .expect("the MP3 has sound");
    let started = std::time::Instant::now();
    let transcript = whisper.transcribe(samples, None).await.unwrap();
    println!("{:.1} s: {transcript:?}", started.elapsed().as_secs_f64());
    assert_eq!(transcript.language.as_deref(), Some("en"));
    let lacking = missing(&transcript, SCRIPT);
    assert!(lacking.len() <= 2, "missing {lacking:?}");
    assert!(transcript.seconds > 5.0 && transcript.seconds < 15.0);
    assert_times_fit(&transcript);
    assert!(!transcript.segments.is_empty());
    // Aligned word times land near Piper's exact ones.
    assert_eq!(transcript.timing, "aligned");
    let errors = start_errors(&transcript.words, &spoken);
    println!("start errors: {errors:.2?}");
    assert!(errors.len() + 2 >= spoken.len(), "{errors:?}");
    let mut sorted = errors.clone();
    sorted.sort_by(f64::total_cmp);
    assert!(sorted[sorted.len() / 2] <= 0.2, "median of {sorted:.2?}");
    let close = errors.iter().filter(|e| **e <= 0.3).count();
    assert!(close * 5 >= errors.len() * 4, "{errors:.2?}");
}

#[tokio::test]
async fn silence_has_no_words_and_an_unknown_language_is_refused() {
    let whisper = LocalWhisper::new(models());
    if !whisper.installed() {
        eprintln!("skipped: Whisper base is not installed (run scripts/models)");
        return;
    }
    let silence = vec![0f32; 16_000 * 3];
    let transcript = whisper.transcribe(silence.clone(), None).await.unwrap();
    assert!(transcript.words.is_empty(), "{transcript:?}");
    assert_eq!(transcript.language, None);
    assert_eq!(transcript.seconds, 3.0);
    let refused = whisper.transcribe(silence, Some("xx")).await.unwrap_err();
    assert!(
        matches!(&refused, ProviderError::Permanent(reason) if reason.contains("'xx'")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn dropping_a_transcription_stops_it_at_its_next_step() {
    let whisper = LocalWhisper::new(models());
    if !whisper.installed() {
        eprintln!("skipped: Whisper base is not installed (run scripts/models)");
        return;
    }
    whisper.warm_up().await.unwrap();
    // Ten minutes of a loud tone: 20 windows, each at least one encoder pass (seconds).
    let tone: Vec<f32> = (0..16_000 * 600)
        .map(|i| (i as f32 * std::f32::consts::TAU * 440.0 / 16_000.0).sin() * 0.3)
        .collect();
    let running = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        whisper.transcribe(tone, None),
    )
    .await;
    assert!(running.is_err(), "ten minutes took under two seconds");
    // The model is free again once the dropped run reaches its next step (at worst the end
    // of one encoder pass), long before the 20 windows would have been heard.
    let started = std::time::Instant::now();
    let quiet = whisper.transcribe(vec![0f32; 16_000], None).await.unwrap();
    let waited = started.elapsed().as_secs_f64();
    println!("waited {waited:.1} s for the stopped run");
    assert!(quiet.words.is_empty());
    assert!(waited < 20.0, "waited {waited:.1} s");
}
