//! The procedure for changing the SSTP certificate, as commands to paste
//! ([behaviour §0.2](crate::behaviour)).
//!
//! Deleting the old certificate, importing the new one and restarting RRAS
//! is **not enough**: the old bindings stay, HTTP.sys serves the old
//! certificate from memory, and connections fail after the next reboot
//! ([behaviour §7](crate::behaviour)). [`plan_certificate_change`] writes the correct procedure for
//! a given machine state: which bindings and registry values to delete,
//! whether the bindings must be added explicitly, and the restart — each
//! step a [`PlanStep`] that renders to the exact line a person pastes into
//! an elevated `cmd.exe`.
//!
//! # Example
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::plan::{plan_certificate_change, PlanCase, PlanInput, PlanOptions};
//! use sstp_cert::model::registry::SstpParameters;
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
//! let new = Certificate::from_der(der)?;
//! let store = vec![StoreEntry::new(new.clone(), KeyState::Linked, "new")];
//! let parameters = SstpParameters::default();
//!
//! let plan = plan_certificate_change(
//!     &PlanInput::new(&store, &[], &parameters),
//!     &new.sha1(),
//!     &PlanOptions::default(),
//! )?;
//! // the only eligible certificate: nothing to delete, the service binds it
//! assert_eq!(plan.case, PlanCase::OnlyEligible);
//! assert_eq!(plan.render()?, ["net stop sstpsvc /y", "net start remoteaccess"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The steps
//!
//! In this order; every step appears only when it has something to do:
//!
//! | # | step | line | when |
//! |---|---|---|---|
//! | 1 | delete the old certificate | `certutil -delstore MY <40 hex>` | [`PlanOptions::delete_old_certificate`], for each certificate bound on the pair that is in the store and is not the new one |
//! | 2 | delete the IPv4 binding | `netsh http delete sslcert ipport=0.0.0.0:<port>` | a binding exists on it (any application), or the bindings are unknown |
//! | 3 | delete the IPv6 binding | `netsh http delete sslcert ipport=[::]:<port>` | a binding exists on it, or the bindings are unknown |
//! | 4 | automatic mode: delete the recorded hashes | `reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f` (and `SHA1CertificateHash`; with an unknown registry also `isHashConfiguredByAdmin`) | the value exists (valid or not), or the registry is unknown |
//! | 4′ | admin mode: write the new hashes | `reg add "…\Parameters" /v SHA256CertificateHash /t REG_BINARY /d <hex> /f`, same for `SHA1CertificateHash` | `isHashConfiguredByAdmin` = 1 |
//! | 5 | re-enable a hash protocol | `reg add "…\Parameters" /v SHA256Enabled /t REG_DWORD /d 1 /f` | both `SHA256Enabled` and `SHA1Enabled` are 0, or the registry is unknown |
//! | 6 | add both bindings (Case 2) | `netsh http add sslcert ipport=0.0.0.0:<port> certhash=<40 hex> appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY`, then `[::]:<port>` | more than one eligible certificate |
//! | 7 | restart | `net stop sstpsvc /y`, `net start remoteaccess` | always |
//!
//! **Case 1** ([`PlanCase::OnlyEligible`]): the new certificate is the
//! only eligible one (after step 1), so the restarted service chooses it
//! itself. **Case 2** ([`PlanCase::SeveralEligible`]): the automatic choice
//! might take another one, so the bindings are added explicitly and the
//! service adopts them. The port is the listener port from the parameters.
//!
//! # Decisions where [behaviour §0.2](crate::behaviour) is silent
//!
//! * **Admin mode** (`isHashConfiguredByAdmin` = 1): deleting
//!   `SHA256CertificateHash` would log Event 18 and leave SSTP without
//!   connections. The plan **writes the new certificate's SHA-256 and SHA-1
//!   hashes** instead and keeps admin mode: the administrator pinned the
//!   certificate on purpose, and resetting the flag would silently switch
//!   the machine to automatic selection. Both hashes are written so that
//!   `SHA1Enabled` (which makes admin mode look up by SHA-1) cannot break
//!   it. In Case 2 the bindings are still added explicitly, so they are
//!   right even before the restart.
//! * **Automatic mode** deletes `SHA1CertificateHash` too when it exists:
//!   the service writes both again, and a stale or malformed SHA-1 value
//!   would log Event 19 when `SHA1Enabled` is set.
//! * **`UseHttps` = 0** is refused ([`PlanError::PlainHttp`]): the
//!   certificate lives on the load balancer, not on this machine.
//! * **No hash protocol enabled** would make every crypto binding fail
//!   whatever the certificate, so the plan re-enables SHA-256.
//! * **The old certificate** is the one bound on the pair; certificates
//!   that are bound but not in the store, and the new certificate itself,
//!   are never deleted. With known inputs only what exists is deleted: a
//!   binding that is not there or a registry value that is missing gets no
//!   step (`netsh` and `reg` would report an error for it).
//! * **Unknown is not empty** ([behaviour §11](crate::behaviour)): bindings or a registry that were
//!   not given ([`PlanInput::from_state`]) are not taken as empty. The plan
//!   deletes both wildcard bindings, and `SHA256CertificateHash`,
//!   `SHA1CertificateHash` and `isHashConfiguredByAdmin`, in case they
//!   exist: deleting what does not exist prints an error and changes
//!   nothing, while a stale hash or binding left in place is the trap of
//!   [behaviour §0.2](crate::behaviour). Deleting the admin flag too keeps the plan safe when the
//!   machine turns out to be in admin mode (deleting only the hash would
//!   log Event 18), and `SHA256Enabled` is set to 1, its default, in case
//!   it was 0. [`Plan::unknown_inputs`] lists what was assumed.
//! * **A certificate clients refuse** (expired or not yet valid at
//!   [`PlanInput::at`], not naming [`PlanInput::host`] for the Windows
//!   client, an EKU or key usage clients refuse) is refused with
//!   [`PlanError::RefusedByClients`] ([behaviour §11](crate::behaviour)): no plan binds it, and
//!   there is deliberately no override. A certificate that becomes valid
//!   later is planned for that time by passing it as `at`.
//! * **The service is assumed to be running** (`net stop` of a stopped
//!   service prints error 3521 and changes nothing).

