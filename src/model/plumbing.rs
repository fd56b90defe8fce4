//! What the SSTP service does to HTTP.sys and the registry when it starts
//! or reconfigures its listener — "plumbing" ([behaviour §6](crate::behaviour)).
//!
//! [`plumb`] is a **pure function** of four things:
//!
//! * the service's registry parameters ([`SstpParameters`], [behaviour §4](crate::behaviour)),
//! * the store entries, in store order ([`StoreEntry`], [behaviour §2](crate::behaviour)),
//! * every HTTP.sys SSL binding that exists ([`SslBinding`], [behaviour §5](crate::behaviour)),
//! * which behaviour to model for bindings whose certificate has gone from
//!   the store ([`GoneCertificateProfile`]).
//!
//! It returns a [`Plumbing`]: the [`Mode`] the service ran in, the listener
//! it set up (or `None`: SSTP accepts no connections, and the events say
//! why), the complete binding set afterwards, the ordered
//! [`BindingChange`]s and [`RegistryWrite`]s that got there, the events the
//! service logs, the automatic [`Choice`] when it ran, and the certificate
//! SSTP serves afterwards. Nothing is read from or written to the machine;
//! [`runtime`](crate::model::runtime) applies the result to a simulated one.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::httpsys::Endpoint;
//! use sstp_cert::model::plumbing::{plumb, BindingChange, Mode, PlumbingInput};
//! use sstp_cert::model::registry::SstpParameters;
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()])
//! #     .unwrap().cert.der().to_vec();
//! let cert = Certificate::from_der(der)?; // no EKU extension: All-purpose
//! let store = vec![StoreEntry::new(cert.clone(), KeyState::Linked, "vpn")];
//! let parameters = SstpParameters::default(); // an empty Parameters key
//!
//! let p = plumb(&PlumbingInput::new(&parameters, &store, &[]));
//! assert_eq!(p.mode, Mode::Auto);
//! assert_eq!(p.bound, Some(cert.sha1()));
//! assert!(p.events.is_empty());
//! // both wildcard pairs bound, then both hashes recorded
//! let added: Vec<_> = p.changes.iter().map(BindingChange::endpoint).collect();
//! assert_eq!(added, [&Endpoint::ipv4_wildcard(443), &Endpoint::ipv6_wildcard(443)]);
//! assert_eq!(p.registry_writes.len(), 3);
//! assert_eq!(
//!     p.changes[0].render()?,
//!     format!(
//!         "netsh http add sslcert ipport=0.0.0.0:443 certhash={} \
//!          appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY",
//!         cert.sha1()
//!     )
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The rules
//!
//! The *pair* is the two wildcard endpoints of the listener port,
//! `0.0.0.0:<port>` and `[::]:<port>` ([`Family::V4`], [`Family::V6`]). A
//! binding is *SSTP's* when its application id is SSTP's
//! ([`SslBinding::is_sstp`]); any other (or no) application id is *another
//! application's*. What the service writes to a binding is always
//! [`SslBinding::sstp`]: the SHA-1 hash, SSTP's application id, store `MY`.
//!
//! ## Order of the steps
//!
//! | step | what |
//! |---|---|
//! | 1 | Read the key: the [`Mode`] ([`Mode::Http`] when `UseHttps` = 0, else [`Mode::Admin`] when `isHashConfiguredByAdmin` ≠ 0, else [`Mode::Auto`]) and Events 18/19 from [`SstpParameters::hash_events`] |
//! | 2 | In admin and HTTP modes, an Event 18 or 19 ends plumbing: nothing changes, no listener ([behaviour §4](crate::behaviour): "SSTP accepts no connections") |
//! | 3 | [`GoneCertificateProfile::CurrentRelease`] only: delete the bindings on the pair whose certificate is not in the store, whatever their application id |
//! | 4 | The mode's table below |
//! | 5 | The listener is set up unless a row below says otherwise |
//!
//! ## Admin mode (`isHashConfiguredByAdmin` = 1, `UseHttps` = 1)
//!
//! The configured certificate is the first **eligible** store entry (
//! [behaviour §2](crate::behaviour), Windows policy) whose SHA-256 equals `SHA256CertificateHash` — or
//! whose SHA-1 equals `SHA1CertificateHash` when `SHA1Enabled` is set
//! ([`SstpParameters::lookup_hash`]). Then, for each family:
//!
//! | situation | outcome |
//! |---|---|
//! | no eligible entry has the hash (absent, or present but ineligible — the message says which) | **Event 25**; nothing changes; **no fallback** to the automatic choice; the listener stays on whatever is bound (see below) |
//! | nothing bound on the endpoint | bind the configured certificate ([`ChangeReason::AdminBind`]) |
//! | bound to the same certificate — compared by **issuer and serial number**, by either application | nothing to do |
//! | bound by SSTP to another certificate | delete, then bind ([`ChangeReason::AdminRebind`]) |
//! | bound by another application to another certificate | **Event 32** for that family; then **nothing changes** on either family; the listener stays on whatever is bound |
//!
//! A bound hash that is not in the store (or a binding without a hash) is
//! "another certificate". Admin mode writes nothing to the registry.
//!
//! ## Automatic mode (`isHashConfiguredByAdmin` = 0 or missing, `UseHttps` = 1)
//!
//! Existing bindings on the pair win over a fresh choice:
//!
//! | IPv4 | IPv6 | outcome |
//! |---|---|---|
//! | bound | — | copy its hash to IPv6 as SSTP's binding ([`ChangeReason::CopyToOtherFamily`]) |
//! | — | bound | copy its hash to IPv4 as SSTP's binding |
//! | same certificate | same certificate | keep |
//! | SSTP's, certificate A | another application's, certificate B | B wins: delete IPv4, bind B ([`ChangeReason::OtherApplicationWins`]) |
//! | another application's, A | SSTP's, B | A wins: delete IPv6, bind A |
//! | SSTP's, A | SSTP's, B | **Event 24**; nothing changes; the listener stays on both bindings |
//! | another's, A | another's, B | **Event 24**; nothing changes; the listener stays on both bindings |
//! | — | — | run the automatic choice ([behaviour §3](crate::behaviour), [`choose`]) and bind both families ([`ChangeReason::AutomaticChoice`]); nothing eligible → **Event 11**, no listener |
//!
//! "Same certificate" means the same hash, or — when both hashes are in the
//! store — the same issuer and serial number. Afterwards the service
//! records the certificate it kept, copied or chose (the IPv4 one when both
//! are kept) with [`RegistryWrite::automatic_mode_record`]: both hashes and
//! `isHashConfiguredByAdmin` = 0. When that certificate is not in the store
//! its SHA-256 cannot be computed: **Event 21**, nothing is written, and
//! the registry keeps whatever hash it had.
//!
//! ## HTTP mode (`UseHttps` = 0: TLS offloaded to a load balancer)
//!
//! | situation | outcome |
//! |---|---|
//! | a hash event (18, or 19 with `SHA1Enabled`) — the hash must be the load balancer certificate's, set by the administrator | configuration refused: nothing changes, no listener |
//! | otherwise | SSTP's bindings on the **old** port — the one the HTTPS listener used, [`https_port`] — are deleted ([`ChangeReason::PlainHttp`]); no binding is made; the listener is `http://+:<port>/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/` |
//!
//! ## Adding a binding can fail
//!
//! HTTP.sys refuses a binding whose certificate is not in `MY` or has no
//! private key (netsh prints error **1312**, "A specified logon session does
//! not exist"; [`AddRefusal`]). When the service's add is refused it logs
//! **Event 12** (IPv4) or **Event 13** (IPv6) and that family stays
//! unbound. The automatic choice and admin mode only bind eligible
//! certificates, so this happens when an existing binding is copied or wins.
//!
//! ## Bindings whose certificate is gone from the store
//!
//! | [`GoneCertificateProfile`] | what the service does |
//! |---|---|
//! | [`Documented2008`](GoneCertificateProfile::Documented2008) (default) | nothing special: the binding is adopted like any other (automatic mode keeps it and logs Event 21; admin mode treats it as another certificate) |
//! | [`CurrentRelease`](GoneCertificateProfile::CurrentRelease) | the bindings on the pair whose hash is not in the store (or that name no hash) are deleted first **whatever their application id** ([`ChangeReason::GoneCertificate`]), so the tables above see them as unbound and a new certificate is chosen. [behaviour §6](crate::behaviour): "such a binding on either wildcard pair is deleted before the steps above whatever its application id (the service reads both pairs' bindings regardless of owner)". A binding on any other endpoint (a specific address, another port, SNI, `ccs=`) is never touched |
//!
//! # Decisions where [behaviour §6](crate::behaviour) is silent
//!
//! * **Events 18/19 in automatic mode** (an *invalid* hash value; a missing
//!   one logs nothing there) are logged but do not stop plumbing: the
//!   service does not need the hash to choose, and its automatic-mode record
//!   overwrites the value. If nothing is written (Events 11, 21, 24) the bad
//!   value stays and crypto binding fails later.
//! * **Event 32 is all-or-nothing**: both families are compared first; one
//!   conflict leaves both untouched ("nothing changes").
//! * **Events 24, 25 and 32 leave the listener on what was bound**: [behaviour §6](crate::behaviour)
//!   says of each "nothing changes", so the service keeps listening with the
//!   bindings it had, and HTTP.sys serves them (from a live context when the
//!   certificate is gone) until a reboot — the wrong way to renew works until
//!   the reboot in admin mode as it does in automatic mode ([behaviour §7](crate::behaviour)). With
//!   nothing bound on the pair there is no listener (the event says why).
//!   Crypto binding still compares with the registry hash, so a pair bound
//!   to another certificate than the registry names fails there (client
//!   Event 6). Event 11 (nothing eligible, nothing bound) and Events 18/19 in
//!   admin and HTTP modes ("SSTP accepts no connections", [behaviour §4](crate::behaviour)) do leave
//!   no listener.
//! * **Event 21 does not stop the listener**: the bindings stay, and
//!   HTTP.sys may still serve the certificate from its live context — this
//!   is how "it works until the reboot" happens ([behaviour §7](crate::behaviour)).
//! * **Events 12/13** stop the listener only when neither family ends up
//!   bound.
//! * **A failed replacement** (another application's certificate wins but
//!   cannot be bound) leaves that family unbound: the service deletes its
//!   binding before it adds the new one.
//! * **The current-release clean-up reads the pair whatever its owner**
//!   ([behaviour §6](crate::behaviour)) and deletes another application's binding there too when its
//!   certificate is gone; bindings on other endpoints are never deleted.
//! * **HTTP mode** deletes SSTP's bindings on the *old* port, the one the
//!   HTTPS listener used ([behaviour §6](crate::behaviour)): [`https_port`], i.e. `ListenerPort`, or
//!   443 when it is 0 — so with `ListenerPort` = 0 the 443 bindings go, not
//!   bindings on 80. The model's input has no memory of an earlier
//!   `ListenerPort`: a switch that changes `ListenerPort` in the same step
//!   is taken as if the HTTPS listener had used the new value. Another
//!   application's binding on that port is never touched. A refused
//!   configuration changes nothing.
//! * **"Same certificate" by issuer and serial** makes two different
//!   certificates with the same issuer and serial count as one (a re-keyed
//!   certificate); when kept, the IPv4 hash is recorded.
//! * **Duplicate endpoints** in the input: the first binding counts; a
//!   delete removes them all.
//! * **The bound certificate** ([`Plumbing::bound`]) is reported only when
//!   there is an HTTPS listener and both families name the same hash.

