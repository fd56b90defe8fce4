//! Reading `netsh http show sslcert` output.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use super::{
    AppId, CoreLabels, Endpoint, EndpointKind, ExtendedProperties, Field, FieldValue, Label,
    ListingProblem, ProblemKind, SslBinding, SslCertListing, TextEncoding, shorten,
};
pub(crate) use crate::model::text::Endian;
use crate::model::text::{self, Detected};
use crate::model::thumbprint::Sha1Thumbprint;
use crate::model::transcript::Transcript;

/// The largest input [`parse_sslcert_show`] accepts, in bytes (64 MiB).
///
/// A real listing is a few kilobytes; 10,000 current-style bindings are
/// about 15 MB in UTF-8 and 30 MB in UTF-16 (a PowerShell redirection).
/// Larger input is refused before anything is decoded.
pub const MAX_NETSH_INPUT: usize = 64 * 1024 * 1024;

/// The most bindings [`parse_sslcert_show`] accepts in one listing.
pub const MAX_NETSH_BINDINGS: usize = 100_000;

/// The most lines one binding may have after its first four (real ones
/// have about 30, counting `Extended Properties` lines).
pub const MAX_FIELDS_PER_BINDING: usize = 128;

/// The most lines after their first four that all bindings of one listing
/// may have together (10,000 current-style bindings have about 260,000).
/// With [`MAX_FIELDS_PER_BINDING`] and [`MAX_NETSH_BINDINGS`] this bounds
/// memory to a small multiple of the input even for adversarial input made
/// of tiny lines.
pub const MAX_NETSH_FIELDS: usize = 2_000_000;

/// The limits one parse runs under; [`Limits::DEFAULT`] is the public
/// constants. Tests use smaller ones to reach every limit cheaply.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) input: usize,
    pub(crate) bindings: usize,
    pub(crate) fields_per_binding: usize,
    pub(crate) fields: usize,
}

impl Limits {
    pub(crate) const DEFAULT: Limits = Limits {
        input: MAX_NETSH_INPUT,
        bindings: MAX_NETSH_BINDINGS,
        fields_per_binding: MAX_FIELDS_PER_BINDING,
        fields: MAX_NETSH_FIELDS,
    };
}

/// What the parser expected where it failed; part of
/// [`NetshParseError::Unexpected`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// At the start: the title and dashed line, or a binding's first line.
    TitleOrBinding,
    /// Between bindings: a blank line or a binding's first line.
    BindingStart,
    /// Inside a binding: a `label : value` line.
    LabelValue {
        /// The binding's endpoint.
        endpoint: Endpoint,
    },
    /// The second line of a binding: its certificate hash.
    CertHash {
        /// The binding's endpoint.
        endpoint: Endpoint,
    },
    /// The third line of a binding: its application id.
    AppId {
        /// The binding's endpoint.
        endpoint: Endpoint,
    },
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::TitleOrBinding => f.write_str(
                "the output of `netsh http show sslcert`: a title line (e.g. `SSL Certificate bindings:`) \
                 followed by a line of dashes, or a binding's first line `label : endpoint` \
                 (e.g. `IP:port : 0.0.0.0:443`)",
            ),
            Expected::BindingStart => f.write_str(
                "a blank line or the first line of a binding, `label : endpoint` \
                 (e.g. `IP:port : 0.0.0.0:443`, `Hostname:port : vpn.example.com:443`, \
                 `Central Certificate Store : 443`)",
            ),
            Expected::LabelValue { endpoint } => write!(
                f,
                "a `label : value` line of the binding for {endpoint} (or a blank line ending it)"
            ),
            Expected::CertHash { endpoint } => write!(
                f,
                "the certificate hash of the binding for {endpoint}: `label : ` followed by 40 hex digits, \
                 nothing or `(null)`"
            ),
            Expected::AppId { endpoint } => write!(
                f,
                "the application id of the binding for {endpoint}: `label : ` followed by a GUID in braces \
                 (e.g. {{ba195980-cd49-458b-9e23-c84ee0adcd75}}), nothing or `(null)`"
            ),
        }
    }
}

