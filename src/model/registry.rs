//! The SSTP service's registry parameters (SPEC §4).
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
//! 2. [`SstpParameters::from_values`] applies SPEC §4's table: every value's
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
//! // The fix of SPEC §0.2: delete the hash, as a command line to paste.
//! let fix = RegistryWrite::delete("SHA256CertificateHash");
//! assert_eq!(
//!     fix.to_reg_command()?,
//!     r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f"#
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

#[cfg(feature = "serde")]
use serde::Serialize;
#[cfg(feature = "serde")]
use serde::ser::SerializeStruct;

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

/// The names of the values SPEC §4 defines, spelled as the service writes
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

// ---------------------------------------------------------------------------
// Raw values
// ---------------------------------------------------------------------------

const REG_SZ: u32 = 1;
const REG_EXPAND_SZ: u32 = 2;
const REG_BINARY: u32 = 3;
const REG_DWORD: u32 = 4;
const REG_MULTI_SZ: u32 = 7;
const REG_QWORD: u32 = 11;

/// Type names by type code, as `reg query` prints them.
const TYPE_NAMES: [&str; 12] = [
    "REG_NONE",
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_BINARY",
    "REG_DWORD",
    "REG_DWORD_BIG_ENDIAN",
    "REG_LINK",
    "REG_MULTI_SZ",
    "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTOR",
    "REG_RESOURCE_REQUIREMENTS_LIST",
    "REG_QWORD",
];

/// The name of a registry type code: `REG_…` for the twelve Windows
/// defines, `REG_UNKNOWN(0x…)` (this crate's notation) for any other code.
pub fn type_name(type_code: u32) -> Cow<'static, str> {
    usize::try_from(type_code)
        .ok()
        .and_then(|i| TYPE_NAMES.get(i))
        .map_or_else(
            || Cow::Owned(format!("REG_UNKNOWN(0x{type_code:x})")),
            |n| Cow::Borrowed(*n),
        )
}

/// The type code of a name printed by [`type_name`] (ASCII case-insensitive).
fn type_code_of_name(name: &str) -> Option<u32> {
    if let Some(i) = TYPE_NAMES.iter().position(|n| n.eq_ignore_ascii_case(name)) {
        return u32::try_from(i).ok();
    }
    let code = strip_prefix_ic(name, "REG_UNKNOWN(0x")?.strip_suffix(')')?;
    parse_hex_u64(code, 8).and_then(|c| u32::try_from(c).ok())
}

/// One registry value's data, typed as Windows types it.
///
/// [`RegValue::from_raw`] builds the canonical form from a type code and
/// data bytes: a DWORD of exactly 4 bytes is a [`RegValue::Dword`], a string
/// type that decodes as UTF-16LE is a string, and so on. Whatever does not
/// fit its type (a "REG_DWORD" of 3 bytes, a string of odd length) and every
/// other type is kept as [`RegValue::Other`] with its raw bytes, so nothing
/// is lost and the typed view can report "wrong type or length".
///
/// Serialises as `{"type": "REG_DWORD", "type_code": 4, "data": …}` where
/// `data` is a number, a string, a list of strings, or lowercase hex for
/// binary and raw data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegValue {
    /// `REG_DWORD` (4 bytes, little-endian).
    Dword(u32),
    /// `REG_QWORD` (8 bytes, little-endian).
    Qword(u64),
    /// `REG_BINARY`.
    Binary(Vec<u8>),
    /// `REG_SZ`, without its terminating NUL.
    String(String),
    /// `REG_EXPAND_SZ`, unexpanded, without its terminating NUL.
    ExpandString(String),
    /// `REG_MULTI_SZ`: the strings, without the trailing empty ones that
    /// terminate the list.
    MultiString(Vec<String>),
    /// Any other type (`REG_NONE`, `REG_LINK`, …, unknown codes), or data
    /// that does not fit its type, with the raw bytes.
    Other {
        /// The registry type code (`REG_NONE` is 0).
        type_code: u32,
        /// The raw data bytes.
        data: Vec<u8>,
    },
}

impl RegValue {
    /// The canonical value for a type code and the raw bytes Windows stores
    /// (strings as UTF-16LE). See the [type documentation](RegValue).
    ///
    /// ```
    /// use sstp_cert::model::registry::RegValue;
    /// assert_eq!(RegValue::from_raw(4, vec![1, 0, 0, 0]), RegValue::Dword(1));
    /// assert_eq!(
    ///     RegValue::from_raw(4, vec![1, 0, 0]),
    ///     RegValue::Other { type_code: 4, data: vec![1, 0, 0] }
    /// );
    /// assert_eq!(RegValue::from_raw(1, b"o\0k\0\0\0".to_vec()), RegValue::String("ok".into()));
    /// ```
    pub fn from_raw(type_code: u32, data: Vec<u8>) -> RegValue {
        Self::from_raw_with(type_code, data, true)
    }

    /// As [`RegValue::from_raw`]; `wide` false decodes strings as 8-bit
    /// characters, as `REGEDIT4` files store them.
    fn from_raw_with(type_code: u32, data: Vec<u8>, wide: bool) -> RegValue {
        let other = |data| RegValue::Other { type_code, data };
        match type_code {
            REG_DWORD => match <[u8; 4]>::try_from(data.as_slice()) {
                Ok(b) => RegValue::Dword(u32::from_le_bytes(b)),
                Err(_) => other(data),
            },
            REG_QWORD => match <[u8; 8]>::try_from(data.as_slice()) {
                Ok(b) => RegValue::Qword(u64::from_le_bytes(b)),
                Err(_) => other(data),
            },
            REG_BINARY => RegValue::Binary(data),
            REG_SZ | REG_EXPAND_SZ | REG_MULTI_SZ => {
                let Some(mut text) = decode_data_string(&data, wide) else {
                    return other(data);
                };
                match type_code {
                    REG_MULTI_SZ => {
                        let mut items: Vec<String> = text.split('\0').map(str::to_owned).collect();
                        while items.last().is_some_and(String::is_empty) {
                            items.pop();
                        }
                        RegValue::MultiString(items)
                    }
                    _ => {
                        if text.ends_with('\0') {
                            text.pop();
                        }
                        if type_code == REG_SZ {
                            RegValue::String(text)
                        } else {
                            RegValue::ExpandString(text)
                        }
                    }
                }
            }
            _ => other(data),
        }
    }

    /// The type code and the bytes Windows would store: integers
    /// little-endian, strings UTF-16LE with their terminating NUL (a
    /// multi-string list ends with an extra NUL).
    pub fn to_raw(&self) -> (u32, Vec<u8>) {
        fn utf16(s: &str, out: &mut Vec<u8>) {
            out.extend(s.encode_utf16().chain([0]).flat_map(u16::to_le_bytes));
        }
        match self {
            RegValue::Dword(v) => (REG_DWORD, v.to_le_bytes().to_vec()),
            RegValue::Qword(v) => (REG_QWORD, v.to_le_bytes().to_vec()),
            RegValue::Binary(b) => (REG_BINARY, b.clone()),
            RegValue::String(s) | RegValue::ExpandString(s) => {
                let mut out = Vec::with_capacity(s.len() * 2 + 2);
                utf16(s, &mut out);
                (self.type_code(), out)
            }
            RegValue::MultiString(items) => {
                let mut out = Vec::new();
                for s in items {
                    utf16(s, &mut out);
                }
                out.extend([0, 0]);
                (REG_MULTI_SZ, out)
            }
            RegValue::Other { type_code, data } => (*type_code, data.clone()),
        }
    }

    /// The registry type code.
    pub fn type_code(&self) -> u32 {
        match self {
            RegValue::Dword(_) => REG_DWORD,
            RegValue::Qword(_) => REG_QWORD,
            RegValue::Binary(_) => REG_BINARY,
            RegValue::String(_) => REG_SZ,
            RegValue::ExpandString(_) => REG_EXPAND_SZ,
            RegValue::MultiString(_) => REG_MULTI_SZ,
            RegValue::Other { type_code, .. } => *type_code,
        }
    }

    /// The type name as `reg query` prints it (see [`type_name`]).
    pub fn type_name(&self) -> Cow<'static, str> {
        type_name(self.type_code())
    }

    /// The canonical form of this value (only [`RegValue::Other`] changes,
    /// when its bytes fit a typed variant).
    fn canonical(&self) -> Cow<'_, RegValue> {
        match self {
            RegValue::Other { type_code, data } => {
                Cow::Owned(RegValue::from_raw(*type_code, data.clone()))
            }
            v => Cow::Borrowed(v),
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for RegValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("RegValue", 3)?;
        st.serialize_field("type", &self.type_name())?;
        st.serialize_field("type_code", &self.type_code())?;
        match self {
            RegValue::Dword(v) => st.serialize_field("data", v)?,
            RegValue::Qword(v) => st.serialize_field("data", v)?,
            RegValue::Binary(b) | RegValue::Other { data: b, .. } => {
                st.serialize_field("data", &hex::encode(b))?
            }
            RegValue::String(v) | RegValue::ExpandString(v) => st.serialize_field("data", v)?,
            RegValue::MultiString(v) => st.serialize_field("data", v)?,
        }
        st.end()
    }
}

/// Decodes string data: UTF-16LE (`wide`), or one byte per character.
fn decode_data_string(data: &[u8], wide: bool) -> Option<String> {
    if !wide {
        return Some(data.iter().map(|&b| char::from(b)).collect());
    }
    let (units, []) = data.as_chunks::<2>() else {
        return None;
    };
    char::decode_utf16(units.iter().map(|u| u16::from_le_bytes(*u)))
        .collect::<Result<String, _>>()
        .ok()
}

/// One named value of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RegistryEntry {
    /// The name as spelled in the input; the empty string is the key's
    /// default value (`@` in a `.reg` file, `(Default)` in `reg query`).
    pub name: String,
    /// The data.
    pub value: RegValue,
}

