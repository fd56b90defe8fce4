//! Rotation that survives the reboot: [behaviour §0.2](crate::behaviour)'s procedure, executed,
//! checked, verified, and undone on failure.
//!
//! [`rotate`] works on any [`Host`] — the model's machine
//! ([`SimulatedHost`]) or, on Windows, the live one — in this order:
//!
//! 1. **Read** the store, the HTTP.sys bindings, `SstpSvc\Parameters` and
//!    the service state.
//! 2. **Target**: the certificate asked for (`--to`) or the one [behaviour §11](crate::behaviour)
//!    prefers for the host (`--to-newest --host`), refused unless clients
//!    accept it ([`recommend`], [behaviour §11](crate::behaviour)).
//! 3. **Already in place?** Both wildcard pairs bound to the target, the
//!    registry hashes the target's, the service running and serving it:
//!    nothing to do ([`Outcome::Unchanged`]), so running it again after a
//!    renewal hook is harmless.
//! 4. **Plan** with [`plan_certificate_change`] ([behaviour §0.2](crate::behaviour)).
//! 5. **Preflight**: every operation the steps, their undoing and the
//!    verification need is asked of the host *before the first change*;
//!    any missing one refuses the rotation, changing nothing.
//! 6. Without `apply`, stop here ([`Outcome::Planned`]).
//! 7. **Execute** step by step; after each, re-read the machine and check
//!    it is exactly what the step should have made of it.
//! 8. **Verify** after the restart: both pairs bound to the target, the
//!    registry's `SHA256CertificateHash` (and `SHA1CertificateHash` when
//!    present) the target's, the service running, and a handshake on each
//!    family serving the target.
//! 9. On any failure, **restore** what changed, in reverse (registry values,
//!    then bindings, then the service state), re-read, and report every
//!    remaining [`Difference`] from the state read in step 1.
//!
//! Everything is data in the [`RotationReport`], with stable codes.
//!
//! ```
//! use sstp_cert::model::certificate::Certificate;
//! use sstp_cert::model::hostname::ReferenceId;
//! use sstp_cert::model::rotation::{rotate, Outcome, RotationRequest, SimulatedHost, TargetSpec};
//! use sstp_cert::model::runtime::Machine;
//! use sstp_cert::model::store::{KeyState, StoreEntry};
//! # let mk = |n: &str| Certificate::from_der(rcgen::generate_simple_self_signed(vec![n.into()]).unwrap().cert.der().to_vec()).unwrap();
//! let (old, new) = (mk("vpn.example.com"), mk("vpn.example.com"));
//! let mut m = Machine::default();
//! m.import_certificate(StoreEntry::new(old.clone(), KeyState::Linked, "old"));
//! m.restart_service(); // binds `old`
//! m.import_certificate(StoreEntry::new(new.clone(), KeyState::Linked, "new"));
//!
//! let at = time::OffsetDateTime::now_utc(); // a parameter: the model reads no clock
//! let request = RotationRequest::new(TargetSpec::Thumbprint(new.sha1()), at)
//!     .for_host(ReferenceId::parse("vpn.example.com")?)
//!     .applying();
//! let mut host = SimulatedHost::new(m);
//! let report = rotate(&mut host, &request);
//! assert_eq!(report.outcome, Outcome::Rotated);
//! assert!(report.verification.iter().all(|c| c.ok));
//!
//! // again: nothing to do
//! assert_eq!(rotate(&mut host, &request).outcome, Outcome::Unchanged);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod host;
mod simulated;

use std::collections::BTreeSet;

use time::OffsetDateTime;

pub use host::{Handshake, Host, HostError, HostState, Operation};
pub use simulated::SimulatedHost;

use super::advice::{NotRecommended, recommend};
use super::hostname::ReferenceId;
use super::httpsys::{AppId, Endpoint, SslBinding};
use super::plan::{Plan, PlanError, PlanInput, PlanOptions, PlanStep, plan_certificate_change};
use super::plumbing::{Family, Mode};
use super::registry::{RegValue, RegistryWrite, SstpParameters, names};
use super::runtime::ServiceState;
use super::thumbprint::{Sha1Thumbprint, Sha256Hash};
use crate::model::code::stable_codes;

/// Which certificate to rotate to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TargetSpec {
    /// This one (`--to THUMBPRINT`); it must be in the store and qualify.
    Thumbprint(Sha1Thumbprint),
    /// The one [behaviour §11](crate::behaviour) prefers among those that qualify for the host
    /// (`--to-newest --host NAME`); the request must name the host.
    Newest,
}

