//! `cargo xtask lab up|down|mgr`: a real ceph-mon and ceph-mgr that run our `microceph` module as
//! the orchestrator backend, over a `fake-microceph` cluster, without systemd and on loopback only.
//!
//! `lab up --ceph RELEASE` installs what is missing (`packages.rs`: Debian's Ceph on the host when
//! the host runs the release's suite, else a debootstrap chroot of that suite, `chroot.rs`, cached
//! outside the clone), builds the fake and the module, starts the fake (`fake.rs`), bootstraps and
//! starts one mon and one mgr (`cluster.rs`) over a merged module directory (`module_dir.rs`) that
//! holds our module and the orchestrator module patched by `snap/`, selects `microceph` as the
//! backend and waits until `ceph orch status` says it is available.
//!
//! Everything a lab owns lives in its directory: the Ceph configuration, keys, daemon data, logs,
//! the fake's socket, the processes' PID files (`pids/`) and the mounts it made (`mounts`), plus
//! `env` and `ceph` for people and scripts (`files.rs`). For a chroot lab the directory is
//! bind-mounted into the chroot at its own path, so every path in it means the same inside and
//! outside the chroot. `lab down` stops the processes by their PID files and unmounts the recorded
//! mounts (`processes.rs`, `mounts.rs`); a failing `lab up` does the same before it returns. An
//! interrupted `lab up` leaves what it started to `lab down`.
//!
//! `lab mgr start|stop --id NAME` adds a standby mgr to a running lab and stops it again
//! (`standby.rs`). `lab rss` brings up a lab of its own to measure the mgr's memory with our module
//! enabled, disabled and absent, and prints one JSON line (`rss.rs`).

mod chroot;
mod cluster;
mod fake;
mod files;
mod module_dir;
mod mounts;
mod on_restart;
mod packages;
mod processes;
pub(crate) mod rss;
mod standby;
mod type_versions;

pub(crate) use fake::{runs as fake_runs, start_again as start_fake, stop_running as stop_fake};
pub(crate) use standby::{running_standbys, start as start_standby, stop as stop_standby};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::ceph_python::{RELEASES, Release, cache_dir};
use crate::flags::{LabFlags, MgrAction};

/// A file at the top of every lab directory, so `up` never clears a directory it did not make.
const MARKER: &str = ".microceph-orch-lab";

/// The entries `up` creates in a lab directory, removed again before a new cluster is made.
/// `module/` is left alone: `cargo xtask module` replaces its content atomically.
const LAB_ENTRIES: [&str; 16] = [
    "ceph.conf",
    "keyring",
    "monmap",
    "mon",
    "mgr",
    "log",
    "run",
    "crash",
    "mgr-modules",
    "cluster.json",
    "env",
    "ceph",
    "pids",
    "mounts",
    "control.socket",
    type_versions::DIR,
];

/// A supported release as the lab runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LabRelease {
    release: Release,
    /// The major version `ceph --version` must report, which tells the release apart.
    major: u32,
    /// The first of the loopback ports this release's lab uses; see `Ports`.
    port_base: u16,
    /// Whether its mgr runs every module in a sub-interpreter of its own (before squid); see
    /// `type_versions.rs`.
    modules_in_subinterpreters: bool,
}

/// Every release the lab runs; each has its own ports, so all of them can run at once.
/// The ports sit below Linux's ephemeral range (32768 and up by default): a port in that range can be
/// held by any client connection, such as one lab's `ceph` CLI talking to another lab's mon.
const LAB_RELEASES: [LabRelease; 3] = [
    LabRelease {
        release: RELEASES[0],
        major: 16,
        port_base: 21_000,
        modules_in_subinterpreters: true,
    },
    LabRelease {
        release: RELEASES[1],
        major: 18,
        port_base: 22_000,
        modules_in_subinterpreters: true,
    },
    LabRelease {
        release: RELEASES[2],
        major: 20,
        port_base: 23_000,
        modules_in_subinterpreters: false,
    },
];

