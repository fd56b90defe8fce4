//! `sstp-cert thumbprint TEXT`

use serde::Serialize;
use sstp_cert::model::thumbprint::{CertHash, parse_hash};

use crate::output::{emit, out, print_json};
use crate::{CliError, Outcome};

/// Arguments of `thumbprint`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The thumbprint as pasted (quote it: it may contain spaces).
    text: String,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Removed {
    character: String,
    name: &'static str,
    position: usize,
}

#[derive(Serialize)]
struct Report {
    kind: &'static str,
    hex: String,
    uppercase: String,
    removed: Vec<Removed>,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let parsed = parse_hash(&a.text)?;
    let (kind, upper) = match parsed.hash {
        CertHash::Sha1(h) => ("sha1", h.to_uppercase_hex()),
        CertHash::Sha256(h) => ("sha256", h.to_uppercase_hex()),
        other => ("unknown", other.to_string().to_uppercase()),
    };
    let report = Report {
        kind,
        hex: parsed.hash.to_string(),
        uppercase: upper,
        removed: parsed
            .removed
            .iter()
            .map(|r| Removed {
                character: format!("U+{:04X}", r.ch as u32),
                name: r.name(),
                position: r.position,
            })
            .collect(),
    };
    if a.json {
        print_json(&report)?;
    } else {
        let what = if kind == "sha1" {
            "SHA-1 thumbprint (netsh certhash=)"
        } else {
            "SHA-256 hash (SHA256CertificateHash)"
        };
        let mut o = String::new();
        out!(o, "{}", report.hex);
        out!(o, "kind: {what}");
        for r in &parsed.removed {
            out!(o, "warning: {r}");
        }
        emit(&o)?;
    }
    Ok(Outcome::Positive)
}
