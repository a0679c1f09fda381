//! What the operator sends a business and the support desk: another
//! business's announcements and tickets.

use super::*;

const NOTICES_VIEW: &str = "{ announcements { id revision } }";
const TICKET_VIEW: &str = "query($id: UUID!) { supportTicket(id: $id) { ticket { id status updatedAt } messages { id body } } }";

fn ticket_of_b(w: &World) -> Value {
    json!({"id": w.b.support_ticket})
}

pub(super) fn operator_cases() -> Vec<Case> {
    vec![
        Case {
            name: "dismissAnnouncement of B's announcement",
            document: "mutation($id: UUID!) { dismissAnnouncement(announcementId: $id) { id } }",
            variables: |w| json!({"id": w.b.announcement}),
            witness: (NOTICES_VIEW, |_| json!({})),
        },
        Case {
            name: "supportTicket of B's ticket",
            document: TICKET_VIEW,
            variables: ticket_of_b,
            witness: (TICKET_VIEW, ticket_of_b),
        },
        Case {
            name: "replyToSupportTicket on B's ticket",
            document: "mutation($id: UUID!) { replyToSupportTicket(input: {ticketId: $id, body: \"hello\"}) { ticket { id } } }",
            variables: ticket_of_b,
            witness: (TICKET_VIEW, ticket_of_b),
        },
        Case {
            name: "solveSupportTicket of B's ticket",
            document: "mutation($id: UUID!) { solveSupportTicket(ticketId: $id) { id } }",
            variables: ticket_of_b,
            witness: (TICKET_VIEW, ticket_of_b),
        },
    ]
}
