//! Reading a `.reg` export or `reg query` output into a [`ParsedRegistry`].

use std::collections::HashMap;

use super::*;
use crate::model::text::{self, Detected, Endian, LineReader};

/// Which text a [`ParsedRegistry`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum RegistryFormat {
    /// A `.reg` file with the `Windows Registry Editor Version 5.00` header.
    Regedit5,
    /// A `.reg` file with the `REGEDIT4` header (strings in `hex(2)`/`hex(7)`
    /// are 8-bit there, not UTF-16).
    Regedit4,
    /// The output of `reg query`.
    RegQuery,
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
    /// that were skipped ([behaviour §12](crate::behaviour)), in input order.
    pub skipped: Vec<SkippedLine>,
}

impl ParsedRegistry {
    /// The typed view of the values ([behaviour §4](crate::behaviour)'s table).
    pub fn parameters(&self) -> SstpParameters {
        SstpParameters::from_values(&self.values)
    }
}

/// Why registry text could not be read.
///
/// Messages name the line (counted from 1 after decoding), the value where
/// known, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
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
#[non_exhaustive]
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

pub(super) fn strip_prefix_ic<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| s.get(prefix.len()..))
        .flatten()
}

/// 1 to `max_digits` hex digits (no sign, no prefix).
pub(super) fn parse_hex_u64(s: &str, max_digits: usize) -> Option<u64> {
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
    let (text, encoding) = match text::detect(bytes) {
        Detected::Utf16 {
            bytes,
            bom_len,
            endian,
            encoding,
        } => (decode_utf16(bytes, bom_len, endian)?, encoding),
        Detected::Utf8 { bytes, encoding } => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_owned(), encoding),
            Err(_) => (latin1(bytes), TextEncoding::Latin1),
        },
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

/// Decodes UTF-16 with the shared decoder; an odd length or an unpaired
/// surrogate is an error here (`base` is the offset of `bytes` in the input).
fn decode_utf16(bytes: &[u8], base: usize, endian: Endian) -> Result<String, RegistryParseError> {
    let decoded = text::decode_utf16(bytes, endian);
    if decoded.odd_length {
        return Err(RegistryParseError::InvalidUtf16 {
            offset: base + bytes.len() - 1,
            problem: "odd number of bytes",
        });
    }
    if let Some(bad) = decoded.first_invalid {
        return Err(RegistryParseError::InvalidUtf16 {
            offset: base + bad.offset,
            problem: "unpaired surrogate",
        });
    }
    Ok(decoded.text)
}

/// The lines of the input with console transcript lines (prompts, command
/// echoes, PowerShell transcript headers; [behaviour §12](crate::behaviour)) skipped and recorded.
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
pub(super) fn is_parameters_key(path: &str) -> bool {
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
/// are skipped and returned in [`ParsedRegistry::skipped`] ([behaviour §12](crate::behaviour)).
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
/// [`ParsedRegistry::skipped`] ([behaviour §12](crate::behaviour)).
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
