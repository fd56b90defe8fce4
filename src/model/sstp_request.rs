//! The SSTP HTTP request ([MS-SSTP] 3.2.5.1): the constants, the pure
//! parser of a request head, and the answers to it. No I/O: the listener
//! (`adapters::listener`, feature `listener`) reads the head from the
//! network and re-exports everything here under its own path.

use time::OffsetDateTime;

use crate::model::limits::MAX_REQUEST_HEAD_LEN;

/// The HTTP method of the SSTP request.
///
/// ```
/// use sstp_cert::model::sstp_request::{SSTP_CONTENT_LENGTH, SSTP_METHOD, SSTP_URI};
/// let line = format!("{SSTP_METHOD} {SSTP_URI} HTTP/1.1");
/// assert_eq!(line, "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1");
/// assert_eq!(SSTP_CONTENT_LENGTH.to_string(), "18446744073709551615");
/// ```
pub const SSTP_METHOD: &str = "SSTP_DUPLEX_POST";

/// The URI of the SSTP request (compared case-insensitively, as HTTP.sys
/// matches URLs).
pub const SSTP_URI: &str = crate::model::registry::SSTP_URL_PATH;

/// The `Content-Length` of the SSTP request and response: ULONGLONG_MAX.
pub const SSTP_CONTENT_LENGTH: u64 = u64::MAX;

/// The SSTP HTTP request as received.
///
/// ```
/// use sstp_cert::model::sstp_request::parse_request;
/// let req = parse_request(b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n\
///     Host: vpn.example.com\r\nContent-Length: 18446744073709551615\r\n\r\n", 32)?;
/// assert_eq!(req.correlation_id, None);
/// assert_eq!(req.headers[0], ("Host".to_owned(), "vpn.example.com".to_owned()));
/// # Ok::<(), sstp_cert::model::sstp_request::Refusal>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SstpRequest {
    /// The `Host` header.
    pub host: String,
    /// The `SSTPCORRELATIONID` header, if sent (Windows clients send a
    /// `{GUID}`; its shape is not checked: `sstpc` 1.0.18 sends a truncated
    /// one).
    pub correlation_id: Option<String>,
    /// Every header line, in order (name as sent, value trimmed).
    pub headers: Vec<(String, String)>,
}

/// An HTTP error answer and why it was given.
///
/// ```
/// use sstp_cert::model::sstp_request::Refusal;
/// let r = Refusal::new(404, "not the SSTP URI");
/// let text = r.response("Microsoft-HTTPAPI/2.0", time::macros::datetime!(2026-01-02 03:04:05 UTC));
/// assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
/// assert!(text.contains("\r\nConnection: close\r\n"));
/// assert!(text.contains("\r\nDate: Fri, 02 Jan 2026 03:04:05 GMT\r\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("HTTP {status} {}: {detail}", reason_phrase(*.status))]
pub struct Refusal {
    /// The status sent: 400 (malformed or not an SSTP request), 404 (not
    /// the SSTP URI), 405 (not `SSTP_DUPLEX_POST`), 408 (too slow), 505
    /// (not HTTP/1.1).
    pub status: u16,
    /// Why, for logs (not sent to the client).
    pub detail: String,
}

impl Refusal {
    /// A refusal with this status and reason.
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        Refusal {
            status,
            detail: detail.into(),
        }
    }

    /// The error answer: the status, `Content-Length: 0` and
    /// `Connection: close` (the last data sent on the connection, as
    /// [MS-SSTP] 4.1 asks), `Server`, `Date`, and `Allow` for 405.
    pub fn response(&self, server: &str, date: OffsetDateTime) -> String {
        let allow = if self.status == 405 {
            format!("Allow: {SSTP_METHOD}\r\n")
        } else {
            String::new()
        };
        format!(
            "HTTP/1.1 {} {}\r\nContent-Length: 0\r\nConnection: close\r\n{allow}Server: {server}\r\nDate: {}\r\n\r\n",
            self.status,
            reason_phrase(self.status),
            http_date(date)
        )
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Error",
    }
}

