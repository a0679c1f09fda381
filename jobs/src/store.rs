//! Every statement of the jobs crate: the outbox (recording, the relay's
//! claim, sequencing and marking, subscribers' replay), consumers'
//! `consumed_events`, and maintenance. The relay's statements are
//! Postgres-specific (`FOR UPDATE SKIP LOCKED`, upserts, `unnest`) and keep
//! the database's clock: they order and pace delivery, they are not domain time.

use crate::envelope::Envelope;
use crate::outbox::NewEvent;
use chrono::{DateTime, Utc};
use entities::event_outbox::{ActiveModel, Entity, OutboxStatus};
use kernel::db::sql;
use kernel::{AppError, AppResult, EventId, TenantId};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, FromQueryResult};
use serde_json::Value;
use uuid::Uuid;

/// An `event_outbox` row, as the relay claims it and subscribers replay it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct OutboxRow {
    pub id: Uuid,
    pub tenant_id: Option<Uuid>,
    pub event_type: String,
    pub entity_id: Option<String>,
    pub entity_version: i64,
    pub payload: Value,
    pub occurred_at: DateTime<Utc>,
    pub attempts: i32,
    pub sequence: Option<i64>,
}

impl OutboxRow {
    pub fn envelope(&self) -> Envelope {
        Envelope {
            event_id: self.id,
            tenant_id: self.tenant_id,
            event_type: self.event_type.clone(),
            entity_id: self.entity_id.clone(),
            version: self.entity_version,
            occurred_at: self.occurred_at,
            sequence: self.sequence,
            data: self.payload.clone(),
        }
    }
}

