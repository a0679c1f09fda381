//! Hostile text in any text input of any mutation is `VALIDATION` naming the
//! field, and changes nothing. The inputs come from introspection, so a new
//! mutation or field is covered the day it is added.

use crate::harness::{TestDb, TestServer};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::time::Duration;

/// Scalars that are not text; every other scalar (and `String`) is driven
/// with hostile text. A new scalar is therefore tested as text until it is
/// named here.
const NOT_TEXT: &[&str] = &[
    "Int",
    "Float",
    "Boolean",
    "ID",
    "UUID",
    "DateTime",
    "NaiveDate",
    "JSON",
    "Quantity",
    "Long",
];

const INTROSPECTION: &str = r#"
fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
{ __schema {
    mutationType { fields { name type { ...T } args { name type { ...T } } } }
    types { kind name isOneOf inputFields { name defaultValue type { ...T } } enumValues { name } }
} }"#;

struct Types(BTreeMap<String, Value>);

impl Types {
    fn get(&self, name: &str) -> &Value {
        &self.0[name]
    }
}

/// A valid value of a text scalar, so only the field under test is hostile.
fn valid_text(scalar: &str) -> Value {
    json!(match scalar {
        "Slug" => "abc-def",
        "Sku" => "SKU-1",
        "Key" => "pos.ticket.read",
        "TimeZone" => "Europe/Paris",
        "TimeOfDay" => "09:00",
        "CurrencyCode" => "EUR",
        "EmailAddress" => "someone@example.com",
        "IdempotencyKey" => "key-1",
        "Password" => "correct horse battery",
        _ => "ok",
    })
}

fn is_text(t: &Value) -> bool {
    t["kind"] == "SCALAR" && !NOT_TEXT.contains(&t["name"].as_str().unwrap_or(""))
}

/// A valid value for a type, filling required fields only.
fn sample(types: &Types, t: &Value, depth: usize) -> Value {
    match t["kind"].as_str().unwrap_or("") {
        "NON_NULL" => sample(types, &t["ofType"], depth),
        "LIST" => json!([sample(types, &t["ofType"], depth)]),
        "ENUM" => types.get(t["name"].as_str().unwrap())["enumValues"][0]["name"].clone(),
        "INPUT_OBJECT" => {
            let def = types.get(t["name"].as_str().unwrap());
            let mut obj = Map::new();
            // A oneOf input takes exactly one of its (nullable) fields: the first.
            if def["isOneOf"] == true {
                let first = &def["inputFields"][0];
                obj.insert(
                    first["name"].as_str().unwrap().to_owned(),
                    sample(types, &first["type"], depth + 1),
                );
                return Value::Object(obj);
            }
            if depth < 5 {
                for f in def["inputFields"].as_array().unwrap() {
                    if f["type"]["kind"] == "NON_NULL" && f["defaultValue"].is_null() {
                        obj.insert(
                            f["name"].as_str().unwrap().to_owned(),
                            sample(types, &f["type"], depth + 1),
                        );
                    }
                }
            }
            Value::Object(obj)
        }
        _ => match t["name"].as_str().unwrap_or("") {
            "Int" => json!(1),
            "Float" => json!(1.0),
            "Boolean" => json!(false),
            "ID" | "UUID" => json!(uuid::Uuid::new_v4()),
            "DateTime" => json!("2026-12-01T12:00:00Z"),
            "NaiveDate" => json!("2026-12-01"),
            "JSON" => json!({}),
            "Quantity" => json!("1"),
            other => valid_text(other),
        },
    }
}

/// One step from a value down to a text leaf.
#[derive(Clone, Debug)]
enum Step {
    Field(String),
    Index,
}

/// Every path from a type down to a text leaf.
fn text_paths(types: &Types, t: &Value, depth: usize, out: &mut Vec<Vec<Step>>, at: Vec<Step>) {
    match t["kind"].as_str().unwrap_or("") {
        "NON_NULL" => text_paths(types, &t["ofType"], depth, out, at),
        "LIST" => {
            let mut next = at;
            next.push(Step::Index);
            text_paths(types, &t["ofType"], depth, out, next);
        }
        "INPUT_OBJECT" if depth < 5 => {
            let def = types.get(t["name"].as_str().unwrap());
            for f in def["inputFields"].as_array().unwrap() {
                let mut next = at.clone();
                next.push(Step::Field(f["name"].as_str().unwrap().to_owned()));
                text_paths(types, &f["type"], depth + 1, out, next);
            }
        }
        _ if is_text(t) => out.push(at),
        _ => {}
    }
}

