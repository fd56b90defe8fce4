//! A simulated SSTP server: why "it works until the reboot" ([behaviour §7](crate::behaviour)).
//!
//! A [`Machine`] holds what an SSTP server holds — the certificate store
//! (`MY`), the `SstpSvc\Parameters` registry key, HTTP.sys's persisted SSL
//! bindings **and its live certificate contexts**, the service state and
//! an event log — and lets a program do to it what an administrator does:
//! import and delete certificates, `netsh http add/delete sslcert`, `reg
//! add/delete`, restart the service, reboot, and connect a client. It is
//! pure and deterministic: no I/O, no clock, no randomness.
//!
//! # Example: the wrong way to renew ([behaviour §0.2](crate::behaviour))
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::hostname::{Profile, ReferenceId};
//! use sstp_cert::model::plumbing::Family;
//! use sstp_cert::model::runtime::{ConnectFailure, Machine};
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! # let mk = |n: &str| Certificate::from_der(rcgen::generate_simple_self_signed(vec![n.into()]).unwrap().cert.der().to_vec()).unwrap();
//! let (old, new) = (mk("vpn.example.com"), mk("vpn.example.com"));
//! let host = ReferenceId::parse("vpn.example.com")?;
//!
//! let mut m = Machine::default();
//! m.import_certificate(StoreEntry::new(old.clone(), KeyState::Linked, "old"));
//! m.restart_service(); // binds `old` on both pairs, records its hashes
//! assert!(m.connect(&host, Profile::WindowsClient, Family::V4).is_connected());
//!
//! // the wrong way: delete the old certificate, import the new one, restart
//! m.delete_certificate(&old.sha1())?;
//! m.import_certificate(StoreEntry::new(new, KeyState::Linked, "new"));
//! m.restart_service();
//! // still works: HTTP.sys serves `old` from its live context
//! let c = m.connect(&host, Profile::WindowsClient, Family::V4);
//! assert_eq!(c.connection().unwrap().sha1, old.sha1());
//!
//! m.reboot();
//! let failed = m.connect(&host, Profile::WindowsClient, Family::V4);
//! assert!(matches!(failed.failure(), Some(ConnectFailure::CertificateMissing { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What the machine models
//!
//! | part | behaviour |
//! |---|---|
//! | store | a [`MemoryStore`] in insertion order; importing a certificate already there (same SHA-1) replaces its entry in place (e.g. to link a key) |
//! | registry | [`RegistryValues`] of the `Parameters` key; the service reads it when it starts — changes take effect at the next start |
//! | HTTP.sys bindings | persisted across reboots; `netsh_add` refuses an endpoint already bound (error 183) and a certificate that is not in `MY` or has no private key (error 1312); `netsh_delete` also drops the live context |
//! | live contexts | one per endpoint, created by the first handshake that loads the certificate from the store (or present as saved, [`Machine::from_state`]); kept across service restarts and store changes; cleared by a reboot or by deleting the binding. A [`LiveContext`] is the certificate, or — for a saved state's bound certificate no longer in the store — the certificate known only by its hash |
//! | service | [`Machine::start_service`] runs [`plumb`] on the current state, applies its binding changes and registry writes, logs its events, and sets the listener; [`Machine::reboot`] clears every live context, then starts the service |
//!
//! # A connection, step by step
//!
//! [`Machine::connect`] runs these checks in order; the first that fails is
//! the [`ConnectFailure`]:
//!
//! | # | check | failure |
//! |---|---|---|
//! | 1 | the service runs and has a listener | [`ServiceStopped`](ConnectFailure::ServiceStopped), [`NoListener`](ConnectFailure::NoListener) (with the events that explain it) |
//! | 2 | the listener is HTTPS (`UseHttps` = 0 puts TLS on a load balancer, which is not modelled) | [`PlainHttp`](ConnectFailure::PlainHttp) |
//! | 3 | the family's wildcard endpoint is bound | [`NoBinding`](ConnectFailure::NoBinding) |
//! | 4 | TLS: the live context (also one known only by its hash), else the certificate loaded by hash from `MY` (which creates the live context) | [`CertificateMissing`](ConnectFailure::CertificateMissing), [`NoPrivateKey`](ConnectFailure::NoPrivateKey) |
//! | 5 | validity at the machine's [clock](Machine::clock) — every client profile refuses a certificate that is expired or not yet valid ([behaviour §9](crate::behaviour)) | [`CertificateExpired`](ConnectFailure::CertificateExpired), [`CertificateNotYetValid`](ConnectFailure::CertificateNotYetValid) (Windows: `CERT_E_EXPIRED` 0x800B0101 for both) |
//! | 6 | the client's host-name check ([`Profile::check`]) | [`HostNameMismatch`](ConnectFailure::HostNameMismatch) (Windows: `CERT_E_CN_NO_MATCH`) |
//! | 7 | the client's EKU check — on the certificate's EKU **extension**; the client never sees the store's EKU property | [`EkuRefused`](ConnectFailure::EkuRefused) (client Event 16 for the Windows client) |
//! | 8 | crypto binding ([behaviour §10](crate::behaviour)): the client hashes the certificate it received with the protocol it prefers from the server's bitmask (SHA-256 over SHA-1) into a real Call Connected message; the server verifies it with [`ServerBinding::verify`] against the hashes it read at start | [`CryptoBindingFailed`](ConnectFailure::CryptoBindingFailed) (client Event 6, with the served and the configured hashes; server Event 18/19 when the hash it needs is missing or invalid) |
//!
//! Steps 5 to 7 look at the certificate, and step 8 at its hash: through a
//! live context known only by its hash they cannot all be made, and the
//! [`Connection`] lists those not made ([`Connection::not_checked`]) — see
//! "A certificate known only by its hash" below.
//!
//! [`ConnectFailure::step`] names the step that failed and
//! [`ConnectFailure::client_error`] the error the client shows. Chain trust
//! (`CERT_E_UNTRUSTEDROOT`, [behaviour §9](crate::behaviour)) is not modelled: the machine has no
//! client trust store, so a connection that passes these steps assumes the
//! client trusts the issuer.
//!
//! # Time
//!
//! The clock is a parameter: [`Machine::at`] and [`Machine::from_state`] set
//! it, [`Machine::set_clock`] moves it. A machine made with [`Machine::new`]
//! has no clock and checks no validity ([`Connection::checked_at`] is then
//! `None`); the model never reads the real clock.
//!
//! # A saved state ([behaviour §12](crate::behaviour))
//!
//! [`Machine::from_state`] starts from what an administrator saved
//! ([`MachineState`]) as it was when saved: when the bindings hold SSTP's
//! pair on the listener port the service is **running** with the parameters
//! of the saved key, and HTTP.sys holds the live contexts of the bound
//! certificates — also of one no longer in the store: the certificate
//! itself when it is given ([`SavedStart::in_memory`]), else known only by
//! its hash. That is how the trap of [behaviour §0.2](crate::behaviour) shows from real data:
//! connect works, reboot, connect fails. Whatever had to be assumed (an
//! input not given, a certificate HTTP.sys holds that the model does not
//! have) is listed by [`Machine::assumptions`].
//!
//! # A certificate known only by its hash
//!
//! On a real server saved after the wrong renewal, the old certificate is
//! gone from the store and its file usually too; the bindings still name
//! its SHA-1, and in automatic mode the key records its SHA-256 beside that
//! SHA-1. HTTP.sys still holds it ([behaviour §7](crate::behaviour): a handshake uses the live
//! context if there is one), so clients connect until the reboot (
//! [behaviour §12](crate::behaviour)). The model holds such a context as [`LiveContext::KnownByHash`]
//! and a connection through it is **connected, with the checks not made
//! listed** ([`Connection::not_checked`]), not failed:
//!
//! * The TLS step is known to succeed: HTTP.sys serves the context it
//!   holds, and the saved state shows a service running on it. Reporting a
//!   failure would claim what the real server does not do, and would hide
//!   the trap — it works now and fails after the reboot — that [behaviour §12](crate::behaviour)
//!   says a simulation from real data must show.
//! * Validity, name and EKU are the client's checks on a certificate the
//!   model cannot read: they are listed as not made
//!   ([`NotCheckedReason::KnownOnlyByHash`]), never reported as passed
//!   ([`Connection::verdict`] and [`Connection::checked_at`] are `None`).
//!   Giving the certificate ([`SavedStart::in_memory`]) makes them.
//! * Crypto binding ([behaviour §10](crate::behaviour)) is made when the hash the client sends is
//!   known: the SHA-1 always, the SHA-256 when the saved key records it
//!   beside that SHA-1 in automatic mode. A SHA-256 that is unknown is
//!   listed ([`NotCheckedReason::Sha256Unknown`], or
//!   [`NotCheckedReason::RegistryUnknown`] when the key was not given),
//!   except when the service has no hash to compare at all: that fails
//!   whatever the client sends (Event 18), and is reported as failed.
//!
//! A reboot, or deleting the binding, ends such a context like any other,
//! and the next connection fails with
//! [`CertificateMissing`](ConnectFailure::CertificateMissing).
//!
//! # Decisions where [behaviour §7](crate::behaviour) is silent
//!
//! * The service reads the registry **when it starts** (after its own
//!   plumbing writes); a `reg add` while it runs changes nothing until the
//!   next start, which is why the documented procedure ends with a restart.
//! * A reboot starts the service (RemoteAccess is set to start
//!   automatically on a configured server).
//! * `net stop` of a stopped service and `net start` of a running one are
//!   errors, as with `net.exe` (3521, 2182).
//! * Client events (6, 16) are Windows-client events: they are attached to
//!   failures of [`Profile::WindowsClient`] connections and logged; other
//!   clients fail the same way without a Windows event.
//! * Nonces and the HLAK are deterministic (a connection counter, a fixed
//!   key): the model checks which hash is compared, not cryptographic
//!   freshness.
//! * Only the wildcard pair is consulted: HTTP.sys would prefer a binding
//!   for a specific address or an SNI host name, which SSTP does not use.
//! * **Event 18 at connection time** ([behaviour §4](crate::behaviour), §8): when a client reaches
//!   crypto binding and the hash the service read for the protocol in use
//!   is missing or invalid — automatic mode after the hash was deleted and
//!   a start that did not write it (Events 11, 21, 24), or a saved key
//!   without it — the service logs Event 18 ("SSTP connections will not be
//!   accepted") and the connection fails. **Event 18 depends on
//!   `SHA256Enabled` as Event 19 depends on `SHA1Enabled`** at this point:
//!   [behaviour §10](crate::behaviour) has the server compare the hash of the protocol the client
//!   used, and [behaviour §4](crate::behaviour) marks `SHA1CertificateHash` "used only when SHA-1 is
//!   enabled"; a hash that is not compared cannot stop a connection. With
//!   `SHA256Enabled` = 0 and `SHA1Enabled` = 1 the client uses SHA-1, and
//!   a missing SHA-1 hash logs Event 19 instead. (At start in admin mode
//!   the SHA-256 hash also selects the certificate, [behaviour §4](crate::behaviour), so there Event
//!   18 does not depend on `SHA256Enabled`: see
//!   [`SstpParameters::hash_events`].)

use std::collections::BTreeMap;
use std::fmt;

use time::OffsetDateTime;

use super::certificate::Certificate;
use super::crypto_binding::{
    CallConnected, CryptoBindingError, HashProtocol, Hlak, ServerBinding, certificate_hash_field,
};
use super::event::{Event, EventId};
use super::hostname::{EkuVerdict, Profile, ProfileVerdict, ReferenceId};
use super::httpsys::{Endpoint, ShowStyle, SslBinding, render_show};
use super::plan::PlanStep;
use super::plumbing::{
    AddRefusal, BindingChange, GoneCertificateProfile, Plumbing, PlumbingInput,
    check_binding_certificate, plumb,
};
use super::registry::{
    Listener, RegValue, RegistryValues, RegistryWrite, Scheme, SstpParameters, names,
};
use super::state::{Assumption, MachineState, UnknownInput};
use super::store::{KeyState, MemoryStore, StoreEntry};
use super::thumbprint::{Sha1Thumbprint, Sha256Hash};
use crate::model::code::stable_codes;

