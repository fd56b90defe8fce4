//! What the service does not check but clients do ([behaviour §2](crate::behaviour), "Not checked by
//! the service").
//!
//! The SSTP service binds an expired certificate as happily as a valid one;
//! the *clients* then refuse it. Each [`Warning`] names such a property and
//! its client-side consequence, with the Windows error the SSTP client
//! reports. Warnings never change the Windows-faithful choice; an embedder
//! may opt into a [`Policy`](crate::model::choice::Policy) that skips some of
//! them, which is then clearly not what Windows does.
//!
//! The codes, each with when it is given and what clients do, are the
//! variants of [`WarningCode`].
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::warning::{warnings_for, WarningCode};
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let cert = Certificate::from_der(der)?;
//! let at = time::macros::datetime!(1970-01-01 0:00 UTC);
//! let w = warnings_for(&cert, Some(at));
//! assert!(w.iter().any(|w| w.code == WarningCode::NotYetValid));
//! assert!(w.iter().any(|w| w.code == WarningCode::SelfSigned));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::certificate::{Certificate, PublicKeyInfo};
use crate::model::code::stable_codes;

stable_codes! {
    [display, from_str]
    /// The kinds of warning, with stable kebab-case codes.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum WarningCode("warning") {
        /// The certificate has expired.
        ///
        /// When: `at` is after notAfter. Clients: CERT_E_EXPIRED (0x800B0101).
        Expired => "expired",
        /// The certificate is not valid yet.
        ///
        /// When: `at` is before notBefore. Clients: CERT_E_EXPIRED
        /// (0x800B0101).
        NotYetValid => "not-yet-valid",
        /// The certificate is self-signed (issuer = subject).
        ///
        /// When: issuer equals subject. Clients: CERT_E_UNTRUSTEDROOT
        /// (0x800B0109) unless the certificate is in every client's Trusted
        /// Root store.
        SelfSigned => "self-signed",
        /// There is no CRL distribution point to check revocation with.
        ///
        /// When: no CRL distribution points extension. Clients:
        /// CRYPT_E_REVOCATION_OFFLINE (0x80092013): the Windows SSTP client
        /// checks revocation by default.
        NoCrlDistributionPoint => "no-crl-distribution-point",
        /// The key usage extension forbids TLS server use.
        ///
        /// When: key usage present without digitalSignature or keyEncipherment.
        /// Clients: SEC_E_CERT_WRONG_USAGE / handshake failure.
        KeyUsageUnsuitable => "key-usage-unsuitable",
        /// The RSA key is shorter than 2048 bits.
        ///
        /// When: RSA modulus under 2048 bits. Clients: refused by current
        /// clients and TLS libraries.
        WeakRsaKey => "weak-rsa-key",
        /// The signature uses MD5 or SHA-1.
        ///
        /// When: signed with MD5 or SHA-1. Clients: refused by current clients
        /// (CERT_E_... chain policy).
        WeakSignature => "weak-signature",
        /// A critical extension the model does not know.
        ///
        /// When: a critical extension the model does not know. Clients:
        /// CERT_E_CRITICAL (0x800B0105) if the client does not know it either.
        UnknownCriticalExtension => "unknown-critical-extension",
        /// No names at all to match a host name against.
        ///
        /// When: no SAN dNSName, no SAN iPAddress, no CN. Clients:
        /// CERT_E_CN_NO_MATCH (0x800B010F) for every name.
        NoHostNames => "no-host-names",
        /// The intended host name is not accepted by any client profile.
        HostNameMismatch => "host-name-mismatch",
    }
}

/// One warning: what is wrong and what clients will do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Warning {
    /// The stable code.
    pub code: WarningCode,
    /// What is wrong with this certificate, specifically (borrowed when
    /// the text is fixed).
    pub message: Cow<'static, str>,
    /// What clients do about it.
    pub consequence: Cow<'static, str>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}; {}", self.code, self.message, self.consequence)
    }
}

/// `before` + `t` + ` (checked at ` + `at` + `)`, the times in RFC 3339,
/// made in one buffer.
fn validity_message(before: &str, t: OffsetDateTime, at: OffsetDateTime) -> String {
    let mut out = Vec::with_capacity(before.len() + 64);
    out.extend_from_slice(before.as_bytes());
    push_rfc3339(&mut out, t);
    out.extend_from_slice(b" (checked at ");
    push_rfc3339(&mut out, at);
    out.push(b')');
    String::from_utf8(out).unwrap_or_default()
}

/// RFC 3339, or `Display` for a time RFC 3339 cannot express.
fn push_rfc3339(out: &mut Vec<u8>, t: OffsetDateTime) {
    let len = out.len();
    if t.format_into(out, &Rfc3339).is_err() {
        out.truncate(len);
        out.extend_from_slice(t.to_string().as_bytes());
    }
}