/// What [`rotate`] is asked to do.
///
/// ```
/// use sstp_cert::model::rotation::{RotationRequest, TargetSpec};
/// let r = RotationRequest::new(TargetSpec::Newest, time::macros::datetime!(2026-12-04 12:00 UTC));
/// assert!(!r.apply); // a dry run unless asked
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationRequest {
    /// The target.
    pub target: TargetSpec,
    /// The time at which clients must accept the target (the model reads
    /// no clock: the caller passes it).
    pub at: OffsetDateTime,
    /// The host name clients dial, when known.
    pub host: Option<ReferenceId>,
    /// Change the machine (`--apply`); otherwise only plan and preflight.
    pub apply: bool,
}

impl RotationRequest {
    /// A dry run to `target` at `at`, host unknown.
    pub fn new(target: TargetSpec, at: OffsetDateTime) -> Self {
        RotationRequest {
            target,
            at,
            host: None,
            apply: false,
        }
    }

    /// With the host name clients dial.
    pub fn for_host(mut self, host: ReferenceId) -> Self {
        self.host = Some(host);
        self
    }

    /// Changing the machine.
    pub fn applying(mut self) -> Self {
        self.apply = true;
        self
    }
}

stable_codes! {
    [display, from_str]
    /// How a rotation ended. Serialises as its [`code`](Outcome::code).
    ///
    /// ```
    /// use sstp_cert::model::rotation::Outcome;
    /// assert_eq!(Outcome::RestoreIncomplete.code(), "restore-incomplete");
    /// assert!(Outcome::Unchanged.is_ok());
    /// ```
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Outcome("rotation outcome") {
        /// Dry run: planned and preflighted, nothing changed.
        Planned => "planned",
        /// The target was already in place and verified: nothing changed.
        Unchanged => "unchanged",
        /// Rotated and verified.
        Rotated => "rotated",
        /// Refused before any change (see [`RotationReport::refusal`]).
        Refused => "refused",
        /// A step or the verification failed; everything changed was restored.
        Restored => "restored",
        /// A step or the verification failed, and the machine could not be
        /// brought back entirely: [`Restore::differences`] says what differs.
        RestoreIncomplete => "restore-incomplete",
    }
}

impl Outcome {
    /// Planned, unchanged or rotated.
    pub const fn is_ok(self) -> bool {
        matches!(
            self,
            Outcome::Planned | Outcome::Unchanged | Outcome::Rotated
        )
    }
}

/// Why a rotation was refused before changing anything.
#[derive(Debug, Clone, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "code", rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum Refusal {
    /// The machine could not be read.
    #[error("the machine could not be read: {error}")]
    ReadFailed {
        /// The failed read.
        error: HostError,
    },
    /// `--to-newest` without the host name.
    #[error(
        "the newest certificate can only be chosen for a host name: give the name clients dial"
    )]
    HostRequired,
    /// The target is not in the store.
    #[error(
        "certificate {sha1} is not in LocalMachine\\MY: import it first (with its private key)"
    )]
    NotInStore {
        /// The thumbprint asked for.
        sha1: Sha1Thumbprint,
    },
    /// Clients (or the service) would refuse the target.
    #[error(
        "certificate {sha1} would not work for clients, so it is not bound: {}",
        problems.iter().map(NotRecommended::explain).collect::<Vec<_>>().join("; ")
    )]
    TargetRefused {
        /// The thumbprint asked for.
        sha1: Sha1Thumbprint,
        /// Why.
        problems: Vec<NotRecommended>,
    },
    /// No store certificate qualifies (`--to-newest`).
    #[error(
        "no certificate in LocalMachine\\MY qualifies{}: import one with its private key that is valid now, names the host clients dial, and has the Server Authentication EKU",
        host.as_ref().map(|h| format!(" for {h}")).unwrap_or_default()
    )]
    NoQualifyingCertificate {
        /// The host asked for.
        host: Option<String>,
    },
    /// [behaviour §0.2](crate::behaviour)'s procedure does not apply.
    #[error(transparent)]
    Plan(PlanError),
    /// An operation the rotation needs is not available here.
    #[error(
        "the preflight found an operation this host cannot do, so nothing was changed: {error}"
    )]
    PreflightFailed {
        /// The first missing operation.
        error: HostError,
    },
}

impl Refusal {
    /// The stable code.
    ///
    /// ```
    /// use sstp_cert::model::rotation::Refusal;
    /// assert_eq!(Refusal::HostRequired.code(), "host-required");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::ReadFailed { .. } => "read-failed",
            Refusal::HostRequired => "host-required",
            Refusal::NotInStore { .. } => "not-in-store",
            Refusal::TargetRefused { .. } => "target-refused",
            Refusal::NoQualifyingCertificate { .. } => "no-qualifying-certificate",
            Refusal::Plan(PlanError::PlainHttp) => "plain-http",
            Refusal::Plan(_) => "plan-refused",
            Refusal::PreflightFailed { .. } => "preflight-failed",
        }
    }
}

