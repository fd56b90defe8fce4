//! Every input limit of the crate, in one place.
//!
//! Whatever the crate reads from outside — files, pasted text, command
//! output, network messages — is checked against a limit **before**
//! anything in proportion to its (claimed) size is allocated or scanned,
//! and going beyond a limit is a specific error naming the size and the
//! limit, never a panic, a hang or a silent truncation. The constants are
//! defined next to the parsers that enforce them and re-exported here.
//!
//! | limit | value | applies to | beyond it |
//! |---|---|---|---|
//! | [`MAX_CERTIFICATE_DER_LEN`] | 64 KiB | one DER certificate ([`Certificate::from_der`](super::certificate::Certificate::from_der), each block of a PEM file) | [`CertificateError::TooLarge`](super::certificate::CertificateError::TooLarge) |
//! | [`MAX_PEM_INPUT_LEN`] | 4 MiB | PEM text of certificates and keys ([`Certificate::from_pem_or_der`](super::certificate::Certificate::from_pem_or_der), [`PrivateKey::from_pem_or_der`](super::key::PrivateKey::from_pem_or_der), [`PrivateKey::find_in_pem`](super::key::PrivateKey::find_in_pem)) | [`CertificateError::PemTooLarge`](super::certificate::CertificateError::PemTooLarge), [`KeyError::PemTooLarge`](super::key::KeyError::PemTooLarge) |
//! | [`MAX_FILE_SIZE`] | 1 MiB | each file the directory store reads (size checked from the metadata before opening, then a bounded read) | problem `file-too-large`, file not read |
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

pub use super::certificate::{MAX_CERTIFICATE_DER_LEN, MAX_PEM_INPUT_LEN};
pub use super::crypto_binding::CALL_CONNECTED_LEN;
pub use super::hostname::{MAX_DNS_NAME_LEN, MAX_HOST_LEN, MAX_LABEL_LEN};
pub use super::httpsys::{
    MAX_COMMAND_LEN, MAX_FIELDS_PER_BINDING, MAX_HOSTNAME_LEN, MAX_NETSH_BINDINGS,
    MAX_NETSH_FIELDS, MAX_NETSH_INPUT,
};
pub use super::registry::{MAX_REGISTRY_INPUT, MAX_REGISTRY_VALUES, MAX_VALUE_DATA};
pub use super::script::{MAX_SCRIPT_LINE, MAX_SCRIPT_LINES};
pub use super::thumbprint::MAX_HASH_TEXT_LEN;
pub use crate::adapters::dir_store::{MAX_DIRECTORY_ENTRIES, MAX_FILE_SIZE};

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
    }
}
