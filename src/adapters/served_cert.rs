//! Which certificate a TLS listener serves: a TLS 1.2 handshake up to the
//! server's `Certificate` message, then the connection is dropped.
//!
//! Used by the live rotation host to verify that the SSTP listener on
//! `127.0.0.1` and `[::1]` serves the target after the restart (issue 18).
//! In TLS 1.2 the server's certificate travels in the clear, so no TLS
//! library is needed to see it: the probe sends a `ClientHello` offering
//! only TLS 1.2 (no `supported_versions` extension) with the usual ECDHE and
//! RSA suites, reads records until the `Certificate` handshake message, and
//! returns its first (leaf) certificate. Nothing is verified — the point is
//! *what* is served, not whether to trust it.
//!
//! Bounded: one connect and read timeout, at most [`MAX_FLIGHT`] bytes read.
//! A listener that accepts only TLS 1.3 answers with an alert, reported as
//! [`ProbeError::Alert`] (its certificate cannot be seen without TLS 1.3
//! cryptography).
//!
//! ```no_run
//! use std::time::Duration;
//! use sstp_cert::adapters::served_cert::served_certificate;
//! let served = served_certificate("127.0.0.1:443".parse()?, None, Duration::from_secs(5))?;
//! println!("the listener serves {}", served.sha1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::model::thumbprint::Sha1Thumbprint;

/// The most the probe reads before giving up on finding the certificate.
pub const MAX_FLIGHT: usize = 256 * 1024;

/// The certificate a listener served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedCertificate {
    /// The leaf certificate's DER.
    pub der: Vec<u8>,
    /// Its SHA-1 thumbprint.
    pub sha1: Sha1Thumbprint,
}

/// Why no certificate was seen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The TCP connection failed (refused, timed out, unreachable).
    #[error("cannot connect to {addr}: {source}")]
    Connect {
        /// The address.
        addr: SocketAddr,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// Sending or receiving failed.
    #[error("TLS handshake with {addr} failed while {doing}: {source}")]
    Io {
        /// The address.
        addr: SocketAddr,
        /// What the probe was doing.
        doing: &'static str,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The server sent a TLS alert instead of its certificate.
    #[error(
        "{addr} answered the TLS 1.2 ClientHello with alert {description} ({}): it did not show its certificate",
        alert_name(*description)
    )]
    Alert {
        /// The address.
        addr: SocketAddr,
        /// The alert description code.
        description: u8,
    },
    /// The server's bytes are not the TLS the probe expects.
    #[error("{addr} did not answer with a TLS 1.2 server flight: {reason}")]
    Malformed {
        /// The address.
        addr: SocketAddr,
        /// What was wrong.
        reason: String,
    },
}

fn alert_name(code: u8) -> &'static str {
    match code {
        40 => "handshake_failure",
        47 => "illegal_parameter",
        50 => "decode_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        112 => "unrecognized_name",
        _ => "other alert",
    }
}

/// Connects to `addr`, sends a TLS 1.2 `ClientHello` (with SNI
/// `server_name` when given) and returns the leaf certificate the server
/// sends.
///
/// # Errors
///
/// [`ProbeError`] naming the address and what failed.
pub fn served_certificate(
    addr: SocketAddr,
    server_name: Option<&str>,
    timeout: Duration,
) -> Result<ServedCertificate, ProbeError> {
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|source| ProbeError::Connect { addr, source })?;
    let io = |doing| {
        move |source| ProbeError::Io {
            addr,
            doing,
            source,
        }
    };
    stream
        .set_read_timeout(Some(timeout))
        .and_then(|()| stream.set_write_timeout(Some(timeout)))
        .map_err(io("setting timeouts"))?;
    stream
        .write_all(&client_hello(server_name))
        .map_err(io("sending the ClientHello"))?;
    let mut flight = ServerFlight::default();
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0usize;
    loop {
        let n = stream
            .read(&mut buf)
            .map_err(io("reading the server's answer"))?;
        if n == 0 {
            return Err(ProbeError::Malformed {
                addr,
                reason: "the connection closed before the Certificate message".to_owned(),
            });
        }
        total += n;
        match flight.push(&buf[..n]) {
            Ok(Some(der)) => {
                return Ok(ServedCertificate {
                    sha1: Sha1Thumbprint::of_der(&der),
                    der,
                });
            }
            Ok(None) if total < MAX_FLIGHT => {}
            Ok(None) => {
                return Err(ProbeError::Malformed {
                    addr,
                    reason: format!("no Certificate message in the first {MAX_FLIGHT} bytes"),
                });
            }
            Err(FlightError::Alert(description)) => {
                return Err(ProbeError::Alert { addr, description });
            }
            Err(FlightError::Malformed(reason)) => {
                return Err(ProbeError::Malformed { addr, reason });
            }
        }
    }
}