/// What happened to one step. Serialises as its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
#[non_exhaustive]
pub enum StepStatus {
    /// Dry run: would be done.
    Planned,
    /// Done, and the machine re-read as expected.
    Done,
    /// Not needed on this machine (e.g. stopping a stopped service).
    Skipped,
    /// Failed, or the re-read state was not what the step should make.
    Failed,
    /// Not run: an earlier step failed.
    NotRun,
}

/// One step as executed.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StepRecord {
    /// The step.
    pub step: PlanStep,
    /// The command line an administrator would type for it.
    pub command: String,
    /// What it is for.
    pub purpose: String,
    /// What happened.
    pub status: StepStatus,
    /// The operation's error, when it failed.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub error: Option<HostError>,
    /// What the re-read state showed that the step should not have made
    /// (or should have), when it did not match.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    pub unexpected: Vec<Difference>,
    /// Why it was skipped.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub note: Option<String>,
}

/// One operation asked of the host before any change.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PreflightCheck {
    /// The operation.
    pub operation: Operation,
    /// Whether the host can do it.
    pub ok: bool,
    /// Why not.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub error: Option<HostError>,
}

impl PreflightCheck {
    fn new(operation: Operation, error: Option<HostError>) -> Self {
        PreflightCheck {
            operation,
            ok: error.is_none(),
            error,
        }
    }
}

/// One verification check after the restart.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Check {
    /// Stable code: `ipv4-bound`, `ipv6-bound`, `registry-sha256`,
    /// `registry-sha1`, `service-running`, `served-ipv4`, `served-ipv6`.
    pub code: &'static str,
    /// Whether it holds.
    pub ok: bool,
    /// What was expected.
    pub expected: String,
    /// What was found.
    pub found: String,
}

/// One way a machine differs from another state.
///
/// ```
/// use sstp_cert::model::rotation::Difference;
/// let d = Difference { part: "registry", name: "SHA256CertificateHash".into(), expected: None, found: Some("REG_BINARY 00".into()) };
/// assert_eq!(d.to_string(), "registry SHA256CertificateHash: expected absent, found REG_BINARY 00");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Difference {
    /// `store`, `binding`, `registry` or `service`.
    pub part: &'static str,
    /// The endpoint, value name, thumbprint or `SstpSvc`.
    pub name: String,
    /// What was expected (`None`: absent).
    pub expected: Option<String>,
    /// What is there (`None`: absent).
    pub found: Option<String>,
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: expected {}, found {}",
            self.part,
            self.name,
            self.expected.as_deref().unwrap_or("absent"),
            self.found.as_deref().unwrap_or("absent")
        )
    }
}

/// One operation of the restore.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RestoreAction {
    /// What was done, as the command an administrator would type.
    pub action: String,
    /// Whether it worked.
    pub ok: bool,
    /// Its error.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub error: Option<HostError>,
}

/// What the restore after a failure did, and what still differs.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Restore {
    /// The operations, in order.
    pub actions: Vec<RestoreAction>,
    /// How the machine, re-read after the restore, differs from the state
    /// read before the rotation (empty: as it was).
    pub differences: Vec<Difference>,
    /// The final re-read failed: the state is unknown (the error).
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub reread_error: Option<HostError>,
}

/// A machine state, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct StateSummary {
    /// Every HTTP.sys SSL binding.
    pub bindings: Vec<SslBinding>,
    /// `SHA256CertificateHash`, when it holds a valid hash.
    pub sha256_certificate_hash: Option<Sha256Hash>,
    /// `SHA1CertificateHash`, when it holds a valid hash.
    pub sha1_certificate_hash: Option<Sha1Thumbprint>,
    /// The service mode the registry selects.
    pub mode: Mode,
    /// Whether the service runs.
    pub service: ServiceState,
}

impl StateSummary {
    /// The summary of `state`.
    pub fn of(state: &HostState) -> Self {
        let p = SstpParameters::from_values(&state.registry);
        StateSummary {
            bindings: state.bindings.clone(),
            sha256_certificate_hash: p.sha256_certificate_hash.hash().copied(),
            sha1_certificate_hash: p.sha1_certificate_hash.hash().copied(),
            mode: Mode::of(&p),
            service: state.service,
        }
    }
}

/// The target, as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct TargetInfo {
    /// SHA-1 thumbprint.
    pub sha1: Sha1Thumbprint,
    /// SHA-256 hash.
    pub sha256: Sha256Hash,
    /// Subject.
    pub subject: String,
    /// notAfter.
    #[cfg_attr(feature = "serde", serde(with = "time::serde::rfc3339"))]
    pub not_after: OffsetDateTime,
}

