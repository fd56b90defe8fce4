//! Private keys and pairing them with certificates ([behaviour §2](crate::behaviour), "Private key").
//!
//! The SSTP service only checks that a store entry has a *linked* key; it
//! never opens it. Stores built from files can do better: this module reads a
//! key file, derives its **public** value from the private one, and compares
//! it *by value* with the certificate's public key:
//!
//! | algorithm | compared |
//! |---|---|
//! | RSA (`rsaEncryption`, RSASSA-PSS) | modulus and public exponent, as unsigned big integers (leading zero bytes ignored) |
//! | EC P-256, P-384 | the point, derived from the private scalar (the key file may lack it), on the same curve; compressed and uncompressed encodings are equal |
//! | Ed25519 | the point, derived from the 32-byte seed |
//!
//! Deriving an EC or Ed25519 public key needs elliptic-curve arithmetic
//! (p256, p384, ed25519-dalek), built only with the **`key-pairing`**
//! feature (on for the CLI). Without it, such a key (and an EC certificate
//! key) is [`KeyError::KeyPairingDisabled`], naming the feature: never
//! taken for a key of another certificate. RSA keys pair in every build.
//!
//! Accepted inputs: PEM blocks `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY`
//! (PKCS#1) and `EC PRIVATE KEY` (SEC1), or DER in any of those three forms.
//! A PEM text may hold certificates *and* the key; the key is found among
//! them. Everything else is a [`KeyError`] that says what was wrong and where:
//! encrypted keys (`ENCRYPTED PRIVATE KEY`, `Proc-Type: 4,ENCRYPTED`, DER
//! `EncryptedPrivateKeyInfo`), other algorithms (DSA, Ed448, X25519, …) and
//! curves (P-521, secp256k1, …), several keys in one text (ambiguous), and
//! anything undecodable.
//!
//! A [`PrivateKey`] keeps no secret material: only the format, where it was
//! found, and the derived public value. Its `Debug` output therefore cannot
//! leak the key.
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "key-pairing")] {
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::key::{pair, PrivateKey};
//! use sstp_cert::model::store::KeyState;
//! # let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
//! # let other = rcgen::KeyPair::generate().unwrap();
//! # let cert_pem = ck.cert.pem();
//! # let key_pem = ck.signing_key.serialize_pem();
//! # let other_key_der = other.serialize_der();
//! let cert = Certificate::from_pem_or_der(cert_pem.as_bytes())?.remove(0);
//! let key = PrivateKey::from_pem_or_der(key_pem.as_bytes())?;
//! assert!(key.matches(&cert));
//! assert_eq!(pair(&cert, &key), KeyState::Paired);
//!
//! let other = PrivateKey::from_pem_or_der(&other_key_der)?;
//! assert_eq!(pair(&cert, &other), KeyState::Mismatched);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Errors
//!
//! Parsing never panics; every refusal is a [`KeyError`] naming the PEM block
//! (by position and label) or the DER form, and what was expected.

use std::fmt;

#[cfg(feature = "key-pairing")]
use ed25519_dalek::SigningKey;
#[cfg(feature = "key-pairing")]
use p256::elliptic_curve::sec1::ToSec1Point;
use pkcs1::RsaPrivateKeyRef;
use pkcs8::der::asn1::OctetStringRef;
use pkcs8::der::zeroize::Zeroizing;
use pkcs8::der::{Decode, Reader, SliceReader};
use pkcs8::spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};
use pkcs8::{ObjectIdentifier, PrivateKeyInfoRef};

use super::certificate::{Certificate, EcCurve, MAX_PEM_INPUT_LEN, PublicKeyInfo, looks_like_pem};
use super::store::KeyState;

const OID_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const OID_RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const OID_EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const OID_P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const OID_P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// The largest DER private key or SubjectPublicKeyInfo read (64 KiB; an
/// RSA-16384 private key is under 10 KiB). Larger input is
/// [`KeyError::DerTooLarge`], checked before anything is decoded.
pub const MAX_PRIVATE_KEY_DER_LEN: usize = 64 * 1024;

fn check_der_len(der: &[u8]) -> Result<(), KeyError> {
    if der.len() > MAX_PRIVATE_KEY_DER_LEN {
        return Err(KeyError::DerTooLarge {
            len: der.len(),
            max: MAX_PRIVATE_KEY_DER_LEN,
        });
    }
    Ok(())
}

/// The PEM labels of the private key formats this module reads.
pub const SUPPORTED_PEM_LABELS: [&str; 3] = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];

/// The encoding a private key was stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum KeyFormat {
    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (PEM `PRIVATE KEY`).
    Pkcs8,
    /// PKCS#1 `RSAPrivateKey` (PEM `RSA PRIVATE KEY`).
    Pkcs1,
    /// SEC1 `ECPrivateKey` (PEM `EC PRIVATE KEY`).
    Sec1,
}

impl fmt::Display for KeyFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyFormat::Pkcs8 => "PKCS#8",
            KeyFormat::Pkcs1 => "PKCS#1",
            KeyFormat::Sec1 => "SEC1",
        })
    }
}