use std::fmt;

use time::OffsetDateTime;

use super::advice::{Refusal, client_refusals};
use super::choice::{Candidate, Choice, ChoiceOptions, Reason, choose};
use super::hostname::ReferenceId;
use super::httpsys::{
    AddCommandError, Endpoint, SslBinding, render_add_command, render_delete_command,
};
use super::plumbing::{Family, Mode};
use super::registry::{HashState, RegistryWrite, SstpParameters, UnwritableValue, names};
use super::state::{Assumption, MachineState, UnknownInput};
use super::store::StoreEntry;
use super::thumbprint::{Sha1Thumbprint, Sha256Hash};

/// What [`plan_certificate_change`] works on: the machine state now, with
/// the new certificate already imported.
///
/// The bindings and the registry may be **unknown** ([behaviour §11](crate::behaviour)): then
/// [`PlanInput::bindings_known`] / [`PlanInput::registry_known`] is false,
/// the slices hold what is assumed ([`MachineState::bindings_or_assumed`],
/// the default parameters), and the plan includes the steps for them
/// anyway. [`PlanInput::from_state`] sets this from a [`MachineState`].
///
/// ```
/// use sstp_cert::model::plan::PlanInput;
/// use sstp_cert::model::registry::SstpParameters;
/// let parameters = SstpParameters::default();
/// let input = PlanInput::new(&[], &[], &parameters);
/// assert!(input.store.is_empty());
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PlanInput<'a> {
    /// The store (`MY`), in enumeration order, holding the new certificate.
    pub store: &'a [StoreEntry],
    /// Every HTTP.sys SSL binding.
    pub bindings: &'a [SslBinding],
    /// The `SstpSvc\Parameters` key, typed.
    pub parameters: &'a SstpParameters,
    /// Whether the bindings were given; when false, `bindings` is what is
    /// assumed and both wildcard bindings are deleted anyway.
    pub bindings_known: bool,
    /// Whether the registry key was given; when false, `parameters` are the
    /// assumed defaults and the hashes and the admin flag are deleted
    /// anyway.
    pub registry_known: bool,
    /// The time the new certificate must be valid at ([behaviour §11](crate::behaviour)); `None`:
    /// validity is not judged. The CLI passes `--at` or the clock.
    pub at: Option<OffsetDateTime>,
    /// The host clients dial, when known: the new certificate must name it
    /// for the Windows client.
    pub host: Option<&'a ReferenceId>,
}