/// The values of one registry key, in order, with case-insensitive lookup.
///
/// Windows compares value names case-insensitively, so `get("usehttps")`
/// finds `UseHttps`. Each value keeps the spelling it was first stored
/// with; [`RegistryValues::set`] on an existing name replaces the data and
/// keeps that spelling, as the registry does.
///
/// ```
/// use sstp_cert::model::registry::{RegValue, RegistryValues};
/// let mut values = RegistryValues::new();
/// values.set("UseHttps", RegValue::Dword(1));
/// values.set("USEHTTPS", RegValue::Dword(0));
/// assert_eq!(values.len(), 1);
/// assert_eq!(values.get("usehttps"), Some(&RegValue::Dword(0)));
/// assert_eq!(values.iter().next().unwrap().name, "UseHttps");
/// ```
#[derive(Clone, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct RegistryValues {
    entries: Vec<RegistryEntry>,
    /// Folded name (see [`fold_name`]) → position in `entries`, so that
    /// lookups cost the length of the name, not of the key.
    #[cfg_attr(feature = "serde", serde(skip))]
    index: HashMap<String, usize>,
}

impl PartialEq for RegistryValues {
    /// Same names (spelling included), values and order.
    fn eq(&self, other: &Self) -> bool {
        self.entries == other.entries
    }
}

impl Eq for RegistryValues {}

impl fmt::Debug for RegistryValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.entries).finish()
    }
}

/// A value name folded for case-insensitive comparison, as Windows
/// compares names: each character upcased on its own (no expansions such
/// as `ß` → `SS`).
fn fold_name(name: &str) -> String {
    if name.is_ascii() {
        return name.to_ascii_uppercase();
    }
    name.chars()
        .map(|c| {
            let mut up = c.to_uppercase();
            match (up.next(), up.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        })
        .collect()
}

impl RegistryValues {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The values in order.
    pub fn iter(&self) -> std::slice::Iter<'_, RegistryEntry> {
        self.entries.iter()
    }

    /// The value with this name, compared case-insensitively.
    pub fn get(&self, name: &str) -> Option<&RegValue> {
        self.entry(name).map(|e| &e.value)
    }

    /// The entry with this name (to see its original spelling).
    pub fn entry(&self, name: &str) -> Option<&RegistryEntry> {
        let i = *self.index.get(&fold_name(name))?;
        self.entries.get(i)
    }

    /// Whether a value with this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(&fold_name(name))
    }

    /// Stores a value. An existing value of the same name (in any case) is
    /// replaced in place and keeps its spelling; the old data is returned.
    pub fn set(&mut self, name: impl Into<String>, value: RegValue) -> Option<RegValue> {
        let name = name.into();
        let folded = fold_name(&name);
        if let Some(e) = self
            .index
            .get(&folded)
            .and_then(|&i| self.entries.get_mut(i))
        {
            return Some(std::mem::replace(&mut e.value, value));
        }
        self.index.insert(folded, self.entries.len());
        self.entries.push(RegistryEntry { name, value });
        None
    }

    /// Removes a value, returning it if it existed.
    pub fn remove(&mut self, name: &str) -> Option<RegistryEntry> {
        let i = self.index.remove(&fold_name(name))?;
        for position in self.index.values_mut() {
            if *position > i {
                *position -= 1;
            }
        }
        (i < self.entries.len()).then(|| self.entries.remove(i))
    }

    /// Applies one write, as the registry would.
    pub fn apply(&mut self, write: &RegistryWrite) {
        match write {
            RegistryWrite::Set { name, value } => {
                self.set(name.clone(), value.clone());
            }
            RegistryWrite::Delete { name } => {
                self.remove(name);
            }
        }
    }

    /// Applies writes in order.
    pub fn apply_all<'a>(&mut self, writes: impl IntoIterator<Item = &'a RegistryWrite>) {
        for w in writes {
            self.apply(w);
        }
    }

    /// Renders the values as a regedit export of the `Parameters` key:
    /// `Windows Registry Editor Version 5.00`, CRLF line ends, hex lists
    /// wrapped at 80 columns with `\` continuation lines.
    ///
    /// [`parse_reg_file`] reads the result back to equal values, for every
    /// value whose name has no control character (a name cannot be escaped
    /// in the format). Strings with control characters are written as
    /// `hex(1):`/`hex(2):` so that they survive.
    pub fn to_reg_file(&self) -> String {
        let mut out = String::with_capacity(128 + self.entries.len() * 64);
        out.push_str(REGEDIT5_HEADER);
        out.push_str("\r\n\r\n[");
        out.push_str(PARAMETERS_KEY);
        out.push_str("]\r\n");
        for e in &self.entries {
            render_reg_entry(&mut out, e);
        }
        out.push_str("\r\n");
        out
    }

    /// [`RegistryValues::to_reg_file`] encoded as regedit writes files:
    /// UTF-16LE with a byte-order mark.
    pub fn to_reg_file_utf16(&self) -> Vec<u8> {
        let text = self.to_reg_file();
        let mut out = Vec::with_capacity(2 + text.len() * 2);
        out.extend([0xFF, 0xFE]);
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    /// Renders the values as `reg query` prints the key: a blank line, the
    /// key path, one `    Name    REG_TYPE    data` line per value, a blank
    /// line (CRLF line ends). DWORD and QWORD as `0x` + lowercase hex,
    /// binary as uppercase hex, multi-strings joined by `\0`, the default
    /// value named `(Default)`.
    ///
    /// This is a display format. [`parse_reg_query`] reads it back to equal
    /// values when names contain no four consecutive spaces and no line
    /// break and are not `(Default)`, strings contain no line break,
    /// multi-string items contain no `\0` text and no NUL and the last one
    /// is not empty (as in any value Windows stores), and no value is an
    /// undecodable string ([`RegValue::Other`] with a string type code).
    pub fn to_reg_query(&self) -> String {
        let mut out = String::with_capacity(128 + self.entries.len() * 64);
        out.push_str("\r\n");
        out.push_str(PARAMETERS_KEY);
        out.push_str("\r\n");
        for e in &self.entries {
            out.push_str("    ");
            out.push_str(if e.name.is_empty() {
                "(Default)"
            } else {
                &e.name
            });
            out.push_str("    ");
            out.push_str(&e.value.type_name());
            out.push_str("    ");
            match &e.value {
                RegValue::Dword(v) => out.push_str(&format!("0x{v:x}")),
                RegValue::Qword(v) => out.push_str(&format!("0x{v:x}")),
                RegValue::String(s) | RegValue::ExpandString(s) => out.push_str(s),
                RegValue::MultiString(items) => out.push_str(&items.join("\\0")),
                RegValue::Binary(b) | RegValue::Other { data: b, .. } => {
                    out.push_str(&hex::encode_upper(b))
                }
            }
            out.push_str("\r\n");
        }
        out.push_str("\r\n");
        out
    }
}

impl<'a> IntoIterator for &'a RegistryValues {
    type Item = &'a RegistryEntry;
    type IntoIter = std::slice::Iter<'a, RegistryEntry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl<N: Into<String>> FromIterator<(N, RegValue)> for RegistryValues {
    /// Collects with [`RegistryValues::set`]: a later value of the same
    /// name replaces an earlier one.
    fn from_iter<I: IntoIterator<Item = (N, RegValue)>>(iter: I) -> Self {
        let mut values = RegistryValues::new();
        for (n, v) in iter {
            values.set(n, v);
        }
        values
    }
}

const REGEDIT5_HEADER: &str = "Windows Registry Editor Version 5.00";
const REGEDIT4_HEADER: &str = "REGEDIT4";

/// Escapes `\` and `"` as regedit does inside quotes.
fn reg_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        if matches!(c, '\\' | '"') {
            out.push('\\');
        }
        out.push(c);
    }
}

fn render_reg_entry(out: &mut String, e: &RegistryEntry) {
    let start = out.len();
    if e.name.is_empty() {
        out.push('@');
    } else {
        out.push('"');
        reg_escape(&e.name, out);
        out.push('"');
    }
    out.push('=');
    match &e.value {
        RegValue::Dword(v) => out.push_str(&format!("dword:{v:08x}")),
        RegValue::String(s) if !s.chars().any(char::is_control) => {
            out.push('"');
            reg_escape(s, out);
            out.push('"');
        }
        RegValue::Binary(b) => {
            out.push_str("hex:");
            render_hex_list(out, start, b);
        }
        other => {
            let (code, data) = other.to_raw();
            out.push_str(&format!("hex({code:x}):"));
            render_hex_list(out, start, &data);
        }
    }
    out.push_str("\r\n");
}

/// Writes `ab,cd,…` wrapping before 80 columns with `\` and two-space
/// continuation lines, as regedit does. `line_start` is where the current
/// line began in `out`.
fn render_hex_list(out: &mut String, line_start: usize, data: &[u8]) {
    const WIDTH: usize = 80;
    let mut column = out.len().saturating_sub(line_start);
    for (i, b) in data.iter().enumerate() {
        let last = i + 1 == data.len();
        let item_len = if last { 2 } else { 3 };
        // keep room for the trailing backslash
        if column + item_len > WIDTH - 1 {
            out.push_str("\\\r\n  ");
            column = 2;
        }
        out.push_str(&format!("{b:02x}"));
        if !last {
            out.push(',');
        }
        column += item_len;
    }
}

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/// Which text a [`ParsedRegistry`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum RegistryFormat {
    /// A `.reg` file with the `Windows Registry Editor Version 5.00` header.
    Regedit5,
    /// A `.reg` file with the `REGEDIT4` header (strings in `hex(2)`/`hex(7)`
    /// are 8-bit there, not UTF-16).
    Regedit4,
    /// The output of `reg query`.
    RegQuery,
}

/// How the input bytes were decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum TextEncoding {
    /// UTF-8 (or ASCII) without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark.
    Utf8Bom,
    /// UTF-16LE with a byte-order mark (regedit, PowerShell redirection).
    Utf16LeBom,
    /// UTF-16LE without a byte-order mark (recognised by its first
    /// character being ASCII).
    Utf16Le,
    /// UTF-16BE with a byte-order mark.
    Utf16BeBom,
    /// Not valid UTF-8: decoded one byte per character (ISO-8859-1), as a
    /// best effort for the 8-bit code page `cmd` and `REGEDIT4` use.
    Latin1,
}

/// A parsed `.reg` export or `reg query` listing of the `Parameters` key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ParsedRegistry {
    /// Which text it was.
    pub format: RegistryFormat,
    /// How its bytes were decoded.
    pub encoding: TextEncoding,
    /// The `Parameters` key path as the input spells it.
    pub key: String,
    /// The key's values, in input order. When the input names the key more
    /// than once, later values replace earlier ones, as an import would.
    pub values: RegistryValues,
    /// Names a `.reg` file deletes (`"Name"=-`) and does not set again
    /// afterwards, in the order first deleted: a sign that the file is an
    /// edit script, not an export.
    pub deleted: Vec<String>,
    /// Console prompt, command-echo and PowerShell transcript-header lines
    /// that were skipped (SPEC §12), in input order.
    pub skipped: Vec<SkippedLine>,
}