/// Why [`parse_sslcert_show`] refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetshParseError {
    /// The input is larger than [`MAX_NETSH_INPUT`].
    #[error("the netsh output is {len} bytes, more than the {max} accepted")]
    TooLarge {
        /// Input length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The input is empty or only white space.
    #[error(
        "the input is empty: expected the output of `netsh http show sslcert` (a listing with no bindings still has its title line)"
    )]
    Empty,
    /// More than [`MAX_NETSH_BINDINGS`] bindings.
    #[error("line {line}: more than {max} bindings in one listing")]
    TooManyBindings {
        /// Line of the first binding over the limit.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// A binding with more than [`MAX_FIELDS_PER_BINDING`] lines.
    #[error("line {line}: the binding for {endpoint} has more than {max} lines")]
    TooManyFields {
        /// Line of the first line over the limit.
        line: usize,
        /// The binding's endpoint.
        endpoint: Endpoint,
        /// The limit.
        max: usize,
    },
    /// More than [`MAX_NETSH_FIELDS`] lines in all bindings together.
    #[error("line {line}: more than {max} binding lines in one listing")]
    TooManyFieldsInListing {
        /// Line of the first line over the limit.
        line: usize,
        /// The limit.
        max: usize,
    },
    /// A line that does not fit where it is.
    #[error("line {line}: expected {expected}; found {found:?}")]
    Unexpected {
        /// 1-based line number.
        line: usize,
        /// What would have fitted.
        expected: Expected,
        /// The line (trimmed, shortened if long).
        found: String,
    },
}

/// Parses the output of `netsh http show sslcert`.
///
/// Accepts every generation and display language (see the
/// [module documentation](super)); UTF-8 (with or without BOM), ASCII,
/// UTF-16LE/BE with BOM, and UTF-16 without BOM (detected from its zero
/// bytes); CRLF, LF or mixed line ends. The title and dashed line are
/// optional; a listing with no bindings is valid. A line with more than one
/// trailing CR (`\r\r\n`) is read as one line break.
///
/// A line is split at its first colon that is followed by white space or
/// ends the line (so `IP:port : [::]:443` splits after `IP:port`). A block
/// starts with a line whose value is an endpoint, after a blank line or the
/// header (or a line with the same label as the block's first). Its next
/// three lines are, by position and shape, the hash (40 hex digits; a
/// `{guid}` instead means the hash line is missing), the application id and
/// the store name; every further line is kept. A blank-valued line followed
/// by more-indented lines is an `Extended Properties:` group.
///
/// Text pasted from a console is read too: cmd.exe and PowerShell prompt
/// and command-echo lines and PowerShell transcript headers, before, after
/// or between the output, are skipped and returned in
/// [`SslCertListing::skipped`] (see [`crate::model::transcript`]; [behaviour §12](crate::behaviour)).
///
/// Work and memory are linear in the input; the input is borrowed, not
/// copied, when it is UTF-8.
///
/// ```
/// use sstp_cert::model::httpsys::parse_sslcert_show;
/// let pasted = "C:\\Users\\Administrator>netsh http show sslcert\r\n\r\n\
///     SSL Certificate bindings:\r\n-------------------------\r\n\r\n\
///     \x20   IP:port                      : 0.0.0.0:443\r\n\
///     \x20   Certificate Hash             : 0123456789abcdef0123456789abcdef01234567\r\n\
///     \x20   Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}\r\n\
///     \x20   Certificate Store Name       : MY\r\n\r\n\
///     C:\\Users\\Administrator>";
/// let listing = parse_sslcert_show(pasted.as_bytes())?;
/// assert_eq!(listing.bindings.len(), 1);
/// assert_eq!(listing.skipped.len(), 2);
/// assert_eq!(listing.skipped[0].line, 1);
/// # Ok::<(), sstp_cert::model::httpsys::NetshParseError>(())
/// ```
///
/// # Errors
///
/// * [`NetshParseError::TooLarge`] beyond [`MAX_NETSH_INPUT`] bytes;
/// * [`NetshParseError::Empty`] for empty or blank input;
/// * [`NetshParseError::Unexpected`] with the line number and what was
///   expected, for text that is not such a listing (a first line that is
///   neither a title followed by dashes nor a binding, a line without a
///   `label : value` split inside a block, a second line that is neither a
///   hash nor empty nor a GUID, a third line that is not a GUID or empty,
///   anything but a binding after a blank line);
/// * [`NetshParseError::TooManyBindings`], [`NetshParseError::TooManyFields`],
///   [`NetshParseError::TooManyFieldsInListing`] past [`MAX_NETSH_BINDINGS`],
///   [`MAX_FIELDS_PER_BINDING`], [`MAX_NETSH_FIELDS`].
///
/// A binding without a hash or application id is *not* an error: it is
/// kept, and reported in [`SslCertListing::problems`].
pub fn parse_sslcert_show(bytes: &[u8]) -> Result<SslCertListing, NetshParseError> {
    parse_with_limits(bytes, Limits::DEFAULT)
}

