//! The embedded text models, for real (each skipped, saying why, when it is not installed).

use ace_providers::Generator;
use ace_providers::local::LocalModels;
use ace_providers::local::text::{Ask, Family, LocalText};
use ace_providers::tool_chat::{ChatMessage, ChatTurn, ToolChat, ToolExample, ToolSpec};
use serde_json::json;

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

fn tools() -> Vec<ToolSpec> {
    let spec =
        |name: &str, description: &str, parameters: serde_json::Value, example: ToolExample| {
            ToolSpec {
                name: name.into(),
                description: description.into(),
                parameters,
                examples: vec![example],
            }
        };
    let example = |asked: &str, arguments: serde_json::Value| ToolExample {
        asked: asked.into(),
        arguments,
    };
    vec![
        spec(
            "propose_ideas",
            "Write new video ideas grounded in the agent's knowledge base.",
            json!({"type": "object", "properties": {"count": {"type": "integer", "minimum": 1, "maximum": 10}}, "required": ["count"], "additionalProperties": false}),
            example(
                "Give me three video ideas about budget travel",
                json!({"count": 3}),
            ),
        ),
        spec(
            "research",
            "Search the research sources on a topic and keep the findings.",
            json!({"type": "object", "properties": {"topic": {"type": "string"}, "depth": {"type": "string", "enum": ["quick", "default", "deep"]}}, "required": ["topic"], "additionalProperties": false}),
            example(
                "Find out what is new in electric bikes",
                json!({"topic": "electric bikes", "depth": "quick"}),
            ),
        ),
        spec(
            "list_preferences",
            "List the saved preferences.",
            json!({"type": "object", "properties": {}, "additionalProperties": false}),
            example("What rules have I given you so far?", json!({})),
        ),
    ]
}

#[tokio::test]
async fn each_model_picks_a_well_formed_call_or_replies_when_it_may_call_tools() {
    let system = ChatMessage::System("You are Ada, who plans short cooking videos.".into());
    for family in [Family::Qwen, Family::SmolLm2] {
        let Some(text) = installed(family) else {
            continue;
        };
        let Some(chat) = text.tool_chat() else {
            assert_eq!(
                family,
                Family::SmolLm2,
                "only the fallback model calls no tools"
            );
            continue;
        };
        let research = [
            system.clone(),
            ChatMessage::User("Find out what's trending with air fryers".into()),
        ];
        let turn = chat.turn(&research, &tools()).await.unwrap();
        println!("{}: {turn:?}", family.model());
        if let ChatTurn::Calls(calls) = &turn {
            assert_eq!(calls.len(), 1);
            let call = &calls[0];
            let spec = tools().into_iter().find(|spec| spec.name == call.name);
            let spec = spec.expect("the call names an offered tool");
            for required in spec.parameters["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap();
                assert!(
                    call.arguments.get(key).is_some(),
                    "{key} is given: {call:?}"
                );
            }
        }
        if family == Family::Qwen {
            let ChatTurn::Calls(calls) = &turn else {
                panic!("Qwen researches: {turn:?}");
            };
            assert_eq!(calls[0].name, "research");
            let topic = calls[0].arguments["topic"].as_str().unwrap().to_lowercase();
            assert!(topic.contains("air fryer"), "{topic}");
        }
        let greeting = [system.clone(), ChatMessage::User("Hi! Who are you?".into())];
        let turn = chat.turn(&greeting, &[]).await.unwrap();
        println!("{}: {turn:?}", family.model());
        let ChatTurn::Answer(reply) = turn else {
            panic!("with no tools on offer, the model replies");
        };
        assert!(!reply.trim().is_empty());
    }
}

#[tokio::test]
async fn qwen_answers_in_json_of_the_schema_asked_for() {
    let schema = json!({
        "type": "object",
        "properties": {"preference": {"type": "string", "enum": ["Never use question hooks.", "Keep videos under 30 seconds."]}},
        "required": ["preference"],
        "additionalProperties": false,
    });
    let Some(text) = installed(Family::Qwen) else {
        return;
    };
    {
        let family = Family::Qwen;
        let answer = ToolChat::answer_json(
            &text,
            "Saved preferences:\n- Never use question hooks.\n- Keep videos under 30 seconds.\nThe user asked to forget: the one about length\nWhich preference do they mean?",
            &schema,
        )
        .await
        .unwrap();
        println!("{}: {answer}", family.model());
        let options = schema["properties"]["preference"]["enum"]
            .as_array()
            .unwrap();
        assert!(options.contains(&answer["preference"]), "{answer}");
    }
}
