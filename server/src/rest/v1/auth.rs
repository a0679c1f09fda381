//! `/v1/auth`: signup, sessions, passwords and MFA, over the identity and
//! tenant services.

use super::rbac::UserView;

use crate::http::errors::ApiError;
use crate::rest::openapi::{DataDoc, ErrorBody};
use crate::rest::{Caller, Created, Data, JsonBody};
use crate::state::AppState;
use schema::identity::service::{
    self as identity, AuthTokens, ChangePasswordInput, Done, LoginInput, MfaCodeInput,
    MfaEnrolment, RecoveryCodes, RefreshTokenInput, RequestPasswordResetInput, ResetPasswordInput,
    SuperadminLoginInput,
};
use schema::tenants::service::{self as tenants, Signup, SignupInput};

/// Public: registers a business (pending approval) and its owner, who can
/// sign in at once but reaches no business module until it is approved.
#[utoipa::path(
    post,
    path = "/v1/auth/signup",
    tag = "auth",
    request_body = SignupInput,
    responses(
        (status = 201, description = "The pending business and its owner's id", body = DataDoc<Signup>),
        (status = 400, description = "Invalid input (`details.fields` names it)", body = ErrorBody),
        (status = 409, description = "The slug is taken", body = ErrorBody),
    )
)]
pub async fn signup(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<SignupInput>,
) -> Result<Created<Signup>, ApiError> {
    Ok(Created(
        tenants::signup(&state.services.db, &ctx, body).await?,
    ))
}

/// Public: signs a user of a business in.
#[utoipa::path(
    post,
    path = "/v1/auth/login",
    tag = "auth",
    request_body = LoginInput,
    responses(
        (status = 200, description = "A new session", body = DataDoc<AuthTokens>),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Invalid credentials, or a one-time code is required (`details.mfaRequired`)", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
    )
)]
pub async fn login(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<LoginInput>,
) -> Result<Data<AuthTokens>, ApiError> {
    Ok(Data(identity::login(&state.services, &ctx, body).await?))
}

/// Public: signs a platform superadmin in.
#[utoipa::path(
    post,
    path = "/v1/auth/superadmin/login",
    tag = "auth",
    request_body = SuperadminLoginInput,
    responses(
        (status = 200, description = "A new superadmin session", body = DataDoc<AuthTokens>),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Invalid credentials", body = ErrorBody),
        (status = 429, description = "Too many failed attempts", body = ErrorBody),
    )
)]
pub async fn superadmin_login(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<SuperadminLoginInput>,
) -> Result<Data<AuthTokens>, ApiError> {
    Ok(Data(
        identity::superadmin_login(&state.services, &ctx, body).await?,
    ))
}

/// Public: trades a refresh token for a new pair. The old token is spent;
/// presenting it again ends the whole session family.
#[utoipa::path(
    post,
    path = "/v1/auth/refresh",
    tag = "auth",
    request_body = RefreshTokenInput,
    responses(
        (status = 200, description = "The rotated session", body = DataDoc<AuthTokens>),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Unknown, spent (reuse: the family is revoked), revoked or expired token", body = ErrorBody),
    )
)]
pub async fn refresh(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<RefreshTokenInput>,
) -> Result<Data<AuthTokens>, ApiError> {
    Ok(Data(identity::refresh(&state.services, &ctx, body).await?))
}

/// Ends the session a refresh token belongs to.
#[utoipa::path(
    post,
    path = "/v1/auth/logout",
    tag = "auth",
    request_body = RefreshTokenInput,
    responses(
        (status = 200, description = "The session has ended", body = DataDoc<Done>),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 401, description = "Unknown refresh token", body = ErrorBody),
    )
)]
pub async fn logout(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<RefreshTokenInput>,
) -> Result<Data<Done>, ApiError> {
    identity::logout(&state.services, &ctx, body).await?;
    Ok(Data(Done::OK))
}

/// Changes the caller's password; every session of theirs ends.
#[utoipa::path(
    post,
    path = "/v1/auth/password/change",
    tag = "auth",
    request_body = ChangePasswordInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = DataDoc<Done>),
        (status = 400, description = "Wrong current password or weak new one", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "API keys cannot do this", body = ErrorBody),
    )
)]
pub async fn change_password(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<ChangePasswordInput>,
) -> Result<Data<Done>, ApiError> {
    identity::change_password(&state.services, &ctx, body).await?;
    Ok(Data(Done::OK))
}