pub(crate) fn parse_with_limits(
    bytes: &[u8],
    limits: Limits,
) -> Result<SslCertListing, NetshParseError> {
    if bytes.len() > limits.input {
        return Err(NetshParseError::TooLarge {
            len: bytes.len(),
            max: limits.input,
        });
    }
    let decoded = decode(bytes);
    let text: &str = &decoded.text;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(NetshParseError::Empty);
    }
    let mut parser = Parser {
        transcript: Transcript::new(),
        title: None,
        bindings: Vec::new(),
        lines: Vec::new(),
        problems: decoded.problems,
        field_capacity: 4,
        total_fields: 0,
        limits,
    };
    parser.run(text)?;
    parser.report_duplicates();
    Ok(SslCertListing {
        title: parser.title,
        encoding: decoded.encoding,
        bindings: parser.bindings,
        problems: parser.problems,
        skipped: parser.transcript.into_skipped(),
        lines: parser.lines,
    })
}

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

pub(crate) struct Decoded<'a> {
    pub(crate) text: Cow<'a, str>,
    pub(crate) encoding: TextEncoding,
    pub(crate) problems: Vec<ListingProblem>,
}

fn decode(bytes: &[u8]) -> Decoded<'_> {
    match text::detect(bytes) {
        Detected::Utf8 { bytes, encoding } => decode_utf8(bytes, encoding),
        Detected::Utf16 {
            bytes,
            endian,
            encoding,
            ..
        } => decode_utf16(bytes, endian, encoding),
    }
}

fn line_at(prefix: &str) -> usize {
    prefix.bytes().filter(|&b| b == b'\n').count() + 1
}

fn decode_utf8(bytes: &[u8], encoding: TextEncoding) -> Decoded<'_> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: Cow::Borrowed(s),
            encoding,
            problems: Vec::new(),
        },
        Err(e) => {
            let valid = e.valid_up_to();
            // The prefix is valid UTF-8 by definition of `valid_up_to`.
            let line = line_at(std::str::from_utf8(&bytes[..valid]).unwrap_or(""));
            Decoded {
                text: Cow::Owned(String::from_utf8_lossy(bytes).into_owned()),
                encoding,
                problems: vec![ListingProblem {
                    line,
                    kind: ProblemKind::InvalidEncoding { encoding },
                }],
            }
        }
    }
}

/// Decodes UTF-16 with the shared decoder; what it replaced becomes a
/// noted problem, not an error.
pub(crate) fn decode_utf16(bytes: &[u8], endian: Endian, encoding: TextEncoding) -> Decoded<'_> {
    let decoded = text::decode_utf16(bytes, endian);
    let mut problems = Vec::new();
    if let Some(bad) = decoded.first_invalid {
        problems.push(ListingProblem {
            line: bad.line,
            kind: ProblemKind::InvalidEncoding { encoding },
        });
    }
    if decoded.odd_length {
        problems.push(ListingProblem {
            line: decoded.lines,
            kind: ProblemKind::OddUtf16Length,
        });
    }
    Decoded {
        text: Cow::Owned(decoded.text),
        encoding,
        problems,
    }
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