/// Everything [`rotate`] did and found.
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RotationReport {
    /// Whether the outcome is planned, unchanged or rotated.
    pub ok: bool,
    /// How it ended.
    pub outcome: Outcome,
    /// The host ([`Host::describe`]).
    pub host: String,
    /// The target, once known.
    pub target: Option<TargetInfo>,
    /// Why it was refused.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub refusal: Option<Refusal>,
    /// The plan's case and mode, once planned.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub plan: Option<Plan>,
    /// The operations asked of the host before any change, with the
    /// answers.
    pub preflight: Vec<PreflightCheck>,
    /// The steps.
    pub steps: Vec<StepRecord>,
    /// The verification, when it ran.
    pub verification: Vec<Check>,
    /// The restore, after a failure.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub restore: Option<Restore>,
    /// The state read first.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub before: Option<StateSummary>,
    /// The state read last.
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    pub after: Option<StateSummary>,
    /// What was assumed or decided, for people.
    pub notes: Vec<String>,
}

impl RotationReport {
    fn new(host: String) -> Self {
        RotationReport {
            ok: false,
            outcome: Outcome::Refused,
            host,
            target: None,
            refusal: None,
            plan: None,
            preflight: Vec::new(),
            steps: Vec::new(),
            verification: Vec::new(),
            restore: None,
            before: None,
            after: None,
            notes: Vec::new(),
        }
    }

    fn end(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self.ok = outcome.is_ok();
        self
    }

    fn refuse(mut self, refusal: Refusal) -> Self {
        self.refusal = Some(refusal);
        self.end(Outcome::Refused)
    }

    /// What the machine is like now, in a sentence (for the end of a text
    /// report).
    ///
    /// ```
    /// # use sstp_cert::model::rotation::*;
    /// # use sstp_cert::model::runtime::Machine;
    /// let mut host = SimulatedHost::new(Machine::default());
    /// let r = rotate(&mut host, &RotationRequest::new(TargetSpec::Newest, time::macros::datetime!(2026-12-04 12:00 UTC)));
    /// assert!(r.state_sentence().contains("nothing was changed"));
    /// ```
    pub fn state_sentence(&self) -> String {
        match self.outcome {
            Outcome::Planned => "dry run: nothing was changed; run again with --apply".to_owned(),
            Outcome::Refused => "refused: nothing was changed".to_owned(),
            Outcome::Unchanged => {
                "the target was already bound, recorded and served: nothing was changed".to_owned()
            }
            Outcome::Rotated => "rotated and verified".to_owned(),
            Outcome::Restored => {
                "the rotation failed; every change was undone and the machine re-reads as it was before"
                    .to_owned()
            }
            Outcome::RestoreIncomplete => {
                let r = self.restore.as_ref();
                match r.and_then(|r| r.reread_error.as_ref()) {
                    Some(e) => format!("the rotation failed and the machine could not be re-read after the restore ({e}): its state is unknown"),
                    None => format!(
                        "the rotation failed and the machine differs from before: {}",
                        r.map(|r| r.differences.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))
                            .unwrap_or_default()
                    ),
                }
            }
        }
    }
}

/// Runs a rotation on `host` — see the [module documentation](self).
/// Never panics; every failure is in the report.
pub fn rotate(host: &mut dyn Host, request: &RotationRequest) -> RotationReport {
    let mut report = RotationReport::new(host.describe());
    match run(host, request, &mut report) {
        Ok(outcome) => report.end(outcome),
        Err(refusal) => report.refuse(refusal),
    }
}

/// The rotation's steps, in order; a refusal ends it before any change.
fn run(
    host: &mut dyn Host,
    request: &RotationRequest,
    report: &mut RotationReport,
) -> Result<Outcome, Refusal> {
    // 1. Read.
    let before = read_before(host, report)?;
    // 2. Target.
    let target = target_info(&before, request, report)?;
    // 3. Already in place?
    let parameters = SstpParameters::from_values(&before.registry);
    if already_in_place(host, &before, &target, parameters.listener().port, report)? {
        return Ok(Outcome::Unchanged);
    }
    // 4. Plan.
    let plan = plan_steps(&before, &parameters, &target, report)?;
    // 5. Preflight.
    preflight(host, report)?;
    // 6. Dry run.
    if !request.apply {
        report.after = report.before.clone();
        return Ok(Outcome::Planned);
    }
    // 7. Execute.
    let executed = execute(host, &before, report);
    // 8. Verify.
    if !executed.failed {
        let checks = verify(host, &executed.current, &target, plan.port);
        let verified = checks.iter().all(|c| c.ok);
        report.verification = checks;
        if verified {
            report.after = Some(StateSummary::of(&executed.current));
            return Ok(Outcome::Rotated);
        }
    }
    // 9. Restore.
    let restore = restore(host, &before, executed.service_touched);
    if let Ok(now) = HostState::read(host) {
        report.after = Some(StateSummary::of(&now));
    }
    let outcome = if restore.differences.is_empty() && restore.reread_error.is_none() {
        Outcome::Restored
    } else {
        Outcome::RestoreIncomplete
    };
    report.restore = Some(restore);
    Ok(outcome)
}

