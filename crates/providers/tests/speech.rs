//! The local voice, end to end: real synthesis, real MP3s, checked by their content.

use ace_providers::local::LocalModels;
use ace_providers::local::speech::{Delivery, LocalSpeech};

fn models() -> LocalModels {
    LocalModels::new(LocalModels::default_dir())
}

fn speech() -> LocalSpeech {
    LocalSpeech::new(models(), ace_media::Tools::default())
}

#[tokio::test]
async fn piper_speaks_a_script_with_word_times_inside_the_audio() {
    let speech = speech();
    if speech.piper().await.is_none() {
        eprintln!("skipped: the Piper voice is not installed (run scripts/models)");
        return;
    }
    let spoken = speech
        .speak(
            "Street tacos hit different, fresh tortillas and smoky pastor. Try them!",
            "en",
            Delivery::default(),
        )
        .await
        .unwrap();
    println!(
        "{} {:.2}s {:?}",
        spoken.voice,
        spoken.seconds(),
        spoken.words
    );
    assert_eq!(spoken.voice, "piper/en_US-joe-medium");
    assert_eq!(spoken.timing, "synthesis");
    assert_eq!(spoken.words.len(), 11);
    assert!(spoken.seconds() > 2.0 && spoken.seconds() < 10.0);
}
