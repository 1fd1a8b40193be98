//! The web console at `/app`, over HTTP as a browser uses it: signing in with an API key
//! starts an `HttpOnly`, `SameSite=Strict` session; forms carry a CSRF token; the workspace
//! page shows the caller's workspaces, credits, ledger and agents, and nothing of another
//! organization's.

use reqwest::header::{COOKIE, HeaderMap, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::{Response, StatusCode};

use crate::harness::{Member, TestApp};

mod agent_core;
mod assets;
mod ideas;
mod knowledge;
mod sheets;

/// A browser: no redirects followed, cookies kept by hand.
pub(super) struct Browser {
    http: reqwest::Client,
    pub(super) base: String,
    cookies: Vec<String>,
}

impl Browser {
    pub(super) fn new(app: &TestApp) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(Policy::none())
                .build()
                .unwrap(),
            base: app.anonymous().url(""),
            cookies: Vec::new(),
        }
    }

    pub(super) fn cookie_header(&self) -> String {
        self.cookies.join("; ")
    }

    /// Keeps the cookies a response sets (an empty value ends one).
    fn keep(&mut self, response: &Response) {
        for set in response.headers().get_all(SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            let name = pair.split('=').next().unwrap().to_owned();
            self.cookies
                .retain(|kept| !kept.starts_with(&format!("{name}=")));
            if !pair.ends_with('=') {
                self.cookies.push(pair);
            }
        }
    }

    pub(super) async fn get(&mut self, path: &str) -> (StatusCode, String, HeaderMap) {
        let response = self
            .http
            .get(format!("{}{path}", self.base.trim_end_matches('/')))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.read(response).await
    }

    pub(super) async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, HeaderMap) {
        self.send_form(path, form, false).await
    }

    /// A form posted as htmx posts it (with `HX-Request`).
    pub(super) async fn post_htmx(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, HeaderMap) {
        self.send_form(path, form, true).await
    }

    async fn send_form(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        htmx: bool,
    ) -> (StatusCode, String, HeaderMap) {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base.trim_end_matches('/')))
            .header(COOKIE, self.cookie_header())
            .form(form);
        if htmx {
            request = request.header("hx-request", "true");
        }
        let response = request.send().await.unwrap();
        self.read(response).await
    }

    /// An open event stream.
    pub(super) async fn stream(&self, path: &str) -> Response {
        let response = self
            .http
            .get(format!("{}{path}", self.base.trim_end_matches('/')))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response
    }

    /// The status, the body and the headers.
    async fn read(&mut self, response: Response) -> (StatusCode, String, HeaderMap) {
        self.keep(&response);
        let (status, headers) = (response.status(), response.headers().clone());
        (status, response.text().await.unwrap(), headers)
    }

    /// The CSRF token in a page's form.
    pub(super) fn csrf(page: &str) -> String {
        let at = page
            .find(r#"name="csrf" value=""#)
            .expect("a form with a token")
            + 19;
        page[at..].split('"').next().unwrap().to_owned()
    }

    /// Signs in with `member`'s key; answers the workspace page.
    pub(super) async fn sign_in(&mut self, member: &Member) -> String {
        let (_, form, _) = self.get("/app/sign-in").await;
        let csrf = Browser::csrf(&form);
        let key = member.client.key().unwrap();
        let (status, _, response) = self
            .post("/app/sign-in", &[("api_key", key), ("csrf", &csrf)])
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(response[LOCATION], "/app/workspace");
        let (status, page, _) = self.get("/app/workspace").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        page
    }
}

#[tokio::test]
async fn signing_in_with_a_key_starts_a_strict_http_only_session_and_shows_the_workspace() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    let (status, _, response) = browser.get("/app").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], "/app/sign-in");

    let (status, form, response) = browser.get("/app/sign-in").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        response["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        form.contains(r#"<label for="api_key">"#),
        "a labelled field"
    );
    let csrf = Browser::csrf(&form);
    let key = app.owner.client.key().unwrap();
    let (status, _, response) = browser
        .post("/app/sign-in", &[("api_key", key), ("csrf", &csrf)])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session = response
        .get_all(SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|value| value.starts_with("ace_session="))
        .expect("a session cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/app", "Max-Age=43200"] {
        assert!(session.contains(attribute), "{session}");
    }
    assert!(!session.contains(key), "the key itself is never the cookie");

    let (status, page, _) = browser.get("/app/workspace").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Owner&#39;s workspace") || page.contains("Owner's workspace"),
        "{page}"
    );
    assert!(page.contains("1000"), "the credits: {page}");
    assert!(page.contains("Credits ledger"), "{page}");
    assert!(page.contains("Your agents"), "{page}");
    let (status, _, response) = browser.get("/app").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], "/app/workspace");
}