impl ParsedRegistry {
    /// The typed view of the values (SPEC §4's table).
    pub fn parameters(&self) -> SstpParameters {
        SstpParameters::from_values(&self.values)
    }
}

/// Why registry text could not be read.
///
/// Messages name the line (counted from 1 after decoding), the value where
/// known, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryParseError {
    /// The input is larger than [`MAX_REGISTRY_INPUT`].
    #[error("registry text is {len} bytes long, more than the {max} accepted")]
    TooLarge {
        /// Input length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Nothing but white space.
    #[error("the input is empty: expected a .reg export or `reg query` output")]
    Empty,
    /// A UTF-16 input with an odd byte count or an unpaired surrogate.
    #[error("the input is not valid UTF-16: {problem} at byte offset {offset}")]
    InvalidUtf16 {
        /// Byte offset of the offending code unit in the input.
        offset: usize,
        /// What is wrong.
        problem: &'static str,
    },
    /// Neither a `.reg` export nor `reg query` output.
    #[error(
        "line {line}: not a .reg export or `reg query` output: found {found:?}, expected the header `Windows Registry Editor Version 5.00` or `REGEDIT4`, or a key line such as `{key}`",
        key = PARAMETERS_KEY
    )]
    UnrecognizedFormat {
        /// Line number.
        line: usize,
        /// The start of that line.
        found: String,
    },
    /// A `.reg` file whose first line is not a header.
    #[error(
        "line {line}: expected the .reg header `Windows Registry Editor Version 5.00` or `REGEDIT4`, found {found:?}"
    )]
    MissingHeader {
        /// Line number.
        line: usize,
        /// The start of that line.
        found: String,
    },
    /// `reg query` reported that the key does not exist (`ERROR: The system
    /// was unable to find the specified registry key or value.`).
    #[error(
        "line {line}: reg.exe could not find the key ({message:?}): the SSTP service (RRAS) is not installed on that machine, or the key path was mistyped"
    )]
    KeyNotFound {
        /// Line number.
        line: usize,
        /// reg.exe's message.
        message: String,
    },
    /// Another `ERROR:` line from reg.exe.
    #[error("line {line}: reg.exe reported an error: {message:?}")]
    RegExeError {
        /// Line number.
        line: usize,
        /// reg.exe's message.
        message: String,
    },
    /// The input holds keys, but not `SstpSvc\Parameters`.
    #[error(
        "the input has no `{key}` key ({found}): export or query exactly that key",
        key = PARAMETERS_KEY,
        found = describe_keys(keys, *more)
    )]
    ParametersKeyAbsent {
        /// The first keys the input names (at most 8).
        keys: Vec<String>,
        /// How many more keys it names.
        more: usize,
    },
    /// More than [`MAX_REGISTRY_VALUES`] values in the key.
    #[error("line {line}: more than {max} values in the SstpSvc\\Parameters key")]
    TooManyValues {
        /// Line number.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// A line that does not follow the format.
    #[error("line {line}: {}{problem}", value_label(value.as_deref()))]
    Syntax {
        /// Line number.
        line: usize,
        /// The value being read, when known (`Some("")` is the default
        /// value).
        value: Option<String>,
        /// What was wrong and what was expected.
        problem: SyntaxProblem,
    },
}

fn value_label(value: Option<&str>) -> String {
    match value {
        None => String::new(),
        Some("") => "default value (@): ".to_owned(),
        Some(name) => format!("value {:?}: ", snippet(name)),
    }
}

fn describe_keys(keys: &[String], more: usize) -> String {
    if keys.is_empty() {
        return "it names no key at all".to_owned();
    }
    let mut s = format!("keys found: {}", keys.join(", "));
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// The detail of a [`RegistryParseError::Syntax`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxProblem {
    /// An item of a `hex:` list is not two hex digits.
    #[error("invalid hex byte {found:?} (expected two hex digits)")]
    InvalidHexByte {
        /// The item.
        found: String,
    },
    /// Two commas with nothing between them.
    #[error("empty item in the hex list (expected two hex digits between commas)")]
    EmptyHexByte,
    /// A hex list line ends with `\` but no continuation line follows.
    #[error("the hex list ends with \"\\\" but no continuation line follows")]
    MissingContinuation,
    /// `dword:` not followed by 1 to 8 hex digits.
    #[error("invalid dword {found:?} (expected 1 to 8 hex digits after \"dword:\")")]
    InvalidDword {
        /// The text after `dword:`.
        found: String,
    },
    /// `hex(` not followed by a hex type number, `)` and `:`.
    #[error("invalid {found:?} (expected hex(<type number in hex>): such as hex(b):)")]
    InvalidHexType {
        /// The data text.
        found: String,
    },
    /// Data that is none of the .reg forms.
    #[error(
        "unknown data {found:?} (expected \"string\", dword:<hex>, hex:<bytes>, hex(<type>):<bytes> or -)"
    )]
    UnknownDataType {
        /// The data text.
        found: String,
    },
    /// A string value without its closing quote.
    #[error("the string has no closing quote")]
    UnterminatedString,
    /// A value name without its closing quote.
    #[error("the value name has no closing quote")]
    UnterminatedName,
    /// No `=` after the value name.
    #[error("expected \"=\" after the value name, found {found:?}")]
    MissingEquals {
        /// What followed the name.
        found: String,
    },
    /// Text after a complete value.
    #[error("unexpected text {found:?} after the closing quote")]
    TrailingText {
        /// The text.
        found: String,
    },
    /// More than [`MAX_VALUE_DATA`] bytes of data.
    #[error("the data is longer than {max} bytes")]
    ValueTooLong {
        /// The limit.
        max: usize,
    },
    /// A value line before any key line.
    #[error("a value before any key line (expected a key line first)")]
    ValueOutsideKey,
    /// A `.reg` line that is no key, value or comment.
    #[error("expected a [key] line, a \"name\"=value line or a ; comment, found {found:?}")]
    UnexpectedLine {
        /// The line.
        found: String,
    },
    /// A `[` line without its `]`.
    #[error("expected a key line ending with \"]\", found {found:?}")]
    InvalidKeyLine {
        /// The line.
        found: String,
    },
    /// A `reg query` value line that is not `name    type    data`.
    #[error("expected \"    <name>    <REG_TYPE>    <data>\", found {found:?}")]
    InvalidQueryValueLine {
        /// The line.
        found: String,
    },
    /// A `reg query` type name this crate does not know.
    #[error(
        "unknown value type {found:?} (expected REG_SZ, REG_EXPAND_SZ, REG_BINARY, REG_DWORD, REG_QWORD, REG_MULTI_SZ, REG_NONE or another REG_ type)"
    )]
    UnknownRegType {
        /// The type token.
        found: String,
    },
    /// A `reg query` DWORD/QWORD that is not `0x` + hex digits.
    #[error(
        "invalid {type_name} data {found:?} (expected 0x followed by up to {digits} hex digits)"
    )]
    InvalidNumber {
        /// `REG_DWORD` or `REG_QWORD`.
        type_name: &'static str,
        /// The data.
        found: String,
        /// Maximum digits (8 or 16).
        digits: usize,
    },
    /// `reg query` binary data that is not hex.
    #[error("invalid binary data {found:?} (expected an even number of hex digits)")]
    InvalidHexData {
        /// The data.
        found: String,
    },
    /// A `reg query` line that is neither a key, a value nor a known
    /// message.
    #[error(
        "expected a key line (HKEY_LOCAL_MACHINE\\...) or an indented value line, found {found:?}"
    )]
    UnexpectedQueryLine {
        /// The line.
        found: String,
    },
}

/// The start of `s`, for error messages.
fn snippet(s: &str) -> String {
    snippet_n(s, 48)
}

/// The first `max` characters of `s`, with `…` when cut.
fn snippet_n(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

fn strip_prefix_ic<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// 1 to `max_digits` hex digits (no sign, no prefix).
fn parse_hex_u64(s: &str, max_digits: usize) -> Option<u64> {
    if s.is_empty() || s.len() > max_digits || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(s, 16).ok()
}

/// Decodes the input bytes to text.
fn decode_text(bytes: &[u8]) -> Result<(String, TextEncoding), RegistryParseError> {
    if bytes.len() > MAX_REGISTRY_INPUT {
        return Err(RegistryParseError::TooLarge {
            len: bytes.len(),
            max: MAX_REGISTRY_INPUT,
        });
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        (decode_utf16(rest, 2, false)?, TextEncoding::Utf16LeBom)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        (decode_utf16(rest, 2, true)?, TextEncoding::Utf16BeBom)
    } else if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        match std::str::from_utf8(rest) {
            Ok(s) => (s.to_owned(), TextEncoding::Utf8Bom),
            Err(_) => (latin1(rest), TextEncoding::Latin1),
        }
    } else if matches!(bytes, [first, 0, ..] if *first != 0 && first.is_ascii()) {
        (decode_utf16(bytes, 0, false)?, TextEncoding::Utf16Le)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_owned(), TextEncoding::Utf8),
            Err(_) => (latin1(bytes), TextEncoding::Latin1),
        }
    };
    // A stray second byte-order mark, and NULs some tools pad files with.
    let mut text = text;
    let end = text.trim_end_matches('\0').len();
    text.truncate(end);
    let start = text.len() - text.trim_start_matches('\u{FEFF}').len();
    text.drain(..start);
    Ok((text, encoding))
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn decode_utf16(bytes: &[u8], base: usize, big_endian: bool) -> Result<String, RegistryParseError> {
    let (units, []) = bytes.as_chunks::<2>() else {
        return Err(RegistryParseError::InvalidUtf16 {
            offset: base + bytes.len() - 1,
            problem: "odd number of bytes",
        });
    };
    let mut out = String::with_capacity(bytes.len() / 2);
    let units = units.iter().map(|&pair| {
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    // Track the position of each code unit to name a bad one.
    let mut offset = base;
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => {
                offset += c.len_utf16() * 2;
                out.push(c);
            }
            Err(_) => {
                return Err(RegistryParseError::InvalidUtf16 {
                    offset,
                    problem: "unpaired surrogate",
                });
            }
        }
    }
    Ok(out)
}

