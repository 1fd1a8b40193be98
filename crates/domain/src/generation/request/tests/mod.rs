//! Unit tests of card validation: the shared rules and the text, image and video cards.
use super::*;
use serde_json::json;

fn check(kind: GenerationType, data: Value) -> Result<CardRequest, FieldError> {
    match data {
        Value::Object(map) => validate(kind, &map),
        other => panic!("test data must be an object, got {other}"),
    }
}

fn accepted(kind: GenerationType, data: Value) -> CardRequest {
    check(kind, data).unwrap()
}

/// The field and message of the error a card is refused with.
fn refused(kind: GenerationType, data: Value) -> (String, String) {
    let error = check(kind, data).unwrap_err();
    (error.field, error.message)
}

fn refused_field(kind: GenerationType, data: Value) -> String {
    refused(kind, data).0
}

use GenerationType::{
    Captions, ImageFromText, Lipsync, Media, SpeechFromText, Text, VideoFromImage,
    VideoFromIngredients, VideoFromText,
};

// ---- shared rules ----

/// The least `data` each type accepts.
fn minimal(kind: GenerationType) -> Value {
    match kind {
        Text | ImageFromText | VideoFromText => json!({"prompt": "p"}),
        VideoFromImage => json!({"image_resource_id": 1}),
        VideoFromIngredients => json!({"prompt": "p", "asset_resource_ids": [1]}),
        SpeechFromText => json!({"script": "s", "voice_id": "v"}),
        Lipsync => json!({"model": "gen", "video_resource_id": 1, "audio_resource_id": 2}),
        Captions => json!({"source_resource_id": 1}),
        Media => json!({"content_resource_id": 1}),
    }
}

#[test]
fn every_type_accepts_its_minimal_data_and_defaults_to_its_first_model() {
    for kind in GenerationType::ALL {
        let request = accepted(kind, minimal(kind));
        assert_eq!(request.kind, kind);
        let expected = match kind {
            Lipsync => Some("gen"),
            _ => models(kind).first().copied(),
        };
        assert_eq!(request.model.as_deref(), expected, "{kind}");
    }
}

#[test]
fn every_type_refuses_an_empty_data_object() {
    for kind in GenerationType::ALL {
        let field = refused_field(kind, json!({}));
        assert!(field.starts_with("data."), "{kind}: {field}");
    }
}

#[test]
fn the_default_duration_is_allowed_for_every_video_model() {
    for kind in [VideoFromText, VideoFromImage, VideoFromIngredients] {
        for model in models(kind) {
            assert!(
                allowed_durations(model).contains(&DEFAULT_DURATION_SECONDS),
                "{model}"
            );
            assert!(allowed_durations(model).contains(&10), "{model}");
        }
    }
}

#[test]
fn the_duration_table_follows_the_documented_choice() {
    assert_eq!(allowed_durations("kling_1_6"), &[5, 10]);
    assert_eq!(allowed_durations("seedance_pro"), &[5, 10]);
    assert_eq!(allowed_durations("pika"), &[5, 10]);
    assert_eq!(allowed_durations("sora_2"), &[4, 5, 8, 10, 12]);
    assert_eq!(allowed_durations("veo_3_fast"), &[4, 5, 6, 7, 8, 9, 10]);
    assert!(allowed_durations("gpt_4o").is_empty());
}

#[test]
fn unknown_extra_fields_are_allowed() {
    let request = accepted(
        Text,
        json!({"prompt": "hi {{x}}", "variables": {"x": 1}, "autoGenerate": true, "foo_var": "a"}),
    );
    assert_eq!(request.text_fields, vec!["prompt"]);
}

#[test]
fn null_counts_as_absent() {
    let (field, message) = refused(Text, json!({"prompt": null}));
    assert_eq!(
        (field.as_str(), message.as_str()),
        ("data.prompt", "is required")
    );
    let request = accepted(Text, json!({"prompt": "hi", "model": null}));
    assert_eq!(request.model.as_deref(), Some("gemini_2_0_flash"));
}

#[test]
fn resource_ids_may_be_numbers_or_numeric_strings() {
    let request = accepted(Media, json!({"content_resource_id": "4821"}));
    assert_eq!(request.resources[0].id, 4821);
    let request = accepted(Media, json!({"content_resource_id": 4821}));
    assert_eq!(request.resources[0].id, 4821);
    assert_eq!(request.resources[0].field, "data.content_resource_id");
}

#[test]
fn zero_negative_and_non_numeric_resource_ids_are_refused() {
    for bad in [
        json!(0),
        json!(-3),
        json!("-3"),
        json!("0"),
        json!("res_abc123"),
        json!(""),
        json!(4.5),
        json!(true),
        json!([1]),
    ] {
        let (field, message) = refused(Media, json!({"content_resource_id": bad}));
        assert_eq!(field, "data.content_resource_id");
        assert_eq!(message, "must be a content resource id");
    }
}

