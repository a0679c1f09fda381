//! What the operator sends a business: another business's announcements.

use super::*;

const NOTICES_VIEW: &str = "{ announcements { id revision } }";

pub(super) fn operator_cases() -> Vec<Case> {
    vec![Case {
        name: "dismissAnnouncement of B's announcement",
        document: "mutation($id: UUID!) { dismissAnnouncement(announcementId: $id) { id } }",
        variables: |w| json!({"id": w.b.announcement}),
        witness: (NOTICES_VIEW, |_| json!({})),
    }]
}
