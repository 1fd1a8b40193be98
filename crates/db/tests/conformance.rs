//! The same suite on both backends: each test runs on SQLite, or on a fresh PostgreSQL
//! database when `ACE_TEST_DATABASE_URL` names a server (scripts/test runs the suite both
//! ways). What is checked here is where SQLite and PostgreSQL could differ: migrations,
//! unique keys folded for case, transactions, timestamps, the job queue's claim, lease and
//! finish, the "first writer wins" inserts, and the knowledge base's upserts and snapshots.

use ace_db::queue::{self, Claim, NewQueued};
use ace_db::users::{self, NewUser};
use ace_db::{ConnectOptions, Database, DbError, idempotency, server_state};
use ace_fixtures::TestDatabase;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

/// A migrated database of its own, and the guard that drops it.
async fn database() -> (Database, TestDatabase) {
    let test = TestDatabase::create().await;
    let db = Database::connect(test.url(), &ConnectOptions::default())
        .await
        .expect("connecting to the test database");
    db.migrate().await.expect("migrating");
    (db, test)
}

fn user(email: &str, username: &str) -> NewUser {
    NewUser {
        email: email.into(),
        name: "Ada".into(),
        username: username.into(),
    }
}

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + seconds, 0).unwrap()
}

#[tokio::test]
async fn migrating_again_changes_nothing() {
    let (db, _test) = database().await;
    db.migrate().await.expect("a second migration is a no-op");
    let mut conn = db.conn().await.unwrap();
    assert_eq!(
        server_state::get(&mut conn, "nothing here").await.unwrap(),
        None
    );
}

#[tokio::test]
async fn emails_and_usernames_are_unique_ignoring_case() {
    let (db, _test) = database().await;
    let mut conn = db.writer().await.unwrap();
    users::insert(&mut conn, &user("ada@example.com", "ada"), at(0))
        .await
        .unwrap();
    let same_email = users::insert(&mut conn, &user("ADA@Example.com", "other"), at(1)).await;
    assert!(
        matches!(same_email, Err(DbError::UniqueViolation(_))),
        "{same_email:?}"
    );
    let same_name = users::insert(&mut conn, &user("other@example.com", "ADA"), at(1)).await;
    assert!(
        matches!(same_name, Err(DbError::UniqueViolation(_))),
        "{same_name:?}"
    );
    assert!(users::username_taken(&mut conn, "Ada").await.unwrap());
}

#[tokio::test]
async fn a_transaction_dropped_before_commit_leaves_nothing_behind() {
    let (db, _test) = database().await;
    let kept = {
        let mut tx = db.begin().await.unwrap();
        let kept = users::insert(&mut tx, &user("kept@example.com", "kept"), at(0))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        kept
    };
    let dropped = {
        let mut tx = db.begin().await.unwrap();
        users::insert(&mut tx, &user("gone@example.com", "gone"), at(0))
            .await
            .unwrap()
    };
    let mut conn = db.conn().await.unwrap();
    assert!(users::find(&mut conn, kept.id).await.unwrap().is_some());
    assert!(users::find(&mut conn, dropped.id).await.unwrap().is_none());
    assert!(!users::username_taken(&mut conn, "gone").await.unwrap());
}

#[tokio::test]
async fn timestamps_come_back_as_they_were_written() {
    let (db, _test) = database().await;
    let written =
        Utc.timestamp_millis_opt(1_800_000_000_123).unwrap() + Duration::microseconds(456);
    let mut conn = db.writer().await.unwrap();
    let stored = users::insert(&mut conn, &user("time@example.com", "time"), written)
        .await
        .unwrap();
    let read = users::find(&mut conn, stored.id).await.unwrap().unwrap();
    assert_eq!(read.created_at, written);
    assert_eq!(read.updated_at, written);
}

#[tokio::test]
async fn of_two_claims_on_one_server_state_key_only_the_first_stores() {
    let (db, _test) = database().await;
    let mut conn = db.writer().await.unwrap();
    assert!(
        server_state::claim(&mut conn, "jwt_secret", "first", at(0))
            .await
            .unwrap()
    );
    assert!(
        !server_state::claim(&mut conn, "jwt_secret", "second", at(1))
            .await
            .unwrap()
    );
    assert_eq!(
        server_state::get(&mut conn, "jwt_secret")
            .await
            .unwrap()
            .as_deref(),
        Some("first")
    );
}

