//! Offboarding on a controllable clock: a business's data stays until its
//! deletion is due, and goes then only once its final backup is written;
//! the final backup, the audit trail and the tenant's tombstone stay.

use crate::harness::Cafe;
use chrono::{DateTime, Duration, Utc};
use kernel::{Clock, RequestContext};
use schema::backups::offboarding::purge_due;
use sea_orm::{ConnectionTrait, FromQueryResult, Statement};

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn scheduler(now: DateTime<Utc>) -> RequestContext {
    RequestContext::system("offboarding-test").with_clock(Clock::Fixed(now))
}

#[derive(FromQueryResult)]
struct Left {
    items: i64,
    exports: i64,
    deleted: bool,
}

async fn left(cafe: &Cafe) -> Left {
    let tx = cafe.db.system_tx().await.unwrap();
    let left = Left::find_by_statement(Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        "SELECT (SELECT count(*) FROM menu_items WHERE tenant_id = $1) AS items,
                (SELECT count(*) FROM exports WHERE tenant_id = $1) AS exports,
                (SELECT deleted_at IS NOT NULL FROM tenants WHERE id = $1) AS deleted",
        [cafe.tenant.as_uuid().into()],
    ))
    .one(&tx)
    .await
    .unwrap()
    .unwrap();
    tx.commit().await.unwrap();
    left
}

async fn run(cafe: &Cafe, sql: &str, values: Vec<sea_orm::Value>) {
    let tx = cafe.db.system_tx().await.unwrap();
    tx.execute_raw(Statement::from_sql_and_values(
        sea_orm::DbBackend::Postgres,
        sql,
        values,
    ))
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn data_goes_when_the_retention_ends_and_only_after_the_final_backup() {
    let cafe = Cafe::open().await;
    let dir = std::env::temp_dir().join(format!("offboarding-{}", uuid::Uuid::new_v4().simple()));
    let due = at("2027-02-01T00:00:00Z");
    let backup = uuid::Uuid::now_v7();
    let t = cafe.tenant.as_uuid();
    // Another export, whose row goes with the rest.
    run(
        &cafe,
        "INSERT INTO exports (tenant_id, id, kind, status, progress, created_at)
         VALUES ($1, $2, 'tenant_backup', 'running', 50, now()), ($1, $3, 'users_csv', 'completed', 100, now())",
        vec![t.into(), backup.into(), uuid::Uuid::now_v7().into()],
    )
    .await;
    run(
        &cafe,
        "UPDATE tenants SET status = 'suspended', deletion_due_at = $2, final_backup_id = $3 WHERE id = $1",
        vec![t.into(), due.into(), backup.into()],
    )
    .await;

    // Before it is due: nothing.
    let n = purge_due(&cafe.db, &dir, &scheduler(due - Duration::minutes(1)))
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(left(&cafe).await.items, 3);
    // Due, but the final backup is still being written: nothing.
    let n = purge_due(&cafe.db, &dir, &scheduler(due + Duration::minutes(1)))
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(left(&cafe).await.items, 3);
    // Marked written, but its file is not there: nothing (the row alone
    // is no proof).
    run(
        &cafe,
        "UPDATE exports SET status = 'completed', progress = 100 WHERE id = $1",
        vec![backup.into()],
    )
    .await;
    let n = purge_due(&cafe.db, &dir, &scheduler(due + Duration::minutes(1)))
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(left(&cafe).await.items, 3);
    // Written for real: everything but the final backup goes, the tombstone stays.
    let file = dir.join(t.to_string()).join(format!("{backup}.json"));
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let doc = serde_json::json!({
        "format": schema::backups::FORMAT, "exportedAt": due, "migration": "any",
        "tenant": {"id": t, "slug": "cafe", "name": "Test Café"},
        "excluded": {"tables": [], "columns": {}},
        "manifest": [{"table": "menu_items", "share": "BUSINESS", "rows": 3, "sha256": "x"}],
        "tables": {},
    });
    std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
    let n = purge_due(&cafe.db, &dir, &scheduler(due + Duration::minutes(1)))
        .await
        .unwrap();
    assert_eq!(n, 1);
    let after = left(&cafe).await;
    assert_eq!((after.items, after.exports, after.deleted), (0, 1, true));
    // Once: the next tick finds nothing.
    let n = purge_due(&cafe.db, &dir, &scheduler(due + Duration::minutes(2)))
        .await
        .unwrap();
    assert_eq!(n, 0);
}