/// The IP family a client connects over (re-exported from
/// [`plumbing`](crate::model::plumbing)).
pub use super::plumbing::Family;

/// Whether the SSTP service (SstpSvc with RemoteAccess) runs.
///
/// ```
/// use sstp_cert::model::runtime::{Machine, ServiceState};
/// let mut m = Machine::default();
/// assert_eq!(m.service_state(), ServiceState::Stopped);
/// m.restart_service();
/// assert_eq!(m.service_state(), ServiceState::Running);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ServiceState {
    /// Stopped: no listener.
    Stopped,
    /// Running; [`Machine::listener`] says whether it accepts connections.
    Running,
}

/// What [`Machine::import_certificate`] did.
///
/// ```
/// use sstp_cert::model::runtime::Imported;
/// assert_ne!(Imported::Added, Imported::Replaced);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Imported {
    /// A new entry, enumerated last.
    Added,
    /// An entry with the same SHA-1 was replaced in place (it keeps its
    /// position in store order).
    Replaced,
}

/// Why `netsh http add/delete sslcert` failed, with the Win32 error netsh
/// prints.
///
/// ```
/// use sstp_cert::model::httpsys::Endpoint;
/// use sstp_cert::model::runtime::NetshError;
/// let e = NetshError::AlreadyExists { endpoint: Endpoint::ipv4_wildcard(443) };
/// assert_eq!(e.win32_error(), 183);
/// assert!(e.to_string().contains("SSL Certificate add failed, Error: 183"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum NetshError {
    /// `add`: the endpoint is already bound.
    #[error(
        "SSL Certificate add failed, Error: 183 Cannot create a file when that file already exists. ({endpoint} is already bound; delete that binding first)"
    )]
    AlreadyExists {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// `add`: no application id.
    #[error(
        "SSL Certificate add failed, Error: 87 The parameter is incorrect. (appid is required)"
    )]
    MissingAppId {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// `add`: HTTP.sys refuses the certificate.
    #[error("SSL Certificate add failed, Error: {}: {refusal}", refusal.win32_error())]
    Refused {
        /// The endpoint.
        endpoint: Endpoint,
        /// Why.
        refusal: AddRefusal,
    },
    /// `delete`: nothing is bound on the endpoint.
    #[error(
        "SSL Certificate deletion failed, Error: 2 The system cannot find the file specified. ({endpoint} is not bound)"
    )]
    NotFound {
        /// The endpoint.
        endpoint: Endpoint,
    },
}

impl NetshError {
    /// The Win32 error code netsh prints (183, 87, 1312, 2).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::runtime::NetshError;
    /// assert_eq!(NetshError::NotFound { endpoint: Endpoint::ipv6_wildcard(443) }.win32_error(), 2);
    /// ```
    pub const fn win32_error(&self) -> u32 {
        match self {
            NetshError::AlreadyExists { .. } => 183,
            NetshError::MissingAppId { .. } => 87,
            NetshError::Refused { refusal, .. } => refusal.win32_error(),
            NetshError::NotFound { .. } => 2,
        }
    }
}

/// Why an operation on the [`Machine`] failed, as the Windows tool would
/// report it.
///
/// ```
/// use sstp_cert::model::runtime::{Machine, MachineError};
/// let mut m = Machine::default();
/// assert!(matches!(m.reg_delete("SHA256CertificateHash"), Err(MachineError::RegistryValueNotFound { .. })));
/// assert!(matches!(m.stop_service(), Err(MachineError::ServiceNotStarted)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "kebab-case"))]
pub enum MachineError {
    /// `netsh http add/delete sslcert` failed.
    #[error(transparent)]
    Netsh(#[from] NetshError),
    /// `reg delete` of a value that does not exist.
    #[error("ERROR: The system was unable to find the specified registry key or value. ({name})")]
    RegistryValueNotFound {
        /// The value name.
        name: String,
    },
    /// `certutil -delstore MY` of a certificate that is not there.
    #[error(
        "CertUtil: -delstore command FAILED: 0x80092004 (-2146885628 CRYPT_E_NOT_FOUND) Cannot find object or property. ({sha1})"
    )]
    CertificateNotFound {
        /// The thumbprint.
        sha1: Sha1Thumbprint,
    },
    /// `net stop` of a stopped service.
    #[error(
        "The Secure Socket Tunneling Protocol Service service is not started. (NET HELPMSG 3521)"
    )]
    ServiceNotStarted,
    /// `net start` of a running service.
    #[error("The requested service has already been started. (NET HELPMSG 2182)")]
    ServiceAlreadyStarted,
}

/// A successful SSTP connection.
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::hostname::{Profile, ReferenceId};
/// use sstp_cert::model::plumbing::Family;
/// use sstp_cert::model::runtime::Machine;
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// let cert = Certificate::from_der(der)?;
/// let mut m = Machine::default();
/// m.import_certificate(StoreEntry::new(cert.clone(), KeyState::Linked, "vpn"));
/// m.restart_service();
/// let c = m.connect(&ReferenceId::parse("vpn.example.com")?, Profile::WindowsClient, Family::V6);
/// let conn = c.connection().unwrap();
/// assert_eq!(conn.sha256, Some(cert.sha256()));
/// assert!(!conn.from_live_context); // the first handshake loads it from the store
/// assert!(conn.all_checks_made());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Connection {
    /// The family connected over.
    pub family: Family,
    /// The endpoint that served it.
    pub endpoint: Endpoint,
    /// The served certificate's SHA-1.
    pub sha1: Sha1Thumbprint,
    /// The served certificate's SHA-256; `None` when HTTP.sys served a
    /// certificate the model knows only by its SHA-1 ([`LiveContext::KnownByHash`]
    /// without a recorded SHA-256).
    pub sha256: Option<Sha256Hash>,
    /// Whether HTTP.sys served it from its live context (`false`: loaded
    /// from the store by this handshake).
    pub from_live_context: bool,
    /// The crypto-binding hash protocol used.
    pub protocol: HashProtocol,
    /// The client's verdict on the certificate (with its warnings, e.g.
    /// that `sstpc` checks no name); `None` when the certificate is known
    /// only by its hash and the name and EKU checks were not made (see
    /// [`Connection::not_checked`]).
    pub verdict: Option<ProfileVerdict>,
    /// The time validity was checked at; `None` when validity was not
    /// checked: the machine has no clock ([`Machine::new`]), or the
    /// certificate is known only by its hash.
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339::option"))]
    pub checked_at: Option<OffsetDateTime>,
    /// The checks of the [module documentation](self)'s table the model
    /// could **not** make, each with why — empty when every check was made.
    /// A connection served from a live context known only by its hash
    /// lists validity, name and EKU, and crypto binding when the served
    /// SHA-256 is unknown (see [`LiveContext::KnownByHash`]).
    pub not_checked: Vec<CheckNotMade>,
}

impl Connection {
    /// Whether every check was made ([`Connection::not_checked`] is
    /// empty): `false` means "connected" rests on checks the model could
    /// not make.
    ///
    /// ```
    /// use sstp_cert::model::hostname::{Profile, ReferenceId};
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::plumbing::Family;
    /// use sstp_cert::model::registry::{RegistryValues, RegistryWrite};
    /// use sstp_cert::model::runtime::{ConnectStep, Machine};
    /// use sstp_cert::model::state::MachineState;
    /// use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
    /// // a saved state whose bound certificate is gone from the store; the
    /// // key records its hashes (automatic mode)
    /// let (sha1, sha256) = (Sha1Thumbprint::from_bytes([9; 20]), Sha256Hash::from_bytes([8; 32]));
    /// let mut registry = RegistryValues::new();
    /// registry.apply_all(&RegistryWrite::automatic_mode_record(&sha256, &sha1));
    /// let state = MachineState::new(Vec::new())
    ///     .with_bindings([Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
    ///         .map(|e| SslBinding::sstp(e, sha1)).to_vec())
    ///     .with_registry(registry);
    /// let at = time::macros::datetime!(2026-12-04 12:00 UTC);
    /// let mut m = Machine::from_state(&state, Default::default(), at);
    /// let host = ReferenceId::parse("vpn.example.com")?;
    /// let out = m.connect(&host, Profile::WindowsClient, Family::V4);
    /// let c = out.connection().expect("served from HTTP.sys's memory");
    /// assert!(!c.all_checks_made());
    /// let steps: Vec<_> = c.not_checked.iter().map(|n| n.step).collect();
    /// assert_eq!(steps, [ConnectStep::Validity, ConnectStep::Name, ConnectStep::Eku]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn all_checks_made(&self) -> bool {
        self.not_checked.is_empty()
    }
}

stable_codes! {
    [display, from_str]
    /// Why a check of a connection could not be made. Serialises as its
    /// kebab-case [`code`](NotCheckedReason::code).
    ///
    /// ```
    /// use sstp_cert::model::runtime::NotCheckedReason;
    /// assert_eq!(NotCheckedReason::KnownOnlyByHash.code(), "known-only-by-hash");
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::runtime::NotCheckedReason;
    /// assert_eq!(NotCheckedReason::Sha256Unknown.code(), "sha256-unknown");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum NotCheckedReason("not-checked reason") {
        /// The served certificate is not in the saved store and was not given:
        /// only its hash is known, so nothing in it (validity, names, EKU) can
        /// be looked at.
        KnownOnlyByHash => "known-only-by-hash",
        /// The served certificate's SHA-256 is unknown (the saved registry does
        /// not record it beside its SHA-1 in automatic mode), so the hash the
        /// client sends in crypto binding cannot be compared with the
        /// service's.
        Sha256Unknown => "sha256-unknown",
        /// The `SstpSvc\Parameters` key was not given, and the served
        /// certificate's SHA-256 is unknown: neither side of the crypto-binding
        /// comparison is known.
        RegistryUnknown => "registry-unknown",
    }
}

/// A check of a connection the model could not make, and why
/// ([`Connection::not_checked`]).
///
/// ```
/// use sstp_cert::model::runtime::{CheckNotMade, ConnectStep, NotCheckedReason};
/// let c = CheckNotMade {
///     step: ConnectStep::Validity,
///     reason: NotCheckedReason::KnownOnlyByHash,
///     why: "the certificate is not in the saved store: only its hash is known".into(),
/// };
/// # #[cfg(feature = "serde")]
/// assert_eq!(serde_json::to_value(&c)?["reason"], "known-only-by-hash");
/// assert_eq!(c.to_string(), "validity not checked: the certificate is not in the saved store: only its hash is known");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CheckNotMade {
    /// The check not made: `validity`, `name`, `eku` or `crypto-binding`.
    pub step: ConnectStep,
    /// Why, as a stable code.
    pub reason: NotCheckedReason,
    /// Why, for people.
    pub why: String,
}

impl fmt::Display for CheckNotMade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} not checked: {}", self.step, self.why)
    }
}

/// What HTTP.sys holds in memory for an endpoint: its live certificate
/// context ([behaviour §7](crate::behaviour)).
///
/// Usually the model has the certificate itself — loaded from the store by
/// a handshake, or given with [`SavedStart::in_memory`]. A saved state
/// ([behaviour §12](crate::behaviour)) can also show a service running on a binding whose
/// certificate is no longer in the store and was not given: the real
/// HTTP.sys still holds it (it was loaded before the state was saved), but
/// the model knows it **only by its hash** — the SHA-1 from the binding,
/// and the SHA-256 when the saved registry records it beside that SHA-1
/// (see [`Machine::from_state_with`]). A handshake through such a context
/// succeeds; the client's checks on the certificate cannot be made, and
/// [`Connection::not_checked`] lists them.
///
/// ```
/// use sstp_cert::model::runtime::LiveContext;
/// use sstp_cert::model::thumbprint::Sha1Thumbprint;
/// let t = Sha1Thumbprint::from_bytes([7; 20]);
/// let held = LiveContext::KnownByHash { sha1: t, sha256: None };
/// assert_eq!(held.sha1(), t);
/// assert!(held.certificate().is_none() && held.sha256().is_none());
/// assert!(held.is_known_by_hash());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LiveContext {
    /// The certificate itself.
    Certificate(Certificate),
    /// A certificate the model does not have, known by its hashes.
    KnownByHash {
        /// Its SHA-1, from the binding.
        sha1: Sha1Thumbprint,
        /// Its SHA-256, when the saved registry records it; else unknown.
        sha256: Option<Sha256Hash>,
    },
}

