//! The automatic choice: which certificate the SSTP service binds when the
//! administrator has not pinned one ([behaviour §2](crate::behaviour), §3).
//!
//! For each store entry, in store order, the service asks two questions:
//!
//! 1. **Is a private key linked?** ([`KeyState`]; a key file that belongs to
//!    another certificate counts as no key here.)
//! 2. **What is the effective EKU?** (extension ∩ store property, see
//!    [`eku`](crate::model::eku)), giving [`Purpose::ServerAuth`],
//!    [`Purpose::AllPurpose`] or [`Purpose::NotForServer`].
//!
//! Then:
//!
//! | rule | outcome |
//! |---|---|
//! | the first Server Authentication entry | **wins at once** |
//! | no Server Authentication entry: the first All-purpose entry | wins |
//! | neither | nothing is chosen; Event 11 |
//!
//! Nothing else is checked: an expired certificate is eligible and can win.
//! Every candidate gets a [`Candidate`] verdict with stable
//! [`Reason`] codes (which rule excluded it, which rule made it lose, or why
//! it won) and the [`Warning`]s clients will act on.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::choice::{choose, ChoiceOptions, Reason};
//! use sstp_cert::model::eku::Purpose;
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! # fn cert(name: &str, ekus: Vec<rcgen::ExtendedKeyUsagePurpose>) -> Certificate {
//! #     let mut p = rcgen::CertificateParams::new(vec![name.into()]).unwrap();
//! #     p.extended_key_usages = ekus;
//! #     let k = rcgen::KeyPair::generate().unwrap();
//! #     Certificate::from_der(p.self_signed(&k).unwrap().der().to_vec()).unwrap()
//! # }
//! use rcgen::ExtendedKeyUsagePurpose as E;
//!
//! let entries = vec![
//!     StoreEntry::new(cert("a.example", vec![E::Any]), KeyState::Linked, "1"),
//!     StoreEntry::new(cert("b.example", vec![E::ServerAuth]), KeyState::Absent, "2"),
//!     StoreEntry::new(cert("c.example", vec![E::ServerAuth]), KeyState::Linked, "3"),
//! ];
//! let choice = choose(&entries, &ChoiceOptions::windows());
//! let chosen = choice.selected.as_ref().unwrap();
//! assert_eq!(chosen.source, "3");
//! assert_eq!(chosen.purpose, Purpose::ServerAuth);
//! assert_eq!(choice.candidates[0].reasons, vec![Reason::LaterServerAuthPreferred]);
//! assert_eq!(choice.candidates[1].reasons, vec![Reason::NoPrivateKey]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The intended host name
//!
//! With [`ChoiceOptions::host`] set, every candidate and the chosen
//! certificate carry the per-profile verdicts of
//! [`hostname`](crate::model::hostname) ([`Candidate::host`], computed on
//! first use: see [`LazyHostVerdicts`]; [`Selected::host`]). The host
//! **never changes which certificate is chosen** — Windows does not know
//! it. When the Windows client profile
//! does not accept the chosen certificate for the host, the chosen
//! candidate gets a [`WarningCode::HostNameMismatch`] warning: the client
//! fails with CERT_E_CN_NO_MATCH (0x800B010F) and cannot connect.
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::choice::{choose, ChoiceOptions};
//! use sstp_cert::model::hostname::{Profile, ReferenceId};
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! use sstp_cert::model::warning::WarningCode;
//! # fn cert(name: &str) -> Certificate {
//! #     let der = rcgen::generate_simple_self_signed(vec![name.into()]).unwrap().cert.der().to_vec();
//! #     Certificate::from_der(der).unwrap()
//! # }
//! let entries = vec![
//!     StoreEntry::new(cert("old.example.com"), KeyState::Linked, "old"),
//!     StoreEntry::new(cert("vpn.example.com"), KeyState::Linked, "new"),
//! ];
//! let options = ChoiceOptions::windows().for_host(ReferenceId::parse("vpn.example.com")?);
//! let choice = choose(&entries, &options);
//! // Both are All-purpose (no EKU): the first one still wins.
//! let chosen = choice.selected.as_ref().unwrap();
//! assert_eq!(chosen.source, "old");
//! assert!(!chosen.host.as_ref().unwrap().get(Profile::WindowsClient).unwrap().matched());
//! assert!(choice.candidates[0].warnings.iter().any(|w| w.code == WarningCode::HostNameMismatch));
//! assert!(choice.candidates[1].host.as_ref().unwrap().all_matched());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use time::OffsetDateTime;