use std::str::FromStr;

use super::certificate::Certificate;
use super::choice::{Candidate, Choice, ChoiceOptions, choose};
use super::event::{Event, EventId};
use super::httpsys::{
    AddCommandError, Endpoint, SslBinding, render_add_command, render_delete_command,
};
use super::registry::{Listener, RegistryWrite, SstpParameters};
use super::state::{MachineState, UnknownInput};
use super::store::{KeyState, StoreEntry};
use super::thumbprint::{CertHash, Sha1Thumbprint};
use crate::model::code::stable_codes;

stable_codes! {
    [display]
    /// What the service does with a binding whose certificate is no longer in
    /// the store ([behaviour §6](crate::behaviour)). Sources disagree, so both are modelled.
    ///
    /// Serialises as `"documented-2008"` / `"current-release"`; `FromStr`
    /// accepts those codes (any case) and `2008` / `current`.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// assert_eq!(GoneCertificateProfile::default(), GoneCertificateProfile::Documented2008);
    /// assert_eq!("current-release".parse(), Ok(GoneCertificateProfile::CurrentRelease));
    /// # #[cfg(feature = "serde")]
    /// assert_eq!(
    ///     serde_json::to_string(&GoneCertificateProfile::Documented2008).unwrap(),
    ///     "\"documented-2008\""
    /// );
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// assert_eq!(GoneCertificateProfile::CurrentRelease.code(), "current-release");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
    #[non_exhaustive]
    pub enum GoneCertificateProfile("gone-certificate profile") {
        /// As documented in 2007/2008 (the default): the service does not touch
        /// an existing binding, even when its certificate is gone.
        #[default]
        Documented2008 => "documented-2008",
        /// Current releases: a binding on the listener's wildcard pair whose
        /// certificate is gone is deleted before the other steps, whatever its
        /// application id, so a new certificate is chosen.
        CurrentRelease => "current-release",
    }
}

