//! Step 4, edit and generate: columns, rows, cells, layers, variables, and generations on a
//! cell or a layer.

use axum::extract::Path;
use serde_json::{Value, json};

use crate::extract::IdempotencyKey;
use crate::mcp::catalogue::{Arg, Call, Cost, Kind, Tool, answer};
use crate::routes::{cells, columns, generations, global_variables, layers, rows};

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const ENGINE_ID: Arg = Arg::text("engine_id", "The engine's (vidsheet's) id.");
const COLUMN_ID: Arg = Arg::text("column_id", "The column's id.");
const CELL_ID: Arg = Arg::text("cell_id", "The cell's id.");
const LAYER_ID: Arg = Arg::text("layer_id", "The layer's id.");
const POSITION: Arg = Arg::text("position", "Where it goes, from 1.")
    .of(Kind::Number)
    .optional();

/// What a generation costs, in every generating tool's description.
const GENERATION_COST: Cost = Cost::Charged(
    "the generation's estimate from the pricing table (by type and model), charged when it \
     starts and refunded if it fails or is stopped; gen_get_generation shows what it cost.",
);

/// The engine and a thing inside it, as a path.
fn place(call: &Call, inner: &str) -> Path<(crate::extract::RawId, crate::extract::RawId)> {
    Path((call.raw_id("engine_id"), call.raw_id(inner)))
}

/// The engine, the cell and the layer, as a path.
fn layer_place(
    call: &Call,
) -> Path<(
    crate::extract::RawId,
    crate::extract::RawId,
    crate::extract::RawId,
)> {
    Path((
        call.raw_id("engine_id"),
        call.raw_id("cell_id"),
        call.raw_id("layer_id"),
    ))
}

