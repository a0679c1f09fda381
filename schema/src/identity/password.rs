//! Password hashing with argon2id, off the async worker threads.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use kernel::{AppError, AppResult};

/// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 20-30 ms per
/// hash on one core here, measured in docs/PERFORMANCE.md.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const PARALLELISM: u32 = 1;

fn hasher() -> AppResult<Argon2<'static>> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| AppError::internal(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` into a PHC string. Runs on the blocking pool: a hash
/// takes tens of milliseconds and must not stall other requests.
pub async fn hash(password: String) -> AppResult<String> {
    tokio::task::spawn_blocking(move || {
        hasher()?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("argon2 hash: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

/// Whether `password` matches the PHC string `hash`.
pub async fn verify(password: String, hash: String) -> AppResult<bool> {
    tokio::task::spawn_blocking(move || {
        let argon = hasher()?;
        match PasswordVerifier::<str>::verify_password(&argon, password.as_bytes(), &hash) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(AppError::internal(format!("argon2 verify: {e}"))),
        }
    })
    .await
    .map_err(AppError::internal)?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_reject() -> AppResult<()> {
        let phc = hash("correct horse battery".into()).await?;
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery".into(), phc.clone()).await?);
        assert!(!verify("wrong horse battery".into(), phc).await?);
        Ok(())
    }
}
