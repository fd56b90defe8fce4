//! The one certificate a report recommends, and why every other one is
//! not ([behaviour §11](crate::behaviour)).
//!
//! A diagnosis or a plan that tells an administrator to bind, pin or keep a
//! certificate recommends **one** certificate for the whole report, and only
//! one clients will accept. [`recommend`] applies [behaviour §11](crate::behaviour)'s rule to a
//! store:
//!
//! 1. eligible for the service ([behaviour §2](crate::behaviour): a linked key, an effective EKU of
//!    Server Authentication or All purpose);
//! 2. not refused by clients at the time asked ([`client_refusals`]):
//!    within its validity period, naming the host clients dial for the
//!    Windows client when the host is known, with an EKU the Windows client
//!    accepts and a key usage TLS accepts;
//! 3. among those, a Server Authentication certificate before an
//!    All-purpose one, then the latest `notAfter`, then store order.
//!
//! When none qualifies, [`Recommendation::requirements`] spells out what to
//! obtain, and callers print no command that binds a certificate.
//!
//! Every other candidate gets its [`NotRecommended`] reasons, with stable
//! kebab-case codes.
//!
//! | code | meaning |
//! |---|---|
//! | `not-eligible` | the service would not use it (no key, wrong EKU, …; the choice's reason codes are listed) |
//! | `expired` | clients refuse it: expired at the time asked (CERT_E_EXPIRED) |
//! | `not-yet-valid` | clients refuse it: not valid yet at the time asked (CERT_E_EXPIRED) |
//! | `host-name-mismatch` | the Windows client refuses it: it does not name the host (CERT_E_CN_NO_MATCH) |
//! | `client-eku-refused` | the Windows client refuses its EKU extension (client Event 16) |
//! | `key-usage-unsuitable` | its key usage allows neither digitalSignature nor keyEncipherment |
//! | `server-auth-preferred` | acceptable, but a Server Authentication certificate is recommended |
//! | `later-expiry-preferred` | acceptable, but the recommended one expires later (or as late and comes first in the store) |
//!
//! ```
//! use sstp_cert::model::advice::recommend;
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::hostname::ReferenceId;
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! # let mk = |n: &str| Certificate::from_der(rcgen::generate_simple_self_signed(vec![n.into()]).unwrap().cert.der().to_vec()).unwrap();
//! let store = vec![
//!     StoreEntry::new(mk("old.example.com"), KeyState::Linked, "old"),
//!     StoreEntry::new(mk("vpn.example.com"), KeyState::Linked, "vpn"),
//! ];
//! let at = time::OffsetDateTime::now_utc(); // a parameter: the model reads no clock
//! let host = ReferenceId::parse("vpn.example.com")?;
//! let r = recommend(&store, Some(at), Some(&host));
//! assert_eq!(r.recommended.as_ref().unwrap().source, "vpn");
//! let codes: Vec<&str> = r.others[0].reasons.iter().map(|n| n.code()).collect();
//! assert_eq!(codes, ["host-name-mismatch"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

#[cfg(feature = "serde")]
use serde::Serialize;
use time::OffsetDateTime;

use super::certificate::Certificate;
use super::choice::{ChoiceOptions, Reason, choose};
use super::eku::Purpose;
use super::hostname::{Profile, ReferenceId};
use super::store::StoreEntry;
use super::thumbprint::{Sha1Thumbprint, Sha256Hash};

/// Why clients refuse a certificate ([behaviour §9](crate::behaviour), last paragraph; §11).
/// Serialises with a `code` tag.
///
/// ```
/// use sstp_cert::model::advice::Refusal;
/// assert_eq!(Refusal::ClientEkuRefused.code(), "client-eku-refused");
/// assert!(Refusal::KeyUsageUnsuitable.explain().contains("SEC_E_CERT_WRONG_USAGE"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Refusal {
    /// Expired at the time asked.
    Expired {
        /// notAfter.
        #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
        not_after: OffsetDateTime,
    },
    /// Not valid yet at the time asked.
    NotYetValid {
        /// notBefore.
        #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
        not_before: OffsetDateTime,
    },
    /// The Windows client does not accept it for the host clients dial.
    HostNameMismatch {
        /// The host.
        host: ReferenceId,
    },
    /// The Windows client refuses its EKU extension.
    ClientEkuRefused,
    /// Its key usage allows neither digitalSignature nor keyEncipherment.
    KeyUsageUnsuitable,
}