impl<'a> PlanInput<'a> {
    /// The input for a saved machine state; `parameters` must be
    /// [`MachineState::parameters`] of it. What the state does not know is
    /// unknown here too.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanInput;
    /// use sstp_cert::model::state::{MachineState, UnknownInput};
    /// let state = MachineState::new(Vec::new());
    /// let parameters = state.parameters();
    /// let input = PlanInput::from_state(&state, &parameters);
    /// assert_eq!(input.unknown_inputs(), [UnknownInput::Bindings, UnknownInput::Registry]);
    /// ```
    pub fn from_state(state: &'a MachineState, parameters: &'a SstpParameters) -> Self {
        PlanInput {
            store: &state.store,
            bindings: state.bindings_or_assumed(),
            parameters,
            bindings_known: state.knows(UnknownInput::Bindings),
            registry_known: state.knows(UnknownInput::Registry),
            at: None,
            host: None,
        }
    }

    /// Judges the new certificate at `at` ([behaviour §11](crate::behaviour)).
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let t = time::macros::datetime!(2026-11-22 0:00 UTC);
    /// assert_eq!(PlanInput::new(&[], &[], &parameters).at(t).at, Some(t));
    /// ```
    pub fn at(mut self, at: OffsetDateTime) -> Self {
        self.at = Some(at);
        self
    }

    /// Requires the new certificate to name `host` for the Windows client.
    ///
    /// ```
    /// use sstp_cert::model::hostname::ReferenceId;
    /// use sstp_cert::model::plan::PlanInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// let h = ReferenceId::parse("vpn.example.com").unwrap();
    /// assert!(PlanInput::new(&[], &[], &parameters).for_host(&h).host.is_some());
    /// ```
    pub fn for_host(mut self, host: &'a ReferenceId) -> Self {
        self.host = Some(host);
        self
    }

    /// The inputs that are unknown, in a fixed order (bindings, registry).
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// assert!(PlanInput::new(&[], &[], &parameters).unknown_inputs().is_empty());
    /// ```
    pub fn unknown_inputs(&self) -> Vec<UnknownInput> {
        UnknownInput::not_known(self.bindings_known, self.registry_known)
    }

    /// The input from its parts, all of them known.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanInput;
    /// use sstp_cert::model::registry::SstpParameters;
    /// let parameters = SstpParameters::default();
    /// assert!(PlanInput::new(&[], &[], &parameters).bindings.is_empty());
    /// ```
    pub fn new(
        store: &'a [StoreEntry],
        bindings: &'a [SslBinding],
        parameters: &'a SstpParameters,
    ) -> Self {
        PlanInput {
            store,
            bindings,
            parameters,
            bindings_known: true,
            registry_known: true,
            at: None,
            host: None,
        }
    }
}

/// Options of [`plan_certificate_change`].
///
/// ```
/// use sstp_cert::model::plan::PlanOptions;
/// assert!(!PlanOptions::default().delete_old_certificate);
/// assert!(PlanOptions::default().deleting_old_certificate().delete_old_certificate);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Delete the certificate(s) bound now from the store first
    /// (`certutil -delstore MY <thumbprint>`).
    pub delete_old_certificate: bool,
}

impl PlanOptions {
    /// Also deletes the old bound certificate from the store.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanOptions;
    /// let o = PlanOptions::default().deleting_old_certificate();
    /// assert!(o.delete_old_certificate);
    /// ```
    pub fn deleting_old_certificate(mut self) -> Self {
        self.delete_old_certificate = true;
        self
    }
}

/// Which of [behaviour §0.2](crate::behaviour)'s two cases applies. Serialises as `"only-eligible"`
/// or `"several-eligible"`.
///
/// ```
/// use sstp_cert::model::plan::PlanCase;
/// assert_eq!(PlanCase::SeveralEligible.number(), 2);
/// # #[cfg(feature = "serde")] {
/// assert_eq!(serde_json::to_string(&PlanCase::OnlyEligible).unwrap(), "\"only-eligible\"");
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum PlanCase {
    /// Case 1: the new certificate is the only eligible one; the service
    /// chooses it by itself after the restart.
    OnlyEligible,
    /// Case 2: several eligible certificates; both bindings are added
    /// explicitly.
    SeveralEligible,
}

impl PlanCase {
    /// 1 or 2, as [behaviour §0.2](crate::behaviour) numbers them.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanCase;
    /// assert_eq!(PlanCase::OnlyEligible.number(), 1);
    /// ```
    pub const fn number(self) -> u8 {
        match self {
            PlanCase::OnlyEligible => 1,
            PlanCase::SeveralEligible => 2,
        }
    }
}