use super::certificate::{Certificate, EkuExtension};
use super::eku::{EffectiveEku, Purpose, effective_eku};
use super::event::{Event, EventId};
use super::hostname::{HostVerdicts, Profile, ReferenceId};
use super::store::{KeyState, StoreEntry};
use super::thumbprint::{Sha1Thumbprint, Sha256Hash};
use super::warning::{Warning, WarningCode, warnings_for};
use crate::model::code::stable_codes;

/// Which warnings, if any, exclude a certificate before the Windows rules
/// run. The default, [`Policy::WINDOWS`], excludes none — as Windows does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Policy {
    /// Skip certificates that have expired at the given time. **Not what
    /// Windows does.**
    pub skip_expired: bool,
    /// Skip certificates not yet valid at the given time. **Not what Windows
    /// does.**
    pub skip_not_yet_valid: bool,
}

impl Policy {
    /// Exactly the Windows rules: validity is reported, never used.
    pub const WINDOWS: Policy = Policy {
        skip_expired: false,
        skip_not_yet_valid: false,
    };

    /// A stricter policy for embedders: skip certificates outside their
    /// validity period. **Beyond Windows**: the SSTP service itself would
    /// bind an expired certificate.
    pub const STRICT: Policy = Policy {
        skip_expired: true,
        skip_not_yet_valid: true,
    };

    /// Whether this is the Windows-faithful policy.
    pub fn is_windows(&self) -> bool {
        *self == Policy::WINDOWS
    }
}

/// Options of [`choose`].
#[derive(Debug, Clone, Default)]
pub struct ChoiceOptions {
    /// The moment validity is judged at. `None`: no validity warnings (the
    /// model never reads the clock; adapters pass the current time).
    pub at: Option<OffsetDateTime>,
    /// The exclusion policy; [`Policy::WINDOWS`] by default.
    pub policy: Policy,
    /// The host name or address clients will dial. `None`: no host
    /// verdicts. Never changes the choice; see the
    /// [module documentation](self#the-intended-host-name).
    pub host: Option<ReferenceId>,
}

impl ChoiceOptions {
    /// The Windows rules, without a time (no validity warnings).
    pub fn windows() -> Self {
        ChoiceOptions::default()
    }

    /// Judges validity at `at`.
    pub fn at(mut self, at: OffsetDateTime) -> Self {
        self.at = Some(at);
        self
    }

    /// Uses this policy.
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Judges every candidate against the host clients will dial.
    ///
    /// ```
    /// use sstp_cert::model::choice::ChoiceOptions;
    /// use sstp_cert::model::hostname::ReferenceId;
    /// let o = ChoiceOptions::windows().for_host(ReferenceId::parse("vpn.example.com")?);
    /// assert_eq!(o.host.unwrap().to_string(), "vpn.example.com");
    /// # Ok::<(), sstp_cert::model::hostname::HostError>(())
    /// ```
    pub fn for_host(mut self, host: ReferenceId) -> Self {
        self.host = Some(host);
        self
    }
}

