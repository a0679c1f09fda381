//! What creating and updating an item share: the references it makes (its
//! category, its modifier groups) and the lists it replaces (variants,
//! modifier-group links).

use super::{NewVariant, store};
use crate::menu::modifiers;
use crate::menu::rules::name;
use crate::store_support::find;
use entities::menu_categories;
use kernel::{AppError, AppResult, CategoryId, MenuItemId, ModifierGroupId, TenantId};
use sea_orm::ConnectionTrait;
use std::collections::HashSet;

/// Checks that the referenced category and modifier groups are this
/// tenant's (else `VALIDATION`).
pub(super) async fn check_refs(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    category: Option<CategoryId>,
    groups: &[ModifierGroupId],
) -> AppResult<()> {
    if let Some(category) = category
        && find::<menu_categories::Entity, menu_categories::Model>(conn, tenant, category)
            .await?
            .is_none()
    {
        return Err(AppError::invalid_field("categoryId", "no such category"));
    }
    let unique: Vec<ModifierGroupId> = groups
        .iter()
        .copied()
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    if !unique.is_empty()
        && modifiers::store::count_known(conn, tenant, &unique).await? != unique.len() as u64
    {
        return Err(AppError::invalid_field(
            "modifierGroupIds",
            "unknown modifier group",
        ));
    }
    Ok(())
}

/// Replaces the variants and the modifier groups that are given.
pub(super) async fn replace(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    item: MenuItemId,
    variants: Option<&[NewVariant]>,
    groups: Option<&[ModifierGroupId]>,
) -> AppResult<()> {
    if let Some(variants) = variants {
        let mut names = HashSet::new();
        let mut named = Vec::with_capacity(variants.len());
        for (i, v) in variants.iter().enumerate() {
            let n = name(&format!("variants[{i}].name"), &v.name, 100)?;
            if !names.insert(n.to_lowercase()) {
                return Err(AppError::invalid_field(
                    "variants",
                    format!("{n} appears twice"),
                ));
            }
            named.push((n, v.price_delta_minor));
        }
        store::replace_variants(conn, tenant, item, &named).await?;
    }
    if let Some(groups) = groups {
        store::replace_group_links(conn, tenant, item, groups).await?;
    }
    Ok(())
}
