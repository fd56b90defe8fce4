//! The `sstp-cert` binary on the sample store (`examples/store`).
#![cfg(feature = "cli")]

mod cli_support;
use cli_support::{json, run, stderr};

const AT: &str = "2026-11-22T00:00:00Z";

#[test]
fn select_json_on_sample_store() {
    let out = run(&["select", "--store", "examples/store", "--at", AT, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let sel = &v["selected"];
    assert_eq!(sel["source"], "05-server-auth-expired.pem");
    assert_eq!(sel["purpose"], "server-auth");
    assert_eq!(sel["sha1"].as_str().unwrap().len(), 40);
    assert_eq!(sel["sha256"].as_str().unwrap().len(), 64);
    let cands = v["candidates"].as_array().unwrap();
    let summary: Vec<(String, bool, String, Vec<String>)> = cands
        .iter()
        .map(|c| {
            (
                c["source"].as_str().unwrap().to_owned(),
                c["eligible"].as_bool().unwrap(),
                c["purpose"].as_str().unwrap().to_owned(),
                c["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect();
    let expect = [
        (
            "01-all-purpose-any-eku.pem",
            true,
            "all-purpose",
            "later-server-auth-preferred",
        ),
        (
            "02-all-purpose-no-eku.cer",
            true,
            "all-purpose",
            "later-server-auth-preferred",
        ),
        (
            "03-client-auth-only.pem",
            false,
            "not-for-server",
            "not-for-server-auth",
        ),
        (
            "04-server-auth-no-key.pem",
            false,
            "server-auth",
            "no-private-key",
        ),
        (
            "05-server-auth-expired.pem",
            true,
            "server-auth",
            "chosen-first-server-auth",
        ),
        (
            "06-server-auth-property-client-only.pem",
            false,
            "not-for-server",
            "no-valid-uses",
        ),
        (
            "07-server-auth-vpn.pem",
            true,
            "server-auth",
            "earlier-server-auth-chosen",
        ),
    ];
    assert_eq!(summary.len(), expect.len());
    for (got, want) in summary.iter().zip(expect) {
        assert_eq!(got.0, want.0);
        assert_eq!(got.1, want.1, "{}", want.0);
        assert_eq!(got.2, want.2, "{}", want.0);
        assert_eq!(got.3, vec![want.3.to_owned()], "{}", want.0);
    }
    // the chosen one is expired: warned, not skipped
    let w = cands[4]["warnings"].as_array().unwrap();
    assert!(w.iter().any(|w| w["code"] == "expired"));
    assert!(v["events"].as_array().unwrap().is_empty());
}

#[test]
fn select_strict_skips_the_expired_certificate() {
    let out = run(&[
        "select",
        "--store",
        "examples/store",
        "--at",
        AT,
        "--strict",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["selected"]["source"], "07-server-auth-vpn.pem");
    assert_eq!(v["windows_rules"], false);
}

#[test]
fn select_human_output_names_the_choice() {
    let out = run(&["select", "--store", "examples/store", "--at", AT]);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains("selected: 05-server-auth-expired.pem (server-auth)"),
        "{s}"
    );
    assert!(s.contains("CERT_E_EXPIRED"));
}

#[test]
fn select_empty_store_exits_1_with_event_11() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["select", "--store", dir.path().to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert!(v["selected"].is_null());
    assert_eq!(v["events"][0]["id"], 11);
}

#[test]
fn select_bad_input_exits_2_with_one_line() {
    let out = run(&["select", "--store", "no/such/dir", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(e.contains("no/such/dir"), "{e}");

    let out = run(&["select", "--store", "examples/store", "--at", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--at"));

    // Without --store: a usage error, except on Windows, where it reads
    // LocalMachine\MY (tests/cli_windows_store.rs).
    if !cfg!(windows) {
        let out = run(&["select"]);
        assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
    }
}

#[test]
fn inspect_json() {
    let out = run(&[
        "inspect",
        "examples/store/07-server-auth-vpn.pem",
        "examples/store/02-all-purpose-no-eku.cer",
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let a = v.as_array().unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["file"], "examples/store/07-server-auth-vpn.pem");
    assert_eq!(a[0]["purpose"], "server-auth");
    assert_eq!(a[0]["eku"][0], "1.3.6.1.5.5.7.3.1");
    assert_eq!(a[0]["dns_names"][0], "vpn.example.com");
    assert_eq!(a[0]["common_names"][0], "vpn.example.com");
    assert!(a[0]["ip_addresses"].as_array().unwrap().is_empty());
    assert!(a[0]["not_before"].as_str().unwrap().ends_with('Z'));
    assert_eq!(a[0]["key_algorithm"], "RSA 2048");
    assert_eq!(a[1]["purpose"], "all-purpose");
    assert!(a[1]["eku"].is_null(), "no EKU extension");
}

#[test]
fn inspect_malformed_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.pem");
    std::fs::write(&f, b"not a certificate").unwrap();
    let out = run(&["inspect", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.pem"));
}

#[test]
fn thumbprint_reports_removed_characters() {
    let text = "\u{200e}3a 7f 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 02";
    let out = run(&["thumbprint", text, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["kind"], "sha1");
    assert_eq!(v["hex"], "3a7f00112233445566778899aabbccddeeff0102");
    assert_eq!(v["removed"][0]["character"], "U+200E");
    assert_eq!(v["removed"][0]["position"], 1);

    let out = run(&["thumbprint", text]);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.starts_with("3a7f00112233445566778899aabbccddeeff0102\n"));
    assert!(s.contains("LEFT-TO-RIGHT MARK"));
}

#[test]
fn thumbprint_invalid_exits_2_naming_the_character() {
    let out = run(&["thumbprint", "3a7g"]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(e.contains("'g'") && e.contains("character 4"), "{e}");
}

#[test]
fn check_host_all_profiles() {
    let out = run(&[
        "check-host",
        "--cert",
        "examples/store/07-server-auth-vpn.pem",
        "--host",
        "VPN.example.com",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["host"], "vpn.example.com");
    for p in ["windows", "rfc9525", "sstpc"] {
        assert_eq!(v["profiles"][p]["matched"], true, "{p}");
        assert!(v["profiles"][p]["reasons"].is_array(), "{p}");
    }
    assert_eq!(
        v["profiles"]["windows"]["identifier"],
        "dns:vpn.example.com"
    );
    assert!(v["profiles"]["sstpc"]["identifier"].is_null());
}

/// behaviour §9: the Windows client fails on a trailing dot, RFC 9525 clients
/// ignore it.
#[test]
fn check_host_trailing_dot_fails_for_windows() {
    let out = run(&[
        "check-host",
        "--cert",
        "examples/store/07-server-auth-vpn.pem",
        "--host",
        "VPN.example.com.",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["host"], "vpn.example.com.");
    assert_eq!(v["profiles"]["windows"]["matched"], false);
    assert_eq!(
        v["profiles"]["windows"]["reasons"][0]["rule"],
        "reference-trailing-dot"
    );
    assert_eq!(v["profiles"]["rfc9525"]["matched"], true);
}

#[test]
fn check_host_one_profile_mismatch_exits_1() {
    let out = run(&[
        "check-host",
        "--cert",
        "examples/store/07-server-auth-vpn.pem",
        "--host",
        "sstp.example.com",
        "--client",
        "windows",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let profiles = v["profiles"].as_object().unwrap();
    assert_eq!(profiles.len(), 1, "only the chosen profile");
    assert_eq!(v["profiles"]["windows"]["matched"], false);
    assert!(v["profiles"]["windows"]["identifier"].is_null());
    assert_eq!(
        v["profiles"]["windows"]["reasons"][0]["rule"],
        "name-mismatch"
    );

    // sstpc never checks the name: exit 0 with a warning
    let out = run(&[
        "check-host",
        "--cert",
        "examples/store/07-server-auth-vpn.pem",
        "--host",
        "sstp.example.com",
        "--client",
        "sstpc",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("no-host-name-check"));
}

#[test]
fn check_host_bad_input_exits_2() {
    for (host, client) in [
        ("vpn.example.com:443", None),
        ("*.example.com", None),
        ("a.example", Some("firefox")),
    ] {
        let mut args = vec![
            "check-host",
            "--cert",
            "examples/store/07-server-auth-vpn.pem",
            "--host",
            host,
        ];
        if let Some(c) = client {
            args.extend(["--client", c]);
        }
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{host} {client:?}");
        assert_eq!(stderr(&out).trim_end().lines().count(), 1);
    }
}

#[test]
fn select_with_host_carries_verdicts() {
    let out = run(&[
        "select",
        "--store",
        "examples/store",
        "--at",
        AT,
        "--host",
        "other.example.com",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    // the host never changes the choice
    assert_eq!(v["selected"]["source"], "05-server-auth-expired.pem");
    assert_eq!(
        v["selected"]["host"]["profiles"]["windows"]["matched"],
        false
    );
    let chosen = &v["candidates"][4];
    assert!(
        chosen["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "host-name-mismatch"
                && w["consequence"].as_str().unwrap().contains("0x800B010F"))
    );
    assert_eq!(
        v["candidates"][0]["host"]["profiles"]["rfc9525"]["matched"],
        false
    );
}

#[test]
fn bindings_json_from_utf16_file() {
    use sstp_cert::model::httpsys::{Endpoint, ShowStyle, SslBinding, render_show};
    let hash = "3a7f00112233445566778899aabbccddeeff0102".parse().unwrap();
    let b = vec![
        SslBinding::sstp(Endpoint::ipv4_wildcard(443), hash)
            .with_default_fields(ShowStyle::Current),
        SslBinding::sstp(Endpoint::ipv6_wildcard(443), hash)
            .with_default_fields(ShowStyle::Current),
    ];
    let text = render_show(&b, ShowStyle::Current);
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("netsh.txt");
    std::fs::write(&f, utf16).unwrap();
    let out = run(&["bindings", f.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let a = v.as_array().unwrap();
    assert_eq!(a.len(), 2);
    assert_eq!(a[0]["endpoint"], "0.0.0.0:443");
    assert_eq!(a[1]["endpoint"], "[::]:443");
    assert_eq!(a[0]["kind"], "ipport");
    assert_eq!(
        a[0]["cert_hash"],
        "3a7f00112233445566778899aabbccddeeff0102"
    );
    assert_eq!(a[0]["app_id"], "{ba195980-cd49-458b-9e23-c84ee0adcd75}");
    assert_eq!(a[0]["store"], "MY");
    assert_eq!(a[0]["sstp"], true);
    assert!(a[0]["fields"].is_object());

    let out = run(&["bindings", "/nonexistent/netsh.txt"]);
    assert_eq!(out.status.code(), Some(2));
}

fn sha1_of_pem(path: &str) -> String {
    let bytes = std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    sstp_cert::model::certificate::Certificate::from_pem_or_der(&bytes).unwrap()[0]
        .sha1()
        .to_string()
}

const MACHINE: [&str; 6] = [
    "--store",
    "examples/store",
    "--netsh",
    "examples/machine/netsh-sslcert.txt",
    "--registry",
    "examples/machine/sstpsvc.reg",
];

#[test]
fn diagnose_sample_machine_finds_the_reboot_trap() {
    let mut args = vec!["diagnose"];
    args.extend(MACHINE);
    args.extend(["--host", "vpn.example.com", "--at", AT, "--json"]);
    let out = run(&args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an error finding exits 1: {}",
        stderr(&out)
    );
    let v = json(&out);
    let old = sha1_of_pem("examples/machine/old-vpn-2025.pem");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "binding-certificate-missing");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["certificate"], old.as_str());
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("until the next reboot")
    );
    let fix: Vec<&str> = f["fix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    // the fix rebinds to the valid vpn certificate, not the expired first one
    let good = sha1_of_pem("examples/store/07-server-auth-vpn.pem");
    assert!(fix.iter().any(|l| l.contains(&good)), "{fix:?}");
    assert_eq!(v["plumbing"]["mode"], "auto");
    assert!(
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == 21)
    );

    // human output names the finding and the fix
    let mut args = vec!["diagnose"];
    args.extend(MACHINE);
    let out = run(&args);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("ERROR [binding-certificate-missing]"), "{s}");
    assert!(s.contains("net start remoteaccess"));
}

/// The issue's first case: `diagnose --store examples/store` alone. The
/// bindings and registry are unknown (listed in the notes), and the
/// certificate the service binds at its next start if nothing is bound,
/// 05 (expired in 2020), is an error: exit 1, and the fix binds 07.
#[test]
fn diagnose_store_only_reports_the_expired_next_start_certificate() {
    let out = run(&[
        "diagnose",
        "--store",
        "examples/store",
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let expired = sha1_of_pem("examples/store/05-server-auth-expired.pem");
    let good = sha1_of_pem("examples/store/07-server-auth-vpn.pem");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "next-start-certificate-refused");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["certificate"], expired.as_str());
    let fix: Vec<&str> = f["fix"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    assert!(
        fix.iter().any(|l| l.contains(&format!("certhash={good}"))),
        "{fix:?}"
    );
    assert!(!fix.iter().any(|l| l.contains(&expired)), "{fix:?}");
    let unknown: Vec<&str> = v["unknown_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["input"].as_str().unwrap())
        .collect();
    assert_eq!(unknown, ["bindings", "registry"]);
    assert_eq!(v["target"], good.as_str());
    assert_eq!(v["recommendation"]["recommended"]["sha1"], good.as_str());

    // the text says what was assumed
    let out = run(&["diagnose", "--store", "examples/store", "--at", AT]);
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("note: bindings unknown: "), "{s}");
    assert!(s.contains("note: registry unknown: "), "{s}");
    assert!(s.contains("ERROR [next-start-certificate-refused]"), "{s}");
}

/// The issue's second case: one report, one certificate. Every line of
/// every fix that binds a certificate names 07, never 05.
#[test]
fn diagnose_sample_machine_fixes_name_one_certificate() {
    let mut args = vec!["diagnose"];
    args.extend(MACHINE);
    args.extend(["--host", "vpn.example.com", "--at", AT, "--json"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let good = sha1_of_pem("examples/store/07-server-auth-vpn.pem");
    let mut bound = Vec::new();
    for f in v["findings"].as_array().unwrap() {
        for l in f["fix"].as_array().unwrap() {
            if let Some(rest) = l.as_str().unwrap().split("certhash=").nth(1) {
                bound.push(rest.split_whitespace().next().unwrap().to_owned());
            }
        }
    }
    assert!(bound.len() >= 4, "{bound:?}");
    assert!(bound.iter().all(|h| *h == good), "{bound:?}");
}

/// `--expiry-warning-days`: 07 is valid until 2036-01-01.
#[test]
fn diagnose_warns_of_a_certificate_expiring_soon() {
    let dir = tempdir_with(&[
        "07-server-auth-vpn.pem",
        "07-server-auth-vpn.key",
        "07-server-auth-vpn.json",
    ]);
    let store = dir.to_str().unwrap();
    let out = run(&[
        "diagnose",
        "--store",
        store,
        "--at",
        "2035-12-20T00:00:00Z",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["findings"][0]["code"], "certificate-expiring-soon", "{v}");
    assert_eq!(v["findings"][0]["severity"], "warning");
    let out = run(&[
        "diagnose",
        "--store",
        store,
        "--at",
        "2035-12-20T00:00:00Z",
        "--expiry-warning-days",
        "5",
        "--json",
    ]);
    let v = json(&out);
    assert!(v["findings"].as_array().unwrap().is_empty(), "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A copy of some sample store files in a fresh directory.
fn tempdir_with(files: &[&str]) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "sstp-cert-cli-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    for f in files {
        std::fs::copy(src.join(f), dir.join(f)).unwrap();
    }
    dir
}

/// `--intended` naming a certificate clients refuse: a warning, and the
/// fixes bind the recommended one instead.
#[test]
fn diagnose_intended_expired_certificate_is_warned_about() {
    let expired = sha1_of_pem("examples/store/05-server-auth-expired.pem");
    let mut args = vec!["diagnose"];
    args.extend(MACHINE);
    args.extend(["--intended", expired.as_str(), "--at", AT, "--json"]);
    let v = json(&run(&args));
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "intended-certificate-refused")
        .expect("intended-certificate-refused");
    assert_eq!(f["severity"], "warning");
    let all = v["findings"].to_string();
    assert!(!all.contains(&format!("certhash={expired}")), "{all}");
}

/// The issue's third case: without `--registry` the plan still deletes
/// SHA256CertificateHash (and without `--netsh` both bindings), and says
/// what was assumed.
#[test]
fn plan_change_with_unknown_inputs_includes_their_steps() {
    let good = sha1_of_pem("examples/store/07-server-auth-vpn.pem");
    let out = run(&[
        "plan-change",
        "--store",
        "examples/store",
        "--netsh",
        "examples/machine/netsh-sslcert.txt",
        "--to",
        good.as_str(),
        "--at",
        AT,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(
        s.contains(r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f"#),
        "{s}"
    );
    assert!(
        stderr(&out).contains("note: registry unknown: "),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("note: bindings unknown"));

    let out = run(&[
        "plan-change",
        "--store",
        "examples/store",
        "--to",
        good.as_str(),
        "--at",
        AT,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let commands: Vec<&str> = v["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(commands[0], "netsh http delete sslcert ipport=0.0.0.0:443");
    assert_eq!(commands[1], "netsh http delete sslcert ipport=[::]:443");
    assert!(
        commands
            .iter()
            .any(|c| c.ends_with("/v SHA256CertificateHash /f"))
    );
    let unknown: Vec<&str> = v["unknown_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["input"].as_str().unwrap())
        .collect();
    assert_eq!(unknown, ["bindings", "registry"]);
}

/// `plan-change --to` a certificate clients refuse: exit 2, one line, no
/// command on stdout; without `--to`, the recommended certificate.
#[test]
fn plan_change_refuses_a_certificate_clients_refuse() {
    let expired = sha1_of_pem("examples/store/05-server-auth-expired.pem");
    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--to", expired.as_str(), "--at", AT]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let e = stderr(&out);
    assert_eq!(e.trim_end().lines().count(), 1, "{e}");
    assert!(e.contains("CERT_E_EXPIRED"), "{e}");

    let good = sha1_of_pem("examples/store/07-server-auth-vpn.pem");
    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--at", AT, "--host", "vpn.example.com"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = String::from_utf8(out.stdout.clone()).unwrap();
    assert!(s.contains(&format!("certhash={good}")), "{s}");
    assert!(
        stderr(&out).contains("recommended certificate"),
        "{}",
        stderr(&out)
    );

    // nothing qualifies for this host: exit 1, nothing on stdout
    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--at", AT, "--host", "vpn.example.net"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("no certificate in the store qualifies"));
    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--at", AT, "--host", "vpn.example.net", "--json"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert!(v["commands"].as_array().unwrap().is_empty());
    assert!(v["recommendation"]["recommended"].is_null());
    assert!(
        v["requirements"]
            .as_str()
            .unwrap()
            .contains("vpn.example.net")
    );
}

#[test]
fn plan_change_prints_only_commands() {
    let good = sha1_of_pem("examples/store/07-server-auth-vpn.pem");
    // pasted from the certificate dialog: spaced pairs with a leading LRM
    let pairs: Vec<String> = (0..20)
        .map(|i| good[2 * i..2 * i + 2].to_uppercase())
        .collect();
    let pasted = format!("\u{200e}{}", pairs.join(" "));
    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--to", pasted.as_str()]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s = String::from_utf8(out.stdout.clone()).unwrap();
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines,
        vec![
            "netsh http delete sslcert ipport=0.0.0.0:443".to_owned(),
            "netsh http delete sslcert ipport=[::]:443".to_owned(),
            r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA256CertificateHash /f"#.to_owned(),
            r#"reg delete "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters" /v SHA1CertificateHash /f"#.to_owned(),
            format!("netsh http add sslcert ipport=0.0.0.0:443 certhash={good} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY"),
            format!("netsh http add sslcert ipport=[::]:443 certhash={good} appid={{ba195980-cd49-458b-9e23-c84ee0adcd75}} certstorename=MY"),
            "net stop sstpsvc /y".to_owned(),
            "net start remoteaccess".to_owned(),
        ]
    );
    assert!(stderr(&out).contains("Case 2"));

    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--to", good.as_str(), "--json"]);
    let v = json(&run(&args));
    assert_eq!(v["case"], "several-eligible");
    assert_eq!(v["commands"].as_array().unwrap().len(), 8);
}

#[test]
fn plan_change_to_an_ineligible_certificate_exits_2() {
    let nokey = sha1_of_pem("examples/store/04-server-auth-no-key.pem");
    let mut args = vec!["plan-change"];
    args.extend(MACHINE);
    args.extend(["--to", nokey.as_str()]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(stderr(&out).trim_end().lines().count(), 1);
}
