//! A small blocking HTTP/1.1 client over one kept-alive connection, writing the
//! request line byte for byte as given — so tests control percent-encoding and case
//! exactly, which a general client would normalise.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

pub struct Client {
    addr: SocketAddr,
    conn: Option<BufReader<TcpStream>>,
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Client {
    pub fn new(addr: SocketAddr) -> Self {
        Self { addr, conn: None }
    }

    /// `GET target` with `headers`; reconnects once if the kept-alive connection was
    /// closed by the server in between.
    pub fn get(&mut self, target: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = format!("GET {target} HTTP/1.1\r\nHost: test\r\n");
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        for attempt in 0..2 {
            match self.exchange(request.as_bytes()) {
                Ok(r) => return r,
                Err(e) if attempt == 0 => {
                    let _ = e;
                    self.conn = None;
                }
                Err(e) => panic!("GET {target}: {e}"),
            }
        }
        unreachable!()
    }

    /// `GET target` of a server-sent event stream: a refusal is read as any response;
    /// a 200 `text/event-stream` body is read until its `: live` comment (the end of
    /// the backlog) and the connection is then closed, as a client leaving does.
    pub fn get_event_stream(&mut self, target: &str, headers: &[(&str, &str)]) -> Response {
        let mut request = format!("GET {target} HTTP/1.1\r\nHost: test\r\n");
        for (k, v) in headers {
            request.push_str(&format!("{k}: {v}\r\n"));
        }
        request.push_str("\r\n");
        // A fresh connection: the stream's is not reusable.
        self.conn = None;
        let s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut conn = BufReader::new(s);
        conn.get_mut().write_all(request.as_bytes()).unwrap();
        read_head_then(&mut conn, |body| {
            body.starts_with(b": live\n") || body.windows(8).any(|w| w == b"\n: live\n")
        })
        .unwrap_or_else(|e| panic!("GET {target}: {e}"))
    }

    fn exchange(&mut self, request: &[u8]) -> std::io::Result<Response> {
        if self.conn.is_none() {
            let s = TcpStream::connect(self.addr)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            s.set_nodelay(true)?;
            self.conn = Some(BufReader::new(s));
        }
        let conn = self.conn.as_mut().expect("connected");
        conn.get_mut().write_all(request)?;
        let r = read_response(conn)?;
        if r.header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            self.conn = None;
        }
        Ok(r)
    }
}

fn read_response(conn: &mut BufReader<TcpStream>) -> std::io::Result<Response> {
    read_head_then(conn, |_| false)
}

/// A response; a chunked body is read until its end or until `enough` holds of what
/// was read so far.
fn read_head_then(
    conn: &mut BufReader<TcpStream>,
    enough: impl Fn(&[u8]) -> bool,
) -> std::io::Result<Response> {
    let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed");
    let mut line = String::new();
    if conn.read_line(&mut line)? == 0 {
        return Err(eof());
    }
    let status: u16 = line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
    let mut headers = Vec::new();
    loop {
        line.clear();
        if conn.read_line(&mut line)? == 0 {
            return Err(eof());
        }
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v): &(String, String)| v.clone())
    };
    let mut body = Vec::new();
    let started = std::time::Instant::now();
    if header("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
        loop {
            line.clear();
            conn.read_line(&mut line)?;
            let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                .map_err(|_| std::io::Error::other("bad chunk size"))?;
            let mut chunk = vec![0; size + 2];
            conn.read_exact(&mut chunk)?;
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
            if enough(&body) {
                break;
            }
            // A stream's heartbeats would otherwise keep a test waiting forever.
            if started.elapsed() > Duration::from_secs(20) {
                return Err(std::io::Error::other("body not complete within 20 s"));
            }
        }
    } else if let Some(len) = header("content-length").and_then(|l| l.parse::<usize>().ok()) {
        body.resize(len, 0);
        conn.read_exact(&mut body)?;
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}