impl Refusal {
    /// The stable kebab-case code.
    ///
    /// ```
    /// use sstp_cert::model::advice::Refusal;
    /// let t = time::macros::datetime!(2020-01-01 0:00 UTC);
    /// assert_eq!(Refusal::Expired { not_after: t }.code(), "expired");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::Expired { .. } => "expired",
            Refusal::NotYetValid { .. } => "not-yet-valid",
            Refusal::HostNameMismatch { .. } => "host-name-mismatch",
            Refusal::ClientEkuRefused => "client-eku-refused",
            Refusal::KeyUsageUnsuitable => "key-usage-unsuitable",
        }
    }

    /// What is wrong and what clients do, in a sentence.
    ///
    /// ```
    /// use sstp_cert::model::advice::Refusal;
    /// let t = time::macros::datetime!(2020-01-01 0:00 UTC);
    /// assert!(Refusal::Expired { not_after: t }.explain().contains("CERT_E_EXPIRED"));
    /// ```
    pub fn explain(&self) -> String {
        match self {
            Refusal::Expired { not_after } => format!(
                "expired on {}: clients fail with CERT_E_EXPIRED (0x800B0101)",
                rfc3339(*not_after)
            ),
            Refusal::NotYetValid { not_before } => format!(
                "not valid before {}: clients fail with CERT_E_EXPIRED (0x800B0101)",
                rfc3339(*not_before)
            ),
            Refusal::HostNameMismatch { host } => format!(
                "does not name {host} for the Windows SSTP client: it fails with CERT_E_CN_NO_MATCH (0x800B010F)"
            ),
            Refusal::ClientEkuRefused => {
                "its EKU extension is not for servers: the Windows SSTP client refuses it (client Event 16)"
                    .to_owned()
            }
            Refusal::KeyUsageUnsuitable => {
                "its key usage allows neither digitalSignature nor keyEncipherment: TLS clients refuse the handshake (SEC_E_CERT_WRONG_USAGE)"
                    .to_owned()
            }
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.explain(), self.code())
    }
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Why clients refuse `cert`, judged at `at` for `host` ([behaviour §9](crate::behaviour), §11).
/// Without `at` validity is not judged; without `host` the name is not.
/// An empty list means clients accept it as far as the model can tell
/// (the chain's trust is not known to it).
///
/// ```
/// use sstp_cert::model::advice::client_refusals;
/// use sstp_cert::model::certificate::Certificate;
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let long_ago = time::macros::datetime!(1970-01-01 0:00 UTC);
/// let r = client_refusals(&cert, Some(long_ago), None);
/// assert_eq!(r[0].code(), "not-yet-valid");
/// assert!(client_refusals(&cert, None, None).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn client_refusals(
    cert: &Certificate,
    at: Option<OffsetDateTime>,
    host: Option<&ReferenceId>,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    let v = cert.validity();
    if let Some(at) = at {
        if at > v.not_after {
            out.push(Refusal::Expired {
                not_after: v.not_after,
            });
        } else if at < v.not_before {
            out.push(Refusal::NotYetValid {
                not_before: v.not_before,
            });
        }
    }
    if let Some(host) = host
        && !Profile::WindowsClient.check(cert, host).matched()
    {
        out.push(Refusal::HostNameMismatch { host: host.clone() });
    }
    if !Profile::WindowsClient.check_eku(cert.eku()).accepted {
        out.push(Refusal::ClientEkuRefused);
    }
    if let Some(ku) = cert.key_usage()
        && !ku.digital_signature
        && !ku.key_encipherment
    {
        out.push(Refusal::KeyUsageUnsuitable);
    }
    out
}