impl LiveContext {
    /// The held certificate's SHA-1.
    ///
    /// ```
    /// use sstp_cert::model::runtime::LiveContext;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let t = Sha1Thumbprint::from_bytes([1; 20]);
    /// assert_eq!(LiveContext::KnownByHash { sha1: t, sha256: None }.sha1(), t);
    /// ```
    pub fn sha1(&self) -> Sha1Thumbprint {
        match self {
            LiveContext::Certificate(c) => c.sha1(),
            LiveContext::KnownByHash { sha1, .. } => *sha1,
        }
    }

    /// The held certificate's SHA-256, when known.
    ///
    /// ```
    /// use sstp_cert::model::runtime::LiveContext;
    /// use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
    /// let h = Sha256Hash::from_bytes([2; 32]);
    /// let held = LiveContext::KnownByHash { sha1: Sha1Thumbprint::from_bytes([1; 20]), sha256: Some(h) };
    /// assert_eq!(held.sha256(), Some(h));
    /// ```
    pub fn sha256(&self) -> Option<Sha256Hash> {
        match self {
            LiveContext::Certificate(c) => Some(c.sha256()),
            LiveContext::KnownByHash { sha256, .. } => *sha256,
        }
    }

    /// The certificate, when the model has it.
    ///
    /// ```
    /// use sstp_cert::model::runtime::LiveContext;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let held = LiveContext::KnownByHash { sha1: Sha1Thumbprint::from_bytes([1; 20]), sha256: None };
    /// assert!(held.certificate().is_none());
    /// ```
    pub fn certificate(&self) -> Option<&Certificate> {
        match self {
            LiveContext::Certificate(c) => Some(c),
            LiveContext::KnownByHash { .. } => None,
        }
    }

    /// Whether the model knows the certificate only by its hash.
    ///
    /// ```
    /// use sstp_cert::model::runtime::LiveContext;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let held = LiveContext::KnownByHash { sha1: Sha1Thumbprint::from_bytes([1; 20]), sha256: None };
    /// assert!(held.is_known_by_hash());
    /// ```
    pub fn is_known_by_hash(&self) -> bool {
        matches!(self, LiveContext::KnownByHash { .. })
    }

    /// The crypto-binding certificate hash field for `protocol` ([behaviour §10](crate::behaviour)),
    /// when the hash is known.
    fn hash_field(&self, protocol: HashProtocol) -> Option<[u8; 32]> {
        match (self, protocol) {
            (LiveContext::Certificate(c), _) => Some(certificate_hash_field(c.der(), protocol)),
            (LiveContext::KnownByHash { sha1, .. }, HashProtocol::Sha1) => {
                let mut field = [0u8; 32];
                field[..Sha1Thumbprint::LEN].copy_from_slice(sha1.as_bytes());
                Some(field)
            }
            (LiveContext::KnownByHash { sha256, .. }, HashProtocol::Sha256) => {
                sha256.map(|h| *h.as_bytes())
            }
        }
    }
}

/// Why a connection failed — the first check of the [module
/// documentation](self)'s table that failed.
///
/// ```
/// use sstp_cert::model::hostname::{Profile, ReferenceId};
/// use sstp_cert::model::plumbing::Family;
/// use sstp_cert::model::runtime::{ConnectFailure, Machine};
/// let mut m = Machine::default();
/// let host = ReferenceId::parse("vpn.example.com")?;
/// let out = m.connect(&host, Profile::WindowsClient, Family::V4);
/// assert_eq!(out.failure(), Some(&ConnectFailure::ServiceStopped));
/// assert_eq!(out.failure().unwrap().code(), "service-stopped");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "failure", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ConnectFailure {
    /// The service is stopped.
    #[error("the SSTP service is stopped")]
    ServiceStopped,
    /// The service runs but set up no listener.
    #[error("the SSTP service has no listener: {}", summarise(events))]
    NoListener {
        /// The events of the last start that explain why.
        events: Vec<Event>,
    },
    /// `UseHttps` = 0: the machine speaks plain HTTP; TLS is the load
    /// balancer's.
    #[error(
        "the listener is plain HTTP on port {port} (UseHttps = 0); TLS ends at the load balancer, which the model does not include"
    )]
    PlainHttp {
        /// The listener port.
        port: u16,
    },
    /// Nothing is bound on the family's wildcard endpoint: the TLS
    /// handshake fails.
    #[error("no SSL binding on {endpoint}: the TLS handshake fails")]
    NoBinding {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// No live context, and the bound hash is not in the store (or the
    /// binding names none): the TLS handshake fails.
    #[error(
        "the binding on {endpoint} names certificate {}, which is not in LocalMachine\\MY and not in HTTP.sys's memory: the TLS handshake fails",
        cert_hash.map_or_else(|| "(none)".to_owned(), |h| h.to_string())
    )]
    CertificateMissing {
        /// The endpoint.
        endpoint: Endpoint,
        /// The bound hash.
        cert_hash: Option<Sha1Thumbprint>,
    },
    /// The bound certificate is in the store without a usable private key:
    /// the TLS handshake fails.
    #[error(
        "certificate {cert_hash} bound on {endpoint} has no private key (key {key}): the TLS handshake fails"
    )]
    NoPrivateKey {
        /// The endpoint.
        endpoint: Endpoint,
        /// The bound hash.
        cert_hash: Sha1Thumbprint,
        /// The entry's key state.
        key: KeyState,
    },
    /// The served certificate expired before the time of the connection:
    /// every client profile refuses it ([behaviour §9](crate::behaviour)), though the service bound
    /// it.
    #[error(
        "{} refuses certificate {sha1}: it expired on {} (the connection is at {}) — {}",
        profile.title(),
        rfc3339(not_after),
        rfc3339(at),
        expired_error(*profile, true)
    )]
    CertificateExpired {
        /// The client profile.
        profile: Profile,
        /// The served certificate.
        sha1: Sha1Thumbprint,
        /// Its notAfter.
        #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
        not_after: OffsetDateTime,
        /// The time of the connection.
        #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
        at: OffsetDateTime,
    },
    /// The served certificate is not valid yet at the time of the
    /// connection: every client profile refuses it ([behaviour §9](crate::behaviour)).
    #[error(
        "{} refuses certificate {sha1}: it is not valid before {} (the connection is at {}) — {}",
        profile.title(),
        rfc3339(not_before),
        rfc3339(at),
        expired_error(*profile, false)
    )]
    CertificateNotYetValid {
        /// The client profile.
        profile: Profile,
        /// The served certificate.
        sha1: Sha1Thumbprint,
        /// Its notBefore.
        #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
        not_before: OffsetDateTime,
        /// The time of the connection.
        #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
        at: OffsetDateTime,
    },
    /// The client does not accept the certificate for the host name.
    #[error(
        "{} does not accept certificate {sha1} for {host}: {}",
        profile.title(),
        verdict.consequence.as_deref().unwrap_or("name mismatch")
    )]
    HostNameMismatch {
        /// The client profile.
        profile: Profile,
        /// The name dialled.
        host: String,
        /// The served certificate.
        sha1: Sha1Thumbprint,
        /// The client's verdict.
        verdict: Box<ProfileVerdict>,
    },
    /// The client refuses the certificate's EKU extension.
    #[error("{} refuses certificate {sha1}: {}", profile.title(), eku.explanation)]
    EkuRefused {
        /// The client profile.
        profile: Profile,
        /// The served certificate.
        sha1: Sha1Thumbprint,
        /// The client's EKU verdict.
        eku: EkuVerdict,
        /// Client Event 16 (Windows client only).
        client_event: Option<Event>,
    },
    /// Crypto binding failed: the server's configured hash is not the
    /// served certificate's (or cannot be compared).
    #[error("crypto binding failed: {error}")]
    CryptoBindingFailed {
        /// The served certificate's SHA-256; `None` when HTTP.sys served a
        /// certificate known only by its SHA-1 (the failure then does not
        /// depend on it: the service has no hash to compare).
        served_sha256: Option<Sha256Hash>,
        /// The served certificate's SHA-1.
        served_sha1: Sha1Thumbprint,
        /// `SHA256CertificateHash` as the service read it, if valid.
        configured_sha256: Option<Sha256Hash>,
        /// `SHA1CertificateHash` as the service read it, if valid.
        configured_sha1: Option<Sha1Thumbprint>,
        /// What the server's check said.
        error: CryptoBindingError,
        /// Client Event 6 (Windows client only).
        client_event: Option<Event>,
        /// Server Event 18 (or 19) when the hash the service needs for the
        /// protocol in use is missing or invalid: SSTP connections will not
        /// be accepted.
        server_event: Option<Event>,
    },
}

stable_codes! {
    [display, from_str]
    /// The step of a connection that failed (the rows of the [module
    /// documentation](self)'s table). Serialises as its kebab-case
    /// [`code`](ConnectStep::code).
    ///
    /// ```
    /// use sstp_cert::model::runtime::{ConnectFailure, ConnectStep};
    /// assert_eq!(ConnectFailure::ServiceStopped.step(), ConnectStep::Service);
    /// assert_eq!(ConnectStep::CryptoBinding.code(), "crypto-binding");
    /// ```
    ///
    /// ```
    /// use sstp_cert::model::runtime::ConnectStep;
    /// assert_eq!(ConnectStep::Validity.code(), "validity");
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum ConnectStep("connection step") {
        /// The service and its listener.
        Service => "service",
        /// The TLS handshake: a bound certificate HTTP.sys can serve.
        Tls => "tls",
        /// The certificate's validity period at the time of the connection.
        Validity => "validity",
        /// The client's host-name check.
        Name => "name",
        /// The client's EKU check.
        Eku => "eku",
        /// SSTP crypto binding.
        CryptoBinding => "crypto-binding",
    }
}

fn rfc3339(t: &OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// The error each client shows for a certificate outside its validity
/// period. Windows' chain policy reports both directions as
/// `CERT_E_EXPIRED` 0x800B0101, "a required certificate is not within its
/// validity period" ([behaviour §9](crate::behaviour); Microsoft's `CERT_CHAIN_POLICY_STATUS`
/// documentation): the chain's `CERT_TRUST_IS_NOT_TIME_VALID` status is set
/// before notBefore and after notAfter alike, and no separate "not yet
/// valid" error exists (`CERT_E_VALIDITYPERIODNESTING` 0x800B0102 is about
/// an issuer's period, not the time). OpenSSL (under `sstpc`) and rustls
/// (RFC 9525 clients) tell the two apart.
const fn expired_error(profile: Profile, expired: bool) -> &'static str {
    match (profile, expired) {
        (Profile::WindowsClient, _) => "CERT_E_EXPIRED (0x800B0101)",
        (Profile::SstpcLinux, true) => "X509_V_ERR_CERT_HAS_EXPIRED (certificate has expired)",
        (Profile::SstpcLinux, false) => {
            "X509_V_ERR_CERT_NOT_YET_VALID (certificate is not yet valid)"
        }
        (Profile::Rfc9525, true) => "certificate expired",
        (Profile::Rfc9525, false) => "certificate not valid yet",
    }
}