/// Where in the input a key (or the problem with it) was found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum KeyLocation {
    /// The whole input, as DER; `format` once the form is known.
    Der {
        /// The form the DER was recognised as, if any.
        format: Option<KeyFormat>,
    },
    /// A PEM block.
    PemBlock {
        /// Position of the block among all `-----BEGIN` lines, from 1.
        index: usize,
        /// The block's label, e.g. `PRIVATE KEY`.
        label: String,
    },
    /// A certificate's SubjectPublicKeyInfo.
    CertificateSpki,
}

impl fmt::Display for KeyLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyLocation::Der { format: Some(fmt) } => write!(f, "DER {fmt} key"),
            KeyLocation::Der { format: None } => f.write_str("DER input"),
            KeyLocation::PemBlock { index, label } => {
                write!(f, "PEM block {index} labelled {label:?}")
            }
            KeyLocation::CertificateSpki => f.write_str("certificate SubjectPublicKeyInfo"),
        }
    }
}

/// Why bytes are not a private key this module can pair.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// No bytes at all.
    #[error("empty input: expected a PEM or DER private key")]
    Empty,
    /// PEM text larger than
    /// [`MAX_PEM_INPUT_LEN`].
    #[error("PEM text is {len} bytes, more than the {max} accepted")]
    PemTooLarge {
        /// Size in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// DER (a private key, or a SubjectPublicKeyInfo) larger than
    /// [`MAX_PRIVATE_KEY_DER_LEN`]; checked before it is decoded.
    #[error("DER input is {len} bytes, more than the {max} accepted for a key")]
    DerTooLarge {
        /// Size in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The PEM framing or base64 is broken.
    #[error("PEM: {reason}")]
    Pem {
        /// What the PEM reader said.
        reason: String,
    },
    /// PEM text without any private key block.
    #[error(
        "no private key in the PEM text (blocks found: {found}); expected a block labelled PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY"
    )]
    NoKey {
        /// The labels that were found, comma-separated, or `none`.
        found: String,
    },
    /// More than one private key block: which one belongs to the
    /// certificate is ambiguous.
    #[error("{} private keys in one file (PEM blocks {}): ambiguous, keep exactly one key per file", .blocks.len(), join_numbers(.blocks))]
    SeveralKeys {
        /// The positions of the key blocks, from 1.
        blocks: Vec<usize>,
    },
    /// An encrypted (password-protected) key.
    #[error("{location}: encrypted keys are not supported, export it unencrypted")]
    Encrypted {
        /// Where.
        location: KeyLocation,
    },
    /// A PEM private key block of another kind (`DSA PRIVATE KEY`,
    /// `OPENSSH PRIVATE KEY`, …).
    #[error(
        "{location}: unsupported private key format; expected PRIVATE KEY (PKCS#8), RSA PRIVATE KEY (PKCS#1) or EC PRIVATE KEY (SEC1)"
    )]
    UnsupportedFormat {
        /// Where.
        location: KeyLocation,
    },
    /// A key whose structure or values are invalid.
    #[error("{location}: {reason}")]
    Malformed {
        /// Where.
        location: KeyLocation,
        /// What was wrong.
        reason: String,
    },
    /// A key algorithm other than RSA, EC or Ed25519.
    #[error(
        "{location}: unsupported key algorithm {name} (OID {oid}); supported: RSA, EC P-256, EC P-384, Ed25519"
    )]
    UnsupportedAlgorithm {
        /// Where.
        location: KeyLocation,
        /// The algorithm's name, where known, else `unknown`.
        name: String,
        /// The algorithm OID, dotted.
        oid: String,
    },
    /// An elliptic curve other than P-256 and P-384.
    #[error("{location}: unsupported elliptic curve {name} (OID {oid}); supported: P-256, P-384")]
    UnsupportedCurve {
        /// Where.
        location: KeyLocation,
        /// The curve's name, where known, else `unknown`.
        name: String,
        /// The curve OID, dotted.
        oid: String,
    },
    /// An EC (P-256, P-384) or Ed25519 key, or an EC certificate key,
    /// while the crate is built without the `key-pairing` feature: its
    /// public key cannot be derived or normalised, so it cannot be paired.
    /// RSA keys pair without the feature.
    #[error(
        "{location}: pairing {algorithm} keys needs the `key-pairing` feature of sstp-cert, which this build lacks (RSA keys pair without it)"
    )]
    KeyPairingDisabled {
        /// Where.
        location: KeyLocation,
        /// The key's algorithm, e.g. `EC P-256` or `Ed25519`.
        algorithm: String,
    },
    /// DER bytes that are none of the three key forms.
    #[error("not a private key: not PKCS#8 ({pkcs8}); not PKCS#1 ({pkcs1}); not SEC1 ({sec1})")]
    NotAKey {
        /// Why PKCS#8 decoding failed.
        pkcs8: String,
        /// Why PKCS#1 decoding failed.
        pkcs1: String,
        /// Why SEC1 decoding failed.
        sec1: String,
    },
}

