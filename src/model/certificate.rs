//! Certificate facts: everything the SSTP rules and the client checks need,
//! parsed once from DER or PEM ([behaviour §1](crate::behaviour)).
//!
//! A [`Certificate`] owns its DER encoding and keeps the facts extracted from
//! it: both hashes, the names (SAN dNSName and iPAddress entries, subject
//! common names including BMPString ones), the validity period, a summary of
//! the public key, the EKU extension exactly as present, and the handful of
//! other properties whose absence clients notice (key usage, CRL
//! distribution points, signature algorithm, self-issued). Cloning is cheap:
//! the parsed data is shared.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::certificate::{Certificate, EkuExtension};
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let cert = Certificate::from_der(der)?;
//! assert_eq!(cert.sha1().to_string().len(), 40);
//! assert!(cert.names().dns.iter().any(|n| n == "vpn.example.com"));
//! // rcgen adds no EKU extension: valid for all uses
//! assert_eq!(cert.eku(), &EkuExtension::Absent);
//! # Ok::<(), sstp_cert::model::certificate::CertificateError>(())
//! ```
//!
//! # Errors
//!
//! Parsing never panics. Malformed input is a [`CertificateError`] that says
//! what was wrong: not DER, trailing bytes after the certificate, a
//! duplicated extension (ambiguous: which one would Windows use?), an
//! undecodable SAN or EKU extension, an undecodable name.

use std::borrow::Cow;
use std::fmt;
use std::net::IpAddr;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;
use x509_parser::asn1_rs::{Oid, Tag};
use x509_parser::certificate::{X509Certificate, X509CertificateParser};
use x509_parser::extensions::{
    CRLDistributionPoints, GeneralName, KeyUsage, ParsedExtension, SubjectAlternativeName,
    X509Extension, X509ExtensionParser,
};
use x509_parser::nom::Parser as _;
use x509_parser::oid_registry::{
    OID_X509_EXT_CRL_DISTRIBUTION_POINTS, OID_X509_EXT_EXTENDED_KEY_USAGE, OID_X509_EXT_KEY_USAGE,
    OID_X509_EXT_SUBJECT_ALT_NAME,
};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::PublicKey;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use super::eku::KeyPurpose;

mod explain;
mod shape;
use super::thumbprint::{Sha1Thumbprint, Sha256Hash};

/// The largest certificate accepted, in bytes of DER.
///
/// Real server certificates are a few kilobytes; the limit keeps a hostile
/// input from costing memory or time in proportion to its claimed size.
pub const MAX_CERTIFICATE_DER_LEN: usize = 64 * 1024;

/// The largest PEM text read, in bytes (4 MiB).
///
/// A certificate file with its chain and key is tens of kilobytes and a
/// whole CA bundle well under a megabyte; larger input is refused before
/// anything is decoded ([`CertificateError::PemTooLarge`],
/// [`KeyError::PemTooLarge`](super::key::KeyError::PemTooLarge)).
pub const MAX_PEM_INPUT_LEN: usize = 4 * 1024 * 1024;

/// A parsed X.509 certificate with the facts the SSTP model needs.
#[derive(Clone)]
pub struct Certificate(Arc<Inner>);

// Byte ranges point into `der`. The RFC 4514 texts of the subject and
// issuer are made on first use: the automatic choice never needs them, and
// rendering a name costs as much as parsing the whole certificate.
struct Inner {
    der: Box<[u8]>,
    // Both hashes are computed on first use: the automatic choice needs
    // neither (only the chosen certificate's, for its binding and record).
    sha1: OnceLock<Sha1Thumbprint>,
    sha256: OnceLock<Sha256Hash>,
    subject_raw: Range<usize>,
    subject: OnceLock<String>,
    issuer_raw: Range<usize>,
    issuer: OnceLock<String>,
    serial: Range<usize>,
    self_issued: bool,
    // The names are checked when the certificate is parsed (a malformed
    // subjectAltName or common name refuses it) but listed on first use:
    // the automatic choice only needs to know whether there is any.
    names: OnceLock<Names>,
    name_summary: NameSummary,
    validity: Validity,
    public_key: PublicKeyInfo,
    spki: Range<usize>,
    eku: EkuExtension,
    key_usage: Option<KeyUsageBits>,
    has_crl_distribution_points: bool,
    signature_algorithm: Cow<'static, str>,
    unknown_critical_extensions: Vec<String>,
}

/// The names a certificate presents, in the order the certificate lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Names {
    /// Whether the certificate has a subjectAltName extension at all.
    pub has_san_extension: bool,
    /// SAN dNSName entries, exactly as encoded (an embedded NUL is kept, so
    /// that matching can refuse it).
    pub dns: Vec<String>,
    /// SAN iPAddress entries (4 or 16 bytes; other lengths are malformed and
    /// make parsing fail).
    pub ips: Vec<IpAddr>,
    /// Subject common names, decoded from UTF8String, PrintableString,
    /// IA5String, TeletexString (as Latin-1), BMPString (UTF-16BE) or
    /// UniversalString (UTF-32BE).
    pub common_names: Vec<String>,
    /// Number of SAN entries of other kinds (e-mail, URI, directory name, …),
    /// which no SSTP client compares with a host name.
    pub other_san_entries: usize,
}

/// The validity period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Validity {
    /// notBefore.
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
    pub not_before: OffsetDateTime,
    /// notAfter.
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
    pub not_after: OffsetDateTime,
}

impl Validity {
    /// Whether `at` lies within the period (both ends inclusive).
    pub fn contains(&self, at: OffsetDateTime) -> bool {
        self.not_before <= at && at <= self.not_after
    }
}

/// The public key algorithm and its size or curve.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "algorithm", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum PublicKeyInfo {
    /// RSA with this modulus size.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
    /// Elliptic curve (ecPublicKey) on this curve.
    Ec {
        /// The named curve.
        curve: EcCurve,
    },
    /// Ed25519.
    Ed25519,
    /// Ed448.
    Ed448,
    /// Anything else, by algorithm OID.
    Other {
        /// The algorithm OID, dotted.
        oid: String,
    },
}