/// Lines split at CRLF, LF or CR, numbered from 1.
struct LineReader<'a> {
    rest: &'a str,
    number: usize,
}

impl<'a> LineReader<'a> {
    fn new(text: &'a str) -> Self {
        LineReader {
            rest: text,
            number: 0,
        }
    }
}

impl<'a> Iterator for LineReader<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<(usize, &'a str)> {
        if self.rest.is_empty() {
            return None;
        }
        let (line, rest) = match self.rest.find(['\r', '\n']) {
            Some(i) => {
                let (line, tail) = self.rest.split_at(i);
                let tail = tail
                    .strip_prefix("\r\n")
                    .or_else(|| tail.get(1..))
                    .unwrap_or("");
                (line, tail)
            }
            None => (self.rest, ""),
        };
        self.rest = rest;
        self.number += 1;
        Some((self.number, line))
    }
}

/// The lines of the input with console transcript lines (prompts, command
/// echoes, PowerShell transcript headers; SPEC §12) skipped and recorded.
struct Lines<'a> {
    inner: LineReader<'a>,
    transcript: Transcript,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            inner: LineReader::new(text),
            transcript: Transcript::new(),
        }
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, &'a str);
    fn next(&mut self) -> Option<(usize, &'a str)> {
        loop {
            let (n, line) = self.inner.next()?;
            if !self.transcript.skip(n, line) {
                return Some((n, line));
            }
        }
    }
}

/// Whether a key path names `SstpSvc\Parameters` of the local machine
/// (`HKEY_LOCAL_MACHINE` or `HKLM`; `CurrentControlSet` or `ControlSetNNN`;
/// an optional `\\host\` prefix; any case).
fn is_parameters_key(path: &str) -> bool {
    let path = path.trim().trim_end_matches('\\');
    let path = match path.strip_prefix("\\\\") {
        Some(remote) => match remote.split_once('\\') {
            Some((_, p)) => p,
            None => return false,
        },
        None => path,
    };
    let ic = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let parts: Vec<&str> = path.split('\\').collect();
    let [hive, system, control_set, services, sstp, parameters] = parts.as_slice() else {
        return false;
    };
    (ic(hive, "HKEY_LOCAL_MACHINE") || ic(hive, "HKLM"))
        && ic(system, "SYSTEM")
        && (ic(control_set, "CurrentControlSet")
            || strip_prefix_ic(control_set, "ControlSet")
                .is_some_and(|n| n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit())))
        && ic(services, "Services")
        && ic(sstp, "SstpSvc")
        && ic(parameters, "Parameters")
}

/// Whether a `reg query` line is a key path.
fn is_key_line(line: &str) -> bool {
    if line.starts_with("\\\\") {
        return true;
    }
    let hive = line.split('\\').next().unwrap_or("");
    strip_prefix_ic(hive, "HKEY_").is_some()
        || ["HKLM", "HKCU", "HKCR", "HKU", "HKCC"]
            .iter()
            .any(|h| hive.eq_ignore_ascii_case(h))
}

/// Collects the values of the `Parameters` key while a parser walks the
/// input.
#[derive(Default)]
struct Collector {
    /// `None` before the first key line; `Some(true)` inside the
    /// `Parameters` key.
    current: Option<bool>,
    found: Option<String>,
    keys: Vec<String>,
    more_keys: usize,
    values: RegistryValues,
    /// Names with a deletion marker, each once, in the order first deleted.
    deleted: Vec<String>,
    /// Folded name → whether its last marker still stands (not set again).
    deleted_now: HashMap<String, bool>,
}

impl Collector {
    const LISTED_KEYS: usize = 8;

    fn open_key(&mut self, path: &str) {
        let is_params = is_parameters_key(path);
        if is_params {
            self.found.get_or_insert_with(|| path.trim().to_owned());
        } else if self.keys.len() < Self::LISTED_KEYS {
            self.keys.push(snippet_n(path.trim(), 200));
        } else {
            self.more_keys += 1;
        }
        self.current = Some(is_params);
    }

    /// `[-key]`: deleting the `Parameters` key drops what was collected;
    /// values after a deletion line are ignored.
    fn delete_key(&mut self, path: &str) {
        if is_parameters_key(path) {
            self.values = RegistryValues::new();
            self.deleted.clear();
            self.deleted_now.clear();
        }
        self.current = Some(false);
    }

    /// A value (`Some`) or a deletion marker (`None`) read at `line`.
    fn value(
        &mut self,
        line: usize,
        name: String,
        value: Option<RegValue>,
    ) -> Result<(), RegistryParseError> {
        match self.current {
            None => Err(RegistryParseError::Syntax {
                line,
                value: Some(name),
                problem: SyntaxProblem::ValueOutsideKey,
            }),
            Some(false) => Ok(()),
            Some(true) => {
                let folded = fold_name(&name);
                let marked = self.deleted_now.get_mut(&folded);
                if marked.is_none()
                    && !self.values.contains(&name)
                    && self.values.len() + self.deleted.len() >= MAX_REGISTRY_VALUES
                {
                    return Err(RegistryParseError::TooManyValues {
                        line,
                        max: MAX_REGISTRY_VALUES,
                    });
                }
                match (value, marked) {
                    (Some(v), marked) => {
                        if let Some(m) = marked {
                            *m = false;
                        }
                        self.values.set(name, v);
                    }
                    (None, Some(m)) => {
                        *m = true;
                        self.values.remove(&name);
                    }
                    (None, None) => {
                        self.values.remove(&name);
                        self.deleted_now.insert(folded, true);
                        self.deleted.push(name);
                    }
                }
                Ok(())
            }
        }
    }

    fn finish(
        self,
        format: RegistryFormat,
        encoding: TextEncoding,
        skipped: Vec<SkippedLine>,
    ) -> Result<ParsedRegistry, RegistryParseError> {
        match self.found {
            Some(key) => Ok(ParsedRegistry {
                format,
                encoding,
                key,
                values: self.values,
                deleted: self
                    .deleted
                    .into_iter()
                    .filter(|n| self.deleted_now.get(&fold_name(n)) == Some(&true))
                    .collect(),
                skipped,
            }),
            None => Err(RegistryParseError::ParametersKeyAbsent {
                keys: self.keys,
                more: self.more_keys,
            }),
        }
    }
}

/// Parses a regedit export (`.reg` file) and returns the values of its
/// `SstpSvc\Parameters` key.
///
/// Accepts both headers (`Windows Registry Editor Version 5.00` and
/// `REGEDIT4`); key lines with `HKEY_LOCAL_MACHINE` or `HKLM`; `"Name"=` and
/// `@=` (the default value); `"string"` with `\\` and `\"` escapes,
/// `dword:`, `hex:` and `hex(<type>):` lists with `\` continuation lines,
/// `-` deletion markers; `[-key]` deletions; `;` comments and blank lines.
/// Other keys in the file are checked for syntax and skipped. Text pasted
/// from a console (`C:\>type sstp.reg`, `PS C:\> Get-Content sstp.reg`,
/// the next prompt, PowerShell transcript headers) is read too: those lines
/// are skipped and returned in [`ParsedRegistry::skipped`] (SPEC §12).
///
/// # Errors
///
/// [`RegistryParseError::TooLarge`] beyond [`MAX_REGISTRY_INPUT`];
/// [`RegistryParseError::InvalidUtf16`]; [`RegistryParseError::Empty`];
/// [`RegistryParseError::MissingHeader`]; [`RegistryParseError::Syntax`]
/// naming the line, the value and what was expected;
/// [`RegistryParseError::TooManyValues`];
/// [`RegistryParseError::ParametersKeyAbsent`] listing the keys the file
/// does name.
pub fn parse_reg_file(input: &[u8]) -> Result<ParsedRegistry, RegistryParseError> {
    let (text, encoding) = decode_text(input)?;
    parse_reg_text(&text, encoding)
}

fn parse_reg_text(
    text: &str,
    encoding: TextEncoding,
) -> Result<ParsedRegistry, RegistryParseError> {
    let mut lines = Lines::new(text);
    let (header_line, header) = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or(RegistryParseError::Empty)?;
    let header = header.trim();
    let format = if header.eq_ignore_ascii_case(REGEDIT5_HEADER) {
        RegistryFormat::Regedit5
    } else if header.eq_ignore_ascii_case(REGEDIT4_HEADER) {
        RegistryFormat::Regedit4
    } else {
        return Err(RegistryParseError::MissingHeader {
            line: header_line,
            found: snippet(header),
        });
    };
    let wide = format == RegistryFormat::Regedit5;
    let mut collector = Collector::default();
    while let Some((n, raw)) = lines.next() {
        let line = raw.trim();
        let syntax = |value: Option<&str>, problem| RegistryParseError::Syntax {
            line: n,
            value: value.map(str::to_owned),
            problem,
        };
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        if let Some(inner) = line.strip_prefix('[') {
            let Some(path) = inner.strip_suffix(']') else {
                return Err(syntax(
                    None,
                    SyntaxProblem::InvalidKeyLine {
                        found: snippet(line),
                    },
                ));
            };
            match path.strip_prefix('-') {
                Some(deleted) => collector.delete_key(deleted),
                None => collector.open_key(path),
            }
            continue;
        }
        let (name, rest) = if let Some(rest) = line.strip_prefix('@') {
            (String::new(), rest)
        } else if let Some(rest) = line.strip_prefix('"') {
            parse_quoted(rest).ok_or_else(|| syntax(None, SyntaxProblem::UnterminatedName))?
        } else {
            return Err(syntax(
                None,
                SyntaxProblem::UnexpectedLine {
                    found: snippet(line),
                },
            ));
        };
        let Some(data) = rest.trim_start().strip_prefix('=') else {
            return Err(syntax(
                Some(&name),
                SyntaxProblem::MissingEquals {
                    found: snippet(rest),
                },
            ));
        };
        let value = parse_reg_data(data.trim(), &mut lines, n, &name, wide)?;
        collector.value(n, name, value)?;
    }
    collector.finish(format, encoding, lines.transcript.into_skipped())
}

