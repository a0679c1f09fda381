//! What identity hands out (a session's tokens, a user, an MFA enrolment)
//! and the inputs of its commands, each defined once and deriving what
//! GraphQL, REST (serde) and OpenAPI need.

use crate::text::{EmailAddress, LongName, OneTimeCode, Password, Slug, Token};
use chrono::{DateTime, Utc};
use entities::users::UserStatus;
use kernel::{RoleId, TenantId, UserId};
use serde::{Deserialize, Serialize};

/// A signed-in session: a short-lived access token and a refresh token.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthTokens {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: String,
    pub refresh_expires_at: DateTime<Utc>,
    pub token_type: String,
    pub tenant_id: Option<TenantId>,
    pub user_id: UserId,
    /// Only on the sign-in that completed a superadmin's required MFA
    /// enrolment: the recovery codes, shown this once.
    pub recovery_codes: Option<Vec<String>>,
}

/// A person who works for a tenant.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(complex)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub status: String,
    pub mfa_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The status as clients read it (`invited`, `active`, `deactivated`).
pub(crate) fn status_str(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Invited => "invited",
        UserStatus::Active => "active",
        UserStatus::Deactivated => "deactivated",
    }
}

impl From<entities::users::Model> for User {
    fn from(m: entities::users::Model) -> Self {
        Self {
            id: m.id.into(),
            email: m.email,
            display_name: m.display_name,
            status: status_str(m.status).to_owned(),
            mfa_enabled: m.mfa_enabled,
            last_login_at: m.last_login_at,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MfaEnrolment {
    /// Base32, for typing into an authenticator app.
    pub secret: String,
    /// `otpauth://` URL, for a QR code.
    pub otpauth_url: String,
}

/// An operation that has nothing to return but its success.
#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(name = "OkPayload")]
pub struct Done {
    pub ok: bool,
}

impl Done {
    pub const OK: Done = Done { ok: true };
}

#[derive(Debug, Clone, Serialize, async_graphql::SimpleObject, utoipa::ToSchema)]
#[graphql(name = "MfaConfirmPayload")]
#[serde(rename_all = "camelCase")]
pub struct RecoveryCodes {
    /// Shown once: each lets you sign in once without the authenticator.
    pub recovery_codes: Vec<String>,
}

/// A tenant user signing in.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "LoginInput")]
#[schema(as = LoginBody)]
#[serde(rename_all = "camelCase")]
pub struct LoginInput {
    pub tenant_slug: Slug,
    pub email: EmailAddress,
    pub password: Password,
    /// The current code of the authenticator app, when MFA is on.
    pub totp_code: Option<OneTimeCode>,
    /// A recovery code instead of `totpCode`; each works once.
    pub recovery_code: Option<OneTimeCode>,
}

/// A platform superadmin signing in.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "SuperadminLoginInput")]
#[schema(as = SuperadminLoginBody)]
#[serde(rename_all = "camelCase")]
pub struct SuperadminLoginInput {
    pub email: EmailAddress,
    pub password: Password,
    /// The current code of the authenticator app, when MFA is on (or to
    /// finish the enrolment a required-MFA sign-in started).
    pub totp_code: Option<OneTimeCode>,
    /// A recovery code instead of `totpCode`; each works once.
    pub recovery_code: Option<OneTimeCode>,
}

/// A refresh token, to rotate or to end its session.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RefreshTokenInput")]
#[schema(as = RefreshTokenBody)]
#[serde(rename_all = "camelCase")]
pub struct RefreshTokenInput {
    pub refresh_token: Token,
}

#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ChangePasswordInput")]
#[schema(as = ChangePasswordBody)]
#[serde(rename_all = "camelCase")]
pub struct ChangePasswordInput {
    pub current_password: Password,
    pub new_password: Password,
}

#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "RequestPasswordResetInput")]
#[schema(as = PasswordResetRequestBody)]
#[serde(rename_all = "camelCase")]
pub struct RequestPasswordResetInput {
    pub tenant_slug: Slug,
    pub email: EmailAddress,
}

#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "ResetPasswordInput")]
#[schema(as = PasswordResetBody)]
#[serde(rename_all = "camelCase")]
pub struct ResetPasswordInput {
    /// The token from the reset (or invitation) email.
    pub token: Token,
    pub new_password: Password,
}

#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MfaCodeInput")]
#[schema(as = MfaCodeBody)]
#[serde(rename_all = "camelCase")]
pub struct MfaCodeInput {
    /// A current authenticator code (or, to disable, a recovery code).
    pub code: OneTimeCode,
}

/// A new user of the business.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateUserInput")]
#[schema(as = CreateUserBody)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    pub email: EmailAddress,
    pub display_name: LongName,
    /// Leave out to invite: the user chooses a password from an emailed link.
    pub password: Option<Password>,
    #[graphql(default)]
    #[serde(default)]
    pub role_ids: Vec<RoleId>,
}
