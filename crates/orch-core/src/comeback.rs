//! Whether a restarted daemon came back, judged from Ceph's maps before and after the restart.
//!
//! MicroCeph's restart endpoint answers once it has asked the snap to restart, and it skips services it has not placed on the host, so its success proves little.
//! Before restarting, the backend takes a [`Mark`] of each daemon; afterwards it compares the maps with it until every daemon [`Comeback::Returned`] or a deadline passes:
//!
//! - a mon is back when it is in quorum after a newer election than the one before the restart (every mon restart causes an election);
//! - an OSD is back when it is up with a newer `up_from` epoch;
//! - an RGW is back when the service map holds a registration from its host with another global id.
//!
//! A daemon Ceph had no record of before the restart cannot be confirmed, and says why at once.

use crate::ceph::CephView;
use crate::liveness::registration;
use crate::plan::{CallBody, PlannedCall};
use crate::service_type::ServiceType;
use crate::state::ObservedState;

/// What can be said of a restarted daemon now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comeback {
    /// Ceph shows the daemon restarted and working.
    Returned,
    /// Not yet: what is still missing.
    Waiting(String),
    /// It can never be confirmed: why.
    Unconfirmable(String),
}

/// What Ceph showed of a daemon before it was restarted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    /// A mon, and the election epoch before the restart.
    Mon {
        /// The election epoch.
        election_epoch: u64,
    },
    /// An OSD, and the epoch it had come up in.
    Osd {
        /// The `up_from` epoch.
        up_from: u64,
    },
    /// A daemon in the service map, and its global id (0 when it was not registered).
    Registered {
        /// The global id.
        gid: u64,
    },
    /// The restart cannot be confirmed: why.
    NoRecord(String),
}

/// The mark of the daemon `daemon_type.daemon_id` on `member`, before restarting it.
pub fn mark(ceph: &CephView, daemon_type: ServiceType, daemon_id: &str, member: &str) -> Mark {
    match daemon_type {
        ServiceType::Mon => match &ceph.mons {
            None => Mark::NoRecord("the monmap was not read".to_owned()),
            Some(mons) if !mons.monmap.iter().any(|name| name == daemon_id) => {
                Mark::NoRecord("Ceph has no record of it: it is not in the monmap".to_owned())
            }
            Some(mons) => Mark::Mon {
                election_epoch: mons.election_epoch,
            },
        },
        ServiceType::Osd => {
            let found = ceph.osds.as_ref().map(|osds| {
                daemon_id
                    .parse::<u64>()
                    .ok()
                    .and_then(|id| osds.iter().find(|osd| osd.id == id))
            });
            match found {
                None => Mark::NoRecord("the OSD map was not read".to_owned()),
                Some(None) => {
                    Mark::NoRecord("Ceph has no record of it: it is not in the OSD map".to_owned())
                }
                Some(Some(osd)) => Mark::Osd {
                    up_from: osd.up_from,
                },
            }
        }
        ServiceType::Rgw
        | ServiceType::RbdMirror
        | ServiceType::CephfsMirror
        | ServiceType::Nfs => match &ceph.service_daemons {
            None => Mark::NoRecord("the service map was not read".to_owned()),
            Some(daemons) => Mark::Registered {
                gid: registration(daemons, daemon_type, member).map_or(0, |daemon| daemon.gid),
            },
        },
        ServiceType::Mgr | ServiceType::Mds => {
            Mark::NoRecord(format!("MicroCeph does not restart {daemon_type} daemons"))
        }
    }
}

/// Whether the daemon marked `before` has come back in `ceph`.
pub fn comeback(
    before: &Mark,
    ceph: &CephView,
    daemon_type: ServiceType,
    daemon_id: &str,
    member: &str,
) -> Comeback {
    match before {
        Mark::NoRecord(why) => Comeback::Unconfirmable(why.clone()),
        Mark::Mon { election_epoch } => {
            let Some(mons) = &ceph.mons else {
                return Comeback::Waiting("the monmap was not read".to_owned());
            };
            if mons.election_epoch <= *election_epoch {
                Comeback::Waiting("no new mon election yet".to_owned())
            } else if mons.quorum.iter().any(|name| name == daemon_id) {
                Comeback::Returned
            } else {
                Comeback::Waiting("not back in quorum".to_owned())
            }
        }
        Mark::Osd { up_from } => {
            let osd = ceph.osds.as_ref().and_then(|osds| {
                daemon_id
                    .parse::<u64>()
                    .ok()
                    .and_then(|id| osds.iter().find(|osd| osd.id == id))
            });
            match osd {
                Some(osd) if osd.up && osd.up_from > *up_from => Comeback::Returned,
                Some(osd) if osd.up => {
                    Comeback::Waiting("still up since before the restart".to_owned())
                }
                _ => Comeback::Waiting("not up again".to_owned()),
            }
        }
        Mark::Registered { gid } => {
            let now = ceph
                .service_daemons
                .as_deref()
                .and_then(|daemons| registration(daemons, daemon_type, member));
            match now {
                Some(daemon) if daemon.gid != *gid => Comeback::Returned,
                Some(_) => Comeback::Waiting("still registered from before the restart".to_owned()),
                None => Comeback::Waiting("not registered in the service map again".to_owned()),
            }
        }
    }
}

/// The daemons a restart call acts on, as `(daemon_type, daemon_id)`: the member's mon or RGW, or every OSD MicroCeph records on it, since one snap service runs them all.
pub fn restarted_daemons(
    call: &PlannedCall,
    observed: &ObservedState,
) -> Vec<(ServiceType, String)> {
    let CallBody::Restart { services } = &call.body else {
        return Vec::new();
    };
    let mut daemons = Vec::new();
    for service_type in services {
        if *service_type == ServiceType::Osd {
            let mut osds: Vec<u64> = observed
                .osd_disks
                .iter()
                .filter(|disk| disk.member == call.target)
                .map(|disk| disk.osd)
                .collect();
            osds.sort_unstable();
            osds.dedup();
            daemons.extend(
                osds.into_iter()
                    .map(|osd| (ServiceType::Osd, osd.to_string())),
            );
        } else {
            daemons.push((*service_type, call.target.clone()));
        }
    }
    daemons
}