/// The loopback ports of one lab: the mon's two and the range the mgr binds in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ports {
    mon_v2: u16,
    mon_v1: u16,
    bind_min: u16,
    bind_max: u16,
}

impl LabRelease {
    fn named(name: &str) -> Option<Self> {
        LAB_RELEASES
            .into_iter()
            .find(|lab| lab.release.name == name)
    }

    fn ports(self) -> Ports {
        Ports {
            mon_v2: self.port_base,
            mon_v1: self.port_base + 1,
            bind_min: self.port_base + 10,
            bind_max: self.port_base + 99,
        }
    }
}

/// One lab: its release, its directory, the chroot its Ceph runs in, if any, and its member.
#[derive(Debug)]
struct Lab {
    release: LabRelease,
    dir: PathBuf,
    root: Option<PathBuf>,
    /// The fake's local member, and the id of the lab's mon and first mgr: [`fake::LAB_MEMBER`].
    member: String,
}

impl Lab {
    /// A command that runs `program` (an absolute path) where this lab's Ceph is installed.
    fn command(&self, program: &str) -> Command {
        match &self.root {
            None => Command::new(program),
            Some(root) => {
                let mut command = Command::new("chroot");
                command.arg(root).arg(program);
                command
            }
        }
    }

    /// Where the release's in-tree mgr modules are, as seen from the host.
    fn system_modules(&self) -> PathBuf {
        self.host_path(Path::new(module_dir::SYSTEM_MODULES))
    }

    /// An absolute path where this lab's Ceph is installed, as seen from the host.
    fn host_path(&self, inside: &Path) -> PathBuf {
        match &self.root {
            None => inside.to_path_buf(),
            Some(root) => root.join(inside.strip_prefix("/").unwrap_or(inside)),
        }
    }

    fn path(&self, entry: &str) -> PathBuf {
        self.dir.join(entry)
    }

    /// The lab in `dir`, as the `env` file `lab up` wrote describes it.
    fn open(dir: &Path) -> anyhow::Result<Self> {
        let env = files::read_env(&dir.join("env"))?;
        let var = |name: &str| {
            env.get(name).with_context(|| {
                format!("{} sets no {name}; is it a lab?", dir.join("env").display())
            })
        };
        let release = LabRelease::named(var("LAB_RELEASE")?).context("unknown release")?;
        let root = var("LAB_CHROOT")?;
        Ok(Lab {
            release,
            dir: dir.to_path_buf(),
            root: (!root.is_empty()).then(|| PathBuf::from(root)),
            member: var("LAB_MEMBER")?.clone(),
        })
    }
}

pub(crate) fn run(flags: &LabFlags) -> anyhow::Result<()> {
    match flags {
        LabFlags::Up {
            release,
            members,
            dir,
        } => {
            let release = LabRelease::named(release).context("unknown release")?;
            let dir = lab_dir(dir.as_deref(), release)?;
            up(release, &dir, *members)
        }
        LabFlags::Down { release, dir } => down(&existing_dir(
            release.as_deref(),
            dir.as_deref(),
            "lab down",
        )?),
        LabFlags::Mgr {
            action,
            id,
            release,
            dir,
            wait,
        } => {
            let dir = existing_dir(release.as_deref(), dir.as_deref(), "lab mgr")?;
            match action {
                MgrAction::Start => standby::start(&dir, id),
                MgrAction::Stop => standby::stop(&dir, id, *wait),
            }
        }
        LabFlags::Rss {
            release,
            members,
            samples,
            dir,
        } => rss::run(release, *members, *samples, dir.as_deref()),
        LabFlags::OnRestart {
            dir,
            member,
            service,
        } => on_restart::run(dir, member, service),
    }
}

