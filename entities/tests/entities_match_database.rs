//! Every entity against a freshly migrated database: one entity per table,
//! the same columns with the same types and nullability, the same primary
//! key, and enums that allow exactly what the CHECK constraints allow.
//!
//! The database facts are read first and the scratch database dropped before
//! anything is compared; every drift found is then reported at once.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{ColumnType, StringLen};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use std::collections::{BTreeMap, BTreeSet};

const PG_BASE: &str = "postgres://postgres@127.0.0.1:5432";

/// What the migrated database says of one table.
#[derive(Debug, Default)]
struct DbTable {
    /// column → (udt_name, nullable)
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    /// column → the values its `col = ANY (ARRAY[...])` CHECK allows
    closed_sets: BTreeMap<String, BTreeSet<String>>,
}

async fn rows(db: &DatabaseConnection, sql: &str) -> Vec<sea_orm::QueryResult> {
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap_or_else(|e| panic!("query failed: {e}\n{sql}"))
}

/// Base tables of `public` (partitioned parents included, partitions and
/// sea-orm's own bookkeeping left out), with their columns, keys and checks.
async fn read_schema(db: &DatabaseConnection) -> BTreeMap<String, DbTable> {
    let mut tables: BTreeMap<String, DbTable> = BTreeMap::new();
    for r in rows(
        db,
        "SELECT c.relname::text AS name FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
            AND c.relname <> 'seaql_migrations'",
    )
    .await
    {
        tables.insert(r.try_get("", "name").unwrap(), DbTable::default());
    }
    for r in rows(
        db,
        "SELECT table_name::text AS t, column_name::text AS c, udt_name::text AS udt,
                is_nullable = 'YES' AS nullable
           FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .await
    {
        let t: String = r.try_get("", "t").unwrap();
        if let Some(table) = tables.get_mut(&t) {
            table.columns.insert(
                r.try_get("", "c").unwrap(),
                (
                    r.try_get("", "udt").unwrap(),
                    r.try_get("", "nullable").unwrap(),
                ),
            );
        }
    }
    for r in rows(
        db,
        "SELECT c.relname::text AS t, a.attname::text AS col
           FROM pg_index i
           JOIN pg_class c ON c.oid = i.indrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
          WHERE n.nspname = 'public' AND i.indisprimary
          ORDER BY c.relname, k.ord",
    )
    .await
    {
        let t: String = r.try_get("", "t").unwrap();
        if let Some(table) = tables.get_mut(&t) {
            table.primary_key.push(r.try_get("", "col").unwrap());
        }
    }
    for r in rows(
        db,
        "SELECT c.relname::text AS t, a.attname::text AS col, pg_get_constraintdef(k.oid) AS def
           FROM pg_constraint k
           JOIN pg_class c ON c.oid = k.conrelid
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
          WHERE n.nspname = 'public' AND k.contype = 'c' AND cardinality(k.conkey) = 1",
    )
    .await
    {
        let t: String = r.try_get("", "t").unwrap();
        let col: String = r.try_get("", "col").unwrap();
        let def: String = r.try_get("", "def").unwrap();
        if let (Some(table), Some(values)) = (tables.get_mut(&t), closed_set(&col, &def)) {
            table.closed_sets.insert(col, values);
        }
    }
    tables
}

/// The values of a `CHECK ((col = ANY (ARRAY['a'::text, ...])))`, which is
/// how PostgreSQL prints `col IN ('a', ...)`; `None` for any other check.
fn closed_set(col: &str, def: &str) -> Option<BTreeSet<String>> {
    let list = def
        .strip_prefix(&format!("CHECK (({col} = ANY (ARRAY["))?
        .strip_suffix("])))")?;
    list.split(", ")
        .map(|v| {
            v.strip_suffix("::text")
                .and_then(|v| v.strip_prefix('\''))
                .and_then(|v| v.strip_suffix('\''))
                .map(str::to_owned)
        })
        .collect()
}

/// The PostgreSQL types (`udt_name`) an entity column type stands for.
/// sea-orm's default for a `String` field is `String(None)` and for a
/// `Json` field `Json`; both read and bind as `text` and `jsonb` do.
fn pg_types(ty: &ColumnType) -> &'static [&'static str] {
    match ty {
        ColumnType::Uuid => &["uuid"],
        ColumnType::TimestampWithTimeZone => &["timestamptz"],
        ColumnType::Date => &["date"],
        ColumnType::Text | ColumnType::String(StringLen::None) => &["text"],
        ColumnType::JsonBinary | ColumnType::Json => &["jsonb"],
        ColumnType::BigInteger => &["int8"],
        ColumnType::Integer => &["int4"],
        ColumnType::SmallInteger => &["int2"],
        ColumnType::Boolean => &["bool"],
        ColumnType::VarBinary(StringLen::None) | ColumnType::Blob => &["bytea"],
        ColumnType::Decimal(_) | ColumnType::Money(_) => &["numeric"],
        ColumnType::Array(inner) => match **inner {
            ColumnType::Text | ColumnType::String(StringLen::None) => &["_text"],
            ColumnType::Uuid => &["_uuid"],
            ColumnType::BigInteger => &["_int8"],
            ColumnType::Integer => &["_int4"],
            ColumnType::Date => &["_date"],
            _ => &[],
        },
        _ => &[],
    }
}

