//! Diagnosis: what is wrong with an SSTP server's certificate set-up, why,
//! and the commands that fix it ([behaviour §0](crate::behaviour), §6, §7).
//!
//! [`diagnose`] takes a machine's state as plain data — the store, the
//! HTTP.sys bindings, the registry parameters, optionally the intended host
//! name, the intended certificate and a port probe — runs the service's own
//! logic on it ([`plumb`]) and reports [`Finding`]s. Every finding has a
//! stable kebab-case [`FindingCode`], a [`Severity`], the endpoint and
//! certificate it concerns, a plain-language explanation, and the fix as
//! command lines to paste.
//!
//! The codes, each with its severity and when it is reported, are the
//! variants of [`FindingCode`].
//!
//! # One recommendation per report ([behaviour §11](crate::behaviour))
//!
//! Every fix that binds, pins or keeps a certificate names **the same**
//! one: the intended certificate when it is given, eligible and accepted by
//! clients; otherwise the [`recommend`]ation (eligible, valid at
//! [`DiagnosisInput::at`], naming [`DiagnosisInput::host`] for the Windows
//! client, a key usage TLS accepts; Server Authentication first, then the
//! latest `notAfter`). It is in [`Diagnosis::recommendation`]. When none
//! qualifies, the fix says so and what to obtain, and binds nothing.
//!
//! # Unknown is not empty ([behaviour §11](crate::behaviour))
//!
//! [`DiagnosisInput::from_state`] marks the bindings and the registry that
//! were not given. Findings that need the bindings are then not made; the
//! certificate the service would bind at its next start is judged as if
//! nothing were bound, and says so; fixes include the steps for the unknown
//! inputs; [`Diagnosis::unknown_inputs`] lists what was assumed.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::diagnosis::{diagnose, DiagnosisInput, FindingCode, Severity};
//! use sstp_cert::model::registry::SstpParameters;
//! use sstp_cert::model::httpsys::{Endpoint, SslBinding};
//! use sstp_cert::model::thumbprint::Sha1Thumbprint;
//!
//! // Both pairs bound to a certificate the store no longer has.
//! let gone = Sha1Thumbprint::of_der(b"deleted certificate");
//! let bindings = vec![
//!     SslBinding::sstp(Endpoint::ipv4_wildcard(443), gone),
//!     SslBinding::sstp(Endpoint::ipv6_wildcard(443), gone),
//! ];
//! let params = SstpParameters::default();
//! let d = diagnose(&DiagnosisInput::new(&[], &bindings, &params));
//! assert!(d.findings.iter().any(|f| f.code == FindingCode::BindingCertificateMissing
//!     && f.severity == Severity::Error));
//! assert!(d.has_errors());
//! ```

use std::fmt;

use time::OffsetDateTime;

use super::advice::{Recommendation, client_refusals, expires_within, recommend};
use super::certificate::Certificate;
use super::choice::{Choice, ChoiceOptions, choose};
use super::eku::Purpose;
use super::event::Event;
use super::hostname::{Profile, ReferenceId};
use super::httpsys::{Endpoint, SslBinding, render_add_command};
use super::plan::{PlanInput, PlanOptions, plan_certificate_change};
use super::plumbing::{GoneCertificateProfile, Mode, Plumbing, PlumbingInput, plumb};
use super::port::PortStatus;
use super::registry::{HashSource, RegValue, RegistryWrite};
use super::registry::{HashState, Scheme, SstpParameters, names};
use super::state::{Assumption, MachineState, UnknownInput};
use super::store::StoreEntry;
use super::thumbprint::Sha1Thumbprint;
use super::warning::{WarningCode, warnings_for};
use crate::model::code::stable_codes;

/// The commands that restart the SSTP service so that it plumbs again.
pub const RESTART_COMMANDS: [&str; 2] = ["net stop sstpsvc /y", "net start remoteaccess"];

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Severity {
    /// SSTP connections fail (now or after the next reboot).
    Error,
    /// Something is wrong or fragile, but connections can work.
    Warning,
    /// Worth knowing.
    Info,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        })
    }
}

