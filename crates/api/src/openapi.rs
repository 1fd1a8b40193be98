//! ace's own OpenAPI 3.1 document, generated from the handlers' annotations. Every operation
//! carries GEN's `x-phase` extension.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::error::ErrorBody;

/// The document's frame; the router adds the paths.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ace",
        description = "A self-hosted implementation of the GEN Auto Content Engine API: from an idea to a published short video.",
    ),
    modifiers(&Security),
    security(("apiKey" = []), ("bearerAuth" = [])),
    components(schemas(ErrorBody)),
    tags(
        (name = "Discovery", description = "Who am I, my workspaces and my agents."),
        (name = "Organizations", description = "Workspaces: members, roles and credits."),
        (name = "API Keys", description = "Personal access tokens."),
        (name = "Agents", description = "AI personas and their avatars."),
        (name = "Agent Core", description = "The agent's setup canvas in one read and one merge patch."),
        (name = "Agent Profile", description = "The legacy profile view of the same setup."),
        (name = "Agent Voice", description = "The voices an agent speaks with: its library, design, cloning, previews and its ElevenLabs connection."),
        (name = "Content Resources", description = "Files of an agent's asset library, served from public URLs."),
        (name = "Asset Libraries", description = "Folders and files in one view, and the folders themselves."),
        (name = "Direct Upload", description = "Uploads of up to 1 GB straight to storage."),
        (name = "Ideas", description = "Video ideas the agent proposed, and their status flow."),
        (name = "Agent Chat", description = "Messages to the agent answered by runs: ideas, refinements, preferences, research and vidsheets; conversations."),
        (name = "Publishing", description = "Posts to the agent's own TikTok accounts, connected with Login Kit: now or scheduled, followed until TikTok publishes them."),
        (name = "Pipelines", description = "An ace addition on the paths GEN documents as coming soon: a sheet's autopilot, a trigger (schedule or signed webhook) starting a chain of actions (ideas, row runs, posts) within a credits budget."),
        (name = "Row Runs", description = "An ace addition: a row's cells generated in dependency order and its video rendered, in one call; planned first with a dry run, followed live, run over many rows."),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "apiKey",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-API-Key"))),
        );
        components.add_security_scheme(
            "bearerAuth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or API key")
                    .build(),
            ),
        );
    }
}
