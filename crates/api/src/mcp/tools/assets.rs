//! Step 4's files: content resources, the asset library and direct uploads.

use serde_json::json;

use crate::mcp::catalogue::{Arg, Cost::Free, Kind, Tool, answer};
use crate::routes::{asset_libraries, content_resources, direct_uploads};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const RESOURCE_ID: Arg = Arg::text("resource_id", "The content resource's id.");

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_list_content_resources",
        about: "The agent's files (images, videos, audio) that generations use and make, 20 \
                a page.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("type", "image, video, audio, zip or safe_tensors.").optional(),
            Arg::text("project_id", "Only files of this engine.").optional(),
            Arg::text("page", "The page, from 0.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let query = call.raw_query(&["type", "project_id", "page"]);
                answer(
                    content_resources::list::list_content_resources(
                        call.state(),
                        call.caller(),
                        agent,
                        query,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_content_resource",
        about: "Keeps a direct upload as one of the agent's files: first gen_create_direct_upload, \
                then PUT the bytes to its URL, then this with its signed_id.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text("signed_id", "The direct upload's signed_id."),
            Arg::text("asset_folder_id", "An asset folder to put it in.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let mut body = json!({"content_resource": {"file": call.text("signed_id")}});
                if let Some(folder) = call.text("asset_folder_id") {
                    body["asset_folder"] = json!({ "id": folder });
                }
                let request = call.request(body);
                answer(
                    content_resources::create::create_content_resource(
                        call.state(),
                        call.caller(),
                        agent,
                        request,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_content_resource",
        about: "One of the agent's files: its link, type, size and, when a model made it, \
                which.",
        cost: Free,
        args: &[AGENT_ID, RESOURCE_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let id = call.path_id("resource_id");
                answer(
                    content_resources::show::get_content_resource(
                        call.state(),
                        call.caller(),
                        agent,
                        id,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_update_content_resource",
        about: "Renames one of the agent's files.",
        cost: Free,
        args: &[
            AGENT_ID,
            RESOURCE_ID,
            Arg::text("filename", "The new name."),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let id = call.path_id("resource_id");
                let body = call.wrapped(&["filename"])?;
                answer(
                    content_resources::update::update_content_resource(
                        call.state(),
                        call.caller(),
                        agent,
                        id,
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_delete_content_resource",
        about: "Deletes one of the agent's files and its bytes, for good.",
        cost: Free,
        args: &[AGENT_ID, RESOURCE_ID],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let id = call.path_id("resource_id");
                answer(
                    content_resources::delete::delete_content_resource(
                        call.state(),
                        call.caller(),
                        agent,
                        id,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_list_asset_libraries",
        about: "The agent's asset library: files and folders, searchable.",
        cost: Free,
        args: &[
            AGENT_ID,
            Arg::text(
                "folder_id",
                "A folder's contents (the top level without it).",
            )
            .optional(),
            Arg::text(
                "asset_type",
                "Comma-separated: image, video, audio, folder.",
            )
            .optional(),
            Arg::text("search", "Words in the name.").optional(),
            Arg::text("order", "recent for the newest first.").optional(),
            Arg::text("page", "The page, from 1.").optional(),
            Arg::text("page_size", "Items a page (20 unless said).").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let query = call.raw_query(&[
                    "folder_id",
                    "asset_type",
                    "search",
                    "order",
                    "page",
                    "page_size",
                ]);
                answer(
                    asset_libraries::list::list_asset_libraries(
                        call.state(),
                        call.caller(),
                        agent,
                        query,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_direct_upload",
        about: "A signed URL to PUT a file's bytes to (with the headers it answers), and the \
                signed_id that names the upload for gen_create_content_resource.",
        cost: Free,
        args: &[
            Arg::text("filename", "The file's name, with its extension."),
            Arg::text("byte_size", "Its size in bytes.").of(Kind::Number),
            Arg::text("checksum", "The base64 MD5 of its bytes."),
            Arg::text("content_type", "Its MIME type, such as video/mp4."),
        ],
        run: |call| {
            Box::pin(async move {
                let body = call.wrapped(&["filename", "byte_size", "checksum", "content_type"])?;
                answer(
                    direct_uploads::create::create_direct_upload(call.state(), call.caller(), body)
                        .await,
                )
            })
        },
    },
];
