//! Input rules for credentials, answered with field-level `VALIDATION` errors.

use kernel::{AppError, AppResult};

pub const MIN_PASSWORD_LEN: usize = 12;
pub const MAX_PASSWORD_LEN: usize = 128;

/// Normalises and checks an email address (trimmed, lower-cased).
pub fn email(field: &str, raw: &str) -> AppResult<String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        });
    if valid {
        Ok(email)
    } else {
        Err(AppError::invalid_field(
            field,
            "is not a valid email address",
        ))
    }
}

/// Rejects passwords that are too short, too long, or a single repeated character.
pub fn password(field: &str, password: &str) -> AppResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_LEN {
        return Err(AppError::invalid_field(
            field,
            format!("must be at least {MIN_PASSWORD_LEN} characters"),
        ));
    }
    if chars > MAX_PASSWORD_LEN {
        return Err(AppError::invalid_field(
            field,
            format!("must be at most {MAX_PASSWORD_LEN} characters"),
        ));
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 4 {
        return Err(AppError::invalid_field(field, "is too easy to guess"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(
            email("email", "  Ana@Example.COM ").ok().as_deref(),
            Some("ana@example.com")
        );
        for bad in [
            "", "ana", "ana@", "@x.io", "a b@x.io", "a@x", "a@.x.io", "a@x..io", "a@b@c.io",
        ] {
            assert!(email("email", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords() {
        assert!(password("password", "short").is_err());
        assert!(password("password", "aaaaaaaaaaaaaaaa").is_err());
        assert!(password("password", &"x".repeat(200)).is_err());
        assert!(password("password", "correct horse battery").is_ok());
    }
}
