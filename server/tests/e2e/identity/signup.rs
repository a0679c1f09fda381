//! Signup and the tenant lifecycle: approval, rejection, suspension, bad input.

use super::*;

#[tokio::test]
async fn signup_makes_a_pending_tenant_whose_owner_reaches_no_business_module() {
    let server = TestServer::start().await;
    let slug = unique_slug("pending");
    let email = format!("owner@{slug}.test");
    let data = server
        .gql_ok(
            SIGNUP,
            json!({ "i": signup_input(&slug, &email, PASSWORD) }),
            None,
        )
        .await;
    let tenant = &data["signup"]["tenant"];
    assert_eq!(tenant["status"], "PENDING", "{data}");
    assert_eq!(tenant["slug"], slug.as_str());
    assert_eq!(tenant["name"], "Corner Cafe");
    assert!(tenant["statusReason"].is_null() && tenant["approvedAt"].is_null());
    let tenant_id = uuid(&tenant["id"]);
    let owner_id = uuid(&data["signup"]["ownerId"]);

    // The owner can sign in at once...
    let auth = server.login(&slug, &email, PASSWORD).await;
    assert_eq!(uuid(&auth["tenantId"]), tenant_id);
    assert_eq!(uuid(&auth["userId"]), owner_id);
    let token = s(&auth["accessToken"]).to_owned();
    let me = server.gql_ok(ME, json!({}), Some(&token)).await;
    assert_eq!(me["me"]["email"], email.as_str());
    assert_eq!(me["me"]["status"], "active");
    assert_eq!(me["me"]["roles"], json!([]), "no roles before approval");
    let own = server
        .gql_ok("{ tenant { id status } }", json!({}), Some(&token))
        .await;
    assert_eq!(own["tenant"]["status"], "PENDING");

    // ...but reaches no business module.
    let check = server
        .gql_ok(
            PERMISSION_CHECK,
            json!({ "p": ["pos.ticket.write"] }),
            Some(&token),
        )
        .await;
    let verdict = &check["permissionCheck"][0];
    assert_eq!(verdict["permission"], "pos.ticket.write");
    assert_eq!(verdict["allowed"], false, "{check}");
    assert_eq!(verdict["code"], "AUTHZ", "{check}");
    let (c, body) = server.gql_err(USERS, json!({}), Some(&token)).await;
    assert_eq!(c, "AUTHZ", "{body}");
    assert_eq!(details(&body)["tenantStatus"], "pending", "{body}");

    // The registration was recorded once, as an event and in the audit trail.
    let registered = events(&server, tenant_id, "tenant.registered").await;
    assert_eq!(registered.len(), 1, "{registered:?}");
    assert_eq!(registered[0]["slug"], slug.as_str());
    assert_eq!(registered[0]["ownerEmail"], email.as_str());
    assert_eq!(uuid(&registered[0]["ownerId"]), owner_id);
    assert_eq!(
        audit_count(&server, tenant_id, "tenant.registered").await,
        1
    );
    // Nothing is provisioned before approval.
    let mut conn = server.db.owner().await;
    let provisioned: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM roles WHERE tenant_id = $1) + (SELECT count(*) FROM tenant_modules WHERE tenant_id = $1)",
    )
    .bind(tenant_id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(provisioned, 0);
    assert!(
        events(&server, tenant_id, "tenant.approved")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn approval_provisions_roles_and_modules_and_only_superadmins_may_approve() {
    let server = TestServer::start().await;
    let (tenant_id, slug, email) = server.signup("approve").await;
    let owner = server.login(&slug, &email, PASSWORD).await;
    let owner_token = s(&owner["accessToken"]).to_owned();
    let admin = server.superadmin_token().await;
    let vars = json!({ "i": { "tenantId": tenant_id, "reason": "verified the business" } });

    // Nobody but a superadmin approves.
    let (c, body) = server.gql_err(APPROVE, vars.clone(), None).await;
    assert_eq!(c, "AUTHN", "{body}");
    let (c, body) = server
        .gql_err(APPROVE, vars.clone(), Some(&owner_token))
        .await;
    assert_eq!(c, "AUTHZ", "{body}");
    // A superadmin says why.
    let (c, body) = server
        .gql_err(
            APPROVE,
            json!({ "i": { "tenantId": tenant_id, "reason": " " } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "VALIDATION", "{body}");
    let still = server
        .gql_ok(TENANT_BY_ID, json!({ "id": tenant_id }), Some(&admin))
        .await;
    assert_eq!(still["tenantById"]["status"], "PENDING");
    assert!(
        events(&server, tenant_id, "tenant.approved")
            .await
            .is_empty()
    );

    let data = server.gql_ok(APPROVE, vars.clone(), Some(&admin)).await;
    let tenant = &data["approveTenant"]["tenant"];
    assert_eq!(tenant["status"], "ACTIVE", "{data}");
    assert!(tenant["approvedAt"].is_string(), "{data}");

    // The built-in roles exist and the owner holds the owner role.
    let roles = server
        .gql_ok("{ roles { key builtIn } }", json!({}), Some(&owner_token))
        .await;
    let mut keys: Vec<&str> = roles["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["builtIn"] == true)
        .filter_map(|r| r["key"].as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["cashier", "kitchen", "manager", "owner"], "{roles}");
    let me = server.gql_ok(ME, json!({}), Some(&owner_token)).await;
    assert_eq!(me["me"]["roles"], json!([{ "key": "owner" }]), "{me}");

    // The modules follow the registry's defaults.
    let modules = server
        .gql_ok(
            "{ modules { key kind enabled } }",
            json!({}),
            Some(&owner_token),
        )
        .await;
    let enabled = |key: &str| {
        modules["modules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["key"] == key)
            .unwrap_or_else(|| panic!("no module {key}: {modules}"))["enabled"]
            .clone()
    };
    assert_eq!(enabled("admin"), true);
    assert_eq!(enabled("pos"), true);
    assert_eq!(enabled("orders"), false);

    // Business modules open for the owner; switched-off ones stay closed.
    let check = server
        .gql_ok(
            PERMISSION_CHECK,
            json!({ "p": ["pos.ticket.write", "orders.kitchen.read"] }),
            Some(&owner_token),
        )
        .await;
    assert_eq!(check["permissionCheck"][0]["allowed"], true, "{check}");
    assert_eq!(check["permissionCheck"][1]["allowed"], false, "{check}");
    assert_eq!(check["permissionCheck"][1]["code"], "AUTHZ");
    assert_eq!(check["permissionCheck"][1]["module"], "orders");
    server.gql_ok(USERS, json!({}), Some(&owner_token)).await;

    let approved = events(&server, tenant_id, "tenant.approved").await;
    assert_eq!(approved.len(), 1, "{approved:?}");
    assert_eq!(approved[0]["status"], "active");
    assert_eq!(approved[0]["slug"], slug.as_str());

    // Approving twice is a conflict and changes nothing.
    let (c, body) = server.gql_err(APPROVE, vars, Some(&admin)).await;
    assert_eq!(c, "CONFLICT", "{body}");
    assert_eq!(events(&server, tenant_id, "tenant.approved").await.len(), 1);
    assert_eq!(audit_count(&server, tenant_id, "tenant.approved").await, 1);
    let roles_after = server
        .gql_ok("{ roles { key } }", json!({}), Some(&owner_token))
        .await;
    assert_eq!(roles_after["roles"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn rejection_needs_a_reason_and_shuts_the_owner_out() {
    let server = TestServer::start().await;
    let (keep_id, _, _) = server.signup("keep").await;
    let (tenant_id, slug, email) = server.signup("reject").await;
    let owner = server.login(&slug, &email, PASSWORD).await;
    let owner_token = s(&owner["accessToken"]).to_owned();
    let owner_refresh = s(&owner["refreshToken"]).to_owned();
    let admin = server.superadmin_token().await;

    for reason in ["", "   "] {
        let (c, body) = server
            .gql_err(
                REJECT,
                json!({ "i": { "tenantId": tenant_id, "reason": reason } }),
                Some(&admin),
            )
            .await;
        assert_eq!(c, "VALIDATION", "{body}");
        assert!(fields(&body)["reason"].is_string(), "{body}");
    }
    let still = server
        .gql_ok(TENANT_BY_ID, json!({ "id": tenant_id }), Some(&admin))
        .await;
    assert_eq!(still["tenantById"]["status"], "PENDING");

    let data = server
        .gql_ok(
            REJECT,
            json!({ "i": { "tenantId": tenant_id, "reason": "  Could not verify the business  " } }),
            Some(&admin),
        )
        .await;
    let tenant = &data["rejectTenant"]["tenant"];
    assert_eq!(tenant["status"], "REJECTED", "{data}");
    assert_eq!(tenant["statusReason"], "Could not verify the business");
    let rejected = events(&server, tenant_id, "tenant.rejected").await;
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["reason"], "Could not verify the business");

    // The owner can no longer sign in, nor use what they held.
    let (c, body) = server
        .identity()
        .login_err(creds(&slug, &email, PASSWORD))
        .await;
    assert_eq!(c, "AUTHN", "{body}");
    assert_eq!(message(&body), "invalid credentials");
    let (c, body) = server.gql_err(ME, json!({}), Some(&owner_token)).await;
    assert_eq!(c, "AUTHN", "{body}");
    server.identity().refresh_refused(&owner_refresh).await;

    // A rejection is final, and the other pending tenant is untouched.
    let (c, body) = server
        .gql_err(
            APPROVE,
            json!({ "i": { "tenantId": tenant_id, "reason": "second look" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");
    let other = server
        .gql_ok(TENANT_BY_ID, json!({ "id": keep_id }), Some(&admin))
        .await;
    assert_eq!(other["tenantById"]["status"], "PENDING");
    assert!(other["tenantById"]["statusReason"].is_null());
}

#[tokio::test]
async fn suspension_closes_business_modules_until_reactivated() {
    let server = TestServer::start().await;
    let t = server.tenant("suspend").await;
    let admin = server.superadmin_token().await;
    server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;

    let data = server
        .gql_ok(
            SUSPEND,
            json!({ "i": { "tenantId": t.id, "reason": "unpaid invoices" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(data["suspendTenant"]["tenant"]["status"], "SUSPENDED");
    assert_eq!(
        data["suspendTenant"]["tenant"]["statusReason"],
        "unpaid invoices"
    );
    let (c, body) = server.gql_err(USERS, json!({}), Some(&t.owner_token)).await;
    assert_eq!(c, "AUTHZ", "{body}");
    assert_eq!(details(&body)["tenantStatus"], "suspended", "{body}");
    // Suspended, not gone: the owner still signs in and sees why.
    let auth = server.login(&t.slug, &t.owner_email, PASSWORD).await;
    let own = server
        .gql_ok(
            "{ tenant { status statusReason } }",
            json!({}),
            Some(s(&auth["accessToken"])),
        )
        .await;
    assert_eq!(own["tenant"]["status"], "SUSPENDED");
    assert_eq!(own["tenant"]["statusReason"], "unpaid invoices");
    let (c, body) = server
        .gql_err(
            SUSPEND,
            json!({ "i": { "tenantId": t.id, "reason": "again" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");

    let data = server
        .gql_ok(
            REACTIVATE,
            json!({ "i": { "tenantId": t.id, "reason": "invoices paid" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(data["reactivateTenant"]["tenant"]["status"], "ACTIVE");
    assert!(data["reactivateTenant"]["tenant"]["statusReason"].is_null());
    let users = server.gql_ok(USERS, json!({}), Some(&t.owner_token)).await;
    assert_eq!(users["users"]["nodes"].as_array().unwrap().len(), 1);
    let (c, body) = server
        .gql_err(
            REACTIVATE,
            json!({ "i": { "tenantId": t.id, "reason": "invoices paid" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(c, "CONFLICT", "{body}");
    assert_eq!(events(&server, t.id, "tenant.suspended").await.len(), 1);
    assert_eq!(events(&server, t.id, "tenant.reactivated").await.len(), 1);
}

#[tokio::test]
async fn signup_refuses_bad_input_and_writes_nothing() {
    let server = TestServer::start().await;
    let before = signup_footprint(&server).await;
    let good_slug = unique_slug("good");
    let cases = [
        (
            signup_input(&good_slug, "owner@good.test", "short"),
            "password",
        ),
        (
            signup_input(&good_slug, "owner@good.test", "aaaaaaaaaaaaaaaa"),
            "password",
        ),
        (signup_input(&good_slug, "not-an-email", PASSWORD), "email"),
        (signup_input(&good_slug, "owner@nodot", PASSWORD), "email"),
        (
            signup_input("Bad Slug!", "owner@good.test", PASSWORD),
            "slug",
        ),
        (signup_input("ab", "owner@good.test", PASSWORD), "slug"),
        (signup_input("admin", "owner@good.test", PASSWORD), "slug"),
        (signup_input("Admin", "owner@good.test", PASSWORD), "slug"),
        (
            json!({ "businessName": "  ", "slug": good_slug, "ownerName": "Olive", "email": "owner@good.test", "password": PASSWORD }),
            "businessName",
        ),
    ];
    for (input, field) in cases {
        let (c, body) = server.gql_err(SIGNUP, json!({ "i": input }), None).await;
        assert_eq!(c, "VALIDATION", "{input} -> {body}");
        assert!(
            fields(&body)[field].is_string(),
            "{input}: expected details.fields.{field}: {body}"
        );
    }
    assert_eq!(signup_footprint(&server).await, before);

    // A taken slug (in any case) is a conflict, and also writes nothing.
    server
        .gql_ok(
            SIGNUP,
            json!({ "i": signup_input(&good_slug, "owner@good.test", PASSWORD) }),
            None,
        )
        .await;
    let after_one = signup_footprint(&server).await;
    let grown: Vec<i64> = after_one.iter().zip(&before).map(|(a, b)| a - b).collect();
    assert_eq!(grown, [1, 1, 1, 1, 1], "one of each row per signup");
    for slug in [good_slug.clone(), good_slug.to_uppercase()] {
        let (c, body) = server
            .gql_err(
                SIGNUP,
                json!({ "i": signup_input(&slug, "someone@else.test", PASSWORD) }),
                None,
            )
            .await;
        assert_eq!(c, "CONFLICT", "{body}");
        assert!(fields(&body)["slug"].is_string(), "{body}");
    }
    assert_eq!(signup_footprint(&server).await, after_one);
}