impl GoneCertificateProfile {
    /// Both profiles, the default first.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// assert_eq!(GoneCertificateProfile::ALL[0], GoneCertificateProfile::default());
    /// ```
    pub const ALL: [GoneCertificateProfile; 2] = [
        GoneCertificateProfile::Documented2008,
        GoneCertificateProfile::CurrentRelease,
    ];
}

/// Text that names no [`GoneCertificateProfile`].
///
/// ```
/// use sstp_cert::model::plumbing::GoneCertificateProfile;
/// let e = "2012".parse::<GoneCertificateProfile>().unwrap_err();
/// assert!(e.to_string().contains("documented-2008"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown behaviour profile {text:?}: expected documented-2008 (or 2008) or current-release (or current)"
)]
pub struct GoneCertificateProfileParseError {
    /// The text given (shortened when long).
    pub text: String,
}

impl FromStr for GoneCertificateProfile {
    type Err = GoneCertificateProfileParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if ["documented-2008", "2008", "documented"]
            .iter()
            .any(|c| t.eq_ignore_ascii_case(c))
        {
            Ok(GoneCertificateProfile::Documented2008)
        } else if ["current-release", "current"]
            .iter()
            .any(|c| t.eq_ignore_ascii_case(c))
        {
            Ok(GoneCertificateProfile::CurrentRelease)
        } else {
            Err(GoneCertificateProfileParseError {
                text: t.chars().take(64).collect(),
            })
        }
    }
}

pub use crate::model::net::Family;

stable_codes! {
    [display, from_str]
    /// Which rules the service followed ([behaviour §6](crate::behaviour)). Serialises as `"auto"`,
    /// `"admin"` or `"http"`.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::Mode;
    /// # #[cfg(feature = "serde")] {
    /// assert_eq!(serde_json::to_string(&Mode::Admin).unwrap(), "\"admin\"");
    /// # }
    /// assert_eq!(Mode::Http.code(), "http");
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::plumbing::Mode;
    /// assert_eq!(Mode::Auto.code(), "auto");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Mode("mode") {
        /// Automatic mode: `UseHttps` = 1, `isHashConfiguredByAdmin` = 0 or
        /// missing. Existing bindings win; otherwise the automatic choice.
        Auto => "auto",
        /// Admin mode: `UseHttps` = 1, `isHashConfiguredByAdmin` = 1. The
        /// registry hash selects the certificate.
        Admin => "admin",
        /// `UseHttps` = 0: plain HTTP behind a TLS-offloading load balancer.
        Http => "http",
    }
}

impl Mode {
    /// The mode the parameters select.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::Mode;
    /// use sstp_cert::model::registry::SstpParameters;
    /// assert_eq!(Mode::of(&SstpParameters::default()), Mode::Auto);
    /// ```
    pub fn of(parameters: &SstpParameters) -> Mode {
        if !parameters.use_https.value {
            Mode::Http
        } else if parameters.is_hash_configured_by_admin.value {
            Mode::Admin
        } else {
            Mode::Auto
        }
    }
}

stable_codes! {
    [display, from_str]
    /// Why the service changed a binding. Each has a stable kebab-case
    /// [`code`](ChangeReason::code).
    ///
    /// ```
    /// use sstp_cert::model::plumbing::ChangeReason;
    /// assert_eq!(ChangeReason::CopyToOtherFamily.code(), "copy-to-other-family");
    /// assert!(ChangeReason::GoneCertificate.explain().contains("not in the store"));
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::plumbing::ChangeReason;
    /// assert_eq!(ChangeReason::PlainHttp.code(), "plain-http");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum ChangeReason("binding change reason") {
        /// Current-release profile: a binding on the pair (any application's)
        /// names a certificate that is not in the store.
        GoneCertificate => "gone-certificate",
        /// Admin mode: nothing was bound; the configured certificate is bound.
        AdminBind => "admin-bind",
        /// Admin mode: SSTP's binding named another certificate.
        AdminRebind => "admin-rebind",
        /// Automatic mode: only the other family was bound; its certificate is
        /// copied.
        CopyToOtherFamily => "copy-to-other-family",
        /// Automatic mode: the families differed and the other application's
        /// certificate wins over SSTP's.
        OtherApplicationWins => "other-application-wins",
        /// Automatic mode: nothing was bound; the automatic choice is bound.
        AutomaticChoice => "automatic-choice",
        /// `UseHttps` = 0: SSTP's binding on the old HTTPS port is removed.
        PlainHttp => "plain-http",
    }
}

