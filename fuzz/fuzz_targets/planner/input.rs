//! The `planner` target's input: a cluster, Ceph's maps, a spec, stored specs and names for the other verbs, built from the fuzzer's bytes through `orch-core`'s public types.
//!
//! Names are drawn mostly from a few usual and hostile ones, so that specs, services and members meet; any text and overlong names come too.

use std::collections::BTreeMap;

use arbitrary::Arbitrary;
use orch_core::{
    BlockDevice, CephView, Member, MemberStatus, MgrView, MonView, NfsInstance, NfsSettings,
    ObservedState, OsdDisk, OsdState, PlacedService, PlacementSpec, RgwSettings, ServiceSpec,
    ServiceType,
};

const USUAL: [&str; 4] = ["node1", "node2", "node3", "node4"];

const HOSTILE: [&str; 16] = [
    "",
    ".",
    "..",
    "a/b?c",
    "node1 ",
    " node1",
    "node1/..",
    "%2F",
    "x#y",
    "x&target=node2",
    "ñœud",
    "*",
    "[x",
    "node[12]",
    "a.b",
    "mon.node1",
];

/// A name: a usual member name, a hostile one, a long one or any text.
#[derive(Debug, Arbitrary)]
pub enum Name {
    Usual(u8),
    Hostile(u8),
    Long(u16),
    Any(String),
}

impl Name {
    pub fn text(&self) -> String {
        match self {
            Name::Usual(index) => USUAL[usize::from(*index) % USUAL.len()].to_owned(),
            Name::Hostile(index) => HOSTILE[usize::from(*index) % HOSTILE.len()].to_owned(),
            Name::Long(length) => "n".repeat(usize::from(*length) % 5000),
            Name::Any(text) => text.clone(),
        }
    }
}

#[derive(Debug, Arbitrary)]
pub struct Input {
    members: Vec<(Name, String, Status)>,
    services: Vec<(u8, Name, Option<NfsRow>)>,
    osds: Vec<(u64, Name, String)>,
    devices: Vec<(Name, Vec<Device>)>,
    ceph: Option<Ceph>,
    pub spec: Spec,
    pub stored: Vec<Spec>,
    pub service_name: ServiceNameText,
    pub daemon_name: String,
    pub action: String,
    pub force: bool,
}

/// An NFS instance's cluster id, bind address and port.
type NfsRow = (Name, String, u16);

#[derive(Debug, Arbitrary)]
enum Status {
    Online,
    Unreachable,
    Other(String),
}

#[derive(Debug, Arbitrary)]
struct Device {
    id: String,
    by_id: Option<String>,
    by_path: Option<String>,
    size: u64,
    read_only: bool,
    mounted: bool,
    rpm: u64,
    removable: bool,
    partitions: u32,
}

#[derive(Debug, Arbitrary)]
struct Ceph {
    quorum: Vec<Name>,
    mgrs: Vec<Name>,
    osds: Vec<(u64, bool, bool)>,
}

/// A service type as Ceph's spec gives it: mostly a known one.
#[derive(Debug, Arbitrary)]
pub enum TypeText {
    Known(u8),
    Osd,
    Any(String),
}

#[derive(Debug, Arbitrary)]
pub struct Spec {
    service_type: TypeText,
    service_id: Option<Name>,
    hosts: Vec<Name>,
    count: Option<u32>,
    host_pattern: Option<Name>,
    label: Option<String>,
    count_per_host: Option<u32>,
    unmanaged: bool,
    frontend_port: Option<u16>,
    ssl: bool,
    certificate_pem: Option<String>,
    realm: Option<String>,
    nfs_port: Option<u16>,
    nfs_bind_address: Option<String>,
    v4_min_version: Option<u32>,
}

/// A service name for `rm` and `restart`: a type, maybe with an id, or any text.
#[derive(Debug, Arbitrary)]
pub enum ServiceNameText {
    Typed(TypeText, Option<Name>),
    Any(String),
}

impl ServiceNameText {
    pub fn text(&self) -> String {
        match self {
            ServiceNameText::Typed(service_type, None) => service_type.text(),
            ServiceNameText::Typed(service_type, Some(id)) => {
                format!("{}.{}", service_type.text(), id.text())
            }
            ServiceNameText::Any(text) => text.clone(),
        }
    }
}

impl TypeText {
    fn text(&self) -> String {
        match self {
            TypeText::Known(index) => {
                let all = ServiceType::ALL;
                all[usize::from(*index) % all.len()].to_string()
            }
            TypeText::Osd => "osd".to_owned(),
            TypeText::Any(text) => text.clone(),
        }
    }
}

