//! What can go wrong in the database layer, in terms the app can act on.

/// A database failure.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// A unique constraint refused the write; the name says which one, for logs.
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
    /// A foreign key pointed at a missing row.
    #[error("foreign key violated: {0}")]
    ForeignKeyViolation(String),
    /// The URL named neither SQLite nor PostgreSQL.
    #[error("unsupported database URL scheme in {0:?}; use sqlite:// or postgres://")]
    UnsupportedUrl(String),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db_err) = &err {
            let name = db_err
                .constraint()
                .map_or_else(|| db_err.message().to_owned(), str::to_owned);
            match db_err.kind() {
                sqlx::error::ErrorKind::UniqueViolation => return DbError::UniqueViolation(name),
                sqlx::error::ErrorKind::ForeignKeyViolation => {
                    return DbError::ForeignKeyViolation(name);
                }
                _ => {}
            }
        }
        DbError::Sqlx(err)
    }
}
