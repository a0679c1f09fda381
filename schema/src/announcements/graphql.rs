use super::{Announcement, AnnouncementPatch, NewAnnouncement, Notice, commands, read};
use crate::gql::{rc, svc};
use crate::superadmin::OperatorReason;
use async_graphql::{Context, InputObject, Object, Subscription};
use futures_util::{Stream, StreamExt};
use kernel::AnnouncementId;

#[derive(InputObject)]
pub struct UpdateAnnouncementInput {
    pub announcement_id: AnnouncementId,
    #[graphql(flatten)]
    pub patch: AnnouncementPatch,
}

#[derive(InputObject)]
pub struct WithdrawAnnouncementInput {
    pub announcement_id: AnnouncementId,
    #[graphql(flatten)]
    pub reason: OperatorReason,
}

#[derive(Default)]
pub struct AnnouncementsQuery;

#[Object]
impl AnnouncementsQuery {
    /// The operator's announcements meant for the caller's business now,
    /// without those the user dismissed since their last edit.
    async fn announcements(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Notice>> {
        Ok(read::visible(&svc(ctx)?.db, rc(ctx)?).await?)
    }

    /// Superadmins: announcements to come and live; with `includePast`,
    /// ended and withdrawn ones too.
    async fn operator_announcements(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_past: bool,
    ) -> async_graphql::Result<Vec<Announcement>> {
        Ok(read::list(&svc(ctx)?.db, rc(ctx)?, include_past).await?)
    }
}

#[derive(Default)]
pub struct AnnouncementsMutation;

#[Object]
impl AnnouncementsMutation {
    /// Superadmins: announce a message to all, chosen businesses, or the
    /// subscribers of chosen plans.
    async fn create_announcement(
        &self,
        ctx: &Context<'_>,
        input: NewAnnouncement,
    ) -> async_graphql::Result<Announcement> {
        Ok(commands::create(&svc(ctx)?.db, rc(ctx)?, input).await?)
    }

    /// Superadmins: edit an announcement (a new revision: dismissals lapse).
    async fn update_announcement(
        &self,
        ctx: &Context<'_>,
        input: UpdateAnnouncementInput,
    ) -> async_graphql::Result<Announcement> {
        Ok(commands::update(&svc(ctx)?.db, rc(ctx)?, input.announcement_id, input.patch).await?)
    }

    /// Superadmins: take an announcement down before its end.
    async fn withdraw_announcement(
        &self,
        ctx: &Context<'_>,
        input: WithdrawAnnouncementInput,
    ) -> async_graphql::Result<Announcement> {
        Ok(
            commands::withdraw(&svc(ctx)?.db, rc(ctx)?, input.announcement_id, input.reason)
                .await?,
        )
    }

    /// Hide a dismissable announcement for yourself until it is next edited.
    async fn dismiss_announcement(
        &self,
        ctx: &Context<'_>,
        announcement_id: AnnouncementId,
    ) -> async_graphql::Result<Notice> {
        Ok(read::dismiss(&svc(ctx)?.db, rc(ctx)?, announcement_id).await?)
    }
}

#[derive(Default)]
pub struct AnnouncementsSubscription;

#[Subscription]
impl AnnouncementsSubscription {
    /// What `announcements` answers, first at once and then again whenever
    /// it changes: an announcement starts, is edited, ends or is withdrawn,
    /// or the user dismisses one on another device.
    async fn announcements(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Vec<Notice>>>> {
        let (services, request) = (svc(ctx)?, rc(ctx)?);
        let me = request.user_id().map(|m| m.to_string());
        // Another user's dismissal changes nothing here.
        let keep = move |e: &jobs::envelope::Envelope| {
            e.event_type != "announcement.dismissed"
                || e.data.get("userId").and_then(|u| u.as_str()) == me.as_deref()
        };
        let updates = crate::events::service::refreshed(
            services,
            request,
            vec!["announcement.".to_owned()],
            keep,
            |services, request| async move { read::visible(&services.db, &request).await },
        )
        .await?;
        Ok(updates.map(|r| r.map_err(Into::into)))
    }
}
