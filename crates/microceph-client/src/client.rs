//! The [`Client`]: one async method per MicroCeph endpoint, over the daemon's unix socket in production or plain HTTP over TCP in tests.
//!
//! Every method goes through [`Client::call`], which builds the request, applies the endpoint's timeout to the whole exchange (body included), maps transport failures, and decodes the envelope.
//! The two transports differ only in how a request URI is formed and which hyper connector opens the connection; they share all other code through the private `Transport` enum, so callers name one concrete type.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{ACCEPT, CONTENT_TYPE, HOST};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::{Builder, Client as HyperClient, ResponseFuture};
use hyper_util::rt::TokioExecutor;
use hyperlocal::UnixConnector;
use serde::de::DeserializeOwned;

use crate::envelope::{self, Empty};
use crate::error::{Error, RequestLine};
use crate::timeouts::Timeouts;
use crate::types::{
    ClusterMember, DisableRequest, EnableRequest, OsdDisk, Resources, RestartService, ServerInfo,
    ServiceInstance,
};
use crate::url::path_and_query;

/// A typed client for MicroCeph's local REST API.
///
/// Cloning is cheap: clones share one connector configuration behind an [`Arc`].
/// Methods must run inside a tokio runtime with the I/O and time drivers enabled.
///
/// Each method sends exactly one HTTP request on a fresh connection and never retries, because enabling a service is not idempotent and a retried write could act twice.
/// Connection pooling is disabled on purpose: a pooled connection that the daemon closed while idle is a classic source of "request sent, connection reset" races, and connecting to a local unix socket costs next to nothing (MicroCeph's own Go client disables keep-alives on this transport too).
///
/// `target` parameters select the cluster member that handles a request through MicroCeph's `?target=` proxy: `None` sends no query and `Some(name)` sends `?target=<name>`, percent-encoded so that no name can reach another route or add a parameter.
/// `Some("")` sends `?target=`, which MicroCeph treats as the local member.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// The shared state behind a [`Client`].
#[derive(Debug, Clone)]
struct Inner {
    transport: Transport,
    timeouts: Timeouts,
    host_concurrency: usize,
}

/// How requests reach the daemon.
#[derive(Debug, Clone)]
enum Transport {
    /// HTTP over a unix socket; hyperlocal reads the socket path back from the hex-encoded URI host.
    Unix {
        socket_path: PathBuf,
        authority: String,
        client: HyperClient<UnixConnector, Full<Bytes>>,
    },
    /// Plain HTTP over TCP to `http://host:port`, for tests against a mock server.
    Http {
        base_url: String,
        client: HyperClient<HttpConnector, Full<Bytes>>,
    },
}

/// The HTTP methods the client uses.
#[derive(Debug, Clone, Copy)]
enum Verb {
    Get,
    Put,
    Post,
    Delete,
}

impl Client {
    /// The control socket of the `microceph` snap.
    pub const DEFAULT_SOCKET_PATH: &'static str = "/var/snap/microceph/common/state/control.socket";

    /// How many members an observation or a plan's execution acts on at once, unless set otherwise.
    pub const DEFAULT_HOST_CONCURRENCY: usize = 16;

    /// A client for the daemon listening on the unix socket at `socket_path`, with default timeouts.
    ///
    /// Nothing is connected yet; a missing socket shows up on the first call as [`crate::ErrorKind::SocketMissing`].
    /// The path is passed to the connector as text, so a path that is not valid UTF-8 is not supported.
    pub fn unix(socket_path: impl Into<PathBuf>) -> Self {
        let socket_path = socket_path.into();
        let mut authority = String::new();
        for byte in socket_path.to_string_lossy().bytes() {
            // Writing to a String cannot fail.
            let _ = write!(authority, "{byte:02x}");
        }
        authority.push_str(":0");
        let client = hyper_builder().build(UnixConnector);
        Self::with_transport(Transport::Unix {
            socket_path,
            authority,
            client,
        })
    }

