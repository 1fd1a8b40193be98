//! A fresh database per test: SQLite in a temporary directory by default, or a new
//! PostgreSQL database (dropped afterwards) when `ACE_TEST_DATABASE_URL` names a server.

use sqlx::{Connection, Executor, PgConnection};

/// The environment variable naming a PostgreSQL server for the tests.
pub const TEST_DATABASE_URL: &str = "ACE_TEST_DATABASE_URL";

/// A database that exists for one test.
pub struct TestDatabase {
    url: String,
    postgres: Option<(String, String)>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// Creates the database.
    pub async fn create() -> TestDatabase {
        match std::env::var(TEST_DATABASE_URL)
            .ok()
            .filter(|u| !u.trim().is_empty())
        {
            Some(admin_url) => Self::postgres(admin_url).await,
            None => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDatabase {
                    url,
                    postgres: None,
                    _dir: Some(dir),
                }
            }
        }
    }

    async fn postgres(admin_url: String) -> TestDatabase {
        let name = format!("ace_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("connecting to ACE_TEST_DATABASE_URL");
        admin
            .execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .await
            .expect("creating a test database");
        let _ = admin.close().await;
        let mut url = url_of(&admin_url);
        url.set_path(&format!("/{name}"));
        TestDatabase {
            url: url.to_string(),
            postgres: Some((admin_url, name)),
            _dir: None,
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn is_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

fn url_of(text: &str) -> url::Url {
    url::Url::parse(text).expect("ACE_TEST_DATABASE_URL is a URL")
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some((admin_url, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside any runtime it could block on, so use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await.ok()?;
                admin
                    .execute(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!(
                "note: a test database could not be dropped; the CI script removes leftovers"
            );
        }
    }
}