/// One `label : value` line.
struct RawField<'a> {
    indent: usize,
    label: &'a str,
    value: &'a str,
}

fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| b == b' ' || b == b'\t')
}

fn is_dashes(line: &str) -> bool {
    let t = line.trim_matches([' ', '\t']);
    t.len() >= 3 && t.bytes().all(|b| b == b'-')
}

/// Splits at the first `:` followed by white space or the end of the line.
fn split_field(line: &str) -> Option<RawField<'_>> {
    let content = line.trim_start_matches([' ', '\t']);
    let indent = line.len() - content.len();
    let bytes = content.as_bytes();
    let mut from = 0;
    while let Some(off) = bytes[from..].iter().position(|&b| b == b':') {
        let i = from + off;
        match bytes.get(i + 1) {
            None | Some(b' ' | b'\t') => {
                // `:` is ASCII, so `i` and `i + 1` are char boundaries.
                return Some(RawField {
                    indent,
                    label: content[..i].trim_end_matches([' ', '\t']),
                    // A CR at either end of a value is line-end debris
                    // (`\r \n`), trimmed like white space.
                    value: content[i + 1..].trim_matches([' ', '\t', '\r']),
                });
            }
            _ => from = i + 1,
        }
    }
    None
}

fn is_empty_value(v: &str) -> bool {
    v.is_empty() || v == "(null)"
}

fn parse_hash(v: &str) -> Option<Sha1Thumbprint> {
    if v.len() != 40 {
        return None;
    }
    let mut out = [0u8; 20];
    hex::decode_to_slice(v, &mut out).ok()?;
    Some(Sha1Thumbprint::from_bytes(out))
}

// ---------------------------------------------------------------------------
// The block parser
// ---------------------------------------------------------------------------

struct Parser {
    /// Console prompts, command echoes and transcript headers around (or
    /// between) the output: skipped and kept ([behaviour §12](crate::behaviour)).
    transcript: Transcript,
    title: Option<String>,
    bindings: Vec<SslBinding>,
    lines: Vec<usize>,
    problems: Vec<ListingProblem>,
    /// Capacity for the next block's field vector: the previous block's
    /// count, so a uniform listing allocates each vector once.
    field_capacity: usize,
    /// Lines after the first four, all bindings so far.
    total_fields: usize,
    limits: Limits,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Stage {
    Hash,
    AppId,
    Store,
    Fields,
}

struct Block {
    line: usize,
    base_indent: usize,
    stage: Stage,
    binding: SslBinding,
    /// Lines after the first four, counting extended ones.
    count: usize,
    /// The last line was a top-level field with a blank value (it becomes
    /// an `Extended Properties` header if indented lines follow).
    last_blank_top: bool,
    /// Indented lines go to the last extended group.
    group_open: bool,
}

fn unexpected(line: usize, expected: Expected, found: &str) -> NetshParseError {
    NetshParseError::Unexpected {
        line,
        expected,
        found: shorten(found.trim()),
    }
}

impl Parser {
    fn run(&mut self, text: &str) -> Result<(), NetshParseError> {
        // Not `text::LineReader`: netsh redirected through `cmd` ends lines
        // with `\r\r\n`, one line end here, and a bare CR is not one.
        let mut lines = text
            .split('\n')
            .map(|l| l.trim_end_matches('\r'))
            .enumerate()
            .map(|(i, l)| (i + 1, l))
            .peekable();
        let mut block: Option<Block> = None;
        let mut seen_any = false;
        while let Some((no, line)) = lines.next() {
            if self.transcript.skip(no, line) {
                // A prompt ends the output before it, as a blank line does.
                if let Some(b) = block.take() {
                    self.finish(b);
                }
                continue;
            }
            if is_blank(line) {
                if let Some(b) = block.take() {
                    self.finish(b);
                }
                continue;
            }
            let field = split_field(line);
            if let Some(b) = &block {
                let Some(f) = field else {
                    return Err(unexpected(
                        no,
                        Expected::LabelValue {
                            endpoint: b.binding.endpoint.clone(),
                        },
                        line,
                    ));
                };
                // A new block without a blank line before it: same label as
                // this block's first line, endpoint-shaped value.
                let restart = if f.indent <= b.base_indent && b.binding.labels.endpoint == f.label {
                    Endpoint::from_show_value(f.value)
                } else {
                    None
                };
                if let Some(ep) = restart {
                    if let Some(done) = block.take() {
                        self.finish(done);
                    }
                    block = Some(self.start(no, &f, ep)?);
                } else if let Some(b) = block.as_mut() {
                    b.push(no, line, &f, &mut self.total_fields, &self.limits)?;
                }
                continue;
            }
            // Between blocks.
            if let Some(f) = &field
                && let Some(ep) = Endpoint::from_show_value(f.value)
            {
                block = Some(self.start(no, f, ep)?);
                seen_any = true;
                continue;
            }
            if is_dashes(line) && !seen_any {
                // A dashed line without its title: tolerated.
                seen_any = true;
                continue;
            }
            if lines.peek().is_some_and(|(_, next)| is_dashes(next)) {
                // A title (the first, or a repeated header of a second
                // listing pasted after the first).
                lines.next();
                if self.title.is_none() {
                    self.title = Some(line.trim().to_owned());
                }
                seen_any = true;
                continue;
            }
            let expected = if seen_any {
                Expected::BindingStart
            } else {
                Expected::TitleOrBinding
            };
            return Err(unexpected(no, expected, line));
        }
        if let Some(b) = block.take() {
            self.finish(b);
        }
        Ok(())
    }

