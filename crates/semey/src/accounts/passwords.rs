//! Passwords (Argon2id, hashed off the async threads) and secrets.

use crate::AppError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use semey_domain::Invalid;
use sha2::{Digest, Sha256};

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 12;

/// Hashes a password with Argon2id and a fresh salt (on a blocking thread: it is slow on
/// purpose).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(Invalid::one(
            "password",
            "password_too_short",
            format!("a password has at least {MIN_PASSWORD} characters"),
        )
        .into());
    }
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(|e| AppError::Io(std::io::Error::other(e)))?
    .map_err(|e| AppError::Io(std::io::Error::other(e.to_string())))
}

/// Checks a password against a stored hash, on a blocking thread.
pub async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash of nothing anyone knows, checked for unknown accounts so that a wrong address takes
/// as long as a wrong password.
pub(crate) static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub(crate) fn decoy() -> String {
    DECOY
        .get_or_init(|| {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(new_secret().as_bytes(), &salt)
                .map(|h| h.to_string())
                .unwrap_or_default()
        })
        .clone()
}

/// A new random secret: 244 bits from the operating system's generator, as hex.
pub fn new_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

pub fn sha256_hex(s: &str) -> String {
    sha256_bytes_hex(s.as_bytes())
}

pub fn sha256_bytes_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