impl Spec {
    pub fn build(&self) -> ServiceSpec {
        ServiceSpec {
            service_type: self.service_type.text(),
            service_id: self.service_id.as_ref().map(Name::text),
            placement: PlacementSpec {
                hosts: self.hosts.iter().map(Name::text).collect(),
                count: self.count,
                host_pattern: self.host_pattern.as_ref().map(Name::text),
                label: self.label.clone(),
                count_per_host: self.count_per_host,
            },
            unmanaged: self.unmanaged,
            rgw: RgwSettings {
                frontend_port: self.frontend_port,
                ssl: self.ssl,
                certificate_pem: self.certificate_pem.clone(),
                realm: self.realm.clone(),
                ..RgwSettings::default()
            },
            nfs: NfsSettings {
                port: self.nfs_port,
                bind_address: self.nfs_bind_address.clone(),
                v4_min_version: self.v4_min_version,
            },
        }
    }
}

impl Input {
    /// The cluster exactly as the bytes describe it: duplicate members, services on non-members, OSD ids used twice.
    pub fn raw_state(&self) -> ObservedState {
        ObservedState {
            members: self
                .members
                .iter()
                .map(|(name, address, status)| Member {
                    name: name.text(),
                    address: address.clone(),
                    status: match status {
                        Status::Online => MemberStatus::Online,
                        Status::Unreachable => MemberStatus::Unreachable,
                        Status::Other(text) => MemberStatus::parse(text),
                    },
                })
                .collect(),
            services: self
                .services
                .iter()
                .map(|(service_type, member, nfs)| {
                    let all = ServiceType::ALL;
                    PlacedService {
                        service_type: all[usize::from(*service_type) % all.len()],
                        member: member.text(),
                        nfs: nfs.as_ref().map(|(cluster_id, bind_address, bind_port)| {
                            NfsInstance {
                                cluster_id: cluster_id.text(),
                                bind_address: bind_address.clone(),
                                bind_port: *bind_port,
                            }
                        }),
                    }
                })
                .collect(),
            osd_disks: self
                .osds
                .iter()
                .map(|(osd, member, path)| OsdDisk {
                    osd: *osd,
                    path: path.clone(),
                    member: member.text(),
                })
                .collect(),
            block_devices: self
                .devices
                .iter()
                .map(|(member, devices)| {
                    let devices = devices
                        .iter()
                        .map(|device| BlockDevice {
                            id: device.id.clone(),
                            device_path: device.by_path.clone().unwrap_or_default(),
                            device_id: device.by_id.clone().unwrap_or_default(),
                            size: device.size,
                            read_only: device.read_only,
                            mounted: device.mounted,
                            rpm: device.rpm,
                            removable: device.removable,
                            partitions: device.partitions,
                            ..BlockDevice::default()
                        })
                        .collect();
                    (member.text(), devices)
                })
                .collect(),
        }
    }

    /// The same cluster as MicroCeph could report it: each member once, each OSD id once, NFS bind information on NFS instances only, all bound alike.
    pub fn consistent_state(&self) -> ObservedState {
        let mut state = self.raw_state();
        let mut seen = std::collections::BTreeSet::new();
        state
            .members
            .retain(|member| seen.insert(member.name.clone()));
        let mut seen = std::collections::BTreeSet::new();
        state.osd_disks.retain(|disk| seen.insert(disk.osd));
        for placed in &mut state.services {
            placed.nfs = if placed.service_type == ServiceType::Nfs {
                let cluster_id = placed
                    .nfs
                    .as_ref()
                    .map_or_else(|| "alpha".to_owned(), |nfs| nfs.cluster_id.clone());
                Some(NfsInstance {
                    cluster_id,
                    bind_address: "0.0.0.0".to_owned(),
                    bind_port: 2049,
                })
            } else {
                None
            };
        }
        state
    }

    /// Ceph's maps, when the bytes say they were read.
    pub fn ceph(&self) -> CephView {
        let Some(ceph) = &self.ceph else {
            return CephView::default();
        };
        let names = |names: &[Name]| names.iter().map(Name::text).collect::<Vec<_>>();
        let mgrs = names(&ceph.mgrs);
        CephView {
            mons: Some(MonView {
                monmap: names(&ceph.quorum),
                quorum: names(&ceph.quorum),
                election_epoch: 1,
            }),
            mgrs: Some(MgrView {
                active: mgrs.first().cloned(),
                active_gid: 1,
                standbys: mgrs.iter().skip(1).cloned().collect(),
            }),
            osds: Some(
                ceph.osds
                    .iter()
                    .map(|&(id, up, is_in)| OsdState {
                        id,
                        up,
                        is_in,
                        up_from: 1,
                    })
                    .collect(),
            ),
            metadata: BTreeMap::new(),
            ..CephView::default()
        }
    }
}
