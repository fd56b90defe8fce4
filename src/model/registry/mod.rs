//! The SSTP service's registry parameters ([behaviour §4](crate::behaviour)).
//!
//! The SSTP service reads its listener settings from
//! `HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters`. This module
//! reads that key from the two texts an administrator can produce with the
//! tools Windows ships — a `.reg` export (regedit or `reg export`) and the
//! output of `reg query` — and turns it into the typed view the rest of the
//! model works on. It does no I/O: bytes in, data out.
//!
//! The layers, from raw to typed:
//!
//! 1. [`parse_registry_text`] (or [`parse_reg_file`] / [`parse_reg_query`])
//!    decodes the text (UTF-16LE with or without BOM, UTF-8 with or without
//!    BOM, 8-bit fallback; CRLF, LF or mixed) into a [`ParsedRegistry`].
//!    Its [`RegistryValues`] hold every value of the `Parameters` key as a
//!    [`RegValue`], in input order, looked up by name case-insensitively as
//!    Windows does.
//! 2. [`SstpParameters::from_values`] applies [behaviour §4](crate::behaviour)'s table: every value's
//!    default and validation. Each [`Setting`] remembers whether it was
//!    defaulted and why ([`ValueProblem`]); each certificate hash is a
//!    [`HashState`] (valid, missing, or invalid with the reason).
//! 3. [`SstpParameters::listener`] gives the effective listener (scheme and
//!    port, with 0 meaning 443 or 80), [`SstpParameters::hash_protocols`]
//!    the crypto-binding bitmask, and [`SstpParameters::hash_events`] the
//!    Events 18/19 that reading the key logs.
//! 4. A [`RegistryWrite`] is one change, by the service or by a fix; it
//!    renders as the `reg add` / `reg delete` command line a person pastes
//!    and applies to [`RegistryValues`], which render back to a `.reg`
//!    export or `reg query` text.
//!
//! The code is laid out by job: `value` (raw values and their rendering),
//! `parse` (the two texts), `parameters` (the typed view with Events 18/19)
//! and `write` (changes); everything public is re-exported here.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::event::EventId;
//! use sstp_cert::model::registry::{parse_registry_text, RegistryWrite, Scheme};
//!
//! // A `reg query` listing with a hash that is one byte short.
//! let listing = format!(
//!     "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\r\n\
//!      \x20   ListenerPort    REG_DWORD    0x1bb\r\n\
//!      \x20   isHashConfiguredByAdmin    REG_DWORD    0x1\r\n\
//!      \x20   SHA256CertificateHash    REG_BINARY    {}\r\n\r\n",
//!     "AB".repeat(31)
//! );
//! let parsed = parse_registry_text(listing.as_bytes())?;
//! let params = parsed.parameters();
//!
//! let listener = params.listener();
//! assert_eq!((listener.scheme, listener.port), (Scheme::Https, 443));
//!
//! let events = params.hash_events();
//! assert_eq!(events.len(), 1);
//! assert_eq!(events[0].id, EventId::Sha256HashInvalid);
//! assert!(events[0].message.contains("31 bytes"));
//!
//! // The fix of behaviour §0.2: delete the hash, as a command line to paste.
//! let fix = RegistryWrite::delete("SHA256CertificateHash");
//! assert_eq!(
//!     fix.to_reg_command()?,
//!     r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

// Shared by the submodules through `use super::*`.
use crate::model::event::{Event, EventId};
use crate::model::thumbprint::{CertHash, Sha1Thumbprint, Sha256Hash};
use crate::model::transcript::{SkippedLine, Transcript};

/// The key, spelled as `reg query` and regedit print it.
pub const PARAMETERS_KEY: &str =
    r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";

/// The key, spelled as people type it in `reg` commands.
pub const PARAMETERS_KEY_SHORT: &str = r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters";

/// The URL path SSTP serves on (from [MS-SSTP]), used in the listener URL.
pub const SSTP_URL_PATH: &str = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/";

/// The largest registry text accepted, in bytes (1 MiB). It is checked
/// before anything proportional to the input is allocated. A real
/// `Parameters` export is well under 4 KiB.
pub const MAX_REGISTRY_INPUT: usize = 1 << 20;

/// The most values (and deletion markers) kept for the `Parameters` key.
pub const MAX_REGISTRY_VALUES: usize = 1024;

/// The most data bytes in one hex-encoded value (64 KiB).
pub const MAX_VALUE_DATA: usize = 64 * 1024;

/// The names of the values [behaviour §4](crate::behaviour) defines, spelled as the service writes
/// them. Lookups are case-insensitive, so these match any spelling.
pub mod names {
    /// `UseHttps` (DWORD): 1 HTTPS, 0 plain HTTP behind a TLS offloader.
    pub const USE_HTTPS: &str = "UseHttps";
    /// `ListenerPort` (DWORD): 0 means the scheme's default port.
    pub const LISTENER_PORT: &str = "ListenerPort";
    /// `SHA256CertificateHash` (BINARY, 32 bytes).
    pub const SHA256_CERTIFICATE_HASH: &str = "SHA256CertificateHash";
    /// `SHA1CertificateHash` (BINARY, 20 bytes).
    pub const SHA1_CERTIFICATE_HASH: &str = "SHA1CertificateHash";
    /// `isHashConfiguredByAdmin` (DWORD): 1 admin mode, 0 automatic mode.
    pub const IS_HASH_CONFIGURED_BY_ADMIN: &str = "isHashConfiguredByAdmin";
    /// `SHA256Enabled` (DWORD): crypto-binding protocol bit 0x02.
    pub const SHA256_ENABLED: &str = "SHA256Enabled";
    /// `SHA1Enabled` (DWORD): crypto-binding protocol bit 0x01.
    pub const SHA1_ENABLED: &str = "SHA1Enabled";
}

mod parameters;
mod parse;
#[cfg(test)]
mod tests;
mod value;
mod write;

pub use crate::model::text::TextEncoding;
pub use parameters::*;
pub use parse::*;
pub use value::*;
pub use write::*;
