//! Bad input over REST: always a taxonomy error in the `{error}` envelope.

use super::*;

#[tokio::test]
async fn rest_bad_input_is_always_a_taxonomy_error() {
    let server = TestServer::start().await;
    let t = server.tenant("resterr").await;
    let token = t.owner_token.as_str();
    let raw = |body: &'static str, content_type: &'static str| {
        server
            .http
            .post(server.url("/v1/rbac/roles"))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
    };
    async fn parse(resp: reqwest::Response) -> (u16, Value) {
        let status = resp.status().as_u16();
        assert!(
            resp.headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/json")),
            "{:?}",
            resp.headers()
        );
        (status, resp.json().await.unwrap())
    }

    // JSON bodies that are no role: each a VALIDATION that says what is wrong.
    type SaysWhy = fn(&Value);
    let bad_bodies: [(&str, SaysWhy); 6] = [
        // Malformed JSON.
        ("{\"name\": ", |err| {
            assert!(s(&err["message"]).contains("malformed JSON"), "{err}")
        }),
        // Not an object at all.
        ("[1, 2]", |err| {
            assert!(s(&err["message"]).contains("JSON object"), "{err}")
        }),
        // Missing field, named.
        ("{\"permissions\": []}", |err| {
            assert_eq!(err["details"]["fields"]["name"], "is required", "{err}")
        }),
        // Wrong type, named.
        ("{\"name\": 5, \"permissions\": []}", |err| {
            assert!(err["details"]["fields"]["name"].is_string(), "{err}")
        }),
        ("{\"name\": \"x\", \"permissions\": [1]}", |err| {
            assert!(
                err["details"]["fields"]["permissions[0]"].is_string(),
                "{err}"
            )
        }),
        // An empty body where one is needed.
        ("", |_| {}),
    ];
    for (body, check) in bad_bodies {
        let answer = parse(raw(body, "application/json").send().await.unwrap()).await;
        check(&assert_error(answer, 400, "VALIDATION"));
    }
    // Wrong content type, and none.
    assert_error(
        parse(
            raw("{\"name\": \"x\", \"permissions\": []}", "text/plain")
                .send()
                .await
                .unwrap(),
        )
        .await,
        415,
        "VALIDATION",
    );
    let none = server
        .http
        .post(server.url("/v1/auth/login"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_error(parse(none).await, 415, "VALIDATION");
    // Service validation comes through the same way.
    let err = assert_error(
        post(
            &server,
            "/v1/rbac/roles",
            Some(token),
            json!({ "name": "   ", "permissions": [] }),
        )
        .await,
        400,
        "VALIDATION",
    );
    assert!(err["details"]["fields"]["name"].is_string(), "{err}");

    // A path id that is not a UUID.
    let err = assert_error(
        get(&server, "/v1/rbac/roles/not-a-uuid", Some(token)).await,
        400,
        "VALIDATION",
    );
    assert_eq!(err["details"]["fields"]["id"], "must be a UUID", "{err}");
    let err = assert_error(
        call(
            &server,
            Method::PUT,
            &format!("/v1/rbac/users/{}/roles/42", t.owner_id),
            Some(token),
            None,
        )
        .await,
        400,
        "VALIDATION",
    );
    assert_eq!(
        err["details"]["fields"]["roleId"], "must be a UUID",
        "{err}"
    );

    // Unknown ids.
    for path in [
        format!("/v1/rbac/roles/{}", Uuid::now_v7()),
        format!("/v1/rbac/users/{}", Uuid::now_v7()),
    ] {
        let err = assert_error(get(&server, &path, Some(token)).await, 404, "NOT_FOUND");
        assert!(err["details"]["entity"].is_string(), "{err}");
    }
    assert_error(
        call(
            &server,
            Method::DELETE,
            &format!("/v1/rbac/api-keys/{}", Uuid::now_v7()),
            Some(token),
            None,
        )
        .await,
        404,
        "NOT_FOUND",
    );

    // No credential, a bad one, too little permission.
    assert_error(get(&server, "/v1/rbac/users", None).await, 401, "AUTHN");
    assert_error(
        get(&server, "/v1/rbac/roles", Some("not-a-token")).await,
        401,
        "AUTHN",
    );
    assert_error(get(&server, "/v1/auth/me", None).await, 401, "AUTHN");
    let (_, cashier) = server.staff(&t, "cashier").await;
    let err = assert_error(
        get(&server, "/v1/rbac/users", Some(&cashier)).await,
        403,
        "AUTHZ",
    );
    assert_eq!(err["details"]["permission"], "admin.users.read", "{err}");
    assert_error(
        post(
            &server,
            "/v1/rbac/roles",
            Some(&cashier),
            json!({ "name": "Mine", "permissions": [] }),
        )
        .await,
        403,
        "AUTHZ",
    );

    // The request id of the error is the one the response carries.
    let resp = server
        .http
        .get(server.url("/v1/rbac/users"))
        .header("x-request-id", "rest-req-1")
        .send()
        .await
        .unwrap();
    let (_, body) = parse(resp).await;
    assert_eq!(body["error"]["requestId"], "rest-req-1");

    // Wrong method on a known path.
    assert_error(
        call(&server, Method::PATCH, "/v1/rbac/users", Some(token), None).await,
        405,
        "VALIDATION",
    );
}