// ---- text ----

#[test]
fn a_text_card_needs_a_prompt() {
    let (field, message) = refused(Text, json!({"model": "gpt_4o"}));
    assert_eq!(field, "data.prompt");
    assert_eq!(message, "is required");
    assert_eq!(
        refused(Text, json!({"prompt": "  "})).1,
        "must not be empty"
    );
    assert_eq!(refused(Text, json!({"prompt": 42})).1, "must be a string");
}

#[test]
fn a_text_prompt_may_come_from_a_variable() {
    let request = accepted(Text, json!({"prompt_var": "topic_column"}));
    assert!(request.text_fields.is_empty());
    assert_eq!(
        refused_field(Text, json!({"prompt_var": ""})),
        "data.prompt"
    );
}

#[test]
fn a_text_card_reads_its_model_and_length() {
    let request = accepted(
        Text,
        json!({"prompt": "Write about {{product_name}}", "model": "gemini_2_5_pro",
               "temperature": 0.3, "max_length": 500}),
    );
    assert_eq!(request.kind, Text);
    assert_eq!(request.model.as_deref(), Some("gemini_2_5_pro"));
    assert_eq!(request.max_tokens, Some(500));
    assert_eq!(request.text_fields, vec!["prompt"]);
    assert_eq!(request.images, 1);
}

#[test]
fn the_ai_text_aliases_are_recorded_canonically() {
    let gemini = accepted(Text, json!({"prompt": "hi", "model": "gemini"}));
    assert_eq!(gemini.model.as_deref(), Some("gemini_2_0_flash"));
    let openai = accepted(Text, json!({"prompt": "hi", "model": "openai"}));
    assert_eq!(openai.model.as_deref(), Some("gpt_4o_mini"));
}

#[test]
fn a_text_card_refuses_unknown_models_and_out_of_range_settings() {
    let (field, message) = refused(Text, json!({"prompt": "hi", "model": "gpt_5"}));
    assert_eq!(field, "data.model");
    assert_eq!(
        message,
        "must be one of gemini_2_0_flash, gemini_2_5_pro, gpt_4o, gpt_4o_mini, o3_mini, \
         o4_mini, claude_sonnet_4"
    );
    assert_eq!(
        refused(Text, json!({"prompt": "hi", "model": 3})).1,
        "must be a string"
    );
    assert_eq!(
        refused(Text, json!({"prompt": "hi", "temperature": 1.5})),
        (
            "data.temperature".to_owned(),
            "must be between 0 and 1".to_owned()
        )
    );
    assert_eq!(
        refused(Text, json!({"prompt": "hi", "temperature": "hot"})).1,
        "must be a number"
    );
    assert_eq!(
        refused_field(Text, json!({"prompt": "hi", "max_length": 0})),
        "data.max_length"
    );
    assert_eq!(
        refused(Text, json!({"prompt": "hi", "max_length": 9000})).1,
        "must be between 1 and 8192"
    );
    assert_eq!(
        refused(Text, json!({"prompt": "hi", "max_length": 12.5})).1,
        "must be an integer"
    );
    assert_eq!(
        accepted(Text, json!({"prompt": "hi", "max_length": 800.0})).max_tokens,
        Some(800)
    );
}

// ---- image_from_text ----

#[test]
fn an_image_card_reads_model_ratio_count_and_references() {
    let request = accepted(
        ImageFromText,
        json!({"prompt": "a neon stall", "model": "gemini_pro_image", "aspect_ratio": "16:9",
               "number_of_images": 2, "content_resource_ids": [11, "12"]}),
    );
    assert_eq!(request.model.as_deref(), Some("gemini_pro_image"));
    assert_eq!(request.aspect_ratio.as_deref(), Some("16:9"));
    assert_eq!(request.images, 2);
    assert_eq!(request.duration_seconds, None);
    assert_eq!(
        request.resources,
        vec![
            ResourceRef {
                field: "data.content_resource_ids[0]".into(),
                id: 11,
                kinds: &[MediaKind::Image]
            },
            ResourceRef {
                field: "data.content_resource_ids[1]".into(),
                id: 12,
                kinds: &[MediaKind::Image]
            },
        ]
    );
}

#[test]
fn an_image_card_defaults_to_gemini_image_and_one_image() {
    let request = accepted(ImageFromText, json!({"prompt_var": "p"}));
    assert_eq!(request.model.as_deref(), Some("gemini_image"));
    assert_eq!(request.images, 1);
    assert_eq!(request.aspect_ratio, None);
}

