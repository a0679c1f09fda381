//! Every statement of identity: user accounts, their MFA columns, refresh
//! sessions and password reset tokens.

pub(crate) mod mfa;
pub(crate) mod reset_tokens;
pub(crate) mod sessions;
pub(crate) mod users;
