//! `sstp-cert diagnose --store DIR [--netsh FILE] [--registry FILE] [--host NAME]
//! [--intended THUMBPRINT] [--at TIME] [--expiry-warning-days N]`

use serde::Serialize;
use sstp_cert::adapters::port_probe::SocketPortProbe;
use sstp_cert::model::diagnosis::{
    DEFAULT_EXPIRY_WARNING_DAYS, Diagnosis, DiagnosisInput, Severity, diagnose,
};
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::httpsys::ListingProblem;
use sstp_cert::model::plumbing::GoneCertificateProfile;
use sstp_cert::model::port::PortProbe;
use sstp_cert::model::store::EntryProblem;
use sstp_cert::model::thumbprint::Sha1Thumbprint;

use crate::output::{at_or_now, emit, out, print_json, rfc3339};
use crate::state::StateArgs;
use crate::{CliError, Outcome};

/// Arguments of `diagnose`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    state: StateArgs,
    /// The host name clients dial.
    #[arg(long)]
    host: Option<String>,
    /// The thumbprint of the certificate you mean to serve. The fixes bind
    /// it when clients accept it; when they refuse it, a warning says so
    /// and the fixes use the recommended certificate.
    #[arg(long)]
    intended: Option<String>,
    /// Judge validity at this RFC 3339 time instead of now.
    #[arg(long)]
    at: Option<String>,
    /// Warn when a certificate in service expires within this many days.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_EXPIRY_WARNING_DAYS)]
    expiry_warning_days: u32,
    /// Also try to bind 0.0.0.0:<port> and [::]:<port> on THIS machine.
    #[arg(long)]
    probe_port: bool,
    /// Model current Windows releases, which delete bindings whose
    /// certificate is gone (default: the behaviour documented in 2008).
    #[arg(long)]
    current_release: bool,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    store: &'a str,
    at: String,
    #[serde(flatten)]
    diagnosis: &'a Diagnosis,
    store_problems: &'a [EntryProblem],
    listing_problems: &'a [ListingProblem],
    notes: &'a [String],
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let state = a.state.load()?;
    let parameters = state.state.parameters();
    let host = a
        .host
        .as_deref()
        .map(ReferenceId::parse)
        .transpose()
        .map_err(|e| CliError(format!("--host: {e}")))?;
    let intended = a
        .intended
        .as_deref()
        .map(str::parse::<Sha1Thumbprint>)
        .transpose()
        .map_err(|e| CliError(format!("--intended: {e}")))?;
    let mut input = DiagnosisInput::from_state(&state.state, &parameters);
    input.at = Some(at);
    input.expiry_warning_days = a.expiry_warning_days;
    input.host = host;
    input.intended = intended;
    if a.current_release {
        input.profile = GoneCertificateProfile::CurrentRelease;
    }
    if a.probe_port {
        input.port = Some(SocketPortProbe.probe(parameters.listener().port));
    }
    let d = diagnose(&input);
    let report = Report {
        store: &state.store_name,
        at: rfc3339(at),
        diagnosis: &d,
        store_problems: &state.store_problems,
        listing_problems: &state.listing_problems,
        notes: &state.notes,
    };
    if a.json {
        print_json(&report)?;
    } else {
        emit(&print_human(&report))?;
    }
    Ok(if d.has_errors() {
        Outcome::Negative
    } else {
        Outcome::Positive
    })
}

fn print_human(r: &Report<'_>) -> String {
    let mut o = String::new();
    let d = r.diagnosis;
    for n in r.notes {
        out!(o, "note: {n}");
    }
    for u in &d.unknown_inputs {
        out!(o, "note: {u}");
    }
    let errors = d
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    out!(
        o,
        "store: {} ({}); mode: {}; {}, {}",
        r.store,
        crate::output::count(d.choice.candidates.len(), "certificate"),
        d.plumbing.mode,
        crate::output::count(d.findings.len(), "finding"),
        crate::output::count(errors, "error")
    );
    out!(o, "{}", d.recommendation.summary());
    if let Some(t) = d.target
        && d.recommendation.sha1() != Some(t)
    {
        out!(o, "fixes below use the intended certificate {t}");
    }
    for f in &d.findings {
        out!(o);
        out!(o, "{} [{}]", f.severity.to_string().to_uppercase(), f.code);
        if let Some(ep) = &f.endpoint {
            out!(o, "  endpoint:    {ep}");
        }
        if let Some(c) = &f.certificate {
            out!(o, "  certificate: {c}");
        }
        out!(o, "  {}", f.message);
        if !f.fix.is_empty() {
            out!(o, "  fix:");
            for l in &f.fix {
                out!(o, "    {l}");
            }
        }
    }
    for p in r.store_problems {
        out!(o);
        out!(o, "store: not read: {p}");
    }
    for p in r.listing_problems {
        out!(o, "netsh: {p}");
    }
    if !d.events.is_empty() {
        out!(o);
        out!(o, "events the service would log:");
        for e in &d.events {
            out!(o, "  {e}");
        }
    }
    o
}