    fn start(
        &mut self,
        line: usize,
        f: &RawField<'_>,
        endpoint: Endpoint,
    ) -> Result<Block, NetshParseError> {
        if self.bindings.len() >= self.limits.bindings {
            return Err(NetshParseError::TooManyBindings {
                line,
                max: self.limits.bindings,
            });
        }
        let mut labels = CoreLabels::english(endpoint.kind());
        labels.endpoint = Label::new(f.label);
        Ok(Block {
            line,
            base_indent: f.indent,
            stage: Stage::Hash,
            binding: SslBinding {
                endpoint,
                cert_hash: None,
                app_id: None,
                store_name: None,
                labels,
                fields: Vec::with_capacity(self.field_capacity),
                extended: Vec::new(),
            },
            count: 0,
            last_blank_top: false,
            group_open: false,
        })
    }

    fn finish(&mut self, block: Block) {
        let Block { line, binding, .. } = block;
        if binding.cert_hash.is_none() && binding.endpoint.kind() != EndpointKind::Ccs {
            self.problems.push(ListingProblem {
                line,
                kind: ProblemKind::MissingCertHash {
                    endpoint: binding.endpoint.clone(),
                },
            });
        }
        if binding.app_id.is_none() {
            self.problems.push(ListingProblem {
                line,
                kind: ProblemKind::MissingAppId {
                    endpoint: binding.endpoint.clone(),
                },
            });
        }
        self.field_capacity = binding
            .fields
            .len()
            .clamp(4, self.limits.fields_per_binding.max(4));
        self.bindings.push(binding);
        self.lines.push(line);
    }