/// A generation's body: its type and card data, as GEN's tools send them.
fn generation_body(call: &Call) -> Value {
    let mut body = json!(call.fields(&["generation_type"]));
    if let Some(data) = call.args.get("data").filter(|data| !data.is_null()) {
        body["data"] = data.clone();
    }
    body
}

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_list_columns",
        about: "An engine's columns, with their type and role.",
        cost: Cost::Free,
        args: &[ENGINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, id) = (call.agent()?, call.path_id("engine_id"));
                answer(columns::list::list_columns(call.state(), call.caller(), agent, id).await)
            })
        },
    },
    Tool {
        name: "gen_create_column",
        about: "Adds an ingredient column (text, image, video or audio) to an engine.",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            AGENT_ID,
            Arg::text("title", "The column's title."),
            Arg::text("type", "text, image, video or audio."),
            POSITION,
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, id) = (call.agent()?, call.path_id("engine_id"));
                let body = call.wrapped(&["title", "type", "position"])?;
                answer(
                    columns::create::create_column(call.state(), call.caller(), agent, id, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_update_column",
        about: "Changes an ingredient column's title, type or position.",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            COLUMN_ID,
            AGENT_ID,
            Arg::text("title", "The new title.").optional(),
            Arg::text("type", "text, image, video or audio.").optional(),
            POSITION,
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.agent()?;
                let body = call.wrapped(&["title", "type", "position"])?;
                let place = place(&call, "column_id");
                answer(
                    columns::update::update_column(call.state(), call.caller(), agent, place, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_delete_column",
        about: "Deletes an ingredient column and its cells.",
        cost: Cost::Free,
        args: &[ENGINE_ID, COLUMN_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, place(&call, "column_id"));
                answer(
                    columns::delete::delete_column(call.state(), call.caller(), agent, place).await,
                )
            })
        },
    },
    Tool {
        name: "gen_list_rows",
        about: "An engine's rows (each a video) with their cells.",
        cost: Cost::Free,
        args: &[ENGINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, id) = (call.agent()?, call.path_id("engine_id"));
                answer(rows::list::list_rows(call.state(), call.caller(), agent, id).await)
            })
        },
    },
    Tool {
        name: "gen_create_row",
        about: "Adds a row (a new video) to an engine, with a cell in every column.",
        cost: Cost::Free,
        args: &[ENGINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, id) = (call.agent()?, call.path_id("engine_id"));
                let body = call.wrapped(&[])?;
                answer(rows::create::create_row(call.state(), call.caller(), agent, id, body).await)
            })
        },
    },
    Tool {
        name: "gen_duplicate_row",
        about: "Copies a row with its ingredient values and layers.",
        cost: Cost::Free,
        args: &[ENGINE_ID, Arg::text("row_id", "The row's id."), AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, place(&call, "row_id"));
                answer(
                    rows::duplicate::duplicate_row(call.state(), call.caller(), agent, place).await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_cell",
        about: "A cell's value, its card, its generations and its layers.",
        cost: Cost::Free,
        args: &[ENGINE_ID, CELL_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, place(&call, "cell_id"));
                answer(cells::show::get_cell(call.state(), call.caller(), agent, place).await)
            })
        },
    },
    Tool {
        name: "gen_update_cell",
        about: "Sets a cell's value (an ingredient's text, say).",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            CELL_ID,
            AGENT_ID,
            Arg::text("value", "The new value."),
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, place(&call, "cell_id"));
                let body = call.wrapped(&["value"])?;
                answer(
                    cells::update::update_cell(call.state(), call.caller(), agent, place, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_create_layer",
        about: "Adds a layer (clip, image, sound, text, caption or shape) to a video cell's \
                timeline.",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            CELL_ID,
            AGENT_ID,
            Arg::text("name", "The layer's name."),
            Arg::text("type", "clip, image, sound, text, caption or shape."),
            POSITION,
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, place(&call, "cell_id"));
                let body = call.wrapped(&["name", "type", "position"])?;
                answer(
                    layers::create::create_layer(call.state(), call.caller(), agent, place, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_layer",
        about: "One layer with its attributes.",
        cost: Cost::Free,
        args: &[ENGINE_ID, CELL_ID, LAYER_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, layer_place(&call));
                answer(layers::show::get_layer(call.state(), call.caller(), agent, place).await)
            })
        },
    },
    Tool {
        name: "gen_update_layer",
        about: "Changes a layer's name, type, position or attributes (timing, box, styles, \
                source column).",
        cost: Cost::Free,
        args: &[
            ENGINE_ID,
            CELL_ID,
            LAYER_ID,
            AGENT_ID,
            Arg::text("name", "The new name.").optional(),
            Arg::text("type", "The new type.").optional(),
            POSITION,
            Arg::text("additional_attributes", "Attributes to set.")
                .of(Kind::Object)
                .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, layer_place(&call));
                let body = call.wrapped(&["name", "type", "position", "additional_attributes"])?;
                answer(
                    layers::update::update_layer(call.state(), call.caller(), agent, place, body)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_delete_layer",
        about: "Removes a layer from its timeline.",
        cost: Cost::Free,
        args: &[ENGINE_ID, CELL_ID, LAYER_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, layer_place(&call));
                answer(
                    layers::delete::delete_layer(call.state(), call.caller(), agent, place).await,
                )
            })
        },
    },
    Tool {
        name: "gen_list_variables",
        about: "An engine's global variables ({{brand_name}} and the like).",
        cost: Cost::Free,
        args: &[ENGINE_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, id) = (call.agent()?, call.path_id("engine_id"));
                answer(
                    global_variables::show::get_global_variables(
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
        name: "gen_generate_content",
        about: "Starts a generation that fills a cell: text, image_from_text, \
                video_from_text, video_from_image, video_from_ingredients, speech_from_text, \
                lipsync, captions or media. Answers a generation_id at once: poll \
                gen_get_generation.",
        cost: GENERATION_COST,
        args: &[
            ENGINE_ID,
            CELL_ID,
            AGENT_ID,
            Arg::text(
                "generation_type",
                "What to generate (GEN's internal names work too).",
            ),
            Arg::text("data", "The card's parameters: prompt, model and so on.")
                .of(Kind::Object)
                .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, place(&call, "cell_id"));
                let body = call.json_as(generation_body(&call))?;
                answer(
                    generations::generate_on_cell::generate_cell_content(
                        call.state(),
                        call.caller(),
                        agent,
                        place,
                        IdempotencyKey(None),
                        body,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_generate_layer",
        about: "Starts the generation a layer is set up for. Answers a generation_id at \
                once: poll gen_get_generation.",
        cost: GENERATION_COST,
        args: &[ENGINE_ID, CELL_ID, LAYER_ID, AGENT_ID],
        run: |call| {
            Box::pin(async move {
                let (agent, place) = (call.agent()?, layer_place(&call));
                let body = call.json_as(json!({}))?;
                answer(
                    generations::generate_on_layer::generate_layer_content(
                        call.state(),
                        call.caller(),
                        agent,
                        place,
                        IdempotencyKey(None),
                        body,
                    )
                    .await,
                )
            })
        },
    },
];
