//! Serving HTTP/1.1 on a unix socket with hyper, and stopping cleanly.
//!
//! [`Server::start`] binds the socket (replacing a stale socket file, refusing one that still accepts connections) and spawns the accept loop on the current tokio runtime; each connection gets its own task with keep-alive.
//! [`ServerHandle::shutdown`] stops accepting, removes the socket file, lets open connections finish their current request, and waits for them briefly.
//! [`Server::start_blocking`] runs the same server on a thread of its own, for code without a tokio runtime.

use std::io;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::cluster::{Cluster, ClusterError};
use crate::control::Control;
use crate::faults::FaultBook;
use crate::pipeline;
use crate::state::{BoundedLog, DaemonState, Shared, State, Timing};

/// How long shutdown waits for open connections to finish their current request.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How a fake starts, besides its cluster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The initial timing knobs.
    pub timing: Timing,
    /// The initial daemon switches (database state, readiness, shutting down).
    pub daemon: DaemonState,
    /// How many MicroCeph requests `GET /fake/1.0/requests` remembers.
    pub request_log_capacity: usize,
    /// How many lines the daemon log remembers.
    pub log_capacity: usize,
    /// A program run as `PROGRAM MEMBER SERVICE` after each service restart, before the restart is answered, so that a lab can restart a real daemon as MicroCeph would; a failing program fails the restart with its output.
    pub restart_hook: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timing: Timing::default(),
            daemon: DaemonState::default(),
            request_log_capacity: 100_000,
            restart_hook: None,
            log_capacity: 100_000,
        }
    }
}

impl Options {
    /// The defaults with [`Timing::realistic`], as `serve --realistic` uses.
    pub fn realistic() -> Self {
        Self {
            timing: Timing::realistic(),
            ..Self::default()
        }
    }
}

/// Why a server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The cluster description is not valid.
    #[error(transparent)]
    InvalidCluster(#[from] ClusterError),
    /// Something already accepts connections on the socket path.
    #[error("socket {} is in use", .0.display())]
    InUse(PathBuf),
    /// The socket path exists and is not a socket, so it is left alone.
    #[error("{} exists and is not a socket", .0.display())]
    NotASocket(PathBuf),
    /// Binding the socket failed.
    #[error("cannot bind {}: {source}", path.display())]
    Bind {
        /// The socket path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// The thread or runtime of [`Server::start_blocking`] could not be created.
    #[error("cannot start the server thread: {0}")]
    Thread(#[source] io::Error),
}

/// Starts fake MicroCeph servers.
#[derive(Debug)]
pub struct Server;

/// A running server on the current tokio runtime; dropping it stops the server too, without waiting.
#[derive(Debug)]
pub struct ServerHandle {
    control: Control,
    socket: PathBuf,
    shutdown: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds `socket` and serves `cluster` on it from the current tokio runtime.
    pub async fn start(
        socket: impl Into<PathBuf>,
        cluster: Cluster,
        options: Options,
    ) -> Result<ServerHandle, StartError> {
        let socket = socket.into();
        cluster.validate()?;
        prepare_socket_path(&socket).await?;
        let listener = UnixListener::bind(&socket).map_err(|source| StartError::Bind {
            path: socket.clone(),
            source,
        })?;
        let shared = Arc::new(Shared::new(State {
            cluster,
            timing: options.timing,
            daemon: options.daemon,
            faults: FaultBook::default(),
            requests: BoundedLog::new(options.request_log_capacity),
            log: BoundedLog::new(options.log_capacity),
            restart_hook: options.restart_hook,
        }));
        let (shutdown, shutdown_signal) = watch::channel(false);
        let task = tokio::spawn(accept_loop(
            listener,
            Arc::clone(&shared),
            shutdown_signal,
            socket.clone(),
        ));
        Ok(ServerHandle {
            control: Control::new(shared),
            socket,
            shutdown,
            task: Some(task),
        })
    }
}

impl ServerHandle {
    /// The socket the server listens on.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }

    /// The in-process control API of this server.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Stops accepting, removes the socket file and waits (up to 5 s) for open connections to finish.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Removes a stale socket file at `path`; refuses a live socket or a file that is not a socket.
async fn prepare_socket_path(path: &Path) -> Result<(), StartError> {
    let bind_error = |source| StartError::Bind {
        path: path.to_path_buf(),
        source,
    };
    let metadata = match std::fs::symlink_metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(bind_error(error)),
    };
    if !metadata.file_type().is_socket() {
        return Err(StartError::NotASocket(path.to_path_buf()));
    }
    if UnixStream::connect(path).await.is_ok() {
        return Err(StartError::InUse(path.to_path_buf()));
    }
    std::fs::remove_file(path).map_err(bind_error)
}

async fn accept_loop(
    listener: UnixListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    socket: PathBuf,
) {
    // Every connection task holds a clone of `open`; `recv` returns `None` once all are gone.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
    let connection_shutdown = shutdown.clone();
    loop {
        tokio::select! {
            () = stopped(&mut shutdown) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(connection(stream, Arc::clone(&shared), connection_shutdown.clone(), open.clone()));
                }
                // Out of file descriptors or a similar transient failure: back off briefly.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
        }
    }
    drop(listener);
    let _ = std::fs::remove_file(&socket);
    drop(open);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, all_closed.recv()).await;
}

async fn connection(
    stream: UnixStream,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    _open: mpsc::Sender<()>,
) {
    let service = service_fn(move |request| pipeline::serve(Arc::clone(&shared), request));
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => return,
        () = stopped(&mut shutdown) => {}
    }
    connection.as_mut().graceful_shutdown();
    let _ = connection.await;
}

/// Resolves once shutdown is requested or the handle is gone.
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// A server running on a thread of its own; dropping it stops the server and waits for the thread.
#[derive(Debug)]
pub struct BlockingServer {
    control: Control,
    socket: PathBuf,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts a server on a new thread with its own two-worker tokio runtime, for callers without a runtime.
    pub fn start_blocking(
        socket: impl Into<PathBuf>,
        cluster: Cluster,
        options: Options,
    ) -> Result<BlockingServer, StartError> {
        let socket = socket.into();
        let (started, started_signal) = std::sync::mpsc::channel();
        let (stop, stop_signal) = tokio::sync::oneshot::channel::<()>();
        let thread_socket = socket.clone();
        let thread = std::thread::Builder::new()
            .name("fake-microceph".to_owned())
            .spawn(move || {
                let runtime = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => runtime,
                    Err(error) => {
                        let _ = started.send(Err(StartError::Thread(error)));
                        return;
                    }
                };
                runtime.block_on(async move {
                    match Server::start(thread_socket, cluster, options).await {
                        Ok(handle) => {
                            let _ = started.send(Ok(handle.control().clone()));
                            let _ = stop_signal.await;
                            handle.shutdown().await;
                        }
                        Err(error) => {
                            let _ = started.send(Err(error));
                        }
                    }
                });
            })
            .map_err(StartError::Thread)?;
        let control = started_signal.recv().map_err(|_| {
            StartError::Thread(io::Error::other("the server thread exited early"))
        })??;
        Ok(BlockingServer {
            control,
            socket,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl BlockingServer {
    /// The socket the server listens on.
    pub fn socket_path(&self) -> &Path {
        &self.socket
    }

    /// The in-process control API of this server.
    pub fn control(&self) -> &Control {
        &self.control
    }

    /// Stops the server, removes its socket and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for BlockingServer {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