#[tokio::test]
async fn a_live_idempotent_answer_stays_and_an_expired_one_is_replaced() {
    let (db, _test) = database().await;
    let mut conn = db.writer().await.unwrap();
    let owner = users::insert(&mut conn, &user("keys@example.com", "keys"), at(0))
        .await
        .unwrap()
        .id
        .get();
    let first = json!({ "id": 1 });
    assert!(
        idempotency::store(&mut conn, owner, "k", "f1", &first, at(0), at(-100))
            .await
            .unwrap()
    );
    let second = json!({ "id": 2 });
    assert!(
        !idempotency::store(&mut conn, owner, "k", "f2", &second, at(10), at(-90))
            .await
            .unwrap(),
        "a live answer is not replaced"
    );
    let live = idempotency::find(&mut conn, owner, "k", at(-90))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (live.fingerprint.as_str(), &live.response.0),
        ("f1", &first)
    );
    assert!(
        idempotency::store(&mut conn, owner, "k", "f3", &second, at(200), at(100))
            .await
            .unwrap(),
        "an expired answer is replaced"
    );
    assert!(
        idempotency::find(&mut conn, owner, "k", at(300))
            .await
            .unwrap()
            .is_none()
    );
}

fn job<'a>(lane: &'a str, tenant: i64, payload: &'a serde_json::Value) -> NewQueued<'a> {
    NewQueued {
        kind: "test",
        payload,
        lane,
        tenant,
        max_attempts: 3,
        run_at_ms: 0,
    }
}

fn claim<'a>(worker: &'a str, now_ms: i64, limit: i64) -> Claim<'a> {
    Claim {
        worker,
        now_ms,
        lease_until_ms: now_ms + 1_000,
        skip_lanes: &[],
        limit,
    }
}

#[tokio::test]
async fn the_queue_interleaves_tenants_and_holds_a_claimed_job_until_its_lease_lapses() {
    let (db, _test) = database().await;
    let payload = json!({ "n": 1 });
    let mut conn = db.writer().await.unwrap();
    let a1 = queue::enqueue(&mut conn, &job("lane", 1, &payload), 0)
        .await
        .unwrap();
    let a2 = queue::enqueue(&mut conn, &job("lane", 1, &payload), 0)
        .await
        .unwrap();
    let b1 = queue::enqueue(&mut conn, &job("lane", 2, &payload), 0)
        .await
        .unwrap();

    let first = queue::claim(&mut conn, &claim("w1", 10, 2)).await.unwrap();
    let mut ids: Vec<i64> = first.iter().map(|job| job.id).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        vec![a1, b1],
        "each tenant's first job goes before a tenant's second"
    );
    assert!(
        first
            .iter()
            .all(|job| job.attempts == 1 && job.payload.0 == payload)
    );

    let second = queue::claim(&mut conn, &claim("w2", 20, 5)).await.unwrap();
    assert_eq!(
        second.iter().map(|job| job.id).collect::<Vec<_>>(),
        vec![a2]
    );
    assert!(
        queue::claim(&mut conn, &claim("w2", 30, 5))
            .await
            .unwrap()
            .is_empty()
    );

    // w1 keeps its lease alive and w2 does not: once w2's lapses, a2 goes to another worker
    // and w1's jobs stay w1's.
    let held = queue::heartbeat(&mut conn, "w1", 5_000).await.unwrap();
    assert_eq!(held.len(), 2);
    let taken = queue::claim(&mut conn, &claim("w3", 2_000, 5))
        .await
        .unwrap();
    assert_eq!(
        taken
            .iter()
            .map(|job| (job.id, job.attempts))
            .collect::<Vec<_>>(),
        vec![(a2, 2)]
    );
    assert!(
        queue::heartbeat(&mut conn, "w2", 9_000)
            .await
            .unwrap()
            .is_empty()
    );

    // Only the worker holding a job may finish it.
    assert_eq!(
        queue::finish_many(&mut conn, &[a1, b1], "w3")
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        queue::finish_many(&mut conn, &[a1, b1], "w1")
            .await
            .unwrap(),
        2
    );
    assert!(
        queue::requeue(&mut conn, a2, "w3", 4_000, Some("again"), true)
            .await
            .unwrap()
    );
    let again = queue::claim(&mut conn, &claim("w4", 4_000, 5))
        .await
        .unwrap();
    assert_eq!(
        again
            .iter()
            .map(|job| (job.id, job.attempts))
            .collect::<Vec<_>>(),
        vec![(a2, 2)]
    );
    assert!(queue::remove(&mut conn, a2).await.unwrap());
    assert!(!queue::remove(&mut conn, a2).await.unwrap());
}

