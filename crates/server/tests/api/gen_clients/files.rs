//! Files through a direct upload, and managed as content resources.

use super::*;

#[tokio::test]
async fn gens_clients_upload_through_a_direct_upload_and_manage_files() {
    let app = TestApp::spawn().await;
    let caller = Gen {
        client: &app.owner.client,
    };
    let agent = app.owner.agent_id.get();
    let (sheet, _) = generation_sheet(&caller, agent).await;

    // createDirectUpload sends the blob and no agent; the SDK reads `url` and `headers` at the
    // top level, the docs nest them under `direct_upload`.
    let png = crate::harness::image("png", 32, 32);
    let ticket = caller
        .post(
            "createDirectUpload",
            "/direct_upload",
            json!({"blob": {"filename": "still.png", "byte_size": png.len(),
                "checksum": STANDARD.encode(Md5::digest(&png)), "content_type": "image/png"}}),
        )
        .await
        .expect(200);
    reads(
        &ticket,
        &["signed_id", "url", "headers", "direct_upload.url"],
    );
    assert_eq!(ticket.body["url"], ticket.body["direct_upload"]["url"]);
    let mut put = reqwest::Client::new().put(ticket.body["url"].as_str().unwrap());
    for (name, value) in ticket.body["headers"].as_object().unwrap() {
        put = put.header(name, value.as_str().unwrap());
    }
    let status = put.body(png).send().await.unwrap().status();
    assert!(status.is_success(), "{status}");

    // createContentResource: the signed id, and the SDK's `project_node` for the engine.
    let created = caller
        .post(
            "createContentResource",
            &format!("/content_resources?agent_id={agent}"),
            json!({"content_resource": {"file": ticket.body["signed_id"]}, "project_node": {"project_id": sheet.to_string()}}),
        )
        .await
        .expect(201);
    reads(
        &created,
        &[
            "content_resource.id",
            "content_resource.url",
            "content_resource.file_name",
            "content_resource.content_type",
            "project_node.id",
        ],
    );
    let resource = created.body["content_resource"]["id"].as_i64().unwrap();
    for query in [
        format!("agent_id={agent}&project_id={sheet}"),
        format!("agent_id={agent}&type=image&page=0"),
    ] {
        let listed = caller
            .get(
                "listContentResources",
                &format!("/content_resources?{query}"),
            )
            .await
            .expect(200);
        reads(&listed, &["*.id", "*.url", "*.file_name"]);
        assert_eq!(listed.body[0]["id"], resource, "{query}");
    }
    let path = format!("/content_resources/{resource}?agent_id={agent}");
    let shown = caller.get("getContentResource", &path).await.expect(200);
    reads(&shown, &["content_resource.id", "content_resource.url"]);
    assert_eq!(shown.body["generator"], Value::Null, "an upload");
    // updateContentResource is typed to return the resource.
    let renamed = caller
        .patch(
            "updateContentResource",
            &path,
            json!({"content_resource": {"filename": "cover.png"}}),
        )
        .await
        .expect(200);
    reads(
        &renamed,
        &["content_resource.id", "content_resource.file_name"],
    );
    assert_eq!(renamed.body["content_resource"]["file_name"], "cover.png");
    reads(
        &caller.get(
            "listAssetLibraries",
            &format!("/asset_libraries?agent_id={agent}&asset_type=image%2Cvideo&search=cover&order=recent&page=1&page_size=20"),
        )
        .await
        .expect(200),
        &["*.id", "*.type"],
    );
    caller
        .delete("deleteContentResource", &path)
        .await
        .expect(200);
    let gone = caller.get("getContentResource", &path).await;
    assert_eq!(gone.status, 404);
    reads(&gone, &["error", "error_code"]);
}
