//! The job queue against a real Redis: dead letters, dedupe, takeover.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use jobs::queue::{Category, Job, Queue, QueueConfig};
use jobs::worker::{Handler, HandlerFuture, Registry, Worker};
use kernel::AppError;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use tokio_util::sync::CancellationToken;

fn queue() -> Queue {
    let pool = deadpool_redis::Config::from_url("redis://127.0.0.1:6379")
        .create_pool(Some(deadpool_redis::Runtime::Tokio1))
        .unwrap();
    let mut config = QueueConfig::new(format!("test:{}:", uuid::Uuid::new_v4().simple()));
    config.backoff_base = Duration::from_millis(10);
    config.backoff_max = Duration::from_millis(50);
    config.visibility_timeout = Duration::from_secs(3);
    let blocking = jobs::queue::blocking_pool("redis://127.0.0.1:6379", 8).unwrap();
    Queue::new(pool, blocking, config)
}

/// Counts runs; fails, succeeds, or hangs as told.
struct Probe {
    runs: Arc<AtomicU32>,
    mode: &'static str,
}

impl Handler for Probe {
    fn handle<'a>(&'a self, _job: &'a Job) -> HandlerFuture<'a> {
        Box::pin(async move {
            let n = self.runs.fetch_add(1, Ordering::SeqCst) + 1;
            match self.mode {
                "fail" => Err(AppError::internal("poison")),
                "hang-first" if n == 1 => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok(())
                }
                _ => Ok(()),
            }
        })
    }
}

#[track_caller]
fn until(check: impl AsyncFnMut() -> bool) -> impl Future<Output = ()> {
    let caller = std::panic::Location::caller();
    wait_for(check, caller)
}

async fn wait_for(
    mut check: impl AsyncFnMut() -> bool,
    caller: &'static std::panic::Location<'static>,
) {
    for _ in 0..400 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("condition at {caller} not reached in 20 s");
}

fn start(
    queue: &Queue,
    runs: &Arc<AtomicU32>,
    mode: &'static str,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let registry = Registry::new().handler(
        "probe",
        Probe {
            runs: runs.clone(),
            mode,
        },
    );
    let shutdown = CancellationToken::new();
    let worker = Worker::new(queue.clone(), registry);
    let handle = tokio::spawn(worker.run(shutdown.clone(), Duration::from_millis(200)));
    (shutdown, handle)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_job_ends_in_dead_letters_after_its_attempts() {
    let queue = queue();
    let runs = Arc::new(AtomicU32::new(0));
    let (shutdown, handle) = start(&queue, &runs, "fail");
    let job = Job::new(Category::EmailSend, "probe", None, json!({"to": "x"})).max_attempts(3);
    assert!(queue.enqueue(&job).await.unwrap());
    until(async || queue.dead_jobs().await.unwrap().len() == 1).await;
    let dead = queue.dead_jobs().await.unwrap().remove(0);
    assert_eq!(dead.job.id, job.id);
    assert_eq!(dead.job.attempts, 3);
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "exactly its attempts, then no more"
    );
    assert!(dead.job.last_error.unwrap().contains("poison"));

    // A superadmin retries it: it runs again (and dies again), then discards it.
    queue.retry_dead(job.id).await.unwrap();
    until(async || runs.load(Ordering::SeqCst) == 6 && queue.dead_jobs().await.unwrap().len() == 1)
        .await;
    queue.discard_dead(job.id).await.unwrap();
    assert!(queue.dead_jobs().await.unwrap().is_empty());
    assert_eq!(
        queue.discard_dead(job.id).await.unwrap_err().code(),
        kernel::ErrorCode::NotFound
    );
    shutdown.cancel();
    handle.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dedupe_keys_hold_under_concurrent_enqueues() {
    let queue = queue();
    let tenant = uuid::Uuid::now_v7();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let queue = queue.clone();
        tasks.push(tokio::spawn(async move {
            let job = Job::new(Category::ReportExport, "probe", Some(tenant), json!({}))
                .dedupe("daily-report:2026-11-24");
            queue.enqueue(&job).await.unwrap()
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        accepted += u32::from(t.await.unwrap());
    }
    assert_eq!(accepted, 1);
    let depths = queue.depths().await.unwrap();
    let waiting = depths
        .iter()
        .find(|(c, _, _)| *c == Category::ReportExport)
        .unwrap()
        .1;
    assert_eq!(waiting, 1);
    // Another tenant's same business key is a different job.
    let other = Job::new(
        Category::ReportExport,
        "probe",
        Some(uuid::Uuid::now_v7()),
        json!({}),
    )
    .dedupe("daily-report:2026-11-24");
    assert!(queue.enqueue(&other).await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_whose_worker_died_is_taken_over() {
    let queue = queue();
    let runs = Arc::new(AtomicU32::new(0));
    // The first worker runs on a runtime of its own, takes the job and hangs;
    // then that runtime is torn down: every task of the worker dies at once,
    // as in a crash, and nothing is acknowledged.
    let doomed = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    {
        let (queue, runs) = (queue.clone(), runs.clone());
        doomed.spawn(async move {
            let _worker = start(&queue, &runs, "hang-first");
            std::future::pending::<()>().await;
        });
    }
    queue
        .enqueue(&Job::new(Category::BackupRun, "probe", None, json!({})))
        .await
        .unwrap();
    until(async || runs.load(Ordering::SeqCst) == 1).await;
    doomed.shutdown_background();
    // A second worker takes it over after the visibility timeout and finishes it.
    let (shutdown, second) = start(&queue, &runs, "hang-first");
    until(async || runs.load(Ordering::SeqCst) == 2).await;
    until(async || {
        let depths = queue.depths().await.unwrap();
        depths
            .iter()
            .all(|(_, waiting, in_flight)| *waiting == 0 && *in_flight == 0)
    })
    .await;
    assert!(queue.dead_jobs().await.unwrap().is_empty());
    shutdown.cancel();
    second.await.unwrap();
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "ran once more, not again and again"
    );
}