/// The bytes of a TLS 1.2 `ClientHello` record.
///
/// ```
/// let hello = sstp_cert::adapters::served_cert::client_hello(Some("vpn.example.com"));
/// assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]); // handshake record
/// assert_eq!(hello[5], 1); // ClientHello
/// ```
pub fn client_hello(server_name: Option<&str>) -> Vec<u8> {
    const SUITES: [u16; 13] = [
        0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
        0x0035, 0x000a,
    ];
    const GROUPS: [u16; 3] = [0x001d, 0x0017, 0x0018];
    const SIGS: [u16; 11] = [
        0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0203,
    ];
    fn u16s(v: &[u16]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_be_bytes()).collect()
    }
    fn with_len16(body: &[u8]) -> Vec<u8> {
        let mut v = (body.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(body);
        v
    }
    fn ext(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut v = kind.to_be_bytes().to_vec();
        v.extend(with_len16(body));
        v
    }
    let mut extensions = Vec::new();
    // SNI only for a DNS name (not an IP literal), at most 255 bytes.
    if let Some(name) = server_name
        .filter(|n| !n.is_empty() && n.len() <= 255 && n.parse::<std::net::IpAddr>().is_err())
    {
        let mut entry = vec![0u8];
        entry.extend(with_len16(name.as_bytes()));
        extensions.extend(ext(0x0000, &with_len16(&entry)));
    }
    extensions.extend(ext(0x000a, &with_len16(&u16s(&GROUPS))));
    extensions.extend(ext(0x000b, &[1, 0]));
    extensions.extend(ext(0x000d, &with_len16(&u16s(&SIGS))));
    extensions.extend(ext(0x0017, &[]));
    extensions.extend(ext(0xff01, &[0]));

    let mut body = vec![0x03, 0x03];
    body.extend((0u8..32).map(|i| i.wrapping_mul(37).wrapping_add(11))); // random
    body.push(0); // session id
    body.extend(with_len16(&u16s(&SUITES)));
    body.extend([1, 0]); // compression: null
    body.extend(with_len16(&extensions));

    let mut handshake = vec![1u8];
    handshake.extend(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend(body);
    let mut record = vec![0x16, 0x03, 0x01];
    record.extend(with_len16(&handshake));
    record
}

/// Why a server flight could not be read.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlightError {
    /// A TLS alert with this description.
    Alert(u8),
    /// Not TLS as expected.
    Malformed(String),
}

/// The server's records as they arrive, reassembled into handshake messages.
///
/// ```
/// use sstp_cert::adapters::served_cert::ServerFlight;
/// let mut f = ServerFlight::default();
/// // a Certificate message with one 3-byte "certificate", in one record
/// let msg = [11, 0, 0, 9, 0, 0, 6, 0, 0, 3, 0xaa, 0xbb, 0xcc];
/// let mut record = vec![22, 3, 3, 0, msg.len() as u8];
/// record.extend(msg);
/// assert_eq!(f.push(&record[..4]), Ok(None)); // split anywhere
/// assert_eq!(f.push(&record[4..]), Ok(Some(vec![0xaa, 0xbb, 0xcc])));
/// ```
#[derive(Debug, Default, Clone)]
pub struct ServerFlight {
    records: Vec<u8>,
    handshake: Vec<u8>,
}