fn join_numbers(n: &[usize]) -> String {
    n.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A public key value, normalised so that equal keys compare equal.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKeyValue {
    /// RSA public key.
    Rsa {
        /// Modulus, big-endian, without leading zero bytes.
        modulus: Vec<u8>,
        /// Public exponent, big-endian, without leading zero bytes.
        exponent: Vec<u8>,
    },
    /// EC point on a named curve.
    Ec {
        /// The curve (P-256 or P-384).
        curve: EcCurve,
        /// The point, SEC1 uncompressed encoding (`04 ‖ x ‖ y`).
        point: Vec<u8>,
    },
    /// Ed25519 point.
    Ed25519 {
        /// The 32-byte encoded point.
        point: [u8; 32],
    },
}

impl PublicKeyValue {
    /// Decodes a DER SubjectPublicKeyInfo, such as
    /// [`Certificate::spki_der`].
    ///
    /// # Errors
    ///
    /// [`KeyError::DerTooLarge`] beyond [`MAX_PRIVATE_KEY_DER_LEN`];
    /// [`KeyError::Malformed`] for undecodable DER or an invalid point;
    /// [`KeyError::UnsupportedAlgorithm`] / [`KeyError::UnsupportedCurve`]
    /// for keys other than RSA, P-256, P-384 and Ed25519.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        check_der_len(der)?;
        let loc = KeyLocation::CertificateSpki;
        let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| KeyError::Malformed {
            location: loc.clone(),
            reason: format!("not a SubjectPublicKeyInfo: {e}"),
        })?;
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| KeyError::Malformed {
                location: loc.clone(),
                reason: "public key BIT STRING has unused bits".into(),
            })?;
        let alg = spki.algorithm;
        if alg.oid == OID_RSA || alg.oid == OID_RSA_PSS {
            let rsa = pkcs1::RsaPublicKey::<pkcs1::UintRef<'_>>::from_der(bits).map_err(|e| {
                KeyError::Malformed {
                    location: loc.clone(),
                    reason: format!("not a PKCS#1 RSAPublicKey: {e}"),
                }
            })?;
            Ok(rsa_value(
                rsa.modulus.as_bytes(),
                rsa.public_exponent.as_bytes(),
            ))
        } else if alg.oid == OID_EC {
            let curve = supported_curve(ec_curve(&alg, &loc)?, &loc)?;
            ec_point_value(&curve, bits, &loc)
        } else if alg.oid == OID_ED25519 {
            let point: [u8; 32] = bits.try_into().map_err(|_| KeyError::Malformed {
                location: loc.clone(),
                reason: format!("Ed25519 public key of {} bytes (expected 32)", bits.len()),
            })?;
            Ok(PublicKeyValue::Ed25519 { point })
        } else {
            Err(unsupported_algorithm(alg.oid, loc))
        }
    }

    /// The algorithm and size or curve, in the same terms as
    /// [`Certificate::public_key`].
    pub fn algorithm(&self) -> PublicKeyInfo {
        match self {
            PublicKeyValue::Rsa { modulus, .. } => PublicKeyInfo::Rsa {
                bits: bit_length(modulus),
            },
            PublicKeyValue::Ec { curve, .. } => PublicKeyInfo::Ec {
                curve: curve.clone(),
            },
            PublicKeyValue::Ed25519 { .. } => PublicKeyInfo::Ed25519,
        }
    }
}

impl fmt::Debug for PublicKeyValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn head(b: &[u8]) -> String {
            let n = b.len().min(8);
            let mut s = hex::encode(b.get(..n).unwrap_or_default());
            if b.len() > n {
                s.push('…');
            }
            s
        }
        match self {
            PublicKeyValue::Rsa { modulus, exponent } => f
                .debug_struct("Rsa")
                .field("bits", &bit_length(modulus))
                .field("exponent", &hex::encode(exponent))
                .field("modulus", &head(modulus))
                .finish(),
            PublicKeyValue::Ec { curve, point } => f
                .debug_struct("Ec")
                .field("curve", curve)
                .field("point", &head(point))
                .finish(),
            PublicKeyValue::Ed25519 { point } => f
                .debug_struct("Ed25519")
                .field("point", &hex::encode(point))
                .finish(),
        }
    }
}

/// A private key, reduced to what pairing needs: its format, where it was
/// found, and the public key derived from it. No secret bytes are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivateKey {
    format: KeyFormat,
    location: KeyLocation,
    public: PublicKeyValue,
}

