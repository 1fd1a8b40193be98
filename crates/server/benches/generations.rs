//! Drives `bench/generations.sh` (a benchmark, not a test): media generations (no model, zero
//! cost) are triggered over HTTP against a running ace, and each is timed until its
//! `generation.completed` callback reaches a receiver here. Reports generations completed per
//! second under load, and p50/p99 trigger → completed callback when unsaturated.
//!
//!   cargo bench -p ace-server --bench generations -- ADDRESS API_KEY [LOAD] [PACED] [CLIENTS]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// When each generation's completed callback arrived.
#[derive(Default)]
struct Completions {
    at: Mutex<HashMap<i64, Instant>>,
    changed: Notify,
}

impl Completions {
    fn get(&self, id: i64) -> Option<Instant> {
        self.at.lock().unwrap().get(&id).copied()
    }

    /// Waits until every id has completed, or fails after `timeout`.
    async fn wait_all(&self, ids: &[i64], timeout: Duration) -> Result<Instant> {
        let deadline = Instant::now() + timeout;
        loop {
            let changed = self.changed.notified();
            {
                let at = self.at.lock().unwrap();
                let done = ids.iter().filter(|id| at.contains_key(id)).count();
                if done == ids.len() {
                    return Ok(ids
                        .iter()
                        .filter_map(|id| at.get(id))
                        .copied()
                        .max()
                        .unwrap_or_else(Instant::now));
                }
                if Instant::now() >= deadline {
                    bail!("only {done} of {} generations completed", ids.len());
                }
            }
            let _ = tokio::time::timeout(Duration::from_millis(200), changed).await;
        }
    }
}

async fn receive(State(completions): State<Arc<Completions>>, body: Bytes) -> &'static str {
    let now = Instant::now();
    if let Ok(event) = serde_json::from_slice::<Value>(&body)
        && event["type"] == "generation.completed"
        && let Some(id) = event["data"]["id"].as_i64()
    {
        completions.at.lock().unwrap().entry(id).or_insert(now);
        completions.changed.notify_waiters();
    }
    ""
}

/// An API client for one ace.
#[derive(Clone)]
struct Api {
    http: reqwest::Client,
    base: String,
    key: String,
}

impl Api {
    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .header("X-API-Key", &self.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request
            .send()
            .await
            .with_context(|| format!("{method} {path}"))?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            bail!("{method} {path}: {status} {}", &text[..text.len().min(300)]);
        }
        Ok(if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)?
        })
    }
}

/// Each client regenerates its own rows in turn, as a batch over a sheet would.
const ROWS_PER_CLIENT: usize = 8;

/// Where the benchmark triggers.
struct Setup {
    query: String,
    sheet: i64,
    cells: Vec<i64>,
    card: Value,
}

/// A 1×1 white PNG.
fn tiny_png() -> Vec<u8> {
    let mut png = Vec::new();
    let image = image::RgbImage::from_pixel(1, 1, image::Rgb([255, 255, 255]));
    image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    png
}

async fn set_up(api: &Api, sink: &str, clients: usize) -> Result<Setup> {
    let agents = api.call(reqwest::Method::GET, "/v1/agents", None).await?;
    let agent = agents[0]["id"].as_i64().context("no agent")?;
    let query = format!("?agent_id={agent}");
    let part = reqwest::multipart::Part::bytes(tiny_png())
        .file_name("dot.png")
        .mime_str("image/png")?;
    let form = reqwest::multipart::Form::new().part("content_resource[file]", part);
    let resource: Value = api
        .http
        .post(format!("{}/v1/content_resources{query}", api.base))
        .header("X-API-Key", &api.key)
        .multipart(form)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let resource_id = resource["content_resource"]["id"]
        .as_i64()
        .context("no resource id")?;
    let config = json!({ "automation_config": { "callback_url": sink } });
    api.call(
        reqwest::Method::PATCH,
        &format!("/v1/agents/{agent}/automation_config"),
        Some(config),
    )
    .await?;
    let sheet = api
        .call(
            reqwest::Method::POST,
            &format!("/v1/autocontentengine{query}"),
            Some(json!({ "spreadsheet": { "title": "Bench" } })),
        )
        .await?["id"]
        .as_i64()
        .context("no engine id")?;
    let rows = clients * ROWS_PER_CLIENT;
    let mut cells = Vec::with_capacity(rows);
    for _ in 0..rows {
        let row = api
            .call(
                reqwest::Method::POST,
                &format!("/v1/autocontentengine/{sheet}/rows{query}"),
                Some(json!({})),
            )
            .await?;
        let cell = row["spreadsheet_cells"]
            .as_array()
            .and_then(|cells| cells.iter().find(|c| c["cell_role"] == "video"))
            .and_then(|c| c["id"].as_i64())
            .context("no video cell")?;
        cells.push(cell);
    }
    Ok(Setup {
        query,
        sheet,
        cells,
        card: json!({ "generation_type": "media", "data": { "content_resource_id": resource_id } }),
    })
}