stable_codes! {
    [display, from_str]
    /// Why a candidate won, was excluded, or lost. Each has a stable kebab-case
    /// [`code`](Reason::code).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Reason("choice reason") {
        /// Chosen: the first Server Authentication certificate with a key.
        ChosenFirstServerAuth => "chosen-first-server-auth",
        /// Chosen: no Server Authentication certificate exists, and this is the
        /// first All-purpose certificate with a key.
        ChosenFirstAllPurpose => "chosen-first-all-purpose",
        /// Excluded: no private key is linked.
        NoPrivateKey => "no-private-key",
        /// Excluded: the key file belongs to another certificate.
        KeyMismatch => "key-mismatch",
        /// Excluded: the effective EKU is present but empty (e.g. the EKU
        /// property and the extension have nothing in common).
        NoValidUses => "no-valid-uses",
        /// Excluded: the effective EKU has neither Server Authentication nor
        /// anyExtendedKeyUsage.
        NotForServerAuth => "not-for-server-auth",
        /// Excluded by the opt-in policy (not Windows): expired.
        PolicyExpired => "policy-expired",
        /// Excluded by the opt-in policy (not Windows): not yet valid.
        PolicyNotYetValid => "policy-not-yet-valid",
        /// Lost: an earlier Server Authentication certificate was chosen.
        EarlierServerAuthChosen => "earlier-server-auth-chosen",
        /// Lost (All-purpose): a Server Authentication certificate came later and
        /// is preferred.
        LaterServerAuthPreferred => "later-server-auth-preferred",
        /// Lost (All-purpose): an earlier All-purpose certificate was kept.
        EarlierAllPurposeKept => "earlier-all-purpose-kept",
    }
}

impl Reason {
    /// A plain-language sentence.
    pub const fn explain(self) -> &'static str {
        match self {
            Reason::ChosenFirstServerAuth => {
                "chosen: the first Server Authentication certificate with a private key"
            }
            Reason::ChosenFirstAllPurpose => {
                "chosen: no Server Authentication certificate, and this is the first All-purpose one with a private key"
            }
            Reason::NoPrivateKey => "excluded: no private key",
            Reason::KeyMismatch => "excluded: the key file belongs to another certificate",
            Reason::NoValidUses => {
                "excluded: the effective EKU is empty (extension and store property have nothing in common)"
            }
            Reason::NotForServerAuth => {
                "excluded: EKU has neither Server Authentication nor Any Purpose"
            }
            Reason::PolicyExpired => "skipped by the strict policy (not Windows): expired",
            Reason::PolicyNotYetValid => {
                "skipped by the strict policy (not Windows): not yet valid"
            }
            Reason::EarlierServerAuthChosen => {
                "lost: an earlier Server Authentication certificate was chosen"
            }
            Reason::LaterServerAuthPreferred => {
                "lost: a Server Authentication certificate came later and is preferred"
            }
            Reason::EarlierAllPurposeKept => "lost: an earlier All-purpose certificate was kept",
        }
    }

    /// Whether this reason makes the candidate ineligible (as opposed to
    /// eligible-but-lost or chosen).
    pub const fn excludes(self) -> bool {
        matches!(
            self,
            Reason::NoPrivateKey
                | Reason::KeyMismatch
                | Reason::NoValidUses
                | Reason::NotForServerAuth
                | Reason::PolicyExpired
                | Reason::PolicyNotYetValid
        )
    }
}

/// The verdict on one store entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Candidate {
    /// Position in the store (0-based).
    pub index: usize,
    /// The entry's source.
    pub source: String,
    // The SHA-1 thumbprint and the SHA-256 hash, read through
    // `Candidate::sha1` and `Candidate::sha256` (computed on first use by
    // the certificate: the choice itself needs neither). Serialized as
    // `sha1` and `sha256`, in this place, as when they were plain fields.
    sha1: CandidateSha1,
    sha256: CandidateSha256,
    /// Whether the service would consider it at all.
    pub eligible: bool,
    /// Its purpose from the effective EKU (reported even when the key rules
    /// exclude it).
    pub purpose: Purpose,
    /// The key state.
    pub key: KeyState,
    /// The effective EKU.
    pub effective_eku: EffectiveEku,
    /// Why it won, was excluded or lost, in rule order.
    pub reasons: Vec<Reason>,
    /// What clients will object to.
    pub warnings: Vec<Warning>,
    /// Whether each client profile accepts it for [`ChoiceOptions::host`]
    /// (`None`, and not serialized, without a host). Computed on first use
    /// (it dereferences to [`HostVerdicts`]): the choice itself never needs
    /// it.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub host: Option<LazyHostVerdicts>,
}

impl Candidate {
    /// The SHA-1 thumbprint of the candidate's certificate (what netsh
    /// prints as "Certificate Hash"), computed on first use.
    pub fn sha1(&self) -> Sha1Thumbprint {
        self.sha1.0.sha1()
    }