/// Every difference between the entities and the database, one line each.
fn drift(db_tables: &BTreeMap<String, DbTable>) -> Vec<String> {
    let mut problems = Vec::new();
    let infos = entities::tables();

    let mut seen = BTreeSet::new();
    for info in &infos {
        if !seen.insert(info.table) {
            problems.push(format!("{}: more than one entity", info.table));
        }
        if info.module != info.table {
            problems.push(format!(
                "{}: the entity lives in module `{}`; name its file after the table",
                info.table, info.module
            ));
        }
    }
    for table in db_tables.keys() {
        if !seen.contains(table.as_str()) {
            problems.push(format!("{table}: table has no entity"));
        }
    }

    for info in &infos {
        let t = info.table;
        let Some(db) = db_tables.get(t) else {
            problems.push(format!("{t}: entity has no table in the migrated database"));
            continue;
        };

        // (b) columns: the same set, types and nullability
        let entity_cols: BTreeMap<&str, _> = info.columns.iter().map(|(n, d)| (*n, d)).collect();
        for col in db.columns.keys() {
            if !entity_cols.contains_key(col.as_str()) {
                problems.push(format!("{t}.{col}: column missing from the entity"));
            }
        }
        for (col, def) in &entity_cols {
            let Some((udt, nullable)) = db.columns.get(*col) else {
                problems.push(format!(
                    "{t}.{col}: entity field has no column in the table"
                ));
                continue;
            };
            let ty = def.get_column_type();
            if !pg_types(ty).contains(&udt.as_str()) {
                problems.push(format!(
                    "{t}.{col}: table has `{udt}`, entity has {ty:?} (which stands for {:?})",
                    pg_types(ty)
                ));
            }
            if def.is_null() != *nullable {
                problems.push(format!(
                    "{t}.{col}: table says {}, entity says {}",
                    if *nullable { "NULL" } else { "NOT NULL" },
                    if def.is_null() {
                        "Option<_>"
                    } else {
                        "not Option<_>"
                    },
                ));
            }
        }

        // (c) primary key, in key order
        let entity_pk: Vec<&str> = info.primary_key.clone();
        let db_pk: Vec<&str> = db.primary_key.iter().map(String::as_str).collect();
        if entity_pk != db_pk {
            problems.push(format!(
                "{t}: primary key is ({}) in the table, ({}) in the entity",
                db_pk.join(", "),
                entity_pk.join(", ")
            ));
        }

        // (d) enums: exactly the CHECK's values; every closed set has an enum
        let enums: BTreeMap<&str, _> = info.enums.iter().map(|e| (e.column, e)).collect();
        for (col, allowed) in &db.closed_sets {
            let Some(e) = enums.get(col.as_str()) else {
                problems.push(format!(
                    "{t}.{col}: a CHECK allows only {allowed:?}, but the entity field is no ActiveEnum \
                     (or is not listed in entities::tables)"
                ));
                continue;
            };
            let values: BTreeSet<String> = e.values.iter().cloned().collect();
            if values.len() != e.values.len() {
                problems.push(format!("{t}.{col}: {} repeats a value", e.rust_type));
            }
            if &values != allowed {
                problems.push(format!(
                    "{t}.{col}: the CHECK allows {allowed:?}, {} has {values:?} \
                     (missing: {:?}, extra: {:?})",
                    e.rust_type,
                    allowed.difference(&values).collect::<Vec<_>>(),
                    values.difference(allowed).collect::<Vec<_>>(),
                ));
            }
        }
        for e in &info.enums {
            // serde names are the database values, so JSON and rows agree
            for (value, json) in e.values.iter().zip(&e.serialized) {
                if json.as_str() != Some(value.as_str()) {
                    problems.push(format!(
                        "{t}.{}: {} serialises {value:?} as {json}",
                        e.column, e.rust_type
                    ));
                }
            }
        }
    }
    problems
}