impl fmt::Display for PublicKeyInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PublicKeyInfo::Rsa { bits } => write!(f, "RSA {bits}"),
            PublicKeyInfo::Ec { curve } => write!(f, "EC {curve}"),
            PublicKeyInfo::Ed25519 => f.write_str("Ed25519"),
            PublicKeyInfo::Ed448 => f.write_str("Ed448"),
            PublicKeyInfo::Other { oid } => write!(f, "unknown algorithm {oid}"),
        }
    }
}

/// A named elliptic curve.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum EcCurve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// Another curve, by OID (or `"implicit"` / `"explicit"` parameters).
    Other(String),
}

impl fmt::Display for EcCurve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EcCurve::P256 => f.write_str("P-256"),
            EcCurve::P384 => f.write_str("P-384"),
            EcCurve::P521 => f.write_str("P-521"),
            EcCurve::Other(o) => f.write_str(o),
        }
    }
}

/// The EKU extension exactly as the certificate carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "state", rename_all = "kebab-case"))]
pub enum EkuExtension {
    /// No EKU extension.
    Absent,
    /// An EKU extension with these purposes (possibly none: "present but
    /// empty", which means no valid uses).
    Present {
        /// The purposes, in certificate order, duplicates removed.
        purposes: Arc<[KeyPurpose]>,
        /// Whether the extension is marked critical.
        critical: bool,
    },
}

impl EkuExtension {
    /// The list, or `None` when the extension is absent.
    pub fn purposes(&self) -> Option<&[KeyPurpose]> {
        match self {
            EkuExtension::Absent => None,
            EkuExtension::Present { purposes, .. } => Some(purposes),
        }
    }
}

/// The key usage bits that matter for a TLS server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KeyUsageBits {
    /// digitalSignature (needed for ECDHE key exchange and TLS 1.3).
    pub digital_signature: bool,
    /// keyEncipherment (needed for RSA key transport).
    pub key_encipherment: bool,
    /// keyAgreement (static ECDH).
    pub key_agreement: bool,
}

/// Why bytes are not a certificate the model can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CertificateError {
    /// No bytes at all.
    #[error("empty input: expected a DER or PEM certificate")]
    Empty,
    /// Larger than [`MAX_CERTIFICATE_DER_LEN`].
    #[error("certificate is {len} bytes, more than the {max} accepted")]
    TooLarge {
        /// Size in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The bytes are not a DER X.509 certificate: the parser failed, or an
    /// element carries a tag of the wrong class or form.
    #[error("not a DER X.509 certificate: {reason}")]
    NotDer {
        /// What the parser said, or which element (by its ASN.1 name) at
        /// which byte had which unexpected tag.
        reason: String,
    },
    /// A certificate followed by more bytes.
    #[error("{trailing} unexpected bytes after the certificate's {len} bytes of DER")]
    TrailingData {
        /// Bytes of the certificate.
        len: usize,
        /// Bytes after it.
        trailing: usize,
    },
    /// PEM text larger than [`MAX_PEM_INPUT_LEN`].
    #[error("PEM text is {len} bytes, more than the {max} accepted")]
    PemTooLarge {
        /// Size in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// PEM text with no `CERTIFICATE` block, or a broken one.
    #[error("PEM: {reason}")]
    Pem {
        /// What was wrong.
        reason: String,
    },
    /// The same extension twice: ambiguous, so refused.
    #[error(
        "duplicate {name} extension ({oid}): ambiguous, a certificate must not repeat an extension"
    )]
    DuplicateExtension {
        /// Extension OID, dotted.
        oid: String,
        /// Its name, where known.
        name: String,
    },
    /// An extension the model reads could not be decoded.
    #[error("malformed {name} extension: {reason}")]
    MalformedExtension {
        /// The extension's name.
        name: String,
        /// What was wrong.
        reason: String,
    },
    /// A subject common name that cannot be decoded as text.
    #[error("subject common name #{index}: {reason}")]
    MalformedName {
        /// Which common name (from 1).
        index: usize,
        /// What was wrong.
        reason: String,
    },
}

const OID_EKU: &str = "2.5.29.37";
const OID_SAN: &str = "2.5.29.17";

impl Certificate {
    /// Parses exactly one DER certificate.
    ///
    /// # Errors
    ///
    /// [`CertificateError`] when the bytes are empty, larger than
    /// [`MAX_CERTIFICATE_DER_LEN`], not a certificate, followed by trailing
    /// bytes, or carry a duplicated or malformed extension the model needs.
    /// Tags are checked with their class, as CryptoAPI checks them: a
    /// `SEQUENCE` written as context-specific `[16]` (`0xB0`), or a purpose
    /// OID of another class, is [`CertificateError::NotDer`] naming the
    /// element and its byte offset.
    ///
    /// ```
    /// use sstp_cert::model::certificate::{Certificate, CertificateError};
    ///
    /// let pem = include_bytes!("../../examples/store/07-server-auth-vpn.pem");
    /// let mut der = Certificate::from_pem_or_der(pem)?[0].der().to_vec();
    /// der[0] = 0xB0; // the outer SEQUENCE's tag, with the wrong class
    /// let Err(CertificateError::NotDer { reason }) = Certificate::from_der(der) else {
    ///     panic!("refused");
    /// };
    /// assert!(reason.starts_with("Certificate at byte 0: expected SEQUENCE"));
    /// # Ok::<(), CertificateError>(())
    /// ```
    pub fn from_der(der: impl Into<Vec<u8>>) -> Result<Self, CertificateError> {
        let der: Vec<u8> = der.into();
        if der.is_empty() {
            return Err(CertificateError::Empty);
        }
        if der.len() > MAX_CERTIFICATE_DER_LEN {
            return Err(CertificateError::TooLarge {
                len: der.len(),
                max: MAX_CERTIFICATE_DER_LEN,
            });
        }
        let der = der.into_boxed_slice();
        let facts = extract(&der)?;
        Ok(Certificate(Arc::new(Inner {
            der,
            sha1: OnceLock::new(),
            sha256: OnceLock::new(),
            subject_raw: facts.subject_raw,
            subject: OnceLock::new(),
            issuer_raw: facts.issuer_raw,
            issuer: OnceLock::new(),
            serial: facts.serial,
            self_issued: facts.self_issued,
            names: OnceLock::new(),
            name_summary: facts.name_summary,
            validity: facts.validity,
            public_key: facts.public_key,
            spki: facts.spki,
            eku: facts.eku,
            key_usage: facts.key_usage,
            has_crl_distribution_points: facts.has_crl_distribution_points,
            signature_algorithm: facts.signature_algorithm,
            unknown_critical_extensions: facts.unknown_critical,
        })))
    }

