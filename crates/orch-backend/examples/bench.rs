//! The Rust core's share of `cargo xtask bench`: the backend's verbs timed without Python or ceph-mgr.
//!
//! Run `cargo run --release -p orch-backend --example bench -- --cluster FILE [--cluster FILE...] [--runs 7] [--fast-runs 70] [--hop-latency-ms 2]`.
//! For each cluster description file (as `python -m bench cluster` writes them) it serves the cluster from an in-process `fake-microceph`, then prints one JSON line per case, in the shape of the Python driver's:
//! `device ls --refresh` (a full observation with the hop latency per proxied request), the four listings from the warm cache, and `plan_apply` of a spec that scales `mgr` down to three members, planned against the observed state.
//! The listings get no Ceph maps, so every daemon's liveness is unknown; the Python cases measure them with maps.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fake_microceph::{Cluster, Options, Server, Timing};
use orch_backend::{Config, DaemonFilter, ceph_view, daemons, hosts, inventory, services};
use serde_json::{Value, json};

/// Cases of fast runs stop after this long, with the runs they have (at least five).
const FAST_BUDGET: Duration = Duration::from_secs(5);

const LISTING_TARGET: &str = "median under 2 ms inside the module at 256 members with 10 daemons each; 0 socket calls from a fresh cache";
const REFRESH_TARGET: &str = "under 100 ms at 256 members with 2 ms per proxied hop; one call per cluster-wide list plus one per member";
const PLAN_TARGET: &str = "no target: the planner's share of an apply";

struct Settings {
    clusters: Vec<PathBuf>,
    runs: usize,
    fast_runs: usize,
    hop_latency: Duration,
}

fn main() -> Result<(), String> {
    let settings = parse(std::env::args().skip(1).collect())?;
    let directory = std::env::temp_dir().join(format!("orch-backend-bench-{}", std::process::id()));
    std::fs::create_dir_all(&directory).map_err(|error| error.to_string())?;
    let result = settings
        .clusters
        .iter()
        .enumerate()
        .try_for_each(|(index, file)| {
            let socket = directory.join(format!("{index}.socket"));
            measure_cluster(&settings, file, &socket)
        });
    let _ = std::fs::remove_dir_all(&directory);
    result
}

/// Every case on one cluster, served on `socket` for the time it takes.
fn measure_cluster(settings: &Settings, file: &Path, socket: &Path) -> Result<(), String> {
    let cluster = Cluster::load(file).map_err(|error| error.to_string())?;
    let params = params(&cluster);
    let options = Options {
        timing: Timing {
            hop_latency: settings.hop_latency,
            ..Timing::default()
        },
        ..Options::default()
    };
    let server = Server::start_blocking(socket, cluster, options).map_err(|e| e.to_string())?;
    let control = server.control().clone();
    let config = Config::from_json(&json!({"socket": socket}).to_string())
        .map_err(|error| error.to_string())?;
    let calls = || {
        let count = control.requests().len();
        control.clear_requests();
        count
    };
    let refresh_params = with(
        &params,
        "hop_latency_ms",
        settings.hop_latency.as_secs_f64() * 1e3,
    );
    let (samples, most) = repeat(settings.runs, None, &calls, || {
        inventory(&config, None, None, true).map(drop)
    })?;
    emit(
        "device ls --refresh",
        &refresh_params,
        &samples,
        Some(most),
        REFRESH_TARGET,
    );
    control.set_timing(Timing::default());
    measure_listings(settings, &config, &params, &calls)?;
    measure_plan(settings, &config, &params)?;
    drop(server);
    Ok(())
}

/// The four listings from the cache the refresh left.
fn measure_listings(
    settings: &Settings,
    config: &Config,
    params: &Value,
    calls: &dyn Fn() -> usize,
) -> Result<(), String> {
    let ceph = ceph_view();
    let filter = DaemonFilter::default();
    for case in ["ls", "ps", "host ls", "device ls"] {
        let listing = || match case {
            "ls" => services(config, "[]", None, None, false, &ceph),
            "ps" => daemons(config, "[]", &filter, false, &ceph),
            "host ls" => hosts(config, false),
            _ => inventory(config, None, None, false),
        };
        let (samples, most) = repeat(settings.fast_runs, Some(FAST_BUDGET), calls, || {
            listing().map(drop)
        })?;
        emit(case, params, &samples, Some(most), LISTING_TARGET);
    }
    Ok(())
}

