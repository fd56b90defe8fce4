//! Raw registry values: [`RegValue`], [`RegistryValues`] and their `.reg` / `reg query` rendering.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

#[cfg(feature = "serde")]
use serde::Serialize;
#[cfg(feature = "serde")]
use serde::ser::SerializeStruct;

use super::*;

/// `REG_SZ`: a NUL-terminated UTF-16 string.
pub const REG_SZ: u32 = 1;
/// `REG_EXPAND_SZ`: a UTF-16 string with `%VARIABLE%` references.
pub const REG_EXPAND_SZ: u32 = 2;
/// `REG_BINARY`: raw bytes (the certificate hashes).
pub const REG_BINARY: u32 = 3;
/// `REG_DWORD`: a 32-bit little-endian number.
pub const REG_DWORD: u32 = 4;
/// `REG_MULTI_SZ`: a list of UTF-16 strings.
pub const REG_MULTI_SZ: u32 = 7;
/// `REG_QWORD`: a 64-bit little-endian number.
pub const REG_QWORD: u32 = 11;

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
pub(super) fn type_code_of_name(name: &str) -> Option<u32> {
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
#[non_exhaustive]
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
    pub(super) fn from_raw_with(type_code: u32, data: Vec<u8>, wide: bool) -> RegValue {
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
    pub(super) fn canonical(&self) -> Cow<'_, RegValue> {
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
pub(super) fn fold_name(name: &str) -> String {
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

pub(super) const REGEDIT5_HEADER: &str = "Windows Registry Editor Version 5.00";
pub(super) const REGEDIT4_HEADER: &str = "REGEDIT4";

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