stable_codes! {
    [display, from_str]
    /// The kinds of finding, with stable kebab-case codes; each variant
    /// says its severity and when it is reported.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum FindingCode("finding") {
        /// **error**: nothing in the store has Server Authentication or Any
        /// Purpose with a key (Event 11).
        NoValidCertificate => "no-valid-certificate",
        /// **error / warning**: a wildcard pair has no binding (warning when
        /// the service will create it at its next start).
        NoBinding => "no-binding",
        /// **error**: a binding on the pair names no certificate.
        BindingWithoutHash => "binding-without-hash",
        /// **error**: a binding names a certificate missing from the store:
        /// works until the next reboot.
        BindingCertificateMissing => "binding-certificate-missing",
        /// **error**: the bound certificate is in the store but has no key, or
        /// its EKU is not for servers.
        BoundCertificateUnusable => "bound-certificate-unusable",
        /// **error**: the IPv4 and IPv6 pairs name different certificates
        /// (Event 24).
        BindingsDiffer => "bindings-differ",
        /// **warning**: several certificates are eligible and the bound one is
        /// not the intended one.
        BoundNotIntended => "bound-not-intended",
        /// **error**: the certificate named as intended is not in the store or
        /// not eligible.
        IntendedCertificateUnusable => "intended-certificate-unusable",
        /// **warning / error**: a pair is bound by another application (error
        /// with Event 32 in admin mode).
        OtherApplicationOwnsPair => "other-application-owns-pair",
        /// **warning**: the binding's store is not `MY`.
        BindingStoreNotMy => "binding-store-not-my",
        /// **error**: admin mode and no eligible certificate has the registry
        /// hash (Event 25).
        AdminHashCertificateMissing => "admin-hash-certificate-missing",
        /// **error**: the hash the service needs is missing (Event 18/19).
        RegistryHashMissing => "registry-hash-missing",
        /// **error / warning**: a registry value of the wrong type, length or
        /// range.
        RegistryValueInvalid => "registry-value-invalid",
        /// **error**: the registry hash is not the bound certificate's: crypto
        /// binding fails (client Event 6).
        RegistryHashMismatch => "registry-hash-mismatch",
        /// **error**: the bound certificate has expired (CERT_E_EXPIRED).
        BoundCertificateExpired => "bound-certificate-expired",
        /// **error**: the bound certificate is not valid yet.
        BoundCertificateNotYetValid => "bound-certificate-not-yet-valid",
        /// **error**: the certificate the service would bind at its next start
        /// is one clients refuse ([behaviour §11](crate::behaviour)).
        NextStartCertificateRefused => "next-start-certificate-refused",
        /// **warning**: the bound certificate, or the one the next start binds,
        /// expires within [`DiagnosisInput::expiry_warning_days`] days.
        CertificateExpiringSoon => "certificate-expiring-soon",
        /// **warning**: the certificate named as intended is one clients
        /// refuse; no fix binds it.
        IntendedCertificateRefused => "intended-certificate-refused",
        /// **error (Windows) / warning (RFC 9525)**: the bound certificate does
        /// not name the host clients dial.
        HostNameMismatch => "host-name-mismatch",
        /// **info**: `sstpc` on Linux accepts any trusted certificate for any
        /// name.
        NoHostNameCheck => "no-host-name-check",
        /// **error**: the Windows client refuses the bound certificate's EKU
        /// (client Event 16).
        ClientEkuRefused => "client-eku-refused",
        /// **warning**: what the service does not check but clients do
        /// (self-signed, no CRL distribution point, weak key, …).
        CertificateWarning => "certificate-warning",
        /// **error**: another program holds `0.0.0.0:<port>` or `[::]:<port>`
        /// (Event 22).
        PortUnavailable => "port-unavailable",
        /// **info**: `UseHttps` = 0: TLS is offloaded, the service binds no
        /// certificate.
        HttpMode => "http-mode",
        /// **info**: the next service start changes bindings or registry
        /// values.
        ServiceWillRebind => "service-will-rebind",
    }
}

/// One thing found, with its fix.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// The stable code.
    pub code: FindingCode,
    /// How bad it is.
    pub severity: Severity,
    /// The endpoint concerned, if any.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub endpoint: Option<Endpoint>,
    /// The certificate concerned, if any.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub certificate: Option<Sha1Thumbprint>,
    /// The client profile concerned, for host-name findings.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub profile: Option<Profile>,
    /// What is wrong and what it leads to, in plain language.
    pub message: String,
    /// The command lines that fix it, in order (may be empty when the fix
    /// is not a command, e.g. "obtain a certificate").
    pub fix: Vec<String>,
}

impl Finding {
    fn new(code: FindingCode, severity: Severity, message: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
            endpoint: None,
            certificate: None,
            profile: None,
            message: message.into(),
            fix: Vec::new(),
        }
    }

    fn at(mut self, endpoint: &Endpoint) -> Self {
        self.endpoint = Some(endpoint.clone());
        self
    }

    fn cert(mut self, sha1: Sha1Thumbprint) -> Self {
        self.certificate = Some(sha1);
        self
    }

    fn fix(mut self, lines: Vec<String>) -> Self {
        self.fix = lines;
        self
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.severity, self.code, self.message)
    }
}

/// What [`diagnose`] looks at.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DiagnosisInput<'a> {
    /// The store entries, in store order.
    pub store: &'a [StoreEntry],
    /// The HTTP.sys bindings (what is assumed, none, when
    /// [`DiagnosisInput::bindings_known`] is false).
    pub bindings: &'a [SslBinding],
    /// The registry parameters (the defaults when
    /// [`DiagnosisInput::registry_known`] is false).
    pub parameters: &'a SstpParameters,
    /// The moment validity is judged at (`None`: no validity findings).
    pub at: Option<OffsetDateTime>,
    /// The host name clients dial, if known.
    pub host: Option<ReferenceId>,
    /// The certificate the administrator means to serve, if known.
    pub intended: Option<Sha1Thumbprint>,
    /// The result of probing the listener port, if probed.
    pub port: Option<PortStatus>,
    /// How the service treats bindings whose certificate is gone.
    pub profile: GoneCertificateProfile,
    /// Whether the bindings were given; when false, `bindings` is what is
    /// assumed (none) and findings that need the bindings are not made.
    pub bindings_known: bool,
    /// Whether the registry key was given; when false, `parameters` are the
    /// assumed defaults.
    pub registry_known: bool,
    /// A certificate in service that expires within this many days of
    /// [`DiagnosisInput::at`] is a `certificate-expiring-soon` warning
    /// ([behaviour §11](crate::behaviour); default 30).
    pub expiry_warning_days: u32,
}

impl<'a> DiagnosisInput<'a> {
    /// An input with no time, host, intended certificate or port probe,
    /// the default (documented-2008) profile, every input known, and the
    /// 30-day expiry warning.
    ///
    /// ```
    /// use sstp_cert::model::diagnosis::DiagnosisInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let input = DiagnosisInput::new(&[], &[], &parameters);
    /// assert!(input.bindings_known && input.registry_known);
    /// assert_eq!(input.expiry_warning_days, 30);
    /// ```
    pub fn new(
        store: &'a [StoreEntry],
        bindings: &'a [SslBinding],
        parameters: &'a SstpParameters,
    ) -> Self {
        DiagnosisInput {
            store,
            bindings,
            parameters,
            at: None,
            host: None,
            intended: None,
            port: None,
            profile: GoneCertificateProfile::default(),
            bindings_known: true,
            registry_known: true,
            expiry_warning_days: DEFAULT_EXPIRY_WARNING_DAYS,
        }
    }

