//! `server seed-demo`: a demo café a newcomer can sell a coffee in within a
//! minute. Everything goes through the same services as the API, so the
//! demo has its audit trail and events like any business.

use crate::identity::service::{NewUser, create_user};
use crate::inventory::items::{self, NewStockItem};
use crate::inventory::ledger::{self, Adjustment};
use crate::inventory::levels::ReorderPoint;
use crate::inventory::recipes::{self, NewComponent, RecipeComponents, RecipeOf};
use crate::inventory::{MovementKind, StockUnit};
use crate::menu::categories::{self, NewCategory};
use crate::menu::items::{self as menu_items, NewItem, NewVariant};
use crate::menu::modifiers::{self, NewModifier, NewModifierGroup};
use crate::quantity::Quantity;
use crate::rbac::service::{list_roles, load_user_access};
use crate::tenants::service::{self as tenants, SignupInput};
use crate::text::{CurrencyCode, EmailAddress, LongName, Name, Password, Reason, Sku, Slug};
use kernel::context::Actor;
use kernel::{
    AppError, AppResult, CategoryId, Db, MenuItemId, ModifierGroupId, RequestContext, StockItemId,
};
use uuid::Uuid;

pub const SLUG: &str = "demo-cafe";

/// What the demo made, for the command to print.
#[derive(Debug, Clone)]
pub struct Demo {
    pub tenant_id: Uuid,
    pub slug: String,
    /// (role, email) of each login; all share the password given.
    pub logins: Vec<(String, String)>,
    pub location_id: Uuid,
    pub flat_white_id: Uuid,
    pub oat_milk_modifier_id: Uuid,
    pub croissant_id: Uuid,
}

fn rid() -> String {
    Uuid::now_v7().to_string()
}

fn qty(units: i64) -> Quantity {
    Quantity::units(units)
}

