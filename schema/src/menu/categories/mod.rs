//! A menu category and the inputs that make and change one, each defined
//! once and deriving what GraphQL, REST (serde) and OpenAPI need.

mod commands;
pub(super) mod store;

pub use commands::{create_category, list_categories, update_category};

use crate::text::Name;
use chrono::{DateTime, Utc};
use kernel::CategoryId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, async_graphql::SimpleObject)]
#[serde(rename_all = "camelCase")]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub sort_order: i32,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<entities::menu_categories::Model> for Category {
    fn from(m: entities::menu_categories::Model) -> Self {
        Self {
            id: m.id.into(),
            name: m.name,
            sort_order: m.sort_order,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A new category.
#[derive(Debug, Clone, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "CreateMenuCategoryInput")]
#[schema(as = CategoryBody)]
#[serde(rename_all = "camelCase")]
pub struct NewCategory {
    /// 1 to 100 characters, unique in the business.
    pub name: Name,
    /// Display order, lowest first; 0 when left out.
    #[serde(default)]
    #[graphql(default)]
    pub sort_order: i32,
}

/// Leave a field out to keep it.
#[derive(Debug, Clone, Default, Deserialize, async_graphql::InputObject, utoipa::ToSchema)]
#[graphql(name = "MenuCategoryPatchInput")]
#[serde(rename_all = "camelCase")]
pub struct CategoryPatch {
    pub name: Option<Name>,
    pub sort_order: Option<i32>,
    pub active: Option<bool>,
}
