//! Certificate hashes: the SHA-1 thumbprint and the SHA-256 hash ([behaviour §1](crate::behaviour)).
//!
//! Windows names a certificate by the SHA-1 of its DER encoding, the
//! *thumbprint*. `netsh http show sslcert` prints it as 40 lowercase hex
//! digits ("Certificate Hash"); the certificate dialog shows it uppercase or
//! as space-separated byte pairs. The SSTP service additionally stores the
//! SHA-256 of the DER in the registry value `SHA256CertificateHash` and uses
//! it for crypto binding.
//!
//! The two hashes are distinct types, [`Sha1Thumbprint`] and [`Sha256Hash`],
//! so one can never be compared with the other by mistake. Both print as
//! netsh does (lowercase hex, no separators) and both parse leniently from
//! what people paste:
//!
//! * any mix of upper and lower case;
//! * separators: space, colon, hyphen (also tabs and line breaks);
//! * surrounding white space;
//! * the invisible format characters that copying from Windows dialogs is
//!   known to add (U+200E, U+200F, U+200B, U+202A–U+202E, U+FEFF). They are
//!   removed and *reported* as [`RemovedChar`]s, never silently dropped.
//!
//! Anything else is a [`ThumbprintError`] naming the offending character and
//! its position.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::thumbprint::{parse_hash, CertHash, Sha1Thumbprint};
//!
//! // Pasted from the certificate dialog: a left-to-right mark, then byte pairs.
//! let pasted = "\u{200e}3a 7f 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 02";
//! let parsed = parse_hash(pasted)?;
//! assert_eq!(parsed.removed.len(), 1);
//! assert_eq!(parsed.removed[0].ch, '\u{200e}');
//! let CertHash::Sha1(thumb) = parsed.hash else { panic!("40 digits is SHA-1") };
//! assert_eq!(thumb.to_string(), "3a7f00112233445566778899aabbccddeeff0102");
//!
//! // `FromStr` is lenient too, but fails on the other kind of hash.
//! let again: Sha1Thumbprint = "3A:7F:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:01:02".parse()?;
//! assert_eq!(again, thumb);
//! # Ok::<(), sstp_cert::model::thumbprint::ThumbprintError>(())
//! ```

use std::fmt;
use std::str::FromStr;

#[cfg(feature = "serde")]
use serde::{Deserialize, Serialize};
use sha1::Digest as _;

/// The largest input accepted by the lenient parsers, in bytes.
///
/// A 64-digit hash with a separator between every pair and generous white
/// space fits many times over; anything longer is refused before it is
/// scanned, so pasted garbage cannot cost time in proportion to its size.
pub const MAX_HASH_TEXT_LEN: usize = 1024;

/// The SHA-1 of a certificate's DER encoding: its Windows *thumbprint*.
///
/// `Display` prints 40 lowercase hex digits, as `netsh` shows the
/// "Certificate Hash". `FromStr` accepts what people paste (see the
/// [module documentation](self)); use [`parse_hash`] to also learn which
/// invisible characters were removed.
///
/// ```
/// use sstp_cert::model::thumbprint::Sha1Thumbprint;
/// let t = Sha1Thumbprint::of_der(b"not really a certificate");
/// assert_eq!(t.to_string().len(), 40);
/// assert_eq!(t.to_string().parse::<Sha1Thumbprint>().unwrap(), t);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha1Thumbprint([u8; 20]);

/// The SHA-256 of a certificate's DER encoding.
///
/// This is what the SSTP service stores in the registry value
/// `SHA256CertificateHash` and compares in crypto binding ([behaviour §4](crate::behaviour), §10).
/// `Display` prints 64 lowercase hex digits.
///
/// ```
/// use sstp_cert::model::thumbprint::Sha256Hash;
/// let h = Sha256Hash::of_der(b"abc");
/// assert_eq!(
///     h.to_string(),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256Hash([u8; 32]);