    /// Parses every certificate of a PEM text (blocks labelled
    /// `CERTIFICATE`; other blocks such as keys are skipped), or one DER
    /// certificate when the bytes are not PEM.
    ///
    /// Input that is one DER structure (a SEQUENCE whose length covers
    /// exactly the input) is DER, whatever text it contains; otherwise a
    /// `-----BEGIN ` line in the first 16 KiB means PEM.
    ///
    /// # Errors
    ///
    /// [`CertificateError::Pem`] for PEM text without a certificate block or
    /// with a broken block, [`CertificateError::PemTooLarge`] for PEM text
    /// beyond [`MAX_PEM_INPUT_LEN`]; otherwise as [`Certificate::from_der`].
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Vec<Self>, CertificateError> {
        if bytes.is_empty() {
            return Err(CertificateError::Empty);
        }
        if !looks_like_pem(bytes) {
            // Checked before the bytes are copied.
            if bytes.len() > MAX_CERTIFICATE_DER_LEN {
                return Err(CertificateError::TooLarge {
                    len: bytes.len(),
                    max: MAX_CERTIFICATE_DER_LEN,
                });
            }
            return Ok(vec![Certificate::from_der(bytes.to_vec())?]);
        }
        if bytes.len() > MAX_PEM_INPUT_LEN {
            return Err(CertificateError::PemTooLarge {
                len: bytes.len(),
                max: MAX_PEM_INPUT_LEN,
            });
        }
        let ders = pem_certificates(bytes)?;
        if ders.is_empty() {
            return Err(CertificateError::Pem {
                reason: "no CERTIFICATE block found".into(),
            });
        }
        ders.into_iter().map(Certificate::from_der).collect()
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// The SHA-1 thumbprint (what netsh prints as "Certificate Hash"),
    /// computed on first use and then kept.
    pub fn sha1(&self) -> Sha1Thumbprint {
        *self
            .0
            .sha1
            .get_or_init(|| Sha1Thumbprint::of_der(&self.0.der))
    }

    /// The SHA-256 hash (what `SHA256CertificateHash` holds), computed on
    /// first use and then kept.
    pub fn sha256(&self) -> Sha256Hash {
        *self
            .0
            .sha256
            .get_or_init(|| Sha256Hash::of_der(&self.0.der))
    }

    /// The subject distinguished name, RFC 4514 style.
    pub fn subject(&self) -> &str {
        self.0
            .subject
            .get_or_init(|| name_text(self.range(&self.0.subject_raw)))
    }

    /// The issuer distinguished name, RFC 4514 style.
    pub fn issuer(&self) -> &str {
        self.0
            .issuer
            .get_or_init(|| name_text(self.range(&self.0.issuer_raw)))
    }

    /// The serial number's big-endian bytes as encoded.
    pub fn serial(&self) -> &[u8] {
        self.range(&self.0.serial)
    }

    fn range(&self, r: &Range<usize>) -> &[u8] {
        self.0.der.get(r.clone()).unwrap_or(&[])
    }

    /// The serial number as colon-separated hex, as OpenSSL prints it.
    pub fn serial_hex(&self) -> String {
        self.serial()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":")
    }

    /// Whether issuer and subject are the same name (a self-issued,
    /// typically self-signed, certificate).
    pub fn is_self_issued(&self) -> bool {
        self.0.self_issued
    }

    /// Whether this and `other` have the same issuer and serial number, which
    /// is how the SSTP service compares certificates ([behaviour §6](crate::behaviour)).
    pub fn same_issuer_and_serial(&self, other: &Certificate) -> bool {
        // Equal encodings render to equal texts; only different encodings
        // need the texts compared.
        self.serial() == other.serial()
            && (self.range(&self.0.issuer_raw) == other.range(&other.0.issuer_raw)
                || self.issuer() == other.issuer())
    }

    /// The names (listed on first use; they were checked when the
    /// certificate was parsed).
    pub fn names(&self) -> &Names {
        self.0.names.get_or_init(|| {
            let inner = &*self.0;
            list_names(&inner.der, &inner.name_summary, inner.subject_raw.clone())
        })
    }

    /// Whether the certificate presents any name a client could match (a
    /// SAN dNSName or iPAddress, or a subject CN), without listing them.
    pub(crate) fn presents_a_name(&self) -> bool {
        self.0.name_summary.any
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        self.0.validity
    }

    /// The public key summary.
    pub fn public_key(&self) -> &PublicKeyInfo {
        &self.0.public_key
    }

    /// The DER of the SubjectPublicKeyInfo, for comparing with a private key.
    pub fn spki_der(&self) -> &[u8] {
        self.range(&self.0.spki)
    }

    /// The EKU extension as present.
    pub fn eku(&self) -> &EkuExtension {
        &self.0.eku
    }

    /// The key usage extension's TLS-relevant bits, or `None` when absent.
    pub fn key_usage(&self) -> Option<KeyUsageBits> {
        self.0.key_usage
    }