/// Reads a quoted string after its opening quote: `\\` and `\"` are
/// escapes, any other backslash is kept. Returns the text and what follows
/// the closing quote, or `None` without a closing quote.
fn parse_quoted(s: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, s.get(i + 1..).unwrap_or(""))),
            '\\' => match chars.peek() {
                Some(&(_, next @ ('\\' | '"'))) => {
                    out.push(next);
                    chars.next();
                }
                _ => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    None
}

/// Reads the data after `=`; `None` is a deletion marker.
fn parse_reg_data(
    data: &str,
    lines: &mut Lines<'_>,
    line: usize,
    name: &str,
    wide: bool,
) -> Result<Option<RegValue>, RegistryParseError> {
    let err = |line, problem| RegistryParseError::Syntax {
        line,
        value: Some(name.to_owned()),
        problem,
    };
    if data == "-" {
        return Ok(None);
    }
    if let Some(rest) = data.strip_prefix('"') {
        let (s, after) =
            parse_quoted(rest).ok_or_else(|| err(line, SyntaxProblem::UnterminatedString))?;
        if !after.trim().is_empty() {
            return Err(err(
                line,
                SyntaxProblem::TrailingText {
                    found: snippet(after.trim()),
                },
            ));
        }
        return Ok(Some(RegValue::String(s)));
    }
    if let Some(digits) = strip_prefix_ic(data, "dword:") {
        let v = parse_hex_u64(digits.trim(), 8)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| {
                err(
                    line,
                    SyntaxProblem::InvalidDword {
                        found: snippet(digits),
                    },
                )
            })?;
        return Ok(Some(RegValue::Dword(v)));
    }
    if let Some(rest) = strip_prefix_ic(data, "hex") {
        let (code, list) = if let Some(list) = rest.strip_prefix(':') {
            (REG_BINARY, list)
        } else {
            let bad = || {
                err(
                    line,
                    SyntaxProblem::InvalidHexType {
                        found: snippet(data),
                    },
                )
            };
            let (num, after) = rest
                .strip_prefix('(')
                .and_then(|t| t.split_once(')'))
                .ok_or_else(bad)?;
            let code = parse_hex_u64(num.trim(), 8)
                .and_then(|c| u32::try_from(c).ok())
                .ok_or_else(bad)?;
            (code, after.strip_prefix(':').ok_or_else(bad)?)
        };
        let bytes = parse_hex_list(list, lines, line, name)?;
        return Ok(Some(RegValue::from_raw_with(code, bytes, wide)));
    }
    Err(err(
        line,
        SyntaxProblem::UnknownDataType {
            found: snippet(data),
        },
    ))
}

/// Reads `ab,cd,…` and its `\` continuation lines.
fn parse_hex_list(
    first: &str,
    lines: &mut Lines<'_>,
    first_line: usize,
    name: &str,
) -> Result<Vec<u8>, RegistryParseError> {
    let err = |line, problem| RegistryParseError::Syntax {
        line,
        value: Some(name.to_owned()),
        problem,
    };
    let mut out = Vec::new();
    let (mut line, mut content) = (first_line, first);
    loop {
        let trimmed = content.trim();
        let (items, continues) = match trimmed.strip_suffix('\\') {
            Some(items) => (items, true),
            None => (trimmed, false),
        };
        let mut parts = items.split(',').peekable();
        while let Some(part) = parts.next() {
            let part = part.trim();
            if part.is_empty() {
                // allowed only last on the line: `ab,cd,\` or an empty list
                if parts.peek().is_none() {
                    break;
                }
                return Err(err(line, SyntaxProblem::EmptyHexByte));
            }
            let byte = (part.len() == 2)
                .then(|| parse_hex_u64(part, 2))
                .flatten()
                .and_then(|b| u8::try_from(b).ok())
                .ok_or_else(|| {
                    err(
                        line,
                        SyntaxProblem::InvalidHexByte {
                            found: snippet(part),
                        },
                    )
                })?;
            if out.len() >= MAX_VALUE_DATA {
                return Err(err(
                    line,
                    SyntaxProblem::ValueTooLong {
                        max: MAX_VALUE_DATA,
                    },
                ));
            }
            out.push(byte);
        }
        if !continues {
            return Ok(out);
        }
        match lines.next() {
            Some((next_line, next)) if !next.trim().is_empty() => {
                line = next_line;
                content = next;
            }
            Some((next_line, _)) => return Err(err(next_line, SyntaxProblem::MissingContinuation)),
            None => return Err(err(line, SyntaxProblem::MissingContinuation)),
        }
    }
}

/// Parses the output of
/// `reg query HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters`.
///
/// The output is a blank line, the key path, then one line per value:
/// four spaces, the name (which may contain single spaces), four spaces,
/// the type (`REG_DWORD`, …), four spaces, the data (`0x1bb`; binary as
/// hex digits; multi-strings joined by `\0`). `(Default)    REG_SZ    (value
/// not set)` is no value. Subkeys listed after the values (and their
/// values, with `/s`) are skipped, as is `End of search: …`. The prompt
/// and command line a console shows before it (`C:\>reg query HKLM\...`,
/// `PS C:\> reg query …`), the next prompt after it and PowerShell
/// transcript headers are skipped and returned in
/// [`ParsedRegistry::skipped`] (SPEC §12).
///
/// ```
/// use sstp_cert::model::registry::{parse_reg_query, RegValue};
/// use sstp_cert::model::transcript::SkipReason;
/// let pasted = "C:\\Users\\Administrator>reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\r\n\r\n\
///     HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\r\n\
///     \x20   ListenerPort    REG_DWORD    0x1bb\r\n\r\n\
///     C:\\Users\\Administrator>";
/// let parsed = parse_reg_query(pasted.as_bytes())?;
/// assert_eq!(parsed.values.get("ListenerPort"), Some(&RegValue::Dword(443)));
/// assert_eq!(parsed.skipped.len(), 2);
/// assert_eq!(parsed.skipped[0].reason, SkipReason::CmdPrompt);
/// # Ok::<(), sstp_cert::model::registry::RegistryParseError>(())
/// ```
///
/// # Errors
///
/// [`RegistryParseError::KeyNotFound`] for reg.exe's `ERROR: The system was
/// unable to find the specified registry key or value.`, and
/// [`RegistryParseError::RegExeError`] for its other `ERROR:` lines;
/// [`RegistryParseError::Syntax`] for a line of another shape, naming it;
/// [`RegistryParseError::ParametersKeyAbsent`] when the listing is of
/// another key; and the decoding and size errors of [`parse_reg_file`].
pub fn parse_reg_query(input: &[u8]) -> Result<ParsedRegistry, RegistryParseError> {
    let (text, encoding) = decode_text(input)?;
    parse_query_text(&text, encoding)
}

fn parse_query_text(
    text: &str,
    encoding: TextEncoding,
) -> Result<ParsedRegistry, RegistryParseError> {
    let mut collector = Collector::default();
    let mut any = false;
    let mut lines = Lines::new(text);
    for (n, line) in lines.by_ref() {
        if line.trim().is_empty() {
            continue;
        }
        any = true;
        if line.starts_with([' ', '\t']) {
            match collector.current {
                None => {
                    return Err(RegistryParseError::Syntax {
                        line: n,
                        value: None,
                        problem: SyntaxProblem::ValueOutsideKey,
                    });
                }
                Some(false) => continue,
                Some(true) => {}
            }
            if let Some((name, value)) = parse_query_value(n, line)? {
                collector.value(n, name, Some(value))?;
            }
            continue;
        }
        let t = line.trim();
        if let Some(message) = strip_prefix_ic(t, "ERROR:") {
            let not_found = message
                .to_ascii_lowercase()
                .contains("unable to find the specified registry key");
            let message = snippet_n(message.trim(), 200);
            return Err(if not_found {
                RegistryParseError::KeyNotFound { line: n, message }
            } else {
                RegistryParseError::RegExeError { line: n, message }
            });
        }
        if is_key_line(t) {
            collector.open_key(t);
        } else if strip_prefix_ic(t, "End of search").is_none() {
            return Err(RegistryParseError::Syntax {
                line: n,
                value: None,
                problem: SyntaxProblem::UnexpectedQueryLine { found: snippet(t) },
            });
        }
    }
    if !any {
        return Err(RegistryParseError::Empty);
    }
    collector.finish(
        RegistryFormat::RegQuery,
        encoding,
        lines.transcript.into_skipped(),
    )
}

/// One `    name    REG_TYPE    data` line; `None` for the `(value not
/// set)` line of an absent default value.
fn parse_query_value(
    n: usize,
    line: &str,
) -> Result<Option<(String, RegValue)>, RegistryParseError> {
    const SEP: &str = "    ";
    let body = line.strip_prefix(SEP).unwrap_or_else(|| line.trim_start());
    let mut unknown = None;
    for (at, _) in body.match_indices("    REG_") {
        let (name, after) = body.split_at(at);
        let after = after.get(SEP.len()..).unwrap_or("");
        let (token, data) = match after.find(SEP) {
            Some(j) => (
                after.get(..j).unwrap_or(""),
                after.get(j + SEP.len()..).unwrap_or(""),
            ),
            None => (after.trim_end(), ""),
        };
        let Some(code) = type_code_of_name(token.trim()) else {
            unknown.get_or_insert(token);
            continue;
        };
        let name = if name.eq_ignore_ascii_case("(Default)") {
            if code == REG_SZ && data == "(value not set)" {
                return Ok(None);
            }
            ""
        } else {
            name
        };
        let value = parse_query_data(code, data).map_err(|problem| RegistryParseError::Syntax {
            line: n,
            value: Some(name.to_owned()),
            problem,
        })?;
        return Ok(Some((name.to_owned(), value)));
    }
    Err(RegistryParseError::Syntax {
        line: n,
        value: None,
        problem: match unknown {
            Some(t) => SyntaxProblem::UnknownRegType { found: snippet(t) },
            None => SyntaxProblem::InvalidQueryValueLine {
                found: snippet(line.trim()),
            },
        },
    })
}