/// An HTTP date (RFC 9110 IMF-fixdate): `Sun, 06 Nov 1994 08:49:37 GMT`.
fn http_date(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    at.format(&fmt).unwrap_or_default()
}

/// The answer to an accepted SSTP request ([MS-SSTP] 4.1): `HTTP/1.1 200
/// OK`, `Content-Length: 18446744073709551615`, `Server`, `Date` — four
/// lines, few enough for clients with small header tables (`sstpc` reads
/// at most seven).
///
/// ```
/// use sstp_cert::model::sstp_request::ok_response;
/// let text = ok_response("Microsoft-HTTPAPI/2.0", time::macros::datetime!(2006-11-09 00:51:09 UTC));
/// assert_eq!(text, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\
///     Server: Microsoft-HTTPAPI/2.0\r\nDate: Thu, 09 Nov 2006 00:51:09 GMT\r\n\r\n");
/// ```
pub fn ok_response(server: &str, date: OffsetDateTime) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {SSTP_CONTENT_LENGTH}\r\nServer: {server}\r\nDate: {}\r\n\r\n",
        http_date(date)
    )
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Checks an SSTP HTTP request head (everything up to and including the
/// blank line) the way the front does, for programs that read the request
/// themselves.
///
/// Accepted: request line `SSTP_DUPLEX_POST <SSTP_URI> HTTP/1.1` (the URI
/// compared ASCII-case-insensitively), CRLF line ends, printable ASCII only,
/// at most `max_headers` header lines, exactly one non-empty `Host`, exactly
/// one `Content-Length: 18446744073709551615`, no `Transfer-Encoding`, at
/// most one `SSTPCORRELATIONID`.
///
/// ```
/// use sstp_cert::model::sstp_request::parse_request;
/// let head = b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n\
///     Host: vpn.example.com\r\nContent-Length: 18446744073709551615\r\n\
///     SSTPCORRELATIONID: {0B5C2D4E-0000-4000-8000-000000000001}\r\n\r\n";
/// let req = parse_request(head, 32)?;
/// assert_eq!(req.host, "vpn.example.com");
///
/// let refusal = parse_request(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 32).unwrap_err();
/// assert_eq!(refusal.status, 404);
/// # Ok::<(), sstp_cert::model::sstp_request::Refusal>(())
/// ```
///
/// # Errors
///
/// A [`Refusal`] with the status to answer: 400 for anything malformed or
/// missing (and for a head longer than
/// [`MAX_REQUEST_HEAD_LEN`],
/// checked before anything else), 505 for another HTTP version, 404 for another URI, 405 for
/// another method on the SSTP URI.
pub fn parse_request(head: &[u8], max_headers: usize) -> Result<SstpRequest, Refusal> {
    let text = head_text(head)?;
    let mut lines = text.split("\r\n");
    request_line(lines.next().unwrap_or_default())?;
    let headers = header_lines(lines, max_headers)?;
    let (host, correlation_id) = sstp_headers(&headers)?;
    Ok(SstpRequest {
        host,
        correlation_id,
        headers,
    })
}

/// A 400 refusal with this detail.
fn bad(detail: String) -> Refusal {
    Refusal::new(400, detail)
}

/// Step 1: the head as text — within the size limit, ended by an empty
/// line, printable ASCII, every line ended by CRLF.
fn head_text(head: &[u8]) -> Result<&str, Refusal> {
    if head.len() > MAX_REQUEST_HEAD_LEN {
        return Err(bad(format!(
            "the request head is {} bytes, more than the {} bytes accepted",
            head.len(),
            MAX_REQUEST_HEAD_LEN
        )));
    }
    let Some(body) = head.strip_suffix(b"\r\n\r\n") else {
        return Err(bad(
            "the request head does not end with an empty line".into()
        ));
    };
    if let Some(pos) = body
        .iter()
        .position(|&b| !(b == b'\r' || b == b'\n' || b == b'\t' || (b' '..=b'~').contains(&b)))
    {
        return Err(bad(format!(
            "byte {:#04x} at offset {pos} is not printable ASCII",
            body[pos]
        )));
    }
    // Printable ASCII: valid UTF-8.
    let text = std::str::from_utf8(body).map_err(|e| bad(e.to_string()))?;
    if text
        .split("\r\n")
        .any(|l| l.contains('\r') || l.contains('\n'))
    {
        return Err(bad("a bare CR or LF; lines must end with CRLF".into()));
    }
    Ok(text)
}

/// Step 2: the request line is `SSTP_DUPLEX_POST <SSTP URI> HTTP/1.1`;
/// a wrong version is 505, a wrong URI 404, a wrong method 405.
fn request_line(request_line: &str) -> Result<(), Refusal> {
    let parts: Vec<&str> = request_line.splitn(4, ' ').collect();
    let [method, uri, version] = parts.as_slice() else {
        return Err(bad(format!(
            "request line {request_line:?} is not `METHOD URI VERSION`"
        )));
    };
    if !is_token(method) {
        return Err(bad(format!("method {method:?} is not an HTTP token")));
    }
    if *version != "HTTP/1.1" {
        return Err(if version.starts_with("HTTP/") {
            Refusal::new(505, format!("{version}; SSTP needs HTTP/1.1"))
        } else {
            bad(format!("{version:?} is not an HTTP version"))
        });
    }
    if !uri.eq_ignore_ascii_case(SSTP_URI) {
        return Err(Refusal::new(404, format!("{uri:?} is not the SSTP URI")));
    }
    if *method != SSTP_METHOD {
        return Err(Refusal::new(
            405,
            format!("method {method}; SSTP needs {SSTP_METHOD}"),
        ));
    }
    Ok(())
}

/// Step 3: the header lines, `name: value` each (no folding), at most
/// `max_headers`, values trimmed of spaces and tabs.
fn header_lines<'t>(
    lines: impl Iterator<Item = &'t str>,
    max_headers: usize,
) -> Result<Vec<(String, String)>, Refusal> {
    let mut headers = Vec::new();
    for line in lines {
        if headers.len() >= max_headers {
            return Err(bad(format!("more than {max_headers} header lines")));
        }
        if line.starts_with([' ', '\t']) {
            return Err(bad("folded header line (obs-fold)".into()));
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad(format!("header line {line:?} has no colon")));
        };
        if !is_token(name) {
            return Err(bad(format!("header name {name:?} is not an HTTP token")));
        }
        headers.push((name.to_owned(), value.trim_matches([' ', '\t']).to_owned()));
    }
    Ok(headers)
}