#[tokio::test]
async fn a_user_given_a_password_signs_in_with_it_and_a_wrong_one_or_a_stranger_is_refused_alike() {
    let app = TestApp::spawn().await;
    let password = "correct horse battery staple";
    ace_app::auth::passwords::set(&app.app, "owner@ace.local", password)
        .await
        .unwrap();
    let short = ace_app::auth::passwords::set(&app.app, "owner@ace.local", "short").await;
    assert!(short.unwrap_err().message.contains("12"));
    let mut browser = Browser::new(&app);
    let (_, form, _) = browser.get("/app/sign-in").await;
    assert!(form.contains(r#"<label for="password">"#), "{form}");
    let mut csrf = Browser::csrf(&form);
    let mut refusals = Vec::new();
    for (login, tried) in [
        ("owner@ace.local", "correct horse battery stapler"),
        ("nobody@ace.local", password),
    ] {
        let (status, page, _) = browser
            .post(
                "/app/sign-in",
                &[("login", login), ("password", tried), ("csrf", &csrf)],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(page.contains("Wrong email or password."), "{page}");
        assert!(!browser.cookie_header().contains("ace_session"));
        // Each refusal comes with a fresh form and token.
        csrf = Browser::csrf(&page);
        refusals.push(page.replace(&csrf, ""));
    }
    assert_eq!(
        refusals[0], refusals[1],
        "a wrong password and a stranger read alike"
    );
    let (_, form, _) = browser.get("/app/sign-in").await;
    let csrf = Browser::csrf(&form);
    let (status, _, response) = browser
        .post(
            "/app/sign-in",
            &[
                ("login", "OWNER@ace.local"),
                ("password", password),
                ("csrf", &csrf),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], "/app/workspace");
    let (status, page, _) = browser.get("/app/workspace").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Credits ledger"), "{page}");
}

#[tokio::test]
async fn a_wrong_key_or_a_stale_form_is_refused_in_words_and_no_session_starts() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    let (_, form, _) = browser.get("/app/sign-in").await;
    let csrf = Browser::csrf(&form);
    let (status, page, _) = browser
        .post(
            "/app/sign-in",
            &[("api_key", "ace_pat_wrong"), ("csrf", &csrf)],
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains(r#"role="alert""#), "{page}");
    assert!(
        page.to_lowercase().contains("key"),
        "the API's message: {page}"
    );
    assert!(!browser.cookie_header().contains("ace_session"));

    // Without the form's own token (as a page of another site would post it).
    let key = app.owner.client.key().unwrap();
    let (status, page, _) = browser
        .post("/app/sign-in", &[("api_key", key), ("csrf", "forged")])
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("expired"), "{page}");
    assert!(!browser.cookie_header().contains("ace_session"));
}

#[tokio::test]
async fn pages_need_a_session_and_signing_out_needs_its_token() {
    let app = TestApp::spawn().await;
    let mut browser = Browser::new(&app);
    let (status, _, response) = browser.get("/app/workspace").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], "/app/sign-in");

    let page = browser.sign_in(&app.owner).await;
    let (status, refused, _) = browser.post("/app/sign-out", &[("csrf", "forged")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(refused.contains(r#"role="alert""#), "{refused}");
    assert!(browser.cookie_header().contains("ace_session"));
    let csrf = Browser::csrf(&page);
    let (status, _, response) = browser.post("/app/sign-out", &[("csrf", &csrf)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(response[LOCATION], "/app/sign-in");
    assert!(!browser.cookie_header().contains("ace_session"));
    let (status, _, _) = browser.get("/app/workspace").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn another_organizations_workspace_is_not_shown_by_changing_its_id() {
    let app = TestApp::spawn().await;
    let stranger = app.user("stranger").await;
    let mut browser = Browser::new(&app);
    let own = browser.sign_in(&stranger).await;
    assert!(!own.contains("Owner&#39;s workspace") && !own.contains("Owner's workspace"));
    let theirs = format!(
        "/app/workspace?organization={}",
        app.owner.workspace_id.get()
    );
    let (status, page, _) = browser.get(&theirs).await;
    // Refused as the API refuses it (GEN answers organization_not_found with 422).
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    assert!(page.contains("not found"), "{page}");
    assert!(!page.contains("Owner&#39;s workspace") && !page.contains("Owner's workspace"));
    assert!(!page.contains("Credits ledger"));
}

#[tokio::test]
async fn an_api_route_still_answers_the_envelope_beside_the_console() {
    let app = TestApp::spawn().await;
    let reply = app.anonymous().get("/v1/no-such-route").await;
    reply.expect_error(404, "not_found");
}
