//! Who is calling: credentials, passwords, sessions.

pub mod password;
pub mod tokens;
pub mod validate;