fn parse_query_data(code: u32, data: &str) -> Result<RegValue, SyntaxProblem> {
    let hex_bytes = |s: &str| {
        let s = s.trim();
        if s.len() / 2 > MAX_VALUE_DATA {
            return Err(SyntaxProblem::ValueTooLong {
                max: MAX_VALUE_DATA,
            });
        }
        hex::decode(s).map_err(|_| SyntaxProblem::InvalidHexData { found: snippet(s) })
    };
    Ok(match code {
        REG_SZ => RegValue::String(data.to_owned()),
        REG_EXPAND_SZ => RegValue::ExpandString(data.to_owned()),
        REG_MULTI_SZ => {
            // reg.exe joins the items with the text `\0`. A raw NUL (which
            // it never prints) separates items as it does in the stored
            // value, and trailing empty items are the stored list's
            // terminator: the value is what Windows would hold.
            let mut items: Vec<String> = data
                .split("\\0")
                .flat_map(|s| s.split('\0'))
                .map(str::to_owned)
                .collect();
            while items.last().is_some_and(String::is_empty) {
                items.pop();
            }
            RegValue::MultiString(items)
        }
        REG_DWORD | REG_QWORD => {
            let (type_name, digits) = if code == REG_DWORD {
                ("REG_DWORD", 8)
            } else {
                ("REG_QWORD", 16)
            };
            let d = data.trim();
            match strip_prefix_ic(d, "0x") {
                Some(h) => {
                    let invalid = || SyntaxProblem::InvalidNumber {
                        type_name,
                        found: snippet(d),
                        digits,
                    };
                    let v = parse_hex_u64(h, digits).ok_or_else(invalid)?;
                    if code == REG_DWORD {
                        RegValue::Dword(u32::try_from(v).map_err(|_| invalid())?)
                    } else {
                        RegValue::Qword(v)
                    }
                }
                // data of the wrong length, as `to_reg_query` prints it
                None => RegValue::from_raw(
                    code,
                    hex_bytes(d).map_err(|_| SyntaxProblem::InvalidNumber {
                        type_name,
                        found: snippet(d),
                        digits,
                    })?,
                ),
            }
        }
        _ => RegValue::from_raw(code, hex_bytes(data)?),
    })
}

/// Parses registry text of either kind, chosen by its content: a `.reg`
/// header (or a `[key]` line) means a `.reg` export; a key path line or
/// reg.exe's `ERROR:` means `reg query` output.
///
/// # Errors
///
/// Those of [`parse_reg_file`] and [`parse_reg_query`], and
/// [`RegistryParseError::UnrecognizedFormat`] when the first non-blank line
/// fits neither.
///
/// ```
/// use sstp_cert::model::registry::{parse_registry_text, RegistryFormat, RegValue};
/// let reg = b"REGEDIT4\n\n[HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\n\"UseHttps\"=dword:00000000\n";
/// let parsed = parse_registry_text(reg)?;
/// assert_eq!(parsed.format, RegistryFormat::Regedit4);
/// assert_eq!(parsed.values.get("usehttps"), Some(&RegValue::Dword(0)));
/// # Ok::<(), sstp_cert::model::registry::RegistryParseError>(())
/// ```
pub fn parse_registry_text(input: &[u8]) -> Result<ParsedRegistry, RegistryParseError> {
    let (text, encoding) = decode_text(input)?;
    let (line, first) = Lines::new(&text)
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or(RegistryParseError::Empty)?;
    let first = first.trim();
    if first.eq_ignore_ascii_case(REGEDIT5_HEADER)
        || first.eq_ignore_ascii_case(REGEDIT4_HEADER)
        || first.starts_with('[')
    {
        parse_reg_text(&text, encoding)
    } else if is_key_line(first) || strip_prefix_ic(first, "ERROR:").is_some() {
        parse_query_text(&text, encoding)
    } else {
        Err(RegistryParseError::UnrecognizedFormat {
            line,
            found: snippet(first),
        })
    }
}

// ---------------------------------------------------------------------------
// Typed view
// ---------------------------------------------------------------------------

/// Why a registry value was not used as it is.
///
/// Serialises with a `problem` tag: `{"problem": "wrong-length", "len": 31,
/// "expected": 32}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "problem", rename_all = "kebab-case"))]
pub enum ValueProblem {
    /// The value does not exist.
    Missing,
    /// The value has another registry type.
    WrongType {
        /// The type found (`REG_SZ`, …).
        found: String,
        /// The type expected.
        expected: &'static str,
    },
    /// The value has the right type but the wrong number of bytes.
    WrongLength {
        /// Bytes found.
        len: usize,
        /// Bytes expected.
        expected: usize,
    },
    /// A number beyond what the value allows.
    OutOfRange {
        /// The number found.
        raw: u32,
        /// The largest allowed.
        max: u32,
    },
}

impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueProblem::Missing => f.write_str("missing"),
            ValueProblem::WrongType { found, expected } => {
                write!(f, "of type {found} (expected {expected})")
            }
            ValueProblem::WrongLength { len, expected } => {
                write!(f, "{len} bytes long (expected {expected})")
            }
            ValueProblem::OutOfRange { raw, max } => {
                write!(f, "{raw} (0x{raw:x}), more than {max}")
            }
        }
    }
}

/// A setting read from the registry, or its default and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Setting<T> {
    /// The effective value.
    pub value: T,
    /// `None` when read from the registry as is; otherwise why the default
    /// was used.
    pub defaulted: Option<ValueProblem>,
}

impl<T> Setting<T> {
    /// Whether the value is the default (the registry value was missing or
    /// unusable).
    pub fn is_default(&self) -> bool {
        self.defaulted.is_some()
    }

    /// Whether the registry value exists but could not be used.
    pub fn is_invalid(&self) -> bool {
        self.defaulted
            .as_ref()
            .is_some_and(|p| *p != ValueProblem::Missing)
    }
}

/// The state of a certificate hash value (`SHA256CertificateHash`,
/// `SHA1CertificateHash`).
///
/// Serialises with a `state` tag: `{"state": "valid", "hash": "…"}`,
/// `{"state": "missing"}`, `{"state": "invalid", "reason": {…}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "state", rename_all = "kebab-case"))]
pub enum HashState<H> {
    /// A `REG_BINARY` of the right length.
    Valid {
        /// The hash.
        hash: H,
    },
    /// The value does not exist ("not found").
    Missing,
    /// The value exists but is unusable.
    Invalid {
        /// [`ValueProblem::WrongType`] or [`ValueProblem::WrongLength`].
        reason: ValueProblem,
    },
}

impl<H> HashState<H> {
    /// The hash, when valid.
    pub fn hash(&self) -> Option<&H> {
        match self {
            HashState::Valid { hash } => Some(hash),
            _ => None,
        }
    }

    /// Why the value is unusable (`None` when valid).
    pub fn problem(&self) -> Option<ValueProblem> {
        match self {
            HashState::Valid { .. } => None,
            HashState::Missing => Some(ValueProblem::Missing),
            HashState::Invalid { reason } => Some(reason.clone()),
        }
    }
}

/// The listener's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Scheme {
    /// HTTPS with an SSL binding managed by the service (`UseHttps` = 1).
    Https,
    /// Plain HTTP, TLS offloaded to a load balancer (`UseHttps` = 0).
    Http,
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        })
    }
}

/// The effective SSTP listener.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Listener {
    /// HTTPS or HTTP.
    pub scheme: Scheme,
    /// The TCP port, never 0 (443 or 80 when `ListenerPort` is 0).
    pub port: u16,
}

impl Listener {
    /// The HTTP.sys URL the service listens on,
    /// `<scheme>://+:<port>/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/`.
    /// SPEC §6 names the HTTP form; the HTTPS form follows the same pattern.
    pub fn url(&self) -> String {
        format!("{}://+:{}{SSTP_URL_PATH}", self.scheme, self.port)
    }

    /// The two wildcard endpoints SSTP binds a certificate to, `0.0.0.0:<port>`
    /// and `[::]:<port>` (only meaningful for HTTPS).
    pub fn wildcard_endpoints(&self) -> [SocketAddr; 2] {
        [
            SocketAddr::from((Ipv4Addr::UNSPECIFIED, self.port)),
            SocketAddr::from((Ipv6Addr::UNSPECIFIED, self.port)),
        ]
    }
}

/// The crypto-binding hash-protocol bitmask the server offers in its
/// Crypto Binding Request ([MS-SSTP] 2.2.7): 0x01 SHA-1, 0x02 SHA-256. The
/// same type crypto binding uses ([`crate::model::crypto_binding::HashProtocols`]).
pub use crate::model::crypto_binding::HashProtocols;

/// Who is responsible for the certificate hashes in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum HashSource {
    /// The administrator: `isHashConfiguredByAdmin` = 1, or `UseHttps` = 0
    /// (the hash must name the load balancer's certificate, which the
    /// service cannot see).
    Administrator,
    /// The service: automatic mode with HTTPS writes both hashes when it
    /// binds a certificate.
    Service,
}

/// A registry value that exists but could not be used, for diagnosis.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InvalidValue {
    /// The value name (see [`names`]).
    pub name: &'static str,
    /// What is wrong with it.
    pub problem: ValueProblem,
    /// What the service does instead.
    pub effect: String,
}

