use super::service::{self, AuthTokens, LoginInput, MfaEnrolment, NewUser, User};
use crate::gql::{connection, page, rc, svc};
use crate::loaders::RolesByUser;
use crate::rbac::service::Role;
use crate::text::{EmailAddress, LongName, OneTimeCode, Password, Slug, Token};
use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject};
use kernel::AppError;
use uuid::Uuid;

#[ComplexObject]
impl User {
    /// The user's roles (one query for a whole list of users).
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Role>> {
        let loader = ctx
            .data::<DataLoader<RolesByUser>>()
            .map_err(|_| AppError::internal("roles loader missing"))?;
        match loader.load_one(self.id).await {
            Ok(roles) => Ok(roles.unwrap_or_default()),
            Err(err) => Err(AppError::new(err.code(), err.message()).into()),
        }
    }
}

#[derive(InputObject)]
#[graphql(name = "LoginInput")]
pub struct LoginGql {
    pub tenant_slug: Slug,
    pub email: EmailAddress,
    pub password: Password,
    /// The current code of the authenticator app, when MFA is on.
    pub totp_code: Option<OneTimeCode>,
    /// A recovery code instead of `totpCode`; each works once.
    pub recovery_code: Option<OneTimeCode>,
}

#[derive(InputObject)]
pub struct SuperadminLoginInput {
    pub email: EmailAddress,
    pub password: Password,
}

#[derive(InputObject)]
pub struct RefreshTokenInput {
    pub refresh_token: Token,
}

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: Password,
    pub new_password: Password,
}

#[derive(InputObject)]
pub struct RequestPasswordResetInput {
    pub tenant_slug: Slug,
    pub email: EmailAddress,
}

#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// The token from the reset (or invitation) email.
    pub token: Token,
    pub new_password: Password,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: EmailAddress,
    pub display_name: LongName,
    /// Leave out to invite: the user chooses a password from an emailed link.
    pub password: Option<Password>,
    #[graphql(default)]
    pub role_ids: Vec<Uuid>,
}

#[derive(InputObject)]
pub struct UserIdInput {
    pub user_id: Uuid,
}

#[derive(InputObject)]
pub struct MfaCodeInput {
    pub code: OneTimeCode,
}

#[derive(SimpleObject)]
pub struct UserPayload {
    pub user: User,
}

#[derive(SimpleObject)]
pub struct OkPayload {
    pub ok: bool,
}

#[derive(SimpleObject)]
pub struct MfaConfirmPayload {
    /// Shown once: each lets you sign in once without the authenticator.
    pub recovery_codes: Vec<String>,
}

#[derive(Default)]
pub struct IdentityQuery;

#[Object]
impl IdentityQuery {
    /// The signed-in user.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        Ok(service::me(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, User>> {
        let result = service::list_users(&svc(ctx)?.db, rc(ctx)?, page(first, after)?).await?;
        Ok(connection(result, |u| u.id))
    }

    async fn user(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<User> {
        Ok(service::get_user(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Public: sign in to a business.
    async fn login(&self, ctx: &Context<'_>, input: LoginGql) -> async_graphql::Result<AuthTokens> {
        let input = LoginInput {
            tenant_slug: input.tenant_slug.into(),
            email: input.email.into(),
            password: input.password.into(),
            totp_code: input.totp_code.map(Into::into),
            recovery_code: input.recovery_code.map(Into::into),
        };
        Ok(service::login(svc(ctx)?, rc(ctx)?, input).await?)
    }

    /// Public: sign in as a platform superadmin.
    async fn superadmin_login(
        &self,
        ctx: &Context<'_>,
        input: SuperadminLoginInput,
    ) -> async_graphql::Result<AuthTokens> {
        Ok(service::superadmin_login(svc(ctx)?, rc(ctx)?, &input.email, &input.password).await?)
    }

    /// Public: trade a refresh token for a new pair (the old one is spent).
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> async_graphql::Result<AuthTokens> {
        Ok(service::refresh(svc(ctx)?, rc(ctx)?, &input.refresh_token).await?)
    }

    /// End the session a refresh token belongs to.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> async_graphql::Result<OkPayload> {
        service::logout(svc(ctx)?, rc(ctx)?, &input.refresh_token).await?;
        Ok(OkPayload { ok: true })
    }

    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> async_graphql::Result<OkPayload> {
        service::change_password(
            svc(ctx)?,
            rc(ctx)?,
            &input.current_password,
            &input.new_password,
        )
        .await?;
        Ok(OkPayload { ok: true })
    }

    /// Public: always answers ok; an email follows if the account exists.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        input: RequestPasswordResetInput,
    ) -> async_graphql::Result<OkPayload> {
        service::request_password_reset(svc(ctx)?, rc(ctx)?, &input.tenant_slug, &input.email)
            .await?;
        Ok(OkPayload { ok: true })
    }

    /// Public: set a new password with an emailed token (reset or invitation).
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> async_graphql::Result<OkPayload> {
        service::reset_password(svc(ctx)?, rc(ctx)?, &input.token, &input.new_password).await?;
        Ok(OkPayload { ok: true })
    }

    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> async_graphql::Result<UserPayload> {
        let input = NewUser {
            email: input.email.into(),
            display_name: input.display_name.into(),
            password: input.password.map(Into::into),
            role_ids: input.role_ids,
        };
        let user = service::create_user(&svc(ctx)?.db, rc(ctx)?, input).await?;
        Ok(UserPayload { user })
    }

    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        input: UserIdInput,
    ) -> async_graphql::Result<UserPayload> {
        let user = service::set_user_active(&svc(ctx)?.db, rc(ctx)?, input.user_id, false).await?;
        Ok(UserPayload { user })
    }

    async fn reactivate_user(
        &self,
        ctx: &Context<'_>,
        input: UserIdInput,
    ) -> async_graphql::Result<UserPayload> {
        let user = service::set_user_active(&svc(ctx)?.db, rc(ctx)?, input.user_id, true).await?;
        Ok(UserPayload { user })
    }

    /// Start TOTP enrolment: add the secret to an authenticator app, then confirm.
    async fn enrol_mfa(&self, ctx: &Context<'_>) -> async_graphql::Result<MfaEnrolment> {
        Ok(service::enrol_mfa(svc(ctx)?, rc(ctx)?).await?)
    }

    async fn confirm_mfa(
        &self,
        ctx: &Context<'_>,
        input: MfaCodeInput,
    ) -> async_graphql::Result<MfaConfirmPayload> {
        let recovery_codes = service::confirm_mfa(svc(ctx)?, rc(ctx)?, &input.code).await?;
        Ok(MfaConfirmPayload { recovery_codes })
    }

    async fn disable_mfa(
        &self,
        ctx: &Context<'_>,
        input: MfaCodeInput,
    ) -> async_graphql::Result<OkPayload> {
        service::disable_mfa(svc(ctx)?, rc(ctx)?, &input.code).await?;
        Ok(OkPayload { ok: true })
    }
}