    /// Whether a CRL distribution points extension is present.
    pub fn has_crl_distribution_points(&self) -> bool {
        self.0.has_crl_distribution_points
    }

    /// The signature algorithm OID, dotted.
    pub fn signature_algorithm(&self) -> &str {
        &self.0.signature_algorithm
    }

    /// Critical extensions the model does not know (a client that does not
    /// know them either must reject the certificate).
    pub fn unknown_critical_extensions(&self) -> &[String] {
        &self.0.unknown_critical_extensions
    }
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Self) -> bool {
        self.0.der == other.0.der
    }
}

impl Eq for Certificate {}

impl fmt::Debug for Certificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Certificate")
            .field("sha1", &self.sha1())
            .field("subject", &self.subject())
            .finish_non_exhaustive()
    }
}

/// Whether bytes are one DER SEQUENCE with a definite length that covers
/// exactly the input: what a DER certificate or key is, and what PEM text
/// (which starts with a letter, a dash, white space or a BOM) practically
/// never is.
pub(crate) fn starts_like_der(bytes: &[u8]) -> bool {
    let [0x30, first, rest @ ..] = bytes else {
        return false;
    };
    let (len, header) = match *first {
        n @ 0..=0x7f => (usize::from(n), 2),
        n @ 0x81..=0x88 => {
            let k = usize::from(n & 0x7f);
            let Some(digits) = rest.get(..k) else {
                return false;
            };
            let len = digits.iter().try_fold(0usize, |v, &d| {
                v.checked_mul(256)?.checked_add(usize::from(d))
            });
            match len {
                Some(len) => (len, 2 + k),
                None => return false,
            }
        }
        _ => return false,
    };
    header.checked_add(len) == Some(bytes.len())
}

/// Whether bytes are to be read as PEM text: a `-----BEGIN ` line in the
/// first 16 KiB (after optional explanatory text or a UTF-8 BOM), unless the
/// bytes are one DER structure ([`starts_like_der`]) — a DER certificate or
/// key may contain that text, in a name for instance.
pub(crate) fn looks_like_pem(bytes: &[u8]) -> bool {
    if starts_like_der(bytes) {
        return false;
    }
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // PEM may have explanatory text before the first block (OpenSSL writes
    // "Bag Attributes"); search the first few kilobytes for the marker.
    let head = &b[..b.len().min(16 * 1024)];
    head.windows(11).any(|w| w == b"-----BEGIN ")
}

/// Extracts the DER of every `CERTIFICATE` PEM block.
pub(crate) fn pem_certificates(bytes: &[u8]) -> Result<Vec<Vec<u8>>, CertificateError> {
    use rustls_pki_types::pem::{PemObject, SectionKind};
    let mut out = Vec::new();
    for item in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(bytes) {
        let (kind, der) = item.map_err(|e| CertificateError::Pem {
            reason: explain::pem(&e),
        })?;
        if kind == SectionKind::Certificate {
            out.push(der);
        }
    }
    Ok(out)
}

struct Facts {
    subject_raw: Range<usize>,
    issuer_raw: Range<usize>,
    serial: Range<usize>,
    self_issued: bool,
    name_summary: NameSummary,
    validity: Validity,
    public_key: PublicKeyInfo,
    spki: Range<usize>,
    eku: EkuExtension,
    key_usage: Option<KeyUsageBits>,
    has_crl_distribution_points: bool,
    signature_algorithm: Cow<'static, str>,
    unknown_critical: Vec<String>,
}

fn extract(der: &[u8]) -> Result<Facts, CertificateError> {
    let x509 = parse_x509(der)?;
    let tbs = &x509.tbs_certificate;
    let exts = tbs.extensions();
    refuse_duplicate_extension(exts)?;
    let read = read_extensions(exts)?;
    let (common_names, first_common_name) = check_common_names(&tbs.subject)?;
    let range = |inner: &[u8]| subslice_range(der, inner).unwrap_or(0..0);
    let name_summary = NameSummary {
        any: read.san.dns + read.san.ips + common_names > 0,
        san_value: read.san.value.map(range),
        common_names: match (common_names, first_common_name) {
            (1, Some((tag, data))) => CommonNames::One(tag, range(data)),
            (0, _) => CommonNames::None,
            _ => CommonNames::Many,
        },
    };

    Ok(Facts {
        subject_raw: range(tbs.subject.as_raw()),
        issuer_raw: range(tbs.issuer.as_raw()),
        serial: range(tbs.raw_serial()),
        self_issued: tbs.subject.as_raw() == tbs.issuer.as_raw(),
        name_summary,
        validity: Validity {
            not_before: tbs.validity.not_before.to_datetime(),
            not_after: tbs.validity.not_after.to_datetime(),
        },
        public_key: public_key_info(&tbs.subject_pki),
        spki: range(tbs.subject_pki.raw),
        eku: read.eku,
        key_usage: read.key_usage,
        has_crl_distribution_points: read.has_crl_distribution_points,
        signature_algorithm: oid_text(&x509.signature_algorithm.algorithm),
        unknown_critical: read.unknown_critical,
    })
}

/// Step 1: x509-parser's parse of exactly one certificate, then the tag
/// classes CryptoAPI checks and x509-parser does not.
#[inline(always)]
fn parse_x509(der: &[u8]) -> Result<X509Certificate<'_>, CertificateError> {
    // Extensions are read shallowly (OID, criticality, value): the few the
    // model uses are decoded by `read_extensions`, each with the parser
    // x509-parser's deep parse would use, so that what is accepted, and
    // every message, is the same — without decoding the ones the choice
    // never reads.
    let (rest, x509) = X509CertificateParser::new()
        .with_deep_parse_extensions(false)
        .parse(der)
        .map_err(|e| CertificateError::NotDer {
            reason: explain::x509(&e),
        })?;
    if !rest.is_empty() {
        return Err(CertificateError::TrailingData {
            len: der.len() - rest.len(),
            trailing: rest.len(),
        });
    }
    // x509-parser matches most tags by number only; CryptoAPI does not.
    shape::check(der)?;
    Ok(x509)
}