macro_rules! hash_type {
    ($ty:ident, $len:expr, $digest:ty, $kind:expr) => {
        impl $ty {
            /// Number of bytes in this hash.
            pub const LEN: usize = $len;

            /// Wraps raw hash bytes.
            pub const fn from_bytes(bytes: [u8; $len]) -> Self {
                Self(bytes)
            }

            /// Builds the hash from a slice, which must be exactly
            /// [`Self::LEN`] bytes long.
            ///
            /// # Errors
            ///
            /// [`ThumbprintError::WrongLength`] with the slice's length in
            /// hex digits (twice its byte count).
            pub fn from_slice(bytes: &[u8]) -> Result<Self, ThumbprintError> {
                let arr: [u8; $len] =
                    bytes.try_into().map_err(|_| ThumbprintError::WrongLength {
                        digits: bytes.len() * 2,
                        expected: $kind,
                    })?;
                Ok(Self(arr))
            }

            /// Hashes a DER encoding.
            pub fn of_der(der: &[u8]) -> Self {
                Self(<$digest>::digest(der).into())
            }

            /// The raw bytes.
            pub const fn as_bytes(&self) -> &[u8; $len] {
                &self.0
            }

            /// Uppercase hex, as the Windows certificate dialog and
            /// PowerShell's `Thumbprint` property show it.
            pub fn to_uppercase_hex(&self) -> String {
                hex::encode_upper(self.0)
            }

            /// Space-separated lowercase byte pairs, as older certificate
            /// dialogs show it (`3a 7f 00 …`).
            pub fn to_spaced_hex(&self) -> String {
                let mut out = String::with_capacity($len * 3);
                for (i, b) in self.0.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(&hex::encode([*b]));
                }
                out
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut buf = [0u8; $len * 2];
                // Cannot fail: the buffer is exactly twice the input length.
                hex::encode_to_slice(self.0, &mut buf).map_err(|_| fmt::Error)?;
                // Hex digits are ASCII.
                f.write_str(std::str::from_utf8(&buf).map_err(|_| fmt::Error)?)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($ty), self)
            }
        }

        impl FromStr for $ty {
            type Err = ThumbprintError;

            /// Lenient parse; invisible characters are removed (use
            /// [`parse_hash`] to see which).
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let digits = normalize(s)?;
                if digits.hex.len() != $len * 2 {
                    return Err(ThumbprintError::WrongLength {
                        digits: digits.hex.len(),
                        expected: $kind,
                    });
                }
                let mut out = [0u8; $len];
                hex::decode_to_slice(&digits.hex, &mut out).map_err(|_| ThumbprintError::Empty)?;
                Ok(Self(out))
            }
        }

        #[cfg(feature = "serde")]
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        #[cfg(feature = "serde")]
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

hash_type!(Sha1Thumbprint, 20, sha1::Sha1, HashKind::Sha1);
hash_type!(Sha256Hash, 32, sha2::Sha256, HashKind::Sha256);

/// Which kind of hash a text was, by its number of hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum HashKind {
    /// 40 hex digits: SHA-1, the thumbprint.
    Sha1,
    /// 64 hex digits: SHA-256.
    Sha256,
    /// Either of the two (used in errors when no kind was asked for).
    Sha1OrSha256,
}

impl fmt::Display for HashKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            HashKind::Sha1 => "SHA-1 (40 hex digits)",
            HashKind::Sha256 => "SHA-256 (64 hex digits)",
            HashKind::Sha1OrSha256 => "SHA-1 (40 hex digits) or SHA-256 (64 hex digits)",
        })
    }
}

/// A certificate hash of either kind, as [`parse_hash`] recognised it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(tag = "kind", content = "hex", rename_all = "kebab-case")
)]
#[non_exhaustive]
pub enum CertHash {
    /// A 40-digit SHA-1 thumbprint.
    Sha1(Sha1Thumbprint),
    /// A 64-digit SHA-256 hash.
    Sha256(Sha256Hash),
}

impl CertHash {
    /// Which kind of hash this is.
    pub fn kind(&self) -> HashKind {
        match self {
            CertHash::Sha1(_) => HashKind::Sha1,
            CertHash::Sha256(_) => HashKind::Sha256,
        }
    }
}

impl fmt::Display for CertHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertHash::Sha1(h) => h.fmt(f),
            CertHash::Sha256(h) => h.fmt(f),
        }
    }
}

/// An invisible character removed from pasted hash text.
///
/// These are reported so that a user learns that the text they pasted was
/// not what it looked like (the classic "the thumbprint is right but netsh
/// says the parameter is incorrect" problem).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RemovedChar {
    /// The character removed.
    pub ch: char,
    /// Its position in the input, counted in characters from 1.
    pub position: usize,
}

