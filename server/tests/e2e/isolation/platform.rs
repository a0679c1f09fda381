//! The platform's own operations stay with superadmins.

use super::*;

/// One superadmin operation, and its variables.
struct PlatformOp {
    name: &'static str,
    document: &'static str,
    variables: fn(&World) -> Value,
}

fn platform_only() -> Vec<PlatformOp> {
    vec![
        PlatformOp {
            name: "tenants",
            document: "{ tenants { nodes { id slug } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "tenantById of another tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "tenantById of a pending tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.pending}),
        },
        PlatformOp {
            name: "tenantById of the caller's own tenant",
            document: "query($id: UUID!) { tenantById(id: $id) { id slug name } }",
            variables: |w| json!({"id": w.a.t.id}),
        },
        PlatformOp {
            name: "tenantModules of another tenant",
            document: "query($id: UUID!) { tenantModules(tenantId: $id) { key enabled } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "moduleRegistry",
            document: "{ moduleRegistry { key name } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "platformAuditEvents",
            document: "{ platformAuditEvents { nodes { id tenantId } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "platformAuditEvents of another tenant",
            document: "query($id: UUID!) { platformAuditEvents(tenantId: $id) { nodes { id } } }",
            variables: |w| json!({"id": w.b.t.id}),
        },
        PlatformOp {
            name: "approveTenant",
            document: "mutation($i: TenantReasonInput!) { approveTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.pending, "reason": "isolation"}}),
        },
        PlatformOp {
            name: "rejectTenant",
            document: "mutation($i: TenantReasonInput!) { rejectTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.pending, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "suspendTenant of another tenant",
            document: "mutation($i: TenantReasonInput!) { suspendTenant(input: $i) { tenant { id status } } }",
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "setTenantModule of another tenant",
            document: SET_TENANT_MODULE,
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "moduleKey": "pos", "enabled": false, "reason": "operator test"}}),
        },
        PlatformOp {
            name: "setTenantModule of the caller's own tenant",
            document: SET_TENANT_MODULE,
            variables: |w| json!({"i": {"tenantId": w.a.t.id, "moduleKey": "orders", "enabled": true, "reason": "operator test"}}),
        },
        PlatformOp {
            name: "deadJobs",
            document: "{ deadJobs { id tenantId } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "jobQueues",
            document: "{ jobQueues { category waiting } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "retryDeadJob",
            document: "mutation($i: JobIdInput!) { retryDeadJob(input: $i) { id } }",
            variables: |_| json!({"i": {"jobId": Uuid::now_v7(), "reason": "operator test"}}),
        },
        PlatformOp {
            name: "discardDeadJob",
            document: "mutation($i: JobIdInput!) { discardDeadJob(input: $i) { id } }",
            variables: |_| json!({"i": {"jobId": Uuid::now_v7(), "reason": "operator test"}}),
        },
        PlatformOp {
            name: "updateModuleRegistryEntry",
            document: "mutation($i: UpdateModuleRegistryEntryInput!) { updateModuleRegistryEntry(input: $i) { entry { key name } } }",
            variables: |_| json!({"i": {"key": "pos", "name": "Hijacked", "defaultEnabled": false, "reason": "operator test"}}),
        },
        PlatformOp {
            name: "createPlan",
            document: "mutation($i: NewPlanInput!) { createPlan(reason: \"operator test\", input: $i) { id } }",
            variables: |_| json!({"i": {"code": "hijacked", "name": "Hijacked", "terms": {"currency": "EUR", "monthlyPriceMinor": 0, "modules": ["orders"]}}}),
        },
        PlatformOp {
            name: "revisePlan",
            document: "mutation($c: PlanCode!, $t: PlanTermsInput!) { revisePlan(reason: \"operator test\", code: $c, terms: $t) { id } }",
            variables: |_| json!({"c": FREE_PLAN, "t": {"currency": "EUR", "monthlyPriceMinor": 0, "modules": ["orders"]}}),
        },
        PlatformOp {
            name: "archivePlan",
            document: "mutation($c: PlanCode!) { archivePlan(reason: \"operator test\", code: $c) { id } }",
            variables: |_| json!({"c": FREE_PLAN}),
        },
        PlatformOp {
            name: "plans including archived ones",
            document: "{ plans(includeArchived: true) { code } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "updateBillingSettings",
            document: "mutation($p: BillingSettingsPatchInput!) { updateBillingSettings(reason: \"operator test\", patch: $p) { taxName } }",
            variables: |_| json!({"p": {"taxRatePpm": 0, "taxName": "Hijacked", "invoicePrefix": "HIJ", "retryDays": [90]}}),
        },
        PlatformOp {
            name: "billingSettings",
            document: "{ billingSettings { taxRatePpm invoicePrefix retryDays } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "assignPlan to another tenant",
            document: ASSIGN_PLAN,
            variables: |w| json!({"t": w.b.t.id, "i": {"planCode": FREE_PLAN, "interval": "MONTH"}}),
        },
        PlatformOp {
            name: "assignPlan to the caller's own tenant",
            document: ASSIGN_PLAN,
            variables: |w| json!({"t": w.a.t.id, "i": {"planCode": FREE_PLAN, "interval": "MONTH"}}),
        },
        PlatformOp {
            name: "cancelSubscription of another tenant",
            document: "mutation($t: UUID) { cancelSubscription(input: {atPeriodEnd: false}, tenantId: $t, reason: \"operator test\") { id status } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "pauseSubscription of another tenant",
            document: "mutation($t: UUID) { pauseSubscription(tenantId: $t, reason: \"operator test\") { id status } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "resumeSubscription of another tenant",
            document: "mutation($t: UUID) { resumeSubscription(tenantId: $t, reason: \"operator test\") { id status } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "setPaymentMethod of another tenant",
            document: "mutation($t: UUID, $i: SetPaymentMethodInput!) { setPaymentMethod(input: $i, tenantId: $t, reason: \"operator test\") { id paymentMethod } }",
            variables: |w| json!({"t": w.b.t.id, "i": {"paymentMethod": "pm_card_ok"}}),
        },
        PlatformOp {
            name: "setBillingClock of another tenant",
            document: SET_CLOCK,
            variables: |w| json!({"t": w.b.t.id, "at": "2030-01-01T00:00:00Z"}),
        },
        PlatformOp {
            name: "setBillingClock of the caller's own tenant",
            document: SET_CLOCK,
            variables: |w| json!({"t": w.a.t.id, "at": "2020-01-01T00:00:00Z"}),
        },
        PlatformOp {
            name: "advanceBillingClock of another tenant",
            document: "mutation($t: UUID!, $to: DateTime!) { advanceBillingClock(reason: \"operator test\", tenantId: $t, to: $to) { stepsRun } }",
            variables: |w| json!({"t": w.b.t.id, "to": "2030-01-01T00:00:00Z"}),
        },
        PlatformOp {
            name: "createInvoice for another tenant",
            document: CREATE_INVOICE,
            variables: |w| json!({"t": w.b.t.id, "l": [{"description": "Hijacked", "amountMinor": 100}]}),
        },
        PlatformOp {
            name: "createInvoice of a credit for the caller's own tenant",
            document: CREATE_INVOICE,
            variables: |w| json!({"t": w.a.t.id, "l": [{"description": "Hijacked", "amountMinor": -1000}]}),
        },
        PlatformOp {
            name: "addInvoiceLine to another tenant's invoice",
            document: "mutation($id: UUID!) { addInvoiceLine(reason: \"operator test\", invoiceId: $id, line: {description: \"Hijacked\", amountMinor: 100}) { id } }",
            variables: |w| json!({"id": w.b.invoice}),
        },
        PlatformOp {
            name: "finalizeInvoice of another tenant's invoice",
            document: "mutation($id: UUID!) { finalizeInvoice(reason: \"operator test\", id: $id) { id status } }",
            variables: |w| json!({"id": w.b.invoice}),
        },
        PlatformOp {
            name: "setInvoiceDiscount of the caller's own invoice",
            document: "mutation($id: UUID!) { setInvoiceDiscount(reason: \"operator test\", invoiceId: $id, discountMinor: 1000) { id totalMinor } }",
            variables: |w| json!({"id": w.a.invoice}),
        },
        PlatformOp {
            name: "setInvoiceDiscount of another tenant's invoice",
            document: "mutation($id: UUID!) { setInvoiceDiscount(reason: \"operator test\", invoiceId: $id, discountMinor: 1000) { id totalMinor } }",
            variables: |w| json!({"id": w.b.invoice}),
        },
        PlatformOp {
            name: "markInvoicePaid of the caller's own invoice",
            document: "mutation($id: UUID!) { markInvoicePaid(reason: \"operator test\", id: $id) { id status } }",
            variables: |w| json!({"id": w.a.invoice}),
        },
        PlatformOp {
            name: "markInvoicePaid of another tenant's invoice",
            document: "mutation($id: UUID!) { markInvoicePaid(reason: \"operator test\", id: $id) { id status } }",
            variables: |w| json!({"id": w.b.invoice}),
        },
        PlatformOp {
            name: "voidInvoice of the caller's own invoice",
            document: "mutation($id: UUID!) { voidInvoice(reason: \"operator test\", id: $id) { id status } }",
            variables: |w| json!({"id": w.a.invoice}),
        },
        PlatformOp {
            name: "markInvoiceUncollectible of another tenant's invoice",
            document: "mutation($id: UUID!) { markInvoiceUncollectible(reason: \"operator test\", id: $id) { id status } }",
            variables: |w| json!({"id": w.b.invoice}),
        },
        PlatformOp {
            name: "createCreditNote on the caller's own invoice",
            document: "mutation($i: CreditNoteInput!) { createCreditNote(input: $i) { id creditedMinor } }",
            variables: |w| json!({"i": {"invoiceId": w.a.invoice, "amountMinor": 1000, "reason": "Hijacked"}}),
        },
        PlatformOp {
            name: "tenantBilling of another tenant",
            document: "query($t: UUID!) { tenantBilling(tenantId: $t) { subscription { id status } } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "allInvoices",
            document: "{ allInvoices(first: 100) { nodes { id tenantId number } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "allInvoices of another tenant",
            document: "query($t: UUID) { allInvoices(tenantId: $t) { nodes { id number } } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "billingWebhookEvents",
            document: "{ billingWebhookEvents { eventId customer status } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "replayBillingWebhook",
            document: "mutation { replayBillingWebhook(reason: \"operator test\", provider: \"stripe\", eventId: \"evt_iso\") { eventId } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "operatorAnnouncements",
            document: "{ operatorAnnouncements(includePast: true) { id tenantIds } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "createAnnouncement to another tenant",
            document: "mutation($i: NewAnnouncementInput!) { createAnnouncement(input: $i) { id } }",
            variables: |w| {
                json!({"i": {"title": "Hijacked", "body": "", "severity": "CRITICAL", "display": "BANNER",
                "audience": "TENANTS", "tenantIds": [w.b.t.id], "endsAt": "2999-01-01T00:00:00Z", "reason": "competitor"}})
            },
        },
        PlatformOp {
            name: "updateAnnouncement of another tenant's announcement",
            document: "mutation($i: UpdateAnnouncementInput!) { updateAnnouncement(input: $i) { id } }",
            variables: |w| json!({"i": {"announcementId": w.b.announcement, "title": "Hijacked", "reason": "competitor"}}),
        },
        PlatformOp {
            name: "updateAnnouncement of the caller's own announcement",
            document: "mutation($i: UpdateAnnouncementInput!) { updateAnnouncement(input: $i) { id } }",
            variables: |w| json!({"i": {"announcementId": w.a.announcement, "title": "Hijacked", "reason": "mine"}}),
        },
        PlatformOp {
            name: "withdrawAnnouncement of another tenant's announcement",
            document: "mutation($i: WithdrawAnnouncementInput!) { withdrawAnnouncement(input: $i) { id } }",
            variables: |w| json!({"i": {"announcementId": w.b.announcement, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "operatorMaintenanceWindows",
            document: "{ operatorMaintenanceWindows(includePast: true) { id status } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "scheduleMaintenanceWindow",
            document: "mutation($i: NewMaintenanceWindowInput!) { scheduleMaintenanceWindow(input: $i) { id } }",
            variables: |_| json!({"i": {"title": "Hijacked", "endsAt": "2999-01-01T00:00:00Z", "reason": "competitor"}}),
        },
        PlatformOp {
            name: "updateMaintenanceWindow",
            document: "mutation($i: UpdateMaintenanceWindowInput!) { updateMaintenanceWindow(input: $i) { id } }",
            variables: |w| json!({"i": {"maintenanceWindowId": w.a.announcement, "title": "Hijacked", "reason": "competitor"}}),
        },
        PlatformOp {
            name: "cancelMaintenanceWindow",
            document: "mutation($i: CancelMaintenanceWindowInput!) { cancelMaintenanceWindow(input: $i) { id } }",
            variables: |w| json!({"i": {"maintenanceWindowId": w.a.announcement, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "completeMaintenanceWindow",
            document: "mutation($i: CompleteMaintenanceWindowInput!) { completeMaintenanceWindow(input: $i) { id } }",
            variables: |w| json!({"i": {"maintenanceWindowId": w.a.announcement, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "startImpersonation of another tenant's owner",
            document: "mutation($i: StartImpersonationInput!) { startImpersonation(input: $i) { accessToken } }",
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "userId": w.b.t.owner_id, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "endImpersonation by id",
            document: "mutation($id: UUID) { endImpersonation(impersonationId: $id) { id } }",
            variables: |w| json!({"id": w.b.announcement}),
        },
        PlatformOp {
            name: "operatorFeatureFlags",
            document: "{ operatorFeatureFlags { key overrides } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "tenantFeatureFlags of another tenant",
            document: "query($t: UUID!) { tenantFeatureFlags(tenantId: $t) { key value source } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "tenantEntitlements of another tenant",
            document: "query($t: UUID!) { tenantEntitlements(tenantId: $t) { tenantId flags { key value } } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "createFeatureFlag",
            document: "mutation($i: NewFeatureFlagInput!) { createFeatureFlag(input: $i) { key } }",
            variables: |_| json!({"i": {"key": "hijacked", "kind": "BOOLEAN", "defaultValue": "true", "reason": "competitor"}}),
        },
        PlatformOp {
            name: "updateFeatureFlag",
            document: "mutation($i: UpdateFeatureFlagInput!) { updateFeatureFlag(input: $i) { key } }",
            variables: |_| json!({"i": {"key": ISO_FLAG, "rolloutPercent": 100, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "deleteFeatureFlag",
            document: "mutation($i: DeleteFeatureFlagInput!) { deleteFeatureFlag(input: $i) { key } }",
            variables: |_| json!({"i": {"key": ISO_FLAG, "reason": "competitor"}}),
        },
        PlatformOp {
            name: "setTenantFeatureFlag of another tenant",
            document: "mutation($i: SetTenantFeatureFlagInput!) { setTenantFeatureFlag(input: $i) { value } }",
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "key": ISO_FLAG, "value": "false", "reason": "competitor"}}),
        },
        PlatformOp {
            name: "setTenantFeatureFlag of the caller's own tenant",
            document: "mutation($i: SetTenantFeatureFlagInput!) { setTenantFeatureFlag(input: $i) { value } }",
            variables: |w| json!({"i": {"tenantId": w.a.t.id, "key": ISO_FLAG, "value": "true", "reason": "mine"}}),
        },
        PlatformOp {
            name: "supportQueue",
            document: "{ supportQueue { totalCount items { ticket { id } } } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "supportCase of the caller's own ticket",
            document: "query($id: UUID!) { supportCase(id: $id) { notes { body } } }",
            variables: |w| json!({"id": w.a.support_ticket}),
        },
        PlatformOp {
            name: "supportSettings",
            document: "{ supportSettings { timeZone } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "answerSupportTicket of the caller's own ticket",
            document: "mutation($id: UUID!) { answerSupportTicket(input: {ticketId: $id, body: \"hi\"}) { case { ticket { id } } } }",
            variables: |w| json!({"id": w.a.support_ticket}),
        },
        PlatformOp {
            name: "addSupportNote on another tenant's ticket",
            document: "mutation($id: UUID!) { addSupportNote(input: {ticketId: $id, body: \"hi\"}) { id } }",
            variables: |w| json!({"id": w.b.support_ticket}),
        },
        PlatformOp {
            name: "assignSupportTicket",
            document: "mutation($id: UUID!) { assignSupportTicket(input: {ticketId: $id, reason: \"x\"}) { case { ticket { id } } } }",
            variables: |w| json!({"id": w.a.support_ticket}),
        },
        PlatformOp {
            name: "setSupportTicketStatus",
            document: "mutation($id: UUID!) { setSupportTicketStatus(input: {ticketId: $id, status: SOLVED, reason: \"x\"}) { case { ticket { id } } } }",
            variables: |w| json!({"id": w.a.support_ticket}),
        },
        PlatformOp {
            name: "setSupportTicketPriority",
            document: "mutation($id: UUID!) { setSupportTicketPriority(input: {ticketId: $id, priority: URGENT, reason: \"x\"}) { case { ticket { id } } } }",
            variables: |w| json!({"id": w.a.support_ticket}),
        },
        PlatformOp {
            name: "updateSupportSettings",
            document: "mutation { updateSupportSettings(input: {autoCloseHours: 1, reason: \"x\"}) { autoCloseHours } }",
            variables: |_| json!({}),
        },
        PlatformOp {
            name: "tenantBackups of another tenant",
            document: "query($t: UUID!) { tenantBackups(tenantId: $t) { id fileName } }",
            variables: |w| json!({"t": w.b.t.id}),
        },
        PlatformOp {
            name: "restoreBackup of another tenant into itself",
            document: "mutation($i: RestoreBackupInput!) { restoreBackup(input: $i) { tenant { id } } }",
            variables: |w| {
                json!({"i": {"tenantId": w.b.t.id, "exportId": uuid::Uuid::now_v7(), "reason": "x",
                "target": {"sameTenant": {"confirmSlug": w.b.t.slug}}}})
            },
        },
        PlatformOp {
            name: "restoreBackup of another tenant as a new one",
            document: "mutation($i: RestoreBackupInput!) { restoreBackup(input: $i) { tenant { id } } }",
            variables: |w| {
                json!({"i": {"tenantId": w.b.t.id, "exportId": uuid::Uuid::now_v7(), "reason": "x",
                "target": {"newTenant": {"slug": "hijacked-copy", "name": "Hijacked"}}}})
            },
        },
        PlatformOp {
            name: "offboardTenant of another tenant",
            document: "mutation($i: OffboardTenantInput!) { offboardTenant(input: $i) { tenant { id } } }",
            variables: |w| json!({"i": {"tenantId": w.b.t.id, "confirmSlug": w.b.t.slug, "reason": "x"}}),
        },
        PlatformOp {
            name: "offboardTenant of the caller's own tenant",
            document: "mutation($i: OffboardTenantInput!) { offboardTenant(input: $i) { tenant { id } } }",
            variables: |w| json!({"i": {"tenantId": w.a.t.id, "confirmSlug": w.a.t.slug, "reason": "x"}}),
        },
        PlatformOp {
            name: "setSlaPolicy",
            document: "mutation { setSlaPolicy(input: {priority: LOW, firstReplyMinutes: 1, nextReplyMinutes: 1, resolutionMinutes: 1, reason: \"x\"}) { timeZone } }",
            variables: |_| json!({}),
        },
    ]
}

const ASSIGN_PLAN: &str = "mutation($t: UUID!, $i: ChoosePlanInput!) { assignPlan(reason: \"operator test\", tenantId: $t, input: $i) { id } }";
const SET_CLOCK: &str = "mutation($t: UUID!, $at: DateTime) { setBillingClock(reason: \"operator test\", tenantId: $t, frozenAt: $at) { frozenAt } }";
const CREATE_INVOICE: &str = "mutation($t: UUID!, $l: [InvoiceLineInput!]!) { createInvoice(reason: \"operator test\", tenantId: $t, currency: \"EUR\", lines: $l) { id } }";

#[tokio::test]
async fn platform_operations_are_refused_to_tenants() {
    let w = world().await;
    let s = &w.server;
    let credentials = [
        ("A's owner", w.a.t.owner_token.clone()),
        ("A's cashier", w.a.cashier_token.clone()),
        ("A's API key", w.a.key_secret.clone()),
    ];
    for (who, token) in &credentials {
        for op in platform_only() {
            let what = format!("{who}: {}", op.name);
            let before = snapshot(&s.db).await;
            let (code, body) = s
                .gql_err(op.document, (op.variables)(&w), Some(token))
                .await;
            assert_eq!(code, "AUTHZ", "{what}: {body}");
            assert_eq!(body["data"], Value::Null, "{what}: {body}");
            let text = body.to_string();
            assert!(
                !text.contains(&w.b.t.slug) && !text.contains("Hijacked"),
                "{what}: {body}"
            );
            assert_unchanged(&before, &snapshot(&s.db).await, &what);
        }
    }

    // The documents are sound: a superadmin's reads answer, and nothing moved.
    let admin = s.superadmin_token().await;
    for op in platform_only()
        .into_iter()
        .filter(|op| !op.document.starts_with("mutation"))
    {
        s.gql_ok(op.document, (op.variables)(&w), Some(&admin))
            .await;
    }
    let data = s
        .gql_ok(
            "query($p: UUID!, $b: UUID!) { p: tenantById(id: $p) { status } b: tenantById(id: $b) { status } }",
            json!({"p": w.pending, "b": w.b.t.id}),
            Some(&admin),
        )
        .await;
    assert_eq!(data["p"]["status"], "PENDING");
    assert_eq!(data["b"]["status"], "ACTIVE");
    let data = s
        .gql_ok("{ moduleRegistry { key name } }", json!({}), Some(&admin))
        .await;
    let pos = data["moduleRegistry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "pos")
        .unwrap()
        .clone();
    assert_eq!(pos["name"], "Point of sale");
    // B's billing is as the superadmin left it.
    let data = s
        .gql_ok(
            "query($t: UUID!, $i: UUID!) { tenantBilling(tenantId: $t) { subscription { id status paymentMethod } } invoice(id: $i) { status } }",
            json!({"t": w.b.t.id, "i": w.b.invoice}),
            Some(&admin),
        )
        .await;
    let subscription = &data["tenantBilling"]["subscription"];
    assert_eq!(subscription["id"], json!(w.b.subscription), "{data}");
    assert_eq!(subscription["status"], "ACTIVE", "{data}");
    assert_eq!(subscription["paymentMethod"], Value::Null, "{data}");
    assert_eq!(data["invoice"]["status"], "OPEN", "{data}");
    // B's point of sale is still on, as B sees it.
    let data = s
        .gql_ok(
            "{ permissionCheck(permissions: [\"pos.ticket.write\"]) { allowed } }",
            json!({}),
            Some(&w.b.t.owner_token),
        )
        .await;
    assert_eq!(data["permissionCheck"][0]["allowed"], true);
}