/// Step 2: any repeated extension is ambiguous, so refused.
fn refuse_duplicate_extension(exts: &[X509Extension<'_>]) -> Result<(), CertificateError> {
    // A few extensions (the usual case): compared pairwise, no allocation.
    // Many: a set (a 64 KiB certificate can hold thousands).
    let duplicate = if exts.len() <= 16 {
        exts.iter()
            .enumerate()
            .find(|(i, e)| {
                exts[..*i]
                    .iter()
                    .any(|p| p.oid.as_bytes() == e.oid.as_bytes())
            })
            .map(|(_, e)| e)
    } else {
        let mut seen = std::collections::HashSet::with_capacity(exts.len().min(64));
        exts.iter().find(|e| !seen.insert(e.oid.as_bytes()))
    };
    match duplicate {
        Some(e) => {
            let oid = e.oid.to_id_string();
            Err(CertificateError::DuplicateExtension {
                name: extension_name(&oid).to_owned(),
                oid,
            })
        }
        None => Ok(()),
    }
}

/// What the extensions say, as the model reads them.
struct ExtensionFacts<'a> {
    /// What the subjectAltName holds (checked, not listed).
    san: SanSummary<'a>,
    eku: EkuExtension,
    key_usage: Option<KeyUsageBits>,
    has_crl_distribution_points: bool,
    unknown_critical: Vec<String>,
}

/// Step 3: the extensions the model reads, decoded; a critical extension
/// x509-parser cannot decode is recorded as unknown.
fn read_extensions<'a>(exts: &[X509Extension<'a>]) -> Result<ExtensionFacts<'a>, CertificateError> {
    let mut read = ExtensionFacts {
        san: SanSummary::default(),
        eku: EkuExtension::Absent,
        key_usage: None,
        has_crl_distribution_points: false,
        unknown_critical: Vec::new(),
    };
    for ext in exts {
        let oid = ext.oid.as_bytes();
        if oid == OID_X509_EXT_SUBJECT_ALT_NAME.as_bytes() {
            read.san = check_subject_alt_name(ext)?;
        } else if oid == OID_X509_EXT_EXTENDED_KEY_USAGE.as_bytes() {
            // x509-parser's EKU decoder fails exactly when the OID list
            // does, which `eku_in_order` reads (and reports) itself.
            read.eku = EkuExtension::Present {
                purposes: eku_in_order(ext.value)?,
                critical: ext.critical,
            };
        } else if oid == OID_X509_EXT_KEY_USAGE.as_bytes() {
            match KeyUsage::from_der(ext.value) {
                Ok((_, ku)) => {
                    read.key_usage = Some(KeyUsageBits {
                        digital_signature: ku.digital_signature(),
                        key_encipherment: ku.key_encipherment(),
                        key_agreement: ku.key_agreement(),
                    });
                }
                Err(_) if ext.critical => read.unknown_critical.push(ext.oid.to_id_string()),
                Err(_) => {}
            }
        } else if oid == OID_X509_EXT_CRL_DISTRIBUTION_POINTS.as_bytes() {
            match CRLDistributionPoints::from_der(ext.value) {
                Ok(_) => read.has_crl_distribution_points = true,
                Err(_) if ext.critical => read.unknown_critical.push(ext.oid.to_id_string()),
                Err(_) => {}
            }
        } else if ext.critical && !x509_parser_understands(ext) {
            read.unknown_critical.push(ext.oid.to_id_string());
        }
    }
    Ok(read)
}

/// Whether a certificate presents any name, and where its subjectAltName
/// is: what the choice needs of the names without listing them.
#[derive(Debug, Clone)]
struct NameSummary {
    /// A SAN dNSName or iPAddress, or a subject CN.
    any: bool,
    /// The subjectAltName extension's value, if there is one.
    san_value: Option<Range<usize>>,
    /// The subject's common names: the string type and content octets of
    /// the only one, or `Many`.
    common_names: CommonNames,
}

/// Where the subject's common names are, for [`list_names`].
#[derive(Debug, Clone)]
enum CommonNames {
    None,
    /// The only one: its string type and the range of its content octets.
    One(Tag, Range<usize>),
    /// Several, read again from the subject.
    Many,
}

/// A checked subjectAltName: its value and how many names of each kind.
#[derive(Debug, Default)]
struct SanSummary<'a> {
    value: Option<&'a [u8]>,
    dns: usize,
    ips: usize,
}

/// Step 3a: the subjectAltName decoded and checked (every entry decodable,
/// every iPAddress 4 or 16 bytes), its dNSNames and iPAddresses counted.
fn check_subject_alt_name<'a>(ext: &X509Extension<'a>) -> Result<SanSummary<'a>, CertificateError> {
    let Ok((_, san)) = SubjectAlternativeName::from_der(ext.value) else {
        return Err(malformed(ext));
    };
    let mut summary = SanSummary {
        value: Some(ext.value),
        dns: 0,
        ips: 0,
    };
    for gn in &san.general_names {
        match gn {
            GeneralName::DNSName(_) => summary.dns += 1,
            GeneralName::IPAddress(b) => {
                ip_from_bytes(b)?;
                summary.ips += 1;
            }
            GeneralName::Invalid(tag, _) => {
                return Err(CertificateError::MalformedExtension {
                    name: "subjectAltName".into(),
                    reason: format!("undecodable entry with tag {}", tag.0),
                });
            }
            _ => {}
        }
    }
    Ok(summary)
}

/// A string's universal type and content octets.
type StringValue<'a> = (Tag, &'a [u8]);

