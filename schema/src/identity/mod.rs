//! Who is calling: credentials, passwords, sessions.

pub mod graphql;
pub mod password;
pub mod secrets;
pub mod service;
pub mod tokens;
pub mod validate;