/// The typed `SstpSvc\Parameters` key: every value of SPEC §4's table with
/// its default and validation.
///
/// | value | read as | default when missing or unusable |
/// |---|---|---|
/// | `UseHttps` | DWORD; 0 → HTTP, any other number → HTTPS | 1 (HTTPS) |
/// | `ListenerPort` | DWORD ≤ 0xFFFF | 0 (also when > 0xFFFF); 0 means 443 with HTTPS, 80 without |
/// | `SHA256CertificateHash` | BINARY of exactly 32 bytes | [`HashState::Missing`] / [`HashState::Invalid`] |
/// | `SHA1CertificateHash` | BINARY of exactly 20 bytes | [`HashState::Missing`] / [`HashState::Invalid`] |
/// | `isHashConfiguredByAdmin` | DWORD, non-zero → admin mode | 0 (automatic mode) |
/// | `SHA256Enabled` | DWORD, non-zero → enabled | enabled |
/// | `SHA1Enabled` | DWORD, non-zero → enabled | disabled |
///
/// "Unusable" is a value of another type ([`ValueProblem::WrongType`]), a
/// DWORD whose data is not 4 bytes ([`ValueProblem::WrongLength`]), or a
/// port above 0xFFFF ([`ValueProblem::OutOfRange`]); each [`Setting`] keeps
/// the reason. Flags follow the C convention (non-zero is true).
///
/// # Events 18 and 19
///
/// [`SstpParameters::hash_events`] returns the events reading the key logs.
/// A hash matters to the service when it identifies the certificate (admin
/// mode, SPEC §6) or is compared in crypto binding (SPEC §7); the service
/// can only fill it in itself in automatic mode with HTTPS, where it writes
/// both hashes at plumbing. SHA-1 is read only when `SHA1Enabled` is set.
/// Hence:
///
/// | hash state | hashes provided by ([`HashSource`]) | `SHA256CertificateHash` | `SHA1CertificateHash`, `SHA1Enabled` = 1 | `SHA1CertificateHash`, `SHA1Enabled` = 0 |
/// |---|---|---|---|---|
/// | valid | either | — | — | — |
/// | invalid (wrong type or length) | either | **Event 18** | **Event 19** | — (not read; still listed by [`SstpParameters::invalid_values`]) |
/// | missing | administrator (`isHashConfiguredByAdmin` = 1, or `UseHttps` = 0) | **Event 18** | **Event 19** | — |
/// | missing | service (automatic mode, `UseHttps` = 1) | — (written at the first plumbing) | — (written at the first plumbing) | — |
///
/// Each event means SSTP accepts no connections. The later plumbing code
/// can decide for itself from the public hash states,
/// [`SstpParameters::hash_source`] and `sha1_enabled`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SstpParameters {
    /// `UseHttps`.
    pub use_https: Setting<bool>,
    /// `ListenerPort` as stored (0 = the scheme's default port); use
    /// [`SstpParameters::listener`] for the effective port.
    pub listener_port: Setting<u16>,
    /// `SHA256CertificateHash`.
    pub sha256_certificate_hash: HashState<Sha256Hash>,
    /// `SHA1CertificateHash`.
    pub sha1_certificate_hash: HashState<Sha1Thumbprint>,
    /// `isHashConfiguredByAdmin`.
    pub is_hash_configured_by_admin: Setting<bool>,
    /// `SHA256Enabled`.
    pub sha256_enabled: Setting<bool>,
    /// `SHA1Enabled`.
    pub sha1_enabled: Setting<bool>,
}

impl Default for SstpParameters {
    /// The parameters of an empty key: every default.
    fn default() -> Self {
        SstpParameters::from_values(&RegistryValues::new())
    }
}

/// A DWORD value, or why it cannot be read as one.
fn read_dword(values: &RegistryValues, name: &str) -> Result<u32, ValueProblem> {
    let value = values.get(name).ok_or(ValueProblem::Missing)?;
    match value.canonical().as_ref() {
        RegValue::Dword(v) => Ok(*v),
        RegValue::Other {
            type_code: REG_DWORD,
            data,
        } => Err(ValueProblem::WrongLength {
            len: data.len(),
            expected: 4,
        }),
        other => Err(ValueProblem::WrongType {
            found: other.type_name().into_owned(),
            expected: "REG_DWORD",
        }),
    }
}

fn read_flag(values: &RegistryValues, name: &str, default: bool) -> Setting<bool> {
    match read_dword(values, name) {
        Ok(v) => Setting {
            value: v != 0,
            defaulted: None,
        },
        Err(p) => Setting {
            value: default,
            defaulted: Some(p),
        },
    }
}

fn read_hash<H>(
    values: &RegistryValues,
    name: &str,
    len: usize,
    make: impl Fn(&[u8]) -> Option<H>,
) -> HashState<H> {
    let Some(value) = values.get(name) else {
        return HashState::Missing;
    };
    let reason = match value.canonical().as_ref() {
        RegValue::Binary(b) => match make(b) {
            Some(hash) => return HashState::Valid { hash },
            None => ValueProblem::WrongLength {
                len: b.len(),
                expected: len,
            },
        },
        other => ValueProblem::WrongType {
            found: other.type_name().into_owned(),
            expected: "REG_BINARY",
        },
    };
    HashState::Invalid { reason }
}

impl SstpParameters {
    /// Reads the values of the key by SPEC §4's table (see the [type
    /// documentation](SstpParameters)). Names are matched
    /// case-insensitively; values not in the table are ignored.
    pub fn from_values(values: &RegistryValues) -> Self {
        let listener_port = match read_dword(values, names::LISTENER_PORT) {
            Ok(raw) => match u16::try_from(raw) {
                Ok(port) => Setting {
                    value: port,
                    defaulted: None,
                },
                Err(_) => Setting {
                    value: 0,
                    defaulted: Some(ValueProblem::OutOfRange {
                        raw,
                        max: u32::from(u16::MAX),
                    }),
                },
            },
            Err(p) => Setting {
                value: 0,
                defaulted: Some(p),
            },
        };
        SstpParameters {
            use_https: read_flag(values, names::USE_HTTPS, true),
            listener_port,
            sha256_certificate_hash: read_hash(
                values,
                names::SHA256_CERTIFICATE_HASH,
                Sha256Hash::LEN,
                |b| Sha256Hash::from_slice(b).ok(),
            ),
            sha1_certificate_hash: read_hash(
                values,
                names::SHA1_CERTIFICATE_HASH,
                Sha1Thumbprint::LEN,
                |b| Sha1Thumbprint::from_slice(b).ok(),
            ),
            is_hash_configured_by_admin: read_flag(
                values,
                names::IS_HASH_CONFIGURED_BY_ADMIN,
                false,
            ),
            sha256_enabled: read_flag(values, names::SHA256_ENABLED, true),
            sha1_enabled: read_flag(values, names::SHA1_ENABLED, false),
        }
    }

    /// The effective listener: HTTPS unless `UseHttps` is 0, on
    /// `ListenerPort`, or on 443 (HTTPS) / 80 (HTTP) when that is 0.
    ///
    /// ```
    /// use sstp_cert::model::registry::{RegValue, RegistryValues, Scheme, SstpParameters};
    /// let values: RegistryValues = [("UseHttps", RegValue::Dword(0))].into_iter().collect();
    /// let l = SstpParameters::from_values(&values).listener();
    /// assert_eq!((l.scheme, l.port), (Scheme::Http, 80));
    /// assert_eq!(l.url(), "http://+:80/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/");
    /// ```
    pub fn listener(&self) -> Listener {
        let scheme = if self.use_https.value {
            Scheme::Https
        } else {
            Scheme::Http
        };
        let port = match (self.listener_port.value, scheme) {
            (0, Scheme::Https) => 443,
            (0, Scheme::Http) => 80,
            (port, _) => port,
        };
        Listener { scheme, port }
    }

    /// Who provides the certificate hashes (see [`HashSource`]).
    pub fn hash_source(&self) -> HashSource {
        if self.is_hash_configured_by_admin.value || !self.use_https.value {
            HashSource::Administrator
        } else {
            HashSource::Service
        }
    }

    /// The crypto-binding hash protocols offered: 0x01 when `SHA1Enabled`,
    /// 0x02 when `SHA256Enabled`.
    pub fn hash_protocols(&self) -> HashProtocols {
        HashProtocols::new(self.sha1_enabled.value, self.sha256_enabled.value)
    }

    /// The name of the value admin mode looks the certificate up by:
    /// `SHA1CertificateHash` when SHA-1 is enabled, else
    /// `SHA256CertificateHash` (SPEC §6).
    pub fn lookup_hash_name(&self) -> &'static str {
        if self.sha1_enabled.value {
            names::SHA1_CERTIFICATE_HASH
        } else {
            names::SHA256_CERTIFICATE_HASH
        }
    }

    /// The hash admin mode looks the certificate up by, when that value is
    /// valid (see [`SstpParameters::lookup_hash_name`]).
    pub fn lookup_hash(&self) -> Option<CertHash> {
        if self.sha1_enabled.value {
            self.sha1_certificate_hash
                .hash()
                .copied()
                .map(CertHash::Sha1)
        } else {
            self.sha256_certificate_hash
                .hash()
                .copied()
                .map(CertHash::Sha256)
        }
    }

    /// The Events 18/19 that reading the key logs, by the decision table in
    /// the [type documentation](SstpParameters). Empty when the hashes are
    /// fine.
    pub fn hash_events(&self) -> Vec<Event> {
        let mut events = Vec::new();
        if let Some(msg) = self.hash_event_message(
            names::SHA256_CERTIFICATE_HASH,
            self.sha256_certificate_hash.problem(),
            Sha256Hash::LEN,
        ) {
            events.push(Event::new(EventId::Sha256HashInvalid, msg));
        }
        if self.sha1_enabled.value
            && let Some(msg) = self.hash_event_message(
                names::SHA1_CERTIFICATE_HASH,
                self.sha1_certificate_hash.problem(),
                Sha1Thumbprint::LEN,
            )
        {
            events.push(Event::new(EventId::Sha1HashInvalid, msg));
        }
        events
    }

    fn hash_event_message(
        &self,
        name: &str,
        problem: Option<ValueProblem>,
        len: usize,
    ) -> Option<String> {
        let why = match problem? {
            ValueProblem::Missing => match self.hash_source() {
                HashSource::Service => return None,
                HashSource::Administrator if !self.use_https.value => {
                    "not found, but UseHttps is 0 and the hash must name the load balancer's certificate".to_owned()
                }
                HashSource::Administrator => {
                    "not found, but isHashConfiguredByAdmin is 1 and the hash selects the certificate".to_owned()
                }
            },
            p => format!("invalid: it is {p}"),
        };
        Some(format!(
            "{name} is {why}; it must be REG_BINARY of {len} bytes. SSTP accepts no connections"
        ))
    }

    /// Every value that exists but could not be used as is ("registry value
    /// of wrong type/length"), with what the service does instead. Missing
    /// values are not listed; missing hashes show in
    /// [`SstpParameters::hash_events`].
    pub fn invalid_values(&self) -> Vec<InvalidValue> {
        let mut out = Vec::new();
        let mut setting = |name, problem: &Option<ValueProblem>, effect: String| {
            if let Some(p) = problem.as_ref().filter(|p| **p != ValueProblem::Missing) {
                out.push(InvalidValue {
                    name,
                    problem: p.clone(),
                    effect,
                });
            }
        };
        setting(
            names::USE_HTTPS,
            &self.use_https.defaulted,
            "treated as 1 (HTTPS)".to_owned(),
        );
        setting(
            names::LISTENER_PORT,
            &self.listener_port.defaulted,
            format!("treated as 0 (port {})", self.listener().port),
        );
        setting(
            names::IS_HASH_CONFIGURED_BY_ADMIN,
            &self.is_hash_configured_by_admin.defaulted,
            "treated as 0 (automatic mode)".to_owned(),
        );
        setting(
            names::SHA256_ENABLED,
            &self.sha256_enabled.defaulted,
            "treated as enabled".to_owned(),
        );
        setting(
            names::SHA1_ENABLED,
            &self.sha1_enabled.defaulted,
            "treated as disabled".to_owned(),
        );
        let events = self.hash_events();
        let mut hash = |name, state_problem: Option<ValueProblem>, id: EventId| {
            if let Some(p) = state_problem.filter(|p| *p != ValueProblem::Missing) {
                let effect = if events.iter().any(|e| e.id == id) {
                    format!("Event {}: SSTP accepts no connections", id.number())
                } else {
                    "not read while SHA1Enabled is 0".to_owned()
                };
                out.push(InvalidValue {
                    name,
                    problem: p,
                    effect,
                });
            }
        };
        hash(
            names::SHA256_CERTIFICATE_HASH,
            self.sha256_certificate_hash.problem(),
            EventId::Sha256HashInvalid,
        );
        hash(
            names::SHA1_CERTIFICATE_HASH,
            self.sha1_certificate_hash.problem(),
            EventId::Sha1HashInvalid,
        );
        out
    }
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

