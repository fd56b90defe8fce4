//! `sstp-cert simulate --store DIR [--netsh FILE] [--registry FILE] [--at TIME]
//! [--stopped] [--deleted-cert FILE]… SCRIPT|-`

use std::path::{Path, PathBuf};

use serde::Serialize;
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::hostname::Profile;
use sstp_cert::model::plan::PlanStep;
use sstp_cert::model::plumbing::Family;
use sstp_cert::model::plumbing::GoneCertificateProfile;
use sstp_cert::model::runtime::{
    ConnectOutcome, ConnectStep, Connection, Machine, NotCheckedReason, SavedStart, ServiceState,
};
use sstp_cert::model::script::{ScriptStep, parse_script};
use sstp_cert::model::state::{Assumption, MachineState};
use sstp_cert::model::store::{CertStore, StoreEntry};
use time::OffsetDateTime;

use crate::input::read_limited;
use crate::output::{at_or_now, emit, out, print_json, rfc3339};
use crate::state::StateArgs;
use crate::{CliError, Outcome};

/// The largest script read.
const MAX_SCRIPT: usize = 1024 * 1024;

/// The largest certificate file read for `--deleted-cert`.
const MAX_CERT_FILE: usize = 1024 * 1024;

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    state: StateArgs,
    /// The script: one command a line (netsh http add|delete|show sslcert,
    /// reg add|delete|query, net stop|start, certutil -delstore, import FILE,
    /// reboot, connect HOST [windows|rfc9525|sstpc] [ipv4|ipv6]), or `-` for
    /// standard input.
    script: PathBuf,
    /// Model current Windows releases, which delete bindings whose
    /// certificate is gone (default: the behaviour documented in 2008).
    #[arg(long)]
    current_release: bool,
    /// The simulated time (RFC 3339), for the validity checks of every
    /// connection (default: now).
    #[arg(long)]
    at: Option<String>,
    /// Start with the service stopped and no live certificate context, even
    /// when the saved bindings hold SSTP's pair (default: as saved — running,
    /// with HTTP.sys holding the bound certificates in memory).
    #[arg(long)]
    stopped: bool,
    /// A certificate file (PEM or DER) that is no longer in the store but
    /// that HTTP.sys may still hold in memory, e.g. the certificate deleted
    /// before the state was saved: connections through it check its
    /// validity and names. Without it such a certificate is held only by
    /// its hash, and those checks are named as not made. May be given more
    /// than once.
    #[arg(long = "deleted-cert", value_name = "FILE")]
    deleted_certs: Vec<PathBuf>,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct StepReport {
    line: usize,
    command: String,
    ok: bool,
    result: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    connect: Option<ConnectOutcome>,
    /// The step of a failed connection (`tls`, `validity`, `name`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<ConnectStep>,
    /// The error the client shows for a failed connection, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_error: Option<&'static str>,
    /// The text a `netsh http show sslcert` or `reg query` step printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    output: Option<String>,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(with = "time::serde::rfc3339")]
    at: OffsetDateTime,
    profile: GoneCertificateProfile,
    start: String,
    assumptions: &'a [Assumption],
    steps: Vec<StepReport>,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let state = a.state.load()?;
    let steps = read_script(&a.script)?;
    let mut in_memory = Vec::new();
    for p in &a.deleted_certs {
        in_memory.extend(read_certificates(p)?);
    }
    let profile = if a.current_release {
        GoneCertificateProfile::CurrentRelease
    } else {
        GoneCertificateProfile::Documented2008
    };
    // The loader keeps what was not given as unknown (`None`).
    let saved: MachineState = state.state;
    let start = SavedStart::new().stopped(a.stopped).in_memory(in_memory);
    let mut m = Machine::from_state_with(&saved, profile, at, &start);
    let start_text = start_summary(&m);
    if !a.json {
        eprint!("{}", notes_text(&state.notes, m.assumptions()));
    }
    let base = a.script.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut reports = Vec::with_capacity(steps.len());
    for (line, command, step) in steps {
        reports.push(run_step(&mut m, &base, line, command, &step)?);
    }
    let all_ok = reports.iter().all(|r| r.ok);
    if a.json {
        print_json(&Report {
            at,
            profile,
            start: start_text,
            assumptions: m.assumptions(),
            steps: reports,
        })?;
    } else {
        emit(&human_text(at, &start_text, &reports))?;
    }
    Ok(if all_ok {
        Outcome::Positive
    } else {
        Outcome::Negative
    })
}