/// The directory of a lab that `command` acts on: `--dir`, or the default one of `--ceph`.
fn existing_dir(
    release: Option<&str>,
    dir: Option<&Path>,
    command: &str,
) -> anyhow::Result<PathBuf> {
    match (dir, release.and_then(LabRelease::named)) {
        (Some(dir), _) => absolute(dir),
        (None, Some(release)) => lab_dir(None, release),
        (None, None) => bail!("`{command}` needs `--dir DIR` or `--ceph RELEASE`"),
    }
}

/// The files of a lab that other commands use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LabFiles {
    /// The lab's `ceph` wrapper, which runs the release's CLI with the lab's configuration.
    pub(crate) ceph: PathBuf,
    /// `env`, the lab's shell assignments.
    pub(crate) env: PathBuf,
    /// The fake's socket, which also serves its control API.
    pub(crate) socket: PathBuf,
    /// The cluster description the fake started with, whose local member is the lab's member.
    pub(crate) cluster: PathBuf,
}

impl LabFiles {
    pub(crate) fn in_dir(dir: &Path) -> Self {
        LabFiles {
            ceph: dir.join("ceph"),
            env: dir.join("env"),
            socket: dir.join("control.socket"),
            cluster: dir.join("cluster.json"),
        }
    }
}

/// The directory `lab up --ceph RELEASE` uses when given no `--dir`.
pub(crate) fn default_dir(release: &str) -> anyhow::Result<PathBuf> {
    let release = LabRelease::named(release).context("unknown release")?;
    lab_dir(None, release)
}

/// Whether every process of the lab in `dir` runs.
pub(crate) fn is_up(dir: &Path) -> bool {
    let pids = dir.join("pids");
    processes::STOP_ORDER
        .iter()
        .all(|name| processes::is_running(&pids, name))
}

/// The lab directory: `--dir` made absolute, or `labs/<release>` in the cache.
fn lab_dir(dir: Option<&Path>, release: LabRelease) -> anyhow::Result<PathBuf> {
    match dir {
        Some(dir) => absolute(dir),
        None => Ok(cache_dir()?.join("labs").join(release.release.name)),
    }
}

fn absolute(dir: &Path) -> anyhow::Result<PathBuf> {
    let dir = std::path::absolute(dir)
        .with_context(|| format!("cannot make {} absolute", dir.display()))?;
    // Symbolic links are resolved where they can be, so the bind mount and the chroot agree.
    Ok(dir.canonicalize().unwrap_or(dir))
}

fn up(release: LabRelease, dir: &Path, members: u32) -> anyhow::Result<()> {
    let started = Instant::now();
    let member = fake::LAB_MEMBER.to_owned();
    check_unix_socket_length(dir, &[&member])?;
    refuse_running_lab(dir)?;
    packages::ensure_host_tools()?;
    let root = if packages::host_runs(release.release.suite)? {
        packages::ensure_host_ceph()?;
        None
    } else {
        Some(chroot::ensure(release)?)
    };
    if let Some(root) = &root
        && (dir.starts_with(root) || root.starts_with(dir))
    {
        bail!(
            "the lab directory {} and the chroot {} must not contain each other",
            dir.display(),
            root.display()
        );
    }
    let lab = Lab {
        release,
        dir: dir.to_path_buf(),
        root,
        member,
    };
    let version = cluster::ceph_version(&lab)?;
    step(&format!(
        "Ceph {version} ({}) {}",
        release.release.name,
        lab.root.as_ref().map_or_else(
            || "on the host".to_owned(),
            |root| format!("in the chroot {}", root.display())
        )
    ));
    check_ports_free(release.ports())?;
    prepare_dir(&lab)?;
    let fake_binary = fake::build()?;
    crate::module::run(&crate::flags::ModuleFlags {
        out: lab.path("module"),
    })?;
    let brought_up = bring_up(&lab, &fake_binary, members, &version);
    if let Err(error) = brought_up {
        writeln!(
            std::io::stderr().lock(),
            "lab up failed; stopping what it started"
        )?;
        if let Err(down_error) = stop_and_unmount(dir) {
            writeln!(
                std::io::stderr().lock(),
                "could not clean up either: {down_error:#}"
            )?;
        }
        return Err(error);
    }
    let ports = release.ports();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{} lab is up in {} ({:.1} s): Ceph {version}, mon at 127.0.0.1:{}, {members} MicroCeph \
         member{}",
        release.release.name,
        dir.display(),
        started.elapsed().as_secs_f64(),
        ports.mon_v2,
        if members == 1 { "" } else { "s" },
    )?;
    writeln!(stdout, "  {} orch ps", lab.path("ceph").display())?;
    writeln!(stdout, "  . {}", lab.path("env").display())?;
    writeln!(stdout, "  cargo xtask lab down --dir {}", dir.display())?;
    Ok(())
}

