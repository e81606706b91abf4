//! Errors for inputs that cannot even be read, such as a malformed service name.
//!
//! A spec that can be read but not satisfied is not an error here: it becomes an error [`Finding`](crate::Finding) inside a [`Plan`](crate::Plan).
//! The planners turn these errors into findings, so callers meet them only when they parse names themselves.

use thiserror::Error;

/// Why a service type, service name or service id was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NameError {
    /// The name was empty.
    #[error("service name is empty")]
    Empty,
    /// The type is one Ceph knows but MicroCeph cannot run.
    #[error(
        "service type '{service_type}' is not supported by MicroCeph; supported types are: {supported}"
    )]
    UnsupportedType {
        /// The type as given.
        service_type: String,
        /// The supported types, comma-separated.
        supported: String,
    },
    /// The type is not a Ceph service type at all.
    #[error("unknown service type '{service_type}'; supported types are: {supported}")]
    UnknownType {
        /// The type as given.
        service_type: String,
        /// The supported types, comma-separated.
        supported: String,
    },
    /// The type needs a service id and none was given.
    #[error("service type '{service_type}' requires a service id, as in '{service_type}.{hint}'")]
    IdRequired {
        /// The service type.
        service_type: String,
        /// What the id stands for, such as `<cluster_id>`.
        hint: String,
    },
    /// The type takes no service id and the name carried one.
    #[error(
        "'{service_name}' is not a valid service name: only mds, rgw and nfs take a service id; use '{service_type}'"
    )]
    IdNotAllowed {
        /// The name as given.
        service_name: String,
        /// The service type, which is the whole name for this type.
        service_type: String,
    },
    /// The service id breaks Ceph's or MicroCeph's rules for that type.
    #[error("service id '{service_id}' is invalid: {rule}")]
    InvalidId {
        /// The id as given.
        service_id: String,
        /// The rule it breaks.
        rule: String,
    },
}