/// One change to the `Parameters` key, by the service or by a fix.
///
/// Serialises with an `op` tag: `{"op": "set", "name": …, "value": …}`,
/// `{"op": "delete", "name": …}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "op", rename_all = "kebab-case"))]
pub enum RegistryWrite {
    /// Create or replace a value.
    Set {
        /// Value name (empty: the default value).
        name: String,
        /// The data.
        value: RegValue,
    },
    /// Delete a value (nothing happens if it does not exist).
    Delete {
        /// Value name (empty: the default value).
        name: String,
    },
}

/// A write `reg add` cannot express.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "value {name:?} is of type {type_name}, which `reg add` cannot write (it writes REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD and REG_BINARY)"
)]
pub struct UnwritableValue {
    /// The value name.
    pub name: String,
    /// Its type.
    pub type_name: String,
}

impl RegistryWrite {
    /// Sets a value.
    pub fn set(name: impl Into<String>, value: RegValue) -> Self {
        RegistryWrite::Set {
            name: name.into(),
            value,
        }
    }

    /// Sets a DWORD value.
    pub fn set_dword(name: impl Into<String>, value: u32) -> Self {
        Self::set(name, RegValue::Dword(value))
    }

    /// Deletes a value.
    pub fn delete(name: impl Into<String>) -> Self {
        RegistryWrite::Delete { name: name.into() }
    }

    /// Sets `SHA256CertificateHash`.
    pub fn set_sha256_hash(hash: &Sha256Hash) -> Self {
        Self::set(
            names::SHA256_CERTIFICATE_HASH,
            RegValue::Binary(hash.as_bytes().to_vec()),
        )
    }

    /// Sets `SHA1CertificateHash`.
    pub fn set_sha1_hash(hash: &Sha1Thumbprint) -> Self {
        Self::set(
            names::SHA1_CERTIFICATE_HASH,
            RegValue::Binary(hash.as_bytes().to_vec()),
        )
    }

    /// What the service writes after it bound a certificate in automatic
    /// mode (SPEC §6): both hashes and `isHashConfiguredByAdmin` = 0.
    pub fn automatic_mode_record(sha256: &Sha256Hash, sha1: &Sha1Thumbprint) -> Vec<Self> {
        vec![
            Self::set_sha256_hash(sha256),
            Self::set_sha1_hash(sha1),
            Self::set_dword(names::IS_HASH_CONFIGURED_BY_ADMIN, 0),
        ]
    }

    /// What an administrator writes to pin a certificate (admin mode): both
    /// hashes and `isHashConfiguredByAdmin` = 1.
    pub fn admin_pin(sha256: &Sha256Hash, sha1: &Sha1Thumbprint) -> Vec<Self> {
        vec![
            Self::set_sha256_hash(sha256),
            Self::set_sha1_hash(sha1),
            Self::set_dword(names::IS_HASH_CONFIGURED_BY_ADMIN, 1),
        ]
    }

    /// The value name written.
    pub fn name(&self) -> &str {
        match self {
            RegistryWrite::Set { name, .. } | RegistryWrite::Delete { name } => name,
        }
    }

    /// The `reg.exe` command line that performs this write, for `cmd.exe`:
    ///
    /// * `reg add "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /t REG_BINARY /d <lowercase hex> /f`
    /// * `reg add "…" /v UseHttps /t REG_DWORD /d 1 /f` (decimal numbers)
    /// * `reg add "…" /v Name /t REG_SZ /d "text" /f`; multi-strings joined by `\0`
    /// * `reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f`
    ///
    /// The default value is addressed with `/ve`. Names and strings are
    /// quoted when needed, with `"` escaped as `\"`. `cmd.exe` still expands
    /// `%VAR%` in a pasted string.
    ///
    /// # Errors
    ///
    /// [`UnwritableValue`] for a [`RegValue::Other`] value (`REG_NONE`,
    /// `REG_LINK`, a DWORD of the wrong length, …): `reg add` cannot write
    /// those.
    pub fn to_reg_command(&self) -> Result<String, UnwritableValue> {
        let target = |name: &str| {
            if name.is_empty() {
                "/ve".to_owned()
            } else {
                format!("/v {}", cmd_arg(name, false))
            }
        };
        Ok(match self {
            RegistryWrite::Delete { name } => {
                format!("reg delete \"{PARAMETERS_KEY_SHORT}\" {} /f", target(name))
            }
            RegistryWrite::Set { name, value } => {
                let data = match value {
                    RegValue::Dword(v) => v.to_string(),
                    RegValue::Qword(v) => v.to_string(),
                    RegValue::Binary(b) if b.is_empty() => "\"\"".to_owned(),
                    RegValue::Binary(b) => hex::encode(b),
                    RegValue::String(s) | RegValue::ExpandString(s) => cmd_arg(s, true),
                    RegValue::MultiString(items) => cmd_arg(&items.join("\\0"), true),
                    RegValue::Other { .. } => {
                        return Err(UnwritableValue {
                            name: name.clone(),
                            type_name: value.type_name().into_owned(),
                        });
                    }
                };
                format!(
                    "reg add \"{PARAMETERS_KEY_SHORT}\" {} /t {} /d {data} /f",
                    target(name),
                    value.type_name()
                )
            }
        })
    }
}

/// Quotes a command-line argument when needed (or always), by the rules
/// the Microsoft C runtime uses to split a command line: `"` is escaped as
/// `\"`, and backslashes before a quote are doubled.
fn cmd_arg(s: &str, always_quote: bool) -> String {
    let needs = always_quote
        || s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || "\"&|<>^(),;=%!".contains(c));
    if !needs {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut backslashes = 0usize;
    for c in s.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.extend(std::iter::repeat_n('\\', backslashes * 2 + 1));
                out.push('"');
                backslashes = 0;
            }
            c => {
                out.extend(std::iter::repeat_n('\\', backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.extend(std::iter::repeat_n('\\', backslashes * 2));
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_case_insensitively_beyond_ascii() {
        assert_eq!(fold_name("UseHttps"), fold_name("USEHTTPS"));
        assert_eq!(fold_name("Größe"), fold_name("GRÖßE"));
        assert_eq!(fold_name("Größe"), "GRÖßE", "no ß → SS expansion");
        assert_ne!(fold_name("UseHttps"), fold_name("UseHttp"));
        assert_ne!(fold_name("a"), fold_name("b"));
    }

    #[test]
    fn index_follows_removals() {
        let mut v: RegistryValues = [
            ("A", RegValue::Dword(1)),
            ("B", RegValue::Dword(2)),
            ("C", RegValue::Dword(3)),
        ]
        .into_iter()
        .collect();
        assert_eq!(v.remove("a").map(|e| e.name), Some("A".to_owned()));
        assert_eq!(v.get("c"), Some(&RegValue::Dword(3)));
        assert_eq!(v.get("b"), Some(&RegValue::Dword(2)));
        assert_eq!(v.remove("a"), None);
        v.set("a", RegValue::Dword(4));
        assert_eq!(
            v.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
            ["B", "C", "a"]
        );
        assert_eq!(v.get("C"), Some(&RegValue::Dword(3)));
        assert_eq!(v.get("A"), Some(&RegValue::Dword(4)));
    }

    #[test]
    fn line_reader_handles_every_line_end() {
        let lines: Vec<_> = LineReader::new("a\r\nb\nc\rd\r\n\r\ne").collect();
        assert_eq!(
            lines,
            vec![(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, ""), (6, "e")]
        );
        assert_eq!(LineReader::new("x\n").count(), 1);
    }

    #[test]
    fn parameters_key_spellings() {
        for ok in [
            PARAMETERS_KEY,
            PARAMETERS_KEY_SHORT,
            r"hklm\system\currentcontrolset\services\sstpsvc\parameters\",
            r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\SstpSvc\Parameters",
            r"\\VPN01\HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters",
        ] {
            assert!(is_parameters_key(ok), "{ok}");
        }
        for bad in [
            r"HKEY_CURRENT_USER\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters",
            r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc",
            r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters\Sub",
            r"HKLM\SYSTEM\ControlSet01\Services\SstpSvc\Parameters",
            "",
        ] {
            assert!(!is_parameters_key(bad), "{bad}");
        }
    }

    #[test]
    fn cmd_arg_quoting() {
        assert_eq!(cmd_arg("UseHttps", false), "UseHttps");
        assert_eq!(cmd_arg("My Value", false), "\"My Value\"");
        assert_eq!(cmd_arg("", false), "\"\"");
        assert_eq!(cmd_arg(r#"say "hi""#, true), r#""say \"hi\"""#);
        assert_eq!(cmd_arg(r"C:\dir\", true), r#""C:\dir\\""#);
        assert_eq!(cmd_arg(r#"a\"b"#, true), r#""a\\\"b""#);
    }

    #[test]
    fn type_names_round_trip() {
        for code in [
            0,
            1,
            2,
            3,
            4,
            5,
            6,
            7,
            8,
            9,
            10,
            11,
            12,
            0x1234_5678,
            u32::MAX,
        ] {
            assert_eq!(type_code_of_name(&type_name(code)), Some(code));
        }
        assert_eq!(type_code_of_name("REG_WHATEVER"), None);
        assert_eq!(type_code_of_name("REG_UNKNOWN(0x+1)"), None);
    }
}