/// Whether `cert`, valid at `at`, expires within `days` days of it (the
/// [behaviour §11](crate::behaviour) warning; 30 days by default in the CLI).
///
/// ```
/// use sstp_cert::model::advice::expires_within;
/// use sstp_cert::model::certificate::Certificate;
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let almost = cert.validity().not_after - time::Duration::days(10);
/// assert!(expires_within(&cert, almost, 30));
/// assert!(!expires_within(&cert, almost, 5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn expires_within(cert: &Certificate, at: OffsetDateTime, days: u32) -> bool {
    let v = cert.validity();
    at >= v.not_before && at <= v.not_after && v.not_after - at <= time::Duration::days(days.into())
}

/// Why a candidate is not the recommended one. Serialises as an object
/// with its [`code`](NotRecommended::code) (see the [module table](self));
/// a refusal as the [`Refusal`] itself.
///
/// ```
/// use sstp_cert::model::advice::{NotRecommended, Refusal};
/// assert_eq!(NotRecommended::ServerAuthPreferred.code(), "server-auth-preferred");
/// assert!(!NotRecommended::LaterExpiryPreferred.refused_by_clients());
/// # #[cfg(feature = "serde")] {
/// let r = NotRecommended::Refused { refusal: Refusal::ClientEkuRefused };
/// assert_eq!(serde_json::to_value(&r).unwrap()["code"], "client-eku-refused");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotRecommended {
    /// The service would not use it ([behaviour §2](crate::behaviour)).
    NotEligible {
        /// The choice's reason codes that exclude it.
        reasons: Vec<Reason>,
    },
    /// Clients refuse it.
    Refused {
        /// Why.
        refusal: Refusal,
    },
    /// Acceptable, but a Server Authentication certificate is preferred.
    ServerAuthPreferred,
    /// Acceptable, but the recommended one expires later, or as late and
    /// comes first in the store.
    LaterExpiryPreferred,
}

impl NotRecommended {
    /// The stable kebab-case code (a refusal's own code for
    /// [`NotRecommended::Refused`]).
    ///
    /// ```
    /// use sstp_cert::model::advice::{NotRecommended, Refusal};
    /// let n = NotRecommended::Refused { refusal: Refusal::KeyUsageUnsuitable };
    /// assert_eq!(n.code(), "key-usage-unsuitable");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            NotRecommended::NotEligible { .. } => "not-eligible",
            NotRecommended::Refused { refusal } => refusal.code(),
            NotRecommended::ServerAuthPreferred => "server-auth-preferred",
            NotRecommended::LaterExpiryPreferred => "later-expiry-preferred",
        }
    }

    /// Whether this reason is one clients refuse the certificate for.
    ///
    /// ```
    /// use sstp_cert::model::advice::{NotRecommended, Refusal};
    /// assert!(NotRecommended::Refused { refusal: Refusal::ClientEkuRefused }.refused_by_clients());
    /// ```
    pub fn refused_by_clients(&self) -> bool {
        matches!(self, NotRecommended::Refused { .. })
    }

    /// A sentence for people.
    ///
    /// ```
    /// use sstp_cert::model::advice::NotRecommended;
    /// assert!(NotRecommended::NotEligible { reasons: vec![] }.explain().contains("service"));
    /// ```
    pub fn explain(&self) -> String {
        match self {
            NotRecommended::NotEligible { reasons } => {
                let why: Vec<&str> = reasons.iter().map(|r| r.code()).collect();
                if why.is_empty() {
                    "the SSTP service would not use it".to_owned()
                } else {
                    format!("the SSTP service would not use it ({})", why.join(", "))
                }
            }
            NotRecommended::Refused { refusal } => refusal.explain(),
            NotRecommended::ServerAuthPreferred => {
                "clients accept it, but a Server Authentication certificate is preferred".to_owned()
            }
            NotRecommended::LaterExpiryPreferred => {
                "clients accept it, but the recommended certificate expires later (or as late, and comes first in the store)".to_owned()
            }
        }
    }
}

