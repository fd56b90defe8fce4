//! Text as Windows tools write it: encoding detection, UTF-16 decoding and
//! line splitting, shared by every parser of pasted tool output
//! ([`registry`](crate::model::registry) for `.reg` exports and `reg query`,
//! [`httpsys`](crate::model::httpsys) for `netsh http show sslcert`).
//!
//! What those tools produce:
//!
//! * `reg export` and regedit write UTF-16LE with a byte-order mark
//!   (`REGEDIT4` files are 8-bit);
//! * Windows PowerShell `>` redirection writes UTF-16LE with a byte-order
//!   mark, `Out-File -Encoding utf8` UTF-8 with one, PowerShell 7 and `cmd`
//!   redirection UTF-8 (or the OEM code page) without one;
//! * console capture and copy tools sometimes drop the byte-order mark of
//!   UTF-16LE text, and a file may arrive byte-swapped (UTF-16BE).
//!
//! The detection recognises all of these. Without a byte-order mark, text is
//! taken as UTF-16 when its first two code units are characters below
//! U+0100 with their zero byte on the same side (what every such output
//! starts with: letters, spaces or a line break), or, failing that, when at
//! least three quarters of the code units in the first KiB have their zero
//! byte on the same side (mostly-ASCII text that starts otherwise). UTF-8 text
//! has no zero bytes, so it is never mistaken for UTF-16 unless it starts
//! with two NUL-padded characters, which no tool writes (one stray NUL, as
//! in `\0:\t4`, is not enough).

/// How the input bytes were encoded, as detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8 (or ASCII) without a byte-order mark.
    Utf8,
    /// UTF-8 with a byte-order mark (`Out-File -Encoding utf8` in Windows
    /// PowerShell).
    Utf8Bom,
    /// UTF-16LE with a byte-order mark (regedit, `reg export`, Windows
    /// PowerShell `>` redirection).
    Utf16LeBom,
    /// UTF-16LE without a byte-order mark (detected from the zero bytes).
    Utf16Le,
    /// UTF-16BE with a byte-order mark.
    Utf16BeBom,
    /// UTF-16BE without a byte-order mark (detected from the zero bytes).
    Utf16Be,
    /// Not valid UTF-8: decoded one byte per character (ISO-8859-1), as a
    /// best effort for the 8-bit code page `cmd` and `REGEDIT4` use. Only
    /// the registry parser falls back to it; the `netsh` parser replaces
    /// invalid bytes with U+FFFD instead.
    Latin1,
}

/// The byte order of UTF-16 text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Endian {
    /// Least significant byte first.
    Little,
    /// Most significant byte first.
    Big,
}

/// What [`detect`] found: the encoding family and the bytes after any
/// byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detected<'a> {
    /// UTF-8 (with or without BOM); the bytes may still be invalid UTF-8.
    Utf8 {
        /// The bytes after the BOM.
        bytes: &'a [u8],
        /// `Utf8` or `Utf8Bom`.
        encoding: TextEncoding,
    },
    /// UTF-16 in the given byte order.
    Utf16 {
        /// The bytes after the BOM.
        bytes: &'a [u8],
        /// The BOM's length (0 or 2): the offset of `bytes` in the input.
        bom_len: usize,
        /// The byte order.
        endian: Endian,
        /// One of the four UTF-16 encodings.
        encoding: TextEncoding,
    },
}

/// Detects the encoding of `bytes` (see the module documentation).
pub(crate) fn detect(bytes: &[u8]) -> Detected<'_> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Detected::Utf8 {
            bytes: rest,
            encoding: TextEncoding::Utf8Bom,
        };
    }
    let utf16 = |bytes, bom_len, endian, encoding| Detected::Utf16 {
        bytes,
        bom_len,
        endian,
        encoding,
    };
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, 2, Endian::Little, TextEncoding::Utf16LeBom);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, 2, Endian::Big, TextEncoding::Utf16BeBom);
    }
    match sniff_utf16(bytes) {
        Some(Endian::Little) => utf16(bytes, 0, Endian::Little, TextEncoding::Utf16Le),
        Some(Endian::Big) => utf16(bytes, 0, Endian::Big, TextEncoding::Utf16Be),
        None => Detected::Utf8 {
            bytes,
            encoding: TextEncoding::Utf8,
        },
    }
}

/// UTF-16 without BOM: the first two code units, or else three quarters of
/// the code units in the first KiB, have exactly one zero byte, on the same
/// side.
fn sniff_utf16(bytes: &[u8]) -> Option<Endian> {
    match bytes {
        [a, 0, c, 0, ..] if *a != 0 && *c != 0 => return Some(Endian::Little),
        [0, b, 0, d, ..] if *b != 0 && *d != 0 => return Some(Endian::Big),
        _ => {}
    }
    let sample = &bytes[..bytes.len().min(1024)];
    let units = sample.len() / 2;
    if units < 2 {
        return None;
    }
    let (mut le, mut be) = (0usize, 0usize);
    for u in sample.chunks_exact(2) {
        match (u[0], u[1]) {
            (a, 0) if a != 0 => le += 1,
            (0, b) if b != 0 => be += 1,
            _ => {}
        }
    }
    if le * 4 >= units * 3 {
        Some(Endian::Little)
    } else if be * 4 >= units * 3 {
        Some(Endian::Big)
    } else {
        None
    }
}

/// The first code unit that is not valid UTF-16 (an unpaired surrogate).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidUnit {
    /// Its byte offset in the decoded bytes.
    pub(crate) offset: usize,
    /// Its line, counted from 1 by the `\n` characters before it.
    pub(crate) line: usize,
}

