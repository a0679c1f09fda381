//! Password hashing with argon2id, off the async worker threads.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use kernel::{AppError, AppResult};
use std::sync::{Arc, LazyLock, Mutex, mpsc};

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

type Task = Box<dyn FnOnce() + Send>;

/// One hashing thread per core, fed by a queue. Each hash takes 19 MiB and a
/// core for ~15 ms; on tokio's blocking pool a burst of sign-ins spread the
/// work over many threads, each keeping its own allocator arena (RSS grew by
/// hundreds of MiB). Here memory stays at one hash per core, and a burst
/// queues instead.
static HASHERS: LazyLock<Mutex<mpsc::Sender<Task>>> = LazyLock::new(|| {
    let (tx, rx) = mpsc::channel::<Task>();
    let rx = Arc::new(Mutex::new(rx));
    for n in 0..std::thread::available_parallelism().map_or(2, |n| n.get()) {
        let rx = rx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("argon2-{n}"))
            .spawn(move || {
                loop {
                    let task = match rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    match task {
                        Ok(task) => task(),
                        Err(_) => return,
                    }
                }
            });
        if let Err(err) = spawned {
            tracing::error!(error = %err, "cannot start a password hashing thread");
        }
    }
    Mutex::new(tx)
});

/// Runs `work` on a hashing thread.
async fn on_hasher<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    HASHERS
        .lock()
        .map_err(|_| AppError::internal("password hashers poisoned"))?
        .send(Box::new(move || {
            let _ = tx.send(work());
        }))
        .map_err(|_| AppError::internal("password hashers stopped"))?;
    rx.await
        .map_err(|_| AppError::internal("password hashing was interrupted"))
}

/// Hashes `password` into a PHC string, off the async threads: a hash takes
/// milliseconds of CPU and must not stall other requests.
pub async fn hash(password: String) -> AppResult<String> {
    on_hasher(move || {
        hasher()?
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("argon2 hash: {e}")))
    })
    .await?
}

/// Whether `password` matches the PHC string `hash`.
pub async fn verify(password: String, hash: String) -> AppResult<bool> {
    on_hasher(move || {
        let argon = hasher()?;
        match PasswordVerifier::<str>::verify_password(&argon, password.as_bytes(), &hash) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(e) => Err(AppError::internal(format!("argon2 verify: {e}"))),
        }
    })
    .await?
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
