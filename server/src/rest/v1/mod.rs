//! `/v1` routes, one file per module. Handlers parse, call the module's
//! service (the same functions GraphQL calls), and wrap the answer.

pub mod auth;
pub mod exports;
pub mod inventory;
pub mod locations;
pub mod menu;
pub mod module_registry;
pub mod pos;
pub mod rbac;
pub mod system;
pub mod tenants;

use crate::state::AppState;
use axum::Router;
use axum::routing::{get, patch, post, put};
use serde::Deserialize;
use uuid::Uuid;

/// `/{id}` of one resource.
#[derive(Debug, Deserialize)]
pub struct IdPath {
    pub id: Uuid,
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/server-info", get(system::server_info))
        .route("/exports", get(exports::list).post(exports::request))
        .route("/exports/{id}/download", get(exports::download))
        .route(
            "/menu/categories",
            get(menu::categories).post(menu::create_category),
        )
        .route("/menu/categories/{id}", patch(menu::update_category))
        .route(
            "/menu/modifier-groups",
            get(menu::modifier_groups).post(menu::create_modifier_group),
        )
        .route("/menu/items", get(menu::items).post(menu::create_item))
        .route(
            "/menu/items/{id}",
            get(menu::item)
                .patch(menu::update_item)
                .delete(menu::delete_item),
        )
        .route("/menu/items/{id}/availability", put(menu::set_availability))
        // locations
        .route(
            "/locations",
            get(locations::list_locations).post(locations::create_location),
        )
        .route("/locations/{id}", patch(locations::update_location))
        // inventory
        .route(
            "/inventory/items",
            get(inventory::list_stock_items).post(inventory::create_stock_item),
        )
        .route(
            "/inventory/items/{id}",
            get(inventory::get_stock_item).patch(inventory::update_stock_item),
        )
        .route(
            "/inventory/items/{id}/reorder-points/{locationId}",
            put(inventory::set_reorder_point),
        )
        .route("/inventory/levels", get(inventory::stock_levels))
        .route("/inventory/adjustments", post(inventory::adjust_stock))
        .route("/inventory/movements", get(inventory::stock_movements))
        .route(
            "/inventory/counts",
            get(inventory::list_counts).post(inventory::start_count),
        )
        .route("/inventory/counts/{id}", get(inventory::get_count))
        .route(
            "/inventory/counts/{id}/lines/{stockItemId}",
            put(inventory::record_count_line),
        )
        .route("/inventory/counts/{id}/post", post(inventory::post_count))
        .route(
            "/inventory/counts/{id}/cancel",
            post(inventory::cancel_count),
        )
        .route(
            "/inventory/transfers",
            get(inventory::list_transfers).post(inventory::send_transfer),
        )
        .route("/inventory/transfers/{id}", get(inventory::get_transfer))
        .route(
            "/inventory/transfers/{id}/receive",
            post(inventory::receive_transfer),
        )
        .route(
            "/inventory/transfers/{id}/cancel",
            post(inventory::cancel_transfer),
        )
        .route(
            "/inventory/recipes/menu-items/{id}",
            get(inventory::get_menu_item_recipe).put(inventory::set_menu_item_recipe),
        )
        .route(
            "/inventory/recipes/modifiers/{id}",
            get(inventory::get_modifier_recipe).put(inventory::set_modifier_recipe),
        )
        // point of sale
        .route(
            "/pos/tickets",
            get(pos::list_tickets).post(pos::open_ticket),
        )
        .route(
            "/pos/tickets/{id}",
            get(pos::get_ticket).patch(pos::update_ticket),
        )
        .route("/pos/tickets/{id}/lines", post(pos::add_ticket_line))
        .route(
            "/pos/tickets/{id}/lines/{lineId}",
            patch(pos::update_ticket_line),
        )
        .route(
            "/pos/tickets/{id}/lines/{lineId}/void",
            post(pos::void_ticket_line),
        )
        .route(
            "/pos/tickets/{id}/lines/{lineId}/discount",
            put(pos::set_ticket_line_discount),
        )
        .route("/pos/tickets/{id}/discount", put(pos::set_ticket_discount))
        .route("/pos/tickets/{id}/send", post(pos::send_ticket))
        .route("/pos/tickets/{id}/void", post(pos::void_ticket))
        .route("/pos/tickets/{id}/payments", post(pos::take_ticket_payment))
        .route("/pos/tickets/{id}/settle", post(pos::settle_ticket))
        .route("/pos/tickets/{id}/receipt", get(pos::get_ticket_receipt))
        .route(
            "/pos/tickets/{id}/receipt.txt",
            get(pos::get_ticket_receipt_text),
        )
        .route(
            "/pos/tickets/{id}/receipt.html",
            get(pos::get_ticket_receipt_html),
        )
        .route(
            "/pos/tickets/{id}/receipt/reprint",
            post(pos::reprint_ticket_receipt),
        )
        .route(
            "/pos/tickets/{id}/receipt/email",
            post(pos::email_ticket_receipt),
        )
        .route("/pos/payments/{id}", get(pos::get_payment))
        .route("/pos/payments/{id}/refunds", post(pos::refund_payment))
        .route("/pos/shifts", get(pos::list_shifts).post(pos::open_shift))
        .route("/pos/shifts/{id}", get(pos::get_shift))
        .route(
            "/pos/shifts/{id}/cash-movements",
            post(pos::move_shift_cash),
        )
        .route("/pos/shifts/{id}/close", post(pos::close_shift))
        .route("/pos/shifts/{id}/report", get(pos::get_shift_report))
        // auth
        .route("/auth/signup", post(auth::signup))
        .route("/auth/login", post(auth::login))
        .route("/auth/superadmin/login", post(auth::superadmin_login))
        .route("/auth/refresh", post(auth::refresh))
        .route("/auth/logout", post(auth::logout))
        .route("/auth/password/change", post(auth::change_password))
        .route(
            "/auth/password/reset-request",
            post(auth::request_password_reset),
        )
        .route("/auth/password/reset", post(auth::reset_password))
        .route("/auth/me", get(auth::me))
        .route("/auth/mfa/enrol", post(auth::enrol_mfa))
        .route("/auth/mfa/confirm", post(auth::confirm_mfa))
        .route("/auth/mfa/disable", post(auth::disable_mfa))
        // tenants
        .route("/tenants", get(tenants::list))
        .route("/tenants/current", get(tenants::current))
        .route("/tenants/{id}", get(tenants::get))
        .route("/tenants/{id}/approve", post(tenants::approve))
        .route("/tenants/{id}/reject", post(tenants::reject))
        .route("/tenants/{id}/suspend", post(tenants::suspend))
        .route("/tenants/{id}/reactivate", post(tenants::reactivate))
        .route("/tenants/{id}/modules", get(tenants::modules))
        .route("/tenants/{id}/modules/{key}", put(tenants::set_module))
        // rbac
        .route("/rbac/roles", get(rbac::list_roles).post(rbac::create_role))
        .route(
            "/rbac/roles/{id}",
            get(rbac::get_role)
                .patch(rbac::update_role)
                .delete(rbac::delete_role),
        )
        .route("/rbac/permissions", get(rbac::permissions))
        .route("/rbac/users", get(rbac::list_users).post(rbac::create_user))
        .route("/rbac/users/{id}", get(rbac::get_user))
        .route("/rbac/users/{id}/deactivate", post(rbac::deactivate_user))
        .route("/rbac/users/{id}/reactivate", post(rbac::reactivate_user))
        .route(
            "/rbac/users/{userId}/roles/{roleId}",
            put(rbac::assign_role).delete(rbac::unassign_role),
        )
        .route(
            "/rbac/api-keys",
            get(rbac::list_api_keys).post(rbac::create_api_key),
        )
        .route(
            "/rbac/api-keys/{id}",
            axum::routing::delete(rbac::revoke_api_key),
        )
        .route("/rbac/audit-events", get(rbac::audit_events))
        // module registry
        .route("/module-registry", get(module_registry::registry))
        .route("/module-registry/mine", get(module_registry::mine))
        .route(
            "/module-registry/{key}",
            patch(module_registry::update_entry),
        )
}