fn summarise(events: &[Event]) -> String {
    if events.is_empty() {
        return "no event explains it".to_owned();
    }
    events
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl ConnectFailure {
    /// A stable kebab-case code (the serde tag).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::runtime::ConnectFailure;
    /// assert_eq!(ConnectFailure::NoBinding { endpoint: Endpoint::ipv4_wildcard(443) }.code(), "no-binding");
    /// ```
    pub const fn code(&self) -> &'static str {
        match self {
            ConnectFailure::ServiceStopped => "service-stopped",
            ConnectFailure::NoListener { .. } => "no-listener",
            ConnectFailure::PlainHttp { .. } => "plain-http",
            ConnectFailure::NoBinding { .. } => "no-binding",
            ConnectFailure::CertificateMissing { .. } => "certificate-missing",
            ConnectFailure::NoPrivateKey { .. } => "no-private-key",
            ConnectFailure::CertificateExpired { .. } => "certificate-expired",
            ConnectFailure::CertificateNotYetValid { .. } => "certificate-not-yet-valid",
            ConnectFailure::HostNameMismatch { .. } => "host-name-mismatch",
            ConnectFailure::EkuRefused { .. } => "eku-refused",
            ConnectFailure::CryptoBindingFailed { .. } => "crypto-binding-failed",
        }
    }

    /// The step that failed.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::runtime::{ConnectFailure, ConnectStep};
    /// let f = ConnectFailure::CertificateMissing { endpoint: Endpoint::ipv4_wildcard(443), cert_hash: None };
    /// assert_eq!(f.step(), ConnectStep::Tls);
    /// ```
    pub const fn step(&self) -> ConnectStep {
        match self {
            ConnectFailure::ServiceStopped
            | ConnectFailure::NoListener { .. }
            | ConnectFailure::PlainHttp { .. } => ConnectStep::Service,
            ConnectFailure::NoBinding { .. }
            | ConnectFailure::CertificateMissing { .. }
            | ConnectFailure::NoPrivateKey { .. } => ConnectStep::Tls,
            ConnectFailure::CertificateExpired { .. }
            | ConnectFailure::CertificateNotYetValid { .. } => ConnectStep::Validity,
            ConnectFailure::HostNameMismatch { .. } => ConnectStep::Name,
            ConnectFailure::EkuRefused { .. } => ConnectStep::Eku,
            ConnectFailure::CryptoBindingFailed { .. } => ConnectStep::CryptoBinding,
        }
    }

    /// The certificate error the client shows, where the model knows it:
    /// `CERT_E_EXPIRED (0x800B0101)` for an expired or not yet valid
    /// certificate on Windows, `CERT_E_CN_NO_MATCH (0x800B010F)` for a name
    /// mismatch, `CERT_E_WRONG_USAGE (0x800B0110)` for a refused EKU; the
    /// OpenSSL or rustls error for the other profiles. `None` for failures
    /// before the certificate is seen (the handshake just fails) and for
    /// crypto binding (see the client event instead).
    ///
    /// ```
    /// use sstp_cert::model::hostname::Profile;
    /// use sstp_cert::model::runtime::ConnectFailure;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let t = time::macros::datetime!(2026-12-04 12:00 UTC);
    /// let f = ConnectFailure::CertificateExpired {
    ///     profile: Profile::WindowsClient,
    ///     sha1: Sha1Thumbprint::from_bytes([5; 20]),
    ///     not_after: time::macros::datetime!(2020-01-01 0:00 UTC),
    ///     at: t,
    /// };
    /// assert_eq!(f.client_error(), Some("CERT_E_EXPIRED (0x800B0101)"));
    /// assert!(f.to_string().contains("expired on 2020-01-01T00:00:00Z"));
    /// ```
    pub const fn client_error(&self) -> Option<&'static str> {
        match self {
            ConnectFailure::CertificateExpired { profile, .. } => {
                Some(expired_error(*profile, true))
            }
            ConnectFailure::CertificateNotYetValid { profile, .. } => {
                Some(expired_error(*profile, false))
            }
            ConnectFailure::HostNameMismatch { profile, .. } => match profile {
                Profile::WindowsClient => Some("CERT_E_CN_NO_MATCH (0x800B010F)"),
                Profile::Rfc9525 => Some("certificate not valid for name"),
                Profile::SstpcLinux => None,
            },
            ConnectFailure::EkuRefused { profile, .. } => match profile {
                Profile::WindowsClient => Some("CERT_E_WRONG_USAGE (0x800B0110)"),
                Profile::Rfc9525 => Some("certificate not valid for this purpose"),
                Profile::SstpcLinux => {
                    Some("X509_V_ERR_INVALID_PURPOSE (unsupported certificate purpose)")
                }
            },
            _ => None,
        }
    }
}

/// What [`Machine::connect`] gives: a [`Connection`] or a
/// [`ConnectFailure`]. Serialises with an `outcome` tag
/// (`"connected"` / `"failed"`).
///
/// ```
/// use sstp_cert::model::hostname::{Profile, ReferenceId};
/// use sstp_cert::model::plumbing::Family;
/// use sstp_cert::model::runtime::Machine;
/// let out = Machine::default().connect(&ReferenceId::parse("vpn.example.com")?, Profile::Rfc9525, Family::V4);
/// assert!(!out.is_connected());
/// assert!(out.clone().into_result().is_err());
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_value(&out)?["outcome"], "failed");
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "outcome", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum ConnectOutcome {
    /// The client is connected.
    Connected(Box<Connection>),
    /// The connection failed.
    Failed(Box<ConnectFailure>),
}

impl ConnectOutcome {
    /// Whether the client connected.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{ConnectFailure, ConnectOutcome};
    /// assert!(!ConnectOutcome::Failed(Box::new(ConnectFailure::ServiceStopped)).is_connected());
    /// ```
    pub fn is_connected(&self) -> bool {
        matches!(self, ConnectOutcome::Connected(_))
    }

    /// The connection, when connected.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{ConnectFailure, ConnectOutcome};
    /// assert!(ConnectOutcome::Failed(Box::new(ConnectFailure::ServiceStopped)).connection().is_none());
    /// ```
    pub fn connection(&self) -> Option<&Connection> {
        match self {
            ConnectOutcome::Connected(c) => Some(c),
            ConnectOutcome::Failed(_) => None,
        }
    }

    /// The failure, when it failed.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{ConnectFailure, ConnectOutcome};
    /// let out = ConnectOutcome::Failed(Box::new(ConnectFailure::ServiceStopped));
    /// assert_eq!(out.failure(), Some(&ConnectFailure::ServiceStopped));
    /// ```
    pub fn failure(&self) -> Option<&ConnectFailure> {
        match self {
            ConnectOutcome::Connected(_) => None,
            ConnectOutcome::Failed(f) => Some(f),
        }
    }

    /// As a `Result`.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{ConnectFailure, ConnectOutcome};
    /// let out = ConnectOutcome::Failed(Box::new(ConnectFailure::ServiceStopped));
    /// assert_eq!(*out.into_result().unwrap_err(), ConnectFailure::ServiceStopped);
    /// ```
    ///
    /// # Errors
    ///
    /// The [`ConnectFailure`] when the connection failed.
    pub fn into_result(self) -> Result<Box<Connection>, Box<ConnectFailure>> {
        match self {
            ConnectOutcome::Connected(c) => Ok(c),
            ConnectOutcome::Failed(f) => Err(f),
        }
    }
}

/// The HLAK both ends derive from PPP authentication; fixed, because the
/// model checks which certificate hash is compared, not key freshness.
const MODEL_HLAK: [u8; 32] = [0x48; 32];

/// A simulated SSTP server — see the [module documentation](self).
///
/// ```
/// use sstp_cert::model::plumbing::GoneCertificateProfile;
/// use sstp_cert::model::runtime::Machine;
/// let m = Machine::new(GoneCertificateProfile::CurrentRelease);
/// assert_eq!(m.profile(), GoneCertificateProfile::CurrentRelease);
/// assert!(m.bindings().is_empty() && m.events().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Machine {
    store: MemoryStore,
    registry: RegistryValues,
    bindings: Vec<SslBinding>,
    live: BTreeMap<Endpoint, LiveContext>,
    /// Set when the saved key was not given and the running service's pair
    /// is held by the hash of this certificate, whose SHA-256 the model
    /// does not know: `SHA256CertificateHash` is taken to record it, value
    /// unknown. Cleared when anything writes or deletes that value.
    unknown_sha256_record: Option<Sha1Thumbprint>,
    /// The same, for the parameters in force: what the service read at its
    /// last start (crypto binding compares with these).
    unknown_sha256_in_force: Option<Sha1Thumbprint>,
    service: ServiceState,
    profile: GoneCertificateProfile,
    events: Vec<Event>,
    last_plumbing: Option<Plumbing>,
    in_force: Option<SstpParameters>,
    listener: Option<Listener>,
    clock: Option<OffsetDateTime>,
    assumptions: Vec<Assumption>,
    connections: u64,
}

/// How [`Machine::from_state_with`] starts a saved state.
///
/// ```
/// use sstp_cert::model::runtime::SavedStart;
/// let s = SavedStart::new().stopped(true);
/// assert!(s.is_stopped());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavedStart {
    stopped: bool,
    in_memory: Vec<Certificate>,
}

impl SavedStart {
    /// As saved: running when the bindings hold SSTP's pair.
    ///
    /// ```
    /// use sstp_cert::model::runtime::SavedStart;
    /// assert!(!SavedStart::new().is_stopped());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Starts with the service stopped and no live context (as after a
    /// reboot with the service disabled), whatever the bindings hold.
    ///
    /// ```
    /// use sstp_cert::model::runtime::SavedStart;
    /// assert!(SavedStart::new().stopped(true).is_stopped());
    /// ```
    pub fn stopped(mut self, stopped: bool) -> Self {
        self.stopped = stopped;
        self
    }

    /// Whether it starts stopped.
    ///
    /// ```
    /// use sstp_cert::model::runtime::SavedStart;
    /// assert!(!SavedStart::default().is_stopped());
    /// ```
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Certificates HTTP.sys may still hold in memory although they are no
    /// longer in the store (e.g. the old certificate an administrator
    /// deleted). A binding naming one of them gets its live context with
    /// the certificate itself, so a connection makes every client check;
    /// without it the context is known only by its hash
    /// ([`LiveContext::KnownByHash`]).
    ///
    /// ```
    /// use sstp_cert::model::runtime::SavedStart;
    /// assert!(SavedStart::new().in_memory(Vec::new()).in_memory_certificates().is_empty());
    /// ```
    pub fn in_memory(mut self, certificates: Vec<Certificate>) -> Self {
        self.in_memory = certificates;
        self
    }

    /// The certificates given with [`SavedStart::in_memory`].
    ///
    /// ```
    /// use sstp_cert::model::runtime::SavedStart;
    /// assert!(SavedStart::new().in_memory_certificates().is_empty());
    /// ```
    pub fn in_memory_certificates(&self) -> &[Certificate] {
        &self.in_memory
    }
}

impl Default for Machine {
    /// An empty machine with the default profile, service stopped.
    fn default() -> Self {
        Machine::new(GoneCertificateProfile::default())
    }
}

impl Machine {
    /// An empty machine (no certificates, empty `Parameters` key, no
    /// bindings), service stopped, with this behaviour profile.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::new(GoneCertificateProfile::Documented2008).store().entries().is_empty());
    /// ```
    pub fn new(profile: GoneCertificateProfile) -> Self {
        Machine {
            store: MemoryStore::new("LocalMachine\\MY"),
            registry: RegistryValues::new(),
            bindings: Vec::new(),
            live: BTreeMap::new(),
            unknown_sha256_record: None,
            unknown_sha256_in_force: None,
            service: ServiceState::Stopped,
            profile,
            events: Vec::new(),
            last_plumbing: None,
            in_force: None,
            listener: None,
            clock: None,
            assumptions: Vec::new(),
            connections: 0,
        }
    }

    /// The same machine with its clock set to `at`: connections check
    /// validity at that time.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let at = time::macros::datetime!(2026-12-04 12:00 UTC);
    /// assert_eq!(Machine::default().at(at).clock(), Some(at));
    /// assert_eq!(Machine::default().clock(), None);
    /// ```
    pub fn at(mut self, at: OffsetDateTime) -> Self {
        self.clock = Some(at);
        self
    }

    /// Sets the clock (time passes, or is turned back).
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.set_clock(time::macros::datetime!(2030-01-01 0:00 UTC));
    /// assert_eq!(m.clock().unwrap().year(), 2030);
    /// ```
    pub fn set_clock(&mut self, at: OffsetDateTime) {
        self.clock = Some(at);
    }