#[cfg(feature = "serde")]
impl Serialize for NotRecommended {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        match self {
            NotRecommended::Refused { refusal } => refusal.serialize(s),
            NotRecommended::NotEligible { reasons } => {
                let mut m = s.serialize_struct("NotRecommended", 2)?;
                m.serialize_field("code", self.code())?;
                m.serialize_field("reasons", reasons)?;
                m.end()
            }
            NotRecommended::ServerAuthPreferred | NotRecommended::LaterExpiryPreferred => {
                let mut m = s.serialize_struct("NotRecommended", 1)?;
                m.serialize_field("code", self.code())?;
                m.end()
            }
        }
    }
}

impl fmt::Display for NotRecommended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.explain())
    }
}

/// The recommended certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Recommended {
    /// Position in the store (0-based).
    pub index: usize,
    /// The store entry's source.
    pub source: String,
    /// SHA-1 thumbprint.
    pub sha1: Sha1Thumbprint,
    /// SHA-256 hash.
    pub sha256: Sha256Hash,
    /// Server Authentication or All purpose.
    pub purpose: Purpose,
    /// notAfter.
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
    pub not_after: OffsetDateTime,
}

/// A certificate that is not recommended, with every reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Considered {
    /// Position in the store (0-based).
    pub index: usize,
    /// The store entry's source.
    pub source: String,
    /// SHA-1 thumbprint.
    pub sha1: Sha1Thumbprint,
    /// Why it is not recommended (never empty).
    pub reasons: Vec<NotRecommended>,
}

impl Considered {
    /// Whether clients refuse it (some reason is a [`Refusal`]).
    ///
    /// ```
    /// use sstp_cert::model::advice::{Considered, NotRecommended};
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let c = Considered { index: 0, source: "a".into(), sha1: Sha1Thumbprint::from_bytes([1; 20]),
    ///     reasons: vec![NotRecommended::LaterExpiryPreferred] };
    /// assert!(!c.refused_by_clients());
    /// ```
    pub fn refused_by_clients(&self) -> bool {
        self.reasons.iter().any(NotRecommended::refused_by_clients)
    }
}

/// The result of [`recommend`]: at most one certificate, and why each
/// other store entry was not recommended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Recommendation {
    /// The time validity was judged at (`None`: not judged).
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339::option"))]
    pub at: Option<OffsetDateTime>,
    /// The host clients dial, when known.
    pub host: Option<ReferenceId>,
    /// The recommended certificate, if any qualifies.
    pub recommended: Option<Recommended>,
    /// Every other store entry, in store order.
    pub others: Vec<Considered>,
}

impl Recommendation {
    /// The recommended certificate's thumbprint.
    ///
    /// ```
    /// use sstp_cert::model::advice::recommend;
    /// assert_eq!(recommend(&[], None, None).sha1(), None);
    /// ```
    pub fn sha1(&self) -> Option<Sha1Thumbprint> {
        self.recommended.as_ref().map(|r| r.sha1)
    }

    /// The entry for a certificate that was not recommended.
    ///
    /// ```
    /// use sstp_cert::model::advice::recommend;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// assert!(recommend(&[], None, None).considered(&Sha1Thumbprint::from_bytes([0; 20])).is_none());
    /// ```
    pub fn considered(&self, sha1: &Sha1Thumbprint) -> Option<&Considered> {
        self.others.iter().find(|c| c.sha1 == *sha1)
    }

    /// What certificate to obtain when none qualifies: the requirements of
    /// [behaviour §11](crate::behaviour), spelled out, with the host when it is known.
    ///
    /// ```
    /// use sstp_cert::model::advice::recommend;
    /// use sstp_cert::model::hostname::ReferenceId;
    /// let host = ReferenceId::parse("vpn.example.com").unwrap();
    /// let r = recommend(&[], None, Some(&host));
    /// assert!(r.requirements().contains("vpn.example.com"));
    /// assert!(r.requirements().contains("Server Authentication"));
    /// ```
    pub fn requirements(&self) -> String {
        let name = match &self.host {
            Some(h) => format!("naming {h} in a SAN dNSName (or iPAddress) entry"),
            None => "naming the host clients dial in a SAN dNSName entry".to_owned(),
        };
        let when = match self.at {
            Some(at) => format!("valid at {}", rfc3339(at)),
            None => "within its validity period".to_owned(),
        };
        format!(
            "a certificate with the Server Authentication EKU (1.3.6.1.5.5.7.3.1), {name}, {when}, with a key usage allowing digitalSignature or keyEncipherment, from a CA the clients trust, imported with its private key into LocalMachine\\MY"
        )
    }

