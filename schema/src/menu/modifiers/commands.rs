//! Listing and creating modifier groups.

use super::{ModifierGroup, NewModifierGroup, store};
use crate::audit::service::Change;
use crate::command::Unit;
use crate::menu::rules::name;
use crate::menu::{READ, WRITE};
use kernel::{AppError, AppResult, Db, ModifierGroupId, RequestContext};

pub async fn list_modifier_groups(db: &Db, ctx: &RequestContext) -> AppResult<Vec<ModifierGroup>> {
    let unit = Unit::begin(db, ctx, READ).await?;
    let groups = store::all(&*unit, unit.tenant).await?;
    unit.commit(groups).await
}

pub async fn create_modifier_group(
    db: &Db,
    ctx: &RequestContext,
    input: NewModifierGroup,
) -> AppResult<ModifierGroup> {
    let unit = Unit::begin(db, ctx, WRITE).await?;
    let group_name = name("name", &input.name, 100)?;
    let (min_select, max_select) = (input.min_select, input.max_select);
    if min_select < 0 {
        return Err(AppError::invalid_field("minSelect", "must be 0 or more"));
    }
    if max_select < 1 || max_select < min_select {
        return Err(AppError::invalid_field(
            "maxSelect",
            "must be at least 1 and at least minSelect",
        ));
    }
    if input.modifiers.is_empty() || input.modifiers.len() > 100 {
        return Err(AppError::invalid_field(
            "modifiers",
            "give 1 to 100 modifiers",
        ));
    }
    if usize::try_from(min_select).unwrap_or(usize::MAX) > input.modifiers.len() {
        return Err(AppError::invalid_field(
            "minSelect",
            "is more than the modifiers offered",
        ));
    }
    let modifiers = input
        .modifiers
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Ok((
                name(&format!("modifiers[{i}].name"), &m.name, 100)?,
                m.price_delta_minor,
            ))
        })
        .collect::<AppResult<Vec<_>>>()?;
    let id = ModifierGroupId::new();
    store::insert(
        &*unit,
        store::Insert {
            tenant: unit.tenant,
            id,
            name: &group_name,
            min_select,
            max_select,
            at: unit.now(),
            modifiers: &modifiers,
        },
    )
    .await?;
    let group = store::by_ids(&*unit, unit.tenant, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::internal("group vanished"))?;
    unit.commit_with(
        Change::created("menu.modifier_group.created", "modifier_group", id, &group)?,
        group,
    )
    .await
}