#[test]
fn an_image_card_accepts_the_cell_config_ratio_key() {
    let request = accepted(ImageFromText, json!({"prompt": "x", "ratio": "4:3"}));
    assert_eq!(request.aspect_ratio.as_deref(), Some("4:3"));
    let request = accepted(
        ImageFromText,
        json!({"prompt": "x", "aspect_ratio": "1:1", "ratio": "nonsense"}),
    );
    assert_eq!(request.aspect_ratio.as_deref(), Some("1:1"));
    assert_eq!(
        refused_field(ImageFromText, json!({"prompt": "x", "ratio": "2:1"})),
        "data.ratio"
    );
}

#[test]
fn an_image_card_refuses_bad_input() {
    assert_eq!(refused_field(ImageFromText, json!({})), "data.prompt");
    assert_eq!(
        refused_field(ImageFromText, json!({"prompt": "x", "model": "dalle"})),
        "data.model"
    );
    assert_eq!(
        refused(
            ImageFromText,
            json!({"prompt": "x", "aspect_ratio": "21:9"})
        ),
        (
            "data.aspect_ratio".to_owned(),
            "must be one of 1:1, 9:16, 16:9, 4:3, 3:4".to_owned()
        )
    );
    assert_eq!(
        refused_field(ImageFromText, json!({"prompt": "x", "number_of_images": 5})),
        "data.number_of_images"
    );
    assert_eq!(
        refused(
            ImageFromText,
            json!({"prompt": "x", "content_resource_ids": 7})
        ),
        (
            "data.content_resource_ids".to_owned(),
            "must be an array".to_owned()
        )
    );
    assert_eq!(
        refused_field(
            ImageFromText,
            json!({"prompt": "x", "content_resource_ids": [7, "seven"]})
        ),
        "data.content_resource_ids[1]"
    );
}

// ---- video_from_text ----

#[test]
fn a_video_card_reads_the_docs_example() {
    let request = accepted(
        VideoFromText,
        json!({"prompt": "San Antonio taco truck", "model": "veo_3", "aspect_ratio": "9:16",
               "duration": 10, "negative_prompt": "no text overlays"}),
    );
    assert_eq!(request.model.as_deref(), Some("veo_3"));
    assert_eq!(request.aspect_ratio.as_deref(), Some("9:16"));
    assert_eq!(request.duration_seconds, Some(10));
    assert_eq!(request.text_fields, vec!["prompt", "negative_prompt"]);
}

#[test]
fn a_video_card_defaults_to_veo_3_for_five_seconds() {
    let request = accepted(VideoFromText, json!({"prompt": "beach"}));
    assert_eq!(request.model.as_deref(), Some("veo_3"));
    assert_eq!(request.duration_seconds, Some(5));
}

#[test]
fn a_duration_must_suit_the_model() {
    let (field, message) = refused(
        VideoFromText,
        json!({"prompt": "x", "model": "kling_1_6", "duration": 8}),
    );
    assert_eq!(field, "data.duration");
    assert_eq!(message, "must be 5 or 10 for kling_1_6");
    assert_eq!(
        refused(
            VideoFromText,
            json!({"prompt": "x", "model": "sora_2", "duration": 6})
        )
        .1,
        "must be 4, 5, 8, 10 or 12 for sora_2"
    );
    let sora = accepted(
        VideoFromText,
        json!({"prompt": "x", "model": "sora_2", "duration": 12}),
    );
    assert_eq!(sora.duration_seconds, Some(12));
    let veo = accepted(
        VideoFromText,
        json!({"prompt": "x", "model": "veo_3_fast", "duration": 7}),
    );
    assert_eq!(veo.duration_seconds, Some(7));
    assert_eq!(
        refused(VideoFromText, json!({"prompt": "x", "duration": "5"})).1,
        "must be an integer"
    );
    assert_eq!(
        refused(VideoFromText, json!({"prompt": "x", "duration": -5})),
        (
            "data.duration".to_owned(),
            "must be 4, 5, 6, 7, 8, 9 or 10 for veo_3".to_owned()
        )
    );
    assert_eq!(
        refused(VideoFromText, json!({"prompt": "x", "duration": 0})).1,
        "must be 4, 5, 6, 7, 8, 9 or 10 for veo_3"
    );
}

#[test]
fn a_video_card_refuses_bad_input() {
    assert_eq!(refused_field(VideoFromText, json!({})), "data.prompt");
    assert_eq!(
        refused(VideoFromText, json!({"prompt": "x", "model": "pika"})).1,
        "must be one of veo_3, veo_3_fast, veo_3_1, veo_3_1_fast, sora_2, kling_1_6, \
         seedance_pro, seedance_pro_1_5"
    );
    assert_eq!(
        refused_field(VideoFromText, json!({"prompt": "x", "aspect_ratio": "4:3"})),
        "data.aspect_ratio"
    );
    assert_eq!(
        refused_field(
            VideoFromText,
            json!({"prompt": "x", "negative_prompt": ["a"]})
        ),
        "data.negative_prompt"
    );
}

