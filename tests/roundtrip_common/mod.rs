//! The Wine round trip of `sstp-cert collect` (issue 15), shared by
//! `windows_collect.rs` (under Wine: collect, and `select`/`diagnose` run
//! live) and `bundle_roundtrip.rs` (on Linux: the same commands on the
//! collected bundle). What must be equal: the choice (every candidate's
//! verdict) and the findings.
#![allow(dead_code)]

use std::path::Path;

use serde_json::{Value, json};

/// The time every command judges validity at.
pub const AT: &str = "2026-11-22T00:00:00Z";

/// Files of the round-trip directory.
pub const BUNDLE: &str = "bundle";
/// The bundle with the saved bindings added (Wine cannot list HTTP.sys).
pub const BUNDLE_WITH_NETSH: &str = "bundle-with-netsh";
/// The saved bindings used for both live and bundle diagnoses.
pub const NETSH: &str = "netsh-sslcert.txt";
/// `select --json` run live.
pub const LIVE_SELECT: &str = "live-select.json";
/// `diagnose --netsh NETSH --json` run live.
pub const LIVE_DIAGNOSE: &str = "live-diagnose.json";

/// What a choice decided, without sources (they differ by design: a store
/// position live, a file name in the bundle).
pub fn decided_choice(select: &Value) -> Value {
    let candidates: Vec<Value> = select["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| {
            json!({
                "sha1": c["sha1"],
                "eligible": c["eligible"],
                "purpose": c["purpose"],
                "key": c["key"],
                "reasons": c["reasons"],
            })
        })
        .collect();
    json!({ "selected": select["selected"]["sha1"], "candidates": candidates })
}

/// What a diagnosis found, without the texts (which name sources).
pub fn decided_diagnosis(diagnose: &Value) -> Value {
    let findings: Vec<Value> = diagnose["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            json!({
                "code": f["code"],
                "severity": f["severity"],
                "endpoint": f["endpoint"],
                "certificate": f["certificate"],
            })
        })
        .collect();
    json!({ "findings": findings, "events": diagnose["events"] })
}

/// Runs `exe` with `args`; exit 0 or 1 expected; returns stdout as JSON.
pub fn run_json(exe: &Path, args: &[&str]) -> Value {
    let out = std::process::Command::new(exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {}: {e}", exe.display()));
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{} {args:?}: exit {:?}: {}",
        exe.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs `select` and `diagnose` with `exe` on the bundles in `dir` and
/// compares them with the live outputs saved there. Returns a summary line.
pub fn compare_with_live(exe: &Path, dir: &Path) -> String {
    let read = |name: &str| -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(name)).expect(name)).expect(name)
    };
    let bundle = dir.join(BUNDLE);
    let with_netsh = dir.join(BUNDLE_WITH_NETSH);
    let select = run_json(
        exe,
        &[
            "select",
            "--bundle",
            bundle.to_str().unwrap(),
            "--at",
            AT,
            "--json",
        ],
    );
    let live_select = read(LIVE_SELECT);
    assert_eq!(decided_choice(&select), decided_choice(&live_select));
    let diagnosis = run_json(
        exe,
        &[
            "diagnose",
            "--bundle",
            with_netsh.to_str().unwrap(),
            "--at",
            AT,
            "--json",
        ],
    );
    let live_diagnosis = read(LIVE_DIAGNOSE);
    assert_eq!(
        decided_diagnosis(&diagnosis),
        decided_diagnosis(&live_diagnosis)
    );
    format!(
        "same choice ({} candidate(s), selected {}) and same {} finding(s) {:?}",
        live_select["candidates"].as_array().unwrap().len(),
        live_select["selected"]["sha1"],
        live_diagnosis["findings"].as_array().unwrap().len(),
        live_diagnosis["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap_or("?").to_owned())
            .collect::<Vec<_>>()
    )
}

/// Copies the files of directory `from` (and its subdirectories) to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for item in std::fs::read_dir(from).unwrap() {
        let item = item.unwrap();
        let target = to.join(item.file_name());
        if item.file_type().unwrap().is_dir() {
            copy_dir(&item.path(), &target);
        } else {
            std::fs::copy(item.path(), target).unwrap();
        }
    }
}
