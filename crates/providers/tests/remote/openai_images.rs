//! `image_from_text` through an OpenAI-compatible image API.

use ace_domain::sheet::card::GenerationType;
use ace_fixtures::{ProviderApi, reply_bytes, reply_json};
use base64::Engine as _;
use serde_json::json;

use crate::{routed, work};

fn png(width: u32, height: u32) -> Vec<u8> {
    ace_fixtures::image("png", width, height)
}

#[tokio::test]
async fn inline_images_become_pngs_cropped_to_the_asked_ratio_and_priced_per_image() {
    let api = ProviderApi::start(|_, _| {
        let encoded = base64::engine::general_purpose::STANDARD.encode(png(1792, 1024));
        reply_json(
            200,
            &json!({"created": 1, "data": [{"b64_json": encoded}, {"b64_json": encoded}]}),
        )
    })
    .await;
    let toml = format!(
        r#"
        [providers.openai]
        base_url = "{}/v1"
        api_key = "sk-images"
        image_sizes = {{ "16:9" = "1792x1024" }}
        [providers.openai.prices]
        "dall-e-3" = {{ per_image = 0.04 }}
        [models]
        gemini_image = "openai:dall-e-3"
        "#,
        api.url
    );
    let generator = routed(&toml, GenerationType::ImageFromText, Some("gemini_image"));
    let dir = tempfile::tempdir().unwrap();
    let card =
        json!({"prompt": "Street tacos at sunset", "aspect_ratio": "16:9", "number_of_images": 2});
    let produced = generator
        .generate(&work(
            GenerationType::ImageFromText,
            card,
            vec![],
            dir.path(),
        ))
        .await
        .unwrap();
    assert_eq!(produced.files.len(), 2);
    for file in &produced.files {
        assert_eq!(file.extension().unwrap(), "png");
        let picture = image::open(file).unwrap();
        assert_eq!((picture.width(), picture.height()), (1792, 1008));
    }
    assert_eq!(
        (produced.provider.as_str(), produced.model.as_str()),
        ("openai", "dall-e-3")
    );
    assert!((produced.cost_usd.unwrap() - 0.08).abs() < 1e-12);
    let seen = &api.seen()[0];
    assert_eq!(seen.path, "/v1/images/generations");
    assert_eq!(seen.header("authorization"), "Bearer sk-images");
    assert_eq!(
        seen.json(),
        json!({"model": "dall-e-3", "prompt": "Street tacos at sunset", "n": 2, "size": "1792x1024", "response_format": "b64_json"})
    );
}

#[tokio::test]
async fn images_given_as_links_are_downloaded_without_the_key_from_other_addresses() {
    let api = ProviderApi::start(|seen, _| {
        if seen.path.starts_with("/files/") {
            return reply_bytes("image/png", png(1024, 1536));
        }
        let url = format!("http://{}/files/cat.png", seen.header("host"));
        reply_json(200, &json!({"data": [{"url": url}]}))
    })
    .await;
    let toml = format!(
        r#"
        [providers.openai]
        base_url = "{}/v1"
        api_key = "sk-images"
        [models]
        midjourney = "openai:gpt-image-1"
        "#,
        api.url
    );
    let generator = routed(&toml, GenerationType::ImageFromText, Some("midjourney"));
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"prompt": "A cat", "model": "midjourney", "aspect_ratio": "9:16"});
    let produced = generator
        .generate(&work(
            GenerationType::ImageFromText,
            card,
            vec![],
            dir.path(),
        ))
        .await
        .unwrap();
    let picture = image::open(&produced.files[0]).unwrap();
    assert_eq!((picture.width(), picture.height()), (864, 1536));
    assert_eq!(produced.cost_usd, None);
    let seen = api.seen();
    let asked = seen[0].json();
    assert_eq!(asked["size"], "1024x1536");
    assert_eq!(asked.get("response_format"), None);
    assert_eq!(seen[1].path, "/files/cat.png");
    assert_eq!(seen[1].header("authorization"), "");
}

#[tokio::test]
async fn an_answer_that_is_not_an_image_fails_without_an_output() {
    let api = ProviderApi::start(|_, _| {
        let encoded = base64::engine::general_purpose::STANDARD.encode(b"not a picture");
        reply_json(200, &json!({"data": [{"b64_json": encoded}]}))
    })
    .await;
    let toml = format!(
        "[providers.openai]\nbase_url = \"{}/v1\"\n[models]\ngemini_image = \"openai:imagen\"\n",
        api.url
    );
    let generator = routed(&toml, GenerationType::ImageFromText, Some("gemini_image"));
    let dir = tempfile::tempdir().unwrap();
    let card = json!({"prompt": "A cat"});
    let reason = crate::permanent(
        generator
            .generate(&work(
                GenerationType::ImageFromText,
                card,
                vec![],
                dir.path(),
            ))
            .await,
    );
    assert_eq!(
        reason,
        "openai answered in a form ace cannot read (an image did not decode)"
    );
}