/// `plan_apply` of `mgr` on three members, against the state observed now.
fn measure_plan(settings: &Settings, config: &Config, params: &Value) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    let observation = runtime
        .block_on(microceph_client::observe(&config.client()))
        .map_err(|error| error.to_string())?;
    let spec = orch_backend::parse_spec(&json!({"service_type": "mgr", "placement": {"count": 3}}))
        .map_err(|error| error.to_string())?
        .spec;
    let planned = orch_core::plan_apply(&spec, &[], &observation.state)
        .calls
        .len();
    let (samples, _) = repeat(settings.fast_runs, Some(FAST_BUDGET), &|| 0, || {
        drop(orch_core::plan_apply(&spec, &[], &observation.state));
        Ok::<(), String>(())
    })?;
    let plan_params = with(params, "planned_calls", planned);
    emit("plan_apply", &plan_params, &samples, None, PLAN_TARGET);
    Ok(())
}

/// Times `action` `runs` times, counting the socket calls of each run outside the timing; returns the samples in nanoseconds and the most calls of one run.
fn repeat<E: std::fmt::Display>(
    runs: usize,
    budget: Option<Duration>,
    calls: &dyn Fn() -> usize,
    mut action: impl FnMut() -> Result<(), E>,
) -> Result<(Vec<u128>, usize), String> {
    calls();
    let started = Instant::now();
    let (mut samples, mut most) = (Vec::new(), 0);
    for _ in 0..runs {
        let begin = Instant::now();
        action().map_err(|error| error.to_string())?;
        samples.push(begin.elapsed().as_nanos());
        most = most.max(calls());
        if budget.is_some_and(|budget| samples.len() >= 5 && started.elapsed() > budget) {
            break;
        }
    }
    Ok((samples, most))
}

/// The cluster's size in the Python driver's terms.
fn params(cluster: &Cluster) -> Value {
    let members = cluster.members.len();
    let first = cluster.members.first();
    let nfs = usize::from(!cluster.nfs_groups.is_empty());
    json!({
        "members": members,
        "services_per_member": first.map_or(0, |member| member.services.len() + nfs),
        "osds_per_member": first.map_or(0, |member| member.disks.len()),
    })
}

fn with(params: &Value, key: &str, value: impl Into<Value>) -> Value {
    let mut params = params.clone();
    params[key] = value.into();
    params
}

/// Prints one case line: median, 90th percentile (nearest rank) and maximum in milliseconds.
#[expect(
    clippy::print_stdout,
    reason = "the case lines are the example's output"
)]
#[expect(
    clippy::cast_precision_loss,
    reason = "nanosecond samples of a benchmark fit an f64's 52 bits"
)]
fn emit(case: &str, params: &Value, samples: &[u128], calls: Option<usize>, target: &str) {
    let mut ordered = samples.to_vec();
    ordered.sort_unstable();
    let count = ordered.len();
    let millis = |nanos: f64| (nanos / 1e2).round() / 1e4;
    let middle = count / 2;
    let median = if count % 2 == 1 {
        ordered[middle] as f64
    } else {
        (ordered[middle - 1] + ordered[middle]) as f64 / 2.0
    };
    let p90 = ordered[(count * 9).div_ceil(10).max(1) - 1] as f64;
    let calls = calls.map_or_else(String::new, |calls| format!(", \"socket_calls\": {calls}"));
    // Written by hand so the fields come in the order the Python driver writes them.
    println!(
        "{{\"case\": {}, \"module\": \"microceph-orch\", \"via\": \"core\", \"params\": {params}, \"unit\": \"ms\", \"median\": {}, \"p90\": {}, \"max\": {}, \"runs\": {count}{calls}, \"target\": {}}}",
        json!(case),
        millis(median),
        millis(p90),
        millis(ordered[count - 1] as f64),
        json!(target),
    );
}

fn parse(args: Vec<String>) -> Result<Settings, String> {
    let mut settings = Settings {
        clusters: Vec::new(),
        runs: 7,
        fast_runs: 70,
        hop_latency: Duration::from_millis(2),
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag} takes a number"))
        };
        match flag.as_str() {
            "--cluster" => settings.clusters.push(PathBuf::from(&value)),
            "--runs" => settings.runs = usize::try_from(number()?).map_err(|e| e.to_string())?,
            "--fast-runs" => {
                settings.fast_runs = usize::try_from(number()?).map_err(|e| e.to_string())?;
            }
            "--hop-latency-ms" => settings.hop_latency = Duration::from_millis(number()?),
            other => {
                return Err(format!(
                    "unknown flag {other}; accepted: --cluster, --runs, --fast-runs, --hop-latency-ms"
                ));
            }
        }
    }
    if settings.clusters.is_empty() || settings.runs == 0 || settings.fast_runs == 0 {
        return Err("give at least one --cluster FILE and runs above 0".to_owned());
    }
    Ok(settings)
}