    fn report_duplicates(&mut self) {
        if self.bindings.len() < 2 {
            return;
        }
        let mut first: HashMap<&Endpoint, usize> = HashMap::with_capacity(self.bindings.len());
        for (b, &line) in self.bindings.iter().zip(&self.lines) {
            if let Some(&first_line) = first.get(&b.endpoint) {
                self.problems.push(ListingProblem {
                    line,
                    kind: ProblemKind::DuplicateEndpoint {
                        endpoint: b.endpoint.clone(),
                        first_line,
                    },
                });
            } else {
                first.insert(&b.endpoint, line);
            }
        }
    }
}

impl Block {
    /// Takes line `no` (`line`, read as the field `f`) into the binding:
    /// the three fields every binding starts with, then the others.
    fn push(
        &mut self,
        no: usize,
        line: &str,
        f: &RawField<'_>,
        total: &mut usize,
        limits: &Limits,
    ) -> Result<(), NetshParseError> {
        match self.stage {
            Stage::Hash => self.push_hash(no, line, f),
            Stage::AppId => self.push_app_id(no, line, f),
            Stage::Store => {
                let b = &mut self.binding;
                if !is_empty_value(f.value) {
                    b.store_name = Some(f.value.to_owned());
                }
                b.labels.store_name = Label::new(f.label);
                self.stage = Stage::Fields;
                Ok(())
            }
            Stage::Fields => self.push_field(no, f, total, limits),
        }
    }

    /// The certificate hash (empty when printed empty, reported by
    /// `finish`); an application id here means the hash line is missing.
    fn push_hash(
        &mut self,
        no: usize,
        line: &str,
        f: &RawField<'_>,
    ) -> Result<(), NetshParseError> {
        let b = &mut self.binding;
        if let Some(h) = parse_hash(f.value) {
            b.cert_hash = Some(h);
        } else if is_empty_value(f.value) {
            // printed empty: kept as None, reported in `finish`
        } else if AppId::parse_exact(f.value).is_some() {
            // The hash line is missing; this is the app id line.
            return self.push_app_id(no, line, f);
        } else {
            let endpoint = b.endpoint.clone();
            return Err(unexpected(no, Expected::CertHash { endpoint }, line));
        }
        b.labels.cert_hash = Label::new(f.label);
        self.stage = Stage::AppId;
        Ok(())
    }

    /// The application id (possibly printed empty).
    fn push_app_id(
        &mut self,
        no: usize,
        line: &str,
        f: &RawField<'_>,
    ) -> Result<(), NetshParseError> {
        let b = &mut self.binding;
        if let Some(id) = AppId::parse_exact(f.value) {
            b.app_id = Some(id);
        } else if !is_empty_value(f.value) {
            let endpoint = b.endpoint.clone();
            return Err(unexpected(no, Expected::AppId { endpoint }, line));
        }
        b.labels.app_id = Label::new(f.label);
        self.stage = Stage::Store;
        Ok(())
    }

    /// Any other field, within the limits: a top-level field, or one of an
    /// extended-properties group (indented under a blank-valued header).
    fn push_field(
        &mut self,
        no: usize,
        f: &RawField<'_>,
        total: &mut usize,
        limits: &Limits,
    ) -> Result<(), NetshParseError> {
        let b = &mut self.binding;
        if self.count >= limits.fields_per_binding {
            return Err(NetshParseError::TooManyFields {
                line: no,
                endpoint: b.endpoint.clone(),
                max: limits.fields_per_binding,
            });
        }
        if *total >= limits.fields {
            return Err(NetshParseError::TooManyFieldsInListing {
                line: no,
                max: limits.fields,
            });
        }
        self.count += 1;
        *total += 1;
        let field = Field {
            label: Label::new(f.label),
            value: FieldValue::parse(f.value),
        };
        if f.indent > self.base_indent {
            if self.group_open {
                if let Some(g) = b.extended.last_mut() {
                    g.fields.push(field);
                }
            } else if self.last_blank_top {
                // The previous blank-valued line is a group header.
                if let Some(header) = b.fields.pop() {
                    b.extended.push(ExtendedProperties {
                        label: header.label,
                        fields: vec![field],
                    });
                    self.group_open = true;
                }
            } else {
                // Indented, but not under a header: keep it as a field.
                b.fields.push(field);
            }
            self.last_blank_top = false;
        } else {
            self.group_open = false;
            self.last_blank_top = field.value == FieldValue::Blank;
            b.fields.push(field);
        }
        Ok(())
    }
}
