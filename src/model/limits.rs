//! Every input limit of the crate, in one place.
//!
//! Whatever the crate reads from outside — files, pasted text, command
//! output, network messages — is checked against a limit **before**
//! anything in proportion to its (claimed) size is allocated or scanned,
//! and going beyond a limit is a specific error naming the size and the
//! limit, never a panic, a hang or a silent truncation. This holds for
//! every public entry point that takes bytes: the size check is the first
//! thing [`Certificate::from_der`](super::certificate::Certificate::from_der),
//! [`Certificate::from_pem_or_der`](super::certificate::Certificate::from_pem_or_der)
//! (DER input is not even copied first),
//! [`PrivateKey::from_pem_or_der`](super::key::PrivateKey::from_pem_or_der),
//! [`PrivateKey::from_der`](super::key::PrivateKey::from_der),
//! [`PublicKeyValue::from_spki_der`](super::key::PublicKeyValue::from_spki_der)
//! and [`parse_request`](crate::model::sstp_request::parse_request) do. Network input that arrives
//! over time (the listener) is bounded in size, in time and in the number
//! of connections at once (the `LISTENER_*` rows; feature `listener`). The
//! constants are defined next to the parsers that enforce them and
//! re-exported here; the ones the adapters use are defined here.
//!
//! | limit | value | applies to | beyond it |
//! |---|---|---|---|
//! | [`MAX_CERTIFICATE_DER_LEN`] | 64 KiB | one DER certificate ([`Certificate::from_der`](super::certificate::Certificate::from_der), each block of a PEM file) | [`CertificateError::TooLarge`](super::certificate::CertificateError::TooLarge) |
//! | [`MAX_PEM_INPUT_LEN`] | 4 MiB | PEM text of certificates and keys ([`Certificate::from_pem_or_der`](super::certificate::Certificate::from_pem_or_der), [`PrivateKey::from_pem_or_der`](super::key::PrivateKey::from_pem_or_der), [`PrivateKey::find_in_pem`](super::key::PrivateKey::find_in_pem)) | [`CertificateError::PemTooLarge`](super::certificate::CertificateError::PemTooLarge), [`KeyError::PemTooLarge`](super::key::KeyError::PemTooLarge) |
//! | [`MAX_FILE_SIZE`] | 1 MiB | each file the directory store reads (size checked from the metadata before opening, then on the opened file, then a bounded read) | problem `file-too-large`, file not read |
//! | [`MAX_DIRECTORY_ENTRIES`] | 100,000 | entries of a store directory (counted while listing) | [`StoreError::TooManyEntries`](super::store::StoreError::TooManyEntries) |
//! | [`MAX_NETSH_INPUT`] | 64 MiB | `netsh http show sslcert` output ([`parse_sslcert_show`](super::httpsys::parse_sslcert_show)) | [`NetshParseError::TooLarge`](super::httpsys::NetshParseError::TooLarge) |
//! | [`MAX_NETSH_BINDINGS`] | 100,000 | bindings in one listing | [`NetshParseError::TooManyBindings`](super::httpsys::NetshParseError::TooManyBindings) |
//! | [`MAX_FIELDS_PER_BINDING`] | 128 | lines of one binding after its first four | [`NetshParseError::TooManyFields`](super::httpsys::NetshParseError::TooManyFields) |
//! | [`MAX_NETSH_FIELDS`] | 2,000,000 | such lines in one listing | [`NetshParseError::TooManyFieldsInListing`](super::httpsys::NetshParseError::TooManyFieldsInListing) |
//! | [`MAX_COMMAND_LEN`] | 8 KiB | a `netsh http … sslcert` command ([`parse_sslcert_command`](super::httpsys::parse_sslcert_command)) | [`CommandParseError::TooLong`](super::httpsys::CommandParseError::TooLong) |
//! | [`MAX_HOSTNAME_LEN`] | 255 bytes | the host name of a Hostname:port binding endpoint | [`EndpointError::InvalidHostname`](super::httpsys::EndpointError::InvalidHostname) |
//! | [`MAX_REGISTRY_INPUT`] | 1 MiB | a `.reg` export or `reg query` output ([`parse_registry_text`](super::registry::parse_registry_text) and the two parsers) | [`RegistryParseError::TooLarge`](super::registry::RegistryParseError::TooLarge) |
//! | [`MAX_REGISTRY_VALUES`] | 1,024 | values (and deletion markers) of the `Parameters` key | [`RegistryParseError::TooManyValues`](super::registry::RegistryParseError::TooManyValues) |
//! | [`MAX_VALUE_DATA`] | 64 KiB | data bytes of one hex-encoded registry value | [`SyntaxProblem::ValueTooLong`](super::registry::SyntaxProblem::ValueTooLong) |
//! | [`MAX_HASH_TEXT_LEN`] | 1,024 bytes | pasted thumbprint text ([`parse_hash`](super::thumbprint::parse_hash)) | [`ThumbprintError::TooLong`](super::thumbprint::ThumbprintError::TooLong) |
//! | [`MAX_HOST_LEN`] | 1,024 bytes | a typed host name or address ([`ReferenceId::parse`](super::hostname::ReferenceId::parse), [`DnsName::parse`](super::hostname::DnsName::parse)) | [`HostError::TooLong`](super::hostname::HostError::TooLong) |
//! | [`MAX_DNS_NAME_LEN`] | 253 octets | a DNS name in A-label form, without the trailing dot | [`HostError::NameTooLong`](super::hostname::HostError::NameTooLong) |
//! | [`MAX_LABEL_LEN`] | 63 octets | one DNS label | [`HostError::LabelTooLong`](super::hostname::HostError::LabelTooLong) |
//! | [`MAX_SCRIPT_LINE`] | 4,096 bytes | one line of an administrator script ([`parse_line`](super::script::parse_line)) | [`ScriptError::LineTooLong`](super::script::ScriptError::LineTooLong) |
//! | [`MAX_SCRIPT_LINES`] | 10,000 | lines of a script ([`parse_script`](super::script::parse_script)) | [`ScriptError::TooManyLines`](super::script::ScriptError::TooManyLines) |
//! | [`MAX_PRIVATE_KEY_DER_LEN`] | 64 KiB | a DER private key ([`PrivateKey::from_der`](super::key::PrivateKey::from_der), each key block of a PEM file) or SubjectPublicKeyInfo ([`PublicKeyValue::from_spki_der`](super::key::PublicKeyValue::from_spki_der)) | [`KeyError::DerTooLarge`](super::key::KeyError::DerTooLarge) |
//! | [`MAX_REQUEST_HEAD_LEN`] | 64 KiB | an SSTP HTTP request head given to [`parse_request`](crate::model::sstp_request::parse_request) | HTTP 400 refusal |
//! | [`LISTENER_MAX_REQUEST_HEAD`] | 8 KiB (default of `Limits::max_request_head`, at most [`MAX_REQUEST_HEAD_LEN`]) | the request head the listener reads | HTTP 400 refusal, connection closed |
//! | [`LISTENER_MAX_HEADERS`] | 32 (default of `Limits::max_headers`) | header lines of the request | HTTP 400 refusal, connection closed |
//! | [`LISTENER_TLS_HANDSHAKE_TIMEOUT`] | 10 s (default of `Limits::tls_handshake_timeout`) | the TLS handshake | `ConnectionError::TlsTimeout`, connection closed |
//! | [`LISTENER_REQUEST_TIMEOUT`] | 10 s (default of `Limits::request_timeout`) | the request head, from the end of the handshake | HTTP 408, `ConnectionError::RequestTimeout` |
//! | [`LISTENER_WRITE_TIMEOUT`] | 10 s (default of `Limits::write_timeout`) | writing the `200 OK` or a refusal | `ConnectionError::WriteTimeout`, connection closed |
//! | [`LISTENER_MAX_CONNECTIONS`] | 256 (default of `Limits::max_connections`) | connections in the TLS handshake or request phase, all sources | the newest connection of the busiest source is reset (`ConnectionError::Shed` if it was in its handshake) |
//! | [`LISTENER_MAX_CONNECTIONS_PER_SOURCE`] | 16 (default of `Limits::max_connections_per_source`) | such connections from one IPv4 address or IPv6 /64 | the new connection is reset at once, never handed to the embedder |
//! | [`CALL_CONNECTED_LEN`] | 112 bytes, exactly | an SSTP Call Connected message ([`CallConnected::parse`](super::crypto_binding::CallConnected::parse)) | [`CryptoBindingError::Malformed`](super::crypto_binding::CryptoBindingError::Malformed) |
//!
//! Besides these, work is linear in the input everywhere: lists read from
//! input (EKU OIDs, extensions, value names, bindings) are deduplicated and
//! compared with hash sets, never pairwise, and output buffers are reserved
//! from what is actually written. The fuzz targets in `fuzz/` run with a
//! per-input time limit and a memory limit to keep it so.
//!
//! ```
//! use sstp_cert::model::limits;
//! use sstp_cert::model::thumbprint::{parse_hash, ThumbprintError};
//! let long = " ".repeat(limits::MAX_HASH_TEXT_LEN + 1);
//! assert!(matches!(parse_hash(&long), Err(ThumbprintError::TooLong { .. })));
//! ```

