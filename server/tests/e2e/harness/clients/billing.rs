//! Billing over GraphQL: the superadmin's catalog, clocks and invoices, and
//! a tenant owner's plan choices.

use crate::harness::TestServer;
use serde_json::{Value, json};

pub const SUBSCRIPTION: &str = "id status interval cancelAtPeriodEnd currentPeriodStart currentPeriodEnd trialEnd \
    failedAttempts nextRetryAt version plan { planCode version monthlyPriceMinor } \
    pendingPlan { planCode } pendingInterval";
pub const INVOICE: &str = "id tenantId number status reason currency subtotalMinor discountMinor taxRatePpm \
    taxMinor totalMinor amountPaidMinor creditedMinor amountDueMinor periodStart periodEnd \
    finalizedAt paidAt voidedAt lines { kind description amountMinor } creditNotes { number amountMinor }";

pub struct BillingClient<'a> {
    pub server: &'a TestServer,
    pub token: &'a str,
}

impl BillingClient<'_> {
    async fn ok(&self, query: &str, variables: Value) -> Value {
        self.server.gql_ok(query, variables, Some(self.token)).await
    }

    /// A monthly plan (and yearly at ten months) with `limits` and `modules`.
    pub async fn plan(
        &self,
        code: &str,
        monthly: i64,
        trial_days: i32,
        modules: Value,
        limits: Value,
    ) -> Value {
        let terms = json!({"currency": "EUR", "monthlyPriceMinor": monthly, "yearlyPriceMinor": monthly * 10,
                           "trialDays": trial_days, "modules": modules, "limits": limits});
        self.ok(
            "mutation($i: NewPlanInput!) { createPlan(reason: \"operator test\", input: $i) { id code current { id version monthlyPriceMinor limits { locations users apiKeys } } } }",
            json!({"i": {"code": code, "name": code.to_uppercase(), "terms": terms}}),
        )
        .await["createPlan"]
            .clone()
    }

    pub async fn set_clock(&self, tenant: uuid::Uuid, at: &str) -> Value {
        self.ok(
            "mutation($t: UUID!, $at: DateTime) { setBillingClock(reason: \"operator test\", tenantId: $t, frozenAt: $at) { frozenAt stepsRun } }",
            json!({"t": tenant, "at": at}),
        )
        .await["setBillingClock"]
            .clone()
    }

    pub async fn advance(&self, tenant: uuid::Uuid, to: &str) -> Value {
        self.ok(
            "mutation($t: UUID!, $to: DateTime!) { advanceBillingClock(reason: \"operator test\", tenantId: $t, to: $to) { frozenAt stepsRun } }",
            json!({"t": tenant, "to": to}),
        )
        .await["advanceBillingClock"]
            .clone()
    }

    /// The owner's `choosePlan`.
    pub async fn choose(&self, code: &str, interval: &str) -> Value {
        self.ok(
            &format!(
                "mutation($i: ChoosePlanInput!) {{ choosePlan(input: $i) {{ {SUBSCRIPTION} }} }}"
            ),
            json!({"i": {"planCode": code, "interval": interval}}),
        )
        .await["choosePlan"]
            .clone()
    }

    pub async fn assign(&self, tenant: uuid::Uuid, code: &str, interval: &str) -> Value {
        self.ok(
            &format!("mutation($t: UUID!, $i: ChoosePlanInput!) {{ assignPlan(reason: \"operator test\", tenantId: $t, input: $i) {{ {SUBSCRIPTION} }} }}"),
            json!({"t": tenant, "i": {"planCode": code, "interval": interval}}),
        )
        .await["assignPlan"]
            .clone()
    }

    /// The caller's business's billing overview.
    pub async fn overview(&self) -> Value {
        self.ok(
            &format!("{{ billing {{ billingTime subscription {{ {SUBSCRIPTION} }} usage {{ limit max used }} upcomingInvoice {{ date totalMinor currency }} }} }}"),
            json!({}),
        )
        .await["billing"]
            .clone()
    }

    /// The caller's business's invoices, newest first.
    pub async fn invoices(&self) -> Vec<Value> {
        self.ok(
            &format!("{{ invoices(first: 50) {{ nodes {{ {INVOICE} }} }} }}"),
            json!({}),
        )
        .await["invoices"]["nodes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Superadmins: an invoice moved by `mutation` (`markInvoicePaid`, `voidInvoice`, ...).
    pub async fn invoice_op(&self, mutation: &str, id: &Value) -> Value {
        self.ok(
            &format!("mutation($id: UUID!) {{ {mutation}(id: $id, reason: \"operator test\") {{ {INVOICE} }} }}"),
            json!({"id": id}),
        )
        .await[mutation]
            .clone()
    }
}

impl TestServer {
    /// Billing over GraphQL, as the holder of `token`.
    pub fn billing<'a>(&'a self, token: &'a str) -> BillingClient<'a> {
        BillingClient {
            server: self,
            token,
        }
    }
}
