//! `sstp-cert fleet DIR`: every bundle under DIR (one per server, from
//! `sstp-cert collect`), diagnosed in parallel, one line per server.

use std::path::PathBuf;

use sstp_cert::adapters::fleet::{FleetOptions, FleetReport, ServerSummary, survey};

use crate::output::{at_or_now, emit, out, print_json};
use crate::{CliError, Outcome};

/// Arguments of `fleet`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A directory of bundles, one subdirectory per server (or one bundle).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
    /// Judge validity at this RFC 3339 time instead of now.
    #[arg(long)]
    at: Option<String>,
    /// Threads reading bundles (default: one per CPU).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let report = survey(&a.dir, &FleetOptions::at(at).with_threads(a.threads))?;
    if a.json {
        print_json(&report)?;
    } else {
        emit(&human(&report))?;
    }
    Ok(if report.has_errors() {
        Outcome::Negative
    } else {
        Outcome::Positive
    })
}

fn list(codes: &[String]) -> String {
    if codes.is_empty() {
        "none".to_owned()
    } else {
        codes.join(", ")
    }
}

fn line(s: &ServerSummary) -> String {
    if let Some(why) = &s.damaged {
        return format!("{}  DAMAGED BUNDLE: {why}", s.machine);
    }
    let served = match &s.served {
        Some(c) => format!(
            "serves {} ({}, expires {})",
            c.sha1,
            c.subject.as_deref().unwrap_or("not in the store"),
            c.not_after.as_deref().unwrap_or("unknown")
        ),
        None => "serves nothing".to_owned(),
    };
    let mut text = format!(
        "{}  {served}  errors: {}  warnings: {}",
        s.machine,
        list(&s.errors),
        list(&s.warnings)
    );
    if !s.unknown.is_empty() {
        let unknown: Vec<&str> = s.unknown.iter().map(|u| u.code()).collect();
        text.push_str(&format!("  unknown: {}", unknown.join(", ")));
    }
    if s.store_problems > 0 {
        text.push_str(&format!("  store files not read: {}", s.store_problems));
    }
    text
}

fn human(r: &FleetReport) -> String {
    let mut o = String::new();
    let with_errors = r.servers.iter().filter(|s| s.has_errors()).count();
    out!(
        o,
        "fleet: {} ({}, {} with errors; validity judged at {})",
        r.directory,
        crate::output::count(r.servers.len(), "server"),
        with_errors,
        r.at
    );
    for s in &r.servers {
        out!(o, "{}", line(s));
    }
    o
}
