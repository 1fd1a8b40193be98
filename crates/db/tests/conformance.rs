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
    assert_eq!(knowledge::counts(&mut conn, other).await.unwrap(), (1, 0));
}
