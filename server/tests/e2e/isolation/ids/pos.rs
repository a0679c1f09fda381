//! The point-of-sale operations on another tenant's ids.

use super::*;

pub(super) fn pos_cases() -> Vec<Case> {
    vec![
        Case {
            name: "ticket(id) of B's ticket",
            document: "query($id: UUID!) { ticket(id: $id) { id } }",
            variables: |w| json!({"id": w.b.ticket}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "addTicketLine on B's ticket",
            document: "mutation($i: AddTicketLineInput!) { addTicketLine(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "menuItemId": w.a.menu_item}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "updateTicketLine on B's ticket",
            document: "mutation($i: UpdateTicketLineInput!) { updateTicketLine(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "lineId": w.b.ticket_line, "note": "x"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "voidTicketLine on B's ticket",
            document: "mutation($i: VoidTicketLineInput!) { voidTicketLine(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "lineId": w.b.ticket_line, "reason": "x"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "setTicketDiscount on B's ticket",
            document: "mutation($i: SetDiscountInput!) { setTicketDiscount(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "percentBp": 10000}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "updateTicket on B's ticket",
            document: "mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "serviceChargeBp": 5000}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "sendTicket of B's ticket",
            document: "mutation($i: SendTicketInput!) { sendTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "fireCourse of B's ticket",
            document: "mutation($i: FireCourseInput!) { fireCourse(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "course": 2}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "splitTicket of B's ticket",
            document: "mutation($i: SplitTicketInput!) { splitTicket(input: $i) { created { id } } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "seats": [1]}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "mergeTickets pulling B's ticket into A's",
            document: "mutation($i: MergeTicketsInput!) { mergeTickets(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.a.ticket, "sourceTicketId": w.b.ticket}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "moveTicket of B's ticket",
            document: "mutation($i: MoveTicketInput!) { moveTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "label": "Stolen"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "voidTicket of B's ticket",
            document: "mutation($i: VoidTicketInput!) { voidTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "reason": "x"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "takePayment on B's ticket",
            document: "mutation($i: TakePaymentInput!) { takePayment(input: $i) { payment { id } } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket, "method": "CARD", "cardToken": "tok_visa", "idempotencyKey": "iso-steal"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "settleTicket of B's ticket",
            document: "mutation($i: SettleTicketInput!) { settleTicket(input: $i) { id } }",
            variables: |w| json!({"i": {"ticketId": w.b.ticket}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.ticket})),
        },
        Case {
            name: "refundPayment of B's payment",
            document: "mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { refund { id } } }",
            variables: |w| json!({"i": {"paymentId": w.b.payment, "reason": "x", "restock": true, "idempotencyKey": "iso-refund"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "payment(id) of B's payment",
            document: "query($id: UUID!) { payment(id: $id) { id } }",
            variables: |w| json!({"id": w.b.payment}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "receipt of B's ticket",
            document: "query($id: UUID!) { receipt(ticketId: $id) { text } }",
            variables: |w| json!({"id": w.b.settled}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "reprintReceipt of B's ticket",
            document: "mutation($i: TicketIdInput!) { reprintReceipt(input: $i) { text } }",
            variables: |w| json!({"i": {"ticketId": w.b.settled}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "emailReceipt of B's ticket",
            document: "mutation($i: EmailReceiptInput!) { emailReceipt(input: $i) { queued } }",
            variables: |w| json!({"i": {"ticketId": w.b.settled, "email": "thief@iso.test"}}),
            witness: (TICKET_VIEW, |w| json!({"id": w.b.settled})),
        },
        Case {
            name: "shift(id) of B's shift",
            document: "query($id: UUID!) { shift(id: $id) { id } }",
            variables: |w| json!({"id": w.b.shift}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
        Case {
            name: "shiftReport of B's shift",
            document: "query($id: UUID!) { shiftReport(shiftId: $id) { totalSalesMinor } }",
            variables: |w| json!({"id": w.b.shift}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
        Case {
            name: "moveCash in B's shift",
            document: "mutation($i: MoveCashInput!) { moveCash(input: $i) { id } }",
            variables: |w| json!({"i": {"shiftId": w.b.shift, "kind": "OUT", "amountMinor": 5000, "reason": "x"}}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
        Case {
            name: "closeShift of B's shift",
            document: "mutation($i: CloseShiftInput!) { closeShift(input: $i) { kind } }",
            variables: |w| json!({"i": {"shiftId": w.b.shift, "countedCashMinor": 0}}),
            witness: (SHIFT_VIEW, |w| json!({"id": w.b.shift})),
        },
    ]
}
