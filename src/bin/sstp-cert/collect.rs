//! `sstp-cert collect OUT_DIR`: this Windows machine's state, written as a
//! bundle for `select`, `diagnose`, `plan-change` and `simulate --bundle`
//! and for `fleet`. Read-only.

use std::path::PathBuf;

use serde::Serialize;
use sstp_cert::adapters::bundle::{BundleContents, BundlePart, MachineInfo};

use crate::output::{emit, out, print_json};
use crate::{CliError, Outcome};

/// Arguments of `collect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to write the bundle to: new, or empty.
    #[arg(value_name = "OUT_DIR")]
    out: PathBuf,
    /// One JSON document on stdout (what machine.json holds, and counts).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    bundle: String,
    certificates: Option<usize>,
    certificates_with_key: Option<usize>,
    bindings: Option<usize>,
    registry_values: Option<usize>,
    #[serde(flatten)]
    info: &'a MachineInfo,
}

#[cfg(windows)]
fn collect(a: &Args) -> Result<BundleContents, CliError> {
    let now = crate::output::at_or_now(None)?;
    sstp_cert::adapters::windows::collect::collect(&a.out, now, env!("CARGO_PKG_VERSION"))
        .map_err(|e| CliError(e.to_string()))
}

#[cfg(not(windows))]
fn collect(_: &Args) -> Result<BundleContents, CliError> {
    Err(CliError(
        "collect reads this machine's certificate store, HTTP.sys bindings and SstpSvc registry key, so it runs on Windows only: copy sstp-cert.exe to the server, run `sstp-cert collect OUT_DIR` there and bring OUT_DIR back (README: Diagnosing a real server)"
            .into(),
    ))
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let contents = collect(&a)?;
    let report = Report {
        bundle: a.out.display().to_string(),
        certificates: contents.store.as_ref().map(Vec::len),
        certificates_with_key: contents
            .store
            .as_ref()
            .map(|s| s.iter().filter(|e| e.key.counts_as_key()).count()),
        bindings: contents.bindings.as_ref().map(Vec::len),
        registry_values: contents.registry.as_ref().map(|r| r.len()),
        info: &contents.info,
    };
    if a.json {
        print_json(&report)?;
    } else {
        emit(&human(&report))?;
    }
    Ok(Outcome::Positive)
}

fn human(r: &Report<'_>) -> String {
    let mut o = String::new();
    let i = r.info;
    out!(
        o,
        "wrote bundle {} (machine {}, {})",
        r.bundle,
        i.machine.as_deref().unwrap_or("unknown"),
        i.os_version.as_deref().unwrap_or("OS version unknown")
    );
    let missing = |part: BundlePart| {
        format!(
            "NOT COLLECTED ({}); unknown to whoever reads the bundle",
            i.reason_not_collected(part).unwrap_or("no reason recorded")
        )
    };
    match (r.certificates, r.certificates_with_key) {
        (Some(n), Some(k)) => out!(
            o,
            "  store    LocalMachine\\MY: {}, {k} with a linked private key",
            crate::output::count(n, "certificate")
        ),
        _ => out!(o, "  store    {}", missing(BundlePart::Store)),
    }
    match r.bindings {
        Some(n) => out!(
            o,
            "  bindings {}",
            crate::output::count(n, "HTTP.sys SSL binding")
        ),
        None => out!(o, "  bindings {}", missing(BundlePart::Bindings)),
    }
    match r.registry_values {
        Some(n) => out!(
            o,
            "  registry SstpSvc\\Parameters: {}",
            crate::output::count(n, "value")
        ),
        None => out!(o, "  registry {}", missing(BundlePart::Registry)),
    }
    for n in &i.notes {
        out!(o, "note: {n}");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_each_part_and_why_one_is_missing() {
        let mut info = MachineInfo::named("VPN1");
        info.os_version = Some("Windows Server 2022".into());
        info.not_collected_part(BundlePart::Bindings, "HTTP.sys: error 2");
        info.notes.push("registry key does not exist".into());
        let report = Report {
            bundle: "C:\\Temp\\vpn1".into(),
            certificates: Some(3),
            certificates_with_key: Some(2),
            bindings: None,
            registry_values: Some(0),
            info: &info,
        };
        assert_eq!(
            human(&report),
            "wrote bundle C:\\Temp\\vpn1 (machine VPN1, Windows Server 2022)\n\
             \x20 store    LocalMachine\\MY: 3 certificates, 2 with a linked private key\n\
             \x20 bindings NOT COLLECTED (HTTP.sys: error 2); unknown to whoever reads the bundle\n\
             \x20 registry SstpSvc\\Parameters: 0 values\n\
             note: registry key does not exist\n"
        );
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["bindings"], serde_json::Value::Null);
        assert_eq!(json["machine"], "VPN1");
        assert_eq!(json["not_collected"][0]["part"], "bindings");
    }
}
