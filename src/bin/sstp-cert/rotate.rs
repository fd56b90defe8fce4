//! `sstp-cert rotate --store DIR [--netsh FILE] [--registry FILE] (--to THUMBPRINT | --to-newest --host NAME) [--apply] [--json]`
//!
//! Runs `model::rotation` on the simulated machine built from the saved
//! state, and reports each step, the verification and the final state:
//! bindings, registry hashes, and the certificate served before and after
//! a reboot.

use serde::Serialize;
use sstp_cert::model::hostname::{Profile, ReferenceId};
use sstp_cert::model::httpsys::SslBinding;
use sstp_cert::model::plumbing::{Family, GoneCertificateProfile};
#[cfg(windows)]
use sstp_cert::model::registry::SstpParameters;
use sstp_cert::model::rotation::{
    Host, RotationReport, RotationRequest, SimulatedHost, StateSummary, StepStatus, TargetSpec,
    rotate,
};
use sstp_cert::model::runtime::{ConnectOutcome, Machine};
use sstp_cert::model::thumbprint::Sha1Thumbprint;

use crate::output::{at_or_now, emit, out, print_json, rfc3339};
use sstp_cert::adapters::state_source::LoadedState;

use crate::state::StateArgs;
use crate::{CliError, Outcome};

/// Arguments of `rotate`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("target").required(true).args(["to", "to_newest"])))]
pub struct Args {
    #[command(flatten)]
    state: StateArgs,
    /// The thumbprint of the certificate to bind (already in the store);
    /// pasted text with spaces or invisible characters is accepted.
    #[arg(long)]
    to: Option<String>,
    /// Bind the newest certificate in the store that clients accept for
    /// --host (behaviour §11: Server Authentication first, then the latest
    /// expiry) — for a post-renewal hook.
    #[arg(long, requires = "host")]
    to_newest: bool,
    /// The host name clients dial; the target must name it.
    #[arg(long)]
    host: Option<String>,
    /// Make the changes (on the simulated machine). Without it, only the
    /// plan and the preflight are shown.
    #[arg(long)]
    apply: bool,
    /// The time clients connect at (RFC 3339; default: now).
    #[arg(long)]
    at: Option<String>,
    /// Model current Windows releases, which delete bindings whose
    /// certificate is gone (default: the behaviour documented in 2008).
    #[arg(long)]
    current_release: bool,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
    /// Rotate THIS machine (Windows only): its store, HTTP.sys bindings,
    /// SstpSvc\Parameters and services, instead of a simulation of saved
    /// files. Still a dry run unless --apply.
    #[arg(long, conflicts_with_all = ["store", "netsh", "registry", "current_release"])]
    live: bool,
}

/// What a client sees on one family.
#[derive(Serialize)]
struct Served {
    family: Family,
    /// The certificate the listener served in the TLS handshake.
    served: Option<Sha1Thumbprint>,
    /// Whether the Windows client connected (only with --host).
    #[serde(skip_serializing_if = "Option::is_none")]
    windows_client_connected: Option<bool>,
    /// Why it did not connect.
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
}

#[derive(Serialize)]
struct Final {
    bindings: Vec<SslBinding>,
    #[serde(flatten)]
    state: StateSummary,
    /// The certificate served on both families now (`null`: none, or the
    /// families differ — see `connections`).
    served_before_reboot: Option<Sha1Thumbprint>,
    /// The same after a reboot of the simulated machine.
    served_after_reboot: Option<Sha1Thumbprint>,
    before_reboot: Vec<Served>,
    after_reboot: Vec<Served>,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    rotation: &'a RotationReport,
    /// `simulated` (saved files) or `live` (this machine).
    machine: &'static str,
    at: String,
    #[serde(rename = "final")]
    final_state: Final,
    assumptions: Vec<String>,
}

/// The simulated machine as the saved state describes it (behaviour §12): when
/// the saved bindings hold SSTP's pair the service runs, as it did when the
/// state was saved.
fn saved_machine(
    state: &LoadedState,
    profile: GoneCertificateProfile,
    at: time::OffsetDateTime,
) -> (Machine, Vec<String>) {
    let m = Machine::from_state(&state.state, profile, at);
    let assumptions = m.assumptions().iter().map(ToString::to_string).collect();
    (m, assumptions)
}

fn connections(m: &mut Machine, host: Option<&ReferenceId>) -> Vec<Served> {
    Family::BOTH
        .into_iter()
        .map(|family| {
            let port = m.parameters().listener().port;
            let served = SimulatedHost::new(m.clone())
                .handshake(&family.endpoint(port))
                .ok()
                .and_then(|h| h.served);
            let (connected, failure) = match host {
                None => (None, None),
                Some(h) => match m.connect(h, Profile::WindowsClient, family) {
                    ConnectOutcome::Connected(_) => (Some(true), None),
                    ConnectOutcome::Failed(f) => (Some(false), Some(format!("{}: {f}", f.code()))),
                    // An outcome this tool does not know: not judged.
                    _ => (None, None),
                },
            };
            Served {
                family,
                served,
                windows_client_connected: connected,
                failure,
            }
        })
        .collect()
}

