use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stock_movements")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub stock_item_id: Uuid,
    pub location_id: Uuid,
    pub kind: String,
    pub quantity_milli: i64,
    pub counted_milli: Option<i64>,
    pub occurred_at: DateTimeUtc,
    pub recorded_at: DateTimeUtc,
    pub reason: Option<String>,
    pub source_type: Option<String>,
    pub source_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