/// Step 1: every read the rotation needs is available, then the machine
/// as it is before.
fn read_before(host: &mut dyn Host, report: &mut RotationReport) -> Result<HostState, Refusal> {
    for op in READS {
        if let Err(error) = host.available(op) {
            report
                .preflight
                .push(PreflightCheck::new(op, Some(error.clone())));
            return Err(Refusal::PreflightFailed { error });
        }
    }
    let before = HostState::read(host).map_err(|error| Refusal::ReadFailed { error })?;
    report.before = Some(StateSummary::of(&before));
    Ok(before)
}

/// Step 2: the certificate to rotate to — the one asked for when clients
/// accept it (only a preference may stand between it and the
/// recommendation), or the newest qualifying one for the host.
fn target_info(
    before: &HostState,
    request: &RotationRequest,
    report: &mut RotationReport,
) -> Result<TargetInfo, Refusal> {
    let advice = recommend(&before.store, Some(request.at), request.host.as_ref());
    let target = match &request.target {
        TargetSpec::Thumbprint(sha1) if advice.sha1() == Some(*sha1) => *sha1,
        TargetSpec::Thumbprint(sha1) => {
            let c = advice
                .considered(sha1)
                .ok_or(Refusal::NotInStore { sha1: *sha1 })?;
            let problems: Vec<NotRecommended> = c
                .reasons
                .iter()
                .filter(|r| {
                    r.refused_by_clients() || matches!(r, NotRecommended::NotEligible { .. })
                })
                .cloned()
                .collect();
            if !problems.is_empty() {
                return Err(Refusal::TargetRefused {
                    sha1: *sha1,
                    problems,
                });
            }
            *sha1
        }
        TargetSpec::Newest => {
            if request.host.is_none() {
                return Err(Refusal::HostRequired);
            }
            advice
                .sha1()
                .ok_or_else(|| Refusal::NoQualifyingCertificate {
                    host: request.host.as_ref().map(ToString::to_string),
                })?
        }
    };
    let entry = before
        .store
        .iter()
        .find(|e| e.certificate.sha1() == target)
        .ok_or(Refusal::NotInStore { sha1: target })?;
    let target_info = TargetInfo {
        sha1: target,
        sha256: entry.certificate.sha256(),
        subject: entry.certificate.subject().to_owned(),
        not_after: entry.certificate.validity().not_after,
    };
    report.target = Some(target_info.clone());
    if request.host.is_none() {
        report.notes.push(
            "no host name given: the target's names were not checked against the name clients dial"
                .to_owned(),
        );
    }
    Ok(target_info)
}

/// Step 3: whether the target is bound, recorded and served already (then
/// nothing is changed); a target bound and recorded whose check fails is
/// rotated again.
fn already_in_place(
    host: &mut dyn Host,
    before: &HostState,
    target: &TargetInfo,
    port: u16,
    report: &mut RotationReport,
) -> Result<bool, Refusal> {
    if !looks_in_place(before, target, port) {
        return Ok(false);
    }
    if let Err(error) = host.available(Operation::Handshake) {
        report.preflight.push(PreflightCheck::new(
            Operation::Handshake,
            Some(error.clone()),
        ));
        return Err(Refusal::PreflightFailed { error });
    }
    let checks = verify(host, before, target, port);
    if checks.iter().all(|c| c.ok) {
        report.verification = checks;
        report.after = report.before.clone();
        return Ok(true);
    }
    report.notes.push(format!(
        "the target is bound and recorded but the check failed ({}): rotating again",
        checks
            .iter()
            .filter(|c| !c.ok)
            .map(|c| c.code)
            .collect::<Vec<_>>()
            .join(", ")
    ));
    Ok(false)
}

/// Step 4: the plan of the change (behaviour §9), each step recorded as
/// planned — or skipped, a stop of a service that is not running.
fn plan_steps(
    before: &HostState,
    parameters: &SstpParameters,
    target: &TargetInfo,
    report: &mut RotationReport,
) -> Result<Plan, Refusal> {
    let plan = plan_certificate_change(
        &PlanInput::new(&before.store, &before.bindings, parameters),
        &target.sha1,
        &PlanOptions::default(),
    )
    .map_err(Refusal::Plan)?;
    report.notes.extend(plan.notes.iter().cloned());
    for step in &plan.steps {
        let skip = matches!(step, PlanStep::StopService) && before.service == ServiceState::Stopped;
        report.steps.push(StepRecord {
            command: step.to_string(),
            purpose: step.purpose(),
            step: step.clone(),
            status: if skip {
                StepStatus::Skipped
            } else {
                StepStatus::Planned
            },
            error: None,
            unexpected: Vec::new(),
            note: skip.then(|| "the service is not running: there is nothing to stop".to_owned()),
        });
    }
    report.plan = Some(plan.clone());
    Ok(plan)
}