#[tokio::test]
async fn entities_match_the_migrated_database() {
    let name = format!(
        "entities_check_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    );
    let admin = Database::connect(format!("{PG_BASE}/postgres"))
        .await
        .expect("connect to postgres");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create scratch database");

    let db = Database::connect(format!("{PG_BASE}/{name}"))
        .await
        .expect("connect to scratch database");
    let migrated = Migrator::up(&db, None).await;
    let schema = match &migrated {
        Ok(()) => Some(read_schema(&db).await),
        Err(_) => None,
    };
    // A value outside an enum is an error when read, not a default.
    let probe = rows(
        &db,
        "SELECT 'refunded'::text AS status, 'open'::text AS known",
    )
    .await;
    let unknown = probe[0].try_get::<entities::pos_tickets::TicketStatus>("", "status");
    let known = probe[0].try_get::<entities::pos_tickets::TicketStatus>("", "known");
    db.close().await.expect("close scratch database");
    admin
        .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .await
        .expect("drop scratch database");
    admin.close().await.expect("close admin connection");

    migrated.expect("migrate scratch database");
    assert!(unknown.is_err(), "an unknown status read as {unknown:?}");
    assert_eq!(known.ok(), Some(entities::pos_tickets::TicketStatus::Open));
    let schema = schema.expect("schema read");
    // A sanity floor: a broken catalogue query must not pass as "no drift".
    assert!(
        schema.len() >= 42
            && schema
                .values()
                .all(|t| !t.columns.is_empty() && !t.primary_key.is_empty()),
        "the catalogue queries found too little: {:?}",
        schema.keys().collect::<Vec<_>>()
    );
    assert!(
        schema.values().map(|t| t.closed_sets.len()).sum::<usize>() >= 21,
        "the CHECK parser found too few closed sets"
    );

    let problems = drift(&schema);
    assert!(
        problems.is_empty(),
        "entities and migrations disagree ({}):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}

/// The comparison itself notices drift (so a green run means something).
#[test]
fn drift_is_reported_by_table_and_column() {
    let mut db = BTreeMap::new();
    for info in entities::tables() {
        let mut table = DbTable {
            primary_key: info.primary_key.iter().map(|c| c.to_string()).collect(),
            ..DbTable::default()
        };
        for (col, def) in &info.columns {
            let udt = pg_types(def.get_column_type())
                .first()
                .copied()
                .unwrap_or("?");
            table
                .columns
                .insert(col.to_string(), (udt.to_owned(), def.is_null()));
        }
        for e in &info.enums {
            table
                .closed_sets
                .insert(e.column.to_owned(), e.values.iter().cloned().collect());
        }
        db.insert(info.table.to_owned(), table);
    }
    assert_eq!(
        drift(&db),
        Vec::<String>::new(),
        "a faithful copy has no drift"
    );

    let tickets = db.get_mut("pos_tickets").unwrap();
    tickets
        .columns
        .insert("table_number".into(), ("int4".into(), true));
    tickets.columns.get_mut("label").unwrap().1 = false;
    tickets.columns.get_mut("number").unwrap().0 = "int8".into();
    tickets.primary_key = vec!["id".into()];
    tickets
        .closed_sets
        .get_mut("status")
        .unwrap()
        .insert("refunded".into());
    db.get_mut("pos_payments").unwrap().closed_sets.insert(
        "currency".into(),
        ["EUR".to_owned(), "USD".to_owned()].into(),
    );
    db.insert("loyalty_cards".into(), DbTable::default());
    db.remove("stock_levels");

    let problems = drift(&db).join("\n");
    for expected in [
        "pos_tickets.table_number: column missing from the entity",
        "pos_tickets.label: table says NOT NULL, entity says Option<_>",
        "pos_tickets.number: table has `int8`",
        "pos_tickets: primary key is (id) in the table, (tenant_id, id) in the entity",
        "pos_tickets.status: the CHECK allows",
        "missing: [\"refunded\"]",
        "pos_payments.currency: a CHECK allows only",
        "loyalty_cards: table has no entity",
        "stock_levels: entity has no table",
    ] {
        assert!(
            problems.contains(expected),
            "expected {expected:?} in:\n{problems}"
        );
    }
}
