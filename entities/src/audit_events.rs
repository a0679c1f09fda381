use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub created_at: DateTimeUtc,
    pub tenant_id: Option<Uuid>,
    pub actor_type: ActorType,
    pub actor_id: Option<Uuid>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<Json>,
    pub after: Option<Json>,
    pub request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

/// Who performed an audited action (`audit_events.actor_type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "Text")]
#[serde(rename_all = "snake_case")]
pub enum ActorType {
    #[sea_orm(string_value = "anonymous")]
    Anonymous,
    #[sea_orm(string_value = "user")]
    User,
    #[sea_orm(string_value = "api_key")]
    ApiKey,
    #[sea_orm(string_value = "superadmin")]
    Superadmin,
    #[sea_orm(string_value = "system")]
    System,
}