/// Everything of `up` that leaves processes or mounts behind, so a failure can undo it.
fn bring_up(lab: &Lab, fake_binary: &Path, members: u32, version: &str) -> anyhow::Result<()> {
    if let Some(root) = &lab.root {
        mounts::mount_chroot(root, &lab.dir, &lab.path("mounts"))?;
    }
    let socket = lab.path("control.socket");
    let member = &lab.member;
    fake::write_cluster(fake_binary, members, &lab.path("cluster.json"))?;
    write_restart_hook(lab)?;
    fake::start(fake_binary, lab, &socket)?;
    step(&format!(
        "fake-microceph serves {members} members on {} (local member {member})",
        socket.display()
    ));
    cluster::bootstrap(lab)?;
    let notes = module_dir::build(lab)?;
    for note in notes {
        step(&note);
    }
    let python_path = if type_versions::needed(lab)? {
        step("gave each mgr sub-interpreter its own type version tags (lab-only workaround)");
        Some(type_versions::write(lab)?)
    } else {
        None
    };
    files::write(lab, version, &socket, members)?;
    cluster::start(lab, python_path.as_deref())?;
    cluster::select_backend(lab, &socket)
}

/// Refuses a directory whose lab still runs or still has mounts, or that holds something else.
/// Writes the script the fake runs after each restart (see `on_restart.rs`), calling this xtask.
fn write_restart_hook(lab: &Lab) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    let xtask = std::env::current_exe().context("cannot tell where this xtask binary is")?;
    let path = lab.path(on_restart::SCRIPT);
    std::fs::write(&path, on_restart::script(&xtask, &lab.dir))
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("cannot make {} executable", path.display()))
}

fn refuse_running_lab(dir: &Path) -> anyhow::Result<()> {
    let running = processes::running(&dir.join("pids"));
    if let Some((name, pid)) = running.first() {
        bail!(
            "a lab runs in {} ({name} has pid {pid}); stop it first with `cargo xtask lab down \
             --dir {}`",
            dir.display(),
            dir.display()
        );
    }
    let mounted = mounts::recorded_and_mounted(&dir.join("mounts"))?;
    if let Some(mount) = mounted.first() {
        bail!(
            "the lab in {} still has {} mounted; run `cargo xtask lab down --dir {}` first",
            dir.display(),
            mount.display(),
            dir.display()
        );
    }
    let is_lab = dir.join(MARKER).is_file();
    let empty = std::fs::read_dir(dir).map_or(true, |mut entries| entries.next().is_none());
    if !is_lab && !empty {
        bail!(
            "{} is not empty and holds no lab; choose another `--dir`",
            dir.display()
        );
    }
    Ok(())
}

/// Fails early and clearly when something already listens on the mon's ports, such as another
/// lab of the same release in another directory.
fn check_ports_free(ports: Ports) -> anyhow::Result<()> {
    for port in [ports.mon_v2, ports.mon_v1] {
        if let Err(error) = std::net::TcpListener::bind(("127.0.0.1", port)) {
            bail!(
                "cannot use port {port} on 127.0.0.1 for the mon ({error}); is another lab of \
                 this release running? (`cargo xtask lab down`)"
            );
        }
    }
    Ok(())
}