/// Step 4: the subject's common names decoded as text (each must be), and
/// where they are.
fn check_common_names<'a>(
    subject: &X509Name<'a>,
) -> Result<(usize, Option<StringValue<'a>>), CertificateError> {
    let mut count = 0;
    let mut first = None;
    for (i, attr) in subject.iter_common_name().enumerate() {
        decode_directory_string(attr).map_err(|reason| CertificateError::MalformedName {
            index: i + 1,
            reason,
        })?;
        if i == 0 {
            first = Some((attr.attr_value().tag(), attr.attr_value().data));
        }
        count += 1;
    }
    Ok((count, first))
}

/// The names of a certificate [`extract`] accepted, listed in certificate
/// order: the subjectAltName and the common names `summary` locates (the
/// subject, at `subject`, is read again when it has several), all byte
/// ranges of `der`. Both were checked by [`check_subject_alt_name`] and
/// [`check_common_names`] when the certificate was parsed, so reading them
/// again succeeds.
fn list_names(der: &[u8], summary: &NameSummary, subject: Range<usize>) -> Names {
    let mut names = Names::default();
    if let Some(value) = summary.san_value.clone().and_then(|r| der.get(r)) {
        names.has_san_extension = true;
        if let Ok((_, san)) = SubjectAlternativeName::from_der(value) {
            let count = |f: fn(&GeneralName<'_>) -> bool| {
                san.general_names.iter().filter(|gn| f(gn)).count()
            };
            names.dns = Vec::with_capacity(count(|gn| matches!(gn, GeneralName::DNSName(_))));
            names.ips = Vec::with_capacity(count(|gn| matches!(gn, GeneralName::IPAddress(_))));
            for gn in &san.general_names {
                match gn {
                    GeneralName::DNSName(s) => names.dns.push((*s).to_owned()),
                    GeneralName::IPAddress(b) => names.ips.extend(ip_from_bytes(b).ok()),
                    GeneralName::Invalid(..) => {}
                    _ => names.other_san_entries += 1,
                }
            }
        }
    }
    match &summary.common_names {
        CommonNames::None => {}
        CommonNames::One(tag, range) => {
            let text = der.get(range.clone()).map(|data| decode_string(*tag, data));
            names.common_names = text.and_then(Result::ok).into_iter().collect();
        }
        CommonNames::Many => {
            if let Some(Ok((_, subject))) = der.get(subject).map(X509Name::from_der) {
                names.common_names = list_common_names(&subject);
            }
        }
    }
    names
}

/// Every common name of `subject` (checked before) as text.
fn list_common_names(subject: &X509Name<'_>) -> Vec<String> {
    let mut out = Vec::with_capacity(subject.iter_common_name().count());
    out.extend(
        subject
            .iter_common_name()
            .map_while(|attr| decode_directory_string(attr).ok()),
    );
    out
}

/// The RFC 4514 text of a name from its DER (which [`extract`] has parsed
/// already, so it parses again).
fn name_text(raw: &[u8]) -> String {
    X509Name::from_der(raw)
        .map(|(_, name)| name.to_string())
        .unwrap_or_default()
}

/// Dotted forms of the OIDs met in nearly every certificate, by content
/// octets, so that the common cases allocate nothing.
const KNOWN_OIDS: [(&[u8], &str); 12] = [
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b],
        "1.2.840.113549.1.1.11",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c],
        "1.2.840.113549.1.1.12",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d],
        "1.2.840.113549.1.1.13",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a],
        "1.2.840.113549.1.1.10",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05],
        "1.2.840.113549.1.1.5",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04],
        "1.2.840.113549.1.1.4",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02],
        "1.2.840.10045.4.3.2",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03],
        "1.2.840.10045.4.3.3",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04],
        "1.2.840.10045.4.3.4",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01],
        "1.2.840.10045.4.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01],
        "1.2.840.113549.1.1.1",
    ),
    (
        &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01],
        "1.2.840.10045.2.1",
    ),
];

/// The dotted form of `oid`, without allocating for the common ones.
fn oid_text(oid: &Oid<'_>) -> Cow<'static, str> {
    let bytes = oid.as_bytes();
    KNOWN_OIDS.iter().find(|(b, _)| *b == bytes).map_or_else(
        || Cow::Owned(oid.to_id_string()),
        |(_, s)| Cow::Borrowed(*s),
    )
}

fn subslice_range(outer: &[u8], inner: &[u8]) -> Option<Range<usize>> {
    let start = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    let end = start.checked_add(inner.len())?;
    (end <= outer.len()).then_some(start..end)
}

fn extension_name(oid: &str) -> &'static str {
    match oid {
        OID_EKU => "extendedKeyUsage",
        OID_SAN => "subjectAltName",
        "2.5.29.15" => "keyUsage",
        "2.5.29.19" => "basicConstraints",
        "2.5.29.31" => "cRLDistributionPoints",
        "2.5.29.14" => "subjectKeyIdentifier",
        "2.5.29.35" => "authorityKeyIdentifier",
        "1.3.6.1.5.5.7.1.1" => "authorityInfoAccess",
        _ => "unnamed",
    }
}

/// The extension decoded as x509-parser's deep parse decodes it (for the
/// rare extensions only that need it: a critical one the model does not
/// read, a malformed subjectAltName's message).
fn deep_parse<R>(ext: &X509Extension<'_>, f: impl FnOnce(&ParsedExtension<'_>) -> R) -> R {
    // `SEQUENCE { extnID, extnValue }`: criticality plays no part in the
    // decoding.
    let mut body = Vec::with_capacity(ext.value.len() + 32);
    push_tlv(&mut body, 0x06, ext.oid.as_bytes());
    push_tlv(&mut body, 0x04, ext.value);
    let mut encoded = Vec::with_capacity(body.len() + 6);
    push_tlv(&mut encoded, 0x30, &body);
    match X509ExtensionParser::new().parse(&encoded) {
        Ok((_, deep)) => f(deep.parsed_extension()),
        // Not reached: the same bytes were read as an extension already.
        Err(_) => f(&ParsedExtension::Unparsed),
    }
}

