//! Roles and API keys: operations on another tenant's ids.

use super::*;

pub(super) fn rbac_cases() -> Vec<Case> {
    vec![
        Case {
            name: "role(id) of B's custom role",
            document: "query($id: UUID!) { role(id: $id) { id name permissions } }",
            variables: |w| json!({"id": w.b.auditors}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.auditors})),
        },
        Case {
            name: "role(id) of B's owner role",
            document: "query($id: UUID!) { role(id: $id) { id name permissions } }",
            variables: |w| json!({"id": w.b.owner_role}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.owner_role})),
        },
        Case {
            name: "updateRole of B's custom role",
            document: UPDATE_ROLE,
            variables: |w| {
                json!({"i": {"roleId": w.b.spare, "name": "Taken over", "description": "x",
                             "permissions": ["admin.users.read", "admin.users.manage"]}})
            },
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "updateRole of B's owner role",
            document: UPDATE_ROLE,
            variables: |w| json!({"i": {"roleId": w.b.owner_role, "name": "Nobody"}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.owner_role})),
        },
        Case {
            name: "deleteRole of B's unused custom role",
            document: DELETE_ROLE,
            variables: |w| json!({"i": {"roleId": w.b.spare}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "assignRole of B's role to B's user",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.manager, "roleId": w.b.spare}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "assignRole of B's owner role to B's cashier",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.cashier, "roleId": w.b.owner_role}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.owner_role})),
        },
        Case {
            name: "assignRole of B's role to A's user",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.a.cashier, "roleId": w.b.spare}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.spare})),
        },
        Case {
            name: "assignRole of A's role to B's user",
            document: ASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.manager, "roleId": w.a.spare}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.manager})),
        },
        Case {
            name: "unassignRole of B's role from B's user",
            document: UNASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.cashier, "roleId": w.b.auditors}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.auditors})),
        },
        Case {
            name: "unassignRole of B's role from A's user",
            document: UNASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.a.cashier, "roleId": w.b.auditors}}),
            witness: (ROLE_VIEW, |w| json!({"id": w.b.auditors})),
        },
        Case {
            name: "unassignRole of A's role from B's user",
            document: UNASSIGN_ROLE,
            variables: |w| json!({"i": {"userId": w.b.cashier, "roleId": w.a.auditors}}),
            witness: (USER_VIEW, |w| json!({"id": w.b.cashier})),
        },
        Case {
            name: "revokeApiKey of B's key",
            document: REVOKE_API_KEY,
            variables: |w| json!({"i": {"apiKeyId": w.b.key}}),
            witness: (KEYS_VIEW, |_| json!({})),
        },
    ]
}
