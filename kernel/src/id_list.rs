// Every typed id of the platform, read by `ids.rs` and by `build.rs` files.
id_types!(
    /// A tenant (restaurant or shop) of the platform.
    TenantId,
    /// A user inside a tenant, or a platform superadmin.
    UserId,
    /// A role of a tenant (built-in or custom).
    RoleId,
    /// A tenant-scoped API key.
    ApiKeyId,
    /// A refresh token (one session of one device).
    SessionId,
    /// A place of business of a tenant.
    LocationId,
    /// A menu category.
    CategoryId,
    /// A menu item.
    MenuItemId,
    /// A variant (size, flavour) of a menu item.
    VariantId,
    /// A group of modifiers offered on items.
    ModifierGroupId,
    /// A modifier (extra shot, oat milk).
    ModifierId,
    /// A stock item (a thing counted in inventory).
    StockItemId,
    /// A movement in the stock ledger.
    MovementId,
    /// A stock count.
    CountId,
    /// A stock transfer between locations.
    TransferId,
    /// A recipe component.
    RecipeId,
    /// A till shift.
    ShiftId,
    /// A cash movement in or out of a shift's drawer.
    CashMovementId,
    /// A ticket (an order at the till).
    TicketId,
    /// A line of a ticket.
    LineId,
    /// A payment against a ticket.
    PaymentId,
    /// A refund of a payment.
    RefundId,
    /// A data export.
    ExportId,
    /// An event in the outbox.
    EventId,
    /// An audit record.
    AuditId,
    /// A plan of the operator's catalog.
    PlanId,
    /// One version of a plan's prices and entitlements.
    PlanVersionId,
    /// A tenant's subscription to a plan.
    SubscriptionId,
    /// An invoice to a tenant.
    InvoiceId,
    /// A line of an invoice.
    InvoiceLineId,
    /// A credit note against an invoice.
    CreditNoteId,
    /// An operator's announcement to tenants.
    AnnouncementId,
    /// A planned maintenance window of the platform.
    MaintenanceWindowId,
    /// A superadmin's time-limited session as a tenant user.
    ImpersonationId,
    /// A business's request for help from the operator.
    SupportTicketId,
    /// A public message on a support ticket.
    SupportMessageId,
    /// A file attached to a support message.
    SupportAttachmentId,
    /// An operator's internal note on a support ticket.
    SupportNoteId,
    /// A kitchen station (grill, fry, bar, expo) of a location.
    StationId,
    /// One line's work on one kitchen station.
    KitchenItemId,
);