/// One step of the procedure. [`PlanStep::render`] gives the line to paste.
///
/// Serialises with a `step` tag: `{"step": "delete-binding", "endpoint":
/// "0.0.0.0:443"}`, `{"step": "registry", "write": {"op": "delete", …}}`,
/// `{"step": "stop-service"}`, ….
///
/// ```
/// use sstp_cert::model::httpsys::Endpoint;
/// use sstp_cert::model::plan::PlanStep;
/// assert_eq!(
///     PlanStep::DeleteBinding { endpoint: Endpoint::ipv4_wildcard(443) }.render().unwrap(),
///     "netsh http delete sslcert ipport=0.0.0.0:443"
/// );
/// assert_eq!(PlanStep::StopService.render().unwrap(), "net stop sstpsvc /y");
/// assert_eq!(PlanStep::StartService.render().unwrap(), "net start remoteaccess");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "step", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum PlanStep {
    /// `certutil -delstore MY <thumbprint>`.
    DeleteCertificate {
        /// The certificate's SHA-1 thumbprint.
        sha1: Sha1Thumbprint,
    },
    /// `netsh http delete sslcert ipport=…`.
    DeleteBinding {
        /// The endpoint.
        endpoint: Endpoint,
    },
    /// `reg add …` / `reg delete …` on the `Parameters` key.
    Registry {
        /// The write.
        write: RegistryWrite,
    },
    /// `netsh http add sslcert ipport=… certhash=… appid={…} certstorename=MY`.
    AddBinding {
        /// The binding ([`SslBinding::sstp`]), boxed to keep the enum small.
        binding: Box<SslBinding>,
    },
    /// `net stop sstpsvc /y` (stops RemoteAccess too, which depends on it).
    StopService,
    /// `net start remoteaccess` (starts SstpSvc too).
    StartService,
}

/// Why a [`PlanStep`] could not be written as a command line.
///
/// ```
/// use sstp_cert::model::plan::{PlanRenderError, PlanStep};
/// use sstp_cert::model::registry::{RegValue, RegistryWrite};
/// let odd = PlanStep::Registry { write: RegistryWrite::set("X", RegValue::Other { type_code: 0, data: vec![] }) };
/// assert!(matches!(odd.render(), Err(PlanRenderError::Registry(_))));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanRenderError {
    /// A `netsh` line could not be written.
    #[error(transparent)]
    Netsh(#[from] AddCommandError),
    /// A `reg` line could not be written.
    #[error(transparent)]
    Registry(#[from] UnwritableValue),
}

impl PlanStep {
    /// The command line to paste (for `cmd.exe`, elevated), using the
    /// `httpsys` and `registry` renderers.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanStep;
    /// use sstp_cert::model::registry::RegistryWrite;
    /// use sstp_cert::model::thumbprint::Sha1Thumbprint;
    /// let t = Sha1Thumbprint::from_bytes([0x3a; 20]);
    /// assert_eq!(
    ///     PlanStep::DeleteCertificate { sha1: t }.render().unwrap(),
    ///     format!("certutil -delstore MY {t}")
    /// );
    /// assert_eq!(
    ///     PlanStep::Registry { write: RegistryWrite::delete("SHA256CertificateHash") }.render().unwrap(),
    ///     r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f"#
    /// );
    /// ```
    ///
    /// # Errors
    ///
    /// [`PlanRenderError`] for a binding or registry value the tools cannot
    /// write (never for the steps [`plan_certificate_change`] makes).
    pub fn render(&self) -> Result<String, PlanRenderError> {
        Ok(match self {
            PlanStep::DeleteCertificate { sha1 } => format!("certutil -delstore MY {sha1}"),
            PlanStep::DeleteBinding { endpoint } => render_delete_command(endpoint)?,
            PlanStep::Registry { write } => write.to_reg_command()?,
            PlanStep::AddBinding { binding } => render_add_command(binding)?,
            PlanStep::StopService => "net stop sstpsvc /y".to_owned(),
            PlanStep::StartService => "net start remoteaccess".to_owned(),
        })
    }

    /// What the step is for, in a sentence.
    ///
    /// ```
    /// use sstp_cert::model::plan::PlanStep;
    /// assert!(PlanStep::StartService.purpose().contains("plumb"));
    /// ```
    pub fn purpose(&self) -> String {
        match self {
            PlanStep::DeleteCertificate { sha1 } => {
                format!("delete the old certificate {sha1} from LocalMachine\\MY")
            }
            PlanStep::DeleteBinding { endpoint } => format!(
                "delete the binding on {endpoint} (this also drops the certificate HTTP.sys keeps in memory for it)"
            ),
            PlanStep::Registry {
                write: RegistryWrite::Delete { name },
            } => format!("delete {name}; the service records the new certificate's hash itself"),
            PlanStep::Registry {
                write: RegistryWrite::Set { name, .. },
            } => format!("set {name}"),
            PlanStep::AddBinding { binding } => {
                format!("bind the new certificate on {} for SSTP", binding.endpoint)
            }
            PlanStep::StopService => "stop SSTP and Routing and Remote Access".to_owned(),
            PlanStep::StartService => {
                "start Routing and Remote Access and SSTP, which plumb the listener again"
                    .to_owned()
            }
        }
    }
}

/// The procedure: ordered steps and what they rely on.
///
/// ```
/// # use sstp_cert::model::certificate::Certificate;
/// # use sstp_cert::model::plan::{plan_certificate_change, PlanInput, PlanOptions};
/// # use sstp_cert::model::registry::SstpParameters;
/// # use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
/// # let new = Certificate::from_der(der)?;
/// # let store = vec![StoreEntry::new(new.clone(), KeyState::Linked, "new")];
/// # let parameters = SstpParameters::default();
/// let plan = plan_certificate_change(&PlanInput::new(&store, &[], &parameters), &new.sha1(), &PlanOptions::default())?;
/// assert_eq!(plan.port, 443);
/// assert!(plan.script()?.ends_with("net start remoteaccess\r\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Plan {
    /// The new certificate's SHA-1 thumbprint.
    pub new_certificate: Sha1Thumbprint,
    /// Its SHA-256 hash.
    pub new_sha256: Sha256Hash,
    /// Case 1 or Case 2.
    pub case: PlanCase,
    /// The mode the service is in ([`Mode::Auto`] or [`Mode::Admin`]).
    pub mode: Mode,
    /// The listener port the bindings are on.
    pub port: u16,
    /// The steps, in order.
    pub steps: Vec<PlanStep>,
    /// The inputs that were not given, and what was assumed for each
    /// ([behaviour §11](crate::behaviour)).
    pub unknown_inputs: Vec<Assumption>,
    /// Why the plan looks as it does, for people.
    pub notes: Vec<String>,
}