/// Appends a DER tag, definite length and content.
fn push_tlv(out: &mut Vec<u8>, tag: u8, content: &[u8]) {
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
}

/// Whether x509-parser knows a (critical) extension and can decode it: a
/// client that cannot must refuse the certificate.
fn x509_parser_understands(ext: &X509Extension<'_>) -> bool {
    deep_parse(ext, |p| {
        !matches!(
            p,
            ParsedExtension::ParseError { .. }
                | ParsedExtension::UnsupportedExtension { .. }
                | ParsedExtension::Unparsed
        )
    })
}

/// The error for an undecodable subjectAltName, with the decoder's own
/// explanation.
fn malformed(ext: &X509Extension<'_>) -> CertificateError {
    let reason = deep_parse(ext, |p| match p {
        ParsedExtension::ParseError { error } => explain::der(error),
        _ => "cannot be decoded".to_owned(),
    });
    CertificateError::MalformedExtension {
        name: "subjectAltName".into(),
        reason,
    }
}

/// Reads the EKU OIDs in certificate order (x509-parser's own view sorts
/// them into flags), removing duplicates.
fn eku_in_order(value: &[u8]) -> Result<Arc<[KeyPurpose]>, CertificateError> {
    let (rest, oids) =
        <Vec<Oid>>::from_der(value).map_err(|e| CertificateError::MalformedExtension {
            name: "extendedKeyUsage".into(),
            reason: explain::der(&e),
        })?;
    if !rest.is_empty() {
        return Err(CertificateError::MalformedExtension {
            name: "extendedKeyUsage".into(),
            reason: format!("{} bytes after the OID list", rest.len()),
        });
    }
    if oids.len() > 16 {
        let all: Vec<KeyPurpose> = oids.iter().map(key_purpose).collect();
        return Ok(super::eku::dedup(&all).into());
    }
    // The usual case, no OID twice (compared by their encodings, which are
    // minimal, so that equal purposes have equal bytes): the list is made
    // in place, in one allocation.
    let distinct = oids
        .iter()
        .enumerate()
        .all(|(i, o)| minimal_oid(o) && oids[..i].iter().all(|p| p.as_bytes() != o.as_bytes()));
    if distinct {
        return Ok(oids.iter().map(key_purpose).collect());
    }
    // The usual few purposes: de-duplicated pairwise as they are read,
    // without an intermediate list (what `dedup` gives for ≤ 16).
    let mut out: Vec<KeyPurpose> = Vec::with_capacity(oids.len());
    for oid in &oids {
        let p = key_purpose(oid);
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out.into())
}

/// Whether an OID's encoding is minimal: no subidentifier starts with the
/// padding octet `0x80`, so that two encodings of one OID cannot differ.
fn minimal_oid(oid: &Oid<'_>) -> bool {
    let bytes = oid.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != 0x80 || (i > 0 && bytes[i - 1] & 0x80 != 0))
}

/// `KeyPurpose::from_oid` of the dotted form, without making the dotted
/// form for the named purposes.
fn key_purpose(oid: &Oid<'_>) -> KeyPurpose {
    const PKIX_KP: [u8; 7] = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03];
    const ANY: [u8; 4] = [0x55, 0x1d, 0x25, 0x00];
    let b = oid.as_bytes();
    let named = match b.split_last() {
        Some((&last, head)) if head == PKIX_KP => match last {
            1 => Some(KeyPurpose::ServerAuth),
            2 => Some(KeyPurpose::ClientAuth),
            3 => Some(KeyPurpose::CodeSigning),
            4 => Some(KeyPurpose::EmailProtection),
            8 => Some(KeyPurpose::TimeStamping),
            9 => Some(KeyPurpose::OcspSigning),
            _ => None,
        },
        _ if b == ANY => Some(KeyPurpose::Any),
        _ => None,
    };
    named.unwrap_or_else(|| KeyPurpose::from_oid(&oid.to_id_string()))
}

fn ip_from_bytes(b: &[u8]) -> Result<IpAddr, CertificateError> {
    match b.len() {
        4 => {
            let a: [u8; 4] = b.try_into().map_err(|_| bad_ip(b.len()))?;
            Ok(IpAddr::from(a))
        }
        16 => {
            let a: [u8; 16] = b.try_into().map_err(|_| bad_ip(b.len()))?;
            Ok(IpAddr::from(a))
        }
        n => Err(bad_ip(n)),
    }
}

fn bad_ip(len: usize) -> CertificateError {
    CertificateError::MalformedExtension {
        name: "subjectAltName".into(),
        reason: format!("iPAddress entry of {len} bytes (expected 4 or 16)"),
    }
}

fn decode_directory_string(attr: &AttributeTypeAndValue<'_>) -> Result<String, String> {
    let value = attr.attr_value();
    let data: &[u8] = value.data;
    // x509-parser reports the tag number whatever the class; a
    // context-specific [12] is not a UTF8String.
    if value.class() != x509_parser::asn1_rs::Class::Universal || value.header.is_constructed() {
        return Err(format!(
            "not a string: {:?} {} tag {}",
            value.class(),
            if value.header.is_constructed() {
                "constructed"
            } else {
                "primitive"
            },
            value.tag().0
        ));
    }
    decode_string(value.tag(), data)
}

/// The text of a string of universal type `tag` whose content octets are
/// `data`.
fn decode_string(tag: Tag, data: &[u8]) -> Result<String, String> {
    match tag {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(data)
                .map(str::to_owned)
                .map_err(|e| format!("invalid UTF-8 at byte {}", e.valid_up_to()))
        }
        Tag::TeletexString | Tag::VisibleString => Ok(data.iter().map(|&b| b as char).collect()),
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return Err(format!("BMPString of odd length {}", data.len()));
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).map_err(|_| "BMPString with an unpaired surrogate".into())
        }
        Tag::UniversalString => {
            if !data.len().is_multiple_of(4) {
                return Err(format!("UniversalString of length {}", data.len()));
            }
            data.chunks_exact(4)
                .map(|c| {
                    let v = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
                    char::from_u32(v).ok_or_else(|| format!("invalid code point U+{v:X}"))
                })
                .collect()
        }
        t => Err(format!("unsupported string type (tag {})", t.0)),
    }
}