impl ChangeReason {
    /// A plain-language sentence.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::ChangeReason;
    /// assert!(ChangeReason::AdminRebind.explain().starts_with("admin mode"));
    /// ```
    pub const fn explain(self) -> &'static str {
        match self {
            ChangeReason::GoneCertificate => {
                "the binding's certificate is not in the store (current-release behaviour)"
            }
            ChangeReason::AdminBind => {
                "admin mode: nothing was bound, so the configured certificate is bound"
            }
            ChangeReason::AdminRebind => {
                "admin mode: SSTP's binding named another certificate, so it is rebound"
            }
            ChangeReason::CopyToOtherFamily => {
                "automatic mode: only the other family was bound, so its certificate is copied"
            }
            ChangeReason::OtherApplicationWins => {
                "automatic mode: the families differed and another application's certificate wins over SSTP's"
            }
            ChangeReason::AutomaticChoice => {
                "automatic mode: nothing was bound, so the automatically chosen certificate is bound"
            }
            ChangeReason::PlainHttp => {
                "UseHttps is 0: SSTP's SSL binding on the port the HTTPS listener used is removed"
            }
        }
    }
}

/// One change the service made to HTTP.sys's bindings, in order.
///
/// Serialises with an `op` tag: `{"op": "delete", "endpoint": "[::]:443",
/// "reason": "admin-rebind"}`, `{"op": "add", "binding": {…}, "reason": …}`.
///
/// ```
/// use sstp_cert::model::httpsys::Endpoint;
/// use sstp_cert::model::plumbing::{BindingChange, ChangeReason};
/// let d = BindingChange::Delete { endpoint: Endpoint::ipv6_wildcard(443), reason: ChangeReason::AdminRebind };
/// assert_eq!(d.render().unwrap(), "netsh http delete sslcert ipport=[::]:443");
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_value(&d).unwrap()["op"], "delete");
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "op", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum BindingChange {
    /// The binding on `endpoint` was deleted.
    Delete {
        /// The endpoint.
        endpoint: Endpoint,
        /// Why.
        reason: ChangeReason,
    },
    /// `binding` was added.
    Add {
        /// The new binding ([`SslBinding::sstp`]), boxed to keep the enum
        /// small.
        binding: Box<SslBinding>,
        /// Why.
        reason: ChangeReason,
    },
}

impl BindingChange {
    /// The endpoint changed.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::plumbing::{BindingChange, ChangeReason};
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let b = SslBinding::sstp(Endpoint::ipv4_wildcard(443), Sha1Thumbprint::from_bytes([1; 20]));
    /// let a = BindingChange::Add { binding: Box::new(b), reason: ChangeReason::AdminBind };
    /// assert_eq!(a.endpoint(), &Endpoint::ipv4_wildcard(443));
    /// ```
    pub fn endpoint(&self) -> &Endpoint {
        match self {
            BindingChange::Delete { endpoint, .. } => endpoint,
            BindingChange::Add { binding, .. } => &binding.endpoint,
        }
    }

    /// Why the change was made.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::plumbing::{BindingChange, ChangeReason};
    /// let d = BindingChange::Delete { endpoint: Endpoint::ipv4_wildcard(80), reason: ChangeReason::PlainHttp };
    /// assert_eq!(d.reason(), ChangeReason::PlainHttp);
    /// ```
    pub fn reason(&self) -> ChangeReason {
        match self {
            BindingChange::Delete { reason, .. } | BindingChange::Add { reason, .. } => *reason,
        }
    }

    /// The `netsh http delete sslcert …` / `netsh http add sslcert …` line
    /// that makes the same change by hand.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::plumbing::{BindingChange, ChangeReason};
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let b = SslBinding::sstp(Endpoint::ipv6_wildcard(443), Sha1Thumbprint::from_bytes([0xab; 20]));
    /// let a = BindingChange::Add { binding: Box::new(b), reason: ChangeReason::AutomaticChoice };
    /// assert!(a.render().unwrap().starts_with("netsh http add sslcert ipport=[::]:443 certhash=abab"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`AddCommandError`] when the binding cannot be written as a command
    /// (never for what the service writes).
    pub fn render(&self) -> Result<String, AddCommandError> {
        match self {
            BindingChange::Delete { endpoint, .. } => render_delete_command(endpoint),
            BindingChange::Add { binding, .. } => render_add_command(binding),
        }
    }
}

/// Why HTTP.sys refuses to add a binding for a certificate (what `netsh
/// http add sslcert` reports). The model's machine has one store, `MY`.
///
/// ```
/// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
/// use sstp_cert::model::plumbing::{check_binding_certificate, AddRefusal};
/// use sstp_cert::model::thumbprint::Sha1Thumbprint;
/// let b = SslBinding::sstp(Endpoint::ipv4_wildcard(443), Sha1Thumbprint::from_bytes([7; 20]));
/// let refusal = check_binding_certificate(&[], &b).unwrap_err();
/// assert!(matches!(refusal, AddRefusal::CertificateNotInStore { .. }));
/// assert_eq!(refusal.win32_error(), 1312);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum AddRefusal {
    /// The binding names no certificate hash.
    #[error("no certificate hash given (error 87: The parameter is incorrect.)")]
    NoCertificateHash,
    /// No certificate with this hash is in the named store.
    #[error(
        "certificate {sha1} is not in the {store} store (error 1312: A specified logon session does not exist. It may already have been terminated.)"
    )]
    CertificateNotInStore {
        /// The hash.
        sha1: Sha1Thumbprint,
        /// The store named by the binding.
        store: String,
    },
    /// The certificate is in the store, but has no usable private key.
    #[error(
        "certificate {sha1} has no private key (key {key}) (error 1312: A specified logon session does not exist. It may already have been terminated.)"
    )]
    NoPrivateKey {
        /// The hash.
        sha1: Sha1Thumbprint,
        /// The entry's key state.
        key: KeyState,
    },
}

impl AddRefusal {
    /// The Win32 error netsh prints: 87 or 1312.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::AddRefusal;
    /// assert_eq!(AddRefusal::NoCertificateHash.win32_error(), 87);
    /// ```
    pub const fn win32_error(&self) -> u32 {
        match self {
            AddRefusal::NoCertificateHash => 87,
            AddRefusal::CertificateNotInStore { .. } | AddRefusal::NoPrivateKey { .. } => 1312,
        }
    }
}

/// The store name the model's machine has: `MY` (Local Computer →
/// Personal). A binding without a store name uses it too.
pub const MY_STORE: &str = "MY";