impl Plan {
    /// Every step's command line, in order.
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::plan::{plan_certificate_change, PlanInput, PlanOptions};
    /// # use sstp_cert::model::registry::SstpParameters;
    /// # use sstp_cert::model::store::{KeyState, StoreEntry};
    /// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
    /// # let new = Certificate::from_der(der)?;
    /// # let store = vec![StoreEntry::new(new.clone(), KeyState::Linked, "new")];
    /// # let parameters = SstpParameters::default();
    /// let plan = plan_certificate_change(&PlanInput::new(&store, &[], &parameters), &new.sha1(), &PlanOptions::default())?;
    /// assert_eq!(plan.render()?.len(), plan.steps.len());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The first [`PlanRenderError`] (never for a plan this module made).
    pub fn render(&self) -> Result<Vec<String>, PlanRenderError> {
        self.steps.iter().map(PlanStep::render).collect()
    }

    /// The lines as a batch file body (CRLF after each line).
    ///
    /// ```
    /// # use sstp_cert::model::certificate::Certificate;
    /// # use sstp_cert::model::plan::{plan_certificate_change, PlanInput, PlanOptions};
    /// # use sstp_cert::model::registry::SstpParameters;
    /// # use sstp_cert::model::store::{KeyState, StoreEntry};
    /// # let der = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap().cert.der().to_vec();
    /// # let new = Certificate::from_der(der)?;
    /// # let store = vec![StoreEntry::new(new.clone(), KeyState::Linked, "new")];
    /// # let parameters = SstpParameters::default();
    /// let plan = plan_certificate_change(&PlanInput::new(&store, &[], &parameters), &new.sha1(), &PlanOptions::default())?;
    /// assert_eq!(plan.script()?, "net stop sstpsvc /y\r\nnet start remoteaccess\r\n");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Plan::render`].
    pub fn script(&self) -> Result<String, PlanRenderError> {
        let mut out = String::new();
        for line in self.render()? {
            out.push_str(&line);
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

/// Why no plan can be made.
///
/// ```
/// use sstp_cert::model::plan::{plan_certificate_change, PlanError, PlanInput, PlanOptions};
/// use sstp_cert::model::registry::SstpParameters;
/// use sstp_cert::model::thumbprint::Sha1Thumbprint;
/// let parameters = SstpParameters::default();
/// let missing = Sha1Thumbprint::from_bytes([1; 20]);
/// let e = plan_certificate_change(&PlanInput::new(&[], &[], &parameters), &missing, &PlanOptions::default())
///     .unwrap_err();
/// assert_eq!(e, PlanError::NotInStore { sha1: missing });
/// assert!(e.to_string().contains("import it first"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "kebab-case"))]
pub enum PlanError {
    /// The new certificate is not in the store.
    #[error(
        "certificate {sha1} is not in LocalMachine\\MY: import it first (with its private key)"
    )]
    NotInStore {
        /// The thumbprint asked for.
        sha1: Sha1Thumbprint,
    },
    /// The new certificate is in the store but the service would not use
    /// it.
    #[error(
        "certificate {sha1} is in LocalMachine\\MY but the SSTP service cannot use it: {}",
        reasons.iter().map(|r| r.explain()).collect::<Vec<_>>().join("; ")
    )]
    NotEligible {
        /// The thumbprint asked for.
        sha1: Sha1Thumbprint,
        /// Why it is ineligible.
        reasons: Vec<Reason>,
    },
    /// Clients refuse the new certificate at the time asked ([behaviour §11](crate::behaviour)): the
    /// plan would bind a certificate nobody can connect with, so none is
    /// made. There is no override: plan for a later time with `at` when the
    /// certificate is not valid yet.
    #[error(
        "certificate {sha1} is refused by clients, so no plan binds it: {}; choose another certificate, or obtain one that clients accept",
        refusals.iter().map(|r| r.explain()).collect::<Vec<_>>().join("; ")
    )]
    RefusedByClients {
        /// The thumbprint asked for.
        sha1: Sha1Thumbprint,
        /// Why clients refuse it.
        refusals: Vec<Refusal>,
    },
    /// `UseHttps` is 0: TLS ends at a load balancer.
    #[error(
        "UseHttps is 0: TLS is terminated by the load balancer, so change the certificate there and set SHA256CertificateHash to its SHA-256 hash"
    )]
    PlainHttp,
}