    /// A client for a server speaking plain HTTP at `base_url` (`http://host:port`), with default timeouts; meant for tests.
    pub fn http(base_url: &str) -> Result<Self, Error> {
        let invalid = |reason, source| Error::InvalidBaseUrl {
            url: base_url.to_owned(),
            reason,
            source,
        };
        let uri: Uri = base_url.parse().map_err(|err| {
            invalid(
                "not a valid uri",
                Some(Box::new(err) as Box<dyn std::error::Error + Send + Sync>),
            )
        })?;
        if uri.scheme_str() != Some("http") {
            return Err(invalid("the scheme must be http", None));
        }
        let Some(authority) = uri.authority() else {
            return Err(invalid("a host is required", None));
        };
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid("a path or query is not supported", None));
        }
        let client = hyper_builder().build(HttpConnector::new());
        Ok(Self::with_transport(Transport::Http {
            base_url: format!("http://{authority}"),
            client,
        }))
    }

    /// Returns this client with other timeouts; clones made before keep theirs.
    #[must_use]
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        Arc::make_mut(&mut self.inner).timeouts = timeouts;
        self
    }

    /// The timeouts in effect.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// Returns this client acting on at most `members` members at once (at least one) when it observes or executes; clones made before keep theirs.
    #[must_use]
    pub fn with_host_concurrency(mut self, members: usize) -> Self {
        Arc::make_mut(&mut self.inner).host_concurrency = members.max(1);
        self
    }

    /// How many members an observation or a plan's execution acts on at once: [`Client::DEFAULT_HOST_CONCURRENCY`] unless set.
    pub fn host_concurrency(&self) -> usize {
        self.inner.host_concurrency
    }

    /// Where requests go: the socket path or the base URL.
    pub fn endpoint(&self) -> String {
        match &self.inner.transport {
            Transport::Unix { socket_path, .. } => socket_path.display().to_string(),
            Transport::Http { base_url, .. } => base_url.clone(),
        }
    }

    /// `GET /`: the API versions, `["/1.0"]`; answers even before the cluster is bootstrapped.
    pub async fn root(&self) -> Result<Vec<String>, Error> {
        self.list(Verb::Get, path_and_query(&[], None)).await
    }

    /// `GET /core/1.0`: the answering daemon's name, address, version and readiness.
    pub async fn server_info(&self) -> Result<ServerInfo, Error> {
        let path = path_and_query(&["core", "1.0"], None);
        self.call(Verb::Get, path, None, self.inner.timeouts.read)
            .await
    }

    /// `GET /core/1.0/ready`: succeeds once the daemon has started, else fails with [`crate::ErrorKind::Unavailable`].
    pub async fn ready(&self) -> Result<(), Error> {
        let path = path_and_query(&["core", "1.0", "ready"], None);
        self.call::<Empty>(Verb::Get, path, None, self.inner.timeouts.read)
            .await
            .map(drop)
    }

    /// `GET /core/1.0/cluster`: every member with its status; the daemon probes each member in turn, so this read can be slow.
    pub async fn cluster_members(&self) -> Result<Vec<ClusterMember>, Error> {
        self.list(Verb::Get, path_and_query(&["core", "1.0", "cluster"], None))
            .await
    }

    /// `GET /1.0/services`: every placed service instance in the cluster (OSDs are not services; see [`Client::disks`]).
    pub async fn services(&self, target: Option<&str>) -> Result<Vec<ServiceInstance>, Error> {
        self.list(Verb::Get, path_and_query(&["1.0", "services"], target))
            .await
    }

    /// `GET /1.0/services/mon`: the MON addresses from the cluster configuration, one per MON.
    pub async fn mon_addresses(&self, target: Option<&str>) -> Result<Vec<String>, Error> {
        #[derive(serde::Deserialize)]
        struct MonAddresses {
            #[serde(default, deserialize_with = "crate::types::null_as_empty")]
            addresses: Vec<String>,
        }

        let path = path_and_query(&["1.0", "services", "mon"], target);
        let metadata: MonAddresses = self
            .call(Verb::Get, path, None, self.inner.timeouts.read)
            .await?;
        Ok(metadata.addresses)
    }

    /// `PUT /1.0/services/<svc>`: enables a service on the target host.
    ///
    /// Not idempotent: enabling a service that already runs there fails with [`crate::ErrorKind::AlreadyActive`].
    /// After a timeout or transport error the outcome is unknown; observe with [`Client::services`] before trying again.
    pub async fn enable_service(
        &self,
        target: Option<&str>,
        request: &EnableRequest,
    ) -> Result<(), Error> {
        let service = request.service();
        let path = path_and_query(&["1.0", "services", service.as_str()], target);
        let body = Some(request.to_body());
        self.call::<Empty>(Verb::Put, path, body, self.inner.timeouts.enable_disable)
            .await
            .map(drop)
    }

    /// `DELETE /1.0/services/<svc>`: disables a service on the target host.
    ///
    /// A service that is not placed there fails with [`crate::ErrorKind::NotFound`].
    pub async fn disable_service(
        &self,
        target: Option<&str>,
        request: &DisableRequest,
    ) -> Result<(), Error> {
        let service = request.service();
        let path = path_and_query(&["1.0", "services", service.as_str()], target);
        let body = request.to_body();
        self.call::<Empty>(Verb::Delete, path, body, self.inner.timeouts.enable_disable)
            .await
            .map(drop)
    }

    /// `POST /1.0/services/restart`: restarts services on the target host, in order; services not placed there are skipped.
    pub async fn restart_services(
        &self,
        target: Option<&str>,
        services: &[RestartService],
    ) -> Result<(), Error> {
        let path = path_and_query(&["1.0", "services", "restart"], target);
        let body = Some(RestartService::to_body(services));
        self.call::<Empty>(Verb::Post, path, body, self.inner.timeouts.restart)
            .await
            .map(drop)
    }

    /// `GET /1.0/disks`: every OSD disk in the cluster.
    pub async fn disks(&self, target: Option<&str>) -> Result<Vec<OsdDisk>, Error> {
        self.list(Verb::Get, path_and_query(&["1.0", "disks"], target))
            .await
    }

    /// `GET /1.0/resources`: all block devices of the target host, unfiltered.
    pub async fn resources(&self, target: Option<&str>) -> Result<Resources, Error> {
        let path = path_and_query(&["1.0", "resources"], target);
        self.call(Verb::Get, path, None, self.inner.timeouts.read)
            .await
    }

    /// A client around `transport` with default timeouts.
    fn with_transport(transport: Transport) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport,
                timeouts: Timeouts::default(),
                host_concurrency: Self::DEFAULT_HOST_CONCURRENCY,
            }),
        }
    }

    /// Reads a list, treating Go's `null` for an empty slice as an empty list.
    async fn list<T: DeserializeOwned>(
        &self,
        verb: Verb,
        path_and_query: String,
    ) -> Result<Vec<T>, Error> {
        let items: Option<Vec<T>> = self
            .call(verb, path_and_query, None, self.inner.timeouts.read)
            .await?;
        Ok(items.unwrap_or_default())
    }

    /// Sends one request and decodes its envelope, all within `timeout`.
    async fn call<T: DeserializeOwned>(
        &self,
        verb: Verb,
        path_and_query: String,
        body: Option<String>,
        timeout: Duration,
    ) -> Result<T, Error> {
        let request_line = RequestLine::new(verb.as_str(), path_and_query);
        let request = self.build_request(verb, &request_line, body)?;
        let exchange = async {
            let response = self
                .inner
                .transport
                .send(request)
                .await
                .map_err(|err| self.send_error(&request_line, err))?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|err| Error::ResponseBody {
                    request: request_line.clone(),
                    status,
                    source: Box::new(err),
                })?
                .to_bytes();
            Ok::<_, Error>((status, body))
        };
        let (status, body) =
            tokio::time::timeout(timeout, exchange)
                .await
                .map_err(|_elapsed| Error::Timeout {
                    request: request_line.clone(),
                    timeout,
                })??;
        envelope::decode_response(request_line, status, &body)
    }

    /// Assembles the hyper request for `request_line`, with a JSON body when there is one.
    fn build_request(
        &self,
        verb: Verb,
        request_line: &RequestLine,
        body: Option<String>,
    ) -> Result<Request<Full<Bytes>>, Error> {
        let path_and_query = request_line.path_and_query();
        let mut builder = Request::builder()
            .method(verb.method())
            .header(ACCEPT, "application/json");
        builder = match &self.inner.transport {
            Transport::Unix { authority, .. } => builder
                .uri(format!("unix://{authority}{path_and_query}"))
                // The daemon ignores the Host header; a readable name beats the hex-encoded socket path.
                .header(HOST, "localhost"),
            Transport::Http { base_url, .. } => builder.uri(format!("{base_url}{path_and_query}")),
        };
        let body = match body {
            Some(body) => {
                builder = builder.header(CONTENT_TYPE, "application/json");
                Full::new(Bytes::from(body))
            }
            None => Full::new(Bytes::new()),
        };
        builder.body(body).map_err(|err| Error::InvalidRequest {
            request: request_line.clone(),
            source: Box::new(err),
        })
    }

    /// Whether something accepts connections at the client's unix socket, checked with one `connect`, which never waits on the daemon.
    ///
    /// A missing socket gives [`Error::SocketMissing`] and a socket nobody listens on [`Error::ConnectionRefused`], with the texts requests would give; anything else, and any HTTP transport, is `Ok`, leaving the verdict to a request.
    pub fn reachable(&self) -> Result<(), Error> {
        let Transport::Unix { socket_path, .. } = &self.inner.transport else {
            return Ok(());
        };
        match std::os::unix::net::UnixStream::connect(socket_path) {
            Err(err) if err.kind() == io::ErrorKind::NotFound => Err(Error::SocketMissing {
                socket_path: socket_path.clone(),
                cause: Box::new(err),
            }),
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
                Err(Error::ConnectionRefused {
                    endpoint: self.endpoint(),
                    cause: Box::new(err),
                })
            }
            Ok(_) | Err(_) => Ok(()),
        }
    }

    /// Maps a failure to get a response head, telling a missing socket and a refused connection apart from other transport errors.
    fn send_error(
        &self,
        request_line: &RequestLine,
        err: hyper_util::client::legacy::Error,
    ) -> Error {
        let io_kind = if err.is_connect() {
            io_error_kind(&err)
        } else {
            None
        };
        match (&self.inner.transport, io_kind) {
            (Transport::Unix { socket_path, .. }, Some(io::ErrorKind::NotFound)) => {
                Error::SocketMissing {
                    socket_path: socket_path.clone(),
                    cause: Box::new(err),
                }
            }
            (_, Some(io::ErrorKind::ConnectionRefused)) => Error::ConnectionRefused {
                endpoint: self.endpoint(),
                cause: Box::new(err),
            },
            _ => Error::Transport {
                request: request_line.clone(),
                endpoint: self.endpoint(),
                source: Box::new(err),
            },
        }
    }
}

