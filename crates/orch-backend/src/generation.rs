//! Telling whether a listing built earlier is still what a listing would show now, without building it.
//!
//! The cache keeps generations that move whenever anything a listing shows may have changed: Ceph's maps (when an update differs from what was kept), and per socket the observation, the placement read after a write, and the services' events.
//! [`listing_token`] combines them with the socket and the stored specs the caller passes: two equal tokens mean a listing built for the first would be the same for the second, so the shim may answer again with the objects it built then.
//! A token is only ever compared for equality; it means nothing else.
//! While the cache is stale (a write changed the placement and could not read it back, see `cache.rs`) there is no token: a listing built before the write must not be answered again, and one built after it from the same cached observation is not worth keeping.

use std::hash::{DefaultHasher, Hash, Hasher};

use crate::cache;
use crate::config::Config;

/// The token of what a listing of the configured socket would show now, given the stored specs; `None` when nothing was observed yet, so a listing would have to observe, or while the cache is stale.
pub fn listing_token(config: &Config, stored_json: &str) -> Option<String> {
    if cache::is_stale(config) {
        return None;
    }
    let (ceph, observation) = cache::generations(config)?;
    let mut hasher = DefaultHasher::new();
    stored_json.hash(&mut hasher);
    config.socket.hash(&mut hasher);
    Some(format!("{ceph}.{observation}-{:016x}", hasher.finish()))
}