impl RemovedChar {
    /// The Unicode name of the removed character.
    pub fn name(&self) -> &'static str {
        invisible_name(self.ch).unwrap_or("format character")
    }
}

impl fmt::Display for RemovedChar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "removed invisible U+{:04X} {} at character {}",
            self.ch as u32,
            self.name(),
            self.position
        )
    }
}

/// The result of [`parse_hash`]: the hash and what had to be removed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ParsedHash {
    /// The hash.
    pub hash: CertHash,
    /// Invisible characters removed from the input, in input order. Each one
    /// deserves a warning to the user.
    pub removed: Vec<RemovedChar>,
}

/// Why hash text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ThumbprintError {
    /// Nothing but white space, separators and invisible characters.
    #[error("no hex digits in the thumbprint text")]
    Empty,
    /// A character that is neither a hex digit, a separator nor a known
    /// invisible character.
    #[error(
        "invalid character {ch:?} (U+{code:04X}) at character {position} of the thumbprint: expected hex digits separated by spaces, colons or hyphens",
        code = *ch as u32
    )]
    InvalidCharacter {
        /// The character.
        ch: char,
        /// Its position in the input, counted in characters from 1.
        position: usize,
    },
    /// The number of hex digits is not that of the expected hash.
    #[error("{digits} hex digits in the thumbprint, expected {expected}")]
    WrongLength {
        /// Hex digits found.
        digits: usize,
        /// What was expected.
        expected: HashKind,
    },
    /// The input is longer than [`MAX_HASH_TEXT_LEN`].
    #[error("thumbprint text is {len} bytes long, more than the {max} accepted")]
    TooLong {
        /// Input length in bytes.
        len: usize,
        /// The limit, [`MAX_HASH_TEXT_LEN`].
        max: usize,
    },
}

/// Parses pasted hash text and decides by its length whether it is a SHA-1
/// thumbprint (40 digits) or a SHA-256 hash (64 digits).
///
/// # Errors
///
/// * [`ThumbprintError::InvalidCharacter`] for any character that is not a
///   hex digit, a separator (space, tab, line break, `:`, `-`) or one of the
///   known invisible characters, with its position;
/// * [`ThumbprintError::WrongLength`] when the digit count is neither 40 nor 64;
/// * [`ThumbprintError::Empty`] when there are no digits at all;
/// * [`ThumbprintError::TooLong`] beyond [`MAX_HASH_TEXT_LEN`] bytes.
///
/// # Example
///
/// ```
/// use sstp_cert::model::thumbprint::{parse_hash, HashKind, ThumbprintError};
/// let p = parse_hash("  AB-CD-EF-01-23-45-67-89-AB-CD-EF-01-23-45-67-89-AB-CD-EF-01 ").unwrap();
/// assert_eq!(p.hash.kind(), HashKind::Sha1);
/// assert!(p.removed.is_empty());
///
/// let err = parse_hash("abcd x").unwrap_err();
/// assert_eq!(err, ThumbprintError::InvalidCharacter { ch: 'x', position: 6 });
/// ```
pub fn parse_hash(text: &str) -> Result<ParsedHash, ThumbprintError> {
    let n = normalize(text)?;
    let hash = match n.hex.len() {
        40 => {
            let mut b = [0u8; 20];
            hex::decode_to_slice(&n.hex, &mut b).map_err(|_| ThumbprintError::Empty)?;
            CertHash::Sha1(Sha1Thumbprint(b))
        }
        64 => {
            let mut b = [0u8; 32];
            hex::decode_to_slice(&n.hex, &mut b).map_err(|_| ThumbprintError::Empty)?;
            CertHash::Sha256(Sha256Hash(b))
        }
        digits => {
            return Err(ThumbprintError::WrongLength {
                digits,
                expected: HashKind::Sha1OrSha256,
            });
        }
    };
    Ok(ParsedHash {
        hash,
        removed: n.removed,
    })
}

/// The invisible characters known to be added by copying from Windows
/// dialogs, with their names.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{202A}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202B}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202C}' => "POP DIRECTIONAL FORMATTING",
        '\u{202D}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202E}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (BOM)",
        _ => return None,
    })
}

struct Normalized {
    hex: String,
    removed: Vec<RemovedChar>,
}