/// The store entry a binding's certificate comes from — what HTTP.sys
/// looks up when a binding is added and when a handshake has no live
/// context: the first entry of `store` with the binding's hash that has a
/// private key ([`KeyState::counts_as_key`]). `store` is `MY`; a binding
/// naming another store finds nothing. (A Windows store holds a
/// certificate once; a directory store can hold it twice, with and without
/// its key, and the automatic choice takes the one with the key.)
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
/// use sstp_cert::model::plumbing::{check_binding_certificate, AddRefusal};
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let store = [StoreEntry::new(cert.clone(), KeyState::Absent, "no key")];
/// let b = SslBinding::sstp(Endpoint::ipv4_wildcard(443), cert.sha1());
/// assert!(matches!(check_binding_certificate(&store, &b), Err(AddRefusal::NoPrivateKey { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`AddRefusal`]: no hash, not in the store, or no private key.
pub fn check_binding_certificate<'s>(
    store: &'s [StoreEntry],
    binding: &SslBinding,
) -> Result<&'s StoreEntry, AddRefusal> {
    let sha1 = binding.cert_hash.ok_or(AddRefusal::NoCertificateHash)?;
    let store_name = binding.store_name.as_deref().unwrap_or(MY_STORE);
    let in_my = store_name.eq_ignore_ascii_case(MY_STORE);
    if let Some(with_key) = store
        .iter()
        .filter(|_| in_my)
        .find(|e| e.certificate.sha1() == sha1 && e.key.counts_as_key())
    {
        return Ok(with_key);
    }
    let entry = in_my.then(|| find(store, &sha1)).flatten().ok_or_else(|| {
        AddRefusal::CertificateNotInStore {
            sha1,
            store: store_name.to_owned(),
        }
    })?;
    Err(AddRefusal::NoPrivateKey {
        sha1,
        key: entry.key,
    })
}

/// The first store entry whose certificate has this SHA-1.
fn find<'s>(store: &'s [StoreEntry], sha1: &Sha1Thumbprint) -> Option<&'s StoreEntry> {
    store.iter().find(|e| e.certificate.sha1() == *sha1)
}

/// What [`plumb`] works on.
///
/// ```
/// use sstp_cert::model::plumbing::{GoneCertificateProfile, PlumbingInput};
/// use sstp_cert::model::registry::SstpParameters;
/// let parameters = SstpParameters::default();
/// let input = PlumbingInput::new(&parameters, &[], &[])
///     .with_profile(GoneCertificateProfile::CurrentRelease);
/// assert_eq!(input.profile, GoneCertificateProfile::CurrentRelease);
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PlumbingInput<'a> {
    /// The `SstpSvc\Parameters` key, typed (the defaults when
    /// [`PlumbingInput::registry_known`] is false).
    pub parameters: &'a SstpParameters,
    /// The store (`MY`), in enumeration order.
    pub store: &'a [StoreEntry],
    /// Every HTTP.sys SSL binding (all endpoints, all applications); what
    /// is assumed, none, when [`PlumbingInput::bindings_known`] is false.
    pub bindings: &'a [SslBinding],
    /// What happens to bindings whose certificate is gone.
    pub profile: GoneCertificateProfile,
    /// Whether the bindings were given. When false the service is modelled
    /// starting on a machine with no bindings, and a caller that reports
    /// the result must say so ([behaviour §11](crate::behaviour)).
    pub bindings_known: bool,
    /// Whether the registry key was given; when false, `parameters` are the
    /// assumed defaults.
    pub registry_known: bool,
}

impl<'a> PlumbingInput<'a> {
    /// An input with the default profile
    /// ([`GoneCertificateProfile::Documented2008`]).
    ///
    /// ```
    /// use sstp_cert::model::plumbing::{GoneCertificateProfile, PlumbingInput};
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// assert_eq!(PlumbingInput::new(&parameters, &[], &[]).profile, GoneCertificateProfile::Documented2008);
    /// ```
    pub fn new(
        parameters: &'a SstpParameters,
        store: &'a [StoreEntry],
        bindings: &'a [SslBinding],
    ) -> Self {
        PlumbingInput {
            parameters,
            store,
            bindings,
            profile: GoneCertificateProfile::default(),
            bindings_known: true,
            registry_known: true,
        }
    }

    /// The input for a saved machine state; `parameters` must be
    /// [`MachineState::parameters`] of it. What the state does not know is
    /// unknown here too, and [`PlumbingInput::unknown_inputs`] names it
    /// ([behaviour §11](crate::behaviour)).
    ///
    /// ```
    /// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
    /// use sstp_cert::model::state::{MachineState, UnknownInput};
    /// let state = MachineState::new(Vec::new());
    /// let parameters = state.parameters();
    /// let input = PlumbingInput::from_state(&state, &parameters);
    /// assert_eq!(input.unknown_inputs(), [UnknownInput::Bindings, UnknownInput::Registry]);
    /// assert!(!plumb(&input).accepts_connections());
    /// ```
    pub fn from_state(state: &'a MachineState, parameters: &'a SstpParameters) -> Self {
        let mut input = PlumbingInput::new(parameters, &state.store, state.bindings_or_assumed());
        input.bindings_known = state.knows(UnknownInput::Bindings);
        input.registry_known = state.knows(UnknownInput::Registry);
        input
    }

    /// The inputs that are unknown, in a fixed order (bindings, registry):
    /// what a report of [`plumb`]'s result must name as assumed.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::PlumbingInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// assert!(PlumbingInput::new(&parameters, &[], &[]).unknown_inputs().is_empty());
    /// ```
    pub fn unknown_inputs(&self) -> Vec<UnknownInput> {
        UnknownInput::not_known(self.bindings_known, self.registry_known)
    }

    /// Uses this profile.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::{GoneCertificateProfile, PlumbingInput};
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let i = PlumbingInput::new(&parameters, &[], &[]).with_profile(GoneCertificateProfile::CurrentRelease);
    /// assert_eq!(i.profile.code(), "current-release");
    /// ```
    pub fn with_profile(mut self, profile: GoneCertificateProfile) -> Self {
        self.profile = profile;
        self
    }
}

