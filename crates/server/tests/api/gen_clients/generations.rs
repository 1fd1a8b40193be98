//! Generations started with the clients' internal type names, followed to the end, and
//! rendered.

use super::*;

#[tokio::test]
async fn gens_clients_generate_with_their_internal_type_names_and_render() {
    let mut builder = TestApp::builder().starter_credits(Credits::whole(5_000));
    for kind in [
        GenerationType::Text,
        GenerationType::ImageFromText,
        GenerationType::VideoFromText,
        GenerationType::VideoFromImage,
    ] {
        builder = builder.generator(kind, Arc::new(Writes::text("Made.")));
    }
    let app = builder.spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let (sheet, engine) = generation_sheet(&caller, agent).await;
    let row = &engine["spreadsheet_rows"][0];
    let hook = id(&crate::harness::cell_in(&engine, row, "HOOK"));
    let still = crate::harness::uploaded(
        caller.client,
        agent,
        "still.png",
        crate::harness::image("png", 64, 64),
    )
    .await;
    let image = id(&still);

    // `resolveGenerationType` in both clients, and the documented type each one means.
    let cases = [
        (
            "text_generation",
            json!({"model": "gemini", "prompt": "Hello"}),
            "text",
        ),
        (
            "gemini_image_generation",
            json!({"model": "gemini_pro_image", "prompt": "Tacos", "aspect_ratio": "9:16"}),
            "image_from_text",
        ),
        (
            "midjourney",
            json!({"model": "midjourney", "prompt": "Tacos"}),
            "image_from_text",
        ),
        (
            "kling",
            json!({"model": "kling_1_6", "prompt": "Tacos", "duration": 5}),
            "video_from_text",
        ),
        (
            "gemini_video_generation",
            json!({"prompt": "Waves"}),
            "video_from_text",
        ),
        (
            "gemini_video_generation",
            json!({"prompt": "Waves", "image_resource_id": image}),
            "video_from_image",
        ),
        (
            "sora2_video_generation",
            json!({"model": "sora_2", "prompt": "Waves", "duration": 4}),
            "video_from_text",
        ),
        (
            "seedance_video_generation",
            json!({"model": "seedance_pro", "image_resource_id": image.to_string()}),
            "video_from_image",
        ),
        (
            "kling_image_video",
            json!({"model": "kling_2_1", "image_resource_id": image}),
            "video_from_image",
        ),
        (
            "text",
            json!({"prompt": "Documented names still work"}),
            "text",
        ),
    ];
    let generate = format!("/autocontentengine/{sheet}/cells/{hook}/generate");
    for (index, (name, data, documented)) in cases.into_iter().enumerate() {
        // generateContent puts agent_id in the query; gen_generate_content in the body.
        let reply = if index % 2 == 0 {
            caller
                .post(
                    "generateCellContent",
                    &format!("{generate}?agent_id={agent}"),
                    json!({"generation_type": name, "data": data}),
                )
                .await
        } else {
            caller
                .post(
                    "generateCellContent",
                    &generate,
                    json!({"agent_id": agent.to_string(), "generation_type": name, "data": data}),
                )
                .await
        };
        let reply = reply.expect(201);
        reads(&reply, &["generation_id", "status"]);
        let generation = reply.body["generation_id"].as_i64().unwrap();
        let done = finished(&caller, generation).await;
        assert_eq!(
            done.body["user_job_type"], documented,
            "{name}: {}",
            done.text
        );
        assert_eq!(done.body["status"], "completed", "{name}: {}", done.text);
    }
    let unknown = caller
        .post(
            "generateCellContent",
            &format!("{generate}?agent_id={agent}"),
            json!({"generation_type": "hologram", "data": {}}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(unknown.text.contains("eleven_labs"), "{}", unknown.text);

    // A retry of a request by another name for the same type is the same request.
    let keyed = |name: &str| {
        caller
            .client
            .request(Method::POST, &format!("/v1{generate}?agent_id={agent}"))
            .header("content-type", "application/json")
            .header("idempotency-key", "client-retry")
            .body(json!({"generation_type": name, "data": {"prompt": "Once"}}).to_string())
    };
    let first = Client::read(keyed("text_generation").send().await.unwrap()).await;
    let again = Client::read(keyed("text").send().await.unwrap()).await;
    assert_eq!(first.expect(201).body, again.expect(201).body);

    // Layers: generateLayer sends `{}`, gen_generate_layer `{agent_id}`; the layer's card,
    // else its kind, says what to make.
    let video = id(&crate::harness::cell_in(&engine, row, "VIDEO"));
    let layers = format!("/autocontentengine/{sheet}/cells/{video}/layers");
    let add_layer = |name: &'static str, kind: &'static str, attributes: Value| {
        let caller = &caller;
        let path = format!("{layers}?agent_id={agent}");
        async move {
            let reply = caller
                .post(
                    "createLayer",
                    &path,
                    json!({"video_layer": {"name": name, "type": kind, "additional_attributes": attributes}}),
                )
                .await
                .expect(201);
            id(&reply.body)
        }
    };
    let carded = add_layer(
        "Caption",
        "text",
        json!({"creation_card": {"generation_type": "text_generation", "data": {"prompt": "A caption"}}}),
    )
    .await;
    let picture = add_layer("Picture", "image", json!({})).await;
    let shape = add_layer("Box", "shape", json!({})).await;
    let on_layer = |layer: i64| format!("{layers}/{layer}/generate");
    let reply = caller
        .post(
            "generateLayerContent",
            &format!("{}?agent_id={agent}", on_layer(carded)),
            json!({}),
        )
        .await
        .expect(201);
    let done = finished(&caller, reply.body["generation_id"].as_i64().unwrap()).await;
    assert_eq!(done.body["user_job_type"], "text");
    let layer = caller
        .get("getLayer", &format!("{layers}/{carded}?agent_id={agent}"))
        .await
        .expect(200);
    assert_eq!(layer.body["additional_attributes"]["content"], "Made.");
    // An image layer without a card makes an image, which needs a prompt.
    let needs_prompt = caller
        .post(
            "generateLayerContent",
            &on_layer(picture),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(
        needs_prompt.text.contains("data.prompt"),
        "{}",
        needs_prompt.text
    );
    let nothing = caller
        .post(
            "generateLayerContent",
            &on_layer(shape),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(nothing.text.contains("generation_type"), "{}", nothing.text);

    // Stop and continue are POSTs with no body at all.
    let slow = caller
        .post(
            "generateCellContent",
            &format!("{generate}?agent_id={agent}"),
            json!({"generation_type": "text_generation", "data": {"prompt": "Slow"}}),
        )
        .await
        .expect(201);
    let generation = slow.body["generation_id"].as_i64().unwrap();
    let stopped = caller
        .send(
            "stopGeneration",
            Method::POST,
            &format!("/generations/{generation}/stop"),
            None,
        )
        .await;
    // It may have finished already; a stop then is refused in the envelope.
    if stopped.status == 200 {
        reads(&stopped, &["generation_id", "status"]);
        let resumed = caller
            .send(
                "continueGeneration",
                Method::POST,
                &format!("/generations/{generation}/continue"),
                None,
            )
            .await
            .expect(200);
        reads(&resumed, &["generation_id", "status"]);
    } else {
        reads(&stopped, &["error", "error_code"]);
    }

    // renderVideo and gen_render_video send `{agent_id}` alone, with no query.
    caller.patch(
        "updateLayer",
        &format!("{layers}/{carded}"),
        json!({"agent_id": agent, "video_layer": {"additional_attributes": {"from": 0, "durationInFrames": 30}}}),
    )
    .await
    .expect(200);
    for layer in [picture, shape] {
        caller
            .delete("deleteLayer", &format!("{layers}/{layer}?agent_id={agent}"))
            .await
            .expect(204);
    }
    let final_video = id(&crate::harness::cell_in(&engine, row, "FINAL VIDEO"));
    let render = caller
        .post(
            "renderVideo",
            &format!("/autocontentengine/{sheet}/cells/{final_video}/render"),
            json!({"agent_id": agent.to_string()}),
        )
        .await
        .expect(201);
    reads(&render, &["generation_id", "status"]);
    let generation: i64 = render.body["generation_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let done = finished(&caller, generation).await;
    assert_eq!(done.body["status"], "completed", "{}", done.text);
    reads(&done, &["output_resources.0.url"]);
}
