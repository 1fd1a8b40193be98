//! Step 1, setup: who the caller is, workspaces, agents and API keys.

use serde_json::{Value, json};

use crate::mcp::catalogue::{Arg, Cost::Free, Tool, answer};
use crate::routes::{agent_core, agents, me, organizations, persisted_tokens, workspaces};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const ORGANIZATION_ID: Arg = Arg::text("organization_id", "The organization's (workspace's) id.");

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_get_me",
        about: "Your profile and the workspaces you belong to. Call this first.",
        cost: Free,
        args: &[],
        run: |call| {
            Box::pin(async move { answer(me::show::get_me(call.state(), call.caller()).await) })
        },
    },
    Tool {
        name: "gen_list_workspaces",
        about: "The workspaces you can use.",
        cost: Free,
        args: &[],
        run: |call| {
            Box::pin(async move {
                answer(workspaces::list::list_workspaces(call.state(), call.caller()).await)
            })
        },
    },
    Tool {
        name: "gen_list_agents",
        about: "Your agents, in every workspace or in one.",
        cost: Free,
        args: &[Arg::text("workspace_id", "Only agents of this workspace.").optional()],
        run: |call| {
            Box::pin(async move {
                let filter = call.query(&["workspace_id"])?;
                answer(agents::list::list_agents(call.state(), call.caller(), filter).await)
            })
        },
    },
    Tool {
        name: "gen_list_organizations",
        about: "Your organizations (workspaces) with their credits, your role and the plan.",
        cost: Free,
        args: &[],
        run: |call| {
            Box::pin(async move {
                answer(organizations::list::list_organizations(call.state(), call.caller()).await)
            })
        },
    },
    Tool {
        name: "gen_create_organization",
        about: "Creates an organization; you become its owner.",
        cost: Free,
        args: &[Arg::text("name", "The organization's name.")],
        run: |call| {
            Box::pin(async move {
                let body = call.body(json!({"organization": call.fields(&["name"])}));
                answer(
                    organizations::create::create_organization(call.state(), call.caller(), body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_organization",
        about: "One organization.",
        cost: Free,
        args: &[ORGANIZATION_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("organization_id");
                answer(organizations::show::get_organization(call.state(), call.caller(), id).await)
            })
        },
    },
    Tool {
        name: "gen_update_organization",
        about: "Renames an organization (owners and managers).",
        cost: Free,
        args: &[ORGANIZATION_ID, Arg::text("name", "The new name.")],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("organization_id");
                let body = call.body(json!({"organization": call.fields(&["name"])}));
                answer(
                    organizations::update::update_organization(
                        call.state(),
                        call.caller(),
                        id,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_delete_organization",
        about: "Deletes an organization for good (its owner only).",
        cost: Free,
        args: &[ORGANIZATION_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("organization_id");
                answer(
                    organizations::delete::delete_organization(call.state(), call.caller(), id)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_agent",
        about: "Creates an agent (a persona with its own voice, look and content), in an \
                organization or in your personal workspace.",
        cost: Free,
        args: &[
            Arg::text("name", "The agent's name."),
            Arg::text("description", "What the agent is about.").optional(),
            Arg::text("time_zone", "An IANA time zone, such as Europe/Paris.").optional(),
            Arg::text("organization_id", "The organization to create it in.").optional(),
            Arg::text("eleven_lab_api_key", "An ElevenLabs API key for its voice.").optional(),
            Arg::text("hume_ai_api_key", "A Hume AI API key.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let mut body = json!({"agent": call.fields(&AGENT_FIELDS)});
                if let Some(organization) = call.text("organization_id") {
                    body["organization_id"] = Value::String(organization);
                }
                let body = call.body(body);
                answer(agents::create::create_agent(call.state(), call.caller(), body).await)
            })
        },
    },
    Tool {
        name: "gen_get_agent",
        about: "One agent in full (for its setup, gen_get_agent_core is better).",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text(
                "with_organization_uuid",
                "'true' adds the workspace's UUID.",
            )
            .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("agent_id");
                let options = call.query(&["with_organization_uuid"])?;
                answer(agents::show::get_agent(call.state(), call.caller(), id, options).await)
            })
        },
    },
    Tool {
        name: "gen_update_agent",
        about: "Changes an agent's name, description, time zone or voice keys.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("name", "The new name.").optional(),
            Arg::text("description", "The new description.").optional(),
            Arg::text("time_zone", "An IANA time zone.").optional(),
            Arg::text("eleven_lab_api_key", "An ElevenLabs API key.").optional(),
            Arg::text("hume_ai_api_key", "A Hume AI API key.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("agent_id");
                let body = call.body(json!({"agent": call.fields(&AGENT_FIELDS)}));
                answer(agents::update::update_agent(call.state(), call.caller(), id, body).await)
            })
        },
    },
    Tool {
        name: "gen_delete_agent",
        about: "Deletes an agent.",
        cost: Free,
        args: &[AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("agent_id");
                answer(agents::delete::delete_agent(call.state(), call.caller(), id).await)
            })
        },
    },
    Tool {
        name: "gen_get_agent_core",
        about: "Everything about an agent's setup in one read: identity, overview, \
                personality, inspiration, voice, look and accounts.",
        cost: Free,
        args: &[AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("agent_id");
                answer(agent_core::show::get_agent_core(call.state(), call.caller(), id).await)
            })
        },
    },
    Tool {
        name: "gen_list_api_keys",
        about: "Your API keys (personal access tokens), without their secrets.",
        cost: Free,
        args: &[],
        run: |call| {
            Box::pin(async move {
                answer(persisted_tokens::list::list_api_keys(call.state(), call.caller()).await)
            })
        },
    },
    Tool {
        name: "gen_create_api_key",
        about: "Creates an API key; its secret is shown this once.",
        cost: Free,
        args: &[Arg::text("name", "A name to know it by.").optional()],
        run: |call| {
            Box::pin(async move {
                let body = call.wrapped(&["name"])?;
                answer(
                    persisted_tokens::create::create_api_key(call.state(), call.caller(), body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_revoke_api_key",
        about: "Revokes an API key at once.",
        cost: Free,
        args: &[Arg::text("token_id", "The key's id.")],
        run: |call| {
            Box::pin(async move {
                let id = call.path_id("token_id");
                answer(
                    persisted_tokens::revoke::revoke_api_key(call.state(), call.caller(), id).await,
                )
            })
        },
    },
];

/// The agent fields GEN's tools send under `agent`.
const AGENT_FIELDS: [&str; 5] = [
    "name",
    "description",
    "time_zone",
    "eleven_lab_api_key",
    "hume_ai_api_key",
];