use std::time::Duration;

pub use super::certificate::{MAX_CERTIFICATE_DER_LEN, MAX_PEM_INPUT_LEN};
pub use super::key::MAX_PRIVATE_KEY_DER_LEN;

/// The largest file the directory store reads, in bytes (1 MiB). Larger
/// files are reported as `file-too-large` without being read.
pub const MAX_FILE_SIZE: u64 = 1024 * 1024;

/// The most directory entries (files of any kind, subdirectories included)
/// a store directory may hold (100,000).
pub const MAX_DIRECTORY_ENTRIES: usize = 100_000;

/// The largest SSTP request head
/// [`parse_request`](crate::model::sstp_request::parse_request) looks at
/// (64 KiB), whatever the listener's own limit;
/// checked before anything else.
pub const MAX_REQUEST_HEAD_LEN: usize = 64 * 1024;

/// The listener's default largest request head (8 KiB).
pub const LISTENER_MAX_REQUEST_HEAD: usize = 8 * 1024;

/// The listener's default most header lines (32).
pub const LISTENER_MAX_HEADERS: usize = 32;

/// The listener's default time for the TLS handshake (10 s).
pub const LISTENER_TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The listener's default time for the request head, from the end of the
/// TLS handshake (10 s).
pub const LISTENER_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The listener's default time for writing an answer (`200 OK` or a
/// refusal) (10 s).
pub const LISTENER_WRITE_TIMEOUT: Duration = Duration::from_secs(10);