    /// The SHA-256 hash of the candidate's certificate (what
    /// `SHA256CertificateHash` holds), computed on first use: the choice
    /// itself needs neither hash.
    pub fn sha256(&self) -> Sha256Hash {
        self.sha256.0.sha256()
    }

    /// Whether this candidate was chosen.
    pub fn is_chosen(&self) -> bool {
        self.reasons.iter().any(|r| {
            matches!(
                r,
                Reason::ChosenFirstServerAuth | Reason::ChosenFirstAllPurpose
            )
        })
    }
}

/// A candidate's handle on one of its certificate's hashes, computed on
/// first use (see [`Certificate::sha1`], [`Certificate::sha256`]). It
/// prints, compares and serializes as the hash.
macro_rules! lazy_hash {
    ($name:ident, $method:ident) => {
        #[derive(Clone)]
        struct $name(Certificate);

        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.0.$method() == other.0.$method()
            }
        }

        impl Eq for $name {}

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0.$method(), f)
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.0.$method().serialize(serializer)
            }
        }
    };
}

lazy_hash!(CandidateSha1, sha1);
lazy_hash!(CandidateSha256, sha256);

/// A candidate's [`HostVerdicts`], computed on first use.
///
/// The automatic choice never depends on the host name, so [`choose`]
/// does not judge every candidate for it: each candidate keeps a handle on
/// its certificate and the host, and the verdicts are computed the first
/// time they are read ([`verdicts`](Self::verdicts), or through [`Deref`]), then
/// kept. Reading, comparing, printing or serializing it gives exactly what
/// [`HostVerdicts::check`] gives. The chosen candidate's verdicts are
/// computed by [`choose`] (its Windows verdict decides the
/// [`WarningCode::HostNameMismatch`] warning).
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::choice::{choose, ChoiceOptions};
/// use sstp_cert::model::hostname::{HostVerdicts, ReferenceId};
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let host = ReferenceId::parse("vpn.example.com")?;
/// let entries = vec![StoreEntry::new(cert.clone(), KeyState::Absent, "1")];
/// let choice = choose(&entries, &ChoiceOptions::windows().for_host(host.clone()));
/// let lazy = choice.candidates[0].host.as_ref().unwrap();
/// assert!(!lazy.is_computed()); // not chosen: not judged yet
/// assert!(lazy.all_matched()); // computed here
/// assert_eq!(lazy.verdicts(), &HostVerdicts::check(&cert, &host));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct LazyHostVerdicts {
    certificate: Certificate,
    host: Arc<ReferenceId>,
    // Boxed: most candidates never compute theirs, and a candidate stays
    // small (the verdicts of three profiles are over 500 bytes).
    verdicts: OnceLock<Box<HostVerdicts>>,
}

impl LazyHostVerdicts {
    /// The verdicts of `certificate` for `host`, to be computed on first
    /// use.
    pub fn new(certificate: Certificate, host: Arc<ReferenceId>) -> Self {
        LazyHostVerdicts {
            certificate,
            host,
            verdicts: OnceLock::new(),
        }
    }

    /// The verdicts ([`HostVerdicts::check`]), computed now if not yet.
    pub fn verdicts(&self) -> &HostVerdicts {
        self.verdicts
            .get_or_init(|| Box::new(HostVerdicts::check(&self.certificate, &self.host)))
    }

    /// Whether the verdicts have been computed already.
    pub fn is_computed(&self) -> bool {
        self.verdicts.get().is_some()
    }

    /// The verdicts, by value.
    pub fn into_verdicts(self) -> HostVerdicts {
        match self.verdicts.into_inner() {
            Some(v) => *v,
            None => HostVerdicts::check(&self.certificate, &self.host),
        }
    }
}

impl Deref for LazyHostVerdicts {
    type Target = HostVerdicts;

    fn deref(&self) -> &HostVerdicts {
        self.verdicts()
    }
}

impl PartialEq for LazyHostVerdicts {
    fn eq(&self, other: &Self) -> bool {
        self.verdicts() == other.verdicts()
    }
}

impl Eq for LazyHostVerdicts {}