// ---- video_from_image ----

#[test]
fn an_image_to_video_card_reads_both_frames() {
    let request = accepted(
        VideoFromImage,
        json!({"image_resource_id": 4821, "image_tail_resource_id": "4822",
               "prompt": "zoom in slowly", "model": "kling_2_6", "aspect_ratio": "9:16",
               "duration": 5}),
    );
    assert_eq!(request.model.as_deref(), Some("kling_2_6"));
    let ids: Vec<(&str, i64)> = request
        .resources
        .iter()
        .map(|r| (r.field.as_str(), r.id))
        .collect();
    assert_eq!(
        ids,
        vec![
            ("data.image_resource_id", 4821),
            ("data.image_tail_resource_id", 4822)
        ]
    );
    assert!(
        request
            .resources
            .iter()
            .all(|r| r.kinds == [MediaKind::Image])
    );
    assert_eq!(request.text_fields, vec!["prompt"]);
}

#[test]
fn an_image_to_video_card_may_take_its_image_from_a_variable() {
    let request = accepted(VideoFromImage, json!({"image_var": "product_shot"}));
    assert!(request.resources.is_empty());
    assert!(request.text_fields.is_empty());
}

#[test]
fn an_image_to_video_card_refuses_bad_input() {
    assert_eq!(
        refused(VideoFromImage, json!({"prompt": "x"})),
        (
            "data.image_resource_id".to_owned(),
            "is required".to_owned()
        )
    );
    assert_eq!(
        refused_field(
            VideoFromImage,
            json!({"image_resource_id": 1, "image_tail_resource_id": "tail"})
        ),
        "data.image_tail_resource_id"
    );
    assert_eq!(
        refused_field(
            VideoFromImage,
            json!({"image_resource_id": 1, "model": "veo_3_fast"})
        ),
        "data.model"
    );
    assert_eq!(
        refused_field(
            VideoFromImage,
            json!({"image_resource_id": 1, "model": "kling_2_1", "duration": 6})
        ),
        "data.duration"
    );
}

// ---- video_from_ingredients ----

#[test]
fn an_ingredients_card_reads_its_assets() {
    let request = accepted(
        VideoFromIngredients,
        json!({"prompt": "combine these", "model": "pika",
               "asset_resource_ids": [4821, 4822, "4823"], "duration": 5}),
    );
    assert_eq!(request.model.as_deref(), Some("pika"));
    assert_eq!(request.resources.len(), 3);
    assert_eq!(request.resources[2].field, "data.asset_resource_ids[2]");
    assert_eq!(
        request.resources[2].kinds,
        &[MediaKind::Image, MediaKind::Video]
    );
}

#[test]
fn an_ingredients_card_may_take_its_assets_from_variables() {
    let request = accepted(
        VideoFromIngredients,
        json!({"prompt": "x", "content_resource_vars": ["col_a"]}),
    );
    assert!(request.resources.is_empty());
    accepted(
        VideoFromIngredients,
        json!({"prompt": "x", "asset_vars": ["col_a"], "asset_resource_ids": []}),
    );
}

#[test]
fn an_ingredients_card_refuses_missing_empty_or_too_many_assets() {
    assert_eq!(
        refused(VideoFromIngredients, json!({"prompt": "x"})),
        (
            "data.asset_resource_ids".to_owned(),
            "is required".to_owned()
        )
    );
    assert_eq!(
        refused(
            VideoFromIngredients,
            json!({"prompt": "x", "asset_resource_ids": []})
        )
        .1,
        "must hold at least one content resource id"
    );
    assert_eq!(
        refused(
            VideoFromIngredients,
            json!({"prompt": "x", "asset_resource_ids": [1, 2, 3, 4, 5, 6, 7, 8, 9]})
        ),
        (
            "data.asset_resource_ids".to_owned(),
            "must hold at most 8 content resource ids".to_owned()
        )
    );
    assert_eq!(
        refused_field(
            VideoFromIngredients,
            json!({"prompt": "x", "asset_resource_ids": [1, -2]})
        ),
        "data.asset_resource_ids[1]"
    );
    assert_eq!(
        refused_field(VideoFromIngredients, json!({"asset_resource_ids": [1]})),
        "data.prompt"
    );
    assert_eq!(
        refused_field(
            VideoFromIngredients,
            json!({"prompt": "x", "asset_resource_ids": [1], "model": "veo_3"})
        ),
        "data.model"
    );
}

// ---- speech_from_text ----

mod sound;
