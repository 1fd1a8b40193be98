//! Drives `bench/knowledge.sh` (a benchmark, not a test): a corpus of 5,000 posts and 20,000
//! comments across three platforms is imported over HTTP into a running ace, then imported
//! again with grown metrics (a second fetch: every post known, a new metrics snapshot each);
//! each import is timed from the upload until its job completes. Then the agent's ranked
//! questions are asked of the knowledge base directly (as the agent's tools will), and their
//! p50/p99 reported.
//!
//!   cargo bench -p ace-server --bench knowledge -- ADDRESS API_KEY AGENT_ID DATABASE_URL

use std::time::{Duration, Instant};

use ace_db::knowledge;
use ace_db::{ConnectOptions, Database};
use ace_domain::ids::AgentId;
use ace_domain::knowledge::monitoring::Platform;
use ace_domain::knowledge::query::{PostQuery, Ranking};
use ace_fixtures::{CORPUS_NOW, social_corpus};
use anyhow::{Context, Result, bail};
use chrono::{DateTime, Utc};
use serde_json::Value;

const POSTS: usize = 5_000;
const COMMENTS: usize = 20_000;
/// Questions of each kind asked.
const ROUNDS: usize = 60;

/// The `n`th question of a kind.
type Question = Box<dyn Fn(usize) -> PostQuery>;

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let [address, key, agent, database_url] = args.as_slice() else {
        bail!("usage: knowledge ADDRESS API_KEY AGENT_ID DATABASE_URL");
    };
    let base = format!("http://{address}");
    let agent: i64 = agent.parse().context("AGENT_ID")?;
    let http = reqwest::Client::builder().no_proxy().build()?;

    let corpus = social_corpus(POSTS, COMMENTS, 7);
    let file = corpus.ndjson();
    let mib = file.len() as f64 / (1024.0 * 1024.0);
    let (seconds, result) = import(&http, &base, key, agent, file).await?;
    println!(
        "import, first fetch: {POSTS} posts + {COMMENTS} comments ({mib:.1} MiB NDJSON) in {seconds:.2} s: \
         {:.0} posts/s, {:.0} records/s (new: {} posts, {} comments)",
        POSTS as f64 / seconds,
        (POSTS + COMMENTS) as f64 / seconds,
        result["posts_new"],
        result["comments_new"],
    );
    let again = corpus.refetched(11).ndjson();
    let (seconds, result) = import(&http, &base, key, agent, again).await?;
    println!(
        "import, second fetch: {POSTS} known posts with grown metrics in {seconds:.2} s: {:.0} posts/s \
         (known: {})",
        POSTS as f64 / seconds,
        result["posts_known"],
    );

    let db = Database::connect(database_url, &ConnectOptions::default())
        .await
        .context("connecting to ace's database")?;
    let agent = AgentId::new(agent);
    let now: DateTime<Utc> = DateTime::parse_from_rfc3339(CORPUS_NOW)?.into();
    let creators: Vec<String> = corpus
        .posts
        .iter()
        .filter_map(|post| post["author"].as_str().map(str::to_owned))
        .take(ROUNDS)
        .collect();
    let words = [
        "skincare serum",
        "pasta dinner",
        "workout protein",
        "tokyo travel",
        "ai tools",
        "budget savings",
    ];
    let kinds: [(&str, Question); 5] = [
        (
            "top 10 about <words> this week by views",
            Box::new(move |n| PostQuery {
                words: Some(words[n % words.len()].into()),
                days: Some(7),
                ..PostQuery::default()
            }),
        ),
        (
            "most engaging on <platform> about <words>",
            Box::new(move |n| PostQuery {
                words: Some(words[n % words.len()].into()),
                platform: Some(Platform::ALL[n % 3]),
                ranking: Ranking::Engagement,
                ..PostQuery::default()
            }),
        ),
        (
            "fastest-growing from @creator",
            Box::new({
                let creators = creators.clone();
                move |n| PostQuery {
                    author: Some(format!("@{}", creators[n % creators.len()])),
                    ranking: Ranking::Growth,
                    ..PostQuery::default()
                }
            }),
        ),
        (
            "fastest-growing this month",
            Box::new(|_| PostQuery {
                days: Some(30),
                ranking: Ranking::Growth,
                ..PostQuery::default()
            }),
        ),
        (
            "newest about <words>",
            Box::new(move |n| PostQuery {
                words: Some(words[n % words.len()].into()),
                ranking: Ranking::Recent,
                ..PostQuery::default()
            }),
        ),
    ];
    let mut all = Vec::new();
    let mut conn = db.conn().await?;
    for (name, make) in &kinds {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut found = 0;
        for n in 0..ROUNDS {
            let query = make(n);
            let started = Instant::now();
            found += knowledge::search_posts(&mut conn, agent, &query, now)
                .await?
                .len();
            times.push(started.elapsed());
        }
        report(name, &mut times, found);
        all.extend(times);
    }
    let mut times = Vec::with_capacity(ROUNDS);
    let mut found = 0;
    for n in 0..ROUNDS {
        let top = knowledge::search_posts(
            &mut conn,
            agent,
            &PostQuery {
                words: Some(words[n % words.len()].into()),
                limit: 5,
                ..PostQuery::default()
            },
            now,
        )
        .await?;
        let ids: Vec<i64> = top.iter().map(|post| post.id).collect();
        let started = Instant::now();
        found += knowledge::top_comments(&mut conn, agent, &ids, None, 10)
            .await?
            .len();
        times.push(started.elapsed());
    }
    report("most-liked comments on those", &mut times, found);
    all.extend(times);
    report("all ranked questions", &mut all, 0);
    Ok(())
}

/// Uploads `file` and waits for its import to end; the seconds it took and its result.
async fn import(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    agent: i64,
    file: Vec<u8>,
) -> Result<(f64, Value)> {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(file).file_name("corpus.ndjson"),
    );
    let started = Instant::now();
    let accepted: Value = http
        .post(format!("{base}/v1/agents/{agent}/knowledge/imports"))
        .header("X-API-Key", key)
        .multipart(form)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let id = accepted["id"].as_i64().context("the import's id")?;
    loop {
        let job: Value = http
            .get(format!("{base}/v1/user_jobs/{id}?agent_id={agent}"))
            .header("X-API-Key", key)
            .send()
            .await?
            .json()
            .await?;
        match job["status"].as_str() {
            Some("completed") => {
                return Ok((started.elapsed().as_secs_f64(), job["result"].clone()));
            }
            Some("failed") => bail!("the import failed: {}", job["failed_reason"]),
            _ => tokio::time::sleep(Duration::from_millis(10)).await,
        }
    }
}

fn report(name: &str, times: &mut [Duration], found: usize) {
    times.sort();
    let at = |q: f64| {
        let index = ((times.len() as f64 - 1.0) * q).round() as usize;
        times[index].as_secs_f64() * 1000.0
    };
    let found = if found > 0 {
        format!(", {:.1} results each", found as f64 / times.len() as f64)
    } else {
        String::new()
    };
    println!(
        "{name:<45} p50 {:>6.2} ms  p99 {:>6.2} ms  ({} asked{found})",
        at(0.5),
        at(0.99),
        times.len()
    );
}
