//! The business's users: the signed-in user, the list, adding (with a
//! password, or by invitation) and switching a user off and on.

use super::passwords::issue_reset_token;
use super::store::{sessions, users as store};
use super::types::{NewUser, User};
use super::{password, validate};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::pagination::{Page, PageRequest};
use crate::rbac::service::{
    assign_in, check_grantable, grantable_roles, owner_standing, permissions_of,
};
use chrono::Duration as ChronoDuration;
use entities::users::UserStatus;
use kernel::{AppError, AppResult, Db, ErrorCode, RequestContext, TenantId, UserId};
use sea_orm::ConnectionTrait;
use serde_json::json;

const READ: &str = "admin.users.read";
const MANAGE: &str = "admin.users.manage";
const INVITE_TTL_DAYS: i64 = 7;

async fn find(conn: &impl ConnectionTrait, tenant: TenantId, id: UserId) -> AppResult<User> {
    store::find(conn, tenant, id)
        .await?
        .ok_or_else(|| AppError::not_found("user"))
}

/// The signed-in user.
pub async fn me(db: &Db, ctx: &RequestContext) -> AppResult<User> {
    let (tenant, user) = ctx.require_user()?;
    let unit = Unit::open(db, ctx, tenant).await?;
    let found = find(&*unit, tenant, user).await?;
    unit.commit(found).await
}

pub async fn list_users(db: &Db, ctx: &RequestContext, page: PageRequest) -> AppResult<Page<User>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let limit = u64::try_from(page.fetch_limit()).unwrap_or(0);
    let rows = store::list(&*unit, unit.tenant, page.after, limit).await?;
    let rows = unit.commit(rows).await?;
    Ok(page.finish(rows, |u| u.id.as_uuid()))
}

pub async fn get_user(db: &Db, ctx: &RequestContext, id: UserId) -> AppResult<User> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let found = find(&*unit, unit.tenant, id).await?;
    unit.commit(found).await
}

fn email_taken(err: AppError) -> AppError {
    if err.code() == ErrorCode::Conflict {
        AppError::conflict("a user with that email exists")
            .with_details(json!({ "fields": { "email": "is taken" } }))
    } else {
        err
    }
}

/// Adds a user: active at once with a password, or invited (an event carries
/// a token to choose one to the email job).
pub async fn create_user(db: &Db, ctx: &RequestContext, input: NewUser) -> AppResult<User> {
    let tenant = ctx.require(MANAGE)?;
    let email = validate::email("email", &input.email)?;
    let display_name = input.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "displayName",
            "must be 1 to 200 characters",
        ));
    }
    let hash = match input.password {
        Some(p) => {
            validate::password("password", &p)?;
            Some(password::hash(p.into()).await?)
        }
        None => None,
    };
    let id = UserId::new();
    let unit = Unit::open(db, ctx, tenant).await?;
    crate::billing::entitlements::check(
        &*unit,
        tenant,
        crate::billing::entitlements::Limit::Users,
        unit.now(),
    )
    .await?;
    let roles = grantable_roles(&*unit, ctx, tenant, &input.role_ids).await?;
    let row = store::Insert {
        tenant,
        id,
        email: &email,
        display_name: &display_name,
        password_hash: hash,
        at: unit.now(),
    };
    let user = store::insert(&*unit, row).await.map_err(email_taken)?;
    for role in &roles {
        assign_in(&*unit, tenant, id, role.id).await?;
    }
    let audited = json!({ "user": &user, "roleIds": input.role_ids });
    let change = if user.status == "invited" {
        let ttl = ChronoDuration::days(INVITE_TTL_DAYS);
        let (token, expires_at) = issue_reset_token(&*unit, ctx, tenant, id, ttl).await?;
        Change::new("identity.user.invited", "user", id).with_event(json!({
            "userId": id, "email": email, "displayName": user.display_name,
            "token": token, "expiresAt": expires_at,
        }))
    } else {
        Change::new("identity.user.created", "user", id).with_event(json!({ "userId": id }))
    };
    unit.commit_with(change.with_after(audited), user).await
}

/// Deactivates or reactivates a user. A deactivated user's next request is
/// `AUTHN` and their sessions end; nobody deactivates themselves or the last owner.
pub async fn set_user_active(
    db: &Db,
    ctx: &RequestContext,
    id: UserId,
    active: bool,
) -> AppResult<User> {
    let unit = Unit::begin(db, ctx, MANAGE).await?;
    if !active && ctx.user_id() == Some(id) {
        return Err(AppError::validation("you cannot deactivate yourself"));
    }
    let tenant = unit.tenant;
    let before = find(&*unit, tenant, id).await?;
    // Nobody switches off (or on) someone who can do more than they can.
    let held = permissions_of(&*unit, tenant, id).await?;
    check_grantable(ctx, &held)?;
    if !active {
        let (other_owners, is_owner) = owner_standing(&*unit, tenant, id).await?;
        if is_owner && other_owners == 0 {
            return Err(AppError::conflict(
                "a business keeps at least one active owner",
            ));
        }
    }
    if before.status == "invited" && active {
        return Err(AppError::conflict(
            "an invited user becomes active by accepting the invitation",
        ));
    }
    if active && before.status == "deactivated" {
        crate::billing::entitlements::check(
            &*unit,
            tenant,
            crate::billing::entitlements::Limit::Users,
            unit.now(),
        )
        .await?;
    }
    let (status, action) = if active {
        (UserStatus::Active, "identity.user.reactivated")
    } else {
        (UserStatus::Deactivated, "identity.user.deactivated")
    };
    let change = store::UserUpdate::Status(status);
    let after = store::update(&*unit, tenant, id, change, unit.now()).await?;
    if !active {
        sessions::revoke_user(&*unit, tenant, id, unit.now()).await?;
    }
    unit.commit_with(
        Change::new(action, "user", id)
            .with_before(json!({ "status": before.status }))
            .with_after(json!({ "status": after.status }))
            .with_event(json!({ "userId": id })),
        after,
    )
    .await
}