/// The script's steps, with their line numbers and text.
fn read_script(path: &Path) -> Result<Vec<(usize, String, ScriptStep)>, CliError> {
    let text = read_limited(path, MAX_SCRIPT)?;
    let text = String::from_utf8(text)
        .map_err(|e| CliError(format!("{}: not UTF-8 text: {e}", path.display())))?;
    parse_script(&text).map_err(|e| CliError(format!("{}: {e}", path.display())))
}

/// The live readers' notes, then what the simulation assumed, one `note:`
/// line each.
fn notes_text(notes: &[String], assumptions: &[Assumption]) -> String {
    let mut out = String::new();
    for n in notes {
        out!(out, "note: {n}");
    }
    for a in assumptions {
        match a.code {
            "no-live-context" | "live-context-by-hash" => {
                out!(out, "note: {a} (--deleted-cert FILE)");
            }
            _ => out!(out, "note: {a}"),
        }
    }
    out
}

/// Runs one step of the script on `m`: what it did, and the events the
/// service logged meanwhile. Paths of `import` are relative to `base`.
fn run_step(
    m: &mut Machine,
    base: &Path,
    line: usize,
    command: String,
    step: &ScriptStep,
) -> Result<StepReport, CliError> {
    let events_before = m.events().len();
    let mut output = None;
    let (ok, mut result, connect) = match step {
        ScriptStep::Plan(p) => match m.apply(p) {
            Ok(()) if matches!(p, PlanStep::StartService) => (
                true,
                format!("service started: {}", plumbing_summary(m)),
                None,
            ),
            Ok(()) => (true, "done".to_owned(), None),
            Err(e) => (false, e.to_string(), None),
        },
        ScriptStep::Import { path } => {
            let entry = load_entry(base, path)?;
            let what = format!("imported {} ({})", entry.certificate.sha1(), entry.key);
            m.import_certificate(entry);
            (true, what, None)
        }
        ScriptStep::Reboot => {
            m.reboot();
            (
                true,
                format!(
                    "rebooted: HTTP.sys forgot every live certificate context; service started: {}",
                    plumbing_summary(m)
                ),
                None,
            )
        }
        ScriptStep::ShowBindings => {
            output = Some(m.netsh_show_sslcert());
            (
                true,
                crate::output::count(m.bindings().len(), "binding"),
                None,
            )
        }
        ScriptStep::QueryRegistry => {
            output = Some(m.reg_query());
            (
                true,
                crate::output::count(m.registry().len(), "value"),
                None,
            )
        }
        ScriptStep::Connect {
            host,
            profile,
            family,
        } => {
            let outcome = m.connect(host, *profile, *family);
            let text = connect_text(*profile, *family, &outcome);
            (outcome.is_connected(), text, Some(outcome))
        }
        // A step a newer library reads and this tool does not know (the
        // command itself is on the line above in the report).
        _ => (false, "not supported by this tool".to_owned(), None),
    };
    for e in &m.events()[events_before..] {
        result.push_str(&format!("; {e}"));
    }
    let failure = connect.as_ref().and_then(ConnectOutcome::failure);
    Ok(StepReport {
        line,
        command,
        ok,
        result,
        step: failure.map(|f| f.step()),
        client_error: failure.and_then(|f| f.client_error()),
        connect,
        output,
    })
}

/// The result line of a `connect` step.
fn connect_text(profile: Profile, family: Family, outcome: &ConnectOutcome) -> String {
    match outcome {
        ConnectOutcome::Connected(c) => connected_text(profile, family, c),
        ConnectOutcome::Failed(f) => {
            let mut t = format!("FAILED {} at step {}: {f}", f.code(), f.step());
            // The validity message already names the error.
            if let Some(e) = f
                .client_error()
                .filter(|_| f.step() != ConnectStep::Validity)
            {
                t.push_str(&format!(" — the client shows {e}"));
            }
            t
        }
        _ => "an outcome this tool does not know".to_owned(),
    }
}

/// The human report: the start, then each command with its result and
/// what it printed.
fn human_text(at: OffsetDateTime, start_text: &str, reports: &[StepReport]) -> String {
    let mut o = String::new();
    out!(o, "= at {}: {start_text}", rfc3339(at));
    for r in reports {
        out!(o, "> {}", r.command);
        out!(o, "  {}", r.result);
        if let Some(text) = &r.output {
            // Windows' own format, line for line (CRLF shown as line
            // ends), so it can be saved and read back.
            for l in text.lines() {
                out!(o, "{l}");
            }
        }
    }
    o
}