    /// The simulated time, if set.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::default().clock().is_none());
    /// ```
    pub fn clock(&self) -> Option<OffsetDateTime> {
        self.clock
    }

    /// What [`Machine::from_state`] had to assume, in order.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::default().assumptions().is_empty());
    /// ```
    pub fn assumptions(&self) -> &[Assumption] {
        &self.assumptions
    }

    /// A machine as it was when its state was saved ([behaviour §12](crate::behaviour)), at time
    /// `at` — see [`Machine::from_state_with`].
    ///
    /// ```
    /// use sstp_cert::model::certificate::Certificate;
    /// use sstp_cert::model::hostname::{Profile, ReferenceId};
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::plumbing::{Family, GoneCertificateProfile};
    /// use sstp_cert::model::registry::{RegistryValues, RegistryWrite};
    /// use sstp_cert::model::runtime::{Machine, ServiceState};
    /// use sstp_cert::model::state::MachineState;
    /// use sstp_cert::model::store::{KeyState, StoreEntry};
    /// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
    /// let cert = Certificate::from_der(der)?;
    /// let mut registry = RegistryValues::new();
    /// registry.apply_all(&RegistryWrite::automatic_mode_record(&cert.sha256(), &cert.sha1()));
    /// let state = MachineState::new(vec![StoreEntry::new(cert.clone(), KeyState::Linked, "vpn")])
    ///     .with_bindings([Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
    ///         .map(|e| SslBinding::sstp(e, cert.sha1())).to_vec())
    ///     .with_registry(registry);
    /// let at = time::macros::datetime!(2026-12-04 12:00 UTC);
    /// let mut m = Machine::from_state(&state, GoneCertificateProfile::default(), at);
    /// assert_eq!(m.service_state(), ServiceState::Running); // as saved
    /// assert!(m.assumptions().is_empty());
    /// let c = m.connect(&ReferenceId::parse("vpn.example.com")?, Profile::WindowsClient, Family::V4);
    /// assert!(c.connection().unwrap().from_live_context);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_state(
        state: &MachineState,
        profile: GoneCertificateProfile,
        at: OffsetDateTime,
    ) -> Self {
        Machine::from_state_with(state, profile, at, &SavedStart::new())
    }

    /// A machine as it was when its state was saved ([behaviour §12](crate::behaviour)), at time
    /// `at`, started as `start` says.
    ///
    /// * The store, the bindings and the registry key are taken as given,
    ///   even bindings `netsh` would refuse now.
    /// * When the bindings hold **SSTP's pair** (SSTP's application id on
    ///   both `0.0.0.0:<port>` and `[::]:<port>` of the listener port) and
    ///   `start` is not [stopped](SavedStart::stopped), the service is
    ///   running with the parameters of the key, and HTTP.sys holds a live
    ///   context for each of the two bindings ([behaviour §12](crate::behaviour)): the store's
    ///   certificate, or — when it is no longer in the store — the one
    ///   given with [`SavedStart::in_memory`], else the certificate known
    ///   only by its hash ([`LiveContext::KnownByHash`]): its SHA-1 from
    ///   the binding, and its SHA-256 when the saved key is in automatic
    ///   mode with `SHA1CertificateHash` equal to that SHA-1 and a valid
    ///   `SHA256CertificateHash` (the service writes both together,
    ///   [behaviour §6](crate::behaviour)). An [`Assumption`] `live-context-by-hash` says so, once per
    ///   certificate. A bound certificate that is in the store without a
    ///   private key, or a binding without a hash, gets no live context
    ///   (`no-live-context`): HTTP.sys cannot have served it.
    /// * Otherwise the service is stopped (an assumption says why, unless
    ///   `start` asked for it).
    /// * An input not given is unknown, not empty: unknown bindings are
    ///   taken as none (so the service starts stopped); an unknown key is
    ///   taken, for a running service whose pair names one certificate, as
    ///   the automatic-mode record of that certificate (what the service
    ///   writes when it binds, [behaviour §6](crate::behaviour)) — for one known only by its hash,
    ///   its `SHA1CertificateHash` and a `SHA256CertificateHash` whose value
    ///   is unknown, so crypto binding through it is not checked — else as
    ///   every value at its default. Each is listed in
    ///   [`Machine::assumptions`].
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::registry::RegistryValues;
    /// use sstp_cert::model::runtime::{Machine, SavedStart, ServiceState};
    /// use sstp_cert::model::state::MachineState;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let gone = Sha1Thumbprint::from_bytes([9; 20]);
    /// let state = MachineState::new(Vec::new())
    ///     .with_bindings([Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
    ///         .map(|e| SslBinding::sstp(e, gone)).to_vec())
    ///     .with_registry(RegistryValues::new());
    /// let at = time::macros::datetime!(2026-12-04 12:00 UTC);
    /// let m = Machine::from_state_with(&state, Default::default(), at, &SavedStart::new());
    /// assert_eq!(m.service_state(), ServiceState::Running);
    /// // the certificate is gone and was not given: HTTP.sys still holds it,
    /// // known only by its hash, and it is said
    /// assert_eq!(m.live_contexts(), [(Endpoint::ipv4_wildcard(443), gone), (Endpoint::ipv6_wildcard(443), gone)]);
    /// assert!(m.live_context(&Endpoint::ipv4_wildcard(443)).is_none());
    /// assert_eq!(m.assumptions()[0].code, "live-context-by-hash");
    /// let stopped = Machine::from_state_with(&state, Default::default(), at, &SavedStart::new().stopped(true));
    /// assert_eq!(stopped.service_state(), ServiceState::Stopped);
    /// ```
    pub fn from_state_with(
        state: &MachineState,
        profile: GoneCertificateProfile,
        at: OffsetDateTime,
        start: &SavedStart,
    ) -> Self {
        let mut m = Machine::new(profile).at(at);
        for e in &state.store {
            m.store.push(e.clone());
        }
        m.bindings = state.bindings_or_assumed().to_vec();
        m.registry = state.registry_or_assumed();
        if !state.knows(UnknownInput::Bindings) {
            m.assume(
                "bindings-unknown",
                "the HTTP.sys bindings were not given (--netsh): they are unknown, not absent; \
                 the simulation starts with none, so the service starts stopped"
                    .to_owned(),
            );
        }
        let listener = m.parameters().listener();
        let pair = Family::BOTH.map(|f| {
            m.binding_for(&f.endpoint(listener.port))
                .filter(|b| b.is_sstp())
                .cloned()
        });
        let running =
            !start.stopped && listener.scheme == Scheme::Https && pair.iter().all(Option::is_some);
        if !running {
            m.assume_stopped(state, start, &listener);
            return m;
        }
        // Running as saved: live contexts of the bound certificates.
        let known_by_hash = m.saved_live_contexts(state, start, &pair);
        m.assume_known_by_hash(state, known_by_hash);
        if !state.knows(UnknownInput::Registry) {
            m.assume_registry_record(&pair);
        }
        m.in_force = Some(m.parameters());
        m.listener = Some(listener);
        m.service = ServiceState::Running;
        m
    }

    /// A saved state whose service is not running (or taken not to be):
    /// what is assumed, and why.
    fn assume_stopped(&mut self, state: &MachineState, start: &SavedStart, listener: &Listener) {
        if !state.knows(UnknownInput::Registry) {
            self.assume(
                "registry-unknown",
                UnknownInput::Registry.assumption().to_owned(),
            );
        }
        if start.stopped {
            return;
        }
        let why = if listener.scheme == Scheme::Http {
            "UseHttps is 0, so no binding tells whether the service ran".to_owned()
        } else {
            format!(
                "the saved bindings hold no SSTP binding pair on {} and {}",
                Family::V4.endpoint(listener.port),
                Family::V6.endpoint(listener.port)
            )
        };
        self.assume(
            "service-stopped",
            format!(
                "{why}: the service is taken to be stopped (`net start remoteaccess` starts it)"
            ),
        );
    }

    /// The live context HTTP.sys holds for each binding of SSTP's pair as
    /// saved: the certificate from the store, else one given as still in
    /// memory, else — for a certificate gone from the store — its hashes
    /// only. Returns those known only by their hashes, with their
    /// endpoints.
    fn saved_live_contexts(
        &mut self,
        state: &MachineState,
        start: &SavedStart,
        pair: &[Option<SslBinding>; 2],
    ) -> Vec<KnownByHash> {
        let mut by_hash: Vec<KnownByHash> = Vec::new();
        for binding in pair.iter().flatten() {
            let hash = binding.cert_hash;
            let given = || {
                start
                    .in_memory
                    .iter()
                    .find(|c| Some(c.sha1()) == hash)
                    .cloned()
                    .map(LiveContext::Certificate)
            };
            let held = match check_binding_certificate(self.store.entries(), binding) {
                Ok(e) => Some(LiveContext::Certificate(e.certificate.clone())),
                Err(AddRefusal::CertificateNotInStore { sha1, .. }) => given().or_else(|| {
                    let sha256 = recorded_sha256(state.registry.as_ref(), &sha1);
                    match by_hash.iter_mut().find(|k| k.sha1 == sha1) {
                        Some(k) => k.endpoints.push(binding.endpoint.clone()),
                        None => by_hash.push(KnownByHash {
                            sha1,
                            sha256,
                            endpoints: vec![binding.endpoint.clone()],
                        }),
                    }
                    Some(LiveContext::KnownByHash { sha1, sha256 })
                }),
                Err(_) => given(),
            };
            match held {
                Some(held) => {
                    self.live.insert(binding.endpoint.clone(), held);
                }
                None => self.assume(
                    "no-live-context",
                    format!(
                        "the binding on {} names certificate {}, which is not in the store with a private key and was not given as a certificate HTTP.sys still holds in memory: \
                         the simulation starts without a live context for it (as after a reboot); give the certificate to model the machine before the reboot",
                        binding.endpoint,
                        hash.map_or_else(|| "(none)".to_owned(), |h| h.to_string())
                    ),
                ),
            }
        }
        by_hash
    }

    /// The assumption for each certificate HTTP.sys is taken to hold that
    /// the model knows only by its hashes.
    fn assume_known_by_hash(&mut self, state: &MachineState, known: Vec<KnownByHash>) {
        for KnownByHash {
            sha1,
            sha256,
            endpoints,
        } in known
        {
            let bindings = match endpoints.as_slice() {
                [one] => format!("the binding on {one} names"),
                many => format!(
                    "the bindings on {} name",
                    many.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            };
            let known = match (sha256, state.knows(UnknownInput::Registry)) {
                (Some(h), _) => format!(
                    "known here only by its hashes: the SHA-1 from the bindings, and the SHA-256 {h} that {} records beside it in automatic mode",
                    names::SHA256_CERTIFICATE_HASH
                ),
                (None, true) => format!(
                    "known here only by its SHA-1, from the bindings — {} does not record its SHA-256 beside {} = {sha1} in automatic mode, so crypto binding through it cannot be checked either",
                    names::SHA256_CERTIFICATE_HASH,
                    names::SHA1_CERTIFICATE_HASH
                ),
                (None, false) => "known here only by its SHA-1, from the bindings — the SstpSvc\\Parameters key was not given, so its SHA-256 is unknown and crypto binding through it cannot be checked either".to_owned(),
            };
            self.assume(
                "live-context-by-hash",
                format!(
                    "{bindings} certificate {sha1}, which is not in the store and was not given: HTTP.sys is taken to still hold it in memory, as when the state was saved, {known}; \
                     connections through it are served until a reboot, but their validity, name and EKU checks cannot be made without the certificate"
                ),
            );
        }
    }

    /// The registry not given, for a service running as saved: when both
    /// bindings hold one certificate, the service is taken to be in
    /// automatic mode with its hashes recorded (as it writes them when it
    /// binds); otherwise the registry stays unknown.
    fn assume_registry_record(&mut self, pair: &[Option<SslBinding>; 2]) {
        let held: Vec<Option<LiveContext>> = pair
            .iter()
            .flatten()
            .map(|b| self.live.get(&b.endpoint).cloned())
            .collect();
        let [Some(a), Some(b)] = held.as_slice() else {
            self.assume(
                "registry-unknown",
                UnknownInput::Registry.assumption().to_owned(),
            );
            return;
        };
        if a.sha1() != b.sha1() {
            self.assume(
                "registry-unknown",
                UnknownInput::Registry.assumption().to_owned(),
            );
            return;
        }
        match a.certificate() {
            Some(cert) => {
                self.registry
                    .apply_all(&RegistryWrite::automatic_mode_record(
                        &cert.sha256(),
                        &cert.sha1(),
                    ));
                self.assume(
                    "registry-assumed-record",
                    format!(
                        "the SstpSvc\\Parameters key was not given (--registry): it is unknown, not empty; the running service is taken to be in automatic mode with the hashes of the bound certificate {} recorded, as the service writes them when it binds",
                        cert.sha1()
                    ),
                );
            }
            None => {
                let sha1 = a.sha1();
                self.registry.apply_all(&[
                    RegistryWrite::set_sha1_hash(&sha1),
                    RegistryWrite::set_dword(names::IS_HASH_CONFIGURED_BY_ADMIN, 0),
                ]);
                self.unknown_sha256_record = Some(sha1);
                self.unknown_sha256_in_force = Some(sha1);
                self.assume(
                    "registry-assumed-record",
                    format!(
                        "the SstpSvc\\Parameters key was not given (--registry): it is unknown, not empty; the running service is taken to be in automatic mode with the hashes of the bound certificate {sha1} recorded, as the service writes them when it binds; \
                         the certificate is known only by its hash, so the value of {} is unknown and crypto binding through it cannot be checked",
                        names::SHA256_CERTIFICATE_HASH
                    ),
                );
            }
        }
    }

    fn assume(&mut self, code: &'static str, message: String) {
        let mut a = Assumption::new(code, message);
        a.input = match code {
            "bindings-unknown" => Some(UnknownInput::Bindings),
            "registry-unknown" | "registry-assumed-record" => Some(UnknownInput::Registry),
            _ => None,
        };
        self.assumptions.push(a);
    }

    /// A machine in a given state (e.g. read from a real server), service
    /// stopped, no live contexts. Bindings are taken as they are, even ones
    /// `netsh` would refuse now (their certificate may have gone since).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// use sstp_cert::model::registry::RegistryValues;
    /// use sstp_cert::model::runtime::Machine;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let gone = SslBinding::sstp(Endpoint::ipv4_wildcard(443), Sha1Thumbprint::from_bytes([9; 20]));
    /// let m = Machine::from_parts(GoneCertificateProfile::default(), [], RegistryValues::new(), vec![gone]);
    /// assert_eq!(m.bindings().len(), 1);
    /// ```
    pub fn from_parts(
        profile: GoneCertificateProfile,
        store: impl IntoIterator<Item = StoreEntry>,
        registry: RegistryValues,
        bindings: Vec<SslBinding>,
    ) -> Self {
        let mut m = Machine::new(profile);
        for e in store {
            m.store.push(e);
        }
        m.registry = registry;
        m.bindings = bindings;
        m
    }

    // -- accessors ---------------------------------------------------------

    /// The behaviour profile for bindings whose certificate is gone.
    ///
    /// ```
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// use sstp_cert::model::runtime::Machine;
    /// assert_eq!(Machine::default().profile(), GoneCertificateProfile::Documented2008);
    /// ```
    pub fn profile(&self) -> GoneCertificateProfile {
        self.profile
    }

    /// The store (`MY`).
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// assert_eq!(Machine::default().store().entries().len(), 0);
    /// ```
    pub fn store(&self) -> &MemoryStore {
        &self.store
    }

    /// The `Parameters` key as it is now.
    ///
    /// ```
    /// use sstp_cert::model::registry::RegValue;
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.reg_set("UseHttps", RegValue::Dword(1));
    /// assert_eq!(m.registry().get("usehttps"), Some(&RegValue::Dword(1)));
    /// ```
    pub fn registry(&self) -> &RegistryValues {
        &self.registry
    }

    /// The `Parameters` key as it is now, typed.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// assert_eq!(Machine::default().parameters().listener().port, 443);
    /// ```
    pub fn parameters(&self) -> SstpParameters {
        SstpParameters::from_values(&self.registry)
    }

    /// The parameters the running service read at its last start (after
    /// its own writes); `None` while stopped. Crypto binding compares with
    /// these.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// assert!(m.parameters_in_force().is_none());
    /// m.restart_service();
    /// assert!(m.parameters_in_force().is_some());
    /// ```
    pub fn parameters_in_force(&self) -> Option<&SstpParameters> {
        self.in_force.as_ref()
    }

    /// HTTP.sys's persisted bindings.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::default().bindings().is_empty());
    /// ```
    pub fn bindings(&self) -> &[SslBinding] {
        &self.bindings
    }

    /// The binding on `endpoint`, if any.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::default().binding_for(&Endpoint::ipv4_wildcard(443)).is_none());
    /// ```
    pub fn binding_for(&self, endpoint: &Endpoint) -> Option<&SslBinding> {
        self.bindings.iter().find(|b| &b.endpoint == endpoint)
    }

    /// The certificate HTTP.sys holds in memory for `endpoint`, if any and
    /// if the model has it: a context known only by its hash is not a
    /// certificate — see [`Machine::live_context_held`] for both forms.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::default().live_context(&Endpoint::ipv6_wildcard(443)).is_none());
    /// ```
    pub fn live_context(&self, endpoint: &Endpoint) -> Option<&Certificate> {
        self.live.get(endpoint).and_then(LiveContext::certificate)
    }

    /// What HTTP.sys holds in memory for `endpoint`, if anything: the
    /// certificate, or one known only by its hash (a saved state's bound
    /// certificate that is no longer in the store, [behaviour §12](crate::behaviour)).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::registry::RegistryValues;
    /// use sstp_cert::model::runtime::Machine;
    /// use sstp_cert::model::state::MachineState;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let gone = Sha1Thumbprint::from_bytes([9; 20]);
    /// let v4 = Endpoint::ipv4_wildcard(443);
    /// let state = MachineState::new(Vec::new())
    ///     .with_bindings([v4.clone(), Endpoint::ipv6_wildcard(443)]
    ///         .map(|e| SslBinding::sstp(e, gone)).to_vec())
    ///     .with_registry(RegistryValues::new());
    /// let at = time::macros::datetime!(2026-12-04 12:00 UTC);
    /// let m = Machine::from_state(&state, Default::default(), at);
    /// let held = m.live_context_held(&v4).expect("held by hash");
    /// assert!(held.is_known_by_hash() && held.sha1() == gone);
    /// assert!(m.live_context(&v4).is_none()); // no certificate to give
    /// ```
    pub fn live_context_held(&self, endpoint: &Endpoint) -> Option<&LiveContext> {
        self.live.get(endpoint)
    }

    /// Every live context, in either form: endpoint and the SHA-1 of the
    /// certificate held.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// assert!(Machine::default().live_contexts().is_empty());
    /// ```
    pub fn live_contexts(&self) -> Vec<(Endpoint, Sha1Thumbprint)> {
        self.live
            .iter()
            .map(|(e, c)| (e.clone(), c.sha1()))
            .collect()
    }

    /// Whether the service runs.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{Machine, ServiceState};
    /// assert_eq!(Machine::default().service_state(), ServiceState::Stopped);
    /// ```
    pub fn service_state(&self) -> ServiceState {
        self.service
    }

    /// The listener, when the service runs and set one up.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.restart_service(); // empty store: Event 11, no listener
    /// assert!(m.listener().is_none());
    /// ```
    pub fn listener(&self) -> Option<Listener> {
        match self.service {
            ServiceState::Running => self.listener,
            ServiceState::Stopped => None,
        }
    }

    /// Every event logged so far, oldest first (server events from each
    /// start, client events 6 and 16 from Windows-client connections).
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.restart_service();
    /// assert_eq!(m.events()[0].id.number(), 11);
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The plumbing of the last start, if the service ever started.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.restart_service();
    /// assert!(m.last_plumbing().unwrap().choice.is_some());
    /// ```
    pub fn last_plumbing(&self) -> Option<&Plumbing> {
        self.last_plumbing.as_ref()
    }

    // -- certificates --------------------------------------------------------

    /// Imports a certificate into `MY` (`certutil -importpfx`, the
    /// certificate snap-in). A certificate already there (same SHA-1) has
    /// its entry replaced in place.
    ///
    /// ```
    /// use sstp_cert::model::certificate::Certificate;
    /// use sstp_cert::model::runtime::{Imported, Machine};
    /// use sstp_cert::model::store::{KeyState, StoreEntry};
    /// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
    /// let cert = Certificate::from_der(der)?;
    /// let mut m = Machine::default();
    /// assert_eq!(m.import_certificate(StoreEntry::new(cert.clone(), KeyState::Absent, "a")), Imported::Added);
    /// assert_eq!(m.import_certificate(StoreEntry::new(cert, KeyState::Linked, "a")), Imported::Replaced);
    /// assert_eq!(m.store().entries()[0].key, KeyState::Linked);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn import_certificate(&mut self, entry: StoreEntry) -> Imported {
        let sha1 = entry.certificate.sha1();
        if !self
            .store
            .entries()
            .iter()
            .any(|e| e.certificate.sha1() == sha1)
        {
            self.store.push(entry);
            return Imported::Added;
        }
        let mut rebuilt = MemoryStore::new(self.store_name());
        let mut pending = Some(entry);
        for e in self.store.entries() {
            if e.certificate.sha1() == sha1 {
                if let Some(new) = pending.take() {
                    rebuilt.push(new);
                }
            } else {
                rebuilt.push(e.clone());
            }
        }
        self.store = rebuilt;
        Imported::Replaced
    }

    fn store_name(&self) -> String {
        use super::store::CertStore as _;
        self.store.describe()
    }

    /// Deletes a certificate from `MY` (`certutil -delstore MY
    /// <thumbprint>`). Bindings and live contexts are not touched.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{Machine, MachineError};
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let mut m = Machine::default();
    /// let t = Sha1Thumbprint::from_bytes([1; 20]);
    /// assert_eq!(m.delete_certificate(&t), Err(MachineError::CertificateNotFound { sha1: t }));
    /// ```
    ///
    /// # Errors
    ///
    /// [`MachineError::CertificateNotFound`] when no entry has the hash.
    pub fn delete_certificate(&mut self, sha1: &Sha1Thumbprint) -> Result<usize, MachineError> {
        match self.store.remove(sha1) {
            0 => Err(MachineError::CertificateNotFound { sha1: *sha1 }),
            n => Ok(n),
        }
    }

    // -- HTTP.sys ------------------------------------------------------------

    /// `netsh http add sslcert`: persists `binding` (no live context yet).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
    /// use sstp_cert::model::runtime::Machine;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let mut m = Machine::default();
    /// let b = SslBinding::sstp(Endpoint::ipv4_wildcard(443), Sha1Thumbprint::from_bytes([2; 20]));
    /// assert_eq!(m.netsh_add(b).unwrap_err().win32_error(), 1312); // not in the store
    /// ```
    ///
    /// # Errors
    ///
    /// [`NetshError::AlreadyExists`] (183) when the endpoint is bound,
    /// [`NetshError::MissingAppId`] (87), [`NetshError::Refused`] (1312 when
    /// the certificate is not in `MY` or has no private key, 87 without a
    /// hash).
    pub fn netsh_add(&mut self, binding: SslBinding) -> Result<(), NetshError> {
        let endpoint = binding.endpoint.clone();
        if self.binding_for(&endpoint).is_some() {
            return Err(NetshError::AlreadyExists { endpoint });
        }
        if binding.app_id.is_none() {
            return Err(NetshError::MissingAppId { endpoint });
        }
        check_binding_certificate(self.store.entries(), &binding)
            .map_err(|refusal| NetshError::Refused { endpoint, refusal })?;
        self.bindings.push(binding);
        Ok(())
    }

    /// `netsh http delete sslcert`: removes the binding and HTTP.sys's live
    /// context for it, returning the binding.
    ///
    /// ```
    /// use sstp_cert::model::httpsys::Endpoint;
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// assert_eq!(m.netsh_delete(&Endpoint::ipv4_wildcard(443)).unwrap_err().win32_error(), 2);
    /// ```
    ///
    /// # Errors
    ///
    /// [`NetshError::NotFound`] (2) when nothing is bound there.
    pub fn netsh_delete(&mut self, endpoint: &Endpoint) -> Result<SslBinding, NetshError> {
        let i = self
            .bindings
            .iter()
            .position(|b| &b.endpoint == endpoint)
            .ok_or_else(|| NetshError::NotFound {
                endpoint: endpoint.clone(),
            })?;
        let removed = self.bindings.remove(i);
        self.bindings.retain(|b| &b.endpoint != endpoint);
        self.live.remove(endpoint);
        Ok(removed)
    }

    // -- registry ------------------------------------------------------------

    /// `reg add`: sets a value of the `Parameters` key, returning the old
    /// data. The running service does not see it until its next start.
    ///
    /// ```
    /// use sstp_cert::model::registry::RegValue;
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// assert_eq!(m.reg_set("ListenerPort", RegValue::Dword(8443)), None);
    /// assert_eq!(m.parameters().listener().port, 8443);
    /// ```
    pub fn reg_set(&mut self, name: impl Into<String>, value: RegValue) -> Option<RegValue> {
        let name = name.into();
        self.forget_unknown_sha256(&name);
        self.registry.set(name, value)
    }

    /// Once anything writes or deletes `SHA256CertificateHash`, its value
    /// is no longer the unknown one of a key that was not given.
    fn forget_unknown_sha256(&mut self, name: &str) {
        if name.eq_ignore_ascii_case(names::SHA256_CERTIFICATE_HASH) {
            self.unknown_sha256_record = None;
        }
    }

    /// `reg delete`: deletes a value, returning its data.
    ///
    /// ```
    /// use sstp_cert::model::registry::RegValue;
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.reg_set("UseHttps", RegValue::Dword(1));
    /// assert_eq!(m.reg_delete("usehttps"), Ok(RegValue::Dword(1)));
    /// ```
    ///
    /// # Errors
    ///
    /// [`MachineError::RegistryValueNotFound`] when the value does not
    /// exist.
    pub fn reg_delete(&mut self, name: &str) -> Result<RegValue, MachineError> {
        self.forget_unknown_sha256(name);
        self.registry.remove(name).map(|e| e.value).ok_or_else(|| {
            MachineError::RegistryValueNotFound {
                name: name.to_owned(),
            }
        })
    }

    // -- the service -----------------------------------------------------------

    /// `net stop sstpsvc /y`. Live contexts stay (they are HTTP.sys's).
    ///
    /// ```
    /// use sstp_cert::model::runtime::{Machine, ServiceState};
    /// let mut m = Machine::default();
    /// m.restart_service();
    /// m.stop_service()?;
    /// assert_eq!(m.service_state(), ServiceState::Stopped);
    /// # Ok::<(), sstp_cert::model::runtime::MachineError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MachineError::ServiceNotStarted`] when it is stopped.
    pub fn stop_service(&mut self) -> Result<(), MachineError> {
        if self.service == ServiceState::Stopped {
            return Err(MachineError::ServiceNotStarted);
        }
        self.service = ServiceState::Stopped;
        self.in_force = None;
        self.unknown_sha256_in_force = None;
        self.listener = None;
        Ok(())
    }

    /// `net start remoteaccess`: runs [`plumb`] on the current state,
    /// applies its binding changes (a deleted binding loses its live
    /// context) and registry writes, logs its events, and reads the
    /// parameters crypto binding will use.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// let p = m.start_service()?;
    /// assert_eq!(p.event_numbers(), [11]);
    /// # Ok::<(), sstp_cert::model::runtime::MachineError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`MachineError::ServiceAlreadyStarted`] when it runs.
    pub fn start_service(&mut self) -> Result<&Plumbing, MachineError> {
        if self.service == ServiceState::Running {
            return Err(MachineError::ServiceAlreadyStarted);
        }
        Ok(self.run_plumbing())
    }

    /// Stops the service if it runs, then starts it; returns the plumbing.
    ///
    /// ```
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.restart_service();
    /// assert_eq!(m.restart_service().event_numbers(), [11]);
    /// ```
    pub fn restart_service(&mut self) -> &Plumbing {
        self.service = ServiceState::Stopped;
        self.in_force = None;
        self.unknown_sha256_in_force = None;
        self.listener = None;
        self.run_plumbing()
    }

    /// Reboots: every live context is cleared, then the service starts.
    ///
    /// ```
    /// use sstp_cert::model::runtime::{Machine, ServiceState};
    /// let mut m = Machine::default();
    /// m.reboot();
    /// assert_eq!(m.service_state(), ServiceState::Running);
    /// assert!(m.live_contexts().is_empty());
    /// ```
    pub fn reboot(&mut self) -> &Plumbing {
        self.live.clear();
        self.restart_service()
    }

    fn run_plumbing(&mut self) -> &Plumbing {
        let parameters = self.parameters();
        let p = plumb(
            &PlumbingInput::new(&parameters, self.store.entries(), &self.bindings)
                .with_profile(self.profile),
        );
        for change in &p.changes {
            if let BindingChange::Delete { endpoint, .. } = change {
                self.live.remove(endpoint);
            }
        }
        self.bindings = p.bindings.clone();
        for w in &p.registry_writes {
            self.forget_unknown_sha256(w.name());
        }
        self.registry.apply_all(&p.registry_writes);
        self.events.extend(p.events.iter().cloned());
        self.in_force = Some(self.parameters());
        self.unknown_sha256_in_force = self.unknown_sha256_record;
        self.listener = p.listener;
        self.service = ServiceState::Running;
        self.last_plumbing.insert(p)
    }

    // -- plans -----------------------------------------------------------------

    /// Performs one step of a [`Plan`](crate::model::plan::Plan), as the
    /// pasted command line would.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanStep;
    /// use sstp_cert::model::runtime::{Machine, ServiceState};
    /// let mut m = Machine::default();
    /// m.apply(&PlanStep::StartService)?;
    /// assert_eq!(m.service_state(), ServiceState::Running);
    /// assert!(m.apply(&PlanStep::StartService).is_err());
    /// # Ok::<(), sstp_cert::model::runtime::MachineError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The [`MachineError`] of the operation: a `netsh` error, a missing
    /// registry value or certificate, a service already in that state.
    pub fn apply(&mut self, step: &PlanStep) -> Result<(), MachineError> {
        match step {
            PlanStep::DeleteCertificate { sha1 } => self.delete_certificate(sha1).map(drop),
            PlanStep::DeleteBinding { endpoint } => {
                self.netsh_delete(endpoint).map(drop).map_err(Into::into)
            }
            PlanStep::Registry { write } => match write {
                RegistryWrite::Set { name, value } => {
                    self.reg_set(name.clone(), value.clone());
                    Ok(())
                }
                RegistryWrite::Delete { name } => self.reg_delete(name).map(drop),
            },
            PlanStep::AddBinding { binding } => {
                self.netsh_add(binding.as_ref().clone()).map_err(Into::into)
            }
            PlanStep::StopService => self.stop_service(),
            PlanStep::StartService => self.start_service().map(drop),
        }
    }

    // -- clients -----------------------------------------------------------------

    /// An SSTP client dials `host` over `family` — see the [module
    /// documentation](self) for the checks, in order. A handshake that
    /// loads the certificate from the store creates HTTP.sys's live context
    /// for the endpoint.
    ///
    /// ```
    /// use sstp_cert::model::certificate::Certificate;
    /// use sstp_cert::model::hostname::{Profile, ReferenceId};
    /// use sstp_cert::model::plumbing::Family;
    /// use sstp_cert::model::runtime::{ConnectFailure, Machine};
    /// use sstp_cert::model::store::{KeyState, StoreEntry};
    /// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
    /// let cert = Certificate::from_der(der)?;
    /// let mut m = Machine::default();
    /// m.import_certificate(StoreEntry::new(cert, KeyState::Linked, "vpn"));
    /// m.restart_service();
    /// let wrong = ReferenceId::parse("vpn.example.org")?;
    /// let out = m.connect(&wrong, Profile::WindowsClient, Family::V4);
    /// assert_eq!(out.failure().unwrap().code(), "host-name-mismatch");
    /// // sstpc checks no name
    /// assert!(m.connect(&wrong, Profile::SstpcLinux, Family::V4).is_connected());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn connect(
        &mut self,
        host: &ReferenceId,
        profile: Profile,
        family: Family,
    ) -> ConnectOutcome {
        match self.try_connect(host, profile, family) {
            Ok(c) => ConnectOutcome::Connected(Box::new(c)),
            Err(f) => {
                match f.as_ref() {
                    ConnectFailure::EkuRefused { client_event, .. } => {
                        self.events.extend(client_event.clone());
                    }
                    ConnectFailure::CryptoBindingFailed {
                        client_event,
                        server_event,
                        ..
                    } => {
                        self.events.extend(server_event.clone());
                        self.events.extend(client_event.clone());
                    }
                    _ => {}
                }
                ConnectOutcome::Failed(f)
            }
        }
    }

    fn try_connect(
        &mut self,
        host: &ReferenceId,
        profile: Profile,
        family: Family,
    ) -> Result<Connection, Box<ConnectFailure>> {
        let endpoint = self.listening_endpoint(family)?;
        let (held, from_live_context) = self.tls_context(endpoint.clone())?;
        let sha1 = held.sha1();
        let mut not_checked = Vec::new();
        let (verdict, checked_at) =
            self.checks_by_client(&held, host, profile, &mut not_checked)?;
        let in_force = self.in_force.clone().unwrap_or_else(|| self.parameters());
        match self.crypto_binding(&held, &in_force, &mut not_checked) {
            Ok(protocol) => Ok(Connection {
                family,
                endpoint,
                sha1,
                sha256: held.sha256(),
                from_live_context,
                protocol,
                verdict,
                checked_at,
                not_checked,
            }),
            Err(error) => Err(Box::new(crypto_binding_failure(
                &held, &in_force, error, host, profile,
            ))),
        }
    }

    /// Step 1: the endpoint of `family` a client reaches, when the service
    /// runs and listens over HTTPS.
    fn listening_endpoint(&self, family: Family) -> Result<Endpoint, Box<ConnectFailure>> {
        if self.service == ServiceState::Stopped {
            return Err(Box::new(ConnectFailure::ServiceStopped));
        }
        let Some(listener) = self.listener() else {
            return Err(Box::new(ConnectFailure::NoListener {
                events: self
                    .last_plumbing
                    .as_ref()
                    .map(|p| p.events.clone())
                    .unwrap_or_default(),
            }));
        };
        if listener.scheme == Scheme::Http {
            return Err(Box::new(ConnectFailure::PlainHttp {
                port: listener.port,
            }));
        }
        Ok(family.endpoint(listener.port))
    }

    /// Step 2, TLS: HTTP.sys's live context for `endpoint`, else the
    /// certificate its binding names, loaded from the store (and kept as
    /// the live context from then on); whether it was live already.
    fn tls_context(
        &mut self,
        endpoint: Endpoint,
    ) -> Result<(LiveContext, bool), Box<ConnectFailure>> {
        if let Some(c) = self.live.get(&endpoint) {
            return Ok((c.clone(), true));
        }
        let binding = self
            .binding_for(&endpoint)
            .ok_or_else(|| ConnectFailure::NoBinding {
                endpoint: endpoint.clone(),
            })?;
        let cert = match check_binding_certificate(self.store.entries(), binding) {
            Ok(e) => e.certificate.clone(),
            Err(AddRefusal::NoPrivateKey { sha1, key }) => {
                return Err(Box::new(ConnectFailure::NoPrivateKey {
                    endpoint,
                    cert_hash: sha1,
                    key,
                }));
            }
            Err(_) => {
                return Err(Box::new(ConnectFailure::CertificateMissing {
                    cert_hash: binding.cert_hash,
                    endpoint,
                }));
            }
        };
        let held = LiveContext::Certificate(cert);
        self.live.insert(endpoint, held.clone());
        Ok((held, false))
    }

    /// Step 3, the client's checks: validity, name, then EKU — on the
    /// certificate, when the model has it; otherwise each is recorded as
    /// not made.
    fn checks_by_client(
        &self,
        held: &LiveContext,
        host: &ReferenceId,
        profile: Profile,
        not_checked: &mut Vec<CheckNotMade>,
    ) -> Result<(Option<ProfileVerdict>, Option<OffsetDateTime>), Box<ConnectFailure>> {
        if let Some(cert) = held.certificate() {
            return Ok((
                Some(Self::client_checks(cert, host, profile, self.clock)?),
                self.clock,
            ));
        }
        let why = format!(
            "HTTP.sys served certificate {} from its live context, but the certificate is not in the saved store and was not given: only its hash is known",
            held.sha1()
        );
        not_checked.extend(
            [ConnectStep::Validity, ConnectStep::Name, ConnectStep::Eku].map(|step| CheckNotMade {
                step,
                reason: NotCheckedReason::KnownOnlyByHash,
                why: why.clone(),
            }),
        );
        Ok((None, None))
    }

    /// Step 4, crypto binding with the hashes the service read at start
    /// (`in_force`): the protocol agreed, or why it failed. A comparison
    /// the model cannot make (a SHA-256 it does not know) is recorded as
    /// not made.
    fn crypto_binding(
        &mut self,
        held: &LiveContext,
        in_force: &SstpParameters,
        not_checked: &mut Vec<CheckNotMade>,
    ) -> Result<HashProtocol, CryptoBindingError> {
        let sha1 = held.sha1();
        let configured_sha256 = in_force.sha256_certificate_hash.hash().copied();
        let configured_sha1 = in_force.sha1_certificate_hash.hash().copied();
        let offered = in_force.hash_protocols();
        self.connections = self.connections.wrapping_add(1);
        let nonce = *Sha256Hash::of_der(&self.connections.to_be_bytes()).as_bytes();
        let hlak = Hlak::from_bytes(MODEL_HLAK);
        let Some(protocol) = offered.preferred() else {
            return Err(CryptoBindingError::ProtocolNotOffered {
                protocol: HashProtocol::Sha256,
                offered: offered.bits(),
            });
        };
        if let Some(field) = held.hash_field(protocol) {
            let message = CallConnected::new(protocol, nonce, field)
                .signed(&hlak)
                .encode();
            return ServerBinding {
                offered,
                nonce,
                sha256: configured_sha256,
                sha1: configured_sha1,
            }
            .verify(&message, &hlak);
        }
        // Only SHA-256 can be unknown (a SHA-1 is always known).
        match configured_sha256 {
            // The service has no hash to compare: it fails whatever the
            // client sends (Event 18) — unless the key was not given and is
            // taken to record this certificate.
            None if self.unknown_sha256_in_force != Some(sha1) => {
                Err(CryptoBindingError::NoConfiguredHash { protocol })
            }
            None => {
                not_checked.push(CheckNotMade {
                    step: ConnectStep::CryptoBinding,
                    reason: NotCheckedReason::RegistryUnknown,
                    why: format!(
                        "the SstpSvc\\Parameters key was not given and the SHA-256 of certificate {sha1} is unknown: the hash the client sends cannot be compared with the service's"
                    ),
                });
                Ok(protocol)
            }
            Some(configured) => {
                not_checked.push(CheckNotMade {
                    step: ConnectStep::CryptoBinding,
                    reason: NotCheckedReason::Sha256Unknown,
                    why: format!(
                        "the SHA-256 of certificate {sha1} is unknown (the saved key does not record it beside its SHA-1 in automatic mode): the hash the client sends cannot be compared with the service's {} {configured}",
                        names::SHA256_CERTIFICATE_HASH
                    ),
                });
                Ok(protocol)
            }
        }
    }

    /// The client's checks on a certificate it received: validity at the
    /// machine's clock (when set), then the name, then the EKU extension.
    fn client_checks(
        cert: &Certificate,
        host: &ReferenceId,
        profile: Profile,
        clock: Option<OffsetDateTime>,
    ) -> Result<ProfileVerdict, Box<ConnectFailure>> {
        if let Some(at) = clock {
            let validity = cert.validity();
            if at > validity.not_after {
                return Err(Box::new(ConnectFailure::CertificateExpired {
                    profile,
                    sha1: cert.sha1(),
                    not_after: validity.not_after,
                    at,
                }));
            }
            if at < validity.not_before {
                return Err(Box::new(ConnectFailure::CertificateNotYetValid {
                    profile,
                    sha1: cert.sha1(),
                    not_before: validity.not_before,
                    at,
                }));
            }
        }
        let verdict = profile.check(cert, host);
        if !verdict.matched() {
            return Err(Box::new(ConnectFailure::HostNameMismatch {
                profile,
                host: host.to_string(),
                sha1: cert.sha1(),
                verdict: Box::new(verdict),
            }));
        }
        if !verdict.eku.accepted {
            let client_event = (profile == Profile::WindowsClient).then(|| {
                Event::new(
                    EventId::ClientEkuRefused,
                    format!(
                        "the server certificate {} for {host}: {}",
                        cert.sha1(),
                        verdict.eku.explanation
                    ),
                )
            });
            return Err(Box::new(ConnectFailure::EkuRefused {
                profile,
                sha1: cert.sha1(),
                eku: verdict.eku.clone(),
                client_event,
            }));
        }
        Ok(verdict)
    }

    // -- what the administrator can look at -------------------------------------

    /// What `netsh http show sslcert` prints now: every binding in Windows'
    /// own format (current releases), with the default options for
    /// bindings that carry no other fields, so the text reads back with
    /// [`parse_sslcert_show`](crate::model::httpsys::parse_sslcert_show).
    ///
    /// ```
    /// use sstp_cert::model::httpsys::{parse_sslcert_show, Endpoint, SslBinding};
    /// use sstp_cert::model::plumbing::GoneCertificateProfile;
    /// use sstp_cert::model::registry::RegistryValues;
    /// use sstp_cert::model::runtime::Machine;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let b = SslBinding::sstp(Endpoint::ipv4_wildcard(443), Sha1Thumbprint::from_bytes([0xab; 20]));
    /// let m = Machine::from_parts(GoneCertificateProfile::default(), [], RegistryValues::new(), vec![b]);
    /// let text = m.netsh_show_sslcert();
    /// assert!(text.contains("IP:port                       : 0.0.0.0:443"));
    /// let back = parse_sslcert_show(text.as_bytes())?;
    /// assert_eq!(back.bindings[0].cert_hash, m.bindings()[0].cert_hash);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn netsh_show_sslcert(&self) -> String {
        let shown: Vec<SslBinding> = self
            .bindings
            .iter()
            .map(|b| {
                if b.fields.is_empty() && b.extended.is_empty() {
                    b.clone().with_default_fields(ShowStyle::Current)
                } else {
                    b.clone()
                }
            })
            .collect();
        render_show(&shown, ShowStyle::Current)
    }

    /// What `reg query "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters"`
    /// prints now, in `reg.exe`'s format, so the text reads back with
    /// [`parse_registry_text`](crate::model::registry::parse_registry_text).
    ///
    /// ```
    /// use sstp_cert::model::registry::{parse_registry_text, RegValue};
    /// use sstp_cert::model::runtime::Machine;
    /// let mut m = Machine::default();
    /// m.reg_set("UseHttps", RegValue::Dword(1));
    /// let text = m.reg_query();
    /// assert!(text.contains("UseHttps    REG_DWORD    0x1"));
    /// assert_eq!(parse_registry_text(text.as_bytes())?.values, *m.registry());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn reg_query(&self) -> String {
        self.registry.to_reg_query()
    }
}