impl Transport {
    /// Sends a request through the transport's hyper client.
    fn send(&self, request: Request<Full<Bytes>>) -> ResponseFuture {
        match self {
            Self::Unix { client, .. } => client.request(request),
            Self::Http { client, .. } => client.request(request),
        }
    }
}

impl Verb {
    /// The method name, for messages.
    fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Put => "PUT",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }

    /// The hyper method.
    fn method(self) -> Method {
        match self {
            Self::Get => Method::GET,
            Self::Put => Method::PUT,
            Self::Post => Method::POST,
            Self::Delete => Method::DELETE,
        }
    }
}

/// A hyper client builder with pooling and hyper's own retries turned off, so each call is exactly one request on one fresh connection.
fn hyper_builder() -> Builder {
    let mut builder = HyperClient::builder(TokioExecutor::new());
    builder
        .pool_max_idle_per_host(0)
        .retry_canceled_requests(false);
    builder
}

/// Finds the first [`io::Error`] in an error's `source()` chain and returns its kind.
fn io_error_kind(err: &(dyn std::error::Error + 'static)) -> Option<io::ErrorKind> {
    let mut current = Some(err);
    while let Some(error) = current {
        if let Some(io_error) = error.downcast_ref::<io::Error>() {
            return Some(io_error.kind());
        }
        current = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use std::io;

    use super::{Client, io_error_kind};
    use crate::error::ErrorKind;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] io::Error);

    #[test]
    fn io_error_kind_walks_the_source_chain() {
        let err = Outer(io::Error::from(io::ErrorKind::ConnectionRefused));
        assert_eq!(io_error_kind(&err), Some(io::ErrorKind::ConnectionRefused));
        let plain = std::fmt::Error;
        assert_eq!(io_error_kind(&plain), None);
    }

    #[test]
    fn http_base_url_is_validated() {
        assert!(Client::http("http://127.0.0.1:8080").is_ok());
        assert!(Client::http("http://127.0.0.1:8080/").is_ok());
        for bad in [
            "https://127.0.0.1",
            "127.0.0.1:80",
            "http://h/x",
            "http://h?x=1",
            "not a url",
        ] {
            let err = Client::http(bad).expect_err(bad);
            assert_eq!(err.kind(), ErrorKind::Other, "{bad}");
            assert!(err.to_string().contains(bad), "{err}");
        }
    }

    #[test]
    fn unix_client_reports_its_socket_path() {
        let client = Client::unix("/tmp/some dir/control.socket");
        assert_eq!(client.endpoint(), "/tmp/some dir/control.socket");
        let http = Client::http("http://127.0.0.1:1").unwrap();
        assert_eq!(http.endpoint(), "http://127.0.0.1:1");
    }
}