/// Step 5: every operation the planned steps (and their undoing, and the
/// verification handshake) need is available, before the first change.
fn preflight(host: &mut dyn Host, report: &mut RotationReport) -> Result<(), Refusal> {
    let mut needed = BTreeSet::new();
    for r in &report.steps {
        if r.status == StepStatus::Planned {
            needed.extend(operations_for(&r.step));
        }
    }
    needed.insert(Operation::Handshake);
    let mut missing = None;
    for op in needed {
        let answer = host.available(op).err();
        if missing.is_none() {
            missing.clone_from(&answer);
        }
        report.preflight.push(PreflightCheck::new(op, answer));
    }
    match missing {
        Some(error) => {
            for r in &mut report.steps {
                if r.status == StepStatus::Planned {
                    r.status = StepStatus::NotRun;
                }
            }
            Err(Refusal::PreflightFailed { error })
        }
        None => Ok(()),
    }
}

/// What running the steps left.
struct Executed {
    /// The machine as last read.
    current: HostState,
    /// Whether the service was stopped or started.
    service_touched: bool,
    /// Whether a step failed (the later ones are not run).
    failed: bool,
}

/// Step 7: runs the planned steps in order, re-reading the machine after
/// each and checking that it changed as the step says, and only so; the
/// first failure stops the run.
fn execute(host: &mut dyn Host, before: &HostState, report: &mut RotationReport) -> Executed {
    let mut current = before.clone();
    let mut service_touched = false;
    let mut failed = false;
    for record in &mut report.steps {
        if record.status != StepStatus::Planned {
            continue;
        }
        if failed {
            record.status = StepStatus::NotRun;
            continue;
        }
        let step = record.step.clone();
        service_touched |= matches!(step, PlanStep::StopService | PlanStep::StartService);
        if let Err(e) = run_step(host, &step) {
            record.status = StepStatus::Failed;
            record.error = Some(e);
            failed = true;
            continue;
        }
        match HostState::read(host) {
            Ok(now) => {
                let unexpected = check_step(&step, &current, &now);
                current = now;
                if unexpected.is_empty() {
                    record.status = StepStatus::Done;
                } else {
                    record.status = StepStatus::Failed;
                    record.unexpected = unexpected;
                    failed = true;
                }
            }
            Err(e) => {
                record.status = StepStatus::Failed;
                record.error = Some(e);
                failed = true;
            }
        }
    }
    Executed {
        current,
        service_touched,
        failed,
    }
}

const READS: [Operation; 4] = [
    Operation::ReadStore,
    Operation::ReadBindings,
    Operation::ReadRegistry,
    Operation::ReadService,
];

/// The operations a step needs, and those its undoing needs.
fn operations_for(step: &PlanStep) -> Vec<Operation> {
    match step {
        PlanStep::DeleteBinding { .. } | PlanStep::AddBinding { .. } => {
            vec![Operation::DeleteBinding, Operation::AddBinding]
        }
        PlanStep::Registry { .. } => {
            vec![Operation::SetRegistryValue, Operation::DeleteRegistryValue]
        }
        PlanStep::StopService | PlanStep::StartService => {
            vec![Operation::StopService, Operation::StartService]
        }
        // Never planned by `rotate` (no `delete_old_certificate`): a
        // certificate deleted from the store cannot be put back without its
        // key, so it is not something a rotation may do.
        PlanStep::DeleteCertificate { .. } => vec![Operation::ReadStore],
    }
}

fn run_step(host: &mut dyn Host, step: &PlanStep) -> Result<(), HostError> {
    match step {
        PlanStep::DeleteBinding { endpoint } => host.delete_binding(endpoint),
        PlanStep::AddBinding { binding } => host.add_binding(binding),
        PlanStep::Registry {
            write: RegistryWrite::Set { name, value },
        } => host.set_registry_value(name, value),
        PlanStep::Registry {
            write: RegistryWrite::Delete { name },
        } => host.delete_registry_value(name),
        PlanStep::StopService => host.stop_service(),
        PlanStep::StartService => host.start_service(),
        PlanStep::DeleteCertificate { sha1 } => Err(HostError::unavailable(
            Operation::ReadStore,
            format!("rotate never deletes a certificate ({sha1}) from the store"),
        )),
    }
}

/// How `now` differs from what `step` should have made of `prev`.
fn check_step(step: &PlanStep, prev: &HostState, now: &HostState) -> Vec<Difference> {
    let mut expected = prev.clone();
    match step {
        PlanStep::DeleteBinding { endpoint } => {
            expected.bindings.retain(|b| &b.endpoint != endpoint);
        }
        PlanStep::AddBinding { binding } => expected.bindings.push(binding.as_ref().clone()),
        PlanStep::Registry { write } => expected.registry.apply(write),
        PlanStep::StopService => expected.service = ServiceState::Stopped,
        PlanStep::StartService => {
            // The service's plumbing may rebind and record hashes: what it
            // made is checked by the verification.
            return diff_service(ServiceState::Running, now.service);
        }
        PlanStep::DeleteCertificate { sha1 } => {
            expected.store.retain(|e| e.certificate.sha1() != *sha1);
        }
    }
    differences(&expected, now)
}

