//! Passwords for users an operator creates (`ace admin set-password`), to sign in to the web
//! console. Stored only as Argon2id hashes in PHC form (salt and parameters inside), checked
//! on a blocking thread since a check costs tens of milliseconds of CPU by design. A login
//! with no user or no password costs the same check, so timing does not tell which.

use ace_db::users;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

use super::{Actor, Via};
use crate::{App, AppError, AppResult, ErrorCode};

/// The shortest password accepted.
pub const MIN_CHARS: usize = 12;
/// The longest (Argon2 takes any length; this bounds the work one request can ask for).
pub const MAX_CHARS: usize = 256;

/// A well-formed hash no password is known for, checked when a login has none, so that the
/// answer takes as long as for one that has.
const DECOY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$G4ZNd7ZSv0tWqjBNxRUzwxvJqOT+aQHCg2lVXiOa/wE";

/// Sets the password of the user with this email or username; answers the user's id.
pub async fn set(app: &App, login: &str, password: &str) -> AppResult<ace_domain::ids::UserId> {
    let count = password.chars().count();
    if !(MIN_CHARS..=MAX_CHARS).contains(&count) {
        return Err(AppError::unprocessable(
            ErrorCode::ValidationError,
            format!("A password must be {MIN_CHARS} to {MAX_CHARS} characters."),
        ));
    }
    let mut tx = app.db.begin().await?;
    let user = users::find_by_login(&mut tx, login)
        .await?
        .ok_or_else(|| AppError::not_found(ErrorCode::NotFound, format!("No user {login:?}.")))?;
    let hash = hashed(password.to_owned()).await?;
    users::set_password_hash(&mut tx, user.id, Some(&hash), app.clock.now()).await?;
    tx.commit().await?;
    Ok(user.id)
}

/// The user whose email or username is `login` and whose password this is.
pub async fn authenticate(app: &App, login: &str, password: &str) -> AppResult<Actor> {
    let refused = || AppError::unauthorized("Wrong email or password.");
    if password.chars().count() > MAX_CHARS {
        return Err(refused());
    }
    let mut conn = app.db.conn().await?;
    let found = users::find_by_login(&mut conn, login.trim()).await?;
    let stored = match &found {
        Some(user) => users::password_hash(&mut conn, user.id).await?,
        None => None,
    };
    drop(conn);
    let matches = verified(stored, password.to_owned()).await?;
    match found {
        Some(user) if matches => Ok(Actor {
            user_id: user.id,
            via: Via::Jwt,
            user: Some(user.into()),
        }),
        _ => Err(refused()),
    }
}

async fn hashed(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|err| anyhow::anyhow!("salt: {err}"))?;
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| anyhow::anyhow!("hashing a password: {err}"))
    })
    .await
    .map_err(|err| AppError::internal(anyhow::anyhow!("the hashing thread failed: {err}")))?
    .map_err(AppError::internal)
}

/// Whether `password` matches `stored`; with nothing stored, a check against a hash of
/// nothing runs anyway and fails.
async fn verified(stored: Option<String>, password: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let (phc, real) = match &stored {
            Some(hash) => (hash.as_str(), true),
            None => (DECOY, false),
        };
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        ok && real
    })
    .await
    .map_err(|err| AppError::internal(anyhow::anyhow!("the checking thread failed: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_checks_its_own_password_only_and_nothing_stored_checks_nothing() {
        let hash = hashed("correct horse battery staple".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(!hash.contains("correct horse"));
        assert!(
            verified(Some(hash.clone()), "correct horse battery staple".into())
                .await
                .unwrap()
        );
        assert!(
            !verified(Some(hash), "correct horse battery stapler".into())
                .await
                .unwrap()
        );
        assert!(
            PasswordHash::new(DECOY).is_ok(),
            "the decoy costs a real check"
        );
        assert!(!verified(None, "anything at all".into()).await.unwrap());
        assert!(
            !verified(Some("not a hash".into()), "anything".into())
                .await
                .unwrap()
        );
    }
}
