//! The fake's control API (`/fake/1.0/...`, see `crates/fake-microceph/README.md`), spoken as
//! HTTP/1.1 over its unix socket with one request per connection.
//!
//! Answers use MicroCeph's envelope; an error envelope becomes an error carrying its text.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::Value;

/// How long one control request may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Sends `method path` with an optional JSON body and returns the envelope's `metadata`.
pub(crate) fn request(
    socket: &Path,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> anyhow::Result<Value> {
    let describe = || format!("{method} {path} on {}", socket.display());
    let mut stream = UnixStream::connect(socket)
        .with_context(|| format!("cannot connect for {}", describe()))?;
    stream.set_read_timeout(Some(TIMEOUT))?;
    stream.set_write_timeout(Some(TIMEOUT))?;
    let body = body.map(Value::to_string).unwrap_or_default();
    stream
        .write_all(render_request(method, path, &body).as_bytes())
        .with_context(|| format!("cannot send {}", describe()))?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .with_context(|| format!("no answer to {}", describe()))?;
    let (status, body) = parse_response(&answer).with_context(describe)?;
    let envelope: Value = serde_json::from_slice(&body)
        .with_context(|| format!("{}: the answer is not JSON", describe()))?;
    if !(200..300).contains(&status) || envelope["type"] == "error" {
        bail!(
            "{} failed with {status}: {}",
            describe(),
            envelope["error"].as_str().unwrap_or_default()
        );
    }
    Ok(envelope["metadata"].clone())
}

fn render_request(method: &str, path: &str, body: &str) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: fake-microceph\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The status and the body of an HTTP/1.1 response, with a chunked body decoded.
fn parse_response(answer: &[u8]) -> anyhow::Result<(u16, Vec<u8>)> {
    let split = answer
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .context("the answer has no end of headers")?;
    let head = std::str::from_utf8(&answer[..split]).context("the headers are not UTF-8")?;
    let body = &answer[split + 4..];
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .with_context(|| format!("unexpected status line `{status_line}`"))?;
    let chunked = lines.any(|line| {
        line.split_once(':').is_some_and(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding")
                && value.trim().eq_ignore_ascii_case("chunked")
        })
    });
    let body = if chunked {
        decode_chunked(body)?
    } else {
        body.to_vec()
    };
    Ok((status, body))
}

fn decode_chunked(mut body: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|window| window == b"\r\n")
            .context("a chunk has no size line")?;
        let size_text = std::str::from_utf8(&body[..line_end])?;
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .with_context(|| format!("bad chunk size `{size_text}`"))?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        let chunk = body.get(..size).context("a chunk is cut short")?;
        out.extend_from_slice(chunk);
        body = body.get(size + 2..).context("a chunk is cut short")?;
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_response, render_request};

    #[test]
    fn requests_carry_their_length_and_close() {
        assert_eq!(
            render_request("PUT", "/fake/1.0/members/node2", "{}"),
            "PUT /fake/1.0/members/node2 HTTP/1.1\r\nHost: fake-microceph\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
        );
    }

    #[test]
    fn plain_and_chunked_bodies_are_read() {
        let plain = b"HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnull";
        assert_eq!(parse_response(plain).unwrap(), (200, b"null".to_vec()));
        let chunked =
            b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nnul\r\n1\r\nl\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap(), (404, b"null".to_vec()));
        assert!(parse_response(b"HTTP/1.1 200 OK\r\n").is_err());
    }
}