impl PrivateKey {
    /// Reads a private key from PEM text (the key may sit among
    /// certificates) or from DER in PKCS#8, PKCS#1 or SEC1 form.
    ///
    /// # Errors
    ///
    /// [`KeyError`]: empty input, PEM text beyond
    /// [`MAX_PEM_INPUT_LEN`] ([`KeyError::PemTooLarge`]), PEM without a key
    /// block or with several, an encrypted key, an unsupported format,
    /// algorithm or curve, or undecodable / inconsistent key data.
    pub fn from_pem_or_der(bytes: &[u8]) -> Result<Self, KeyError> {
        if bytes.is_empty() {
            return Err(KeyError::Empty);
        }
        if looks_like_pem(bytes) {
            check_pem_len(bytes)?;
            let scan = scan_pem(bytes);
            match Self::from_scanned_pem(bytes, &scan)? {
                Some(k) => Ok(k),
                None => Err(KeyError::NoKey {
                    found: if scan.is_empty() {
                        "none".into()
                    } else {
                        scan.iter()
                            .map(|b| b.label.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                }),
            }
        } else {
            Self::from_der(bytes)
        }
    }

    /// Finds the private key in PEM text that may also hold certificates.
    /// `Ok(None)` when the text has no private key block at all (encrypted
    /// or not), so that a certificate-only file is not an error.
    ///
    /// # Errors
    ///
    /// As [`PrivateKey::from_pem_or_der`], when a key block is present but
    /// cannot be used, or when there are several; [`KeyError::PemTooLarge`]
    /// beyond [`MAX_PEM_INPUT_LEN`].
    pub fn find_in_pem(bytes: &[u8]) -> Result<Option<Self>, KeyError> {
        check_pem_len(bytes)?;
        let scan = scan_pem(bytes);
        Self::from_scanned_pem(bytes, &scan)
    }

    /// Reads a DER private key, trying PKCS#8, then PKCS#1, then SEC1.
    ///
    /// # Errors
    ///
    /// [`KeyError::DerTooLarge`] beyond [`MAX_PRIVATE_KEY_DER_LEN`],
    /// [`KeyError::NotAKey`] when the bytes are none of the three forms,
    /// [`KeyError::Encrypted`] for a PKCS#8 `EncryptedPrivateKeyInfo`, and
    /// the other [`KeyError`]s for unusable keys.
    pub fn from_der(der: &[u8]) -> Result<Self, KeyError> {
        if der.is_empty() {
            return Err(KeyError::Empty);
        }
        check_der_len(der)?;
        let pkcs8 = match PrivateKeyInfoRef::from_der(der) {
            Ok(info) => {
                return from_pkcs8(
                    &info,
                    KeyLocation::Der {
                        format: Some(KeyFormat::Pkcs8),
                    },
                );
            }
            Err(e) => e.to_string(),
        };
        let pkcs1 = match RsaPrivateKeyRef::from_der(der) {
            Ok(rsa) => {
                return Ok(from_pkcs1(
                    &rsa,
                    KeyLocation::Der {
                        format: Some(KeyFormat::Pkcs1),
                    },
                ));
            }
            Err(e) => e.to_string(),
        };
        let sec1 = match sec1::EcPrivateKey::from_der(der) {
            Ok(ec) => {
                return from_sec1(
                    &ec,
                    None,
                    KeyFormat::Sec1,
                    KeyLocation::Der {
                        format: Some(KeyFormat::Sec1),
                    },
                );
            }
            Err(e) => e.to_string(),
        };
        if is_encrypted_pkcs8(der) {
            return Err(KeyError::Encrypted {
                location: KeyLocation::Der {
                    format: Some(KeyFormat::Pkcs8),
                },
            });
        }
        Err(KeyError::NotAKey { pkcs8, pkcs1, sec1 })
    }

    fn from_scanned_pem(bytes: &[u8], scan: &[PemBlockInfo]) -> Result<Option<Self>, KeyError> {
        use rustls_pki_types::pem::{PemObject, SectionKind};

        for b in scan {
            if b.label == "ENCRYPTED PRIVATE KEY" || (b.is_key() && b.proc_type_encrypted) {
                return Err(KeyError::Encrypted {
                    location: b.location(),
                });
            }
        }
        let keys: Vec<&PemBlockInfo> = scan.iter().filter(|b| b.is_key()).collect();
        let block = match keys.as_slice() {
            [] => return Ok(None),
            [one] => *one,
            several => {
                return Err(KeyError::SeveralKeys {
                    blocks: several.iter().map(|b| b.index).collect(),
                });
            }
        };
        let location = block.location();
        if !SUPPORTED_PEM_LABELS.contains(&block.label.as_str()) {
            return Err(KeyError::UnsupportedFormat { location });
        }
        for item in <(SectionKind, Vec<u8>) as PemObject>::pem_slice_iter(bytes) {
            let (kind, der) = item.map_err(|e| KeyError::Pem {
                reason: e.to_string(),
            })?;
            // The decoded DER of a key block is secret: wipe it when done.
            let der = Zeroizing::new(der);
            let malformed = |format: KeyFormat, e: &dyn fmt::Display| KeyError::Malformed {
                location: location.clone(),
                reason: format!("not a valid {format} key: {e}"),
            };
            match kind {
                SectionKind::PrivateKey => {
                    let info = PrivateKeyInfoRef::from_der(&der)
                        .map_err(|e| malformed(KeyFormat::Pkcs8, &e))?;
                    return from_pkcs8(&info, location).map(Some);
                }
                SectionKind::RsaPrivateKey => {
                    let rsa = RsaPrivateKeyRef::from_der(&der)
                        .map_err(|e| malformed(KeyFormat::Pkcs1, &e))?;
                    return Ok(Some(from_pkcs1(&rsa, location)));
                }
                SectionKind::EcPrivateKey => {
                    let ec = sec1::EcPrivateKey::from_der(&der)
                        .map_err(|e| malformed(KeyFormat::Sec1, &e))?;
                    return from_sec1(&ec, None, KeyFormat::Sec1, location).map(Some);
                }
                _ => {}
            }
        }
        // The scan saw a key block the PEM reader did not return: the block
        // is not properly terminated.
        Err(KeyError::Pem {
            reason: format!("{location} has no matching END line"),
        })
    }

    /// The encoding the key was stored in.
    pub fn format(&self) -> KeyFormat {
        self.format
    }

    /// Where the key was found in the input.
    pub fn location(&self) -> &KeyLocation {
        &self.location
    }

    /// The algorithm and size or curve.
    pub fn algorithm(&self) -> PublicKeyInfo {
        self.public.algorithm()
    }

    /// The public key derived from the private key.
    pub fn public_key(&self) -> &PublicKeyValue {
        &self.public
    }

    /// Whether this key belongs to `cert`: the certificate's public key
    /// equals the one derived from this key (same algorithm, same value).
    /// A certificate whose key cannot be decoded or is of an unsupported
    /// algorithm matches no key.
    pub fn matches(&self, cert: &Certificate) -> bool {
        PublicKeyValue::from_spki_der(cert.spki_der()).is_ok_and(|v| v == self.public)
    }
}

/// The key state of a certificate with this key file:
/// [`KeyState::Paired`] when the key belongs to the certificate,
/// [`KeyState::Mismatched`] otherwise.
pub fn pair(cert: &Certificate, key: &PrivateKey) -> KeyState {
    if key.matches(cert) {
        KeyState::Paired
    } else {
        KeyState::Mismatched
    }
}

// ---------------------------------------------------------------------------
// PEM framing scan

fn check_pem_len(bytes: &[u8]) -> Result<(), KeyError> {
    if bytes.len() > MAX_PEM_INPUT_LEN {
        return Err(KeyError::PemTooLarge {
            len: bytes.len(),
            max: MAX_PEM_INPUT_LEN,
        });
    }
    Ok(())
}

/// What a line-level scan of PEM text sees: each `-----BEGIN <label>-----`
/// line and whether the block carries an RFC 1421 encryption header.
#[derive(Debug)]
struct PemBlockInfo {
    index: usize,
    label: String,
    proc_type_encrypted: bool,
}

impl PemBlockInfo {
    fn is_key(&self) -> bool {
        self.label.ends_with("PRIVATE KEY")
    }

    fn location(&self) -> KeyLocation {
        KeyLocation::PemBlock {
            index: self.index,
            label: self.label.clone(),
        }
    }
}

/// Lists the blocks of PEM text by their BEGIN lines (numbered from 1), as
/// the PEM reader frames them (lines split at CR or LF). This reads labels
/// and headers only; the base64 content is decoded by `rustls-pki-types`.
fn scan_pem(bytes: &[u8]) -> Vec<PemBlockInfo> {
    let mut out: Vec<PemBlockInfo> = Vec::new();
    let mut in_block = false;
    for line in bytes.split(|&b| b == b'\n' || b == b'\r') {
        if let Some(rest) = line.strip_prefix(b"-----BEGIN ") {
            let label = String::from_utf8_lossy(rest);
            let label = label.trim_end().trim_end_matches('-').trim_end();
            out.push(PemBlockInfo {
                index: out.len() + 1,
                label: label.to_owned(),
                proc_type_encrypted: false,
            });
            in_block = true;
        } else if line.starts_with(b"-----END ") {
            in_block = false;
        } else if in_block && line.starts_with(b"Proc-Type:") {
            let text = String::from_utf8_lossy(line);
            if text.to_ascii_uppercase().contains("ENCRYPTED")
                && let Some(last) = out.last_mut()
            {
                last.proc_type_encrypted = true;
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Decoding the three forms

fn from_pkcs8(info: &PrivateKeyInfoRef<'_>, location: KeyLocation) -> Result<PrivateKey, KeyError> {
    let alg = &info.algorithm;
    let inner = info.private_key.as_bytes();
    let malformed = |reason: String| KeyError::Malformed {
        location: location.clone(),
        reason,
    };
    let public = if alg.oid == OID_RSA || alg.oid == OID_RSA_PSS {
        let rsa = RsaPrivateKeyRef::from_der(inner)
            .map_err(|e| malformed(format!("PKCS#8 RSA key: not a PKCS#1 RSAPrivateKey: {e}")))?;
        rsa_value(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes())
    } else if alg.oid == OID_EC {
        let curve = ec_curve(alg, &location)?;
        let ec = sec1::EcPrivateKey::from_der(inner)
            .map_err(|e| malformed(format!("PKCS#8 EC key: not a SEC1 ECPrivateKey: {e}")))?;
        let key = from_sec1(&ec, Some(curve), KeyFormat::Pkcs8, location.clone())?;
        key.public
    } else if alg.oid == OID_ED25519 {
        let seed = <&OctetStringRef>::from_der(inner)
            .map_err(|e| malformed(format!("PKCS#8 Ed25519 key: not an OCTET STRING: {e}")))?;
        let seed: Zeroizing<[u8; 32]> =
            Zeroizing::new(seed.as_bytes().try_into().map_err(|_| {
                malformed(format!(
                    "Ed25519 private key of {} bytes (expected 32)",
                    seed.as_bytes().len()
                ))
            })?);
        let point = ed25519_public(&seed, &location)?;
        if let Some(stored) = info.public_key.as_ref()
            && stored.as_bytes() != Some(point.as_slice())
        {
            return Err(malformed(
                "the public key stored in the key file does not belong to its private key".into(),
            ));
        }
        PublicKeyValue::Ed25519 { point }
    } else {
        return Err(unsupported_algorithm(alg.oid, location));
    };
    Ok(PrivateKey {
        format: KeyFormat::Pkcs8,
        location,
        public,
    })
}

fn from_pkcs1(rsa: &RsaPrivateKeyRef<'_>, location: KeyLocation) -> PrivateKey {
    PrivateKey {
        format: KeyFormat::Pkcs1,
        location,
        public: rsa_value(rsa.modulus.as_bytes(), rsa.public_exponent.as_bytes()),
    }
}

/// `outer_curve`: the curve named by the PKCS#8 algorithm, if any.
fn from_sec1(
    ec: &sec1::EcPrivateKey<'_>,
    outer_curve: Option<ObjectIdentifier>,
    format: KeyFormat,
    location: KeyLocation,
) -> Result<PrivateKey, KeyError> {
    let inner_curve = ec.parameters.and_then(|p| p.named_curve());
    let curve = match (outer_curve, inner_curve) {
        (Some(a), Some(b)) if a != b => {
            return Err(KeyError::Malformed {
                location,
                reason: format!(
                    "the PKCS#8 algorithm names curve {a} but the SEC1 key names curve {b}"
                ),
            });
        }
        (Some(c), _) | (None, Some(c)) => c,
        (None, None) => {
            return Err(KeyError::Malformed {
                location,
                reason: "SEC1 EC key without a named curve".into(),
            });
        }
    };
    let curve = supported_curve(curve, &location)?;
    let point = ec_public_from_private(&curve, ec.private_key, &location)?;
    let public = PublicKeyValue::Ec { curve, point };
    if let (Some(stored), PublicKeyValue::Ec { curve, point }) = (ec.public_key, &public) {
        let stored = ec_point_value(curve, stored, &location)?;
        if !matches!(&stored, PublicKeyValue::Ec { point: p, .. } if p == point) {
            return Err(KeyError::Malformed {
                location,
                reason: "the public key stored in the key file does not belong to its private key"
                    .into(),
            });
        }
    }
    Ok(PrivateKey {
        format,
        location,
        public,
    })
}

// ---------------------------------------------------------------------------
// Helpers

fn strip_leading_zeros(b: &[u8]) -> Vec<u8> {
    let start = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    b.get(start..).unwrap_or_default().to_vec()
}

fn rsa_value(modulus: &[u8], exponent: &[u8]) -> PublicKeyValue {
    PublicKeyValue::Rsa {
        modulus: strip_leading_zeros(modulus),
        exponent: strip_leading_zeros(exponent),
    }
}

fn bit_length(be: &[u8]) -> usize {
    match be.iter().position(|&x| x != 0) {
        None => 0,
        Some(i) => {
            let first = be.get(i).copied().unwrap_or(0);
            (be.len() - i - 1) * 8 + (8 - first.leading_zeros() as usize)
        }
    }
}

fn ec_curve(
    alg: &AlgorithmIdentifierRef<'_>,
    location: &KeyLocation,
) -> Result<ObjectIdentifier, KeyError> {
    alg.parameters_oid().map_err(|e| KeyError::Malformed {
        location: location.clone(),
        reason: format!(
            "EC key without a named curve (explicit or missing curve parameters are not supported): {e}"
        ),
    })
}

/// The curve for a named-curve OID, if it is one this module supports.
fn supported_curve(oid: ObjectIdentifier, location: &KeyLocation) -> Result<EcCurve, KeyError> {
    if oid == OID_P256 {
        Ok(EcCurve::P256)
    } else if oid == OID_P384 {
        Ok(EcCurve::P384)
    } else {
        Err(unsupported_curve(oid, location.clone()))
    }
}

/// The Ed25519 public point of a 32-byte seed.
#[cfg(feature = "key-pairing")]
// The same signature as without the feature.
fn ed25519_public(seed: &[u8; 32], _location: &KeyLocation) -> Result<[u8; 32], KeyError> {
    Ok(SigningKey::from_bytes(seed).verifying_key().to_bytes())
}

/// Without `key-pairing`: [`KeyError::KeyPairingDisabled`].
#[cfg(not(feature = "key-pairing"))]
fn ed25519_public(_seed: &[u8; 32], location: &KeyLocation) -> Result<[u8; 32], KeyError> {
    Err(pairing_disabled("Ed25519", location))
}

/// The public point (SEC1 uncompressed) of the private scalar on `curve`
/// (P-256 or P-384, as [`supported_curve`] returns).
#[cfg(feature = "key-pairing")]
fn ec_public_from_private(
    curve: &EcCurve,
    scalar: &[u8],
    location: &KeyLocation,
) -> Result<Vec<u8>, KeyError> {
    match curve {
        EcCurve::P256 => p256::SecretKey::from_slice(scalar)
            .map(|sk| sk.public_key().to_sec1_point(false).as_bytes().to_vec()),
        // supported_curve returns P-256 or P-384 only.
        _ => p384::SecretKey::from_slice(scalar)
            .map(|sk| sk.public_key().to_sec1_point(false).as_bytes().to_vec()),
    }
    .map_err(|_| KeyError::Malformed {
        location: location.clone(),
        reason: format!(
            "EC private scalar of {} bytes is not a valid {curve} private key",
            scalar.len()
        ),
    })
}

/// Without `key-pairing`: [`KeyError::KeyPairingDisabled`].
#[cfg(not(feature = "key-pairing"))]
fn ec_public_from_private(
    curve: &EcCurve,
    _scalar: &[u8],
    location: &KeyLocation,
) -> Result<Vec<u8>, KeyError> {
    Err(pairing_disabled(&format!("EC {curve}"), location))
}

#[cfg(not(feature = "key-pairing"))]
fn pairing_disabled(algorithm: &str, location: &KeyLocation) -> KeyError {
    KeyError::KeyPairingDisabled {
        location: location.clone(),
        algorithm: algorithm.to_owned(),
    }
}

/// Without `key-pairing` a point can be neither checked nor normalised:
/// [`KeyError::KeyPairingDisabled`].
#[cfg(not(feature = "key-pairing"))]
fn ec_point_value(
    curve: &EcCurve,
    _bytes: &[u8],
    location: &KeyLocation,
) -> Result<PublicKeyValue, KeyError> {
    Err(pairing_disabled(&format!("EC {curve}"), location))
}

/// Decodes a SEC1 point (compressed or uncompressed) on `curve` and
/// re-encodes it uncompressed, so that equal points compare equal.
#[cfg(feature = "key-pairing")]
fn ec_point_value(
    curve: &EcCurve,
    bytes: &[u8],
    location: &KeyLocation,
) -> Result<PublicKeyValue, KeyError> {
    let point = match curve {
        EcCurve::P256 => p256::PublicKey::from_sec1_bytes(bytes)
            .map(|pk| pk.to_sec1_point(false).as_bytes().to_vec()),
        EcCurve::P384 => p384::PublicKey::from_sec1_bytes(bytes)
            .map(|pk| pk.to_sec1_point(false).as_bytes().to_vec()),
        other => {
            return Err(KeyError::UnsupportedCurve {
                location: location.clone(),
                name: other.to_string(),
                oid: "unknown".into(),
            });
        }
    };
    point
        .map(|point| PublicKeyValue::Ec {
            curve: curve.clone(),
            point,
        })
        .map_err(|_| KeyError::Malformed {
            location: location.clone(),
            reason: format!("not a valid {curve} point ({} bytes)", bytes.len()),
        })
}

fn unsupported_curve(oid: ObjectIdentifier, location: KeyLocation) -> KeyError {
    let dotted = oid.to_string();
    let name = match dotted.as_str() {
        "1.3.132.0.35" => "P-521 (secp521r1)",
        "1.3.132.0.33" => "P-224 (secp224r1)",
        "1.2.840.10045.3.1.1" => "P-192 (secp192r1)",
        "1.3.132.0.10" => "secp256k1",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
        "1.3.36.3.3.2.8.1.1.11" => "brainpoolP384r1",
        "1.3.36.3.3.2.8.1.1.13" => "brainpoolP512r1",
        "1.2.156.10197.1.301" => "SM2",
        _ => "unknown",
    };
    KeyError::UnsupportedCurve {
        location,
        name: name.into(),
        oid: dotted,
    }
}

fn unsupported_algorithm(oid: ObjectIdentifier, location: KeyLocation) -> KeyError {
    let dotted = oid.to_string();
    let name = match dotted.as_str() {
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.113549.1.3.1" => "Diffie-Hellman (PKCS#3)",
        "1.2.840.10046.2.1" => "Diffie-Hellman (X9.42)",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.3.101.113" => "Ed448",
        "1.2.840.113549.1.1.7" => "RSAES-OAEP",
        "2.16.840.1.101.3.4.3.17" => "ML-DSA-44",
        "2.16.840.1.101.3.4.3.18" => "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19" => "ML-DSA-87",
        "1.2.643.7.1.1.1.1" | "1.2.643.7.1.1.1.2" => "GOST R 34.10-2012",
        _ => "unknown",
    };
    KeyError::UnsupportedAlgorithm {
        location,
        name: name.into(),
        oid: dotted,
    }
}

/// Whether DER has the shape of a PKCS#8 `EncryptedPrivateKeyInfo`:
/// `SEQUENCE { AlgorithmIdentifier, OCTET STRING }` with a password-based
/// encryption algorithm (PKCS#5 or PKCS#12).
fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    let Ok(mut reader) = SliceReader::new(der) else {
        return false;
    };
    let parsed = reader.sequence(|r| {
        let alg: AlgorithmIdentifierRef<'_> = r.decode()?;
        let _data: &OctetStringRef = r.decode()?;
        Ok::<_, pkcs8::der::Error>(alg.oid)
    });
    match parsed {
        Ok(oid) if reader.is_finished() => {
            let s = oid.to_string();
            s.starts_with("1.2.840.113549.1.5.") || s.starts_with("1.2.840.113549.1.12.1.")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_length(&[]), 0);
        assert_eq!(bit_length(&[0, 0]), 0);
        assert_eq!(bit_length(&[0, 1]), 1);
        assert_eq!(bit_length(&[0x80, 0]), 16);
        assert_eq!(bit_length(&[0, 0x7f, 0]), 15);
    }

    #[test]
    fn scan_labels_and_headers() {
        let text = b"junk\r\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n\
-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: x\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let s = scan_pem(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].label, "CERTIFICATE");
        assert!(!s[0].proc_type_encrypted);
        assert_eq!(s[1].index, 2);
        assert!(s[1].is_key() && s[1].proc_type_encrypted);
    }

    #[cfg(not(feature = "key-pairing"))]
    const RSA_A: &[u8] = include_bytes!("../../tests/data/keys/rsa2048-a.pk8.pem");

    fn self_signed(key: &rcgen::KeyPair) -> Certificate {
        let cert = rcgen::CertificateParams::new(vec!["vpn.example.com".into()])
            .unwrap()
            .self_signed(key)
            .unwrap();
        Certificate::from_der(cert.der().to_vec()).unwrap()
    }

    /// Without `key-pairing`: EC and Ed25519 keys, and EC certificate keys,
    /// are refused naming the feature; RSA keys still pair, and an RSA key
    /// still does not match an EC certificate.
    #[cfg(not(feature = "key-pairing"))]
    #[test]
    fn ec_and_ed25519_need_the_feature() {
        let algs = [
            (&rcgen::PKCS_ECDSA_P256_SHA256, "EC P-256"),
            (&rcgen::PKCS_ECDSA_P384_SHA384, "EC P-384"),
            (&rcgen::PKCS_ED25519, "Ed25519"),
        ];
        for (alg, name) in algs {
            let kp = rcgen::KeyPair::generate_for(alg).unwrap();
            for input in [kp.serialize_pem().into_bytes(), kp.serialize_der()] {
                let e = PrivateKey::from_pem_or_der(&input).unwrap_err();
                assert!(
                    matches!(&e, KeyError::KeyPairingDisabled { algorithm, .. } if algorithm == name),
                    "{e:?}"
                );
                assert!(e.to_string().contains("`key-pairing` feature"), "{e}");
            }
        }
        let ec = self_signed(&rcgen::KeyPair::generate().unwrap());
        assert!(matches!(
            PublicKeyValue::from_spki_der(ec.spki_der()),
            Err(KeyError::KeyPairingDisabled {
                location: KeyLocation::CertificateSpki,
                ..
            })
        ));
        let rsa_key = rcgen::KeyPair::from_pem(std::str::from_utf8(RSA_A).unwrap()).unwrap();
        let rsa = PrivateKey::from_pem_or_der(RSA_A).unwrap();
        assert_eq!(pair(&self_signed(&rsa_key), &rsa), KeyState::Paired);
        assert_eq!(pair(&ec, &rsa), KeyState::Mismatched);
    }

    /// With `key-pairing`, the same keys pair with their certificates.
    #[cfg(feature = "key-pairing")]
    #[test]
    fn ec_and_ed25519_pair_with_the_feature() {
        for alg in [
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &rcgen::PKCS_ECDSA_P384_SHA384,
            &rcgen::PKCS_ED25519,
        ] {
            let kp = rcgen::KeyPair::generate_for(alg).unwrap();
            let key = PrivateKey::from_pem_or_der(kp.serialize_pem().as_bytes()).unwrap();
            assert_eq!(pair(&self_signed(&kp), &key), KeyState::Paired);
        }
    }

    #[test]
    fn rsa_values_ignore_leading_zeros() {
        assert_eq!(
            rsa_value(&[0, 0xc1, 2], &[0, 1, 0, 1]),
            rsa_value(&[0xc1, 2], &[1, 0, 1])
        );
    }
}
