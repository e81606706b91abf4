//! One-shot servers written directly on sockets, for behaviour wiremock cannot produce: stalled or truncated bodies, dropped connections, and HTTP over a unix socket.

use std::path::Path;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UnixListener};
use tokio::task::JoinHandle;

/// What the server does once it has read a whole request.
#[derive(Debug, Clone)]
pub(crate) enum Behaviour {
    /// Writes these bytes as the response, then closes the connection.
    Respond(String),
    /// Writes these bytes, then keeps the connection open without writing more.
    Stall(String),
    /// Closes the connection without writing anything.
    Close,
}

/// A complete HTTP/1.1 response with a JSON body.
pub(crate) fn http_response(status: u16, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

/// Serves one connection on a fresh localhost TCP port; returns the base URL and a handle yielding the raw request.
pub(crate) async fn serve_tcp_once(behaviour: Behaviour) -> (String, JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let handle = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        handle_connection(stream, behaviour).await
    });
    (base_url, handle)
}

/// Serves one connection on a unix socket bound at `path`; returns a handle yielding the raw request.
pub(crate) fn serve_unix_once(path: &Path, behaviour: Behaviour) -> JoinHandle<String> {
    let listener = UnixListener::bind(path).unwrap();
    tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        handle_connection(stream, behaviour).await
    })
}

/// Reads one request (head and `Content-Length` body), acts out `behaviour`, and returns the request text.
async fn handle_connection<S>(mut stream: S, behaviour: Behaviour) -> String
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let request = read_request(&mut stream).await;
    match behaviour {
        Behaviour::Respond(response) => {
            stream.write_all(response.as_bytes()).await.unwrap();
            stream.shutdown().await.ok();
        }
        Behaviour::Stall(partial) => {
            stream.write_all(partial.as_bytes()).await.unwrap();
            stream.flush().await.unwrap();
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
        Behaviour::Close => drop(stream),
    }
    request
}

/// Reads bytes until the head is complete and the declared body has arrived.
async fn read_request<S: AsyncRead + Unpin>(stream: &mut S) -> String {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await.unwrap();
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buffer);
        if let Some(head_end) = text.find("\r\n\r\n") {
            let content_length = text[..head_end]
                .lines()
                .find_map(|line| {
                    let (name, value) = line.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            if buffer.len() >= head_end + 4 + content_length {
                break;
            }
        }
    }
    String::from_utf8(buffer).unwrap()
}