/// Writes `value` at `path` inside `root`, creating what the path needs.
fn put(types: &Types, root: &mut Value, t: &Value, path: &[Step], value: Value) {
    let t = if t["kind"] == "NON_NULL" {
        &t["ofType"]
    } else {
        t
    };
    let Some((step, rest)) = path.split_first() else {
        *root = value;
        return;
    };
    match step {
        Step::Index => {
            if !root.is_array() || root.as_array().unwrap().is_empty() {
                *root = json!([sample(types, &t["ofType"], 0)]);
            }
            put(types, &mut root[0], &t["ofType"], rest, value);
        }
        Step::Field(name) => {
            if !root.is_object() {
                *root = sample(types, t, 0);
            }
            let def = types.get(t["name"].as_str().unwrap());
            let field = def["inputFields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["name"] == name.as_str())
                .unwrap();
            if def["isOneOf"] == true {
                root.as_object_mut().unwrap().retain(|k, _| k == name);
            }
            let slot = root
                .as_object_mut()
                .unwrap()
                .entry(name.clone())
                .or_insert_with(|| sample(types, &field["type"], 0));
            put(types, slot, &field["type"], rest, value);
        }
    }
}

fn type_ref(t: &Value) -> String {
    match t["kind"].as_str().unwrap_or("") {
        "NON_NULL" => format!("{}!", type_ref(&t["ofType"])),
        "LIST" => format!("[{}]", type_ref(&t["ofType"])),
        _ => t["name"].as_str().unwrap().to_owned(),
    }
}

/// `{ __typename }` for an object payload; nothing for a scalar one.
fn selection(t: &Value) -> &'static str {
    match t["kind"].as_str().unwrap_or("") {
        "NON_NULL" | "LIST" => selection(&t["ofType"]),
        "OBJECT" | "INTERFACE" | "UNION" => " { __typename }",
        _ => "",
    }
}

/// Every row of every table, as one comparable value (the owner bypasses RLS).
async fn fingerprint(db: &TestDb) -> Vec<(String, i64, String)> {
    let mut conn = db.owner().await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut out = Vec::new();
    for table in tables {
        let sql = format!(
            "SELECT count(*)::bigint, coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')
             FROM \"{table}\" t"
        );
        let (count, hash): (i64, String) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        out.push((table, count, hash));
    }
    out
}

/// The fingerprint once background work (relay, consumers) has settled.
async fn settled(db: &TestDb) -> Vec<(String, i64, String)> {
    let mut last = fingerprint(db).await;
    for _ in 0..60 {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = fingerprint(db).await;
        if now == last {
            return now;
        }
        last = now;
    }
    panic!("the database never settled");
}

#[tokio::test]
async fn hostile_text_in_any_mutation_input_is_validation_and_changes_nothing() {
    let server = TestServer::start().await;
    let tenant = server.tenant("hostile").await;
    let schema = server
        .gql_ok(INTROSPECTION, json!({}), Some(&tenant.owner_token))
        .await;
    let types = Types(
        schema["__schema"]["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap().to_owned(), t.clone()))
            .collect(),
    );
    let before = settled(&server.db).await;

    let hostile = [
        ("a NUL", "a\u{0}b".to_owned()),
        ("an escape sequence", "a\u{1b}[2Jb".to_owned()),
        // Longer than any text rule allows (a message body's 5000 is the most).
        ("oversized text", "x".repeat(20_000)),
    ];
    let mut driven = 0;
    let mut failures = Vec::new();
    for m in schema["__schema"]["mutationType"]["fields"]
        .as_array()
        .unwrap()
    {
        let name = m["name"].as_str().unwrap();
        let args = m["args"].as_array().unwrap();
        for (i, arg) in args.iter().enumerate() {
            let mut paths = Vec::new();
            text_paths(&types, &arg["type"], 0, &mut paths, Vec::new());
            for path in paths {
                for (what, text) in &hostile {
                    let mut variables = Map::new();
                    for (j, other) in args.iter().enumerate() {
                        let mut value = if other["type"]["kind"] == "NON_NULL" {
                            sample(&types, &other["type"], 0)
                        } else {
                            Value::Null
                        };
                        if i == j {
                            put(&types, &mut value, &other["type"], &path, json!(text));
                        }
                        variables.insert(other["name"].as_str().unwrap().to_owned(), value);
                    }
                    let decls: Vec<String> = args
                        .iter()
                        .map(|a| {
                            format!("${}: {}", a["name"].as_str().unwrap(), type_ref(&a["type"]))
                        })
                        .collect();
                    let pass: Vec<String> = args
                        .iter()
                        .map(|a| format!("{0}: ${0}", a["name"].as_str().unwrap()))
                        .collect();
                    let query = format!(
                        "mutation({}) {{ {name}({}){} }}",
                        decls.join(", "),
                        pass.join(", "),
                        selection(&m["type"])
                    );
                    let (_, body) = server
                        .graphql(
                            &query,
                            Value::Object(variables.clone()),
                            Some(&tenant.owner_token),
                        )
                        .await;
                    driven += 1;
                    let leaf = path
                        .iter()
                        .rev()
                        .find_map(|s| match s {
                            Step::Field(f) => Some(f.clone()),
                            Step::Index => None,
                        })
                        .unwrap_or_else(|| arg["name"].as_str().unwrap().to_owned());
                    let error = &body["errors"][0];
                    let named = error["message"].as_str().unwrap_or("").contains(&leaf)
                        || error["extensions"]["details"]["fields"]
                            .as_object()
                            .is_some_and(|f| f.keys().any(|k| k.contains(&leaf)));
                    if error["extensions"]["code"] != "VALIDATION" || !named {
                        failures.push(format!("{name} {leaf} with {what}: {body}"));
                    }
                }
            }
        }
    }
    assert!(driven > 150, "only {driven} hostile inputs were driven");
    assert!(
        failures.is_empty(),
        "{} of {driven} hostile inputs were not VALIDATION naming the field:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let after = settled(&server.db).await;
    let changed: Vec<&String> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b != a)
        .map(|(b, _)| &b.0)
        .collect();
    assert!(changed.is_empty(), "hostile inputs changed {changed:?}");
    assert_eq!(before.len(), after.len());
}