/// A workspace with two agents, for the knowledge tests.
async fn two_agents(db: &Database) -> (ace_domain::ids::AgentId, ace_domain::ids::AgentId) {
    use ace_db::agents::{self, NewAgent};
    use ace_db::organizations::{self, NewOrganization};
    let mut conn = db.writer().await.unwrap();
    let org = organizations::insert(
        &mut conn,
        &NewOrganization {
            uuid: "k-1".into(),
            name: "Knowledge".into(),
            is_personal: false,
            created_by: None,
        },
        at(0),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for name in ["first", "second"] {
        let agent = agents::insert(
            &mut conn,
            &NewAgent {
                organization_id: org.id,
                created_by: None,
                name: name.into(),
                description: None,
                time_zone: None,
                eleven_lab_api_key: None,
                hume_ai_api_key: None,
            },
            at(0),
        )
        .await
        .unwrap();
        ids.push(agent.id);
    }
    (ids[0], ids[1])
}

#[tokio::test]
async fn a_post_stored_again_stays_one_post_with_a_metrics_snapshot_per_fetch() {
    use ace_db::knowledge;
    use ace_domain::knowledge::content::{Comment, Metrics, Post};
    use ace_domain::knowledge::monitoring::Platform;
    let (db, _test) = database().await;
    let (agent, other) = two_agents(&db).await;
    let post = |views: i64| Post {
        platform: Platform::TikTok,
        platform_id: "7301".into(),
        url: Some("https://www.tiktok.com/@glowlab/video/7301".into()),
        author: Some("glowlab".into()),
        text: "3 serums #skincare".into(),
        created_at: Some(at(-86_400)),
        metrics: Metrics {
            views: Some(views),
            likes: Some(views / 10),
            ..Metrics::default()
        },
        media_urls: vec!["https://p16.example/c.jpeg".into()],
        raw: json!({"id": "7301", "playCount": views}),
    };
    let mut conn = db.writer().await.unwrap();
    let first = knowledge::store_post(&mut conn, agent, &post(1_000), at(0))
        .await
        .unwrap();
    let again = knowledge::store_post(&mut conn, agent, &post(5_000), at(3_600))
        .await
        .unwrap();
    assert!(first.new && !again.new);
    assert_eq!(first.id, again.id);
    let elsewhere = knowledge::store_post(&mut conn, other, &post(1), at(0))
        .await
        .unwrap();
    assert!(elsewhere.new, "another agent's knowledge is its own");
    let history = knowledge::post_history(&mut conn, agent, "7301")
        .await
        .unwrap();
    let views: Vec<Option<i64>> = history.iter().map(|(_, m)| m.views).collect();
    assert_eq!(views, [Some(1_000), Some(5_000)]);
    assert_eq!(history[1].0, at(3_600));
    let comment = Comment {
        platform: Platform::TikTok,
        platform_id: "c-1".into(),
        post_platform_id: "7301".into(),
        author: Some("fan".into()),
        text: "which serum first?".into(),
        created_at: Some(at(10)),
        likes: Some(3),
        raw: json!({"cid": "c-1"}),
    };
    let stored = knowledge::store_comment(&mut conn, agent, &comment, at(0))
        .await
        .unwrap();
    let stored_again = knowledge::store_comment(&mut conn, agent, &comment, at(60))
        .await
        .unwrap();
    assert!(stored.new && !stored_again.new);
    assert_eq!(knowledge::counts(&mut conn, agent).await.unwrap(), (1, 1));
    // One batch holding a post twice and a new one: stored once each, the last copy winning.
    let batch = [
        post(7_000),
        Post {
            platform_id: "7302".into(),
            ..post(10)
        },
        post(8_000),
    ];
    let stored = knowledge::store_posts(&mut conn, agent, &batch, None, at(7_200))
        .await
        .unwrap();
    let new: Vec<bool> = stored.iter().map(|s| s.new).collect();
    assert_eq!(new, [false, true, false]);
    assert_eq!(stored[0].id, stored[2].id);
    let history = knowledge::post_history(&mut conn, agent, "7301")
        .await
        .unwrap();
    assert_eq!(history.last().unwrap().1.views, Some(8_000));
    assert_eq!(knowledge::counts(&mut conn, agent).await.unwrap(), (2, 1));
    assert_eq!(knowledge::counts(&mut conn, other).await.unwrap(), (1, 0));
}

#[tokio::test]
async fn knowledge_searches_match_words_filter_and_rank_the_same_on_both_databases() {
    use ace_db::knowledge;
    use ace_db::user_jobs::{self, NewJob};
    use ace_domain::generation::{GenerationStatus, JobKind};
    use ace_domain::knowledge::content::{Comment, Finding, Metrics, Post};
    use ace_domain::knowledge::monitoring::Platform;
    use ace_domain::knowledge::query::{PostQuery, Ranking};
    let (db, _test) = database().await;
    let (agent, other) = two_agents(&db).await;
    let day = 86_400;
    // (id, platform, author, text, days ago, views, likes, comments)
    let posts = [
        (
            "a",
            Platform::TikTok,
            "GlowLab",
            "Three serums for #skincare beginners",
            1,
            9_000,
            900,
            40,
        ),
        (
            "b",
            Platform::TikTok,
            "glowlab",
            "My night skincare routine",
            2,
            20_000,
            500,
            10,
        ),
        (
            "c",
            Platform::Instagram,
            "dermadoc",
            "Skincare myths, debunked",
            3,
            4_000,
            800,
            90,
        ),
        (
            "d",
            Platform::YouTube,
            "dermadoc",
            "Sunscreen: the only skincare step that matters",
            20,
            50_000,
            1_000,
            5,
        ),
        (
            "e",
            Platform::TikTok,
            "chefmo",
            "Five minute pasta",
            1,
            80_000,
            9_000,
            300,
        ),
        ("f", Platform::TikTok, "nobody", "skincare", 1, 0, 0, 0),
    ];
    let mut conn = db.writer().await.unwrap();
    let job = user_jobs::insert(
        &mut conn,
        &NewJob {
            agent_id: agent,
            organization_id: None,
            spreadsheet_id: None,
            cell_id: None,
            layer_id: None,
            user_job_type: JobKind::ImportSocial,
            status: GenerationStatus::Completed,
            data: &json!({}),
            prompt: None,
            estimate_millis: 0,
            row_run_id: None,
        },
        at(0),
    )
    .await
    .unwrap();
    let mut ids = std::collections::HashMap::new();
    for (id, platform, author, text, days_ago, views, likes, comments) in posts {
        let post = Post {
            platform,
            platform_id: id.into(),
            url: None,
            author: Some(author.into()),
            text: text.into(),
            created_at: Some(at(-days_ago * day)),
            metrics: Metrics {
                views: Some(views),
                likes: Some(likes),
                comments: Some(comments),
                ..Metrics::default()
            },
            media_urls: Vec::new(),
            raw: json!({}),
        };
        // Each post was first fetched a day ago with a tenth of today's views (b with half).
        let earlier = Post {
            metrics: Metrics {
                views: Some(if id == "b" { views / 2 } else { views / 10 }),
                ..post.metrics
            },
            ..post.clone()
        };
        knowledge::store_post(&mut conn, agent, &earlier, at(-day))
            .await
            .unwrap();
        let found_by = ["a", "c"].contains(&id).then_some(job.id);
        let stored = knowledge::store_posts(
            &mut conn,
            agent,
            std::slice::from_ref(&post),
            found_by,
            at(0),
        )
        .await
        .unwrap();
        ids.insert(id, stored[0].id);
        // The other agent has the same words, and must never see ours (nor we theirs).
        knowledge::store_post(&mut conn, other, &post, at(0))
            .await
            .unwrap();
    }
    let search = |query: PostQuery| {
        let db = db.clone();
        async move {
            let mut conn = db.conn().await.unwrap();
            knowledge::search_posts(&mut conn, agent, &query, at(0))
                .await
                .unwrap()
                .into_iter()
                .map(|post| post.platform_id)
                .collect::<Vec<_>>()
        }
    };
    let words = |words: &str, ranking: Ranking| PostQuery {
        words: Some(words.into()),
        ranking,
        ..PostQuery::default()
    };
    assert_eq!(
        search(words("skincare", Ranking::Views)).await,
        ["d", "b", "a", "c", "f"]
    );
    assert_eq!(
        search(words("#SKINCARE routine", Ranking::Views)).await,
        ["b"]
    );
    assert_eq!(
        search(words("skin", Ranking::Views)).await,
        Vec::<String>::new(),
        "whole words"
    );
    assert_eq!(
        search(PostQuery {
            days: Some(7),
            limit: 2,
            ..words("skincare", Ranking::Views)
        })
        .await,
        ["b", "a"]
    );
    assert_eq!(
        search(PostQuery {
            platform: Some(Platform::Instagram),
            ..words("skincare", Ranking::Views)
        })
        .await,
        ["c"]
    );
    assert_eq!(
        search(PostQuery {
            author: Some("@GLOWLAB".into()),
            ..PostQuery::default()
        })
        .await,
        ["b", "a"]
    );
    assert_eq!(
        search(PostQuery {
            found_by: Some(job.id),
            ..PostQuery::default()
        })
        .await,
        ["a", "c"]
    );
    // (likes + comments) / views: c 0.2225, a 0.1044, e 0.1163, b 0.0255, d 0.0201; f has none.
    assert_eq!(
        search(PostQuery {
            ranking: Ranking::Engagement,
            ..PostQuery::default()
        })
        .await,
        ["c", "e", "a", "b", "d", "f"]
    );
    // Views gained since the first fetch: e 72 000, d 45 000, b 10 000, a 8 100, c 3 600.
    assert_eq!(
        search(PostQuery {
            ranking: Ranking::Growth,
            limit: 3,
            ..PostQuery::default()
        })
        .await,
        ["e", "d", "b"]
    );
    assert_eq!(
        search(PostQuery {
            ranking: Ranking::Recent,
            ..words("skincare", Ranking::Recent)
        })
        .await
        .last()
        .map(String::as_str),
        Some("d")
    );
    let found = knowledge::search_posts(&mut conn, agent, &words("serums", Ranking::Views), at(0))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].growth, 8_100);
    assert!((found[0].engagement.unwrap() - 940.0 / 9_000.0).abs() < 1e-12);

    for (n, (post, likes, text)) in [
        ("a", 3, "which serum first"),
        ("a", 12, "love this serum"),
        ("e", 99, "serum? no, pasta"),
    ]
    .into_iter()
    .enumerate()
    {
        let comment = Comment {
            platform: Platform::TikTok,
            platform_id: format!("c{n}"),
            post_platform_id: post.into(),
            author: None,
            text: text.into(),
            created_at: None,
            likes: Some(likes),
            raw: json!({}),
        };
        knowledge::store_comment(&mut conn, agent, &comment, at(0))
            .await
            .unwrap();
    }
    let on_a = knowledge::top_comments(&mut conn, agent, &[ids["a"]], None, 10)
        .await
        .unwrap();
    let bodies: Vec<&str> = on_a.iter().map(|c| c.body.as_str()).collect();
    assert_eq!(bodies, ["love this serum", "which serum first"]);
    let with_words =
        knowledge::top_comments(&mut conn, agent, &[ids["a"], ids["e"]], Some("serum"), 10)
            .await
            .unwrap();
    assert_eq!(with_words.len(), 3);
    assert_eq!(with_words[0].body, "serum? no, pasta");
    assert!(
        knowledge::top_comments(&mut conn, other, &[ids["a"]], None, 10)
            .await
            .unwrap()
            .is_empty(),
        "our posts' comments are not the other agent's"
    );

    let finding = Finding {
        source: "hacker_news".into(),
        url: "https://news.example/1".into(),
        title: "Sunscreen chemistry explained".into(),
        excerpt: "Why mineral filters scatter less light than you think.".into(),
        topic: Some("skincare science".into()),
        published_at: Some(at(-day)),
        raw: json!({"objectID": "1"}),
    };
    let stored = knowledge::store_finding(&mut conn, agent, &finding, at(0))
        .await
        .unwrap();
    let again = knowledge::store_finding(&mut conn, agent, &finding, at(60))
        .await
        .unwrap();
    assert!(stored.new && !again.new && stored.id == again.id);
    let found = knowledge::search_findings(&mut conn, agent, "mineral sunscreen", 10)
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].fetched_at, at(60));
    assert!(
        knowledge::search_findings(&mut conn, other, "sunscreen", 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        knowledge::search_findings(&mut conn, agent, "pasta", 10)
            .await
            .unwrap()
            .is_empty()
    );
}
