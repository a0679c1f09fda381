use super::service::{
    self, AuthTokens, ChangePasswordInput, Done, LoginInput, MfaCodeInput, MfaEnrolment, NewUser,
    RecoveryCodes, RefreshTokenInput, RequestPasswordResetInput, ResetPasswordInput,
    SuperadminLoginInput, User,
};
use crate::gql::{connection, page, rc, svc};
use crate::loaders::RolesByUser;
use crate::rbac::service::Role;
use async_graphql::connection::Connection;
use async_graphql::dataloader::DataLoader;
use async_graphql::{ComplexObject, Context, InputObject, Object, SimpleObject};
use kernel::{AppError, UserId};

#[ComplexObject]
impl User {
    /// The user's roles (one query for a whole list of users).
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Role>> {
        let loader = ctx
            .data::<DataLoader<RolesByUser>>()
            .map_err(|_| AppError::internal("roles loader missing"))?;
        match loader.load_one(self.id.into()).await {
            Ok(roles) => Ok(roles.unwrap_or_default()),
            Err(err) => Err(AppError::new(err.code(), err.message()).into()),
        }
    }
}

#[derive(InputObject)]
pub struct UserIdInput {
    pub user_id: UserId,
}

#[derive(SimpleObject)]
pub struct UserPayload {
    pub user: User,
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
        Ok(connection(result, |u| u.id.as_uuid()))
    }

    async fn user(&self, ctx: &Context<'_>, id: UserId) -> async_graphql::Result<User> {
        Ok(service::get_user(&svc(ctx)?.db, rc(ctx)?, id).await?)
    }
}

#[derive(Default)]
pub struct IdentityMutation;

#[Object]
impl IdentityMutation {
    /// Public: sign in to a business.
    async fn login(
        &self,
        ctx: &Context<'_>,
        input: LoginInput,
    ) -> async_graphql::Result<AuthTokens> {
        Ok(service::login(svc(ctx)?, rc(ctx)?, input).await?)
    }

    /// Public: sign in as a platform superadmin.
    async fn superadmin_login(
        &self,
        ctx: &Context<'_>,
        input: SuperadminLoginInput,
    ) -> async_graphql::Result<AuthTokens> {
        Ok(service::superadmin_login(svc(ctx)?, rc(ctx)?, input).await?)
    }

    /// Public: trade a refresh token for a new pair (the old one is spent).
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> async_graphql::Result<AuthTokens> {
        Ok(service::refresh(svc(ctx)?, rc(ctx)?, input).await?)
    }

    /// End the session a refresh token belongs to.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> async_graphql::Result<Done> {
        service::logout(svc(ctx)?, rc(ctx)?, input).await?;
        Ok(Done::OK)
    }

    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> async_graphql::Result<Done> {
        service::change_password(svc(ctx)?, rc(ctx)?, input).await?;
        Ok(Done::OK)
    }

    /// Public: always answers ok; an email follows if the account exists.
    async fn request_password_reset(
        &self,
        ctx: &Context<'_>,
        input: RequestPasswordResetInput,
    ) -> async_graphql::Result<Done> {
        service::request_password_reset(svc(ctx)?, rc(ctx)?, input).await?;
        Ok(Done::OK)
    }

    /// Public: set a new password with an emailed token (reset or invitation).
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> async_graphql::Result<Done> {
        service::reset_password(svc(ctx)?, rc(ctx)?, input).await?;
        Ok(Done::OK)
    }

    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: NewUser,
    ) -> async_graphql::Result<UserPayload> {
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
    ) -> async_graphql::Result<RecoveryCodes> {
        Ok(service::confirm_mfa(svc(ctx)?, rc(ctx)?, input).await?)
    }

    async fn disable_mfa(
        &self,
        ctx: &Context<'_>,
        input: MfaCodeInput,
    ) -> async_graphql::Result<Done> {
        service::disable_mfa(svc(ctx)?, rc(ctx)?, input).await?;
        Ok(Done::OK)
    }
}
