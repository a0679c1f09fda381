//! Access tokens: short-lived HS256 JWTs (`sub`, `tenant_id`, `exp`, `iat`,
//! `jti`, `iss`, `kind`). Only HS256 is accepted, so `alg: none` and
//! algorithm-confusion tokens fail verification.

use chrono::Utc;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use kernel::{Actor, AppError, AppResult, TenantId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    User,
    Superadmin,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<Uuid>,
    pub kind: SubjectKind,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    pub jti: Uuid,
    /// A superadmin acting as this user (see `superadmin::impersonation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imp: Option<ImpersonationClaim>,
}

/// Which impersonation a token belongs to, and whose it is.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ImpersonationClaim {
    pub id: Uuid,
    pub op: Uuid,
}

impl Claims {
    /// The impersonation this token acts under, if any.
    pub fn impersonation(&self) -> Option<kernel::Impersonation> {
        self.imp.map(|i| kernel::Impersonation {
            id: i.id.into(),
            operator: UserId(i.op),
        })
    }

    /// The actor these claims stand for; a user token must name its tenant.
    pub fn actor(&self) -> AppResult<Actor> {
        match (self.kind, self.tenant_id) {
            (SubjectKind::User, Some(tenant)) => Ok(Actor::User {
                tenant_id: TenantId(tenant),
                user_id: UserId(self.sub),
            }),
            (SubjectKind::Superadmin, None) => Ok(Actor::Superadmin {
                user_id: UserId(self.sub),
            }),
            _ => Err(AppError::authn("invalid access token")),
        }
    }
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    ttl_secs: i64,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenKeys")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl TokenKeys {
    pub fn new(secret: &[u8], issuer: &str, ttl_secs: u64) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[issuer]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: issuer.to_owned(),
            ttl_secs: i64::try_from(ttl_secs).unwrap_or(900),
        }
    }

    pub fn ttl_secs(&self) -> i64 {
        self.ttl_secs
    }

    /// Signs an access token for `sub` (and its tenant, for tenant users).
    pub fn issue(
        &self,
        kind: SubjectKind,
        sub: Uuid,
        tenant_id: Option<Uuid>,
    ) -> AppResult<(String, Claims)> {
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub,
            tenant_id,
            kind,
            iss: self.issuer.clone(),
            iat: now,
            exp: now + self.ttl_secs,
            jti: Uuid::now_v7(),
            imp: None,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok((token, claims))
    }

    /// Signs a token for a superadmin acting as a tenant user until
    /// `expires_at` (no refresh: it ends with the impersonation).
    pub fn issue_impersonation(
        &self,
        tenant: TenantId,
        user: UserId,
        impersonation: kernel::Impersonation,
        expires_at: i64,
    ) -> AppResult<String> {
        let claims = Claims {
            sub: user.as_uuid(),
            tenant_id: Some(tenant.as_uuid()),
            kind: SubjectKind::User,
            iss: self.issuer.clone(),
            iat: Utc::now().timestamp(),
            exp: expires_at,
            jti: Uuid::now_v7(),
            imp: Some(ImpersonationClaim {
                id: impersonation.id.as_uuid(),
                op: impersonation.operator.as_uuid(),
            }),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)
    }

    /// Checks signature, algorithm, issuer and expiry.
    pub fn verify(&self, token: &str) -> AppResult<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                    AppError::authn("access token expired")
                }
                _ => AppError::authn("invalid access token"),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rejections() -> AppResult<()> {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef", "platform", 60);
        let tenant = Uuid::now_v7();
        let (token, _) = keys.issue(SubjectKind::User, Uuid::now_v7(), Some(tenant))?;
        let claims = keys.verify(&token)?;
        assert_eq!(claims.tenant_id, Some(tenant));
        assert!(matches!(claims.actor()?, Actor::User { .. }));

        let other = TokenKeys::new(b"another-secret-another-secret-xx", "platform", 60);
        assert!(other.verify(&token).is_err(), "wrong signature accepted");

        // alg: none, with the same claims
        let mut parts = token.split('.');
        let _header = parts.next();
        let payload = parts.next().unwrap_or_default();
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(keys.verify(&none).is_err(), "alg none accepted");
        Ok(())
    }
}