/// The result of [`plumb`]: what the service did and what it left behind.
///
/// Serialises with these snake_case fields; enum values are kebab-case.
///
/// ```
/// use sstp_cert::model::event::EventId;
/// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
/// use sstp_cert::model::registry::SstpParameters;
/// // an empty store and no bindings: nothing eligible
/// let parameters = SstpParameters::default();
/// let p = plumb(&PlumbingInput::new(&parameters, &[], &[]));
/// assert!(p.listener.is_none());
/// assert!(p.has_event(EventId::NoEligibleCertificate));
/// # #[cfg(feature = "serde")] {
/// let json = serde_json::to_value(&p).unwrap();
/// assert_eq!(json["mode"], "auto");
/// assert_eq!(json["events"][0]["id"], 11);
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Plumbing {
    /// The mode the service ran in.
    pub mode: Mode,
    /// The listener set up; `None` when the service accepts no SSTP
    /// connections (the events say why).
    pub listener: Option<Listener>,
    /// Every binding after plumbing (all endpoints, input order, additions
    /// last).
    pub bindings: Vec<SslBinding>,
    /// The binding changes, in the order made.
    pub changes: Vec<BindingChange>,
    /// What the service wrote to the registry, in order.
    pub registry_writes: Vec<RegistryWrite>,
    /// The events the service logged, in order.
    pub events: Vec<Event>,
    /// The automatic choice, when it ran (automatic mode, nothing bound).
    pub choice: Option<Choice>,
    /// The certificate SSTP serves afterwards: set when there is an HTTPS
    /// listener and both families are bound to this hash.
    pub bound: Option<Sha1Thumbprint>,
}

impl Plumbing {
    /// Whether the service accepts SSTP connections (it has a listener).
    ///
    /// ```
    /// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// assert!(!plumb(&PlumbingInput::new(&parameters, &[], &[])).accepts_connections());
    /// ```
    pub fn accepts_connections(&self) -> bool {
        self.listener.is_some()
    }

    /// Whether an event with this id was logged.
    ///
    /// ```
    /// use sstp_cert::model::event::EventId;
    /// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let p = plumb(&PlumbingInput::new(&parameters, &[], &[]));
    /// assert!(!p.has_event(EventId::BindingsDiffer));
    /// ```
    pub fn has_event(&self, id: EventId) -> bool {
        self.events.iter().any(|e| e.id == id)
    }

    /// The ids of the events logged, in order.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let p = plumb(&PlumbingInput::new(&parameters, &[], &[]));
    /// assert_eq!(p.event_numbers(), [11]);
    /// ```
    pub fn event_numbers(&self) -> Vec<u32> {
        self.events.iter().map(|e| e.id.number()).collect()
    }

    /// The binding on `endpoint` afterwards (the first, if the input had
    /// duplicates).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let p = plumb(&PlumbingInput::new(&parameters, &[], &[]));
    /// assert!(p.binding_for(&Endpoint::ipv4_wildcard(443)).is_none());
    /// ```
    pub fn binding_for(&self, endpoint: &Endpoint) -> Option<&SslBinding> {
        self.bindings.iter().find(|b| &b.endpoint == endpoint)
    }
}

/// Runs the service's plumbing ([behaviour §6](crate::behaviour)) — see the [module
/// documentation](self) for every rule. Pure and total: any input gives a
/// [`Plumbing`], never a panic.
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::event::EventId;
/// use sstp_cert::model::plumbing::{plumb, PlumbingInput};
/// use sstp_cert::model::registry::{RegistryValues, RegistryWrite, SstpParameters};
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let store = vec![StoreEntry::new(cert, KeyState::Linked, "vpn")];
///
/// // Admin mode pinned to a certificate that is not in the store: Event 25,
/// // and no fallback to the automatic choice.
/// let mut values = RegistryValues::new();
/// values.apply_all(&RegistryWrite::admin_pin(
///     &sstp_cert::model::thumbprint::Sha256Hash::of_der(b"gone"),
///     &sstp_cert::model::thumbprint::Sha1Thumbprint::of_der(b"gone"),
/// ));
/// let parameters = SstpParameters::from_values(&values);
/// let p = plumb(&PlumbingInput::new(&parameters, &store, &[]));
/// assert_eq!(p.event_numbers(), [25]);
/// assert!(p.changes.is_empty() && p.listener.is_none() && p.choice.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn plumb(input: &PlumbingInput<'_>) -> Plumbing {
    let parameters = input.parameters;
    let listener = parameters.listener();
    let port = listener.port;
    let mode = Mode::of(parameters);
    let mut w = Work {
        store: input.store,
        bindings: input.bindings.to_vec(),
        changes: Vec::new(),
        events: parameters.hash_events(),
        registry_writes: Vec::new(),
        choice: None,
    };
    let hash_problem = !w.events.is_empty();
    let up = match mode {
        Mode::Http if hash_problem => false,
        Mode::Http => {
            w.remove_sstp_on_port(https_port(parameters));
            true
        }
        Mode::Admin if hash_problem => false,
        Mode::Admin => {
            w.remove_gone(input.profile, port);
            w.admin(parameters, port)
        }
        Mode::Auto => {
            w.remove_gone(input.profile, port);
            w.auto(port)
        }
    };
    let bound = if up && mode != Mode::Http {
        match (
            w.hash_on(&Family::V4.endpoint(port)),
            w.hash_on(&Family::V6.endpoint(port)),
        ) {
            (Some(a), Some(b)) if a == b => Some(a),
            _ => None,
        }
    } else {
        None
    };
    Plumbing {
        mode,
        listener: up.then_some(listener),
        bindings: w.bindings,
        changes: w.changes,
        registry_writes: w.registry_writes,
        events: w.events,
        choice: w.choice,
        bound,
    }
}

/// The state plumbing works on.
struct Work<'a> {
    store: &'a [StoreEntry],
    bindings: Vec<SslBinding>,
    changes: Vec<BindingChange>,
    events: Vec<Event>,
    registry_writes: Vec<RegistryWrite>,
    choice: Option<Choice>,
}

/// How a bound endpoint relates to the certificate admin mode wants.
#[derive(Clone, Copy, PartialEq, Eq)]
enum AdminSlot {
    Unbound,
    Same,
    SstpOther,
    ForeignOther,
}