/// Plans the change to certificate `new` ([behaviour §0.2](crate::behaviour)) — see the [module
/// documentation](self) for the steps and decisions.
///
/// ```
/// use sstp_cert::model::certificate::Certificate;
/// use sstp_cert::model::httpsys::{Endpoint, SslBinding};
/// use sstp_cert::model::plan::{plan_certificate_change, PlanCase, PlanInput, PlanOptions};
/// use sstp_cert::model::registry::SstpParameters;
/// use sstp_cert::model::store::{KeyState, StoreEntry};
/// # let mk = |n: &str| Certificate::from_der(rcgen::generate_simple_self_signed(vec![n.into()]).unwrap().cert.der().to_vec()).unwrap();
/// let (old, new) = (mk("old.example.com"), mk("vpn.example.com"));
/// let store = vec![
///     StoreEntry::new(old.clone(), KeyState::Linked, "old"),
///     StoreEntry::new(new.clone(), KeyState::Linked, "new"),
/// ];
/// let bindings = vec![
///     SslBinding::sstp(Endpoint::ipv4_wildcard(443), old.sha1()),
///     SslBinding::sstp(Endpoint::ipv6_wildcard(443), old.sha1()),
/// ];
/// let parameters = SstpParameters::default();
/// let plan = plan_certificate_change(
///     &PlanInput::new(&store, &bindings, &parameters),
///     &new.sha1(),
///     &PlanOptions::default(),
/// )?;
/// assert_eq!(plan.case, PlanCase::SeveralEligible); // the old one is still eligible
/// let lines = plan.render()?;
/// assert_eq!(lines[0], "netsh http delete sslcert ipport=0.0.0.0:443");
/// assert_eq!(lines[1], "netsh http delete sslcert ipport=[::]:443");
/// assert!(lines[2].starts_with("netsh http add sslcert ipport=0.0.0.0:443 certhash="));
/// assert_eq!(lines[4..], ["net stop sstpsvc /y", "net start remoteaccess"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
///
/// [`PlanError::NotInStore`], [`PlanError::NotEligible`],
/// [`PlanError::RefusedByClients`] for the new certificate;
/// [`PlanError::PlainHttp`] when `UseHttps` is 0 (a known registry only:
/// an unknown one is assumed to be HTTPS).
pub fn plan_certificate_change(
    input: &PlanInput<'_>,
    new: &Sha1Thumbprint,
    options: &PlanOptions,
) -> Result<Plan, PlanError> {
    let mode = Mode::of(input.parameters);
    if mode == Mode::Http {
        return Err(PlanError::PlainHttp);
    }
    let verdicts = choose(input.store, &ChoiceOptions::windows());
    let candidate = qualifying_target(input, new, &verdicts)?;
    let port = input.parameters.listener().port;
    let mut draft = Draft {
        input,
        new,
        pair: Family::BOTH.map(|f| f.endpoint(port)),
        steps: Vec::new(),
        notes: Vec::new(),
    };
    // 1. The old certificate(s), when asked.
    let deleted = if options.delete_old_certificate {
        draft.delete_old_certificates()
    } else {
        Vec::new()
    };
    // Case 1 or 2, over the store as it will be.
    let eligible = eligible_after(&verdicts, &deleted);
    let case = if eligible <= 1 {
        PlanCase::OnlyEligible
    } else {
        PlanCase::SeveralEligible
    };
    // 2–3. Both bindings, whoever owns them.
    draft.delete_bindings(port);
    // 4. The registry hashes.
    let new_sha256 = candidate.sha256();
    draft.registry_hashes(mode, &new_sha256);
    // 5. A hash protocol for crypto binding.
    draft.hash_protocol();
    // 6. Case 2: the bindings, explicitly.
    draft.explicit_bindings(case, eligible);
    // 7. Restart.
    draft.steps.push(PlanStep::StopService);
    draft.steps.push(PlanStep::StartService);

    Ok(Plan {
        new_certificate: *new,
        new_sha256,
        case,
        mode,
        port,
        steps: draft.steps,
        unknown_inputs: input
            .unknown_inputs()
            .into_iter()
            .map(Assumption::from)
            .collect(),
        notes: draft.notes,
    })
}