/// The warnings for one certificate. Validity is judged at `at`; with `None`
/// no validity warning is produced (the model never reads the clock).
pub fn warnings_for(cert: &Certificate, at: Option<OffsetDateTime>) -> Vec<Warning> {
    // The fixed checks first, then the list made at its exact size: a
    // report of 10,000 candidates keeps every list.
    let fixed = [
        validity_warning(cert, at),
        trust_warning(cert),
        key_usage_warning(cert),
        rsa_warning(cert),
        signature_warning(cert),
    ];
    let unknown = cert.unknown_critical_extensions();
    let no_names = no_names_warning(cert);
    let len = fixed.iter().flatten().count() + unknown.len() + usize::from(no_names.is_some());
    let mut out = Vec::with_capacity(len);
    out.extend(fixed.into_iter().flatten());
    out.extend(unknown.iter().map(|oid| Warning {
        code: WarningCode::UnknownCriticalExtension,
        message: format!("unknown critical extension {oid}").into(),
        consequence:
            "a client that does not know it fails with CERT_E_CRITICAL (0x800B0105)".into(),
    }));
    out.extend(no_names);
    out
}

/// Expired or not yet valid at `at` (none without a time).
fn validity_warning(cert: &Certificate, at: Option<OffsetDateTime>) -> Option<Warning> {
    let at = at?;
    let v = cert.validity();
    let (code, message) = if at > v.not_after {
        (
            WarningCode::Expired,
            validity_message("expired on ", v.not_after, at),
        )
    } else if at < v.not_before {
        (
            WarningCode::NotYetValid,
            validity_message("not valid before ", v.not_before, at),
        )
    } else {
        return None;
    };
    Some(Warning {
        code,
        message: message.into(),
        consequence: "clients fail with CERT_E_EXPIRED (0x800B0101); the service binds it anyway"
            .into(),
    })
}

/// Self-signed, or (issued by a CA) without a CRL distribution point.
fn trust_warning(cert: &Certificate) -> Option<Warning> {
    if cert.is_self_issued() {
        Some(Warning {
            code: WarningCode::SelfSigned,
            message: "self-signed (issuer equals subject)".into(),
            consequence: "clients fail with CERT_E_UNTRUSTEDROOT (0x800B0109) unless it is in their Trusted Root Certification Authorities store".into(),
        })
    } else if !cert.has_crl_distribution_points() {
        Some(Warning {
            code: WarningCode::NoCrlDistributionPoint,
            message: "no CRL distribution point".into(),
            consequence: "the Windows SSTP client checks revocation and fails with CRYPT_E_REVOCATION_OFFLINE (0x80092013) unless NoCertRevocationCheck is set on it".into(),
        })
    } else {
        None
    }
}

/// A key usage that allows neither TLS key exchange.
fn key_usage_warning(cert: &Certificate) -> Option<Warning> {
    let ku = cert.key_usage()?;
    (!ku.digital_signature && !ku.key_encipherment).then(|| Warning {
        code: WarningCode::KeyUsageUnsuitable,
        message: "key usage allows neither digitalSignature nor keyEncipherment".into(),
        consequence: "TLS clients refuse the handshake (SEC_E_CERT_WRONG_USAGE)".into(),
    })
}

/// An RSA key under 2048 bits.
fn rsa_warning(cert: &Certificate) -> Option<Warning> {
    match cert.public_key() {
        PublicKeyInfo::Rsa { bits } if *bits < 2048 => Some(Warning {
            code: WarningCode::WeakRsaKey,
            message: format!("RSA key of {bits} bits").into(),
            consequence: "current Windows and TLS libraries refuse RSA keys under 2048 bits".into(),
        }),
        _ => None,
    }
}

/// An MD5 or SHA-1 signature.
fn signature_warning(cert: &Certificate) -> Option<Warning> {
    let name = weak_signature_name(cert.signature_algorithm())?;
    Some(Warning {
        code: WarningCode::WeakSignature,
        message: format!("signed with {name}").into(),
        consequence: "current clients refuse MD5 and SHA-1 signatures on server certificates"
            .into(),
    })
}

/// No name at all a client could match.
fn no_names_warning(cert: &Certificate) -> Option<Warning> {
    (!cert.presents_a_name()).then(|| Warning {
        code: WarningCode::NoHostNames,
        message: "no SAN dNSName, no SAN iPAddress and no subject CN".into(),
        consequence: "every client fails with CERT_E_CN_NO_MATCH (0x800B010F)".into(),
    })
}

fn weak_signature_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10040.4.3" => "dsa-with-sha1",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::UtcOffset;
    use time::macros::datetime;

    /// The message as it was made before it was made in one buffer.
    fn reference(before: &str, t: OffsetDateTime, at: OffsetDateTime) -> String {
        let text = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_else(|_| t.to_string());
        format!("{before}{} (checked at {})", text(t), text(at))
    }

    #[test]
    fn validity_message_is_rfc3339_with_display_fallback() {
        let odd = UtcOffset::from_hms(1, 2, 3).unwrap();
        let times = [
            datetime!(2025-06-01 0:00 UTC),
            datetime!(1970-01-01 0:00:00.5 UTC),
            datetime!(9999-12-31 23:59:59 UTC),
            datetime!(2024-02-29 12:34:56 +05:30),
            datetime!(2024-02-29 12:34:56 UTC).to_offset(odd),
        ];
        for t in times {
            for at in times {
                assert_eq!(
                    validity_message("expired on ", t, at),
                    reference("expired on ", t, at)
                );
            }
        }
    }
}
