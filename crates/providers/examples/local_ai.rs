//! Drives `bench/local-ai.sh` (a benchmark, not a test): the embedded models on this machine.
//! Text: tokens written per second (after a warm-up load). Speech: the real-time factor of the
//! Piper voice on a script of about 30 s (synthesis time / audio length). Peak RSS after each.
//!
//!   cargo run -p ace-providers --example local_ai [text|speech]...

use std::time::Instant;

use ace_providers::local::LocalModels;
use ace_providers::local::speech::{Delivery, LocalSpeech};
use ace_providers::local::text::{Ask, LocalText};

const SCRIPT: &str = "Street tacos in San Antonio hit different at two in the morning. The line \
    wraps around the block, the grill never stops, and the salsa bites back. Fresh tortillas, \
    smoky pastor, a squeeze of lime, and a crowd that came from every corner of the city. Stay \
    to the end, because the secret is not the meat at all. It is the onions, charred slowly \
    until they turn sweet, and the family who has made them the same way for forty years.";

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
    let models = LocalModels::new(LocalModels::default_dir());
    let wanted: Vec<String> = std::env::args().skip(1).collect();
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
        let speech = LocalSpeech::new(models, ace_media::Tools::default());
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
}