/// The line of a connection that succeeded, with the checks the model
/// could not make (behaviour §12: a certificate HTTP.sys holds only by its hash).
fn connected_text(profile: Profile, family: Family, c: &Connection) -> String {
    let mut t = format!(
        "connected ({} over {}): served {}{}",
        profile.code(),
        family,
        c.sha1,
        if c.from_live_context {
            " from HTTP.sys's live context"
        } else {
            " loaded from the store"
        }
    );
    let step_name = |s: ConnectStep| match s {
        ConnectStep::Eku => "EKU",
        ConnectStep::CryptoBinding => "crypto binding",
        other => other.code(),
    };
    let by_hash: Vec<&str> = c
        .not_checked
        .iter()
        .filter(|n| n.reason == NotCheckedReason::KnownOnlyByHash)
        .map(|n| step_name(n.step))
        .collect();
    if let Some((last, first)) = by_hash.split_last() {
        let list = if first.is_empty() {
            (*last).to_owned()
        } else {
            format!("{} and {last}", first.join(", "))
        };
        t.push_str(&format!(" — known only by its hash: {list} not checked"));
    }
    for n in c
        .not_checked
        .iter()
        .filter(|n| n.reason != NotCheckedReason::KnownOnlyByHash)
    {
        t.push_str(&format!("; {} not checked: {}", step_name(n.step), n.why));
    }
    t
}

/// How the machine starts: running as saved (with its listener and live
/// contexts) or stopped.
fn start_summary(m: &Machine) -> String {
    match (m.service_state(), m.listener()) {
        (ServiceState::Running, Some(l)) => {
            let live = m.live_contexts();
            let held = if live.is_empty() {
                "HTTP.sys holds no live certificate context".to_owned()
            } else {
                format!(
                    "HTTP.sys holds {}",
                    live.iter()
                        .map(|(e, h)| {
                            let by_hash =
                                m.live_context_held(e).is_some_and(|c| c.is_known_by_hash());
                            format!(
                                "{h} for {e}{}",
                                if by_hash {
                                    " (known only by its hash)"
                                } else {
                                    ""
                                }
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            format!(
                "service running as saved (mode {}), listening on {}; {held}",
                sstp_cert::model::plumbing::Mode::of(&m.parameters()),
                l.url()
            )
        }
        _ => "service stopped".to_owned(),
    }
}

/// What the service did when it last started.
fn plumbing_summary(m: &Machine) -> String {
    let Some(p) = m.last_plumbing() else {
        return "not started".to_owned();
    };
    let listener = match &p.listener {
        Some(l) => format!("listening on {}", l.url()),
        None => "NO listener".to_owned(),
    };
    let serving = match p.bound {
        Some(h) => format!(", serving {h}"),
        None => String::new(),
    };
    format!("mode {}, {listener}{serving}", p.mode)
}

/// Reads the certificates of a `--deleted-cert` file.
fn read_certificates(p: &Path) -> Result<Vec<Certificate>, CliError> {
    let bytes = read_limited(p, MAX_CERT_FILE)?;
    let certs = Certificate::from_pem_or_der(&bytes)
        .map_err(|e| CliError(format!("--deleted-cert {}: {e}", p.display())))?;
    if certs.is_empty() {
        return Err(CliError(format!(
            "--deleted-cert {}: no certificate in the file",
            p.display()
        )));
    }
    Ok(certs)
}

/// Reads one certificate file (and its key, if beside it) as the
/// directory store would.
fn load_entry(base: &Path, path: &str) -> Result<StoreEntry, CliError> {
    let p = base.join(path);
    let shown = p.display().to_string();
    let dir = p.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| CliError(format!("import {shown}: not a file name")))?;
    let snapshot = DirectoryStore::new(dir).load()?;
    if let Some(problem) = snapshot.problems.iter().find(|pr| pr.source == name) {
        return Err(CliError(format!("import {shown}: {}", problem.message)));
    }
    snapshot
        .entries
        .into_iter()
        .find(|e| e.source == name)
        .ok_or_else(|| CliError(format!("import {shown}: no certificate there")))
}
