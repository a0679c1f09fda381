//! The domain's part of background work: which consumers react to which
//! events and which handlers run which jobs. The server hands both to the
//! `jobs` runner, which knows no module.

use crate::services::Services;
use jobs::consumer::Consumers;
use jobs::worker::Registry;

/// Event consumers of every module.
pub fn consumers(_services: &Services) -> Consumers {
    Consumers::new()
}

/// Job handlers of every module (consumer jobs are added by the runner).
pub fn handlers(_services: &Services) -> Registry {
    Registry::new()
}
