//! `sstp-cert check-host --cert FILE --host NAME [--client windows|rfc9525|sstpc]`

use std::path::PathBuf;

use sstp_cert::model::certificate::{Certificate, MAX_CERTIFICATE_DER_LEN};
use sstp_cert::model::hostname::{HostVerdicts, Profile, ReferenceId};

use crate::input::read_limited;
use crate::output::{emit, out, print_json};
use crate::{CliError, Outcome};

/// Arguments of `check-host`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The certificate (DER or PEM; the first certificate of a PEM file).
    #[arg(long)]
    cert: PathBuf,
    /// The host name or IP address clients dial.
    #[arg(long)]
    host: String,
    /// Only this client profile: windows, rfc9525 or sstpc (default: all three).
    #[arg(long)]
    client: Option<String>,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    // PEM is larger than DER; leave room for text and other blocks.
    let bytes = read_limited(&a.cert, MAX_CERTIFICATE_DER_LEN * 4)?;
    let shown = a.cert.display().to_string();
    let cert = Certificate::from_pem_or_der(&bytes)
        .map_err(|e| CliError(format!("{shown}: {e}")))?
        .into_iter()
        .next()
        .ok_or_else(|| CliError(format!("{shown}: no certificate")))?;
    let host = ReferenceId::parse(&a.host).map_err(|e| CliError(format!("--host: {e}")))?;
    let profiles = match &a.client {
        Some(c) => vec![
            c.parse::<Profile>()
                .map_err(|e| CliError(format!("--client: {e}")))?,
        ],
        None => Profile::ALL.to_vec(),
    };
    let v = HostVerdicts::check_profiles(&cert, &host, &profiles);
    if a.json {
        print_json(&v)?;
    } else {
        let mut o = String::new();
        out!(o, "host: {}", v.host);
        for (p, r) in v.iter() {
            let verdict = if r.matched() {
                match r.identifier() {
                    Some(id) => format!("matched by {id}"),
                    None => "accepted (no name check)".to_owned(),
                }
            } else {
                "NO MATCH".to_owned()
            };
            out!(o, "{:<8} {verdict}", p.code());
            if !r.matched() {
                for reason in r.reasons() {
                    out!(o, "         {reason}");
                }
            }
            if !r.eku.accepted {
                out!(o, "         EKU refused: {}", r.eku.explanation);
            }
            if let Some(c) = &r.consequence {
                out!(o, "         consequence: {c}");
            }
            for w in &r.warnings {
                out!(o, "         warning: {w}");
            }
        }
        emit(&o)?;
    }
    Ok(if v.all_matched() {
        Outcome::Positive
    } else {
        Outcome::Negative
    })
}