/// A pending event, due at once.
pub(crate) async fn insert_event(
    conn: &impl ConnectionTrait,
    id: EventId,
    tenant: Option<TenantId>,
    event: NewEvent,
    at: DateTime<Utc>,
) -> AppResult<()> {
    Entity::insert(ActiveModel {
        id: Set(id.as_uuid()),
        tenant_id: Set(tenant.map(|t| t.as_uuid())),
        event_type: Set(event.event_type.to_owned()),
        entity_id: Set(Some(event.entity_id)),
        entity_version: Set(event.version),
        payload: Set(event.data),
        occurred_at: Set(at),
        status: Set(OutboxStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(at),
        last_error: Set(None),
        dispatched_at: Set(None),
        created_at: Set(at),
        sequence: Set(None),
        published_at: Set(None),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// One pending event per tenant of `tenants` (an operator's message to
/// many businesses), in one statement.
pub(crate) async fn insert_event_for_each(
    conn: &impl ConnectionTrait,
    tenants: &[TenantId],
    event: &NewEvent,
    at: DateTime<Utc>,
) -> AppResult<()> {
    if tenants.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = tenants.iter().map(|_| EventId::new().as_uuid()).collect();
    let tenants: Vec<Uuid> = tenants.iter().map(|t| t.as_uuid()).collect();
    conn.execute_raw(sql(
        "INSERT INTO event_outbox (id, tenant_id, event_type, entity_id, entity_version, payload,
                                   occurred_at, status, attempts, next_attempt_at, created_at)
         SELECT e.id, e.tenant_id, $3, $4, $5, $6, $7, 'pending', 0, $7, $7
         FROM unnest($1::uuid[], $2::uuid[]) AS e (id, tenant_id)",
        [
            ids.into(),
            tenants.into(),
            event.event_type.into(),
            event.entity_id.clone().into(),
            event.version.into(),
            event.data.clone().into(),
            at.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// Claims up to `limit` due pending events, oldest first, skipping rows
/// another transaction holds.
pub(crate) async fn claim_pending(
    conn: &impl ConnectionTrait,
    limit: i64,
) -> AppResult<Vec<OutboxRow>> {
    Ok(OutboxRow::find_by_statement(sql(
        "SELECT id, tenant_id, event_type, entity_id, entity_version, payload, occurred_at, attempts, sequence
         FROM event_outbox
         WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY created_at, id
         LIMIT $1
         FOR UPDATE SKIP LOCKED",
        [limit.into()],
    ))
    .all(conn)
    .await?)
}

#[derive(FromQueryResult)]
struct LastSequence {
    last_sequence: i64,
}

/// Advances the tenant's stream by `count` positions; returns the last one.
pub(crate) async fn advance_stream(
    conn: &impl ConnectionTrait,
    tenant: Uuid,
    count: i64,
) -> AppResult<i64> {
    Ok(LastSequence::find_by_statement(sql(
        "INSERT INTO tenant_event_streams (tenant_id, last_sequence) VALUES ($1, $2)
         ON CONFLICT (tenant_id) DO UPDATE
           SET last_sequence = tenant_event_streams.last_sequence + EXCLUDED.last_sequence, updated_at = now()
         RETURNING last_sequence",
        [tenant.into(), count.into()],
    ))
    .one(conn)
    .await?
    .ok_or_else(|| AppError::internal("sequence upsert returned nothing"))?
    .last_sequence)
}

/// Gives each event its stream position.
pub(crate) async fn set_sequences(
    conn: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    sequences: Vec<i64>,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE event_outbox o SET sequence = s.seq
         FROM unnest($1::uuid[], $2::bigint[]) AS s(id, seq) WHERE o.id = s.id",
        [ids.into(), sequences.into()],
    ))
    .await?;
    Ok(())
}

pub(crate) async fn mark_dispatched(conn: &impl ConnectionTrait, ids: Vec<Uuid>) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE event_outbox SET status = 'dispatched', dispatched_at = now(), published_at = now(),
           attempts = attempts + 1, last_error = NULL
         WHERE id = ANY($1)",
        [ids.into()],
    ))
    .await?;
    Ok(())
}

/// Counts a failed attempt: retried after `delay_secs`, `failed` at `max_attempts`.
pub(crate) async fn mark_retry(
    conn: &impl ConnectionTrait,
    ids: Vec<Uuid>,
    error: String,
    delay_secs: f64,
    max_attempts: i32,
) -> AppResult<()> {
    conn.execute_raw(sql(
        "UPDATE event_outbox SET attempts = attempts + 1, last_error = $2,
           next_attempt_at = now() + make_interval(secs => $3),
           status = CASE WHEN attempts + 1 >= $4 THEN 'failed' ELSE 'pending' END
         WHERE id = ANY($1)",
        [
            ids.into(),
            error.into(),
            delay_secs.into(),
            max_attempts.into(),
        ],
    ))
    .await?;
    Ok(())
}

#[derive(FromQueryResult)]
pub(crate) struct Lag {
    pub lag: f64,
    pub failed: i64,
}

/// How old the oldest undelivered event is (seconds), and how many failed.
pub(crate) async fn lag(conn: &impl ConnectionTrait) -> AppResult<Lag> {
    Ok(Lag::find_by_statement(sql(
        "SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS lag,
                count(*) FILTER (WHERE status = 'failed') AS failed
         FROM event_outbox WHERE status IN ('pending', 'failed')",
        [],
    ))
    .one(conn)
    .await?
    .unwrap_or(Lag {
        lag: 0.0,
        failed: 0,
    }))
}

/// The tenant's sequenced events after position `after`, in order.
pub async fn events_after(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    after: i64,
    limit: i64,
) -> AppResult<Vec<OutboxRow>> {
    Ok(OutboxRow::find_by_statement(sql(
        "SELECT id, tenant_id, event_type, entity_id, entity_version, payload, occurred_at, attempts, sequence
         FROM event_outbox WHERE tenant_id = $1 AND sequence > $2 ORDER BY sequence LIMIT $3",
        [tenant.into(), after.into(), limit.into()],
    ))
    .all(conn)
    .await?)
}

/// The tenant's latest stream position (0 before its first event).
pub async fn stream_position(conn: &impl ConnectionTrait, tenant: TenantId) -> AppResult<i64> {
    use entities::tenant_event_streams::Entity as Streams;
    Ok(Streams::find_by_id(tenant.as_uuid())
        .one(conn)
        .await?
        .map_or(0, |s| s.last_sequence))
}

/// Records that `consumer` applied `event`; `false` if it already had.
pub(crate) async fn consume(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    consumer: &str,
    event: Uuid,
) -> AppResult<bool> {
    let inserted = conn
        .execute_raw(sql(
            "INSERT INTO consumed_events (tenant_id, consumer, event_id) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            [tenant.into(), consumer.into(), event.into()],
        ))
        .await?;
    Ok(inserted.rows_affected() == 1)
}

#[derive(FromQueryResult)]
struct Made {
    made: i32,
}

/// Creates the monthly `audit_events` partitions `months_ahead` ahead.
pub(crate) async fn ensure_audit_partitions(
    conn: &impl ConnectionTrait,
    months_ahead: i32,
) -> AppResult<i32> {
    Ok(Made::find_by_statement(sql(
        "SELECT ensure_audit_partitions($1) AS made",
        [months_ahead.into()],
    ))
    .one(conn)
    .await?
    .map_or(0, |r| r.made))
}

/// Deletes idempotency keys that expired before `now`.
pub(crate) async fn purge_idempotency_keys(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    use entities::idempotency_keys::{Column, Entity as Keys};
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(Keys::delete_many()
        .filter(Column::ExpiresAt.lt(now))
        .exec(conn)
        .await?
        .rows_affected)
}