/// UTF-16 decoded with every unpaired surrogate replaced by U+FFFD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Utf16Text {
    /// The text.
    pub(crate) text: String,
    /// The first unpaired surrogate, if any.
    pub(crate) first_invalid: Option<InvalidUnit>,
    /// Whether the input had an odd number of bytes (the last was ignored).
    pub(crate) odd_length: bool,
    /// The number of lines (`\n` characters + 1).
    pub(crate) lines: usize,
}

/// The one UTF-16 decoder: never fails, reports what it replaced; each
/// parser decides whether that is an error or a noted problem.
pub(crate) fn decode_utf16(bytes: &[u8], endian: Endian) -> Utf16Text {
    let unit = |u: &[u8]| match endian {
        Endian::Little => u16::from_le_bytes([u[0], u[1]]),
        Endian::Big => u16::from_be_bytes([u[0], u[1]]),
    };
    let mut text = String::with_capacity(bytes.len() / 2);
    let mut first_invalid: Option<InvalidUnit> = None;
    let mut line = 1usize;
    let mut offset = 0usize;
    let mut units = bytes.chunks_exact(2).map(unit).peekable();
    while let Some(u) = units.next() {
        let here = offset;
        offset += 2;
        // ASCII (nearly all of the tools' output) goes straight in.
        if u < 0x80 {
            if u == u16::from(b'\n') {
                line += 1;
            }
            text.push(char::from(u as u8));
            continue;
        }
        let c = match u {
            0xD800..=0xDBFF => match units.peek() {
                Some(&lo @ 0xDC00..=0xDFFF) => {
                    units.next();
                    offset += 2;
                    let v = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(lo) - 0xDC00);
                    char::from_u32(v)
                }
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            _ => char::from_u32(u32::from(u)),
        };
        text.push(c.unwrap_or_else(|| {
            first_invalid.get_or_insert(InvalidUnit { offset: here, line });
            char::REPLACEMENT_CHARACTER
        }));
    }
    Utf16Text {
        text,
        first_invalid,
        odd_length: bytes.len() % 2 == 1,
        lines: line,
    }
}

/// Lines split at CRLF, LF or CR, numbered from 1. A line break at the very
/// end does not start another line.
#[derive(Debug, Clone)]
pub(crate) struct LineReader<'a> {
    rest: &'a str,
    number: usize,
}

impl<'a> LineReader<'a> {
    /// The lines of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    fn encoding(bytes: &[u8]) -> TextEncoding {
        match detect(bytes) {
            Detected::Utf8 { encoding, .. } | Detected::Utf16 { encoding, .. } => encoding,
        }
    }

    /// The registry parser used to look only at the first code unit, the
    /// `netsh` parser only at the share of zero bytes in the first KiB.
    /// Each missed a case the other caught; the shared rule catches both.
    #[test]
    fn bomless_utf16_where_the_old_heuristics_disagreed() {
        // Mostly non-ASCII (a Russian `netsh` listing): few zero bytes, but
        // the first character is ASCII. The old share rule said UTF-8.
        let russian = utf16le("\r\nПривязки SSL-сертификатов:\r\nПорт IP : 0.0.0.0:443\r\n");
        assert_eq!(encoding(&russian), TextEncoding::Utf16Le);
        // First character not ASCII, the rest mostly ASCII (a German
        // label at the start). The old first-unit rule said UTF-8/Latin-1.
        let german = utf16le("Ändern: IP:port : 0.0.0.0:443 Zertifikathash : ab");
        assert_eq!(encoding(&german), TextEncoding::Utf16Le);
        let d = decode_utf16(&german, Endian::Little);
        assert!(d.text.starts_with("Ändern"));
        // Byte-swapped text: the old first-unit rule did not look for it.
        let be: Vec<u8> = "REGEDIT4\r\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(encoding(&be), TextEncoding::Utf16Be);
        // UTF-8 stays UTF-8, even NUL-padded at the end.
        assert_eq!(encoding(b"REGEDIT4\r\n\0\0\0\0"), TextEncoding::Utf8);
        assert_eq!(encoding("Größe".as_bytes()), TextEncoding::Utf8);
        assert_eq!(encoding(b""), TextEncoding::Utf8);
        // One stray NUL before UTF-8 text is not UTF-16BE.
        assert_eq!(encoding(b"\0:\t4\n:\n:\n:\n:\n:\t_"), TextEncoding::Utf8);
    }

    #[test]
    fn boms_win_over_sniffing() {
        assert_eq!(encoding(b"\xEF\xBB\xBFa\0"), TextEncoding::Utf8Bom);
        assert_eq!(encoding(b"\xFF\xFEa\0"), TextEncoding::Utf16LeBom);
        assert_eq!(encoding(b"\xFE\xFF\0a"), TextEncoding::Utf16BeBom);
    }

    #[test]
    fn decoder_reports_the_first_unpaired_surrogate_and_odd_length() {
        let mut bytes = utf16le("a\nb");
        bytes.extend_from_slice(&0xDC00u16.to_le_bytes());
        bytes.extend_from_slice(&utf16le("c"));
        bytes.push(b'x');
        let d = decode_utf16(&bytes, Endian::Little);
        assert_eq!(d.text, "a\nb\u{FFFD}c");
        assert_eq!(d.first_invalid, Some(InvalidUnit { offset: 6, line: 2 }));
        assert!(d.odd_length);
        assert_eq!(d.lines, 2);
        let pair = decode_utf16(&utf16le("\u{1F600}"), Endian::Little);
        assert_eq!(
            (pair.text.as_str(), pair.first_invalid),
            ("\u{1F600}", None)
        );
    }
}