fn same(served: &[Served]) -> Option<Sha1Thumbprint> {
    let first = served.first()?.served?;
    served
        .iter()
        .all(|s| s.served == Some(first) && s.windows_client_connected != Some(false))
        .then_some(first)
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let host = a
        .host
        .as_deref()
        .map(|h| ReferenceId::parse(h).map_err(|e| CliError(format!("--host {h:?}: {e}"))))
        .transpose()?;
    let target = match (&a.to, a.to_newest) {
        (Some(t), _) => TargetSpec::Thumbprint(
            t.parse::<Sha1Thumbprint>()
                .map_err(|e| CliError(format!("--to: {e}")))?,
        ),
        (None, _) => TargetSpec::Newest,
    };
    let mut request = RotationRequest::new(target, at);
    if let Some(h) = &host {
        request = request.for_host(h.clone());
    }
    if a.apply {
        request = request.applying();
    }
    let doc_owned;
    let report;
    if a.live {
        let (r, final_state) = live(&request, a.host.clone())?;
        report = r;
        doc_owned = (final_state, vec![
            "live: the machine is not rebooted; the verification handshake loads the certificate by its hash from the store, as HTTP.sys does after a reboot, because the rotation deleted the bindings and with them HTTP.sys's certificate in memory".to_owned(),
        ]);
    } else {
        let state = a.state.load()?;
        let profile = if a.current_release {
            GoneCertificateProfile::CurrentRelease
        } else {
            GoneCertificateProfile::Documented2008
        };
        let (machine, mut assumptions) = saved_machine(&state, profile, at);
        assumptions.splice(0..0, state.notes.iter().cloned());
        // Unknown is not empty (behaviour §11): what the simulation could not
        // include must not read as "nothing to do" on the real server.
        if state.state.bindings.is_none() {
            assumptions.push("the bindings were not given, so the simulated steps delete none; on the server, delete both wildcard bindings too (netsh http delete sslcert ipport=0.0.0.0:<port> and ipport=[::]:<port>) — or give --netsh".to_owned());
        }
        if state.state.registry.is_none() {
            assumptions.push("the registry was not given, so the simulated steps delete no recorded hash; on the server, delete SHA256CertificateHash too (reg delete \"HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\" /v SHA256CertificateHash /f) unless isHashConfiguredByAdmin is 1 — or give --registry".to_owned());
        }
        let mut sim = SimulatedHost::new(machine);
        report = rotate(&mut sim, &request);
        doc_owned = (
            simulated_final(sim.into_machine(), host.as_ref()),
            assumptions,
        );
    }
    let (final_state, assumptions) = doc_owned;
    let doc = Report {
        rotation: &report,
        machine: if a.live { "live" } else { "simulated" },
        at: rfc3339(at),
        final_state,
        assumptions,
    };
    if a.json {
        print_json(&doc)?;
    } else {
        emit(&text(&doc))?;
    }
    Ok(if report.ok {
        Outcome::Positive
    } else {
        Outcome::Negative
    })
}

/// The simulated machine after the rotation, before and after a reboot.
fn simulated_final(mut m: Machine, host: Option<&ReferenceId>) -> Final {
    let before_reboot = connections(&mut m, host);
    let summary = StateSummary {
        bindings: m.bindings().to_vec(),
        sha256_certificate_hash: m.parameters().sha256_certificate_hash.hash().copied(),
        sha1_certificate_hash: m.parameters().sha1_certificate_hash.hash().copied(),
        mode: sstp_cert::model::plumbing::Mode::of(&m.parameters()),
        service: m.service_state(),
    };
    m.reboot();
    let after_reboot = connections(&mut m, host);
    Final {
        bindings: summary.bindings.clone(),
        served_before_reboot: same(&before_reboot),
        served_after_reboot: same(&after_reboot),
        state: summary,
        before_reboot,
        after_reboot,
    }
}

/// Rotates this machine (Windows).
#[cfg(windows)]
fn live(
    request: &RotationRequest,
    server_name: Option<String>,
) -> Result<(RotationReport, Final), CliError> {
    use sstp_cert::adapters::windows::rotation_host::LiveHost;
    use sstp_cert::model::rotation::HostState;
    let mut host = LiveHost::new(server_name);
    let report = rotate(&mut host, request);
    let state = HostState::read(&mut host).map_err(|e| {
        CliError(format!(
            "the machine could not be read after the rotation ({e}); the report was: {}",
            report.state_sentence()
        ))
    })?;
    let summary = StateSummary::of(&state);
    let port = SstpParameters::from_values(&state.registry).listener().port;
    let before_reboot: Vec<Served> = Family::BOTH
        .into_iter()
        .map(|family| {
            let h = host.handshake(&family.endpoint(port)).ok();
            Served {
                family,
                served: h.as_ref().and_then(|h| h.served),
                windows_client_connected: None,
                failure: h.and_then(|h| h.failure),
            }
        })
        .collect();
    Ok((
        report,
        Final {
            bindings: summary.bindings.clone(),
            served_before_reboot: same(&before_reboot),
            served_after_reboot: None,
            state: summary,
            before_reboot,
            after_reboot: Vec::new(),
        },
    ))
}

