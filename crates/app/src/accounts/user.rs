//! A user's profile, as the API shows it and as an authenticated caller carries it.

use ace_db::users::UserRecord;
use ace_domain::ids::UserId;
use chrono::{DateTime, Utc};

/// A user's profile.
#[derive(Clone, Debug)]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub username: String,
    pub created_at: DateTime<Utc>,
}

impl From<UserRecord> for User {
    fn from(user: UserRecord) -> Self {
        Self {
            id: user.id,
            email: user.email,
            name: user.name,
            username: user.username,
            created_at: user.created_at,
        }
    }
}
