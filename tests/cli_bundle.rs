//! `--bundle` on `select`, `diagnose`, `plan-change` and `simulate`,
//! `fleet`, and `collect` off Windows (issue 15).
#![cfg(feature = "cli")]

mod cli_support;
use cli_support::{json, run, stderr, stdout};

use std::fs;
use std::path::Path;

use serde_json::Value;

const AT: &str = "2026-11-22T00:00:00Z";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A bundle made of the sample store and the sample machine's files.
fn sample_bundle(
    root: &Path,
    name: &str,
    with_netsh: bool,
    with_registry: bool,
) -> std::path::PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join(name);
    fs::create_dir_all(dir.join("store")).unwrap();
    for f in fs::read_dir(manifest.join("examples/store")).unwrap() {
        let f = f.unwrap();
        if !f.file_type().unwrap().is_file() {
            continue; // the sample store's not-a-regular-file cases
        }
        fs::copy(f.path(), dir.join("store").join(f.file_name())).unwrap();
    }
    if with_netsh {
        fs::copy(
            manifest.join("examples/machine/netsh-sslcert.txt"),
            dir.join("netsh-sslcert.txt"),
        )
        .unwrap();
    }
    if with_registry {
        fs::copy(
            manifest.join("examples/machine/sstpsvc.reg"),
            dir.join("sstpsvc.reg"),
        )
        .unwrap();
    }
    fs::write(
        dir.join("machine.json"),
        format!(r#"{{"machine": "{name}", "collected_at": "2026-11-21T09:00:00Z"}}"#),
    )
    .unwrap();
    dir
}

fn finding_codes(v: &Value) -> Vec<(String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn select_with_a_bundle_is_select_on_its_store() {
    let root = tempfile::tempdir().unwrap();
    let b = sample_bundle(root.path(), "VPN1", true, true);
    let by_bundle = run(&["select", "--bundle", s(&b), "--at", AT, "--json"]);
    let by_store = run(&["select", "--store", "examples/store", "--at", AT, "--json"]);
    assert_eq!(by_bundle.status.code(), Some(0), "{}", stderr(&by_bundle));
    let (vb, vs) = (json(&by_bundle), json(&by_store));
    assert_eq!(vb["selected"], vs["selected"]);
    assert_eq!(vb["candidates"], vs["candidates"]);
    let store = vb["store"].as_str().unwrap();
    assert!(store.ends_with("store (machine VPN1)"), "{store}");
}

#[test]
fn an_exported_store_with_has_private_key_selects_like_the_server() {
    // Export-Certificate output: certificates only, with the key link in
    // the properties file. Before issue 15 this said "selected: none".
    let root = tempfile::tempdir().unwrap();
    let b = root.path().join("b");
    fs::create_dir_all(b.join("store")).unwrap();
    let ck = rcgen::generate_simple_self_signed(vec!["vpn.example.com".into()]).unwrap();
    fs::write(b.join("store/0001-vpn.cer"), ck.cert.der()).unwrap();
    fs::write(
        b.join("store/0001-vpn.json"),
        r#"{"has_private_key": true}"#,
    )
    .unwrap();
    let out = run(&["select", "--bundle", s(&b), "--at", AT]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("selected: 0001-vpn.cer (all-purpose)"),
        "{text}"
    );
    assert!(text.contains("key=linked"), "{text}");
}

#[test]
fn diagnose_plan_and_simulate_with_a_bundle_match_the_separate_files() {
    let root = tempfile::tempdir().unwrap();
    let b = sample_bundle(root.path(), "VPN1", true, true);
    let files = [
        "--store",
        "examples/store",
        "--netsh",
        "examples/machine/netsh-sslcert.txt",
        "--registry",
        "examples/machine/sstpsvc.reg",
    ];
    let bundle = ["--bundle", s(&b)];

    let d = |state: &[&str]| {
        let mut args = vec!["diagnose", "--at", AT, "--json"];
        args.extend_from_slice(state);
        run(&args)
    };
    let (db, df) = (d(&bundle), d(&files));
    assert_eq!(db.status.code(), df.status.code(), "{}", stderr(&db));
    let (vb, vf) = (json(&db), json(&df));
    assert!(!finding_codes(&vb).is_empty());
    assert_eq!(finding_codes(&vb), finding_codes(&vf));
    assert_eq!(vb["events"], vf["events"]);

    // The plan goes to the valid `vpn` certificate (07): the one the
    // automatic choice takes, 05, expired in 2020 and no plan binds it.
    let selected = "2deaa3dbe6eeaec89371fb1283a80984fc834531".to_owned();
    let p = |state: &[&str]| {
        // Both runs at the same pinned time: the outputs are compared byte
        // for byte, and "now" may tick between two runs.
        let mut args = vec!["plan-change", "--at", AT, "--to", selected.as_str()];
        args.extend_from_slice(state);
        run(&args)
    };
    let (pb, pf) = (p(&bundle), p(&files));
    assert_eq!(pb.status.code(), Some(0), "{}", stderr(&pb));
    assert_eq!(stdout(&pb), stdout(&pf));
    assert!(
        stdout(&pb).contains("netsh http add sslcert"),
        "{}",
        stdout(&pb)
    );

    let script = root.path().join("script.txt");
    fs::write(
        &script,
        "connect vpn.example.com\nreboot\nconnect vpn.example.com\n",
    )
    .unwrap();
    let sim = |state: &[&str]| {
        let mut args = vec!["simulate", "--at", AT];
        args.extend_from_slice(state);
        args.push(s(&script));
        run(&args)
    };
    let (sb, sf) = (sim(&bundle), sim(&files));
    assert_eq!(sb.status.code(), sf.status.code(), "{}", stderr(&sb));
    assert_eq!(stdout(&sb), stdout(&sf));
    assert!(stdout(&sb).contains("> reboot"), "{}", stdout(&sb));
}

#[test]
fn a_part_missing_from_the_bundle_is_unknown_and_the_output_says_so() {
    let root = tempfile::tempdir().unwrap();
    let b = sample_bundle(root.path(), "VPN2", false, false);
    fs::write(
        b.join("machine.json"),
        r#"{"machine": "VPN2", "not_collected": [{"part": "bindings", "reason": "HTTP.sys: error 120"}]}"#,
    )
    .unwrap();
    let out = run(&["diagnose", "--bundle", s(&b), "--at", AT]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("note: netsh-sslcert.txt not collected (HTTP.sys: error 120): the HTTP.sys bindings were not given: they are unknown, not absent"),
        "{text}"
    );
    assert!(
        text.contains("note: sstpsvc.reg not in the bundle"),
        "{text}"
    );
    let v = json(&run(&["diagnose", "--bundle", s(&b), "--at", AT, "--json"]));
    let notes = v["notes"].as_array().unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("unknown, not empty")),
        "{notes:?}"
    );
}

