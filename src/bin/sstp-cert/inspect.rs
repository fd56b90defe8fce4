//! `sstp-cert inspect FILE...`

use std::path::{Path, PathBuf};

use serde::Serialize;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::eku::{KeyPurpose, effective_eku};
use sstp_cert::model::warning::{Warning, warnings_for};

use crate::input::read_limited;
use crate::output::{at_or_now, emit, out, print_json, rfc3339};
use crate::{CliError, Outcome, report_bad_input};

/// The largest file `inspect` reads.
const MAX_FILE: u64 = 1024 * 1024;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Certificate files (DER or PEM; a PEM file may hold several), or `-`
    /// for standard input. A bad file is reported and the others are still
    /// shown; the exit status is then 2.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Judge validity at this RFC 3339 time instead of now.
    #[arg(long)]
    at: Option<String>,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Facts {
    file: String,
    sha1: String,
    sha256: String,
    purpose: &'static str,
    eku: Option<Vec<KeyPurpose>>,
    dns_names: Vec<String>,
    ip_addresses: Vec<String>,
    common_names: Vec<String>,
    subject: String,
    issuer: String,
    serial: String,
    not_before: String,
    not_after: String,
    key_algorithm: String,
    warnings: Vec<Warning>,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let mut all = Vec::new();
    let mut bad = 0usize;
    // Every file is tried: a bad one is reported and the others still are.
    for file in &a.files {
        match load(file) {
            Ok((shown, certs)) => all.extend(certs.iter().map(|c| facts(&shown, c, at))),
            Err(CliError(msg)) => {
                bad += 1;
                report_bad_input(&msg);
            }
        }
    }
    if a.json {
        print_json(&all)?;
    } else {
        let mut o = String::new();
        for (i, f) in all.iter().enumerate() {
            if i > 0 {
                out!(o);
            }
            print_human(&mut o, f);
        }
        emit(&o)?;
    }
    if bad > 0 {
        return Ok(Outcome::BadInputReported);
    }
    Ok(Outcome::Positive)
}

/// Reads one file (`-`: standard input) and parses its certificates.
fn load(file: &Path) -> Result<(String, Vec<Certificate>), CliError> {
    let stdin = file.as_os_str() == "-";
    let shown = if stdin {
        "standard input".to_owned()
    } else {
        file.display().to_string()
    };
    if !stdin {
        let len = std::fs::metadata(file)
            .map_err(|e| CliError(format!("{shown}: {}", crate::input::io_sentence(&e))))?
            .len();
        if len > MAX_FILE {
            return Err(CliError(format!(
                "{shown}: {len} bytes, more than the {MAX_FILE} a certificate file may have"
            )));
        }
    }
    // Bounded even when the size above was not the truth (a FIFO or a
    // device reports 0; a file may grow).
    let bytes = read_limited(file, MAX_FILE as usize)?;
    let certs =
        Certificate::from_pem_or_der(&bytes).map_err(|e| CliError(format!("{shown}: {e}")))?;
    Ok((shown, certs))
}

fn facts(file: &str, c: &Certificate, at: time::OffsetDateTime) -> Facts {
    let v = c.validity();
    Facts {
        file: file.to_owned(),
        sha1: c.sha1().to_string(),
        sha256: c.sha256().to_string(),
        purpose: effective_eku(c.eku().purposes(), None).purpose().code(),
        eku: c.eku().purposes().map(<[KeyPurpose]>::to_vec),
        dns_names: c.names().dns.clone(),
        ip_addresses: c.names().ips.iter().map(ToString::to_string).collect(),
        common_names: c.names().common_names.clone(),
        subject: c.subject().to_owned(),
        issuer: c.issuer().to_owned(),
        serial: c.serial_hex(),
        not_before: rfc3339(v.not_before),
        not_after: rfc3339(v.not_after),
        key_algorithm: c.public_key().to_string(),
        warnings: warnings_for(c, Some(at)),
    }
}

fn print_human(o: &mut String, f: &Facts) {
    out!(*o, "file:         {}", f.file);
    out!(*o, "subject:      {}", f.subject);
    out!(*o, "issuer:       {}", f.issuer);
    out!(*o, "sha1:         {}", f.sha1);
    out!(*o, "sha256:       {}", f.sha256);
    out!(*o, "purpose:      {}", f.purpose);
    match &f.eku {
        None => out!(*o, "eku:          (no extension: valid for all uses)"),
        Some(l) if l.is_empty() => out!(*o, "eku:          (present but empty: no valid uses)"),
        Some(l) => out!(
            *o,
            "eku:          {}",
            l.iter()
                .map(|p| format!("{p} ({})", p.oid()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    out!(*o, "dns names:    {}", list(&f.dns_names));
    out!(*o, "ip addresses: {}", list(&f.ip_addresses));
    out!(*o, "common names: {}", list(&f.common_names));
    out!(*o, "not before:   {}", f.not_before);
    out!(*o, "not after:    {}", f.not_after);
    out!(*o, "key:          {}", f.key_algorithm);
    for w in &f.warnings {
        out!(
            *o,
            "warning:      {}: {}; {}",
            w.code,
            w.message,
            w.consequence
        );
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".into()
    } else {
        v.iter()
            .map(|s| s.escape_debug().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