/// The target's candidate, when the service may bind it and clients accept
/// it ([behaviour §11](crate::behaviour)); else why not.
fn qualifying_target<'c>(
    input: &PlanInput<'_>,
    new: &Sha1Thumbprint,
    verdicts: &'c Choice,
) -> Result<&'c Candidate, PlanError> {
    let candidate = verdicts
        .candidates
        .iter()
        .find(|c| c.sha1() == *new)
        .ok_or(PlanError::NotInStore { sha1: *new })?;
    if !candidate.eligible {
        return Err(PlanError::NotEligible {
            sha1: *new,
            reasons: candidate
                .reasons
                .iter()
                .copied()
                .filter(|r| r.excludes())
                .collect(),
        });
    }
    if let Some(entry) = input.store.iter().find(|e| e.certificate.sha1() == *new) {
        let refusals = client_refusals(&entry.certificate, input.at, input.host);
        if !refusals.is_empty() {
            return Err(PlanError::RefusedByClients {
                sha1: *new,
                refusals,
            });
        }
    }
    Ok(candidate)
}

/// How many distinct eligible certificates the store holds once `deleted`
/// are gone (Case 1 is at most one).
fn eligible_after(verdicts: &Choice, deleted: &[Sha1Thumbprint]) -> usize {
    let mut eligible: Vec<Sha1Thumbprint> = Vec::new();
    for c in verdicts.candidates.iter().filter(|c| c.eligible) {
        let sha1 = c.sha1();
        if !deleted.contains(&sha1) && !eligible.contains(&sha1) {
            eligible.push(sha1);
        }
    }
    eligible.len()
}

/// A plan being written: its steps and notes, in order.
struct Draft<'p, 'a> {
    input: &'p PlanInput<'a>,
    new: &'p Sha1Thumbprint,
    /// SSTP's wildcard pair on the listener port.
    pair: [Endpoint; 2],
    steps: Vec<PlanStep>,
    notes: Vec<String>,
}

impl Draft<'_, '_> {
    /// The bindings on SSTP's pair, as given.
    fn bound(&self) -> Vec<&SslBinding> {
        self.pair
            .iter()
            .filter_map(|e| self.input.bindings.iter().find(|b| &b.endpoint == e))
            .collect()
    }

    /// Step 1: deletes the certificates bound on the pair now (not the
    /// target, only those in the store); returns them.
    fn delete_old_certificates(&mut self) -> Vec<Sha1Thumbprint> {
        let input = self.input;
        let mut deleted: Vec<Sha1Thumbprint> = Vec::new();
        for h in self.bound().iter().filter_map(|b| b.cert_hash) {
            let in_store = input.store.iter().any(|e| e.certificate.sha1() == h);
            if h != *self.new && in_store && !deleted.contains(&h) {
                deleted.push(h);
            }
        }
        self.steps.extend(
            deleted
                .iter()
                .map(|&sha1| PlanStep::DeleteCertificate { sha1 }),
        );
        if !input.bindings_known {
            self.notes.push(
                "the bindings are unknown, so the certificate bound now is not known and none is deleted from the store"
                    .to_owned(),
            );
        } else if deleted.is_empty() {
            self.notes.push(
                "no old certificate to delete: nothing else is bound on the pair, or it is already gone from the store"
                    .to_owned(),
            );
        }
        deleted
    }