impl Work<'_> {
    fn get(&self, endpoint: &Endpoint) -> Option<&SslBinding> {
        self.bindings.iter().find(|b| &b.endpoint == endpoint)
    }

    fn hash_on(&self, endpoint: &Endpoint) -> Option<Sha1Thumbprint> {
        self.get(endpoint).and_then(|b| b.cert_hash)
    }

    fn event(&mut self, id: EventId, message: String) {
        self.events.push(Event::new(id, message));
    }

    fn delete(&mut self, endpoint: &Endpoint, reason: ChangeReason) {
        self.bindings.retain(|b| &b.endpoint != endpoint);
        self.changes.push(BindingChange::Delete {
            endpoint: endpoint.clone(),
            reason,
        });
    }

    /// Adds SSTP's binding for `sha1` on the family's endpoint, or logs
    /// Event 12/13 when HTTP.sys would refuse it. Returns whether it was
    /// added.
    fn add(
        &mut self,
        family: Family,
        port: u16,
        sha1: Sha1Thumbprint,
        reason: ChangeReason,
    ) -> bool {
        let binding = SslBinding::sstp(family.endpoint(port), sha1);
        match check_binding_certificate(self.store, &binding) {
            Ok(_) => {
                self.bindings.push(binding.clone());
                self.changes.push(BindingChange::Add {
                    binding: Box::new(binding),
                    reason,
                });
                true
            }
            Err(refusal) => {
                self.event(
                    family.configure_failed_event(),
                    format!(
                        "could not bind certificate {sha1} to {} ({family}): {refusal}",
                        family.endpoint(port)
                    ),
                );
                false
            }
        }
    }

    /// Whether two bound hashes name the same certificate: the same hash,
    /// or both in the store with the same issuer and serial number.
    fn same_certificate(&self, a: Option<Sha1Thumbprint>, b: Option<Sha1Thumbprint>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) if a == b => true,
            (Some(a), Some(b)) => match (find(self.store, &a), find(self.store, &b)) {
                (Some(x), Some(y)) => x.certificate.same_issuer_and_serial(&y.certificate),
                _ => false,
            },
            _ => false,
        }
    }

    /// Current-release profile: delete the bindings on the pair whose hash
    /// is not in the store, whatever their application id ([behaviour §6](crate::behaviour): the
    /// service reads both pairs' bindings regardless of owner).
    fn remove_gone(&mut self, profile: GoneCertificateProfile, port: u16) {
        if profile != GoneCertificateProfile::CurrentRelease {
            return;
        }
        for family in Family::BOTH {
            let endpoint = family.endpoint(port);
            let gone = self
                .get(&endpoint)
                .is_some_and(|b| b.cert_hash.is_none_or(|h| find(self.store, &h).is_none()));
            if gone {
                self.delete(&endpoint, ChangeReason::GoneCertificate);
            }
        }
    }

    /// `UseHttps` = 0: delete SSTP's bindings on `port`, the port the
    /// HTTPS listener used.
    fn remove_sstp_on_port(&mut self, port: u16) {
        let mut doomed: Vec<Endpoint> = Vec::new();
        for b in &self.bindings {
            if b.is_sstp() && b.endpoint.port() == port && !doomed.contains(&b.endpoint) {
                doomed.push(b.endpoint.clone());
            }
        }
        for endpoint in doomed {
            self.delete(&endpoint, ChangeReason::PlainHttp);
        }
    }

    fn admin(&mut self, parameters: &SstpParameters, port: u16) -> bool {
        let Some(wanted) = parameters.lookup_hash() else {
            // Unreachable: a missing or invalid lookup hash logs Event 18/19,
            // which ends plumbing before this step. Stay total anyway.
            return false;
        };
        let verdicts = choose(self.store, &ChoiceOptions::windows());
        let has_hash = |c: &Candidate| match wanted {
            CertHash::Sha1(h) => c.sha1() == h,
            CertHash::Sha256(h) => c.sha256() == h,
        };
        let Some(found) = verdicts
            .candidates
            .iter()
            .find(|c| c.eligible && has_hash(c))
        else {
            let detail = match verdicts.candidates.iter().find(|c| has_hash(c)) {
                Some(c) => format!(
                    "store entry {} has that hash but is not eligible ({})",
                    c.source,
                    c.reasons
                        .iter()
                        .map(|r| r.code())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => "no store entry has that hash".to_owned(),
            };
            self.event(
                EventId::ConfiguredCertificateMissing,
                format!(
                    "{} names certificate {wanted}, but {detail}; nothing is changed (admin mode does not fall back to the automatic choice)",
                    parameters.lookup_hash_name()
                ),
            );
            // behaviour §6 "nothing changes": the listener stays on what is bound.
            return self.pair_bound(port);
        };
        let Some(cert) = self.store.get(found.index).map(|e| e.certificate.clone()) else {
            return false;
        };
        let slots = Family::BOTH.map(|family| {
            let slot = match self.get(&family.endpoint(port)) {
                None => AdminSlot::Unbound,
                Some(b) if self.names_certificate(b.cert_hash, &cert) => AdminSlot::Same,
                Some(b) if b.is_sstp() => AdminSlot::SstpOther,
                Some(_) => AdminSlot::ForeignOther,
            };
            (family, slot)
        });
        let mut conflict = false;
        for (family, slot) in slots {
            if slot == AdminSlot::ForeignOther {
                conflict = true;
                let endpoint = family.endpoint(port);
                let (app, hash) = self
                    .get(&endpoint)
                    .map_or((None, None), |b| (b.app_id, b.cert_hash));
                self.event(
                    EventId::OtherApplicationBinding,
                    format!(
                        "{endpoint} ({family}) is bound by application {} to certificate {}, not to the configured certificate {}; nothing is changed",
                        app.map_or_else(|| "(none)".to_owned(), |a| a.to_string()),
                        hash.map_or_else(|| "(none)".to_owned(), |h| h.to_string()),
                        cert.sha1()
                    ),
                );
            }
        }
        if conflict {
            // behaviour §6 "nothing changes": the listener stays on what is bound.
            return self.pair_bound(port);
        }
        for (family, slot) in slots {
            match slot {
                AdminSlot::Unbound => {
                    self.add(family, port, cert.sha1(), ChangeReason::AdminBind);
                }
                AdminSlot::SstpOther => {
                    self.delete(&family.endpoint(port), ChangeReason::AdminRebind);
                    self.add(family, port, cert.sha1(), ChangeReason::AdminRebind);
                }
                AdminSlot::Same | AdminSlot::ForeignOther => {}
            }
        }
        self.pair_bound(port)
    }

    /// Whether a bound hash names `cert` (same hash, or a store entry with
    /// the same issuer and serial).
    fn names_certificate(&self, hash: Option<Sha1Thumbprint>, cert: &Certificate) -> bool {
        hash.is_some_and(|h| {
            h == cert.sha1()
                || find(self.store, &h).is_some_and(|e| e.certificate.same_issuer_and_serial(cert))
        })
    }

    fn pair_bound(&self, port: u16) -> bool {
        Family::BOTH
            .iter()
            .any(|f| self.get(&f.endpoint(port)).is_some())
    }

    fn auto(&mut self, port: u16) -> bool {
        let v4 = self.get(&Family::V4.endpoint(port)).cloned();
        let v6 = self.get(&Family::V6.endpoint(port)).cloned();
        let kept: Option<Sha1Thumbprint> = match (v4, v6) {
            (None, None) => {
                let choice = choose(self.store, &ChoiceOptions::windows());
                self.events.extend(choice.events.iter().cloned());
                let selected = choice.selected.as_ref().map(|s| s.sha1);
                self.choice = Some(choice);
                let Some(sha1) = selected else {
                    return false;
                };
                for family in Family::BOTH {
                    self.add(family, port, sha1, ChangeReason::AutomaticChoice);
                }
                Some(sha1)
            }
            (Some(b), None) | (None, Some(b)) => {
                let from = if b.endpoint == Family::V4.endpoint(port) {
                    Family::V4
                } else {
                    Family::V6
                };
                let to = from.other();
                match b.cert_hash {
                    Some(sha1) => {
                        self.add(to, port, sha1, ChangeReason::CopyToOtherFamily);
                    }
                    None => self.event(
                        to.configure_failed_event(),
                        format!(
                            "could not copy the {from} binding on {} to {}: it names no certificate",
                            b.endpoint,
                            to.endpoint(port)
                        ),
                    ),
                }
                b.cert_hash
            }
            (Some(a), Some(b)) => {
                if self.same_certificate(a.cert_hash, b.cert_hash) {
                    a.cert_hash
                } else {
                    match (a.is_sstp(), b.is_sstp()) {
                        (true, false) => self.other_wins(Family::V4, &b, port),
                        (false, true) => self.other_wins(Family::V6, &a, port),
                        (both_sstp, _) => {
                            let owner = if both_sstp {
                                "both by SSTP"
                            } else {
                                "both by other applications"
                            };
                            self.event(
                                EventId::BindingsDiffer,
                                format!(
                                    "{} is bound to certificate {} and {} to certificate {}, {owner}; nothing is changed",
                                    a.endpoint,
                                    show_hash(a.cert_hash),
                                    b.endpoint,
                                    show_hash(b.cert_hash)
                                ),
                            );
                            // behaviour §6 "nothing changes": both stay bound
                            // and the listener stays on them.
                            return self.pair_bound(port);
                        }
                    }
                }
            }
        };
        self.record(kept);
        self.pair_bound(port)
    }

    /// Automatic mode, families differ: SSTP's binding on `sstp_family` is
    /// replaced by the other application's certificate.
    fn other_wins(
        &mut self,
        sstp_family: Family,
        other: &SslBinding,
        port: u16,
    ) -> Option<Sha1Thumbprint> {
        self.delete(
            &sstp_family.endpoint(port),
            ChangeReason::OtherApplicationWins,
        );
        match other.cert_hash {
            Some(sha1) => {
                self.add(sstp_family, port, sha1, ChangeReason::OtherApplicationWins);
            }
            None => self.event(
                sstp_family.configure_failed_event(),
                format!(
                    "could not bind {} to the certificate of {}: that binding names no certificate",
                    sstp_family.endpoint(port),
                    other.endpoint
                ),
            ),
        }
        other.cert_hash
    }

    /// Automatic mode: record the kept certificate's hashes, or Event 21.
    fn record(&mut self, kept: Option<Sha1Thumbprint>) {
        match kept.and_then(|h| find(self.store, &h)) {
            Some(e) => {
                let cert = &e.certificate;
                self.registry_writes = RegistryWrite::automatic_mode_record(&cert.sha256(), &cert.sha1());
            }
            None => self.event(
                EventId::HashComputeFailed,
                format!(
                    "could not compute the SHA-256 of the bound certificate {}: it is not in the store; the registry hashes are not updated",
                    show_hash(kept)
                ),
            ),
        }
    }
}

/// The port the HTTPS listener uses with these parameters: `ListenerPort`,
/// or 443 when it is 0 — also when `UseHttps` is 0, where it is the **old**
/// port whose SSTP bindings the switch to plain HTTP removes ([behaviour §6](crate::behaviour): "SSTP's
/// own old bindings … on the old port, the one the HTTPS listener used, are
/// removed").
///
/// ```
/// use sstp_cert::model::plumbing::https_port;
/// use sstp_cert::model::registry::{RegValue, RegistryValues, SstpParameters};
/// let mut v = RegistryValues::new();
/// v.set("UseHttps", RegValue::Dword(0));
/// let p = SstpParameters::from_values(&v);
/// assert_eq!(p.listener().port, 80); // plain HTTP listens on 80 …
/// assert_eq!(https_port(&p), 443); // … and removes SSTP's bindings on 443
/// ```
pub fn https_port(parameters: &SstpParameters) -> u16 {
    match parameters.listener_port.value {
        0 => 443,
        port => port,
    }
}

fn show_hash(h: Option<Sha1Thumbprint>) -> String {
    h.map_or_else(|| "(none)".to_owned(), |h| h.to_string())
}
