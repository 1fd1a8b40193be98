//! The credits ledger that paid jobs will use: reserve in the job's transaction, then settle
//! with the real cost or refund in full, exactly once. Balances are sums of the ledger.

use crate::harness::TestApp;
use ace_app::ErrorCode;
use ace_app::credits::{self, LedgerNote};
use ace_domain::credits::{CreditBucket, Credits};

fn credits(text: &str) -> Credits {
    text.parse().unwrap()
}

#[tokio::test]
async fn a_reservation_holds_credits_and_a_settlement_hands_back_the_difference() {
    let app = TestApp::spawn().await;
    let org = app.owner.workspace_id;
    let now = app.app.clock().now();
    let mut tx = app.app.db().begin().await.unwrap();
    let held = credits::reserve(&mut tx, org, credits("250"), "generation:1", now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        credits::balance(&app.app, org).await.unwrap().generic,
        credits("750")
    );

    let mut tx = app.app.db().begin().await.unwrap();
    assert!(
        credits::settle(&mut tx, held, credits("212.5"), now)
            .await
            .unwrap()
    );
    assert!(
        !credits::refund(&mut tx, held, now).await.unwrap(),
        "a reservation closes once"
    );
    tx.commit().await.unwrap();
    assert_eq!(
        credits::balance(&app.app, org).await.unwrap().generic,
        credits("787.5")
    );
}

#[tokio::test]
async fn a_refund_returns_the_whole_reservation_once() {
    let app = TestApp::spawn().await;
    let org = app.owner.workspace_id;
    let now = app.app.clock().now();
    let mut tx = app.app.db().begin().await.unwrap();
    let held = credits::reserve(&mut tx, org, credits("100"), "render:7", now)
        .await
        .unwrap();
    assert!(credits::refund(&mut tx, held, now).await.unwrap());
    assert!(!credits::refund(&mut tx, held, now).await.unwrap());
    tx.commit().await.unwrap();
    assert_eq!(
        credits::balance(&app.app, org).await.unwrap().generic,
        credits("1000")
    );
}

#[tokio::test]
async fn a_job_that_costs_more_than_its_reservation_is_charged_the_rest() {
    let app = TestApp::spawn().await;
    let org = app.owner.workspace_id;
    let now = app.app.clock().now();
    let mut tx = app.app.db().begin().await.unwrap();
    let held = credits::reserve(&mut tx, org, credits("10"), "generation:2", now)
        .await
        .unwrap();
    credits::settle(&mut tx, held, credits("12.25"), now)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        credits::balance(&app.app, org).await.unwrap().generic,
        credits("987.75")
    );
}

#[tokio::test]
async fn reserving_without_usable_or_enough_credits_is_refused_with_gens_codes() {
    let app = TestApp::builder()
        .starter_credits(Credits::ZERO)
        .spawn()
        .await;
    let org = app.owner.workspace_id;
    let now = app.app.clock().now();
    let mut tx = app.app.db().begin().await.unwrap();
    let err = credits::reserve(&mut tx, org, credits("1"), "generation:3", now)
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UsableGenCreditRequired);
    drop(tx);

    credits::grant(
        &app.app,
        org,
        CreditBucket::Generic,
        credits("5"),
        LedgerNote::default(),
    )
    .await
    .unwrap();
    credits::grant(
        &app.app,
        org,
        CreditBucket::Aura,
        credits("100"),
        LedgerNote::default(),
    )
    .await
    .unwrap();
    let mut tx = app.app.db().begin().await.unwrap();
    let err = credits::reserve(&mut tx, org, credits("6"), "generation:4", now)
        .await
        .unwrap_err();
    assert_eq!(
        err.code,
        ErrorCode::InsufficientCreditsForJob,
        "aura credits are never spent by the API"
    );
}

#[tokio::test]
async fn concurrent_reservations_never_overdraw_the_balance() {
    let app = TestApp::builder()
        .starter_credits(credits("10"))
        .spawn()
        .await;
    let org = app.owner.workspace_id;
    let attempts = (0..8).map(|n| {
        let app = app.app.clone();
        tokio::spawn(async move {
            let mut tx = app.db().begin().await.unwrap();
            let outcome = credits::reserve(
                &mut tx,
                org,
                credits("3"),
                &format!("generation:{n}"),
                app.clock().now(),
            )
            .await;
            if outcome.is_ok() {
                tx.commit().await.unwrap();
            }
            outcome.is_ok()
        })
    });
    let mut granted = 0;
    for attempt in attempts {
        granted += usize::from(attempt.await.unwrap());
    }
    assert_eq!(
        granted, 3,
        "10 credits pay for three 3-credit jobs and no more"
    );
    assert_eq!(
        credits::balance(&app.app, org).await.unwrap().generic,
        credits("1")
    );
}

#[tokio::test]
async fn operators_grant_and_deduct_but_never_below_zero() {
    let app = TestApp::spawn().await;
    let org = app.owner.workspace_id;
    let balance = credits::deduct(
        &app.app,
        org,
        CreditBucket::Generic,
        credits("999.5"),
        LedgerNote::default(),
    )
    .await
    .unwrap();
    assert_eq!(balance.generic, credits("0.5"));
    let err = credits::deduct(
        &app.app,
        org,
        CreditBucket::Generic,
        credits("1"),
        LedgerNote::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ValidationError);
    let err = credits::grant(
        &app.app,
        org,
        CreditBucket::Generic,
        credits("0"),
        LedgerNote::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ValidationError);
    let err = credits::grant(
        &app.app,
        999_999.into(),
        CreditBucket::Generic,
        credits("1"),
        LedgerNote::default(),
    )
    .await
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::OrganizationNotFound);
}
