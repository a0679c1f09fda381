//! Liveness (the process answers) and readiness (its dependencies answer).

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;
use redis::AsyncCommands as _;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn live() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn check<F, E>(name: &str, probe: F) -> (bool, Value)
where
    F: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let start = Instant::now();
    let (ok, error) = match tokio::time::timeout(CHECK_TIMEOUT, probe).await {
        Ok(Ok(())) => (true, None),
        Ok(Err(err)) => {
            // The detail (host, port, driver text) goes to the log, not the response.
            tracing::warn!(dependency = name, error = %err, "readiness check failed");
            (false, Some("unreachable"))
        }
        Err(_) => {
            tracing::warn!(dependency = name, "readiness check timed out");
            (false, Some("timeout"))
        }
    };
    let mut report = json!({ "ok": ok, "latencyMs": start.elapsed().as_millis() as u64 });
    if let Some(error) = error {
        report["error"] = json!(error);
    }
    (ok, report)
}

pub async fn ready(State(state): State<AppState>) -> Response {
    let redis_probe = async {
        let mut conn = state
            .services
            .redis
            .get()
            .await
            .map_err(|e| e.to_string())?;
        let _: String = conn.ping().await.map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    };
    let ((pg_ok, pg), (redis_ok, redis)) = tokio::join!(
        check("postgres", state.services.db.ping()),
        check("redis", redis_probe)
    );
    let shutting_down = state.shutdown.is_cancelled();
    let mut failing: Vec<&str> = Vec::new();
    if !pg_ok {
        failing.push("postgres");
    }
    if !redis_ok {
        failing.push("redis");
    }
    let ready = failing.is_empty() && !shutting_down;
    let status = if shutting_down {
        "shutting_down"
    } else if ready {
        "ready"
    } else {
        "not_ready"
    };
    let mut body = json!({
        "status": status,
        "failing": failing,
        "checks": { "postgres": pg, "redis": redis },
    });
    if pg_ok {
        // Planned downtime is not unreadiness: the instance serves reads,
        // and says which writes wait and until when.
        let ctx = kernel::RequestContext::system("health");
        match tokio::time::timeout(
            CHECK_TIMEOUT,
            schema::maintenance::running(&state.services.db, &ctx),
        )
        .await
        {
            Ok(Ok(windows)) => {
                body["maintenance"] = json!(windows
                    .iter()
                    .map(|w| json!({ "id": w.id, "title": w.title, "modules": w.modules, "endsAt": w.ends_at }))
                    .collect::<Vec<_>>());
            }
            Ok(Err(err)) => tracing::warn!(error = %err, "maintenance windows unreadable"),
            Err(_) => tracing::warn!("maintenance windows read timed out"),
        }
    }
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body)).into_response()
}
