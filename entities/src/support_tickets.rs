use sea_orm::entity::prelude::*;

table! {
    "support_tickets",
    key { tenant_id: Uuid, id: Uuid },
    pub number: i32,
    pub subject: String,
    pub category: Category,
    pub priority: Priority,
    pub status: Status,
    pub requester_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub sla_due_at: Option<DateTimeUtc>,
    pub sla_breached: bool,
    pub first_replied_at: Option<DateTimeUtc>,
    pub solved_at: Option<DateTimeUtc>,
    pub closed_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

text_enum! {
    /// What a ticket is about (`support_tickets.category`).
    Category {
        Account = "account",
        Billing = "billing",
        Technical = "technical",
        MenuAndPos = "menu_and_pos",
        FeatureRequest = "feature_request",
        Other = "other",
    }
}

text_enum! {
    /// How urgent (`support_tickets.priority`, `support_sla_policies.priority`).
    Priority {
        Low = "low",
        Normal = "normal",
        High = "high",
        Urgent = "urgent",
    }
}

text_enum! {
    /// Where a ticket is (`support_tickets.status`).
    Status {
        New = "new",
        Open = "open",
        Pending = "pending",
        OnHold = "on_hold",
        Solved = "solved",
        Closed = "closed",
    }
}