impl ServerFlight {
    /// Adds bytes read from the connection; `Some(der)` once the
    /// `Certificate` message is complete.
    ///
    /// # Errors
    ///
    /// [`FlightError`] for an alert or bytes that are not a TLS server
    /// flight.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Option<Vec<u8>>, FlightError> {
        self.records.extend_from_slice(bytes);
        loop {
            if self.records.len() < 5 {
                return Ok(None);
            }
            let (kind, len) = (
                self.records[0],
                usize::from(u16::from_be_bytes([self.records[3], self.records[4]])),
            );
            if self.records[1] != 3 {
                return Err(FlightError::Malformed(format!(
                    "record version {}.{} is not TLS",
                    self.records[1], self.records[2]
                )));
            }
            if len > 16384 + 2048 {
                return Err(FlightError::Malformed(format!("record of {len} bytes")));
            }
            if self.records.len() < 5 + len {
                return Ok(None);
            }
            let fragment: Vec<u8> = self.records.drain(..5 + len).skip(5).collect();
            match kind {
                21 => {
                    return Err(FlightError::Alert(
                        fragment.get(1).copied().unwrap_or_default(),
                    ));
                }
                22 => self.handshake.extend(fragment),
                20 | 23 => {
                    return Err(FlightError::Malformed(
                        "encrypted data before the Certificate message (TLS 1.3, or a resumed session)"
                            .to_owned(),
                    ));
                }
                other => {
                    return Err(FlightError::Malformed(format!(
                        "record type {other} is not TLS"
                    )));
                }
            }
            if let Some(der) = self.certificate()? {
                return Ok(Some(der));
            }
        }
    }

    /// The leaf of the first complete `Certificate` message, consuming the
    /// messages before it.
    fn certificate(&mut self) -> Result<Option<Vec<u8>>, FlightError> {
        loop {
            if self.handshake.len() < 4 {
                return Ok(None);
            }
            let kind = self.handshake[0];
            let len = u24(&self.handshake[1..4]);
            if self.handshake.len() < 4 + len {
                return Ok(None);
            }
            let body: Vec<u8> = self.handshake.drain(..4 + len).skip(4).collect();
            // ServerHello and anything else before the certificate are
            // skipped.
            if kind == 11 {
                if body.len() < 6 {
                    return Err(FlightError::Malformed(
                        "the Certificate message holds no certificate".to_owned(),
                    ));
                }
                let first = u24(&body[3..6]);
                return body
                    .get(6..6 + first)
                    .filter(|d| !d.is_empty())
                    .map(|d| Some(d.to_vec()))
                    .ok_or_else(|| {
                        FlightError::Malformed("the Certificate message is truncated".to_owned())
                    });
            }
        }
    }
}

fn u24(b: &[u8]) -> usize {
    (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alert_is_reported_with_its_code() {
        let mut f = ServerFlight::default();
        assert_eq!(
            f.push(&[21, 3, 3, 0, 2, 2, 70]),
            Err(FlightError::Alert(70))
        );
    }

    #[test]
    fn not_tls_is_malformed() {
        let mut f = ServerFlight::default();
        assert!(matches!(
            f.push(b"HTTP/1.1 400 Bad Request\r\n"),
            Err(FlightError::Malformed(_))
        ));
    }

    #[test]
    fn server_hello_then_certificate_across_records() {
        let mut f = ServerFlight::default();
        let hello = [2u8, 0, 0, 2, 3, 3];
        let cert = [11u8, 0, 0, 8, 0, 0, 5, 0, 0, 2, 0x30, 0x00];
        let mut bytes = vec![22, 3, 3, 0, hello.len() as u8];
        bytes.extend(hello);
        bytes.extend([22, 3, 3, 0, 5]);
        bytes.extend(&cert[..5]);
        bytes.extend([22, 3, 3, 0, (cert.len() - 5) as u8]);
        bytes.extend(&cert[5..]);
        for (i, b) in bytes.iter().enumerate() {
            let r = f.push(&[*b]).unwrap();
            if i + 1 < bytes.len() {
                assert_eq!(r, None);
            } else {
                assert_eq!(r, Some(vec![0x30, 0x00]));
            }
        }
    }

    #[test]
    fn an_empty_or_truncated_certificate_message_is_malformed() {
        let mut f = ServerFlight::default();
        assert!(f.push(&[22, 3, 3, 0, 4, 11, 0, 0, 0]).is_err());
        let mut f = ServerFlight::default();
        assert!(
            f.push(&[22, 3, 3, 0, 10, 11, 0, 0, 6, 0, 0, 3, 0, 0, 9])
                .is_err()
        );
    }

    #[test]
    fn the_hello_is_well_formed() {
        let h = client_hello(Some("vpn.example.com"));
        let record_len = usize::from(u16::from_be_bytes([h[3], h[4]]));
        assert_eq!(h.len(), 5 + record_len);
        assert_eq!(u24(&h[6..9]), record_len - 4);
        let with_ip = client_hello(Some("127.0.0.1"));
        assert!(with_ip.len() < h.len(), "no SNI for an IP literal");
    }
}
