//! The order in which the Windows client reports what is wrong with a
//! server certificate (CryptoAPI's SSL chain policy, [behaviour §9](crate::behaviour)).
//!
//! A certificate can be wrong in several ways at once. The Windows SSTP
//! client reports **one** error, and the chain errors come first: an
//! untrusted root before an expired certificate, and both before a name
//! mismatch. Wine's crypt32 conformance tests, whose expectations are
//! checked on real Windows, show it (`dlls/crypt32/tests/chain.c`,
//! `check_ssl_policy`): a chain with an untrusted root checked for
//! `winehq.org`, which it does not name, gives `CERT_E_UNTRUSTEDROOT`; with
//! unknown CAs allowed, the same expired chain gives `CERT_E_EXPIRED`, not
//! `CERT_E_CN_NO_MATCH`. `tests/data/wine-ssl-policy.json` holds those
//! cases and the name cases of the same tests.
//!
//! So an administrator who fixes the name first may still see the chain
//! error, and one who sees `CERT_E_UNTRUSTEDROOT` has not learnt whether the
//! name is right: [`windows_ssl_policy`] gives the error the client shows,
//! the [`NameVerdict`] says everything about the name.
//!
//! ```
//! use sstp_cert::model::certificate::Names;
//! use sstp_cert::model::hostname::{ChainStatus, Profile, ReferenceId, SslPolicyError, windows_ssl_policy};
//! let names = Names { dns: vec!["vpn.example.com".into()], ..Names::default() };
//! let wrong_name = Profile::WindowsClient.check_names(&names, &ReferenceId::parse("other.example.com")?);
//! let untrusted = ChainStatus { root_trusted: false, time_valid: false };
//! assert_eq!(windows_ssl_policy(untrusted, &wrong_name), Err(SslPolicyError::UntrustedRoot));
//! let expired = ChainStatus { root_trusted: true, time_valid: false };
//! assert_eq!(windows_ssl_policy(expired, &wrong_name), Err(SslPolicyError::Expired));
//! assert_eq!(windows_ssl_policy(ChainStatus::GOOD, &wrong_name), Err(SslPolicyError::CnNoMatch));
//! # Ok::<(), sstp_cert::model::hostname::HostError>(())
//! ```

use std::fmt;

use time::OffsetDateTime;

use super::outcome::NameVerdict;
use crate::model::certificate::Certificate;
use crate::model::code::stable_codes;

/// What the client's chain engine found about the certificate's chain:
/// whether it ends in a root the client trusts, and whether the
/// certificate is within its validity period at the time of the
/// connection.
///
/// The model does not build chains: whether the root is trusted is an
/// input (the client's Trusted Root store is not the server's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChainStatus {
    /// The chain ends in a root the client trusts.
    pub root_trusted: bool,
    /// The certificate is valid (notBefore ≤ time ≤ notAfter).
    pub time_valid: bool,
}

impl ChainStatus {
    /// A trusted chain with a certificate in its validity period.
    pub const GOOD: ChainStatus = ChainStatus {
        root_trusted: true,
        time_valid: true,
    };

    /// The status of `cert` at `at`, with `root_trusted` as given.
    ///
    /// ```
    /// use sstp_cert::model::certificate::Certificate;
    /// use sstp_cert::model::hostname::ChainStatus;
    /// # let k = rcgen::KeyPair::generate().unwrap();
    /// # let p = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).unwrap();
    /// # let cert = Certificate::from_der(p.self_signed(&k).unwrap().der().to_vec()).unwrap();
    /// let long_ago = time::macros::datetime!(1970-01-01 0:00 UTC);
    /// let s = ChainStatus::of(&cert, long_ago, true);
    /// assert!(!s.time_valid);
    /// ```
    pub fn of(cert: &Certificate, at: OffsetDateTime, root_trusted: bool) -> Self {
        ChainStatus {
            root_trusted,
            time_valid: cert.validity().contains(at),
        }
    }
}

stable_codes! {
    [from_str]
    /// The error the Windows client's SSL policy reports. Serialises as its
    /// [`code`](SslPolicyError::code).
    ///
    /// ```
    /// # use sstp_cert::model::hostname::SslPolicyError;
    /// assert_eq!(SslPolicyError::CnNoMatch.code(), "cn-no-match");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
    #[non_exhaustive]
    pub enum SslPolicyError("SSL policy error") {
        /// `CERT_E_UNTRUSTEDROOT` (0x800B0109): the chain does not end in a
        /// trusted root.
        #[error(
            "CERT_E_UNTRUSTEDROOT (0x800B0109): the certificate's chain does not end in a root the client trusts"
        )]
        UntrustedRoot => "untrusted-root",
        /// `CERT_E_EXPIRED` (0x800B0101): expired or not yet valid.
        #[error("CERT_E_EXPIRED (0x800B0101): the certificate is expired or not yet valid")]
        Expired => "expired",
        /// `CERT_E_CN_NO_MATCH` (0x800B010F): the certificate does not name the
        /// host.
        #[error("CERT_E_CN_NO_MATCH (0x800B010F): the certificate does not name the host dialled")]
        CnNoMatch => "cn-no-match",
    }
}

impl SslPolicyError {
    /// The Windows error name (`CERT_E_UNTRUSTEDROOT`, …).
    ///
    /// ```
    /// # use sstp_cert::model::hostname::SslPolicyError;
    /// assert_eq!(SslPolicyError::Expired.windows_name(), "CERT_E_EXPIRED");
    /// ```
    pub const fn windows_name(self) -> &'static str {
        match self {
            SslPolicyError::UntrustedRoot => "CERT_E_UNTRUSTEDROOT",
            SslPolicyError::Expired => "CERT_E_EXPIRED",
            SslPolicyError::CnNoMatch => "CERT_E_CN_NO_MATCH",
        }
    }

    /// The HRESULT.
    ///
    /// ```
    /// # use sstp_cert::model::hostname::SslPolicyError;
    /// assert_eq!(SslPolicyError::UntrustedRoot.hresult(), 0x800B_0109);
    /// ```
    pub const fn hresult(self) -> u32 {
        match self {
            SslPolicyError::UntrustedRoot => 0x800B_0109,
            SslPolicyError::Expired => 0x800B_0101,
            SslPolicyError::CnNoMatch => 0x800B_010F,
        }
    }
}

impl fmt::Display for ChainStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "root {}, {}",
            if self.root_trusted {
                "trusted"
            } else {
                "not trusted"
            },
            if self.time_valid {
                "within its validity period"
            } else {
                "outside its validity period"
            }
        )
    }
}

/// The one error the Windows client reports for a certificate whose chain
/// is `chain` and whose names gave `name` (from
/// [`Profile::WindowsClient`](super::Profile::WindowsClient)), in
/// CryptoAPI's order: untrusted root, then expired, then the name; `Ok`
/// when none applies. The EKU is reported separately
/// ([`ProfileVerdict::eku`](super::ProfileVerdict::eku)); its place in
/// this order is not established by the evidence used here.
///
/// # Errors
///
/// The first [`SslPolicyError`] that applies.
pub fn windows_ssl_policy(chain: ChainStatus, name: &NameVerdict) -> Result<(), SslPolicyError> {
    if !chain.root_trusted {
        return Err(SslPolicyError::UntrustedRoot);
    }
    if !chain.time_valid {
        return Err(SslPolicyError::Expired);
    }
    if !name.matched {
        return Err(SslPolicyError::CnNoMatch);
    }
    Ok(())
}
