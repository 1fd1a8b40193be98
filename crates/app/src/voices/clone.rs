//! Voice cloning: a sample (fetched from `audio_url` under the outbound rules, or sent inline
//! as `audio_base64`) is kept in the agent's asset library and becomes a `user_trained`
//! voice. With no cloning provider, ace does not pretend to clone: it measures the sample's
//! pitch and pace and tunes its own voice to them, and says so in the voice's description.

use std::time::Duration;

use ace_db::agents::AgentRecord;
use ace_db::voices::{self as store, NewVoice};
use ace_domain::ids::AgentId;
use ace_domain::voice::VoiceSource;
use ace_providers::local::speech::analysis::{self, MIN_VOICED_SECONDS, Measured};
use ace_providers::remote::elevenlabs::{NewVoice as ElevenLabsNewVoice, VoiceSample};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use serde_json::json;
use tracing::warn;

use super::elevenlabs::refused_or_unreachable;
use super::{
    Checked, Details, ELEVENLABS, LOCAL, VoiceItem, agent_key, bad_request, given, item,
    local_settings, writable,
};
use crate::content_resources::{Placement, Staged, discard, record_upload, stage};
use crate::files::Incoming;
use ace_net::outbound;

use crate::{Actor, App, AppError, AppResult, ErrorKind};

/// How long fetching a sample may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);
/// The largest sample a clone takes, inline or fetched.
pub const MAX_SAMPLE_BYTES: u64 = 32 * 1024 * 1024;
/// The rate samples are measured at.
const ANALYSIS_RATE: u32 = 16_000;

/// Where the sample comes from, as sent.
#[derive(Clone, Debug, Default)]
pub struct SampleSource {
    pub audio_url: Option<String>,
    pub audio_base64: Option<String>,
}

/// Clones a voice from a sample, synchronously.
pub async fn clone(
    app: &App,
    actor: &Actor,
    agent: AgentId,
    details: Details,
    source: SampleSource,
) -> AppResult<VoiceItem> {
    let details = details.checked()?;
    let (url, inline) = (given(source.audio_url), given(source.audio_base64));
    let record = writable(&mut app.db.conn().await?, actor, agent).await?;
    let sample = match (url, inline) {
        (Some(_), Some(_)) => {
            return Err(bad_request(
                "give exactly one of audio_url and audio_base64, not both",
            ));
        }
        (None, None) => return Err(bad_request("audio_url or audio_base64 is required")),
        (Some(url), None) => fetch(app, &url).await?,
        (None, Some(encoded)) => decode(&encoded)?,
    };
    let staged = stage_sample(app, sample, &details.name).await?;
    let made = match made_voice(app, &record, &details, &staged).await {
        Ok(made) => made,
        Err(err) => {
            discard(app, staged).await;
            return Err(err);
        }
    };
    let sample = record_upload(app, actor, agent, staged, Placement::default()).await?;
    let new = NewVoice {
        agent_id: agent,
        source: VoiceSource::UserTrained.as_str(),
        name: &details.name,
        gender: details.gender.as_deref(),
        language: details.language.as_deref(),
        description: Some(&made.description),
        provider: made.provider,
        provider_voice_id: made.provider_voice_id.as_deref(),
        settings: &made.settings,
        sample_resource_id: Some(sample.id.get()),
    };
    let mut writer = app.db.writer().await?;
    let record = store::insert(&mut writer, &new, app.clock.now()).await?;
    Ok(item(&record))
}

/// A voice learned from a sample, before it is stored.
struct Made {
    provider: &'static str,
    provider_voice_id: Option<String>,
    settings: serde_json::Value,
    description: String,
}

/// Clones the staged sample in the agent's ElevenLabs account, or else tunes ace's own voice
/// to it. Either way the sample must be speech.
async fn made_voice(
    app: &App,
    agent: &AgentRecord,
    details: &Checked,
    staged: &Staged,
) -> AppResult<Made> {
    let measured = measure(app, staged).await?;
    if let Some(key) = agent_key(agent) {
        let bytes = app
            .storage
            .get(staged.storage_key())
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("a staged sample vanished")))?;
        let new = ElevenLabsNewVoice {
            name: details.name.clone(),
            description: details.description.clone(),
            samples: vec![VoiceSample {
                file_name: format!("{}.{}", details.name, staged.extension()),
                bytes: bytes.to_vec(),
            }],
        };
        let voice_id = app
            .elevenlabs
            .client
            .add_voice(&key, &new)
            .await
            .map_err(|err| refused_or_unreachable(&err))?;
        return Ok(Made {
            provider: ELEVENLABS,
            provider_voice_id: Some(voice_id),
            settings: json!({}),
            description: details
                .description
                .clone()
                .unwrap_or_else(|| "Cloned by ElevenLabs from a sample.".to_owned()),
        });
    }
    let voice = app
        .speech
        .tuned_to(&measured, details.language.as_deref())
        .await
        .map_err(|err| AppError::internal(anyhow::anyhow!("tuning a voice: {err}")))?;
    let figures = json!({
        "pitch_hz": round(measured.pitch_hz),
        "syllables_per_second": round(measured.syllables_per_second),
        "voiced_seconds": round(measured.voiced_seconds),
    });
    Ok(Made {
        provider: LOCAL,
        provider_voice_id: None,
        settings: local_settings(&voice, Some(figures)),
        description: tuned_description(details, &measured),
    })
}