    /// One sentence: the recommended certificate, or that none qualifies
    /// and what to obtain.
    ///
    /// ```
    /// use sstp_cert::model::advice::recommend;
    /// assert!(recommend(&[], None, None).summary().starts_with("no certificate in the store qualifies"));
    /// ```
    pub fn summary(&self) -> String {
        match &self.recommended {
            Some(r) => format!(
                "recommended certificate: {} ({}; {}, valid until {})",
                r.sha1,
                r.source,
                r.purpose,
                rfc3339(r.not_after)
            ),
            None => format!(
                "no certificate in the store qualifies (eligible for the service and accepted by clients); obtain {}",
                self.requirements()
            ),
        }
    }
}

impl fmt::Display for Recommendation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

/// Applies [behaviour §11](crate::behaviour)'s rule to `store` at `at` for `host` — see the
/// [module documentation](self). Pure: time is a parameter; without `at`
/// validity is not judged (the CLI always passes one).
///
/// ```
/// use sstp_cert::model::advice::recommend;
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let store = vec![StoreEntry::new(cert.clone(), KeyState::Absent, "no key")];
/// let r = recommend(&store, None, None);
/// assert!(r.recommended.is_none());
/// assert_eq!(r.others[0].reasons[0].code(), "not-eligible");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recommend(
    store: &[StoreEntry],
    at: Option<OffsetDateTime>,
    host: Option<&ReferenceId>,
) -> Recommendation {
    let choice = choose(store, &ChoiceOptions::windows());
    let mut reasons: Vec<Vec<NotRecommended>> = Vec::with_capacity(store.len());
    let mut acceptable: Vec<usize> = Vec::new();
    for (i, (entry, c)) in store.iter().zip(&choice.candidates).enumerate() {
        let mut why = Vec::new();
        if !c.eligible {
            why.push(NotRecommended::NotEligible {
                reasons: c.reasons.iter().copied().filter(|r| r.excludes()).collect(),
            });
        }
        why.extend(
            client_refusals(&entry.certificate, at, host)
                .into_iter()
                .map(|refusal| NotRecommended::Refused { refusal }),
        );
        if why.is_empty() {
            acceptable.push(i);
        }
        reasons.push(why);
    }
    let rank = |i: &usize| {
        let c = &choice.candidates[*i];
        (
            c.purpose == Purpose::ServerAuth,
            store[*i].certificate.validity().not_after,
            std::cmp::Reverse(*i),
        )
    };
    let best = acceptable.iter().copied().max_by_key(|i| rank(i));
    if let Some(b) = best {
        let best_sa = choice.candidates[b].purpose == Purpose::ServerAuth;
        for &i in acceptable.iter().filter(|&&i| i != b) {
            let sa = choice.candidates[i].purpose == Purpose::ServerAuth;
            reasons[i].push(if best_sa && !sa {
                NotRecommended::ServerAuthPreferred
            } else {
                NotRecommended::LaterExpiryPreferred
            });
        }
    }
    let recommended = best.map(|b| {
        let c = &choice.candidates[b];
        Recommended {
            index: b,
            source: c.source.clone(),
            sha1: c.sha1(),
            sha256: c.sha256(),
            purpose: c.purpose,
            not_after: store[b].certificate.validity().not_after,
        }
    });
    let others = choice
        .candidates
        .iter()
        .zip(reasons)
        .filter(|(c, _)| Some(c.index) != best)
        .map(|(c, reasons)| Considered {
            index: c.index,
            source: c.source.clone(),
            sha1: c.sha1(),
            reasons,
        })
        .collect();
    Recommendation {
        at,
        host: host.cloned(),
        recommended,
        others,
    }
}
