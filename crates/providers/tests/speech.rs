//! The local voice, end to end: real synthesis, real MP3s, checked by their content.

use ace_providers::local::LocalModels;
use ace_providers::local::speech::analysis;
use ace_providers::local::speech::voices::LocalVoice;
use ace_providers::local::speech::{Delivery, LocalSpeech, REFERENCE_PASSAGE};

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

/// Speaks the passage with `delivery` and measures what comes out of the MP3.
async fn spoken_and_measured(
    speech: &LocalSpeech,
    delivery: Delivery,
    dir: &std::path::Path,
) -> ace_providers::local::speech::analysis::Measured {
    let voice = LocalVoice {
        base: None,
        delivery,
    };
    let spoken = speech
        .speak_as(REFERENCE_PASSAGE, Some("en"), &voice)
        .await
        .unwrap();
    let out = dir.join(format!("{:.1}-{:.2}.mp3", delivery.pitch, delivery.speed));
    speech.encode_mp3(&spoken, &out).await.unwrap();
    let samples = ace_media::Tools::default()
        .mono_pcm(&out.to_string_lossy(), 16_000)
        .await
        .unwrap();
    analysis::measure(&samples, 16_000).expect("the voice is speech")
}

#[tokio::test]
async fn the_voice_tuned_to_a_sample_recovers_its_pitch_and_pace() {
    let speech = speech();
    let dir = tempfile::tempdir().unwrap();
    let target = Delivery {
        pitch: 3.0,
        speed: 1.3,
        ..Delivery::default()
    };
    let sample = spoken_and_measured(&speech, target, dir.path()).await;
    let tuned = speech.tuned_to(&sample, Some("en")).await.unwrap();
    println!("{sample:?} -> {:?}", tuned.delivery);
    assert!(
        (tuned.delivery.pitch - 3.0).abs() < 1.0,
        "pitch {:?}",
        tuned.delivery
    );
    assert!(
        (tuned.delivery.speed - 1.3).abs() < 0.3,
        "speed {:?}",
        tuned.delivery
    );
}

#[tokio::test]
async fn the_catalogue_lists_espeak_voices_and_the_piper_voice_when_installed() {
    let speech = speech();
    let voices = speech.catalogue().await;
    assert!(voices.iter().any(|v| v.voice_id == "espeak-es"));
    if speech.piper().await.is_some() {
        let piper = &voices[0];
        assert_eq!(piper.voice_id, "piper-en_US-joe-medium");
        assert_eq!(piper.name, "Joe (en_US, Piper)");
    }
    let spanish = LocalVoice {
        base: Some("espeak-es".into()),
        ..LocalVoice::default()
    };
    let spoken = speech
        .speak_as("Hola amigos.", None, &spanish)
        .await
        .unwrap();
    assert_eq!(spoken.voice, "espeak-ng/es");
}