fn public_key_info(spki: &x509_parser::x509::SubjectPublicKeyInfo<'_>) -> PublicKeyInfo {
    let alg = &spki.algorithm.algorithm;
    match alg.as_bytes() {
        [0x2b, 0x65, 0x70] => return PublicKeyInfo::Ed25519, // 1.3.101.112
        [0x2b, 0x65, 0x71] => return PublicKeyInfo::Ed448,   // 1.3.101.113
        _ => {}
    }
    match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => PublicKeyInfo::Rsa {
            bits: rsa.key_size(),
        },
        Ok(PublicKey::EC(_)) => {
            let curve = match spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
            {
                Some(c) => match c.as_bytes() {
                    // 1.2.840.10045.3.1.7
                    [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07] => EcCurve::P256,
                    [0x2b, 0x81, 0x04, 0x00, 0x22] => EcCurve::P384, // 1.3.132.0.34
                    [0x2b, 0x81, 0x04, 0x00, 0x23] => EcCurve::P521, // 1.3.132.0.35
                    _ => EcCurve::Other(c.to_id_string()),
                },
                None => EcCurve::Other("explicit".into()),
            };
            PublicKeyInfo::Ec { curve }
        }
        _ => PublicKeyInfo::Other {
            oid: alg.to_id_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eku_lists_are_deduplicated_in_order() {
        let server = [0x06, 0x08, 0x2b, 6, 1, 5, 5, 7, 3, 1];
        let client = [0x06, 0x08, 0x2b, 6, 1, 5, 5, 7, 3, 2];
        let list = |oids: &[&[u8]]| {
            let body: Vec<u8> = oids.concat();
            let mut v = vec![0x30, body.len() as u8];
            v.extend(body);
            v
        };
        let l = eku_in_order(&list(&[&client, &server])).unwrap();
        assert_eq!(&*l, [KeyPurpose::ClientAuth, KeyPurpose::ServerAuth]);
        let l = eku_in_order(&list(&[&server, &client, &server])).unwrap();
        assert_eq!(&*l, [KeyPurpose::ServerAuth, KeyPurpose::ClientAuth]);
        assert!(eku_in_order(&list(&[])).unwrap().is_empty());
    }

    #[test]
    fn minimal_oid_encodings() {
        let oid = |b: &'static [u8]| Oid::new(Cow::Borrowed(b));
        assert!(minimal_oid(&oid(&[0x2b, 6, 1, 5, 5, 7, 3, 1])));
        // 0x80 inside a multi-octet subidentifier is not padding.
        assert!(minimal_oid(&oid(&[
            0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x81, 0x80, 0x01
        ])));
        // A subidentifier that starts with 0x80 is padded.
        assert!(!minimal_oid(&oid(&[0x2b, 0x80, 0x06, 1])));
        assert!(!minimal_oid(&oid(&[0x80, 0x2b])));
    }

    #[test]
    fn known_oids_are_their_dotted_forms() {
        for (bytes, dotted) in KNOWN_OIDS {
            let oid = Oid::new(Cow::Borrowed(bytes));
            assert_eq!(oid.to_id_string(), dotted);
            assert_eq!(oid_text(&oid), dotted);
        }
        let other = Oid::from(&[1, 2, 3, 4]).unwrap();
        assert_eq!(oid_text(&other), "1.2.3.4");
    }

    #[test]
    fn key_purpose_agrees_with_from_oid() {
        for dotted in [
            "1.3.6.1.5.5.7.3.1",
            "1.3.6.1.5.5.7.3.2",
            "1.3.6.1.5.5.7.3.3",
            "1.3.6.1.5.5.7.3.4",
            "1.3.6.1.5.5.7.3.5",
            "1.3.6.1.5.5.7.3.8",
            "1.3.6.1.5.5.7.3.9",
            "1.3.6.1.5.5.7.3.17",
            "2.5.29.37.0",
            "2.5.29.37.1",
            "1.3.6.1.4.1.311.10.3.12",
        ] {
            let arcs: Vec<u64> = dotted.split('.').map(|a| a.parse().unwrap()).collect();
            let oid = Oid::from(&arcs).unwrap();
            assert_eq!(key_purpose(&oid), KeyPurpose::from_oid(dotted), "{dotted}");
        }
    }

    #[test]
    fn der_envelope() {
        assert!(starts_like_der(&[0x30, 0x00]));
        assert!(starts_like_der(&[0x30, 0x01, 0xff]));
        assert!(starts_like_der(&[0x30, 0x81, 0x01, 0xff]));
        assert!(starts_like_der(&[0x30, 0x82, 0x00, 0x01, 0xff]));
        assert!(!starts_like_der(&[0x30, 0x02, 0xff]));
        assert!(!starts_like_der(&[0x30, 0x01, 0xff, 0x00]));
        assert!(
            !starts_like_der(&[0x30, 0x80, 0x00, 0x00]),
            "indefinite length"
        );
        assert!(!starts_like_der(&[0x30, 0x82, 0x01]), "length cut short");
        assert!(!starts_like_der(&[
            0x30, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
        ]));
        assert!(!starts_like_der(&[0x31, 0x00]));
        assert!(!starts_like_der(b"-----BEGIN CERTIFICATE-----\n"));
        assert!(!starts_like_der(b"0"));
        assert!(looks_like_pem(
            b"Bag Attributes\n-----BEGIN CERTIFICATE-----\n"
        ));
        assert!(!looks_like_pem(&[
            0x30, 0x0b, b'-', b'-', b'-', b'-', b'-', b'B', b'E', b'G', b'I', b'N', b' '
        ]));
    }
}
