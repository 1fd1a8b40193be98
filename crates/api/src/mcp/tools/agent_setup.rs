//! Step 1, an agent's setup: avatars, Agent Core's writes and the agent profile.

use axum::extract::Path;
use serde_json::json;

use crate::extract::JsonBody;
use crate::mcp::catalogue::{Arg, Cost::Free, Kind, Tool, answer};
use crate::routes::{agent_core, agent_profile, avatars};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");

/// The sections of the agent profile, as GEN's tools send them.
const PROFILE: [Arg; 4] = [
    AGENT_ID,
    Arg::text("identity", "name, description and persona.")
        .of(Kind::Object)
        .optional(),
    Arg::text(
        "voice",
        "eleven_lab_api_key, hume_ai_api_key and default_voice {id, name, provider}.",
    )
    .of(Kind::Object)
    .optional(),
    Arg::text(
        "brand",
        "brand_name, description, goal, keywords, target_platforms, shortform, longform, \
         linked_accounts [{platform, url}] and content_idea_preferences (one rule a line).",
    )
    .of(Kind::Object)
    .optional(),
];

const PROFILE_SECTIONS: [&str; 3] = ["identity", "voice", "brand"];

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_list_agent_avatars",
        about: "An agent's avatar images, the primary one first.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("cursor", "Only avatars with an id above this one.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let page = call.query(&["cursor"])?;
                answer(
                    avatars::list::list_agent_avatars(call.state(), call.caller(), agent, page)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_agent_avatar",
        about: "Adds an avatar to an agent from an image: a direct upload's signed_id (see \
                gen_create_direct_upload) or an image URL. ace has no DeGod avatars, so a \
                degod_avatar_id is refused.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("degod_avatar_id", "A DeGod avatar (GEN's own collection).").optional(),
            Arg::text("file", "A direct upload's signed_id (an ace addition).").optional(),
            Arg::text("url", "An image's URL (an ace addition).").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = call.body(json!({
                    "agent_avatars_attributes": [call.fields(&["degod_avatar_id", "file", "url"])]
                }));
                answer(
                    avatars::create::create_agent_avatar(call.state(), call.caller(), agent, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_delete_agent_avatar",
        about: "Deletes avatars of an agent (several ids joined by underscores, as 7_8_9).",
        cost: Free,
        args: &[AGENT_ID, Arg::text("avatar_id", "The avatar's id, or ids.")],
        run: |call| {
            Box::pin(async move {
                let place = Path((
                    call.raw_id("agent_id"),
                    call.text("avatar_id").unwrap_or_default(),
                ));
                answer(
                    avatars::delete::delete_agent_avatar(call.state(), call.caller(), place).await,
                )
            })
        },
    },
    Tool {
        name: "gen_update_agent_core",
        about: "Writes any of an agent's setup sections in one call. identity, overview and \
                look.description merge; personality, inspiration, voice and accounts replace. \
                Answers each section's result. Read gen_get_agent_core first.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("identity", "name and profile_photo_url.")
                .of(Kind::Object)
                .optional(),
            Arg::text(
                "overview",
                "brand_name, description, identity_type (brand or character), goal, \
                 keywords, target_platforms, shortform, longform, onboarding_status.",
            )
            .of(Kind::Object)
            .optional(),
            Arg::text("personality", "The whole personality text.").optional(),
            Arg::text(
                "inspiration",
                "Inspiration sources [{url, platform}], the whole list.",
            )
            .of(Kind::Objects)
            .optional(),
            Arg::text("look", "description.")
                .of(Kind::Object)
                .optional(),
            Arg::text("voice", "voice_id and source.")
                .of(Kind::Object)
                .optional(),
            Arg::text(
                "accounts",
                "The agent's own socials [{url, platform, display_name}], the whole list.",
            )
            .of(Kind::Objects)
            .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let sections = call.fields(&[
                    "identity",
                    "overview",
                    "personality",
                    "inspiration",
                    "look",
                    "voice",
                    "accounts",
                ]);
                let body = JsonBody(sections.into());
                answer(
                    agent_core::update::patch_agent_core(call.state(), call.caller(), agent, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_add_agent_account",
        about: "Adds one of the agent's own social accounts (the platform is read from the \
                URL unless given).",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("url", "The account's URL."),
            Arg::text("platform", "tiktok, instagram, youtube …").optional(),
            Arg::text("display_name", "How to show it.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = JsonBody(call.fields(&["url", "platform", "display_name"]).into());
                answer(
                    agent_core::add_account::add_agent_account(
                        call.state(),
                        call.caller(),
                        agent,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_add_agent_inspiration",
        about: "Adds one inspiration source: a creator the agent draws its style from.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("url", "The source's URL."),
            Arg::text("platform", "tiktok, instagram, youtube …").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = JsonBody(call.fields(&["url", "platform"]).into());
                answer(
                    agent_core::add_inspiration::add_agent_inspiration(
                        call.state(),
                        call.caller(),
                        agent,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_agent_profile",
        about: "The agent profile in sections: identity, voice and brand (with the content \
                idea preferences).",
        cost: Free,
        args: &[AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                answer(
                    agent_profile::show::get_agent_profile(call.state(), call.caller(), agent)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_agent_profile",
        about: "Sets up the agent profile from any of its sections.",
        cost: Free,
        args: &PROFILE,
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let body = JsonBody(call.fields(&PROFILE_SECTIONS).into());
                answer(
                    agent_profile::create::create_agent_profile(
                        call.state(),
                        call.caller(),
                        agent,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_update_agent_profile",
        about: "Changes the fields sent of the agent profile; lists (keywords, platforms, \
                linked accounts) are replaced whole.",
        cost: Free,
        args: &PROFILE,
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let body = JsonBody(call.fields(&PROFILE_SECTIONS).into());
                answer(
                    agent_profile::update::update_agent_profile(
                        call.state(),
                        call.caller(),
                        agent,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_reset_agent_profile",
        about: "Clears the agent's brand (name, keywords, platforms, linked accounts and \
                preferences); the agent and its voice stay.",
        cost: Free,
        args: &[AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                answer(
                    agent_profile::delete::delete_agent_profile(call.state(), call.caller(), agent)
                        .await,
                )
            })
        },
    },
];