impl PartialEq<HostVerdicts> for LazyHostVerdicts {
    fn eq(&self, other: &HostVerdicts) -> bool {
        self.verdicts() == other
    }
}

impl fmt::Debug for LazyHostVerdicts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.verdicts(), f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for LazyHostVerdicts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(self.verdicts(), serializer)
    }
}

impl From<LazyHostVerdicts> for HostVerdicts {
    fn from(lazy: LazyHostVerdicts) -> Self {
        lazy.into_verdicts()
    }
}

/// The chosen certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Selected {
    /// Position in the store (0-based).
    pub index: usize,
    /// The entry's source.
    pub source: String,
    /// SHA-1 thumbprint (what goes into the binding).
    pub sha1: Sha1Thumbprint,
    /// SHA-256 hash (what goes into `SHA256CertificateHash`).
    pub sha256: Sha256Hash,
    /// Why it was eligible.
    pub purpose: Purpose,
    /// Whether each client profile accepts it for [`ChoiceOptions::host`]
    /// (`None`, and not serialized, without a host).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub host: Option<HostVerdicts>,
}

/// The outcome of the automatic choice.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Choice {
    /// The chosen certificate, or `None` (then [`Choice::events`] holds
    /// Event 11).
    pub selected: Option<Selected>,
    /// Every entry's verdict, in store order.
    pub candidates: Vec<Candidate>,
    /// Events the service logs.
    pub events: Vec<Event>,
    /// The policy used; not [`Policy::WINDOWS`] means the result may differ
    /// from what Windows does.
    pub policy: Policy,
}

impl Choice {
    /// The chosen candidate's full verdict.
    pub fn selected_candidate(&self) -> Option<&Candidate> {
        self.selected
            .as_ref()
            .and_then(|s| self.candidates.get(s.index))
    }
}

/// Runs the automatic choice over `entries` in their order.
///
/// Pure: the same entries and options always give the same result.
pub fn choose(entries: &[StoreEntry], options: &ChoiceOptions) -> Choice {
    // One shared copy of the host for every candidate's lazy verdicts.
    let host = options.host.clone().map(Arc::new);
    // The winner is the first eligible Server Authentication candidate,
    // else the first eligible All-purpose one. From the first Server
    // Authentication candidate on, each eligible candidate's last reason
    // is known as soon as it is judged; only the eligible candidates before
    // it (or all of them, when there is none) wait for the end. One pass
    // over a large store rather than two.
    let mut candidates: Vec<Candidate> = Vec::with_capacity(entries.len());
    let mut first_sa = None;
    for (index, e) in entries.iter().enumerate() {
        let mut c = judge(index, e, options, host.as_ref());
        if c.eligible {
            match first_sa {
                Some(w) => c
                    .reasons
                    .push(ranking(index, c.purpose, w, Purpose::ServerAuth)),
                None if c.purpose == Purpose::ServerAuth => {
                    first_sa = Some(index);
                    c.reasons.push(Reason::ChosenFirstServerAuth);
                }
                None => {}
            }
        }
        candidates.push(c);
    }
    let winner = first_sa.or_else(|| {
        candidates
            .iter()
            .position(|c| c.eligible && c.purpose == Purpose::AllPurpose)
    });
    if let Some(w) = winner {
        let winner_purpose = candidates[w].purpose;
        let waiting = first_sa.unwrap_or(candidates.len());
        for (i, c) in candidates[..waiting].iter_mut().enumerate() {
            if c.eligible {
                c.reasons.push(ranking(i, c.purpose, w, winner_purpose));
            }
        }
    }

    if let Some(w) = winner
        && let Some(warning) = candidates[w]
            .host
            .as_ref()
            .and_then(|h| host_mismatch_warning(h.verdicts()))
    {
        candidates[w].warnings.push(warning);
    }

    let selected = winner.map(|w| {
        let c = &candidates[w];
        Selected {
            index: w,
            source: c.source.clone(),
            sha1: c.sha1(),
            sha256: c.sha256(),
            purpose: c.purpose,
            host: c.host.as_ref().map(|h| h.verdicts().clone()),
        }
    });
    let events = if selected.is_none() {
        vec![Event::new(
            EventId::NoEligibleCertificate,
            format!(
                "none of the {} certificate(s) in the store has Server Authentication or Any Purpose with a private key",
                entries.len()
            ),
        )]
    } else {
        Vec::new()
    };
    Choice {
        selected,
        candidates,
        events,
        policy: options.policy,
    }
}

