//! Operations on ids: every entry of [`cases`] aimed at tenant B's ids answers
//! `NOT_FOUND` and changes nothing.

mod billing;
mod identity;
mod inventory;
mod menu;
mod operator;
mod pos;
mod rbac;

use super::*;

/// One tenant-scoped operation aimed at tenant B's ids.
struct Case {
    name: &'static str,
    document: &'static str,
    variables: fn(&World) -> Value,
    /// A query B's owner runs before and after: it must succeed (so the ids
    /// are real) and answer the same.
    witness: (&'static str, fn(&World) -> Value),
}

fn cases() -> Vec<Case> {
    let mut all = pos::pos_cases();
    all.extend(inventory::inventory_cases());
    all.extend(menu::menu_cases());
    all.extend(identity::identity_cases());
    all.extend(rbac::rbac_cases());
    all.extend(billing::billing_cases());
    all.extend(operator::operator_cases());
    all
}

#[tokio::test]
async fn another_tenants_ids_are_not_found_and_nothing_changes() {
    let w = world().await;
    let s = &w.server;
    let b_owner = Some(w.b.t.owner_token.as_str());
    // B's key is in B's list, live.
    let keys = s.gql_ok(KEYS_VIEW, json!({}), b_owner).await;
    assert_eq!(keys["apiKeys"][0]["id"], json!(w.b.key));
    assert_eq!(keys["apiKeys"][0]["revokedAt"], Value::Null);

    for (who, token) in w.credentials_of_a() {
        // The credential works on A's own ids: a refusal below is about the tenant.
        let own = s
            .gql_ok(
                "query($u: UUID!, $r: UUID!) { user(id: $u) { id } role(id: $r) { id } }",
                json!({"u": w.a.cashier, "r": w.a.spare}),
                Some(&token),
            )
            .await;
        assert_eq!(own["user"]["id"], json!(w.a.cashier), "{who}");

        for case in cases() {
            let what = format!("{who}: {}", case.name);
            let (witness, witness_vars) = case.witness;
            let seen_before = s.gql_ok(witness, witness_vars(&w), b_owner).await;
            let before = snapshot(&s.db).await;

            let (code, body) = s
                .gql_err(case.document, (case.variables)(&w), Some(&token))
                .await;
            assert_eq!(code, "NOT_FOUND", "{what}: {body}");
            assert_eq!(body["data"], Value::Null, "{what}: {body}");
            let text = body.to_string();
            for secret in [w.b.t.slug.as_str(), w.b.t.owner_email.as_str()] {
                assert!(!text.contains(secret), "{what} leaked {secret}: {body}");
            }

            assert_unchanged(&before, &snapshot(&s.db).await, &what);
            let seen_after = s.gql_ok(witness, witness_vars(&w), b_owner).await;
            assert_eq!(seen_before, seen_after, "{what}: B's view changed");
        }
    }

    // B's people and key still work as before.
    let data = s
        .gql_ok(
            "{ me { id roles { id } } }",
            json!({}),
            Some(&w.b.cashier_token),
        )
        .await;
    assert_eq!(data["me"]["id"], json!(w.b.cashier));
    let data = s
        .gql_ok(
            "{ users { nodes { id } } }",
            json!({}),
            Some(&w.b.key_secret),
        )
        .await;
    assert!(ids_at(&data["users"]["nodes"]).contains(&w.b.cashier));
}

#[tokio::test]
async fn create_user_with_another_tenants_role_is_refused_and_creates_nobody() {
    let w = world().await;
    let s = &w.server;
    for (n, (who, token)) in w.credentials_of_a().into_iter().enumerate() {
        let email = format!("newcomer-{n}@iso.test");
        for role_ids in [vec![w.b.spare], vec![w.a.spare, w.b.spare]] {
            let before = snapshot(&s.db).await;
            let (code, body) = s
                .gql_err(
                    CREATE_USER,
                    json!({"i": {"email": email, "displayName": "Newcomer", "password": PASSWORD, "roleIds": role_ids}}),
                    Some(&token),
                )
                .await;
            assert_eq!(code, "VALIDATION", "{who}: {body}");
            let details = &body["errors"][0]["extensions"]["details"];
            assert_eq!(details["fields"]["roleIds"], "unknown role", "{body}");
            assert_eq!(details["unknown"], json!([w.b.spare]), "{body}");
            assert_unchanged(&before, &snapshot(&s.db).await, who);
        }
        let mut conn = s.db.owner().await;
        let users: i64 =
            sqlx::query_scalar("SELECT count(*) FROM users WHERE lower(email) = lower($1)")
                .bind(&email)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(users, 0, "{who}: no user in either tenant");

        // The same input with A's own role makes the user, in A only.
        let data = s
            .gql_ok(
                CREATE_USER,
                json!({"i": {"email": email, "displayName": "Newcomer", "password": PASSWORD, "roleIds": [w.a.spare]}}),
                Some(&token),
            )
            .await;
        let created = id(&data["createUser"]["user"]["id"]);
        let tenants: Vec<Uuid> =
            sqlx::query_scalar("SELECT tenant_id FROM users WHERE lower(email) = lower($1)")
                .bind(&email)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        assert_eq!(tenants, vec![w.a.t.id], "{who}");
        let (code, _) = s
            .gql_err(
                "query($id: UUID!) { user(id: $id) { id } }",
                json!({"id": created}),
                Some(&w.b.t.owner_token),
            )
            .await;
        assert_eq!(code, "NOT_FOUND");
    }
}
