//! `sstp-cert rotate` on saved inputs (the sample machine in `examples/`).
#![cfg(feature = "cli")]

mod cli_support;
use cli_support::{json, stdout};

use std::process::Output;

const AT: &str = "2026-12-04T12:00:00Z";
const NEW: &str = "2deaa3dbe6eeaec89371fb1283a80984fc834531";
const EXPIRED: &str = "9e7a149ff4d2959e5c34e50503e7946e4cb4093c";
const MACHINE: [&str; 6] = [
    "--store",
    "examples/store",
    "--netsh",
    "examples/machine/netsh-sslcert.txt",
    "--registry",
    "examples/machine/sstpsvc.reg",
];

/// `sstp-cert rotate` on the sample machine at `AT`, with `extra`.
fn run(extra: &[&str]) -> Output {
    cli_support::command()
        .arg("rotate")
        .args(MACHINE)
        .args(["--at", AT])
        .args(extra)
        .output()
        .expect("run sstp-cert")
}

#[test]
fn without_apply_it_is_a_dry_run_that_shows_the_trap() {
    let out = run(&["--to", NEW, "--host", "vpn.example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(
        text.contains("1. [planned] netsh http delete sslcert ipport=0.0.0.0:443"),
        "{text}"
    );
    assert!(text.contains("dry run: nothing was changed; run again with --apply"));
    // the saved machine's binding names a certificate gone from the store
    assert!(
        text.contains(
            "after the reboot, IPv4: serves nothing, the Windows client FAILS: certificate-missing"
        ),
        "{text}"
    );
}

#[test]
fn apply_rotates_verifies_and_survives_the_reboot_json() {
    let out = run(&[
        "--to",
        NEW,
        "--host",
        "vpn.example.com",
        "--apply",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let j = json(&out);
    assert_eq!(j["ok"], true);
    assert_eq!(j["outcome"], "rotated");
    assert_eq!(j["target"]["sha1"], NEW);
    let statuses: Vec<&str> = j["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == "done" || *s == "skipped"),
        "{statuses:?}"
    );
    assert!(
        j["verification"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["ok"] == true)
    );
    let f = &j["final"];
    assert_eq!(f["served_before_reboot"], NEW);
    assert_eq!(f["served_after_reboot"], NEW);
    let bindings = f["bindings"].as_array().unwrap();
    assert_eq!(bindings.len(), 2);
    assert!(bindings.iter().all(|b| b["cert_hash"] == NEW));
    // The saved state starts as saved (behaviour §12): the service runs on the
    // bindings, and HTTP.sys still holds the certificate that is gone from
    // the store — known to the simulation only by its hash, which it says.
    assert!(
        j["assumptions"][0]
            .as_str()
            .unwrap()
            .contains("HTTP.sys is taken to still hold it in memory"),
        "{}",
        j["assumptions"]
    );
    assert_eq!(
        j["assumptions"].as_array().unwrap().len(),
        1,
        "said once for the pair: {}",
        j["assumptions"]
    );
}

#[test]
fn to_newest_picks_the_certificate_clients_accept_for_the_host() {
    let out = cli_support::command()
        .args([
            "rotate",
            "--store",
            "examples/store",
            "--to-newest",
            "--host",
            "vpn.example.com",
        ])
        .args(["--at", AT, "--apply", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let j = json(&out);
    assert_eq!(j["target"]["sha1"], NEW);
    assert_eq!(j["final"]["served_after_reboot"], NEW);
    // unknown inputs are said, not hidden
    let a = j["assumptions"].to_string();
    assert!(
        a.contains("bindings were not given") && a.contains("registry was not given"),
        "{a}"
    );
}

#[test]
fn a_certificate_clients_refuse_is_refused_with_exit_1() {
    let out = run(&["--to", EXPIRED, "--apply", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let j = json(&out);
    assert_eq!(j["ok"], false);
    assert_eq!(j["outcome"], "refused");
    assert_eq!(j["refusal"]["code"], "target-refused");
    let problems: Vec<&str> = j["refusal"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert!(problems.contains(&"expired"), "{problems:?}");
    assert!(j["steps"].as_array().unwrap().is_empty());
    // nothing bound to it, nothing changed: the saved bindings are still there
    assert_ne!(j["final"]["bindings"][0]["cert_hash"], EXPIRED);
}

#[test]
fn bad_arguments_exit_2_with_a_sentence() {
    let out = run(&["--to-newest"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["--to", "zz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--to: invalid character 'z'"));
    let out = run(&["--to", NEW, "--host", "bad host!"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("sstp-cert: error: --host"));
}

#[test]
fn not_in_the_store_is_refused_with_exit_1() {
    let out = run(&["--to", "5555555555555555555555555555555555555555"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("REFUSED (not-in-store)"));
}

#[cfg(not(windows))]
#[test]
fn live_is_refused_off_windows_with_a_sentence() {
    let out = cli_support::run(&["rotate", "--live", "--to", NEW]);
    assert_eq!(out.status.code(), Some(2));
    assert!(cli_support::stderr(&out).contains("--live rotates the Windows machine it runs on"));
    // and it cannot be mixed with saved files
    let out = run(&["--live", "--to", NEW]);
    assert_eq!(out.status.code(), Some(2));
}
