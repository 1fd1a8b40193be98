//! `/v1/organizations`.

use crate::harness::TestApp;
use ace_app::credits::LedgerNote;
use ace_domain::credits::{CreditBucket, Credits};
use ace_domain::ids::OrganizationId;
use ace_domain::role::Role;
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::json;

use crate::contract;

async fn create(app: &TestApp, name: &str) -> i64 {
    let reply = app
        .owner
        .client
        .post("/v1/organizations", json!({"organization": {"name": name}}))
        .await
        .expect(201);
    reply.body["organization_id"].as_i64().unwrap()
}

#[tokio::test]
async fn the_list_shows_each_organization_with_role_credits_and_members() {
    let app = TestApp::spawn().await;
    let reply = app.owner.client.get("/v1/organizations").await.expect(200);
    let personal = &reply.body[0];
    assert_eq!(personal["id"], personal["organization_id"]);
    assert_eq!(personal["user_role"], "owner");
    assert_eq!(personal["credit"], 1000.0);
    assert_eq!(
        personal["available_credit"],
        json!({"generic": 1000.0, "aura": 0.0})
    );
    assert_eq!(personal["total_members"], 1);
    assert!(personal["uuid"].as_str().unwrap().len() == 36);
    contract().assert_conforms("listOrganizations", 200, &reply.body);
}

#[tokio::test]
async fn creating_an_organization_makes_the_caller_owner_with_a_first_agent() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post(
            "/v1/organizations",
            json!({"organization": {"name": "Taco Studio"}}),
        )
        .await
        .expect(201);
    contract().assert_conforms("createOrganization", 201, &reply.body);
    let id = reply.body["organization_id"].as_i64().unwrap();

    let org = app
        .owner
        .client
        .get(&format!("/v1/organizations/{id}"))
        .await
        .expect(200);
    assert_eq!(org.body["name"], "Taco Studio");
    assert_eq!(org.body["user_role"], "owner");
    assert_eq!(
        org.body["credit"], 0.0,
        "new organizations start without credits"
    );
    let agents = app
        .owner
        .client
        .get(&format!("/v1/agents?workspace_id={id}"))
        .await
        .expect(200);
    assert_eq!(agents.body.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn an_organization_can_be_created_from_an_unwrapped_body_or_a_form() {
    let app = TestApp::spawn().await;
    app.owner
        .client
        .post("/v1/organizations", json!({"name": "Flat"}))
        .await
        .expect(201);
    let form = app
        .owner
        .client
        .request(Method::POST, "/v1/organizations")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("organization%5Bname%5D=Formed")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 201);
    let names: Vec<String> = app
        .owner
        .client
        .get("/v1/organizations")
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"Flat".to_owned()) && names.contains(&"Formed".to_owned()));
}

