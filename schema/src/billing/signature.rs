//! The Stripe webhook signature scheme.
//!
//! `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">[,v1=...]`.
//! Several `v1` entries may appear while a secret rotates; other schemes
//! (`v0`, anything unknown) are ignored. The signature covers the exact bytes
//! received, so a receiver must verify before it parses the body.

use hmac::{Hmac, Mac};
use kernel::AppError;
use sha2::Sha256;
use std::fmt;

type HmacSha256 = Hmac<Sha256>;

/// The header that carries the signature.
pub const HEADER: &str = "Stripe-Signature";

/// Stripe's own default: wide enough for clock skew and a slow retry, narrow
/// enough that a captured delivery cannot be replayed later.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Why a signed delivery was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureError {
    /// The header is not `t=<digits>,v1=<hex>...`.
    Malformed,
    /// The header is well formed but carries no `v1` signature.
    NoSignature,
    /// No `v1` signature matches the body under any of the secrets.
    Mismatch,
    /// The signature matches but its timestamp is outside the tolerance;
    /// `age` is now minus the timestamp (negative when it is in the future).
    Stale { age: i64 },
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed => f.write_str("the webhook signature header is malformed"),
            Self::NoSignature => f.write_str("the webhook signature header has no v1 signature"),
            Self::Mismatch => f.write_str("the webhook signature does not match the body"),
            Self::Stale { age } if *age < 0 => write!(
                f,
                "the webhook signature timestamp is {} s in the future",
                age.unsigned_abs()
            ),
            Self::Stale { age } => write!(f, "the webhook signature is {age} s old"),
        }
    }
}

impl std::error::Error for SignatureError {}

impl From<SignatureError> for AppError {
    /// A delivery that cannot prove it comes from the provider is an
    /// unauthenticated caller, whatever the body says.
    fn from(err: SignatureError) -> Self {
        AppError::authn(err.to_string())
    }
}

