//! Step 1, an agent's voice: the library, designing, cloning and previewing voices, and a
//! connected ElevenLabs key.

use axum::extract::Path;
use serde_json::Value;

use crate::mcp::catalogue::{Arg, Call, Cost, Kind, Tool, answer};
use crate::routes::voices;

const AGENT_ID: Arg = Arg::text("agent_id", "The agent's id.");
const SOURCES: &[&str] = &["public", "user_designed", "user_trained", "user_elevenlabs"];

/// The details a new voice is saved with.
const DETAILS: [&str; 4] = ["name", "gender", "language", "description"];

pub static TOOLS: &[Tool] = &[
    Tool {
        name: "gen_connect_agent_elevenlabs",
        about: "Connects your ElevenLabs key to the agent, checked first; your ElevenLabs \
                voices then list as user_elevenlabs.",
        cost: Cost::Free,
        args: &[AGENT_ID, Arg::text("api_key", "Your ElevenLabs API key.")],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = call.json_as(call.fields(&["api_key"]).into())?;
                answer(
                    voices::connect_elevenlabs::connect_elevenlabs(
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
        name: "gen_list_agent_voices",
        about: "The voices the agent can use, from every source or one. Bind one with \
                gen_update_agent_core's voice section.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("source", "Only voices of this source.")
                .of(Kind::OneOf(SOURCES))
                .optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let filter = call.query(&["source"])?;
                answer(
                    voices::library::list_agent_voices(call.state(), call.caller(), agent, filter)
                        .await,
                )
            })
        },
    },
    Tool {
        name: "gen_generate_voice_script",
        about: "Voice design, 1 of 4: a script for a candidate voice to read aloud.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("language", "The script's language.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = call.json_as(call.fields(&["language"]).into())?;
                answer(
                    voices::generate_script::generate_voice_script(
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
        name: "gen_generate_voice_description",
        about: "Voice design, 2 of 4: a description of the voice's style (tone, pace, energy).",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("gender", "male, female, non-binary …"),
            Arg::text("voice_description", "A hint, such as 'warm and confident'.").optional(),
            Arg::text("language", "The voice's language.").optional(),
            Arg::text("script", "The script from step 1.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let fields = ["gender", "voice_description", "language", "script"];
                let body = call.json_as(call.fields(&fields).into())?;
                answer(
                    voices::generate_description::generate_voice_description(
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
        name: "gen_generate_voice_samples",
        about: "Voice design, 3 of 4: three candidate voices reading the script. Pass the \
                chosen one's generation_id to gen_design_voice.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("text", "The script to read."),
            Arg::text("description", "The style from step 2.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = call.json_as(call.fields(&["text", "description"]).into())?;
                answer(
                    voices::generate_samples::generate_voice_samples(
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
        name: "gen_design_voice",
        about: "Voice design, 4 of 4: keeps a candidate from step 3 as a voice of the agent \
                (source user_designed).",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("generation_id", "The candidate's generation_id."),
            Arg::text("name", "The voice's name."),
            Arg::text("gender", "The voice's gender.").optional(),
            Arg::text("language", "The voice's language.").optional(),
            Arg::text("description", "What it sounds like.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = call.json_as(with_details(&call, &["generation_id"]))?;
                answer(
                    voices::finalize_design::finalize_designed_voice(
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
        name: "gen_clone_voice",
        about: "Clones a voice from a recording, by URL (preferred) or as base64 for a short \
                clip. Answers the voice at once (source user_trained).",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("name", "The voice's name."),
            Arg::text("audio_url", "An MP3 or WAV to clone.").optional(),
            Arg::text("audio_base64", "The recording's bytes, base64.").optional(),
            Arg::text("gender", "The voice's gender.").optional(),
            Arg::text("language", "The voice's language.").optional(),
            Arg::text("description", "What it sounds like.").optional(),
        ],
        run: |call| {
            Box::pin(async move {
                let agent = call.path_id("agent_id");
                let body = call.json_as(with_details(&call, &["audio_url", "audio_base64"]))?;
                answer(voices::clone::clone_voice(call.state(), call.caller(), agent, body).await)
            })
        },
    },
    Tool {
        name: "gen_preview_voice",
        about: "A voice saying a text, to audition it. Answers a user_job_id at once: poll \
                gen_get_voice_preview_status.",
        cost: Cost::Charged("as speech of the text's length, by the pricing table."),
        args: &[
            AGENT_ID,
            Arg::text("voice_id", "The voice to hear."),
            Arg::text("text", "What it says (under 500 characters is quick)."),
        ],
        run: |call| {
            Box::pin(async move {
                let place = Path((
                    call.raw_id("agent_id"),
                    call.text("voice_id").unwrap_or_default(),
                ));
                let body = call.json_as(call.fields(&["text"]).into())?;
                answer(
                    voices::preview::preview_voice(call.state(), call.caller(), place, body).await,
                )
            })
        },
    },
    Tool {
        name: "gen_get_voice_preview_status",
        about: "A voice preview's job: its status and, once completed, the audio in \
                output_resources.",
        cost: Cost::Free,
        args: &[
            AGENT_ID,
            Arg::text("job_id", "The user_job_id gen_preview_voice answered."),
        ],
        run: |call| {
            Box::pin(async move {
                let place = Path((call.raw_id("agent_id"), call.raw_id("job_id")));
                answer(
                    voices::preview_status::get_voice_preview_status(
                        call.state(),
                        call.caller(),
                        place,
                    )
                    .await,
                )
            })
        },
    },
    Tool {
        name: "gen_delete_voice",
        about: "Deletes a voice the agent designed or cloned.",
        cost: Cost::Free,
        args: &[AGENT_ID, Arg::text("voice_id", "The voice's id.")],
        run: |call| {
            Box::pin(async move {
                let place = Path((
                    call.raw_id("agent_id"),
                    call.text("voice_id").unwrap_or_default(),
                ));
                answer(voices::delete::delete_agent_voice(call.state(), call.caller(), place).await)
            })
        },
    },
];

/// The `fields` that are set, with the new voice's details.
fn with_details(call: &Call, fields: &[&str]) -> Value {
    let mut body = call.fields(fields);
    body.extend(call.fields(&DETAILS));
    body.into()
}