    /// Steps 2–3: deletes both bindings, whoever owns them; both when the
    /// bindings are unknown (deleting a binding that is not there changes
    /// nothing).
    fn delete_bindings(&mut self, port: u16) {
        let endpoints: Vec<Endpoint> = if self.input.bindings_known {
            self.bound()
                .into_iter()
                .map(|b| b.endpoint.clone())
                .collect()
        } else {
            self.notes.push(format!(
                "the bindings were not given: both wildcard bindings on port {port} are deleted in case they exist (netsh reports an error for one that does not, and changes nothing)"
            ));
            self.pair.to_vec()
        };
        self.steps.extend(
            endpoints
                .into_iter()
                .map(|endpoint| PlanStep::DeleteBinding { endpoint }),
        );
    }

    /// Step 4: the registry hashes — written in admin mode, deleted
    /// otherwise (all three values when the registry is unknown).
    fn registry_hashes(&mut self, mode: Mode, new_sha256: &Sha256Hash) {
        let parameters = self.input.parameters;
        match mode {
            Mode::Admin => {
                self.registry(RegistryWrite::set_sha256_hash(new_sha256));
                self.registry(RegistryWrite::set_sha1_hash(self.new));
                self.notes.push(
                    "admin mode (isHashConfiguredByAdmin = 1): the new hashes are written instead of deleted; deleting SHA256CertificateHash would log Event 18 and SSTP would accept no connections"
                        .to_owned(),
                );
            }
            Mode::Auto | Mode::Http if !self.input.registry_known => {
                for name in [
                    names::SHA256_CERTIFICATE_HASH,
                    names::SHA1_CERTIFICATE_HASH,
                    names::IS_HASH_CONFIGURED_BY_ADMIN,
                ] {
                    self.registry(RegistryWrite::delete(name));
                }
                self.notes.push(
                    "the registry was not given: SHA256CertificateHash, SHA1CertificateHash and isHashConfiguredByAdmin are deleted in case a stale hash or an administrator's pin is there (reg reports an error for a value that does not exist, and changes nothing); the service then runs in automatic mode and records the new certificate's hashes itself"
                        .to_owned(),
                );
            }
            Mode::Auto | Mode::Http => {
                if !matches!(parameters.sha256_certificate_hash, HashState::Missing) {
                    self.registry(RegistryWrite::delete(names::SHA256_CERTIFICATE_HASH));
                }
                if !matches!(parameters.sha1_certificate_hash, HashState::Missing) {
                    self.registry(RegistryWrite::delete(names::SHA1_CERTIFICATE_HASH));
                }
            }
        }
    }

    /// Step 5: a hash protocol for crypto binding (also when the registry
    /// is unknown: SHA256Enabled = 1 is the default, and a 0 there would
    /// fail every crypto binding).
    fn hash_protocol(&mut self) {
        let note = if !self.input.registry_known {
            "the registry was not given: SHA256Enabled is set to 1 (its default) in case it was 0, which would fail every crypto binding"
        } else if self.input.parameters.hash_protocols().is_empty() {
            "SHA256Enabled and SHA1Enabled are both 0: no crypto binding can succeed, so SHA-256 is enabled again"
        } else {
            return;
        };
        self.registry(RegistryWrite::set_dword(names::SHA256_ENABLED, 1));
        self.notes.push(note.to_owned());
    }

    /// Step 6: in Case 2 both bindings are added explicitly; in Case 1 the
    /// service binds the only eligible certificate by itself.
    fn explicit_bindings(&mut self, case: PlanCase, eligible: usize) {
        match case {
            PlanCase::SeveralEligible => {
                let bindings = self.pair.clone().map(|endpoint| PlanStep::AddBinding {
                    binding: Box::new(SslBinding::sstp(endpoint, *self.new)),
                });
                self.steps.extend(bindings);
                self.notes.push(format!(
                    "Case 2: {eligible} eligible certificates, so both bindings are added explicitly; the service adopts them"
                ));
            }
            PlanCase::OnlyEligible => self.notes.push(
                "Case 1: the new certificate is the only eligible one, so the service binds it by itself"
                    .to_owned(),
            ),
        }
    }

    fn registry(&mut self, write: RegistryWrite) {
        self.steps.push(PlanStep::Registry { write });
    }
}

impl fmt::Display for PlanStep {
    /// The command line, or `# cannot render: …` when it cannot be written.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render() {
            Ok(line) => f.write_str(&line),
            Err(e) => write!(f, "# cannot render: {e}"),
        }
    }
}
