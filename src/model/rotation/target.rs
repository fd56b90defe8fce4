//! Which certificate a rotation may bind (SPEC §11).
//!
//! A rotation binds only a certificate clients accept: eligible for the
//! service (SPEC §2), valid at the time given, naming the host clients dial
//! for the Windows client when it is known, with an EKU the Windows client
//! accepts and a key usage TLS accepts. [`target_rule`] applies the rule
//! to a store; `rotate --to-newest` takes its pick, `rotate --to` checks the
//! thumbprint it was given against it.
//!
//! **Merge note:** the `advice` work (issue 13) builds the same SPEC §11
//! rule as `model::advice::recommend`; [`target_rule`] is the one function
//! to replace by it (same codes, same preference order).

use serde::Serialize;
use time::OffsetDateTime;

use crate::model::choice::{ChoiceOptions, choose};
use crate::model::eku::Purpose;
use crate::model::hostname::{Profile, ReferenceId};
use crate::model::store::StoreEntry;
use crate::model::thumbprint::Sha1Thumbprint;

/// Why clients (or the service) would refuse a certificate. Codes are
/// stable, kebab-case.
///
/// ```
/// use sstp_cert::model::rotation::ClientProblem;
/// assert_eq!(ClientProblem::Expired.code(), "expired");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum ClientProblem {
    /// The service would not use it (SPEC §2).
    NotEligible {
        /// The choice's reasons, as sentences.
        reasons: Vec<String>,
    },
    /// Expired at the time asked (`CERT_E_EXPIRED`).
    Expired,
    /// Not valid yet at the time asked (`CERT_E_EXPIRED`).
    NotYetValid,
    /// The Windows client refuses it for the host (`CERT_E_CN_NO_MATCH`).
    HostNameMismatch {
        /// The host clients dial.
        host: String,
    },
    /// The Windows client refuses its EKU extension (client Event 16).
    ClientEkuRefused,
    /// Its key usage allows neither digitalSignature nor keyEncipherment.
    KeyUsageUnsuitable,
}

impl ClientProblem {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ClientProblem::NotEligible { .. } => "not-eligible",
            ClientProblem::Expired => "expired",
            ClientProblem::NotYetValid => "not-yet-valid",
            ClientProblem::HostNameMismatch { .. } => "host-name-mismatch",
            ClientProblem::ClientEkuRefused => "client-eku-refused",
            ClientProblem::KeyUsageUnsuitable => "key-usage-unsuitable",
        }
    }

    /// In a sentence.
    ///
    /// ```
    /// use sstp_cert::model::rotation::ClientProblem;
    /// assert!(ClientProblem::Expired.explain().contains("expired"));
    /// ```
    pub fn explain(&self) -> String {
        match self {
            ClientProblem::NotEligible { reasons } => {
                format!("the SSTP service cannot use it: {}", reasons.join("; "))
            }
            ClientProblem::Expired => {
                "it has expired: clients refuse it (CERT_E_EXPIRED)".to_owned()
            }
            ClientProblem::NotYetValid => {
                "it is not valid yet: clients refuse it (CERT_E_EXPIRED)".to_owned()
            }
            ClientProblem::HostNameMismatch { host } => format!(
                "it does not name {host}: the Windows client refuses it (CERT_E_CN_NO_MATCH)"
            ),
            ClientProblem::ClientEkuRefused => {
                "its EKU extension is neither Server Authentication nor Any Purpose: the Windows client refuses it (Event 16)".to_owned()
            }
            ClientProblem::KeyUsageUnsuitable => {
                "its key usage allows neither digitalSignature nor keyEncipherment: TLS cannot use it".to_owned()
            }
        }
    }
}

/// One store certificate as the rule saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Considered {
    /// Its SHA-1 thumbprint.
    pub sha1: Sha1Thumbprint,
    /// Where it came from (file name, store position).
    pub source: String,
    /// Why it may not be bound (empty: it qualifies).
    pub problems: Vec<ClientProblem>,
}

/// The rule's answer over a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRule {
    /// The certificate to bind: the qualifying one preferred by SPEC §11
    /// (Server Authentication first, then the latest `notAfter`, then store
    /// order), or `None`.
    pub recommended: Option<Sha1Thumbprint>,
    /// Every store certificate, in store order.
    pub considered: Vec<Considered>,
}

impl TargetRule {
    /// What `sha1` has against it; `None` when it is not in the store.
    pub fn problems_of(&self, sha1: &Sha1Thumbprint) -> Option<&[ClientProblem]> {
        self.considered
            .iter()
            .find(|c| c.sha1 == *sha1)
            .map(|c| c.problems.as_slice())
    }
}

/// The SPEC §11 target rule over `store`, at time `at`, for clients that
/// dial `host` (when known).
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::hostname::ReferenceId;
/// use sstp_cert::model::rotation::target_rule;
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let mk = |n: &str| Certificate::from_der(rcgen::generate_simple_self_signed(vec![n.into()]).unwrap().cert.der().to_vec()).unwrap();
/// let (other, vpn) = (mk("other.example.com"), mk("vpn.example.com"));
/// let store = vec![
///     StoreEntry::new(other, KeyState::Linked, "other"),
///     StoreEntry::new(vpn.clone(), KeyState::Linked, "vpn"),
/// ];
/// let at = time::OffsetDateTime::now_utc(); // a parameter: the model reads no clock
/// let rule = target_rule(&store, at, Some(&ReferenceId::parse("vpn.example.com")?));
/// assert_eq!(rule.recommended, Some(vpn.sha1()));
/// assert_eq!(rule.considered[0].problems[0].code(), "host-name-mismatch");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn target_rule(
    store: &[StoreEntry],
    at: OffsetDateTime,
    host: Option<&ReferenceId>,
) -> TargetRule {
    let choice = choose(store, &ChoiceOptions::windows());
    let mut considered = Vec::new();
    let mut best: Option<(usize, bool, OffsetDateTime)> = None;
    for (i, (entry, candidate)) in store.iter().zip(&choice.candidates).enumerate() {
        let cert = &entry.certificate;
        let mut problems = Vec::new();
        if !candidate.eligible {
            problems.push(ClientProblem::NotEligible {
                reasons: candidate
                    .reasons
                    .iter()
                    .filter(|r| r.excludes())
                    .map(|r| r.explain().to_owned())
                    .collect(),
            });
        }
        let validity = cert.validity();
        if at < validity.not_before {
            problems.push(ClientProblem::NotYetValid);
        } else if at > validity.not_after {
            problems.push(ClientProblem::Expired);
        }
        if let Some(host) = host
            && !Profile::WindowsClient.check(cert, host).matched()
        {
            problems.push(ClientProblem::HostNameMismatch {
                host: host.to_string(),
            });
        }
        if !Profile::WindowsClient.check_eku(cert.eku()).accepted {
            problems.push(ClientProblem::ClientEkuRefused);
        }
        if let Some(ku) = cert.key_usage()
            && !ku.digital_signature
            && !ku.key_encipherment
        {
            problems.push(ClientProblem::KeyUsageUnsuitable);
        }
        if problems.is_empty() {
            let server_auth = candidate.purpose == Purpose::ServerAuth;
            let better = match best {
                None => true,
                Some((_, b_sa, b_after)) => (server_auth, validity.not_after) > (b_sa, b_after),
            };
            if better {
                best = Some((i, server_auth, validity.not_after));
            }
        }
        considered.push(Considered {
            sha1: cert.sha1(),
            source: entry.source.clone(),
            problems,
        });
    }
    TargetRule {
        recommended: best.map(|(i, ..)| considered[i].sha1),
        considered,
    }
}
