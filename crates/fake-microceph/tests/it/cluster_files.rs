//! The shipped example cluster files, and serving a cluster read from a file.

use std::path::PathBuf;

use fake_microceph::{Cluster, MemberStatus, Options};

use crate::support::Fake;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/clusters")
        .join(name)
}

#[test]
fn generated_examples_match_the_generator() {
    assert_eq!(
        Cluster::load(example("three-nodes.json")).unwrap(),
        Cluster::generate(3)
    );
    assert_eq!(
        Cluster::load(example("single.json")).unwrap(),
        Cluster::generate(1)
    );
}

#[test]
fn the_mixed_example_has_what_it_promises() {
    let cluster = Cluster::load(example("mixed.json")).unwrap();
    assert_eq!(cluster.members.len(), 5);
    let unreachable = cluster
        .members
        .iter()
        .filter(|member| member.status == MemberStatus::Unreachable);
    assert_eq!(unreachable.count(), 1);
    let with = |service: &str| {
        cluster
            .members
            .iter()
            .filter(|member| {
                member
                    .services
                    .iter()
                    .any(|placed| placed.as_str() == service)
            })
            .count()
    };
    assert_eq!(with("rgw"), 2);
    assert!(with("rbd-mirror") >= 1 && with("cephfs-mirror") >= 1);
    assert_eq!(cluster.nfs_groups.len(), 1);
    assert_eq!(cluster.nfs_groups[0].members.len(), 2);
    let devices: Vec<_> = cluster
        .members
        .iter()
        .flat_map(|member| &member.block_devices)
        .collect();
    assert!(devices.iter().any(|device| !device.partitions.is_empty()));
    assert!(devices.iter().any(|device| device.read_only));
    assert!(
        devices
            .iter()
            .any(|device| device.size == fake_microceph::GIB)
    );
    assert!(devices.iter().any(|device| device.mounted));
}

#[tokio::test]
async fn a_file_cluster_serves_its_members() {
    let fake = Fake::start_with(
        Cluster::load(example("mixed.json")).unwrap(),
        Options::default(),
    )
    .await;
    let rows = fake.service_rows().await;
    assert_eq!(rows.len(), 15);
    assert_eq!(
        rows[0],
        ("mds".to_owned(), "alpha".to_owned(), String::new())
    );
    assert_eq!(
        rows[13],
        (
            "nfs".to_owned(),
            "charlie".to_owned(),
            "nfs-east".to_owned()
        )
    );
    assert_eq!(
        rows[14],
        ("nfs".to_owned(), "echo".to_owned(), "nfs-east".to_owned())
    );
    fake.get("/1.0/resources?target=delta").await.assert_error(
        500,
        "Failed to send request to target \"delta\": Get \"https://10.1.0.14:7443/1.0/resources?target=delta\": \
         Unable to connect to \"10.1.0.14:7443\": dial tcp 10.1.0.14:7443: connect: connection refused",
    );
    let resources = fake.get("/1.0/resources?target=charlie").await.metadata();
    assert_eq!(resources["total"], 3);
    assert_eq!(resources["disks"][0]["partitions"][0]["id"], "vda1");
    assert!(
        resources["disks"][2].get("model").is_none(),
        "empty omitempty fields are left out"
    );
}

#[test]
fn invalid_files_name_the_problem() {
    let dir = crate::support::TempDir::new();
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"version": 1, "members": [{"name": "a", "address": "10.0.0.1:7443", "services": ["mon", "rgw", "mon"]},
            {"name": "b", "address": "nowhere"}]}"#,
    )
    .unwrap();
    assert_eq!(
        Cluster::load(&path).unwrap_err().to_string(),
        format!(
            "{}: member \"b\": address \"nowhere\" is not an ip:port address",
            path.display()
        )
    );
    std::fs::write(
        &path,
        r#"{"version": 1, "members": [{"name": "a", "address": "10.0.0.1:7443"}],
            "nfs_groups": [{"cluster_id": "grp", "members": [{"member": "a", "bind_port": 70000}]}]}"#,
    )
    .unwrap();
    assert_eq!(
        Cluster::load(&path).unwrap_err().to_string(),
        format!(
            "{}: nfs group \"grp\": bind_port 70000 of a is not in [1, 49151]",
            path.display()
        )
    );
    assert!(
        Cluster::load(dir.path().join("missing.json"))
            .unwrap_err()
            .to_string()
            .starts_with("cannot read ")
    );
}
