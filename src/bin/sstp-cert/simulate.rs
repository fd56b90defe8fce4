//! `sstp-cert simulate --store DIR [--netsh FILE] [--registry FILE] SCRIPT|-`

use std::path::{Path, PathBuf};

use serde::Serialize;
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::model::plan::PlanStep;
use sstp_cert::model::plumbing::GoneCertificateProfile;
use sstp_cert::model::runtime::{ConnectOutcome, Machine};
use sstp_cert::model::script::{ScriptStep, parse_script};
use sstp_cert::model::store::{CertStore, StoreEntry};

use crate::input::read_limited;
use crate::output::{emit, out, print_json};
use crate::state::StateArgs;
use crate::{CliError, Outcome};

/// The largest script read.
const MAX_SCRIPT: usize = 1024 * 1024;

/// Arguments of `simulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    state: StateArgs,
    /// The script: one command a line (netsh, reg, net, certutil -delstore,
    /// import FILE, reboot, connect HOST [windows|rfc9525|sstpc] [ipv4|ipv6]),
    /// or `-` for standard input.
    script: PathBuf,
    /// Model current Windows releases, which delete bindings whose
    /// certificate is gone (default: the behaviour documented in 2008).
    #[arg(long)]
    current_release: bool,
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
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let state = a.state.load()?;
    let text = read_limited(&a.script, MAX_SCRIPT)?;
    let text = String::from_utf8(text)
        .map_err(|e| CliError(format!("{}: not UTF-8 text: {e}", a.script.display())))?;
    let steps =
        parse_script(&text).map_err(|e| CliError(format!("{}: {e}", a.script.display())))?;
    let profile = if a.current_release {
        GoneCertificateProfile::CurrentRelease
    } else {
        GoneCertificateProfile::Documented2008
    };
    let mut m = Machine::from_parts(
        profile,
        state.machine.store,
        state.machine.registry.unwrap_or_default(),
        state.machine.bindings.unwrap_or_default(),
    );
    let base = a.script.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut reports = Vec::new();
    let mut all_ok = true;
    for (line, command, step) in steps {
        let events_before = m.events().len();
        let (ok, mut result, connect) = match &step {
            ScriptStep::Plan(p) => match m.apply(p) {
                Ok(()) if matches!(p, PlanStep::StartService) => (
                    true,
                    format!("service started: {}", plumbing_summary(&m)),
                    None,
                ),
                Ok(()) => (true, "done".to_owned(), None),
                Err(e) => (false, e.to_string(), None),
            },
            ScriptStep::Import { path } => {
                let entry = load_entry(&base, path)?;
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
                        plumbing_summary(&m)
                    ),
                    None,
                )
            }
            ScriptStep::Connect {
                host,
                profile,
                family,
            } => {
                let outcome = m.connect(host, *profile, *family);
                let text = match &outcome {
                    ConnectOutcome::Connected(c) => format!(
                        "connected ({} over {}): served {}{}",
                        profile.code(),
                        family,
                        c.sha1,
                        if c.from_live_context {
                            " from HTTP.sys's live context"
                        } else {
                            " loaded from the store"
                        }
                    ),
                    ConnectOutcome::Failed(f) => format!("FAILED {}: {f}", f.code()),
                };
                (outcome.is_connected(), text, Some(outcome))
            }
        };
        for e in &m.events()[events_before..] {
            result.push_str(&format!("; {e}"));
        }
        all_ok &= ok;
        reports.push(StepReport {
            line,
            command,
            ok,
            result,
            connect,
        });
    }
    if a.json {
        print_json(&reports)?;
    } else {
        let mut o = String::new();
        for r in &reports {
            out!(o, "> {}", r.command);
            out!(o, "  {}", r.result);
        }
        emit(&o)?;
    }
    Ok(if all_ok {
        Outcome::Positive
    } else {
        Outcome::Negative
    })
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