#[cfg(not(windows))]
fn live(_: &RotationRequest, _: Option<String>) -> Result<(RotationReport, Final), CliError> {
    Err(CliError(
        "--live rotates the Windows machine it runs on, and this is not Windows: give the saved files (--store, --netsh, --registry) to rotate a simulation of them".to_owned(),
    ))
}

fn show(h: Option<Sha1Thumbprint>) -> String {
    h.map_or_else(|| "nothing".to_owned(), |h| h.to_string())
}

fn text(doc: &Report<'_>) -> String {
    let r = doc.rotation;
    let mut o = String::new();
    match &r.target {
        Some(t) => out!(
            o,
            "rotate to {} ({}, expires {}) on the {}",
            t.sha1,
            t.subject,
            rfc3339(t.not_after),
            r.host
        ),
        None => out!(o, "rotate on the {}", r.host),
    }
    if let Some(refusal) = &r.refusal {
        out!(o, "REFUSED ({}): {refusal}", refusal.code());
    }
    steps_text(&mut o, r);
    if let Some((op, Some(e))) = r
        .preflight
        .iter()
        .map(|c| (c.operation, c.error.as_ref()))
        .find(|(_, e)| e.is_some())
    {
        out!(o, "preflight: {} unavailable: {e}", op.code());
    }
    checks_text(&mut o, r);
    final_state_text(&mut o, doc);
    out!(o, "{}", r.state_sentence());
    for n in doc.assumptions.iter().chain(&r.notes) {
        out!(o, "note: {n}");
    }
    if doc.machine == "simulated" {
        out!(
            o,
            "note: this ran on the simulated machine built from the saved state: nothing on any server was changed"
        );
    }
    o
}

/// The steps, numbered, each with its status and what went wrong.
fn steps_text(o: &mut String, r: &RotationReport) {
    if r.steps.is_empty() {
        return;
    }
    out!(o, "steps:");
    for (i, s) in r.steps.iter().enumerate() {
        let status = match s.status {
            StepStatus::Planned => "planned",
            StepStatus::Done => "done",
            StepStatus::Skipped => "skipped",
            StepStatus::Failed => "FAILED",
            StepStatus::NotRun => "not run",
            _ => "unknown",
        };
        out!(o, "  {}. [{status}] {}", i + 1, s.command);
        if let Some(e) = &s.error {
            out!(o, "       {e}");
        }
        for d in &s.unexpected {
            out!(o, "       unexpected: {d}");
        }
        if let Some(n) = &s.note {
            out!(o, "       {n}");
        }
    }
}

/// The verification after the change, and the restore after a failure.
fn checks_text(o: &mut String, r: &RotationReport) {
    if !r.verification.is_empty() {
        out!(o, "verification:");
        for c in &r.verification {
            let mark = if c.ok { "ok" } else { "FAILED" };
            out!(
                o,
                "  [{mark}] {}: expected {}; found {}",
                c.code,
                c.expected,
                c.found
            );
        }
    }
    if let Some(restore) = &r.restore {
        out!(o, "restore:");
        for a in &restore.actions {
            match &a.error {
                None => out!(o, "  [done] {}", a.action),
                Some(e) => out!(o, "  [FAILED] {}: {e}", a.action),
            }
        }
        for d in &restore.differences {
            out!(o, "  still differs: {d}");
        }
    }
}

/// The machine at the end: bindings, registry hash, service, and the
/// certificate served on each family now (or before the reboot) and after
/// the reboot.
fn final_state_text(o: &mut String, doc: &Report<'_>) {
    let f = &doc.final_state;
    out!(o, "final state ({}):", doc.machine);
    if f.bindings.is_empty() {
        out!(o, "  no SSL bindings");
    }
    for b in &f.bindings {
        out!(
            o,
            "  {} -> {}{}",
            b.endpoint,
            b.cert_hash
                .map_or_else(|| "(no hash)".to_owned(), |h| h.to_string()),
            if b.is_sstp() { " (SSTP)" } else { "" }
        );
    }
    out!(
        o,
        "  SHA256CertificateHash {}",
        f.state
            .sha256_certificate_hash
            .map_or_else(|| "absent or invalid".to_owned(), |h| h.to_string())
    );
    out!(o, "  service {}, mode {}", f.state.service, f.state.mode);
    let now = if doc.machine == "live" {
        "now"
    } else {
        "before the reboot"
    };
    for (when, list) in [
        (now, &f.before_reboot),
        ("after the reboot", &f.after_reboot),
    ] {
        for s in list {
            let client = match (s.windows_client_connected, &s.failure) {
                (Some(true), _) => ", the Windows client connects".to_owned(),
                (Some(false), Some(f)) => format!(", the Windows client FAILS: {f}"),
                _ => String::new(),
            };
            out!(
                o,
                "  {when}, {}: serves {}{client}",
                s.family,
                show(s.served)
            );
        }
    }
}