#[tokio::test]
async fn an_organization_avatar_is_stored_and_served_publicly() {
    let app = TestApp::spawn().await;
    let form = Form::new().text("organization[name]", "Pictured").part(
        "organization[avatar]",
        Part::bytes(crate::harness::image("png", 300, 200)).file_name("logo.png"),
    );
    let reply = app
        .owner
        .client
        .multipart(Method::POST, "/v1/organizations", form)
        .await
        .expect(201);
    let id = reply.body["organization_id"].as_i64().unwrap();
    let org = app
        .owner
        .client
        .get(&format!("/v1/organizations/{id}"))
        .await
        .expect(200);
    let thumbnail = org.body["avatar"]["thumbnail_url"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = thumbnail
        .split_once("/files/")
        .map(|(_, key)| format!("/files/{key}"))
        .unwrap();
    let served = app
        .anonymous()
        .request(Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/jpeg");
}

#[tokio::test]
async fn creating_an_organization_without_a_name_is_a_validation_error() {
    let app = TestApp::spawn().await;
    let reply = app
        .owner
        .client
        .post("/v1/organizations", json!({"organization": {"name": "  "}}))
        .await
        .expect_error(422, "validation_error");
    contract().assert_conforms("createOrganization", 422, &reply.body);
}

#[tokio::test]
async fn an_avatar_that_is_not_an_image_is_refused() {
    let app = TestApp::spawn().await;
    let form = Form::new().text("organization[name]", "Liar").part(
        "organization[avatar]",
        Part::bytes(b"not an image at all".to_vec()).file_name("logo.png"),
    );
    app.owner
        .client
        .multipart(Method::POST, "/v1/organizations", form)
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn an_organization_shows_granted_credits_and_its_plan() {
    let app = TestApp::spawn().await;
    let id = create(&app, "Funded").await;
    let org = OrganizationId::new(id);
    ace_app::credits::grant(
        &app.app,
        org,
        CreditBucket::Generic,
        Credits::whole(250),
        LedgerNote::default(),
    )
    .await
    .unwrap();
    ace_app::credits::grant(
        &app.app,
        org,
        CreditBucket::Aura,
        "12.5".parse().unwrap(),
        LedgerNote::default(),
    )
    .await
    .unwrap();
    ace_app::organizations::set_plan(&app.app, org, "Pro", "monthly")
        .await
        .unwrap();
    let reply = app
        .owner
        .client
        .get(&format!("/v1/organizations/{id}"))
        .await
        .expect(200);
    assert_eq!(reply.body["credit"], 262.5);
    assert_eq!(
        reply.body["available_credit"],
        json!({"generic": 250.0, "aura": 12.5})
    );
    assert_eq!(reply.body["credit_plan"]["name"], "Pro");
    assert_eq!(reply.body["credit_plan"]["cycle"], "MONTHLY");
    contract().assert_conforms("getOrganization", 200, &reply.body);
}

#[tokio::test]
async fn another_tenants_organization_reads_as_not_found() {
    let app = TestApp::spawn().await;
    let stranger = app.user("Stranger").await;
    let path = format!("/v1/organizations/{}", app.owner.workspace_id);
    let reply = stranger
        .client
        .get(&path)
        .await
        .expect_error(422, "organization_not_found");
    contract().assert_conforms("getOrganization", 422, &reply.body);
    stranger
        .client
        .get("/v1/organizations/999999")
        .await
        .expect_error(422, "organization_not_found");
    stranger
        .client
        .get("/v1/organizations/abc")
        .await
        .expect_error(422, "organization_not_found");
}

#[tokio::test]
async fn owners_and_managers_rename_an_organization() {
    let app = TestApp::spawn().await;
    let id = create(&app, "Old").await;
    let reply = app
        .owner
        .client
        .patch(
            &format!("/v1/organizations/{id}"),
            json!({"organization": {"name": "New"}}),
        )
        .await
        .expect(200);
    assert_eq!(reply.body["organization_id"], id);
    contract().assert_conforms("updateOrganization", 200, &reply.body);
    let manager = app.member_of(id.into(), Role::Manager).await;
    manager
        .client
        .patch(&format!("/v1/organizations/{id}"), json!({"name": "Newer"}))
        .await
        .expect(200);
    let org = app
        .owner
        .client
        .get(&format!("/v1/organizations/{id}"))
        .await;
    assert_eq!(org.body["name"], "Newer");
}

#[tokio::test]
async fn editors_and_viewers_cannot_change_an_organization() {
    let app = TestApp::spawn().await;
    let id = create(&app, "Guarded").await;
    for role in [Role::Editor, Role::Viewer] {
        let member = app.member_of(id.into(), role).await;
        let reply = member
            .client
            .patch(
                &format!("/v1/organizations/{id}"),
                json!({"organization": {"name": "Mine"}}),
            )
            .await
            .expect_error(403, "forbidden");
        contract().assert_conforms("updateOrganization", 403, &reply.body);
    }
}

#[tokio::test]
async fn renaming_to_a_blank_name_is_a_validation_error_and_strangers_get_not_found() {
    let app = TestApp::spawn().await;
    let id = create(&app, "Kept").await;
    app.owner
        .client
        .patch(
            &format!("/v1/organizations/{id}"),
            json!({"organization": {"name": ""}}),
        )
        .await
        .expect_error(422, "validation_error");
    let stranger = app.user("Stranger").await;
    stranger
        .client
        .patch(
            &format!("/v1/organizations/{id}"),
            json!({"organization": {"name": "Taken"}}),
        )
        .await
        .expect_error(422, "organization_not_found");
}

#[tokio::test]
async fn an_owner_deletes_an_organization_with_everything_in_it() {
    let app = TestApp::spawn().await;
    let id = create(&app, "Doomed").await;
    let reply = app
        .owner
        .client
        .delete(&format!("/v1/organizations/{id}"))
        .await
        .expect(200);
    assert!(reply.text.is_empty(), "GEN answers 200 with an empty body");
    app.owner
        .client
        .get(&format!("/v1/organizations/{id}"))
        .await
        .expect_error(422, "organization_not_found");
    let agents = app
        .owner
        .client
        .get(&format!("/v1/agents?workspace_id={id}"))
        .await
        .expect(200);
    assert_eq!(agents.body, json!([]));
}

#[tokio::test]
async fn only_the_owner_may_delete_an_organization() {
    let app = TestApp::spawn().await;
    let id = create(&app, "Shared").await;
    let manager = app.member_of(id.into(), Role::Manager).await;
    let reply = manager
        .client
        .delete(&format!("/v1/organizations/{id}"))
        .await
        .expect_error(403, "forbidden");
    contract().assert_conforms("deleteOrganization", 403, &reply.body);
    let stranger = app.user("Stranger").await;
    let reply = stranger
        .client
        .delete(&format!("/v1/organizations/{id}"))
        .await
        .expect_error(422, "organization_not_found");
    contract().assert_conforms("deleteOrganization", 422, &reply.body);
}

#[tokio::test]
async fn a_personal_workspace_cannot_be_deleted() {
    let app = TestApp::spawn().await;
    let path = format!("/v1/organizations/{}", app.owner.workspace_id);
    app.owner
        .client
        .delete(&path)
        .await
        .expect_error(422, "validation_error");
}

#[tokio::test]
async fn the_list_holds_only_organizations_the_caller_belongs_to() {
    let app = TestApp::spawn().await;
    create(&app, "Private").await;
    let stranger = app.user("Stranger").await;
    let reply = stranger.client.get("/v1/organizations").await.expect(200);
    let ids: Vec<i64> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [stranger.workspace_id.get()]);
    let reply = app
        .anonymous()
        .get("/v1/organizations")
        .await
        .expect_error(401, "unauthorized");
    contract().assert_conforms("listOrganizations", 401, &reply.body);
}
