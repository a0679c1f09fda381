use sea_orm::entity::prelude::*;

table! {
    "audit_events",
    key { id: Uuid, created_at: DateTimeUtc },
    pub tenant_id: Option<Uuid>,
    pub actor_type: ActorType,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub request_id: Option<String>,
    pub reason: Option<String>,
    pub impersonator_id: Option<Uuid>,
}

text_enum! {
    /// Who performed an audited action (`audit_events.actor_type`).
    ActorType {
        Anonymous = "anonymous",
        User = "user",
        ApiKey = "api_key",
        Superadmin = "superadmin",
        System = "system",
    }
}