/// The SHA-256 a saved key records for the certificate `sha1`: in
/// automatic mode the service writes `SHA1CertificateHash` and
/// `SHA256CertificateHash` together, of the certificate it bound ([behaviour §6](crate::behaviour)),
/// so a valid SHA-256 beside a SHA-1 equal to the binding's is that
/// certificate's. In admin mode the administrator writes them, and they
/// need not describe one certificate (a pin changed by hand may have left
/// the old SHA-1 beside a new SHA-256): the SHA-256 is then unknown.
fn recorded_sha256(registry: Option<&RegistryValues>, sha1: &Sha1Thumbprint) -> Option<Sha256Hash> {
    let p = SstpParameters::from_values(registry?);
    if p.is_hash_configured_by_admin.value || p.sha1_certificate_hash.hash() != Some(sha1) {
        return None;
    }
    p.sha256_certificate_hash.hash().copied()
}

/// Server Event 18 (SHA-256) or 19 (SHA-1) when crypto binding failed
/// because the hash the service read for the protocol in use is missing or
/// invalid ([behaviour §4](crate::behaviour), §8). Only the protocol in use counts — see "Event 18 at
/// connection time" in the [module documentation](self).
/// A certificate HTTP.sys is taken to hold that the model knows only by
/// its hashes, and the endpoints bound to it.
struct KnownByHash {
    sha1: Sha1Thumbprint,
    sha256: Option<Sha256Hash>,
    endpoints: Vec<Endpoint>,
}