#[test]
fn bundle_usage_errors_are_one_clear_line() {
    let out = run(&["diagnose", "--bundle", "x", "--store", "examples/store"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot be used with"),
        "{}",
        stderr(&out)
    );
    let out = run(&["select", "--bundle", "x", "--store", "examples/store"]);
    assert_eq!(out.status.code(), Some(2));
    for command in ["select", "diagnose"] {
        let out = run(&[command, "--bundle", "/nonexistent/vpn1"]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let err = stderr(&out);
        // The OS error's wording differs between systems.
        assert!(
            err.starts_with(
                "sstp-cert: error: bundle /nonexistent/vpn1: cannot open the directory: "
            ),
            "{command}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{command}: {err}");
    }
    let root = tempfile::tempdir().unwrap();
    let b = sample_bundle(root.path(), "BAD", true, true);
    fs::write(b.join("sstpsvc.reg"), "junk\n").unwrap();
    let out = run(&["diagnose", "--bundle", s(&b)]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("sstpsvc.reg: line 1"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn fleet_prints_one_line_per_server_and_fails_when_one_has_an_error() {
    let root = tempfile::tempdir().unwrap();
    sample_bundle(root.path(), "vpn-a", true, true);
    sample_bundle(root.path(), "vpn-b", false, false);
    let out = run(&["fleet", s(root.path()), "--at", AT]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with("fleet: ") && lines[0].contains("(2 servers, "),
        "{text}"
    );
    assert!(lines[1].starts_with("vpn-a  serves "), "{text}");
    assert!(lines[1].contains("errors: "), "{text}");
    assert!(
        lines[2].starts_with("vpn-b  serves ") && lines[2].ends_with("unknown: bindings, registry"),
        "{text}"
    );
    let v = json(&run(&[
        "fleet",
        s(root.path()),
        "--at",
        AT,
        "--json",
        "--threads",
        "2",
    ]));
    let servers = v["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2);
    assert_eq!(
        servers[1]["unknown"],
        serde_json::json!(["bindings", "registry"])
    );
    assert_eq!(servers[0]["collected_at"], "2026-11-21T09:00:00Z");
    let any_error = servers
        .iter()
        .any(|s| !s["errors"].as_array().unwrap().is_empty());
    assert_eq!(out.status.code(), Some(if any_error { 1 } else { 0 }));

    // A damaged bundle is reported and fails the run; the others still show.
    fs::create_dir(root.path().join("vpn-c")).unwrap();
    let out = run(&["fleet", s(root.path()), "--at", AT]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("vpn-a  serves"), "{text}");
    assert!(text.contains("vpn-c  DAMAGED BUNDLE: bundle "), "{text}");
    assert!(text.contains("no store/ directory"), "{text}");

    let out = run(&["fleet", "/nonexistent/fleet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("fleet directory /nonexistent/fleet: cannot list it"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_healthy_fleet_exits_0() {
    let root = tempfile::tempdir().unwrap();
    let b = root.path().join("ok");
    fs::create_dir_all(b.join("store")).unwrap();
    let mut p = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).unwrap();
    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    p.not_before = time::macros::datetime!(2026-01-01 0:00 UTC);
    p.not_after = time::macros::datetime!(2027-06-01 0:00 UTC);
    let der = p
        .self_signed(&rcgen::KeyPair::generate().unwrap())
        .unwrap()
        .der()
        .to_vec();
    fs::write(b.join("store/0001-vpn.der"), &der).unwrap();
    fs::write(
        b.join("store/0001-vpn.json"),
        r#"{"has_private_key": true}"#,
    )
    .unwrap();
    fs::write(b.join("sstpsvc.reg"), "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\r\n").unwrap();
    let out = run(&["fleet", s(root.path()), "--at", AT, "--json"]);
    let v = json(&out);
    let server = &v["servers"][0];
    assert_eq!(server["errors"], serde_json::json!([]), "{v}");
    assert_eq!(server["served"]["not_after"], "2027-06-01T00:00:00Z", "{v}");
    assert_eq!(out.status.code(), Some(0), "{v}");
}

#[cfg(not(windows))]
#[test]
fn collect_is_a_clear_error_off_windows() {
    let root = tempfile::tempdir().unwrap();
    let out = run(&["collect", s(&root.path().join("out"))]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("sstp-cert: error: collect reads this machine's certificate store"),
        "{err}"
    );
    assert!(err.contains("runs on Windows only"), "{err}");
    assert!(!root.path().join("out").exists());
}