/// The last reason of eligible candidate `i` (of `purpose`) when candidate
/// `w` (of `winner_purpose`) won.
fn ranking(i: usize, purpose: Purpose, w: usize, winner_purpose: Purpose) -> Reason {
    if i == w {
        match winner_purpose {
            Purpose::ServerAuth => Reason::ChosenFirstServerAuth,
            _ => Reason::ChosenFirstAllPurpose,
        }
    } else {
        match (purpose, winner_purpose, i < w) {
            (Purpose::AllPurpose, Purpose::ServerAuth, true) => Reason::LaterServerAuthPreferred,
            (_, Purpose::ServerAuth, _) => Reason::EarlierServerAuthChosen,
            _ => Reason::EarlierAllPurposeKept,
        }
    }
}

fn judge(
    index: usize,
    e: &StoreEntry,
    options: &ChoiceOptions,
    host: Option<&Arc<ReferenceId>>,
) -> Candidate {
    let cert = &e.certificate;
    let eff = match (cert.eku(), e.eku_property.as_deref()) {
        // The certificate's list is de-duplicated when it is parsed, so
        // `effective_eku` would only copy it: shared instead.
        (EkuExtension::Present { purposes, .. }, None) => EffectiveEku::List(Arc::clone(purposes)),
        (ext, prop) => effective_eku(ext.purposes(), prop),
    };
    let purpose = eff.purpose();
    let warnings = warnings_for(cert, options.at);
    let mut reasons = Vec::new();
    match e.key {
        KeyState::Absent => reasons.push(Reason::NoPrivateKey),
        KeyState::Mismatched => reasons.push(Reason::KeyMismatch),
        KeyState::Linked | KeyState::Paired => {}
    }
    if eff.is_no_valid_uses() {
        reasons.push(Reason::NoValidUses);
    } else if purpose == Purpose::NotForServer {
        reasons.push(Reason::NotForServerAuth);
    }
    if options.policy.skip_expired && warnings.iter().any(|w| w.code == WarningCode::Expired) {
        reasons.push(Reason::PolicyExpired);
    }
    if options.policy.skip_not_yet_valid
        && warnings.iter().any(|w| w.code == WarningCode::NotYetValid)
    {
        reasons.push(Reason::PolicyNotYetValid);
    }
    Candidate {
        index,
        source: e.source.clone(),
        sha1: CandidateSha1(cert.clone()),
        sha256: CandidateSha256(cert.clone()),
        eligible: reasons.is_empty(),
        purpose,
        key: e.key,
        effective_eku: eff,
        reasons,
        warnings,
        host: host.map(|h| LazyHostVerdicts::new(cert.clone(), Arc::clone(h))),
    }
}

/// The warning for a chosen certificate the Windows client refuses for the
/// intended host, or `None` when it accepts it.
fn host_mismatch_warning(v: &HostVerdicts) -> Option<Warning> {
    let windows = v.get(Profile::WindowsClient)?;
    if windows.matched() {
        return None;
    }
    let compared: Vec<String> = windows
        .reasons()
        .iter()
        .map(|r| match &r.identifier {
            Some(id) => format!("{id} ({})", r.rule),
            None => r.rule.code().to_owned(),
        })
        .collect();
    let rfc = match v.get(Profile::Rfc9525) {
        Some(r) if r.matched() => "; RFC 9525 clients accept it",
        Some(_) => "; RFC 9525 clients refuse it too",
        None => "",
    };
    Some(Warning {
        code: WarningCode::HostNameMismatch,
        message: format!(
            "the chosen certificate does not match {} for the Windows SSTP client: {}{rfc}",
            v.host,
            compared.join(", ")
        )
        .into(),
        consequence: "the Windows SSTP client fails with CERT_E_CN_NO_MATCH (0x800B010F) and cannot connect (there is no \"continue anyway\"); the service binds it regardless".into(),
    })
}