/// A failed crypto binding, with what each side logs: the server's Event
/// 18/19 when it had no hash to compare, the Windows client's event naming
/// both sides' hashes.
fn crypto_binding_failure(
    held: &LiveContext,
    in_force: &SstpParameters,
    error: CryptoBindingError,
    host: &ReferenceId,
    profile: Profile,
) -> ConnectFailure {
    let sha1 = held.sha1();
    let configured_sha256 = in_force.sha256_certificate_hash.hash().copied();
    let configured_sha1 = in_force.sha1_certificate_hash.hash().copied();
    let server_event = missing_hash_event(in_force, &error);
    let show = |h: Option<String>| h.unwrap_or_else(|| "(none)".to_owned());
    let client_event = (profile == Profile::WindowsClient).then(|| {
        Event::new(
            EventId::ClientCryptoBindingFailed,
            format!(
                "crypto binding failed for {host}: the client received certificate {sha1} (SHA-256 {}), the server is configured with SHA-256 {} / SHA-1 {}: {error}",
                held.sha256().map_or_else(
                    || "unknown to the model: only the certificate's SHA-1 is known".to_owned(),
                    |h| h.to_string()
                ),
                show(configured_sha256.map(|h| h.to_string())),
                show(configured_sha1.map(|h| h.to_string())),
            ),
        )
    });
    ConnectFailure::CryptoBindingFailed {
        served_sha256: held.sha256(),
        served_sha1: sha1,
        configured_sha256,
        configured_sha1,
        error,
        client_event,
        server_event,
    }
}

fn missing_hash_event(in_force: &SstpParameters, error: &CryptoBindingError) -> Option<Event> {
    let CryptoBindingError::NoConfiguredHash { protocol } = error else {
        return None;
    };
    let (id, name, problem, len) = match protocol {
        HashProtocol::Sha256 => (
            EventId::Sha256HashInvalid,
            names::SHA256_CERTIFICATE_HASH,
            in_force.sha256_certificate_hash.problem(),
            Sha256Hash::LEN,
        ),
        HashProtocol::Sha1 => (
            EventId::Sha1HashInvalid,
            names::SHA1_CERTIFICATE_HASH,
            in_force.sha1_certificate_hash.problem(),
            Sha1Thumbprint::LEN,
        ),
    };
    let why = match problem {
        Some(super::registry::ValueProblem::Missing) | None => "not found".to_owned(),
        Some(p) => format!("invalid: it is {p}"),
    };
    Some(Event::new(
        id,
        format!(
            "{name} is {why} when a client reached crypto binding; it must be REG_BINARY of {len} bytes. SSTP connections will not be accepted"
        ),
    ))
}

impl fmt::Display for ServiceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ServiceState::Stopped => "stopped",
            ServiceState::Running => "running",
        })
    }
}