fn keyed(secret: &[u8]) -> HmacSha256 {
    match HmacSha256::new_from_slice(secret) {
        Ok(mac) => mac,
        // RFC 2104 hashes or pads a key of any length; hmac 0.12 always answers Ok.
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

fn signed_payload(secret: &[u8], timestamp: i64, body: &[u8]) -> HmacSha256 {
    let mut mac = keyed(secret);
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The `Stripe-Signature` header value for `body` sent at `timestamp`.
pub fn sign(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let tag = signed_payload(secret, timestamp, body)
        .finalize()
        .into_bytes();
    format!("t={timestamp},v1={}", hex::encode(tag))
}

struct Parsed {
    timestamp: i64,
    signatures: Vec<Vec<u8>>,
}

fn parse(header: &str) -> Result<Parsed, SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for item in header.split(',') {
        let (scheme, value) = item
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match scheme {
            "t" => {
                // Digits only: `+12` or ` 12` would parse as 12 but sign differently.
                let valid = !value.is_empty()
                    && value.len() <= 18
                    && value.bytes().all(|b| b.is_ascii_digit());
                if !valid || timestamp.is_some() {
                    return Err(SignatureError::Malformed);
                }
                timestamp = Some(value.parse().map_err(|_| SignatureError::Malformed)?);
            }
            "v1" => signatures.push(hex::decode(value).map_err(|_| SignatureError::Malformed)?),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    Ok(Parsed {
        timestamp,
        signatures,
    })
}

/// Checks a `Stripe-Signature` header against the raw `body` under any of
/// `secrets` (the current one and, while rotating, the previous), and that its
/// timestamp is within `tolerance_secs` of `now_unix` either way. Returns the
/// signed timestamp.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[&[u8]],
    now_unix: i64,
    tolerance_secs: i64,
) -> Result<i64, SignatureError> {
    let parsed = parse(header)?;
    if parsed.signatures.is_empty() {
        return Err(SignatureError::NoSignature);
    }
    let matched = secrets.iter().any(|secret| {
        let mac = signed_payload(secret, parsed.timestamp, body);
        // verify_slice compares in constant time, so timing reveals no prefix.
        parsed
            .signatures
            .iter()
            .any(|candidate| mac.clone().verify_slice(candidate).is_ok())
    });
    if !matched {
        return Err(SignatureError::Mismatch);
    }
    let age = now_unix.saturating_sub(parsed.timestamp);
    if age.unsigned_abs() > tolerance_secs.max(0).unsigned_abs() {
        return Err(SignatureError::Stale { age });
    }
    Ok(parsed.timestamp)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"whsec_test_current";
    const OLD: &[u8] = b"whsec_test_previous";
    const NOW: i64 = 1_750_000_000;
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    fn check(header: &str) -> Result<i64, SignatureError> {
        verify(header, BODY, &[SECRET], NOW, DEFAULT_TOLERANCE_SECS)
    }

    #[test]
    fn a_good_signature_verifies_and_returns_its_timestamp() {
        let header = sign(SECRET, NOW - 10, BODY);
        assert!(header.starts_with(&format!("t={},v1=", NOW - 10)));
        assert_eq!(check(&header), Ok(NOW - 10));
    }

    #[test]
    fn matches_a_known_vector() {
        // Computed independently: printf '1.{}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            sign(b"key", 1, b"{}"),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }

    #[test]
    fn any_v1_may_match_while_a_secret_rotates() {
        let old = sign(OLD, NOW, BODY);
        let new = sign(SECRET, NOW, BODY);
        let old_sig = old.split(",v1=").nth(1).unwrap_or_default();
        let new_sig = new.split(",v1=").nth(1).unwrap_or_default();
        // The sender signs with both; the receiver knows only the new one.
        let header = format!("t={NOW},v1={old_sig},v1={new_sig}");
        assert_eq!(check(&header), Ok(NOW));
        // The receiver knows both; the sender still signs with the old one.
        assert_eq!(
            verify(&old, BODY, &[SECRET, OLD], NOW, DEFAULT_TOLERANCE_SECS),
            Ok(NOW)
        );
    }

    #[test]
    fn unknown_schemes_are_ignored() {
        let header = sign(SECRET, NOW, BODY).replace(",v1=", ",v0=deadbeef,x=y,v1=");
        assert_eq!(check(&header), Ok(NOW));
        assert_eq!(
            check(&format!("t={NOW},v0=00ff")),
            Err(SignatureError::NoSignature)
        );
    }

    #[test]
    fn a_wrong_secret_is_a_mismatch() {
        let header = sign(b"whsec_someone_else", NOW, BODY);
        assert_eq!(check(&header), Err(SignatureError::Mismatch));
        assert_eq!(
            verify(&header, BODY, &[], NOW, DEFAULT_TOLERANCE_SECS),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_reserialised_body_is_a_mismatch() {
        let header = sign(SECRET, NOW, BODY);
        let spaced = br#"{"id": "evt_1", "type": "payment_intent.succeeded"}"#;
        assert_eq!(
            verify(&header, spaced, &[SECRET], NOW, DEFAULT_TOLERANCE_SECS),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn a_changed_timestamp_is_a_mismatch() {
        let header =
            sign(SECRET, NOW, BODY).replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(check(&header), Err(SignatureError::Mismatch));
    }

    #[test]
    fn old_and_future_timestamps_are_stale() {
        let old = sign(SECRET, NOW - 301, BODY);
        assert_eq!(check(&old), Err(SignatureError::Stale { age: 301 }));
        let future = sign(SECRET, NOW + 301, BODY);
        assert_eq!(check(&future), Err(SignatureError::Stale { age: -301 }));
        assert_eq!(check(&sign(SECRET, NOW - 300, BODY)), Ok(NOW - 300));
        assert_eq!(check(&sign(SECRET, NOW + 300, BODY)), Ok(NOW + 300));
        assert!(
            SignatureError::Stale { age: -301 }
                .to_string()
                .contains("future")
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let sig = sign(SECRET, NOW, BODY);
        let v1 = sig.split(",v1=").nth(1).unwrap_or_default();
        let cases = [
            String::new(),
            format!("v1={v1}"),
            format!("t=abc,v1={v1}"),
            format!("t=-5,v1={v1}"),
            format!("t=+{NOW},v1={v1}"),
            format!("t=,v1={v1}"),
            format!("t={NOW},t={NOW},v1={v1}"),
            format!("t={NOW},v1={}", &v1[1..]),
            format!("t={NOW},v1=zz"),
            format!("t={NOW},v1"),
            format!("t={NOW};v1={v1}"),
            "t=99999999999999999999999,v1=00".to_owned(),
        ];
        for header in cases {
            assert_eq!(check(&header), Err(SignatureError::Malformed), "{header:?}");
        }
        assert_eq!(check(&format!("t={NOW}")), Err(SignatureError::NoSignature));
    }

    #[test]
    fn errors_are_authn() {
        let err: AppError = SignatureError::Mismatch.into();
        assert_eq!(err.code(), kernel::ErrorCode::Authn);
        assert!(err.message().contains("does not match"));
    }

    #[test]
    fn never_panics_on_hostile_input() {
        let long_digits = "9".repeat(400);
        let long_hex = "ab".repeat(10_000);
        let hostile = [
            ",",
            ",,,,",
            "=",
            "t=",
            "==",
            "t==1",
            "t=1=2,v1=00",
            "v1=",
            "t=0,v1=",
            "t=0,v1=00",
            "t=9223372036854775807,v1=00",
            "t=\u{0}\u{0},v1=\u{ffff}",
            "t=١٢٣,v1=00",
            "t=1,v1=é",
            "\u{202e}t=1,v1=00",
            "t = 1 , v1 = 00",
        ];
        let long = [
            format!("t={long_digits},v1=00"),
            format!("t=1,v1={long_hex}"),
            format!("t=1,{}", "v1=00,".repeat(1000)),
        ];
        let bodies: [&[u8]; 3] = [b"", BODY, &[0xff, 0x00, 0xfe]];
        for header in hostile
            .iter()
            .copied()
            .chain(long.iter().map(String::as_str))
        {
            for body in bodies {
                for (now, tolerance) in [(NOW, 300), (i64::MIN, i64::MAX), (i64::MAX, -1)] {
                    let _ = verify(header, body, &[SECRET, b""], now, tolerance);
                }
            }
        }
        for timestamp in [i64::MIN, -1, 0, i64::MAX] {
            let header = sign(b"", timestamp, b"");
            let _ = verify(&header, b"", &[b""], i64::MIN, i64::MAX);
            let _ = verify(&header, b"", &[b""], i64::MAX, 0);
        }
    }
}
