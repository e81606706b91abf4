//! Request and response types for every endpoint the client speaks, one submodule per area.
//!
//! Response types derive `Deserialize` with serde defaults wherever MicroCeph or LXD may omit a field, and they tolerate Go's `null` for an empty list, so that a missing optional field never fails a whole listing.
//! Request types do not derive `Serialize`: each builds its exact wire JSON in one method, which keeps quirks such as the `"bool"` wait key and the JSON-in-a-string `payload` visible in one place.

mod base64;
mod cluster;
mod disk;
mod request;
mod service;

pub use cluster::{ClusterMember, MemberStatus, ServerInfo};
pub use disk::{BlockDevice, DiskPartition, OsdDisk, Resources};
pub use request::{DisableRequest, EnableRequest, NfsParams, RestartService, RgwParams, RgwSsl};
pub use service::{
    InvalidNfsInfo, NfsInfo, ParseServiceError, PlainService, ServiceInstance, ServiceType,
};

use serde::{Deserialize, Deserializer};

/// Deserializes a list that Go may encode as `null` when it is empty.
pub(crate) fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<Vec<T>>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// Deserializes microcluster's extension list, which is a bare string when it has exactly one element, an array otherwise, and possibly `null`.
fn string_or_list<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }

    Ok(match Option::<OneOrMany>::deserialize(deserializer)? {
        None => Vec::new(),
        Some(OneOrMany::One(one)) => vec![one],
        Some(OneOrMany::Many(many)) => many,
    })
}