/// Seeds the demo tenant; `None` when it already exists (nothing changes).
pub async fn seed(db: &Db, password: &str) -> AppResult<Option<Demo>> {
    {
        let tx = db.system_tx().await?;
        let existing = tenants::find_by_slug(&tx, SLUG).await?;
        tx.commit().await?;
        if existing.is_some() {
            return Ok(None);
        }
    }
    let signup = tenants::signup(
        db,
        &RequestContext::new(rid(), Actor::Anonymous),
        SignupInput {
            business_name: LongName::parse_field("businessName", "Demo Café")?,
            slug: Slug::parse_field("slug", SLUG)?,
            owner_name: LongName::parse_field("ownerName", "Olivia Owner")?,
            email: EmailAddress::parse_field("email", &format!("owner@{SLUG}.test"))?,
            password: Password::parse_field("password", password)?,
        },
    )
    .await?;
    let tenant = signup.tenant.id;
    tenants::approve(db, &RequestContext::system(rid()), tenant, None).await?;
    let owner_id = signup.owner_id;
    let owner = RequestContext::new(
        rid(),
        Actor::User {
            tenant_id: tenant,
            user_id: owner_id,
        },
    )
    .with_access(load_user_access(db, tenant, owner_id).await?);
    let o = &owner;

    let mut logins = vec![("owner".to_owned(), format!("owner@{SLUG}.test"))];
    let roles = list_roles(db, o).await?;
    for (key, name) in [
        ("manager", "Max Manager"),
        ("cashier", "Cara Cashier"),
        ("kitchen", "Kai Kitchen"),
    ] {
        let role = roles
            .iter()
            .find(|r| r.key.as_deref() == Some(key))
            .ok_or_else(|| AppError::internal(format!("no built-in {key} role")))?;
        let email = format!("{key}@{SLUG}.test");
        create_user(
            db,
            o,
            NewUser {
                email: EmailAddress::parse_field("email", &email)?,
                display_name: LongName::parse_field("displayName", name)?,
                password: Some(Password::parse_field("password", password)?),
                role_ids: vec![role.id],
            },
        )
        .await?;
        logins.push((key.to_owned(), email));
    }

    let location = crate::locations::service::create(
        db,
        o,
        crate::locations::types::NewLocation {
            name: crate::text::Name::parse_field("name", "Main Street")?,
            timezone: Some(crate::text::TimeZone::parse_field(
                "timezone",
                "Europe/Paris",
            )?),
        },
    )
    .await?;

    let name = |text: &str| Name::parse_field("name", text);
    let category = |text: &str, sort_order| -> AppResult<NewCategory> {
        Ok(NewCategory {
            name: name(text)?,
            sort_order,
        })
    };
    let coffee = categories::create_category(db, o, category("Coffee", 1)?).await?;
    let bakery = categories::create_category(db, o, category("Bakery", 2)?).await?;
    let drinks = categories::create_category(db, o, category("Cold drinks", 3)?).await?;
    let modifier = |text: &str, price_delta_minor| -> AppResult<NewModifier> {
        Ok(NewModifier {
            name: name(text)?,
            price_delta_minor,
        })
    };
    let milk = modifiers::create_modifier_group(
        db,
        o,
        NewModifierGroup {
            name: name("Milk")?,
            min_select: 0,
            max_select: 1,
            modifiers: vec![modifier("Oat milk", 40)?, modifier("Soy milk", 40)?],
        },
    )
    .await?;
    let extras = modifiers::create_modifier_group(
        db,
        o,
        NewModifierGroup {
            name: name("Extras")?,
            min_select: 0,
            max_select: 2,
            modifiers: vec![modifier("Extra shot", 50)?, modifier("Vanilla syrup", 30)?],
        },
    )
    .await?;
    let sizes = vec![
        NewVariant {
            name: name("Regular")?,
            price_delta_minor: 0,
        },
        NewVariant {
            name: name("Large")?,
            price_delta_minor: 60,
        },
    ];
    let sizes = || sizes.clone();
    let item = |category: CategoryId,
                sku: &str,
                item_name: &str,
                price: i64,
                tax: i32,
                variants,
                groups: Vec<ModifierGroupId>|
     -> AppResult<NewItem> {
        Ok(NewItem {
            category_id: category,
            sku: Sku::parse_field("sku", sku)?,
            name: LongName::parse_field("name", item_name)?,
            description: None,
            price_minor: price,
            currency: CurrencyCode::parse_field("currency", "EUR")?,
            tax_rate_bp: tax,
            prep_secs: None,
            variants,
            modifier_group_ids: groups,
        })
    };
    let coffee_groups = vec![milk.id, extras.id];
    let espresso = menu_items::create_item(
        db,
        o,
        item(
            coffee.id,
            "ESPRESSO",
            "Espresso",
            250,
            1000,
            vec![],
            vec![extras.id],
        )?,
    )
    .await?;
    let flat_white = menu_items::create_item(
        db,
        o,
        item(
            coffee.id,
            "FLAT-WHITE",
            "Flat white",
            350,
            1000,
            sizes(),
            coffee_groups.clone(),
        )?,
    )
    .await?;
    let latte = menu_items::create_item(
        db,
        o,
        item(
            coffee.id,
            "LATTE",
            "Caffè latte",
            380,
            1000,
            sizes(),
            coffee_groups.clone(),
        )?,
    )
    .await?;
    let cappuccino = menu_items::create_item(
        db,
        o,
        item(
            coffee.id,
            "CAPPUCCINO",
            "Cappuccino",
            360,
            1000,
            sizes(),
            coffee_groups,
        )?,
    )
    .await?;
    let croissant = menu_items::create_item(
        db,
        o,
        item(
            bakery.id,
            "CROISSANT",
            "Croissant",
            300,
            550,
            vec![],
            vec![],
        )?,
    )
    .await?;
    let pain = menu_items::create_item(
        db,
        o,
        item(
            bakery.id,
            "PAIN-CHOC",
            "Pain au chocolat",
            330,
            550,
            vec![],
            vec![],
        )?,
    )
    .await?;
    let water = menu_items::create_item(
        db,
        o,
        item(
            drinks.id,
            "WATER",
            "Sparkling water",
            250,
            550,
            vec![],
            vec![],
        )?,
    )
    .await?;

    let stock = |sku: &str, name: &str, unit, menu_item: Option<MenuItemId>| {
        Ok::<_, AppError>(NewStockItem {
            sku: Sku::parse(sku).map_err(AppError::internal)?,
            name: LongName::parse(name).map_err(AppError::internal)?,
            unit,
            menu_item_id: menu_item,
        })
    };
    let beans = items::create(db, o, stock("BEANS", "Espresso beans", StockUnit::G, None)?).await?;
    let whole_milk =
        items::create(db, o, stock("MILK", "Whole milk", StockUnit::Ml, None)?).await?;
    let oat_milk =
        items::create(db, o, stock("OAT-MILK", "Oat milk", StockUnit::Ml, None)?).await?;
    let soy_milk =
        items::create(db, o, stock("SOY-MILK", "Soy milk", StockUnit::Ml, None)?).await?;
    let croissants = items::create(
        db,
        o,
        stock(
            "CROISSANT",
            "Croissants",
            StockUnit::Each,
            Some(croissant.id),
        )?,
    )
    .await?;
    let pains = items::create(
        db,
        o,
        stock(
            "PAIN-CHOC",
            "Pains au chocolat",
            StockUnit::Each,
            Some(pain.id),
        )?,
    )
    .await?;
    let bottles = items::create(
        db,
        o,
        stock(
            "WATER",
            "Sparkling water bottles",
            StockUnit::Each,
            Some(water.id),
        )?,
    )
    .await?;

    let recipe = |of, parts: &[(StockItemId, i64)]| {
        let components = parts
            .iter()
            .map(|(stock_item_id, units)| NewComponent {
                stock_item_id: *stock_item_id,
                quantity: qty(*units),
            })
            .collect();
        recipes::set(db, o, of, RecipeComponents { components })
    };
    recipe(RecipeOf::MenuItem(espresso.id), &[(beans.id, 9)]).await?;
    recipe(
        RecipeOf::MenuItem(flat_white.id),
        &[(beans.id, 18), (whole_milk.id, 120)],
    )
    .await?;
    recipe(
        RecipeOf::MenuItem(latte.id),
        &[(beans.id, 18), (whole_milk.id, 200)],
    )
    .await?;
    recipe(
        RecipeOf::MenuItem(cappuccino.id),
        &[(beans.id, 18), (whole_milk.id, 150)],
    )
    .await?;
    let oat = milk
        .modifiers
        .first()
        .ok_or_else(|| AppError::internal("no oat modifier"))?;
    let soy = milk
        .modifiers
        .get(1)
        .ok_or_else(|| AppError::internal("no soy modifier"))?;
    recipe(RecipeOf::Modifier(oat.id), &[(oat_milk.id, 150)]).await?;
    recipe(RecipeOf::Modifier(soy.id), &[(soy_milk.id, 150)]).await?;

    for (stock_item, units, reorder) in [
        (&beans, 5000, 1000),
        (&whole_milk, 20000, 4000),
        (&oat_milk, 6000, 1500),
        (&soy_milk, 4000, 1000),
        (&croissants, 24, 6),
        (&pains, 18, 6),
        (&bottles, 48, 12),
    ] {
        ledger::adjust(
            db,
            o,
            Adjustment {
                stock_item_id: stock_item.id,
                location_id: location.id,
                kind: MovementKind::Received,
                quantity: qty(units),
                occurred_at: None,
                reason: Some(Reason::parse("opening stock").map_err(AppError::internal)?),
            },
            None,
        )
        .await?;
        let point = ReorderPoint {
            reorder_point: Some(qty(reorder)),
        };
        items::set_reorder_point(db, o, stock_item.id, location.id, point).await?;
    }
    crate::pos::shifts::open(
        db,
        o,
        crate::pos::shifts::NewShift {
            location_id: location.id,
            opening_float_minor: 15_000,
            currency: crate::text::CurrencyCode::parse_field("currency", "EUR")?,
        },
    )
    .await?;

    Ok(Some(Demo {
        tenant_id: tenant.as_uuid(),
        slug: SLUG.into(),
        logins,
        location_id: location.id.into(),
        flat_white_id: flat_white.id.into(),
        oat_milk_modifier_id: oat.id.into(),
        croissant_id: croissant.id.into(),
    }))
}
