//! The embedded text models, for real (each skipped, saying why, when it is not installed).

use ace_providers::local::LocalModels;
use ace_providers::local::text::{Ask, Family, LocalText};

fn models() -> LocalModels {
    LocalModels::new(LocalModels::default_dir())
}

/// The model of `family`, or `None` (having said so) when it is not installed.
fn installed(family: Family) -> Option<LocalText> {
    let models = models();
    if !family.path(&models).exists() {
        eprintln!(
            "skipped: {} is not installed (run scripts/models)",
            family.model()
        );
        return None;
    }
    Some(LocalText::of(models, family))
}

#[tokio::test]
async fn each_model_writes_on_topic_within_its_token_budget_and_repeats_itself_for_a_seed() {
    for family in [Family::Qwen, Family::SmolLm2] {
        let Some(text) = installed(family) else {
            continue;
        };
        let ask = Ask {
            prompt: "Write one sentence about street tacos.".into(),
            max_tokens: 40,
            temperature: 0.6,
            seed: 7,
        };
        let first = text.write(ask.clone()).await.unwrap();
        println!("{first:?}");
        assert!(first.tokens > 0 && first.tokens <= 80);
        let lower = first.text.to_lowercase();
        assert!(
            lower.contains("taco") || lower.contains("street"),
            "{}",
            first.text
        );
        assert_eq!(first.model, family.model());
        let again = text.write(ask).await.unwrap();
        assert_eq!(first, again);
    }
}

#[tokio::test]
async fn a_line_asked_for_comes_back_as_one_short_line_without_what_the_card_forbids() {
    for family in [Family::Qwen, Family::SmolLm2] {
        let Some(text) = installed(family) else {
            continue;
        };
        let ask = Ask {
            prompt: "Write the opening on-screen line (at most eight words) of a video about \
                     checking email first thing in the morning, for people who feel swamped at \
                     work. No emojis, hashtags or quotation marks. Return only the line."
                .into(),
            max_tokens: 256,
            temperature: 0.6,
            seed: 11,
        };
        let written = text.write(ask).await.unwrap();
        println!("{} wrote {written:?}", family.model());
        let line = &written.text;
        assert!(!line.is_empty() && !line.contains('\n'), "{line:?}");
        assert!(line.split_whitespace().count() <= 8, "{line:?}");
        assert!(!line.contains(['#', '"', '(']), "{line:?}");
    }
}