fn binding_text(b: &SslBinding) -> String {
    format!(
        "certhash={} appid={} certstorename={}",
        b.cert_hash
            .map_or_else(|| "(none)".to_owned(), |h| h.to_string()),
        b.app_id
            .as_ref()
            .map_or_else(|| "(none)".to_owned(), AppId::to_string),
        b.store_name.as_deref().unwrap_or("(none)")
    )
}

fn reg_text(v: &RegValue) -> String {
    let (_, data) = v.to_raw();
    format!("{} {}", v.type_name(), hex::encode(data))
}

fn diff_service(expected: ServiceState, found: ServiceState) -> Vec<Difference> {
    if expected == found {
        return Vec::new();
    }
    vec![Difference {
        part: "service",
        name: "SstpSvc".to_owned(),
        expected: Some(expected.to_string()),
        found: Some(found.to_string()),
    }]
}

/// Every way `found` differs from `expected`: store (by thumbprint, in
/// order), bindings (by endpoint: hash, application id, store name),
/// registry values, service state.
pub fn differences(expected: &HostState, found: &HostState) -> Vec<Difference> {
    let mut out = Vec::new();
    let sha1s = |s: &HostState| -> Vec<Sha1Thumbprint> {
        s.store.iter().map(|e| e.certificate.sha1()).collect()
    };
    let (es, fs) = (sha1s(expected), sha1s(found));
    if es != fs {
        let show = |v: &[Sha1Thumbprint]| {
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(Difference {
            part: "store",
            name: "LocalMachine\\MY".to_owned(),
            expected: Some(show(&es)),
            found: Some(show(&fs)),
        });
    }
    let endpoints: BTreeSet<&Endpoint> = expected
        .bindings
        .iter()
        .chain(&found.bindings)
        .map(|b| &b.endpoint)
        .collect();
    for e in endpoints {
        let a = expected.binding(e).map(binding_text);
        let b = found.binding(e).map(binding_text);
        if a != b {
            out.push(Difference {
                part: "binding",
                name: e.to_string(),
                expected: a,
                found: b,
            });
        }
    }
    let value_names: BTreeSet<&str> = expected
        .registry
        .iter()
        .chain(found.registry.iter())
        .map(|v| v.name.as_str())
        .collect();
    for n in value_names {
        let a = expected.registry.get(n).map(reg_text);
        let b = found.registry.get(n).map(reg_text);
        if a != b {
            out.push(Difference {
                part: "registry",
                name: n.to_owned(),
                expected: a,
                found: b,
            });
        }
    }
    out.extend(diff_service(expected.service, found.service));
    out
}

fn looks_in_place(state: &HostState, target: &TargetInfo, port: u16) -> bool {
    let p = SstpParameters::from_values(&state.registry);
    Family::BOTH.iter().all(|f| {
        state
            .binding(&f.endpoint(port))
            .is_some_and(|b| b.cert_hash == Some(target.sha1))
    }) && p.sha256_certificate_hash.hash() == Some(&target.sha256)
        && state.service == ServiceState::Running
}

/// The checks after the restart (step 8).
fn verify(host: &mut dyn Host, state: &HostState, target: &TargetInfo, port: u16) -> Vec<Check> {
    let mut checks = Vec::new();
    let p = SstpParameters::from_values(&state.registry);
    for (family, code) in Family::BOTH.into_iter().zip(["ipv4-bound", "ipv6-bound"]) {
        let endpoint = family.endpoint(port);
        let found = state.binding(&endpoint);
        checks.push(Check {
            code,
            ok: found.is_some_and(|b| b.cert_hash == Some(target.sha1)),
            expected: format!("{endpoint} bound to {}", target.sha1),
            found: found.map_or_else(|| format!("{endpoint} not bound"), binding_text),
        });
    }
    let show = |v: Option<&RegValue>| v.map_or_else(|| "absent".to_owned(), reg_text);
    checks.push(Check {
        code: "registry-sha256",
        ok: p.sha256_certificate_hash.hash() == Some(&target.sha256),
        expected: format!("{} = {}", names::SHA256_CERTIFICATE_HASH, target.sha256),
        found: show(state.registry.get(names::SHA256_CERTIFICATE_HASH)),
    });
    let sha1_value = state.registry.get(names::SHA1_CERTIFICATE_HASH);
    checks.push(Check {
        code: "registry-sha1",
        ok: sha1_value.is_none() || p.sha1_certificate_hash.hash() == Some(&target.sha1),
        expected: format!(
            "{} absent or = {}",
            names::SHA1_CERTIFICATE_HASH,
            target.sha1
        ),
        found: show(sha1_value),
    });
    checks.push(Check {
        code: "service-running",
        ok: state.service == ServiceState::Running,
        expected: "running".to_owned(),
        found: state.service.to_string(),
    });
    for (family, code) in Family::BOTH.into_iter().zip(["served-ipv4", "served-ipv6"]) {
        let endpoint = family.endpoint(port);
        let (ok, found) = match host.handshake(&endpoint) {
            Ok(Handshake {
                served: Some(s), ..
            }) => (s == target.sha1, format!("served {s}")),
            Ok(Handshake {
                served: None,
                failure,
            }) => (
                false,
                format!(
                    "no certificate served: {}",
                    failure.unwrap_or_else(|| "the handshake failed".to_owned())
                ),
            ),
            Err(e) => (false, e.to_string()),
        };
        checks.push(Check {
            code,
            ok,
            expected: format!("the listener on {endpoint} serves {}", target.sha1),
            found,
        });
    }
    checks
}

/// Step 9: bring `host` back to `before`, in reverse (registry values, then
/// bindings, then the service state), and say what still differs.
fn restore(host: &mut dyn Host, before: &HostState, service_touched: bool) -> Restore {
    let mut actions = Vec::new();
    let now = match HostState::read(host) {
        Ok(s) => s,
        Err(e) => {
            return Restore {
                actions,
                differences: Vec::new(),
                reread_error: Some(e),
            };
        }
    };
    // The service reads its parameters when it starts: restart it around
    // the restored values when the rotation restarted it.
    let mut running = now.service == ServiceState::Running;
    if service_touched && running {
        let r = host.stop_service();
        running = r.is_err();
        record(&mut actions, PlanStep::StopService, r);
    }
    restore_registry(host, before, &now, &mut actions);
    restore_bindings(host, before, &now, &mut actions);
    // The service state it had.
    match (before.service, running) {
        (ServiceState::Running, false) => {
            let r = host.start_service();
            record(&mut actions, PlanStep::StartService, r);
        }
        (ServiceState::Stopped, true) => {
            let r = host.stop_service();
            record(&mut actions, PlanStep::StopService, r);
        }
        _ => {}
    }
    match HostState::read(host) {
        Ok(after) => Restore {
            actions,
            differences: differences(before, &after),
            reread_error: None,
        },
        Err(e) => Restore {
            actions,
            differences: Vec::new(),
            reread_error: Some(e),
        },
    }
}

/// One restore action and how it went.
fn record(actions: &mut Vec<RestoreAction>, step: PlanStep, r: Result<(), HostError>) {
    actions.push(RestoreAction {
        action: step.to_string(),
        ok: r.is_ok(),
        error: r.err(),
    });
}

/// Step 9a: the registry values as they were, in reverse name order (a
/// value set since is set back, one added since is deleted).
fn restore_registry(
    host: &mut dyn Host,
    before: &HostState,
    now: &HostState,
    actions: &mut Vec<RestoreAction>,
) {
    let value_names: BTreeSet<String> = before
        .registry
        .iter()
        .chain(now.registry.iter())
        .map(|v| v.name.clone())
        .collect();
    for n in value_names.iter().rev() {
        match (before.registry.get(n), now.registry.get(n)) {
            (Some(a), b) if Some(a) != b => {
                let write = RegistryWrite::set(n.clone(), a.clone());
                let r = host.set_registry_value(n, a);
                record(actions, PlanStep::Registry { write }, r);
            }
            (None, Some(_)) => {
                let write = RegistryWrite::delete(n.clone());
                let r = host.delete_registry_value(n);
                record(actions, PlanStep::Registry { write }, r);
            }
            _ => {}
        }
    }
}

/// Step 9b: the bindings as they were: what differs goes (in reverse
/// endpoint order), then what was there comes back (in its original
/// order).
fn restore_bindings(
    host: &mut dyn Host,
    before: &HostState,
    now: &HostState,
    actions: &mut Vec<RestoreAction>,
) {
    let endpoints: BTreeSet<Endpoint> = before
        .bindings
        .iter()
        .chain(&now.bindings)
        .map(|b| b.endpoint.clone())
        .collect();
    let differs =
        |e: &Endpoint| before.binding(e).map(binding_text) != now.binding(e).map(binding_text);
    for e in endpoints.iter().rev() {
        if differs(e) && now.binding(e).is_some() {
            let r = host.delete_binding(e);
            let endpoint = e.clone();
            record(actions, PlanStep::DeleteBinding { endpoint }, r);
        }
    }
    for a in &before.bindings {
        if differs(&a.endpoint) {
            let r = host.add_binding(a);
            let binding = Box::new(a.clone());
            record(actions, PlanStep::AddBinding { binding }, r);
        }
    }
}