/// Makes sure the lab's unix socket paths fit `sun_path` (108 bytes with the NUL), also the admin
/// sockets of daemons with the given `ids`.
fn check_unix_socket_length(dir: &Path, ids: &[&str]) -> anyhow::Result<()> {
    let admin_sockets = ids
        .iter()
        .flat_map(|id| ["mon", "mgr"].map(|kind| format!("run/{kind}.{id}.asok")));
    let longest = admin_sockets
        .chain(["control.socket".to_owned()])
        .map(|socket| dir.join(socket).as_os_str().len())
        .max()
        .unwrap_or_default();
    if longest > 107 {
        bail!(
            "the lab directory {} is too long for unix socket paths; choose a shorter `--dir`",
            dir.display()
        );
    }
    Ok(())
}

/// Clears the lab directory of a previous cluster and marks it as a lab.
fn prepare_dir(lab: &Lab) -> anyhow::Result<()> {
    std::fs::create_dir_all(&lab.dir)
        .with_context(|| format!("cannot create {}", lab.dir.display()))?;
    for entry in LAB_ENTRIES {
        let path = lab.path(entry);
        let removed = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match removed {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                return Err(error).with_context(|| format!("cannot remove {}", path.display()));
            }
            _ => {}
        }
    }
    for dir in ["log", "pids"] {
        let path = lab.path(dir);
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
    }
    std::fs::write(
        lab.path(MARKER),
        format!(
            "This directory holds a {} lab of `cargo xtask lab`; `lab up` may clear it.\n",
            lab.release.release.name
        ),
    )
    .with_context(|| format!("cannot write in {}", lab.dir.display()))
}

fn down(dir: &Path) -> anyhow::Result<()> {
    if !dir.join(MARKER).is_file() && !dir.join("pids").is_dir() && !dir.join("mounts").is_file() {
        writeln!(
            std::io::stdout().lock(),
            "no lab in {}; nothing to stop",
            dir.display()
        )?;
        return Ok(());
    }
    stop_and_unmount(dir)
}

/// Stops the lab's processes, then unmounts its mounts, and reports each step on stdout.
fn stop_and_unmount(dir: &Path) -> anyhow::Result<()> {
    let mut report = processes::stop_all(&dir.join("pids"))?;
    report.extend(mounts::unmount_recorded(dir, &dir.join("mounts"))?);
    let mut stdout = std::io::stdout().lock();
    if report.is_empty() {
        writeln!(stdout, "nothing was running in {}", dir.display())?;
    }
    for line in report {
        writeln!(stdout, "{line}")?;
    }
    Ok(())
}

/// Reports a step of `lab up` on stderr, where the echoed commands go too.
fn step(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "lab: {message}");
}

#[cfg(test)]
mod tests {
    use super::{LAB_RELEASES, LabRelease, Ports};

    #[test]
    fn every_release_has_its_own_ports() {
        assert_eq!(
            LabRelease::named("reef").map(LabRelease::ports),
            Some(Ports {
                mon_v2: 22_000,
                mon_v1: 22_001,
                bind_min: 22_010,
                bind_max: 22_099,
            })
        );
        for lab in LAB_RELEASES {
            assert!(
                lab.ports().bind_max < 32_768,
                "{} uses ports in Linux's ephemeral range",
                lab.release.name
            );
        }
        for (index, lab) in LAB_RELEASES.iter().enumerate() {
            for other in &LAB_RELEASES[index + 1..] {
                let (a, b) = (lab.ports(), other.ports());
                assert!(
                    a.bind_max < b.mon_v2 || b.bind_max < a.mon_v2,
                    "{} and {} share ports",
                    lab.release.name,
                    other.release.name
                );
            }
        }
        assert_eq!(LabRelease::named("quincy"), None);
    }
}