/// Stores the sample in the agent's storage (not yet as a resource).
async fn stage_sample(app: &App, sample: Bytes, name: &str) -> AppResult<Staged> {
    let incoming = Incoming {
        file_name: Some(format!("voice sample - {name}")),
        content_type: None,
        body: futures::stream::iter([Ok::<_, std::io::Error>(sample)]),
    };
    stage(app, incoming).await.map_err(|err| match err.kind {
        ErrorKind::Unprocessable => bad_request(format!("the audio sample: {}", err.message)),
        _ => err,
    })
}

/// Downloads the sample at `url` under the outbound rules.
async fn fetch(app: &App, url: &str) -> AppResult<Bytes> {
    let fetch = outbound::Fetch {
        url,
        field: "audio_url",
        reach: app.settings.outbound_reach,
        timeout: FETCH_TIMEOUT,
        user_agent: "ace-voices/1",
    };
    fetch.bytes(MAX_SAMPLE_BYTES).await.map_err(bad_request)
}

fn decode(encoded: &str) -> AppResult<Bytes> {
    // Data URLs (`data:audio/mpeg;base64,...`) are accepted as well as bare base64.
    let bare = encoded
        .split_once(";base64,")
        .map_or(encoded, |(_, data)| data);
    let cleaned: String = bare.chars().filter(|c| !c.is_whitespace()).collect();
    let sample = STANDARD
        .decode(cleaned)
        .map_err(|_| bad_request("audio_base64 is not valid base64"))?;
    if sample.len() as u64 > MAX_SAMPLE_BYTES {
        return Err(bad_request(format!(
            "audio_base64 holds more than {} MiB; send a shorter sample, or its audio_url",
            MAX_SAMPLE_BYTES / (1024 * 1024)
        )));
    }
    Ok(Bytes::from(sample))
}

/// The staged sample's pitch and pace; a sample that is not speech is refused.
async fn measure(app: &App, staged: &Staged) -> AppResult<Measured> {
    if !matches!(staged.kind(), "audio" | "video") {
        return Err(bad_request(format!(
            "the audio sample is a {} file, not audio",
            staged.kind()
        )));
    }
    let location = app.storage.readable_location(staged.storage_key()).await?;
    measure_speech(app, &location).await?.ok_or_else(|| {
        bad_request(format!(
            "the audio sample has too little clear speech to learn a voice from (at least \
             {MIN_VOICED_SECONDS} s of voiced speech is needed; 30 s or more works best)"
        ))
    })
}

/// The pitch and pace of the speech in the media at `location`; `None` when it holds too
/// little (or no) speech.
pub(crate) async fn measure_speech(app: &App, location: &str) -> AppResult<Option<Measured>> {
    let samples = app
        .media
        .mono_pcm(location, ANALYSIS_RATE)
        .await
        .unwrap_or_else(|err| {
            warn!(error = %err, "a voice sample could not be decoded");
            Vec::new()
        });
    tokio::task::spawn_blocking(move || analysis::measure(&samples, ANALYSIS_RATE))
        .await
        .map_err(AppError::internal)
}

/// What a tuned voice is, in a sentence.
pub(crate) fn tuned_summary(measured: &Measured) -> String {
    format!(
        "ace's own voice tuned to a sample's measured pitch ({:.0} Hz) and pace ({:.1} \
         syllables a second); not a neural clone. Connect ElevenLabs to this agent for real \
         cloning.",
        measured.pitch_hz, measured.syllables_per_second
    )
}

/// Says what the voice is: the client's description, then what was measured.
fn tuned_description(details: &Checked, measured: &Measured) -> String {
    let tuned = tuned_summary(measured);
    match &details.description {
        Some(own) => format!("{own} ({tuned})"),
        None => tuned,
    }
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}