/// The listener's default most connections in the TLS handshake or request
/// phase at once, all sources together (256).
pub const LISTENER_MAX_CONNECTIONS: usize = 256;

/// The listener's default most connections in the TLS handshake or request
/// phase at once from one source (an IPv4 address or an IPv6 /64) (16).
pub const LISTENER_MAX_CONNECTIONS_PER_SOURCE: usize = 16;
pub use super::crypto_binding::CALL_CONNECTED_LEN;
pub use super::hostname::{MAX_DNS_NAME_LEN, MAX_HOST_LEN, MAX_LABEL_LEN};
pub use super::httpsys::{
    MAX_COMMAND_LEN, MAX_FIELDS_PER_BINDING, MAX_HOSTNAME_LEN, MAX_NETSH_BINDINGS,
    MAX_NETSH_FIELDS, MAX_NETSH_INPUT,
};
pub use super::registry::{MAX_REGISTRY_INPUT, MAX_REGISTRY_VALUES, MAX_VALUE_DATA};
pub use super::script::{MAX_SCRIPT_LINE, MAX_SCRIPT_LINES};
pub use super::thumbprint::MAX_HASH_TEXT_LEN;

#[cfg(test)]
mod tests {
    use super::*;

    /// The table's values are the constants' values.
    #[test]
    fn documented_values() {
        assert_eq!(MAX_CERTIFICATE_DER_LEN, 64 * 1024);
        assert_eq!(MAX_PEM_INPUT_LEN, 4 * 1024 * 1024);
        assert_eq!(MAX_FILE_SIZE, 1024 * 1024);
        assert_eq!(MAX_DIRECTORY_ENTRIES, 100_000);
        assert_eq!(MAX_NETSH_INPUT, 64 * 1024 * 1024);
        assert_eq!(MAX_NETSH_BINDINGS, 100_000);
        assert_eq!(MAX_FIELDS_PER_BINDING, 128);
        assert_eq!(MAX_NETSH_FIELDS, 2_000_000);
        assert_eq!(MAX_COMMAND_LEN, 8 * 1024);
        assert_eq!(MAX_HOSTNAME_LEN, 255);
        assert_eq!(MAX_REGISTRY_INPUT, 1024 * 1024);
        assert_eq!(MAX_REGISTRY_VALUES, 1024);
        assert_eq!(MAX_VALUE_DATA, 64 * 1024);
        assert_eq!(MAX_HASH_TEXT_LEN, 1024);
        assert_eq!(MAX_HOST_LEN, 1024);
        assert_eq!(MAX_DNS_NAME_LEN, 253);
        assert_eq!(MAX_LABEL_LEN, 63);
        assert_eq!(MAX_SCRIPT_LINE, 4096);
        assert_eq!(MAX_SCRIPT_LINES, 10_000);
        assert_eq!(CALL_CONNECTED_LEN, 112);
        assert_eq!(MAX_PRIVATE_KEY_DER_LEN, 64 * 1024);
        assert_eq!(MAX_REQUEST_HEAD_LEN, 64 * 1024);
        assert_eq!(LISTENER_MAX_REQUEST_HEAD, 8 * 1024);
        assert_eq!(LISTENER_MAX_HEADERS, 32);
        assert_eq!(LISTENER_TLS_HANDSHAKE_TIMEOUT, Duration::from_secs(10));
        assert_eq!(LISTENER_REQUEST_TIMEOUT, Duration::from_secs(10));
        assert_eq!(LISTENER_WRITE_TIMEOUT, Duration::from_secs(10));
        assert_eq!(LISTENER_MAX_CONNECTIONS, 256);
        assert_eq!(LISTENER_MAX_CONNECTIONS_PER_SOURCE, 16);
    }
}