    /// The input for a saved machine state; `parameters` must be
    /// [`MachineState::parameters`] of it. What the state does not know is
    /// unknown here too ([behaviour §11](crate::behaviour)).
    ///
    /// ```
    /// use sstp_cert::model::diagnosis::{diagnose, DiagnosisInput};
    /// use sstp_cert::model::state::{MachineState, UnknownInput};
    /// let state = MachineState::new(Vec::new());
    /// let parameters = state.parameters();
    /// let d = diagnose(&DiagnosisInput::from_state(&state, &parameters));
    /// let unknown: Vec<_> = d.unknown_inputs.iter().filter_map(|a| a.input).collect();
    /// assert_eq!(unknown, [UnknownInput::Bindings, UnknownInput::Registry]);
    /// ```
    pub fn from_state(state: &'a MachineState, parameters: &'a SstpParameters) -> Self {
        let mut input = DiagnosisInput::new(&state.store, state.bindings_or_assumed(), parameters);
        input.bindings_known = state.knows(UnknownInput::Bindings);
        input.registry_known = state.knows(UnknownInput::Registry);
        input
    }

    /// The inputs that are unknown, in a fixed order (bindings, registry).
    ///
    /// ```
    /// use sstp_cert::model::diagnosis::DiagnosisInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// assert!(DiagnosisInput::new(&[], &[], &parameters).unknown_inputs().is_empty());
    /// ```
    pub fn unknown_inputs(&self) -> Vec<UnknownInput> {
        UnknownInput::not_known(self.bindings_known, self.registry_known)
    }
}

/// The default of [`DiagnosisInput::expiry_warning_days`] ([behaviour §11](crate::behaviour)).
pub const DEFAULT_EXPIRY_WARNING_DAYS: u32 = 30;

/// The result of [`diagnose`].
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Diagnosis {
    /// The findings, errors first, then warnings, then information.
    pub findings: Vec<Finding>,
    /// The events the service (and clients) would log.
    pub events: Vec<Event>,
    /// What the service would do at its next start.
    pub plumbing: Plumbing,
    /// The automatic choice over the store.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub choice: Choice,
    /// The one certificate this report's fixes bind, pin or keep, and why
    /// each other one is not it ([behaviour §11](crate::behaviour)).
    pub recommendation: Recommendation,
    /// The certificate the fixes name: the intended one when it is given,
    /// eligible and accepted by clients, else the recommended one; `None`
    /// when none qualifies (no fix binds a certificate then).
    pub target: Option<Sha1Thumbprint>,
    /// The inputs that were not given, and what was assumed ([behaviour §11](crate::behaviour)).
    pub unknown_inputs: Vec<Assumption>,
}

impl Diagnosis {
    /// Whether any finding has severity [`Severity::Error`].
    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// The findings with this code.
    pub fn with_code(&self, code: FindingCode) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }
}

/// Examines a machine's state. Pure: the same input gives the same result.
pub fn diagnose(input: &DiagnosisInput<'_>) -> Diagnosis {
    let mut d = Diagnoser::new(input);
    d.run();
    d.finish()
}

struct Diagnoser<'i, 'a> {
    input: &'i DiagnosisInput<'a>,
    choice: Choice,
    plumbing: Plumbing,
    recommendation: Recommendation,
    target: Option<Sha1Thumbprint>,
    findings: Vec<Finding>,
    port: u16,
}

impl<'i, 'a> Diagnoser<'i, 'a> {
    fn new(input: &'i DiagnosisInput<'a>) -> Self {
        let mut options = ChoiceOptions::windows();
        options.at = input.at;
        options.host = input.host.clone();
        let choice = choose(input.store, &options);
        let mut plumbing_input = PlumbingInput::new(input.parameters, input.store, input.bindings)
            .with_profile(input.profile);
        plumbing_input.bindings_known = input.bindings_known;
        plumbing_input.registry_known = input.registry_known;
        let plumbing = plumb(&plumbing_input);
        let recommendation = recommend(input.store, input.at, input.host.as_ref());
        let intended_ok = input.intended.filter(|t| {
            choice
                .candidates
                .iter()
                .any(|c| c.sha1() == *t && c.eligible)
                && input.store.iter().any(|e| {
                    e.certificate.sha1() == *t
                        && client_refusals(&e.certificate, input.at, input.host.as_ref()).is_empty()
                })
        });
        let target = intended_ok.or(recommendation.sha1());
        Diagnoser {
            input,
            choice,
            plumbing,
            recommendation,
            target,
            findings: Vec::new(),
            port: input.parameters.listener().port,
        }
    }

    fn push(&mut self, f: Finding) {
        self.findings.push(f);
    }