/// Step 4: the headers SSTP needs — one non-empty `Host`, one
/// `Content-Length` of exactly the SSTP length, no `Transfer-Encoding`,
/// at most one `SSTPCORRELATIONID`; returns the host and the correlation
/// id.
fn sstp_headers(headers: &[(String, String)]) -> Result<(String, Option<String>), Refusal> {
    let all = |n: &str| -> Vec<&str> {
        headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(n))
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let host = match all("Host").as_slice() {
        [h] if !h.is_empty() => (*h).to_owned(),
        [] => return Err(bad("no Host header (HTTP/1.1 requires one)".into())),
        [_] => return Err(bad("empty Host header".into())),
        _ => return Err(bad("several Host headers".into())),
    };
    match all("Content-Length").as_slice() {
        [v] if v.parse::<u64>() == Ok(SSTP_CONTENT_LENGTH) && !v.starts_with('+') => {}
        [v] => {
            return Err(bad(format!(
                "Content-Length {v}; SSTP needs {SSTP_CONTENT_LENGTH}"
            )));
        }
        [] => {
            return Err(bad(format!(
                "no Content-Length; SSTP needs {SSTP_CONTENT_LENGTH}"
            )));
        }
        _ => return Err(bad("several Content-Length headers".into())),
    }
    if !all("Transfer-Encoding").is_empty() {
        return Err(bad("Transfer-Encoding is not used by SSTP".into()));
    }
    let correlation_id = match all("SSTPCORRELATIONID").as_slice() {
        [] => None,
        [v] => Some((*v).to_owned()),
        _ => return Err(bad("several SSTPCORRELATIONID headers".into())),
    };
    Ok((host, correlation_id))
}
