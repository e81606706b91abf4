//! A small load generator for a running fake (or a real daemon): keep-alive connections sending one request in a loop.
//!
//! Run `cargo run --release -p fake-microceph --example load -- --socket PATH [--connections 32] [--seconds 5] [--path /1.0/services]`.
//! It prints the requests per second it achieved and how many answers were not HTTP 200.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper_util::rt::TokioIo;
use tokio::net::UnixStream;

struct Settings {
    socket: PathBuf,
    connections: usize,
    seconds: u64,
    path: String,
}

fn main() -> Result<(), String> {
    let settings = parse(std::env::args().skip(1).collect())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(run(settings))
}

async fn run(settings: Settings) -> Result<(), String> {
    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(settings.seconds);
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..settings.connections {
        let (done, failed) = (Arc::clone(&done), Arc::clone(&failed));
        let (socket, path) = (settings.socket.clone(), settings.path.clone());
        workers.push(tokio::spawn(async move {
            worker(&socket, &path, deadline, &done, &failed).await
        }));
    }
    for worker in workers {
        worker.await.map_err(|error| error.to_string())??;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let total = done.load(Ordering::Relaxed);
    report(&format!(
        "{total} requests in {elapsed:.2} s over {} connections: {:.0} requests/s, {} not 200",
        settings.connections,
        f64::from(u32::try_from(total).unwrap_or(u32::MAX)) / elapsed,
        failed.load(Ordering::Relaxed)
    ));
    Ok(())
}

async fn worker(
    socket: &std::path::Path,
    path: &str,
    deadline: Instant,
    done: &AtomicU64,
    failed: &AtomicU64,
) -> Result<(), String> {
    let stream = UnixStream::connect(socket)
        .await
        .map_err(|error| error.to_string())?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|error| error.to_string())?;
    tokio::spawn(connection);
    while Instant::now() < deadline {
        let request = hyper::Request::get(path)
            .header("host", "localhost")
            .body(Empty::<Bytes>::new())
            .map_err(|error| error.to_string())?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|error| error.to_string())?;
        if response.status() != hyper::StatusCode::OK {
            failed.fetch_add(1, Ordering::Relaxed);
        }
        response
            .into_body()
            .collect()
            .await
            .map_err(|error| error.to_string())?;
        done.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

fn parse(args: Vec<String>) -> Result<Settings, String> {
    let mut settings = Settings {
        socket: PathBuf::new(),
        connections: 32,
        seconds: 5,
        path: "/1.0/services".to_owned(),
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--socket" => settings.socket = PathBuf::from(value),
            "--connections" => {
                settings.connections = value.parse().map_err(|_| "--connections takes a number")?;
            }
            "--seconds" => {
                settings.seconds = value.parse().map_err(|_| "--seconds takes a number")?;
            }
            "--path" => settings.path = value,
            other => {
                return Err(format!(
                    "unknown flag {other}; accepted: --socket, --connections, --seconds, --path"
                ));
            }
        }
    }
    if settings.socket.as_os_str().is_empty() {
        return Err("--socket PATH is required".to_owned());
    }
    Ok(settings)
}

#[expect(
    clippy::print_stdout,
    reason = "the load generator reports its measurement"
)]
fn report(line: &str) {
    println!("{line}");
}
