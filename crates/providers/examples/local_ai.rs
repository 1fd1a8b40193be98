//! Drives `bench/local-ai.sh` (a benchmark, not a test): the embedded models on this machine.
//! Text: tokens written per second (after a warm-up load). Speech: the real-time factor of the
//! Piper voice on a script of about 30 s (synthesis time / audio length). Captions: Whisper's
//! real-time factor on that speech (transcription time / audio length; the clip is spoken by a
//! child process, so the peak RSS is Whisper's own). Peak RSS after each.
//!
//!   cargo run -p ace-providers --example local_ai [text|speech|captions]...
//!
//! `RUST_LOG=ace_providers=debug` adds where the time goes (Whisper: spectrogram, encoder and
//! decoder per window).

use std::time::Instant;

use ace_providers::local::LocalModels;
use ace_providers::local::speech::{Delivery, LocalSpeech};
use ace_providers::local::text::{Ask, LocalText};
use ace_providers::local::whisper::{LocalWhisper, MODEL, samples_of};

const SCRIPT: &str = "Street tacos in San Antonio hit different at two in the morning. The line \
    wraps around the block, the grill never stops, and the salsa bites back. Fresh tortillas, \
    smoky pastor, a squeeze of lime, and a crowd that came from every corner of the city. Stay \
    to the end, because the secret is not the meat at all. It is the onions, charred slowly \
    until they turn sweet, and the family who has made them the same way for forty years. Come \
    hungry, bring cash, and tell them the night shift sent you. Order the pastor first, then the \
    barbacoa, and save room for a cold horchata before the sun comes up.";
/// The length of the clip Whisper transcribes, in seconds: one full window.
const CLIP_SECONDS: f64 = 30.0;

/// The process's peak resident set, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let models = LocalModels::new(LocalModels::default_dir());
    let wanted: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, path] = wanted.as_slice()
        && mode == "clip"
    {
        let speech = LocalSpeech::new(models, ace_media::Tools::default());
        let mut spoken = speech
            .speak(SCRIPT, "en", Delivery::default())
            .await
            .expect("the voice speaks");
        assert!(
            spoken.seconds() >= CLIP_SECONDS,
            "the script lasts only {:.1} s",
            spoken.seconds()
        );
        spoken
            .samples
            .truncate((CLIP_SECONDS * f64::from(spoken.sample_rate)) as usize);
        speech
            .encode_mp3(&spoken, std::path::Path::new(path))
            .await
            .expect("the speech is encoded");
        return;
    }
    let runs = |name: &str| wanted.is_empty() || wanted.iter().any(|w| w == name);
    if runs("text") {
        let text = LocalText::new(models.clone());
        let ask = |max_tokens| Ask {
            prompt: "Write a short story about a taco truck that only opens at night.".into(),
            max_tokens,
            temperature: 0.6,
            seed: 42,
        };
        let started = Instant::now();
        text.write(ask(1)).await.expect("the text model runs");
        let load = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let written = text.write(ask(128)).await.expect("the text model runs");
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "text   SmolLM2-135M Q4_1: load+1 token {load:.2} s; {} prompt + {} tokens in {seconds:.2} s = {:.1} tokens/s; peak RSS {:.0} MiB",
            written.prompt_tokens,
            written.tokens,
            written.tokens as f64 / seconds,
            peak_rss_mib()
        );
    }
    if runs("speech") {
        let speech = LocalSpeech::new(models.clone(), ace_media::Tools::default());
        let started = Instant::now();
        let voice = speech.piper().await;
        let load = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let spoken = speech
            .speak(SCRIPT, "en", Delivery::default())
            .await
            .expect("the voice speaks");
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "speech {} ({}): load {load:.2} s; {:.1} s of audio in {seconds:.2} s = RTF {:.3}; {} timed words; peak RSS {:.0} MiB",
            spoken.voice,
            if voice.is_some() {
                "neural"
            } else {
                "fallback"
            },
            spoken.seconds(),
            seconds / spoken.seconds(),
            spoken.words.len(),
            peak_rss_mib()
        );
    }
    if runs("captions") {
        let dir = tempfile::tempdir().expect("a scratch directory");
        let clip = dir.path().join("clip.mp3");
        let status = std::process::Command::new(std::env::current_exe().expect("this program"))
            .arg("clip")
            .arg(&clip)
            .status()
            .expect("the clip is spoken");
        assert!(status.success(), "the clip is spoken");
        let tools = ace_media::Tools::default();
        let samples = samples_of(&tools, &clip.to_string_lossy())
            .await
            .expect("the clip decodes")
            .expect("the clip has sound");
        let threads = models.threads;
        let whisper = LocalWhisper::new(models);
        let started = Instant::now();
        whisper.warm_up().await.expect("Whisper loads");
        let load = started.elapsed().as_secs_f64();
        let started = Instant::now();
        let transcript = whisper
            .transcribe(samples, Some("en"))
            .await
            .expect("Whisper transcribes");
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "captions {MODEL} ({} threads): load {load:.2} s; {:.1} s of audio in {seconds:.2} s = RTF {:.3}; {} words in {} segments; peak RSS {:.0} MiB",
            threads,
            transcript.seconds,
            seconds / transcript.seconds,
            transcript.words.len(),
            transcript.segments.len(),
            peak_rss_mib()
        );
    }
}
