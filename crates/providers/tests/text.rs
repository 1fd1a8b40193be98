//! The embedded text model, for real (skipped, saying why, when the model is not installed).

use ace_providers::local::LocalModels;
use ace_providers::local::text::{Ask, LocalText};

fn models() -> LocalModels {
    LocalModels::new(LocalModels::default_dir())
}

#[tokio::test]
async fn smollm2_writes_on_topic_within_its_token_budget_and_repeats_itself_for_a_seed() {
    let models = models();
    if !models.smollm2().exists() {
        eprintln!("skipped: SmolLM2 is not installed (run scripts/models)");
        return;
    }
    let text = LocalText::new(models);
    let ask = Ask {
        prompt: "Write one sentence about street tacos.".into(),
        max_tokens: 40,
        temperature: 0.6,
        seed: 7,
    };
    let first = text.write(ask.clone()).await.unwrap();
    println!("{first:?}");
    assert!(first.tokens > 0 && first.tokens <= 40);
    assert!(first.text.to_lowercase().contains("taco"), "{}", first.text);
    let again = text.write(ask).await.unwrap();
    assert_eq!(first, again);
}