/// Public: starts a password reset. Always answers ok; an email follows if
/// the account exists.
#[utoipa::path(
    post,
    path = "/v1/auth/password/reset-request",
    tag = "auth",
    request_body = RequestPasswordResetInput,
    responses(
        (status = 200, description = "Accepted", body = DataDoc<Done>),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 429, description = "Too many requests for this account or address", body = ErrorBody),
    )
)]
pub async fn request_password_reset(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<RequestPasswordResetInput>,
) -> Result<Data<Done>, ApiError> {
    identity::request_password_reset(&state.services, &ctx, body).await?;
    Ok(Data(Done::OK))
}

/// Public: sets a new password with an emailed token (reset or invitation).
#[utoipa::path(
    post,
    path = "/v1/auth/password/reset",
    tag = "auth",
    request_body = ResetPasswordInput,
    responses(
        (status = 200, description = "The password is set; every session has ended", body = DataDoc<Done>),
        (status = 400, description = "Invalid, used or expired token, or a weak password", body = ErrorBody),
    )
)]
pub async fn reset_password(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<ResetPasswordInput>,
) -> Result<Data<Done>, ApiError> {
    identity::reset_password(&state.services, &ctx, body).await?;
    Ok(Data(Done::OK))
}

/// The signed-in user, with their roles.
#[utoipa::path(
    get,
    path = "/v1/auth/me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = DataDoc<UserView>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "API keys are not users", body = ErrorBody),
    )
)]
pub async fn me(Caller { state, ctx }: Caller) -> Result<Data<UserView>, ApiError> {
    let user = identity::me(&state.services.db, &ctx).await?;
    Ok(Data(UserView::one(&state, &ctx, user).await?))
}

/// Starts TOTP enrolment: add the secret to an authenticator app, then confirm.
#[utoipa::path(
    post,
    path = "/v1/auth/mfa/enrol",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A pending secret", body = DataDoc<MfaEnrolment>),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "MFA is already on", body = ErrorBody),
    )
)]
pub async fn enrol_mfa(Caller { state, ctx }: Caller) -> Result<Data<MfaEnrolment>, ApiError> {
    Ok(Data(identity::enrol_mfa(&state.services, &ctx).await?))
}

/// Confirms enrolment with a current code; returns the recovery codes, once.
#[utoipa::path(
    post,
    path = "/v1/auth/mfa/confirm",
    tag = "auth",
    request_body = MfaCodeInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "MFA is on", body = DataDoc<RecoveryCodes>),
        (status = 400, description = "Not the current code", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "No enrolment started", body = ErrorBody),
    )
)]
pub async fn confirm_mfa(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<MfaCodeInput>,
) -> Result<Data<RecoveryCodes>, ApiError> {
    Ok(Data(
        identity::confirm_mfa(&state.services, &ctx, body).await?,
    ))
}

/// Switches MFA off; needs a current code or a recovery code.
#[utoipa::path(
    post,
    path = "/v1/auth/mfa/disable",
    tag = "auth",
    request_body = MfaCodeInput,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "MFA is off", body = DataDoc<Done>),
        (status = 400, description = "Not a valid code", body = ErrorBody),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 409, description = "MFA is not on", body = ErrorBody),
    )
)]
pub async fn disable_mfa(
    Caller { state, ctx }: Caller,
    JsonBody(body): JsonBody<MfaCodeInput>,
) -> Result<Data<Done>, ApiError> {
    identity::disable_mfa(&state.services, &ctx, body).await?;
    Ok(Data(Done::OK))
}

/// The routes of this module, merged into `/v1` by `v1::router`.
pub fn router() -> axum::Router<AppState> {
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/auth/signup", post(signup))
        .route("/auth/login", post(login))
        .route("/auth/superadmin/login", post(superadmin_login))
        .route("/auth/refresh", post(refresh))
        .route("/auth/logout", post(logout))
        .route("/auth/password/change", post(change_password))
        .route("/auth/password/reset-request", post(request_password_reset))
        .route("/auth/password/reset", post(reset_password))
        .route("/auth/me", get(me))
        .route("/auth/mfa/enrol", post(enrol_mfa))
        .route("/auth/mfa/confirm", post(confirm_mfa))
        .route("/auth/mfa/disable", post(disable_mfa))
}

/// The operations of this module, merged into the document by `openapi::spec`.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    signup,
    login,
    superadmin_login,
    refresh,
    logout,
    change_password,
    request_password_reset,
    reset_password,
    me,
    enrol_mfa,
    confirm_mfa,
    disable_mfa
))]
pub struct Api;
