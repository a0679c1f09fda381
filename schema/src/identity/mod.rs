//! Who is calling: credentials, passwords, sessions, MFA, and the
//! business's users.
//!
//! - `types`: the domain types and command inputs (one definition each)
//! - `login`, `sessions`, `passwords`, `mfa`, `users`: the commands
//! - `store/`: every statement, over the entities
//! - `throttle`: failed-attempt counters; `password`: argon2id hashing;
//!   `secrets`: opaque tokens; `tokens`: access JWTs; `validate`: input rules

pub mod graphql;
mod login;
mod mfa;
pub mod password;
mod passwords;
pub mod secrets;
pub mod service;
mod sessions;
pub(crate) mod store;
mod throttle;
pub mod tokens;
pub mod types;
mod users;
pub mod validate;