async fn trigger(api: &Api, setup: &Setup, cell: i64) -> Result<(i64, Instant)> {
    let started = Instant::now();
    let path = format!(
        "/v1/autocontentengine/{}/cells/{cell}/generate{}",
        setup.sheet, setup.query
    );
    let reply = api
        .call(reqwest::Method::POST, &path, Some(setup.card.clone()))
        .await?;
    let id = reply["generation_id"]
        .as_i64()
        .context("no generation_id")?;
    Ok((id, started))
}

fn percentile(sorted: &[f64], fraction: f64) -> f64 {
    let index = ((sorted.len() as f64) * fraction) as usize;
    sorted[index.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; the rest are ours.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [address, key, rest @ ..] = args.as_slice() else {
        bail!("usage: generations ADDRESS API_KEY [LOAD] [PACED] [CLIENTS]");
    };
    let number = |index: usize, default: usize| -> Result<usize> {
        rest.get(index)
            .map_or(Ok(default), |n| n.parse().context("a count"))
    };
    let (load, paced, clients) = (number(0, 2000)?, number(1, 200)?, number(2, 8)?);

    let completions = Arc::new(Completions::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let sink = format!("http://{}/callback", listener.local_addr()?);
    let app = Router::new()
        .route("/callback", post(receive))
        .with_state(completions.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let api = Api {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(clients * 2)
            .build()?,
        base: format!("http://{address}"),
        key: key.clone(),
    };
    let setup = Arc::new(set_up(&api, &sink, clients).await?);

    // Load: every client triggers as fast as it can.
    let began = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(clients);
    for client in 0..clients {
        let (api, setup, next) = (api.clone(), setup.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            let mine: Vec<i64> = setup
                .cells
                .iter()
                .skip(client)
                .step_by(clients)
                .copied()
                .collect();
            while next.fetch_add(1, Ordering::Relaxed) < load {
                let cell = mine[ids.len() % mine.len()];
                ids.push(trigger(&api, &setup, cell).await?.0);
            }
            anyhow::Ok(ids)
        }));
    }
    let mut ids = Vec::with_capacity(load);
    for task in tasks {
        ids.extend(task.await??);
    }
    let triggered = began.elapsed();
    let ended = completions.wait_all(&ids, Duration::from_secs(600)).await?;
    let took = ended.duration_since(began).as_secs_f64();
    println!(
        "load: {load} generations, {clients} clients: triggered in {:.2} s, all completed and called back in {took:.2} s: {:.0} generations/s",
        triggered.as_secs_f64(),
        load as f64 / took
    );

    // Paced: one at a time, 20 a second, far from saturation.
    let mut latencies = Vec::with_capacity(paced);
    for n in 0..paced {
        let (id, started) = trigger(&api, &setup, setup.cells[n % setup.cells.len()]).await?;
        completions.wait_all(&[id], Duration::from_secs(30)).await?;
        let done = completions.get(id).context("completed")?;
        latencies.push(done.duration_since(started).as_secs_f64() * 1000.0);
        tokio::time::sleep(Duration::from_millis(50).saturating_sub(started.elapsed())).await;
    }
    if !latencies.is_empty() {
        latencies.sort_by(f64::total_cmp);
        println!(
            "paced: {paced} generations one at a time: trigger -> completed callback p50 {:.1} ms, p99 {:.1} ms",
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99)
        );
    }
    Ok(())
}
