//! Billing: another tenant's invoices.

use super::*;

pub(super) fn billing_cases() -> Vec<Case> {
    vec![
        Case {
            name: "invoice(id) of B's invoice",
            document: "query($id: UUID!) { invoice(id: $id) { id number totalMinor } }",
            variables: |w| json!({"id": w.b.invoice}),
            witness: (INVOICE_VIEW, |w| json!({"id": w.b.invoice})),
        },
        Case {
            name: "invoiceDocument of B's invoice",
            document: "query($id: UUID!) { invoiceDocument(id: $id) { html text } }",
            variables: |w| json!({"id": w.b.invoice}),
            witness: (INVOICE_VIEW, |w| json!({"id": w.b.invoice})),
        },
    ]
}
