//! `sstp-cert bindings FILE|-`

use std::path::PathBuf;

use sstp_cert::model::httpsys::{MAX_NETSH_INPUT, parse_sslcert_show};

use crate::input::read_limited;
use crate::output::{emit, out, print_json};
use crate::{CliError, Outcome};

/// Arguments of `bindings`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Saved `netsh http show sslcert` output (UTF-16 or UTF-8), or `-` for
    /// standard input.
    file: PathBuf,
    /// One JSON document (an array of bindings) on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let bytes = read_limited(&a.file, MAX_NETSH_INPUT)?;
    let shown = a.file.display().to_string();
    let listing = parse_sslcert_show(&bytes).map_err(|e| CliError(format!("{shown}: {e}")))?;
    for s in &listing.skipped {
        eprintln!("sstp-cert: note: {shown}: {s}");
    }
    for p in &listing.problems {
        eprintln!("sstp-cert: warning: {shown}: {p}");
    }
    if a.json {
        print_json(&listing.bindings)?;
        return Ok(Outcome::Positive);
    }
    let mut o = String::new();
    if listing.bindings.is_empty() {
        out!(o, "no SSL certificate bindings");
    }
    for b in &listing.bindings {
        let app = match b.app_id {
            Some(id) => match id.well_known_name() {
                Some(n) => format!("{id} ({n})"),
                None => id.to_string(),
            },
            None => "(none)".into(),
        };
        out!(
            o,
            "{:<24} {:<12} {}",
            b.endpoint.to_string(),
            b.endpoint.kind().as_str(),
            if b.is_sstp() { "SSTP" } else { "" }
        );
        out!(
            o,
            "    certhash {}",
            b.cert_hash
                .map_or_else(|| "(none)".to_owned(), |h| h.to_string())
        );
        out!(o, "    appid    {app}");
        out!(
            o,
            "    store    {}",
            b.store_name.as_deref().unwrap_or("(none)")
        );
    }
    emit(&o)?;
    Ok(Outcome::Positive)
}
