//! A tour of the MicroCeph API through `microceph-client`, run by `cargo xtask demo` against `fake-microceph`.
//!
//! Each step prints the request the client sends, as the equivalent `curl --unix-socket` command, and then what came back.
//! Failures are part of the tour: they show MicroCeph's own error text and the kind the client classifies it as.

#![expect(
    clippy::print_stdout,
    reason = "the tour is meant to be read on a terminal"
)]

use std::path::PathBuf;

use microceph_client::{
    Client, DisableRequest, EnableRequest, Error, NfsParams, RestartService, RgwParams,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let socket = socket_from_args();
    let client = Client::unix(&socket);
    let tour = Tour {
        socket: socket.display().to_string(),
    };

    tour.step("Is the daemon there?", "GET", "/core/1.0", None);
    let info = client.server_info().await?;
    println!(
        "member {} at {}, ready: {}",
        info.name, info.address, info.ready
    );

    tour.step(
        "Cluster members (what `ceph orch host ls` will show)",
        "GET",
        "/core/1.0/cluster",
        None,
    );
    for member in client.cluster_members().await? {
        println!(
            "{:<8} {:<16} {:<8} {}",
            member.name,
            member.address,
            member.role,
            member.status.as_str()
        );
    }

    tour.step(
        "Placed services (what `ceph orch ps` will show)",
        "GET",
        "/1.0/services",
        None,
    );
    print_services(&client).await?;

    tour.step("OSD disks", "GET", "/1.0/disks", None);
    for disk in client.disks(None).await? {
        println!("osd.{:<3} {:<8} {}", disk.osd, disk.location, disk.path);
    }

    tour.step(
        "Block devices of node2, through MicroCeph's ?target= forwarding",
        "GET",
        "/1.0/resources?target=node2",
        None,
    );
    for device in client.resources(Some("node2")).await?.disks {
        println!(
            "{:<5} {:>6} GiB  {}",
            device.id,
            device.size >> 30,
            device.stable_path()
        );
    }

    writes(&client, &tour).await
}

/// The steps that change the cluster, and the failures MicroCeph answers with.
async fn writes(client: &Client, tour: &Tour) -> Result<(), Error> {
    let rgw = EnableRequest::Rgw {
        params: RgwParams {
            port: 8080,
            ssl: None,
        },
        wait: true,
    };
    let rgw_body = r#"{"name":"rgw","bool":true,"payload":"{\"Port\":8080,\"SSLPort\":0,\"SSLCertificate\":\"\",\"SSLPrivateKey\":\"\"}"}"#;
    tour.step(
        "Enable RGW on node2 and wait for it",
        "PUT",
        "/1.0/services/rgw?target=node2",
        Some(rgw_body),
    );
    outcome(client.enable_service(Some("node2"), &rgw).await);

    tour.step(
        "The same again: MicroCeph's enable is not idempotent",
        "PUT",
        "/1.0/services/rgw?target=node2",
        Some(rgw_body),
    );
    outcome(client.enable_service(Some("node2"), &rgw).await);

    tour.step(
        "A member that does not exist",
        "PUT",
        "/1.0/services/rgw?target=node9",
        Some(rgw_body),
    );
    outcome(client.enable_service(Some("node9"), &rgw).await);

    let nfs = EnableRequest::Nfs {
        params: NfsParams::new("foo"),
        wait: true,
    };
    let nfs_body = r#"{"name":"nfs","bool":true,"payload":"{\"cluster_id\":\"foo\",\"v4_min_version\":1,\"bind_address\":\"0.0.0.0\",\"bind_port\":2049}"}"#;
    tour.step(
        "Enable an NFS cluster `foo` on node3",
        "PUT",
        "/1.0/services/nfs?target=node3",
        Some(nfs_body),
    );
    outcome(client.enable_service(Some("node3"), &nfs).await);

    tour.step("Placed services now", "GET", "/1.0/services", None);
    print_services(client).await?;

    tour.step(
        "Restart RGW on node2",
        "POST",
        "/1.0/services/restart?target=node2",
        Some(r#"[{"service":"rgw"}]"#),
    );
    outcome(
        client
            .restart_services(Some("node2"), &[RestartService::Rgw])
            .await,
    );

    tour.step(
        "Restart MGR: MicroCeph has no restart handler for it",
        "POST",
        "/1.0/services/restart?target=node1",
        Some(r#"[{"service":"mgr"}]"#),
    );
    outcome(
        client
            .restart_services(Some("node1"), &[RestartService::Mgr])
            .await,
    );

    tour.step(
        "Disable RGW on node2",
        "DELETE",
        "/1.0/services/rgw?target=node2",
        None,
    );
    outcome(
        client
            .disable_service(Some("node2"), &DisableRequest::Rgw)
            .await,
    );

    tour.step(
        "Disable it again",
        "DELETE",
        "/1.0/services/rgw?target=node2",
        None,
    );
    outcome(
        client
            .disable_service(Some("node2"), &DisableRequest::Rgw)
            .await,
    );

    let remove_nfs = DisableRequest::Nfs {
        cluster_id: "foo".to_owned(),
    };
    tour.step(
        "Disable the NFS cluster on node3",
        "DELETE",
        "/1.0/services/nfs?target=node3",
        Some(r#"{"cluster_id":"foo"}"#),
    );
    outcome(client.disable_service(Some("node3"), &remove_nfs).await);
    Ok(())
}

/// Prints each step as the `curl` command that sends the same request.
struct Tour {
    socket: String,
}

impl Tour {
    fn step(&self, title: &str, method: &str, path_and_query: &str, body: Option<&str>) {
        println!("\n# {title}");
        let data = body.map(|body| format!(" -d '{body}'")).unwrap_or_default();
        println!(
            "$ curl --unix-socket {} -X {method} 'http://localhost{path_and_query}'{data}",
            self.socket
        );
    }
}

async fn print_services(client: &Client) -> Result<(), Error> {
    for service in client.services(None).await? {
        let group = if service.group_id.is_empty() {
            String::new()
        } else {
            format!(" ({})", service.group_id)
        };
        println!(
            "{:<14} {}{group}",
            service.service.as_str(),
            service.location
        );
    }
    Ok(())
}

fn outcome<T>(result: Result<T, Error>) {
    match result {
        Ok(_) => println!("ok"),
        Err(error) => {
            let status = error
                .status()
                .map_or_else(|| "-".to_owned(), |status| status.to_string());
            println!(
                "error (HTTP {status}, kind {:?}): {}",
                error.kind(),
                error.api_message().unwrap_or("no API message")
            );
        }
    }
}

fn socket_from_args() -> PathBuf {
    let mut args = std::env::args().skip(1);
    match (args.next().as_deref(), args.next()) {
        (Some("--socket"), Some(path)) => PathBuf::from(path),
        _ => PathBuf::from(Client::DEFAULT_SOCKET_PATH),
    }
}
