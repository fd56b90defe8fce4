//! `sstp-cert inspect FILE...`

use std::path::PathBuf;

use serde::Serialize;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::eku::{KeyPurpose, effective_eku};
use sstp_cert::model::warning::{Warning, warnings_for};

use crate::output::{at_or_now, print_json, rfc3339};
use crate::{CliError, Outcome};

/// The largest file `inspect` reads.
const MAX_FILE: u64 = 1024 * 1024;

/// Arguments of `inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Certificate files (DER or PEM; a PEM file may hold several).
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
    for file in &a.files {
        let shown = file.display().to_string();
        let len = std::fs::metadata(file)
            .map_err(|e| CliError(format!("{shown}: {e}")))?
            .len();
        if len > MAX_FILE {
            return Err(CliError(format!(
                "{shown}: {len} bytes, more than the {MAX_FILE} a certificate file may have"
            )));
        }
        let bytes = std::fs::read(file).map_err(|e| CliError(format!("{shown}: {e}")))?;
        let certs =
            Certificate::from_pem_or_der(&bytes).map_err(|e| CliError(format!("{shown}: {e}")))?;
        for c in certs {
            all.push(facts(&shown, &c, at));
        }
    }
    if a.json {
        print_json(&all)?;
    } else {
        for (i, f) in all.iter().enumerate() {
            if i > 0 {
                println!();
            }
            print_human(f);
        }
    }
    Ok(Outcome::Positive)
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

fn print_human(f: &Facts) {
    println!("file:         {}", f.file);
    println!("subject:      {}", f.subject);
    println!("issuer:       {}", f.issuer);
    println!("sha1:         {}", f.sha1);
    println!("sha256:       {}", f.sha256);
    println!("purpose:      {}", f.purpose);
    match &f.eku {
        None => println!("eku:          (no extension: valid for all uses)"),
        Some(l) if l.is_empty() => println!("eku:          (present but empty: no valid uses)"),
        Some(l) => println!(
            "eku:          {}",
            l.iter()
                .map(|p| format!("{p} ({})", p.oid()))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
    println!("dns names:    {}", list(&f.dns_names));
    println!("ip addresses: {}", list(&f.ip_addresses));
    println!("common names: {}", list(&f.common_names));
    println!("not before:   {}", f.not_before);
    println!("not after:    {}", f.not_after);
    println!("key:          {}", f.key_algorithm);
    for w in &f.warnings {
        println!("warning:      {}: {}; {}", w.code, w.message, w.consequence);
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