    fn entry(&self, sha1: &Sha1Thumbprint) -> Option<&'a StoreEntry> {
        self.input
            .store
            .iter()
            .find(|e| e.certificate.sha1() == *sha1)
    }

    fn eligible(&self, sha1: &Sha1Thumbprint) -> bool {
        self.choice
            .candidates
            .iter()
            .any(|c| c.sha1() == *sha1 && c.eligible)
    }

    fn eligible_count(&self) -> usize {
        self.choice.candidates.iter().filter(|c| c.eligible).count()
    }

    /// The certificate every fix binds, pins or keeps ([behaviour §11](crate::behaviour)): the
    /// intended one when it is eligible and clients accept it, else the
    /// recommendation; `None` when none qualifies.
    fn target(&self) -> Option<Sha1Thumbprint> {
        self.target
    }

    /// The fix when no certificate qualifies: what to obtain, how to import
    /// it, and how to plan the change to it. Binds nothing.
    fn obtain_fix(&self) -> Vec<String> {
        vec![
            format!("rem {}", self.recommendation.summary()),
            "certutil -importpfx <certificate.pfx>".to_owned(),
            "rem then plan the change: sstp-cert plan-change --store <store> --to <thumbprint of the imported certificate>".to_owned(),
        ]
    }

    /// The change-certificate procedure to the target, or what to obtain
    /// when there is none.
    fn target_fix(&self) -> Vec<String> {
        match self.target() {
            Some(t) => self.rebind_fix(t),
            None => self.obtain_fix(),
        }
    }

    /// The change-certificate procedure to `to` ([behaviour §0.2](crate::behaviour), see
    /// [`plan_certificate_change`]), as command lines.
    fn rebind_fix(&self, to: Sha1Thumbprint) -> Vec<String> {
        let mut input =
            PlanInput::new(self.input.store, self.input.bindings, self.input.parameters);
        input.bindings_known = self.input.bindings_known;
        input.registry_known = self.input.registry_known;
        input.at = self.input.at;
        input.host = self.input.host.as_ref();
        plan_certificate_change(&input, &to, &PlanOptions::default())
            .ok()
            .and_then(|p| p.render().ok())
            .unwrap_or_default()
    }

    /// Registry lines that make the hashes right for `to`: in automatic
    /// mode delete them (the service rewrites them); in admin mode write the
    /// new ones.
    fn hash_fix(&self, to: Sha1Thumbprint) -> Vec<String> {
        let p = self.input.parameters;
        let mut out = Vec::new();
        match p.hash_source() {
            HashSource::Service => {
                for (name, present) in [
                    (
                        names::SHA256_CERTIFICATE_HASH,
                        !matches!(p.sha256_certificate_hash, HashState::Missing),
                    ),
                    (
                        names::SHA1_CERTIFICATE_HASH,
                        !matches!(p.sha1_certificate_hash, HashState::Missing),
                    ),
                ] {
                    if present && let Ok(l) = RegistryWrite::delete(name).to_reg_command() {
                        out.push(l);
                    }
                }
            }
            HashSource::Administrator => {
                if let Some(e) = self.entry(&to) {
                    let c = &e.certificate;
                    for w in RegistryWrite::admin_pin(&c.sha256(), &c.sha1()) {
                        if let Ok(l) = w.to_reg_command() {
                            out.push(l);
                        }
                    }
                }
            }
        }
        out
    }

    fn restart(&self) -> Vec<String> {
        RESTART_COMMANDS.iter().map(|s| (*s).to_owned()).collect()
    }

    fn run(&mut self) {
        self.registry();
        if self.input.parameters.listener().scheme == Scheme::Http {
            self.push(Finding::new(
                FindingCode::HttpMode,
                Severity::Info,
                format!(
                    "UseHttps is 0: the service listens on {} without TLS and binds no certificate; TLS ends at the load balancer, whose certificate's SHA-256 must be in SHA256CertificateHash",
                    self.input.parameters.listener().url()
                ),
            ));
        } else {
            self.store();
            if self.input.bindings_known {
                self.bindings();
            }
            self.next_start();
        }
        self.intended();
        self.port();
        if self.input.bindings_known {
            self.plumbing_changes();
        }
    }

    fn registry(&mut self) {
        let p = self.input.parameters;
        for e in p.hash_events() {
            let name = if e.id.number() == 18 {
                names::SHA256_CERTIFICATE_HASH
            } else {
                names::SHA1_CERTIFICATE_HASH
            };
            let state_missing = if name == names::SHA256_CERTIFICATE_HASH {
                matches!(p.sha256_certificate_hash, HashState::Missing)
            } else {
                matches!(p.sha1_certificate_hash, HashState::Missing)
            };
            let code = if state_missing {
                FindingCode::RegistryHashMissing
            } else {
                FindingCode::RegistryValueInvalid
            };
            let mut fix = Vec::new();
            if let Some(t) = self.target()
                && let Some(entry) = self.entry(&t)
            {
                let c = &entry.certificate;
                let w = if name == names::SHA256_CERTIFICATE_HASH {
                    RegistryWrite::set_sha256_hash(&c.sha256())
                } else {
                    RegistryWrite::set_sha1_hash(&c.sha1())
                };
                if let Ok(l) = w.to_reg_command() {
                    fix.push(l);
                }
                fix.extend(self.restart());
            }
            self.push(
                Finding::new(
                    code,
                    Severity::Error,
                    format!("Event {}: {}", e.id, e.message),
                )
                .fix(fix),
            );
        }
        for v in p.invalid_values() {
            // hashes already reported through their events
            let is_hash =
                v.name == names::SHA256_CERTIFICATE_HASH || v.name == names::SHA1_CERTIFICATE_HASH;
            if is_hash && self.findings.iter().any(|f| f.message.contains(v.name)) {
                continue;
            }
            let mut fix = Vec::new();
            if let Ok(l) = RegistryWrite::delete(v.name).to_reg_command() {
                fix.push(l);
            }
            fix.extend(self.restart());
            self.push(
                Finding::new(
                    FindingCode::RegistryValueInvalid,
                    Severity::Warning,
                    format!("registry value {} is {}; {}", v.name, v.problem, v.effect),
                )
                .fix(fix),
            );
        }
        if p.is_hash_configured_by_admin.value
            && p.use_https.value
            && let Some(h) = p.lookup_hash()
        {
            let found = self.input.store.iter().any(|e| {
                let matches = match h {
                    super::thumbprint::CertHash::Sha1(s) => e.certificate.sha1() == s,
                    super::thumbprint::CertHash::Sha256(s) => e.certificate.sha256() == s,
                };
                matches && self.eligible(&e.certificate.sha1())
            });
            if !found {
                let mut fix = Vec::new();
                if let Some(t) = self.target() {
                    fix = self.hash_fix(t);
                    fix.extend(self.restart());
                }
                self.push(
                    Finding::new(
                        FindingCode::AdminHashCertificateMissing,
                        Severity::Error,
                        format!(
                            "Event 25: isHashConfiguredByAdmin is 1 and no eligible certificate in the store has the {} {h}; the service changes nothing and does not fall back to the automatic choice",
                            p.lookup_hash_name()
                        ),
                    )
                    .fix(fix),
                );
            }
        }
    }

    fn store(&mut self) {
        if self.choice.selected.is_none() {
            let ev = self
                .choice
                .events
                .first()
                .map(|e| e.message.clone())
                .unwrap_or_default();
            self.push(Finding::new(
                FindingCode::NoValidCertificate,
                Severity::Error,
                format!(
                    "Event 11: {ev}. Without one the service has no certificate to bind and no SSTP listener. Import a certificate with the Server Authentication EKU and its private key into LocalMachine\\MY"
                ),
            )
            .fix(vec!["certutil -importpfx <certificate.pfx>".to_owned()]));
        }
    }

    /// The bindings on SSTP's wildcard pair: each present and sound, the
    /// two in agreement, and the certificate they serve.
    fn bindings(&mut self) {
        let bindings: &'a [SslBinding] = self.input.bindings;
        let v4ep = Endpoint::ipv4_wildcard(self.port);
        let v6ep = Endpoint::ipv6_wildcard(self.port);
        let v4 = bindings.iter().find(|b| b.endpoint == v4ep);
        let v6 = bindings.iter().find(|b| b.endpoint == v6ep);
        for (ep, b) in [(&v4ep, v4), (&v6ep, v6)] {
            match b {
                None => self.missing_binding(ep),
                Some(b) => {
                    self.binding_owner(ep, b);
                    self.binding_store(ep, b);
                    self.bound_certificate(ep, b);
                }
            }
        }
        if let (Some(a), Some(b)) = (v4, v6) {
            self.families_agree(a, b);
        }
        // The certificate clients are served: IPv4's, else IPv6's.
        let served = v4
            .and_then(|b| b.cert_hash)
            .or(v6.and_then(|b| b.cert_hash));
        if let Some(h) = served {
            if let Some(e) = self.entry(&h) {
                let cert = e.certificate.clone();
                self.served_certificate(&cert, h);
            }
            self.registry_hash_vs_bound(h);
            self.bound_vs_intended(h);
        }
    }

    /// No binding on `ep`: a warning when the service will create it at
    /// its next start, else an error; the fix adds it for the target
    /// unless the service's own binding will be the target.
    fn missing_binding(&mut self, ep: &Endpoint) {
        let will_bind = self.plumbing.mode == Mode::Auto
            && self
                .plumbing
                .changes
                .iter()
                .any(|c| matches!(c, super::plumbing::BindingChange::Add { .. }));
        let (sev, msg) = if will_bind {
            (
                Severity::Warning,
                format!("no SSL binding on {ep}; the service will create one when it next starts"),
            )
        } else {
            (
                Severity::Error,
                format!(
                    "no SSL binding on {ep}: clients of this address family cannot complete the TLS handshake"
                ),
            )
        };
        let next_is_target = self.plumbing.bound.is_some() && self.plumbing.bound == self.target();
        let fix = match self.target() {
            Some(t) if !will_bind || !next_is_target => {
                let mut f: Vec<String> = render_add_command(&SslBinding::sstp(ep.clone(), t))
                    .ok()
                    .into_iter()
                    .collect();
                f.extend(self.restart());
                f
            }
            Some(_) => self.restart(),
            None => self.obtain_fix(),
        };
        self.push(
            Finding::new(FindingCode::NoBinding, sev, msg)
                .at(ep)
                .fix(fix),
        );
    }

    /// A binding on `ep` made by another application: an error when the
    /// service logged Event 32 (admin mode), else a warning that SSTP
    /// adopts its certificate.
    fn binding_owner(&mut self, ep: &Endpoint, b: &SslBinding) {
        if b.is_sstp() {
            return;
        }
        let app = b
            .app_id
            .map(|a| {
                a.well_known_name()
                    .map_or_else(|| a.to_string(), |n| format!("{a} ({n})"))
            })
            .unwrap_or_else(|| "no application id".to_owned());
        let admin = self.input.parameters.is_hash_configured_by_admin.value;
        let event32 = admin && self.plumbing.events.iter().any(|e| e.id.number() == 32);
        self.push(
            Finding::new(
                FindingCode::OtherApplicationOwnsPair,
                if event32 { Severity::Error } else { Severity::Warning },
                if event32 {
                    format!("Event 32: {ep} is bound by another application ({app}) to another certificate than the one configured for SSTP; the service changes nothing")
                } else {
                    format!("{ep} is bound by another application ({app}); in automatic mode SSTP adopts that application's certificate")
                },
            )
            .at(ep),
        );
    }

    /// A binding that names a store other than `MY`.
    fn binding_store(&mut self, ep: &Endpoint, b: &SslBinding) {
        if let Some(store) = &b.store_name
            && !store.eq_ignore_ascii_case("MY")
        {
            self.push(
                Finding::new(
                    FindingCode::BindingStoreNotMy,
                    Severity::Warning,
                    format!("{ep}: the binding names the store {store:?}; the SSTP service binds from MY (LocalMachine\\Personal)"),
                )
                .at(ep),
            );
        }
    }

    /// The certificate a binding names: named at all, in the store, and
    /// usable (a private key, a server EKU).
    fn bound_certificate(&mut self, ep: &Endpoint, b: &SslBinding) {
        let Some(h) = b.cert_hash else {
            let fix = self.target_fix();
            self.push(
                Finding::new(
                    FindingCode::BindingWithoutHash,
                    Severity::Error,
                    format!("{ep}: the binding names no certificate"),
                )
                .at(ep)
                .fix(fix),
            );
            return;
        };
        let Some(e) = self.entry(&h) else {
            let fix = self.target_fix();
            self.push(
                Finding::new(
                    FindingCode::BindingCertificateMissing,
                    Severity::Error,
                    format!("{ep}: bound to certificate {h}, which is not in the store. HTTP.sys may still hold its context in memory, so connections keep working — until the next reboot, after which every TLS handshake fails"),
                )
                .at(ep)
                .cert(h)
                .fix(fix),
            );
            return;
        };
        let cand = self.choice.candidates.iter().find(|c| c.sha1() == h);
        let why = if !e.key.counts_as_key() {
            format!("it has no usable private key ({})", e.key)
        } else if cand.is_some_and(|c| c.purpose == Purpose::NotForServer) {
            "its effective EKU is neither Server Authentication nor Any Purpose".to_owned()
        } else {
            return;
        };
        let fix = self.target_fix();
        self.push(
            Finding::new(
                FindingCode::BoundCertificateUnusable,
                Severity::Error,
                format!(
                    "{ep}: bound to {h} ({}), but {why}: TLS handshakes fail",
                    e.source
                ),
            )
            .at(ep)
            .cert(h)
            .fix(fix),
        );
    }

    /// IPv4 and IPv6 must serve the same certificate (the same issuer and
    /// serial number, as the service compares them).
    fn families_agree(&mut self, a: &SslBinding, b: &SslBinding) {
        let (Some(ha), Some(hb)) = (a.cert_hash, b.cert_hash) else {
            return;
        };
        if ha == hb {
            return;
        }
        let same = match (self.entry(&ha), self.entry(&hb)) {
            (Some(x), Some(y)) => x.certificate.same_issuer_and_serial(&y.certificate),
            _ => false,
        };
        if same {
            return;
        }
        let fix = self.target_fix();
        let event24 = a.is_sstp() == b.is_sstp();
        self.push(
            Finding::new(
                FindingCode::BindingsDiffer,
                Severity::Error,
                format!(
                    "{}{} is bound to {ha} but {} to {hb}: clients get a different certificate depending on the address family, and crypto binding fails for one of them",
                    if event24 { "Event 24: " } else { "" },
                    a.endpoint,
                    b.endpoint,
                ),
            )
            .fix(fix),
        );
    }

    fn served_certificate(&mut self, cert: &Certificate, h: Sha1Thumbprint) {
        let fix = match self.target() {
            Some(t) if t == h => Vec::new(),
            Some(t) => self.rebind_fix(t),
            None => self.obtain_fix(),
        };
        self.expiring_soon(cert, h, "the bound certificate");
        for w in warnings_for(cert, self.input.at) {
            let (code, sev) = match w.code {
                WarningCode::Expired => (FindingCode::BoundCertificateExpired, Severity::Error),
                WarningCode::NotYetValid => {
                    (FindingCode::BoundCertificateNotYetValid, Severity::Error)
                }
                _ => (FindingCode::CertificateWarning, Severity::Warning),
            };
            let f = Finding::new(
                code,
                sev,
                format!(
                    "bound certificate {h}: {} ({}); {}",
                    w.message, w.code, w.consequence
                ),
            )
            .cert(h);
            let f = if sev == Severity::Error {
                f.fix(fix.clone())
            } else {
                f
            };
            self.push(f);
        }
        let windows_eku = Profile::WindowsClient.check_eku(cert.eku());
        if !windows_eku.accepted {
            self.push(
                Finding::new(
                    FindingCode::ClientEkuRefused,
                    Severity::Error,
                    format!(
                        "client Event 16: the Windows SSTP client refuses the bound certificate {h}: {}",
                        windows_eku.explanation
                    ),
                )
                .cert(h)
                .fix(fix.clone()),
            );
        }
        if let Some(host) = &self.input.host {
            for p in Profile::ALL {
                let v = p.check(cert, host);
                if p == Profile::SstpcLinux {
                    self.push(Finding {
                        profile: Some(p),
                        ..Finding::new(
                            FindingCode::NoHostNameCheck,
                            Severity::Info,
                            format!("sstp-client on Linux does not check that the certificate names {host}: any certificate from a CA it trusts is accepted, so a man in the middle is not detected"),
                        )
                        .cert(h)
                    });
                    continue;
                }
                if v.matched() {
                    continue;
                }
                let reasons: Vec<String> = v.reasons().iter().map(ToString::to_string).collect();
                let sev = if p == Profile::WindowsClient {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                self.push(Finding {
                    profile: Some(p),
                    ..Finding::new(
                        FindingCode::HostNameMismatch,
                        sev,
                        format!(
                            "{}: the bound certificate {h} does not name {host} ({}); {}",
                            p.title(),
                            reasons.join("; "),
                            v.consequence.clone().unwrap_or_default()
                        ),
                    )
                    .cert(h)
                    .fix(fix.clone())
                });
            }
        }
    }

    fn registry_hash_vs_bound(&mut self, h: Sha1Thumbprint) {
        let p = self.input.parameters;
        let entry = self.entry(&h);
        let mut mismatches = Vec::new();
        if p.sha256_enabled.value
            && let HashState::Valid { hash } = &p.sha256_certificate_hash
            && let Some(e) = entry
            && e.certificate.sha256() != *hash
        {
            mismatches.push(format!(
                "SHA256CertificateHash is {hash} but clients see {}",
                e.certificate.sha256()
            ));
        }
        if p.sha1_enabled.value
            && let HashState::Valid { hash } = &p.sha1_certificate_hash
            && *hash != h
        {
            mismatches.push(format!("SHA1CertificateHash is {hash} but clients see {h}"));
        }
        if mismatches.is_empty() {
            return;
        }
        // Make the hashes right for the one certificate this report
        // recommends: for the bound one when it is that one, else by the
        // whole change procedure (behaviour §11: never pin a refused one).
        let fix = match self.target() {
            Some(t) if t == h => {
                let mut fix = self.hash_fix(h);
                fix.extend(self.restart());
                fix
            }
            Some(t) => self.rebind_fix(t),
            None => self.obtain_fix(),
        };
        self.push(
            Finding::new(
                FindingCode::RegistryHashMismatch,
                Severity::Error,
                format!(
                    "{}: the crypto-binding check fails after authentication and clients log Event 6 (the certificate hash differs)",
                    mismatches.join("; ")
                ),
            )
            .cert(h)
            .fix(fix),
        );
    }

    fn bound_vs_intended(&mut self, h: Sha1Thumbprint) {
        let intended_given = self.input.intended.is_some() && self.input.intended == self.target();
        if !intended_given && self.eligible_count() <= 1 {
            return;
        }
        let Some(t) = self.target() else { return };
        if t == h || !self.eligible(&t) {
            return;
        }
        let why = if intended_given {
            "the certificate you intend"
        } else {
            "the recommended one"
        };
        self.push(
            Finding::new(
                FindingCode::BoundNotIntended,
                Severity::Warning,
                format!(
                    "{} certificates are eligible and the bound one ({h}) is not {why} ({t}); existing bindings win over a fresh choice, so the service keeps serving {h}",
                    self.eligible_count()
                ),
            )
            .cert(h)
            .fix(self.rebind_fix(t)),
        );
    }

    /// A certificate in service that expires soon: a warning ([behaviour §11](crate::behaviour)).
    fn expiring_soon(&mut self, cert: &Certificate, h: Sha1Thumbprint, what: &str) {
        let Some(at) = self.input.at else { return };
        if !expires_within(cert, at, self.input.expiry_warning_days) {
            return;
        }
        let not_after = cert.validity().not_after;
        let days = (not_after - at).whole_days();
        let fix = match self.target() {
            Some(t) if t != h => self.rebind_fix(t),
            _ => vec![format!(
                "rem renew it before it expires: obtain {}",
                self.recommendation.requirements()
            )],
        };
        self.push(
            Finding::new(
                FindingCode::CertificateExpiringSoon,
                Severity::Warning,
                format!(
                    "{what} {h} expires in {days} day(s), on {} (warning threshold: {} days); after that clients fail with CERT_E_EXPIRED (0x800B0101)",
                    super::advice::rfc3339(not_after),
                    self.input.expiry_warning_days
                ),
            )
            .cert(h)
            .fix(fix),
        );
    }

    /// The certificate the service would bind at its next start ([behaviour §6](crate::behaviour)),
    /// when it is not the one bound now (judged by `bindings`): clients
    /// refusing it is an error ([behaviour §11](crate::behaviour)).
    fn next_start(&mut self) {
        let Some(n) = self.plumbing.bound else { return };
        if self.input.bindings_known {
            let port = self.port;
            let served = [Endpoint::ipv4_wildcard(port), Endpoint::ipv6_wildcard(port)]
                .iter()
                .filter_map(|ep| self.input.bindings.iter().find(|b| b.endpoint == *ep))
                .find_map(|b| b.cert_hash);
            if served == Some(n) {
                return;
            }
        }
        let Some(entry) = self.entry(&n) else { return };
        let cert = entry.certificate.clone();
        let source = entry.source.clone();
        let when = if self.input.bindings_known {
            "at its next start the service binds".to_owned()
        } else {
            "the bindings were not given; if nothing is bound now, at its next start the service binds".to_owned()
        };
        let refusals = client_refusals(&cert, self.input.at, self.input.host.as_ref());
        if refusals.is_empty() {
            self.expiring_soon(
                &cert,
                n,
                "the certificate the service binds at its next start,",
            );
            return;
        }
        let why: Vec<String> = refusals.iter().map(|r| r.explain()).collect();
        let fix = match self.target() {
            Some(t) if t != n => self.rebind_fix(t),
            Some(_) => Vec::new(),
            None => self.obtain_fix(),
        };
        self.push(
            Finding::new(
                FindingCode::NextStartCertificateRefused,
                Severity::Error,
                format!(
                    "{when} {n} ({source}), which clients refuse: {}. The service binds it all the same (it does not check validity or names), so SSTP connections fail",
                    why.join("; ")
                ),
            )
            .cert(n)
            .fix(fix),
        );
    }

    fn intended(&mut self) {
        let Some(t) = self.input.intended else { return };
        if self.eligible(&t) {
            if self.target() != Some(t)
                && let Some(e) = self.entry(&t)
            {
                let refusals =
                    client_refusals(&e.certificate, self.input.at, self.input.host.as_ref());
                let why: Vec<String> = refusals.iter().map(|r| r.explain()).collect();
                let instead = match self.target() {
                    Some(r) => format!(
                        "the fixes in this report use the recommended certificate {r} instead"
                    ),
                    None => "no certificate in the store qualifies, so no fix binds one".to_owned(),
                };
                let fix = match self.target() {
                    Some(_) => Vec::new(),
                    None => self.obtain_fix(),
                };
                self.push(
                    Finding::new(
                        FindingCode::IntendedCertificateRefused,
                        Severity::Warning,
                        format!(
                            "the intended certificate {t} ({}) is one clients refuse: {}; {instead}",
                            e.source,
                            why.join("; ")
                        ),
                    )
                    .cert(t)
                    .fix(fix),
                );
            }
            return;
        }
        let why = match self.entry(&t) {
            None => "it is not in the store".to_owned(),
            Some(e) => {
                let c = self.choice.candidates.iter().find(|c| c.sha1() == t);
                let codes: Vec<&str> = c
                    .map(|c| c.reasons.iter().map(|r| r.code()).collect())
                    .unwrap_or_default();
                format!("{} is not eligible ({})", e.source, codes.join(", "))
            }
        };
        self.push(
            Finding::new(
                FindingCode::IntendedCertificateUnusable,
                Severity::Error,
                format!("the intended certificate {t} cannot be bound: {why}"),
            )
            .cert(t),
        );
    }

    fn port(&mut self) {
        let Some(status) = &self.input.port else {
            return;
        };
        for (ep, st) in [
            (Endpoint::ipv4_wildcard(status.port), &status.ipv4),
            (Endpoint::ipv6_wildcard(status.port), &status.ipv6),
        ] {
            if st.blocks_listener() {
                self.push(
                    Finding::new(
                        FindingCode::PortUnavailable,
                        Severity::Error,
                        format!("Event 22: the listener cannot be set up on {ep}: {st}"),
                    )
                    .at(&ep)
                    .fix(vec![format!(
                        "netstat -ano -p tcp | findstr :{}",
                        status.port
                    )]),
                );
            }
        }
    }

    /// Whether a registry write of the service changes what the key holds
    /// (the service rewrites identical hashes at every start).
    fn write_changes(&self, w: &RegistryWrite) -> bool {
        let p = self.input.parameters;
        match w {
            RegistryWrite::Delete { .. } => true,
            RegistryWrite::Set { name, value } => {
                let same = if name.eq_ignore_ascii_case(names::SHA256_CERTIFICATE_HASH) {
                    matches!((value, &p.sha256_certificate_hash),
                        (RegValue::Binary(b), HashState::Valid { hash }) if b[..] == hash.as_bytes()[..])
                } else if name.eq_ignore_ascii_case(names::SHA1_CERTIFICATE_HASH) {
                    matches!((value, &p.sha1_certificate_hash),
                        (RegValue::Binary(b), HashState::Valid { hash }) if b[..] == hash.as_bytes()[..])
                } else if name.eq_ignore_ascii_case(names::IS_HASH_CONFIGURED_BY_ADMIN) {
                    matches!(value, RegValue::Dword(v) if (*v != 0) == p.is_hash_configured_by_admin.value)
                } else {
                    false
                };
                !same
            }
        }
    }

    fn plumbing_changes(&mut self) {
        let writes: Vec<&RegistryWrite> = self
            .plumbing
            .registry_writes
            .iter()
            .filter(|w| self.write_changes(w))
            .collect();
        if self.plumbing.changes.is_empty() && writes.is_empty() {
            return;
        }
        let mut what: Vec<String> = self
            .plumbing
            .changes
            .iter()
            .map(|c| match c.render() {
                Ok(line) => format!("{line} ({})", c.reason()),
                Err(_) => format!("change {} ({})", c.endpoint(), c.reason()),
            })
            .collect();
        what.extend(writes.iter().map(|w| format!("write {}", w.name())));
        self.push(Finding::new(
            FindingCode::ServiceWillRebind,
            Severity::Info,
            format!("when the service next starts it will: {}", what.join("; ")),
        ));
    }

    /// Merges a finding about `[::]:<port>` into the same finding about
    /// `0.0.0.0:<port>` when they differ only in the endpoint.
    fn coalesce_pairs(&mut self) {
        let v4 = Endpoint::ipv4_wildcard(self.port);
        let v6 = Endpoint::ipv6_wildcard(self.port);
        let (v4s, v6s) = (v4.to_string(), v6.to_string());
        let both = format!("{v4s} and {v6s}");
        let mut i = 0;
        while i < self.findings.len() {
            if self.findings[i].endpoint.as_ref() == Some(&v4) {
                let twin = self.findings.iter().position(|g| {
                    g.endpoint.as_ref() == Some(&v6)
                        && g.code == self.findings[i].code
                        && g.certificate == self.findings[i].certificate
                        && g.fix == self.findings[i].fix
                        && g.message == self.findings[i].message.replace(&v4s, &v6s)
                });
                if let Some(j) = twin {
                    self.findings.remove(j);
                    let f = &mut self.findings[if j < i { i - 1 } else { i }];
                    f.message = f.message.replace(&v4s, &both);
                    f.endpoint = None;
                }
            }
            i += 1;
        }
    }

    fn finish(mut self) -> Diagnosis {
        self.coalesce_pairs();
        self.findings.sort_by_key(|f| f.severity);
        let mut events = self.plumbing.events.clone();
        if let Some(p) = &self.input.port {
            events.extend(p.events());
        }
        Diagnosis {
            findings: self.findings,
            events,
            plumbing: self.plumbing,
            choice: self.choice,
            recommendation: self.recommendation,
            target: self.target,
            unknown_inputs: self
                .input
                .unknown_inputs()
                .into_iter()
                .map(Assumption::from)
                .collect(),
        }
    }
}
