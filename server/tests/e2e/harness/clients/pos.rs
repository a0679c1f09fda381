//! The point of sale: tickets, lines, payments, settlement, and the screen
//! that watches a ticket; over GraphQL ([`PosClient`]) and over `/v1/pos`
//! (methods of [`Rest`]).

use super::rest::Rest;
use crate::harness::{TestServer, Ws, string as s, ws_subscribe};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

pub const TICKET_FIELDS: &str =
    "id number status version currency subtotalMinor discountMinor taxMinor
  serviceChargeMinor totalMinor paidMinor tipMinor refundedMinor balanceMinor
  lines { id name quantity grossMinor discountMinor netMinor taxMinor status modifiers { name } }";

pub const ADD_LINE: &str = "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id version totalMinor balanceMinor lines { id } } }";

pub const PAY: &str = "mutation($i: TakePaymentInput!) { takePayment(input: $i) {
  changeDueMinor payment { id method amountMinor tipMinor changeMinor cardBrand cardLast4 }
  ticket { id status paidMinor tipMinor balanceMinor version } } }";

/// The point of sale over GraphQL, as one till user.
pub struct PosClient<'a> {
    pub server: &'a TestServer,
    pub token: &'a str,
}

impl PosClient<'_> {
    /// Opens "Table 4" at `location`; returns the ticket.
    pub async fn open_ticket(&self, location: &str, service_bp: i32) -> Value {
        self.server
            .gql_ok(
                &format!("mutation($i: OpenTicketInput!) {{ openTicket(input: $i) {{ {TICKET_FIELDS} }} }}"),
                json!({"i": {"locationId": location, "label": "Table 4", "serviceChargeBp": service_bp}}),
                Some(self.token),
            )
            .await["openTicket"]
            .clone()
    }

    pub async fn add_line(&self, input: Value) -> Value {
        self.server
            .gql_ok(ADD_LINE, json!({"i": input}), Some(self.token))
            .await["addTicketLine"]
            .clone()
    }

    /// Opens a ticket at `location` without a service charge and adds `line`
    /// (an `AddTicketLineInput` without its `ticketId`); returns the ticket's
    /// id and what adding the line answered.
    pub async fn open_with_line(&self, location: &str, mut line: Value) -> (String, Value) {
        let id = s(&self.open_ticket(location, 0).await["id"]);
        line["ticketId"] = json!(id);
        let ticket = self.add_line(line).await;
        (id, ticket)
    }

    pub async fn pay(&self, input: Value) -> Value {
        self.server
            .gql_ok(PAY, json!({"i": input}), Some(self.token))
            .await["takePayment"]
            .clone()
    }

    pub async fn settle(&self, ticket: &str) -> Value {
        self.server
            .gql_ok(
                "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id status settledAt version } }",
                json!({"i": {"ticketId": ticket}}),
                Some(self.token),
            )
            .await["settleTicket"]
            .clone()
    }

    /// The ticket with its lines and payments.
    pub async fn ticket(&self, id: &str) -> Value {
        self.server
            .gql_ok(
                &format!("query($id: UUID!) {{ ticket(id: $id) {{ {TICKET_FIELDS} payments {{ id amountMinor tipMinor }} }} }}"),
                json!({"id": id}),
                Some(self.token),
            )
            .await["ticket"]
            .clone()
    }

    /// A screen subscribed to the changes of `ticket`.
    pub async fn watch_ticket(&self, ticket: &str) -> Ws {
        ws_subscribe(
            self.server,
            self.token,
            "subscription($t: UUID) { ticketChanged(ticketId: $t) { sequence eventType ticketId status version totalMinor paidMinor balanceMinor } }",
            json!({"t": ticket}),
        )
        .await
    }
}

impl Rest<'_> {
    pub async fn open_ticket(&self, location: &str, label: &str) -> Value {
        self.ok(
            Method::POST,
            "/v1/pos/tickets",
            Some(json!({"locationId": location, "label": label})),
            201,
        )
        .await
    }

    pub async fn add_line(&self, ticket: &str, line: Value) -> Value {
        self.ok(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/lines"),
            Some(line),
            201,
        )
        .await
    }

    /// Opens a ticket labelled `label` at `location` and adds `line`; returns
    /// the ticket's id and the ticket with its line.
    pub async fn open_with_line(
        &self,
        location: &str,
        label: &str,
        line: Value,
    ) -> (String, Value) {
        let id = s(&self.open_ticket(location, label).await["id"]);
        let ticket = self.add_line(&id, line).await;
        (id, ticket)
    }

    /// `POST /v1/pos/shifts`: opens a shift at `location` with `float_minor`
    /// euros in the drawer; returns the shift.
    pub async fn open_shift(&self, location: &str, float_minor: i64) -> Value {
        self.ok(
            Method::POST,
            "/v1/pos/shifts",
            Some(json!({"locationId": location, "openingFloatMinor": float_minor, "currency": "EUR"})),
            201,
        )
        .await
    }

    /// `POST /v1/pos/tickets/{ticket}/payments` under the idempotency key `key`, whatever it answers.
    pub async fn try_pay(&self, ticket: &str, key: &str, body: Value) -> (u16, Value) {
        self.send(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/payments"),
            Some(body),
            &[("Idempotency-Key", key)],
        )
        .await
    }

    /// `POST /v1/pos/payments/{payment}/refunds` under the idempotency key `key`, whatever it answers.
    pub async fn try_refund(&self, payment: &str, key: &str, body: Value) -> (u16, Value) {
        self.send(
            Method::POST,
            &format!("/v1/pos/payments/{payment}/refunds"),
            Some(body),
            &[("Idempotency-Key", key)],
        )
        .await
    }

    /// `POST /v1/pos/tickets/{ticket}/settle` without a key, whatever it answers.
    pub async fn try_settle(&self, ticket: &str) -> (u16, Value) {
        self.send(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/settle"),
            None,
            &[],
        )
        .await
    }

    pub async fn pay(&self, ticket: &str, key: &str, body: Value) -> Value {
        self.ok_with(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/payments"),
            Some(body),
            &[("Idempotency-Key", key)],
            201,
        )
        .await
    }

    pub async fn settle(&self, ticket: &str) -> Value {
        self.settle_with(ticket, &[]).await
    }

    /// Settles `ticket` under the idempotency key `key`.
    pub async fn settle_with_key(&self, ticket: &str, key: &str) -> Value {
        self.settle_with(ticket, &[("Idempotency-Key", key)]).await
    }

    async fn settle_with(&self, ticket: &str, headers: &[(&str, &str)]) -> Value {
        self.ok_with(
            Method::POST,
            &format!("/v1/pos/tickets/{ticket}/settle"),
            None,
            headers,
            200,
        )
        .await
    }

    pub async fn ticket(&self, ticket: &str) -> Value {
        self.ok(Method::GET, &format!("/v1/pos/tickets/{ticket}"), None, 200)
            .await
    }

    pub async fn stock_on_hand(&self, item: &str, location: &str) -> String {
        let levels = self.levels(item, location).await;
        s(&levels[0]["onHand"])
    }

    /// Polls until the level reads `want` (the stock consumer runs in the background).
    pub async fn wait_on_hand(&self, item: &str, location: &str, want: &str) {
        let mut last = String::new();
        for _ in 0..100 {
            last = self.stock_on_hand(item, location).await;
            if last == want {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("on hand stayed {last}, wanted {want}");
    }
}
