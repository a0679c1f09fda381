//! Users: operations on another tenant's ids.

use super::*;

pub(super) fn identity_cases() -> Vec<Case> {
    vec![
        Case {
            name: "user(id) of B's cashier",
            document: "query($id: UUID!) { user(id: $id) { id email } }",
            variables: |w| json!({"id": w.b.cashier}),
            witness: (USER_VIEW, |w| json!({"id": w.b.cashier})),
        },
        Case {
            name: "user(id) of B's owner",
            document: "query($id: UUID!) { user(id: $id) { id email } }",
            variables: |w| json!({"id": w.b.t.owner_id}),
            witness: (USER_VIEW, |w| json!({"id": w.b.t.owner_id})),
        },
        Case {
            name: "deactivateUser of B's cashier",
            document: DEACTIVATE_USER,
            variables: |w| json!({"i": {"userId": w.b.cashier}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.cashier})),
        },
        Case {
            name: "deactivateUser of B's owner",
            document: DEACTIVATE_USER,
            variables: |w| json!({"i": {"userId": w.b.t.owner_id}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.t.owner_id})),
        },
        Case {
            name: "reactivateUser of B's deactivated user",
            document: REACTIVATE_USER,
            variables: |w| json!({"i": {"userId": w.b.former}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.former})),
        },
    ]
}
