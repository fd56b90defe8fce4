//! The SSTP HTTP request head a client sends after the TLS handshake
//! (`model::sstp_request::parse_request`, no feature needed): never panics;
//! an accepted request has what the SSTP front requires and reads the same
//! when written out again; a refusal has one of the documented statuses
//! and an answer that is plain HTTP.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::sstp_request::{SSTP_METHOD, SSTP_URI, parse_request};

const MAX_HEADERS: usize = 32;

fuzz_target!(|head: &[u8]| {
    match parse_request(head, MAX_HEADERS) {
        Ok(req) => {
            assert!(head.ends_with(b"\r\n\r\n"));
            assert!(!req.host.is_empty());
            assert!(req.headers.len() <= MAX_HEADERS);
            let hosts = req
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("Host"))
                .count();
            assert_eq!(hosts, 1);
            let mut again = format!("{SSTP_METHOD} {SSTP_URI} HTTP/1.1\r\n");
            for (name, value) in &req.headers {
                again.push_str(&format!("{name}: {value}\r\n"));
            }
            again.push_str("\r\n");
            assert_eq!(parse_request(again.as_bytes(), MAX_HEADERS), Ok(req));
        }
        Err(refusal) => {
            assert!(
                [400, 404, 405, 505].contains(&refusal.status),
                "{refusal:?}"
            );
            let answer =
                refusal.response("Microsoft-HTTPAPI/2.0", time::OffsetDateTime::UNIX_EPOCH);
            assert!(answer.is_ascii() && answer.ends_with("\r\n\r\n"));
            assert_eq!(answer.matches("\r\n\r\n").count(), 1, "one head, no body");
        }
    }
});