fn normalize(text: &str) -> Result<Normalized, ThumbprintError> {
    if text.len() > MAX_HASH_TEXT_LEN {
        return Err(ThumbprintError::TooLong {
            len: text.len(),
            max: MAX_HASH_TEXT_LEN,
        });
    }
    let mut hex = String::with_capacity(64);
    let mut removed = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let position = i + 1;
        if c.is_ascii_hexdigit() {
            hex.push(c.to_ascii_lowercase());
        } else if matches!(c, ' ' | '\t' | '\r' | '\n' | ':' | '-' | '\u{A0}') {
            // separators and white space (including the no-break space some
            // dialogs use between pairs)
        } else if invisible_name(c).is_some() {
            removed.push(RemovedChar { ch: c, position });
        } else {
            return Err(ThumbprintError::InvalidCharacter { ch: c, position });
        }
    }
    if hex.is_empty() {
        return Err(ThumbprintError::Empty);
    }
    Ok(Normalized { hex, removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "3a7f00112233445566778899aabbccddeeff0102";

    #[test]
    fn display_is_lowercase_without_separators() {
        let t: Sha1Thumbprint = T.to_uppercase().parse().unwrap();
        assert_eq!(t.to_string(), T);
        assert_eq!(t.to_uppercase_hex(), T.to_uppercase());
        assert_eq!(
            t.to_spaced_hex(),
            "3a 7f 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 02"
        );
    }

    #[test]
    fn separators_and_whitespace_accepted() {
        for s in [
            "3a:7f:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:01:02",
            "3a-7f-00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff-01-02",
            "\t3a 7f 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 02\r\n",
            "3A7F00112233445566778899AABBCCDDEEFF0102",
        ] {
            let p = parse_hash(s).unwrap();
            assert_eq!(p.hash.to_string(), T, "{s:?}");
            assert!(p.removed.is_empty());
        }
    }

    #[test]
    fn every_invisible_character_is_removed_and_reported() {
        for c in [
            '\u{200E}', '\u{200F}', '\u{200B}', '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}',
            '\u{202E}', '\u{FEFF}',
        ] {
            let s = format!("{c}{T}");
            let p = parse_hash(&s).unwrap();
            assert_eq!(p.hash.to_string(), T);
            assert_eq!(p.removed, vec![RemovedChar { ch: c, position: 1 }]);
            assert!(p.removed[0].to_string().contains("at character 1"));
        }
    }

    #[test]
    fn invalid_character_names_position_in_characters() {
        // the multi-byte invisible char counts as one character
        let s = format!("\u{200E}3a7g{}", &T[4..]);
        let e = parse_hash(&s).unwrap_err();
        assert_eq!(
            e,
            ThumbprintError::InvalidCharacter {
                ch: 'g',
                position: 5
            }
        );
        assert!(e.to_string().contains("'g'"));
        assert!(e.to_string().contains("character 5"));
    }

    #[test]
    fn lengths() {
        assert_eq!(
            parse_hash("abcd").unwrap_err(),
            ThumbprintError::WrongLength {
                digits: 4,
                expected: HashKind::Sha1OrSha256
            }
        );
        assert_eq!(parse_hash(" : - ").unwrap_err(), ThumbprintError::Empty);
        let sha256 = "ab".repeat(32);
        assert_eq!(parse_hash(&sha256).unwrap().hash.kind(), HashKind::Sha256);
        assert!(matches!(
            sha256.parse::<Sha1Thumbprint>(),
            Err(ThumbprintError::WrongLength {
                digits: 64,
                expected: HashKind::Sha1
            })
        ));
        assert!(T.parse::<Sha256Hash>().is_err());
        let long = " ".repeat(MAX_HASH_TEXT_LEN + 1);
        assert!(matches!(
            parse_hash(&long),
            Err(ThumbprintError::TooLong { .. })
        ));
    }

    #[test]
    fn from_slice_checks_length() {
        assert!(Sha256Hash::from_slice(&[0u8; 31]).is_err());
        assert!(Sha256Hash::from_slice(&[0u8; 32]).is_ok());
        assert!(Sha1Thumbprint::from_slice(&[0u8; 20]).is_ok());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_as_hex_string() {
        let t: Sha1Thumbprint = T.parse().unwrap();
        let j = serde_json::to_string(&t).unwrap();
        assert_eq!(j, format!("\"{T}\""));
        let back: Sha1Thumbprint = serde_json::from_str(&j).unwrap();
        assert_eq!(back, t);
    }
}
