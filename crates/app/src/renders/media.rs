//! Where a render reads each layer's media from, and what it is. A content resource id must
//! be the agent's own and is read straight from storage (a file on local storage, a
//! short-lived signed URL on S3), and so is one of ace's own public file URLs; any other
//! http(s) URL is fetched into the run's directory under the outbound rules (public
//! addresses only unless configured otherwise, no redirects, bounded size). Then ffprobe
//! says what the file holds.

use std::path::Path;
use std::time::Duration;

use ace_db::content_resources as resources;
use ace_domain::ids::{AgentId, ContentResourceId};
use ace_render::{Layer, Media, Source};
use tokio::io::AsyncWriteExt;
use tracing::warn;

use ace_net::outbound;

use crate::{App, AppResult};

/// How long fetching one URL may take.
const FETCH_TIMEOUT: Duration = Duration::from_secs(300);

/// Reads what each layer's media is. `Err(reason)` is for the client: it names the layer.
pub(crate) async fn probe_all(
    app: &App,
    agent: AgentId,
    layers: &[Layer],
    dir: &Path,
) -> AppResult<Result<Vec<Option<Media>>, String>> {
    let mut found = Vec::with_capacity(layers.len());
    for (index, layer) in layers.iter().enumerate() {
        let Some(source) = layer.content.source() else {
            found.push(None);
            continue;
        };
        let input = match locate(app, agent, source, dir, index).await? {
            Ok(input) => input,
            Err(problem) => return Ok(Err(format!("{}: {problem}", layer.label()))),
        };
        match ace_render::probe(&app.media, &input).await {
            Ok(media) => found.push(Some(media)),
            Err(err) => {
                warn!(layer = %layer.name, error = %err, "a render source could not be probed");
                return Ok(Err(format!(
                    "{}: its source could not be read as media",
                    layer.label()
                )));
            }
        }
    }
    Ok(Ok(found))
}

/// A location ffmpeg can read `source` from.
async fn locate(
    app: &App,
    agent: AgentId,
    source: &Source,
    dir: &Path,
    index: usize,
) -> AppResult<Result<String, String>> {
    match source {
        Source::Resource(id) => {
            let mut conn = app.db.conn().await?;
            let Some(resource) =
                resources::find(&mut conn, agent, ContentResourceId::new(*id)).await?
            else {
                return Ok(Err(format!(
                    "content resource {id} does not exist or is not this agent's"
                )));
            };
            drop(conn);
            if !matches!(resource.kind.as_str(), "video" | "image" | "audio") {
                return Ok(Err(format!(
                    "content resource {id} is a {} file, not media",
                    resource.kind
                )));
            }
            Ok(Ok(app
                .storage
                .readable_location(&resource.storage_key)
                .await?))
        }
        Source::Url(url) => match app.storage.key_of_public_url(url) {
            Some(key) => {
                if app.storage.head(key).await?.is_none() {
                    return Ok(Err(
                        "its src is a file of this server that no longer exists".into(),
                    ));
                }
                Ok(Ok(app.storage.readable_location(key).await?))
            }
            None => Ok(fetch(app, url, &dir.join(format!("source{index}"))).await),
        },
        Source::Path(_) => Ok(Err(
            "local files can only be rendered with `ace render`".into()
        )),
    }
}

/// Downloads `url` to `target` under the outbound rules.
async fn fetch(app: &App, url: &str, target: &Path) -> Result<String, String> {
    download(app, url, app.settings.outbound_reach, "its src URL", target).await?;
    Ok(target.to_string_lossy().into_owned())
}

/// Downloads `url` to `target`, reaching only `reach`, with no redirects and at most the
/// largest file ace accepts. Errors are for the client and start with `what`.
pub(crate) async fn download(
    app: &App,
    url: &str,
    reach: outbound::Reach,
    what: &str,
    target: &Path,
) -> Result<(), String> {
    let fetch = outbound::Fetch {
        url,
        field: what,
        reach,
        timeout: FETCH_TIMEOUT,
        user_agent: concat!("ace/", env!("CARGO_PKG_VERSION")),
    };
    let mut response = fetch.send().await?;
    let limit = app.settings.max_file_bytes;
    let too_large = || format!("{what} is larger than {} MiB", limit / (1024 * 1024));
    if response
        .content_length()
        .is_some_and(|length| length > limit)
    {
        return Err(too_large());
    }
    let failed = |_| format!("{what} could not be saved");
    let mut file = tokio::fs::File::create(target).await.map_err(failed)?;
    let mut written = 0u64;
    loop {
        let chunk = response.chunk().await.map_err(|err| {
            format!(
                "{what} could not be fetched: {}",
                outbound::describe(&err, FETCH_TIMEOUT)
            )
        })?;
        let Some(chunk) = chunk else { break };
        written += chunk.len() as u64;
        if written > limit {
            return Err(too_large());
        }
        file.write_all(&chunk).await.map_err(failed)?;
    }
    file.flush().await.map_err(failed)?;
    Ok(())
}
