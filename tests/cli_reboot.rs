//! behaviour §7 end to end through the command line: renewing a certificate the
//! wrong way works until the reboot; the procedure `plan-change` prints
//! works before and after it.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::Output;

use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::httpsys::{Endpoint, ShowStyle, SslBinding, render_show};
use sstp_cert::model::registry::{RegistryValues, RegistryWrite};

mod cli_support;
use cli_support::run as sstp_cert;

/// Writes `<dir>/<name>.pem` and `<dir>/<name>.key` for vpn.example.com and
/// returns the certificate.
fn write_cert(dir: &Path, name: &str) -> Certificate {
    std::fs::create_dir_all(dir).unwrap();
    let mut p = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).unwrap();
    p.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    std::fs::write(dir.join(format!("{name}.pem")), cert.pem()).unwrap();
    std::fs::write(dir.join(format!("{name}.key")), key.serialize_pem()).unwrap();
    Certificate::from_der(cert.der().to_vec()).unwrap()
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn wrong_way_works_until_the_reboot() {
    let t = tempfile::tempdir().unwrap();
    let old = write_cert(&t.path().join("store"), "old");
    write_cert(&t.path().join("new"), "new");
    let script = format!(
        "net start remoteaccess\n\
         connect vpn.example.com\n\
         certutil -delstore MY {}\n\
         import new/new.pem\n\
         net stop sstpsvc /y\n\
         net start remoteaccess\n\
         connect vpn.example.com\n\
         reboot\n\
         connect vpn.example.com\n",
        old.sha1()
    );
    std::fs::write(t.path().join("wrong.txt"), script).unwrap();
    let out = sstp_cert(&[
        "simulate",
        "--store",
        t.path().join("store").to_str().unwrap(),
        t.path().join("wrong.txt").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "the last connect fails");
    let l = lines(&out);
    // the first line says how the machine starts; then two lines a command
    assert!(
        l[0].starts_with("= at ") && l[0].ends_with("service stopped"),
        "{}",
        l[0]
    );
    let after = |cmd_index: usize| l[2 * cmd_index + 2].clone();
    assert!(after(1).starts_with("  connected") && after(1).contains("loaded from the store"));
    assert!(after(5).contains("Event 21"), "{}", after(5));
    assert!(
        after(6).contains(&format!(
            "served {} from HTTP.sys's live context",
            old.sha1()
        )),
        "{}",
        after(6)
    );
    assert!(
        after(8).starts_with("  FAILED certificate-missing"),
        "{}",
        after(8)
    );

    // current releases delete the dead binding and choose the new certificate
    let out = sstp_cert(&[
        "simulate",
        "--current-release",
        "--store",
        t.path().join("store").to_str().unwrap(),
        t.path().join("wrong.txt").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{:?}", lines(&out));
}

#[test]
fn planned_way_works_before_and_after_the_reboot() {
    let t = tempfile::tempdir().unwrap();
    let old = write_cert(&t.path().join("gone"), "old");
    let new = write_cert(&t.path().join("store"), "new");
    // The state after importing the new certificate: HTTP.sys and the
    // registry still name the old one.
    let bindings: Vec<SslBinding> = [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
        .into_iter()
        .map(|e| SslBinding::sstp(e, old.sha1()).with_default_fields(ShowStyle::Current))
        .collect();
    std::fs::write(
        t.path().join("netsh.txt"),
        render_show(&bindings, ShowStyle::Current),
    )
    .unwrap();
    let mut reg = RegistryValues::new();
    reg.apply_all(&RegistryWrite::automatic_mode_record(
        &old.sha256(),
        &old.sha1(),
    ));
    std::fs::write(t.path().join("sstpsvc.reg"), reg.to_reg_file_utf16()).unwrap();

    let state = [
        "--store",
        t.path().join("store").to_str().unwrap().to_owned().leak(),
        "--netsh",
        t.path()
            .join("netsh.txt")
            .to_str()
            .unwrap()
            .to_owned()
            .leak(),
        "--registry",
        t.path()
            .join("sstpsvc.reg")
            .to_str()
            .unwrap()
            .to_owned()
            .leak(),
    ];
    let mut args = vec!["plan-change"];
    args.extend(state);
    let new_sha1 = new.sha1().to_string();
    args.extend(["--to", new_sha1.as_str()]);
    let plan = sstp_cert(&args);
    assert_eq!(plan.status.code(), Some(0));
    let plan_lines = lines(&plan);
    // Case 1: the new certificate is the only eligible one
    assert!(
        plan_lines.iter().all(|l| !l.starts_with("netsh http add")),
        "{plan_lines:?}"
    );

    let script = format!(
        "{}\nconnect vpn.example.com\nconnect vpn.example.com windows ipv6\nreboot\nconnect vpn.example.com\nconnect vpn.example.com rfc9525 ipv6\n",
        plan_lines.join("\n")
    );
    std::fs::write(t.path().join("right.txt"), script).unwrap();
    let mut args = vec!["simulate", "--json"];
    args.extend(state);
    let script_path = t.path().join("right.txt");
    args.push(script_path.to_str().unwrap());
    let out = sstp_cert(&args);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{v:#}");
    let steps = v["steps"].as_array().unwrap();
    let connects: Vec<&serde_json::Value> =
        steps.iter().filter(|s| s["connect"].is_object()).collect();
    assert_eq!(connects.len(), 4);
    for c in connects {
        assert_eq!(c["ok"], true);
        assert_eq!(c["connect"]["sha1"], new_sha1.as_str(), "{c:#}");
    }
}

fn examples(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(rel)
        .to_str()
        .unwrap()
        .to_owned()
}

const AT: &str = "2026-12-04T12:00:00Z";

/// `simulate` on the saved sample machine (behaviour §12) with `extra` options
/// and a script file.
fn sample(extra: &[&str], script: &str) -> Output {
    let (store, netsh, reg) = (
        examples("store"),
        examples("machine/netsh-sslcert.txt"),
        examples("machine/sstpsvc.reg"),
    );
    let mut args = vec![
        "simulate",
        "--store",
        &store,
        "--netsh",
        &netsh,
        "--registry",
        &reg,
        "--at",
        AT,
    ];
    args.extend(extra);
    args.push(script);
    sstp_cert(&args)
}

#[test]
fn the_sample_machine_works_until_the_reboot() {
    let old = examples("machine/old-vpn-2025.pem");
    let trap = examples("machine/trap.txt");
    let out = sample(&["--deleted-cert", &old], &trap);
    let l = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{l:#?}");
    assert!(
        l[0].contains("service running as saved (mode auto)")
            && l[0].contains(
                "HTTP.sys holds fd7836af1cd7596a264e47b988ccef90d7a36e5a for 0.0.0.0:443"
            ),
        "{}",
        l[0]
    );
    assert_eq!(
        l[2],
        "  connected (windows over IPv4): served fd7836af1cd7596a264e47b988ccef90d7a36e5a from HTTP.sys's live context"
    );
    assert!(
        l[4].starts_with("  connected (windows over IPv6)"),
        "{}",
        l[4]
    );
    assert!(l[6].contains("Event 21"), "{}", l[6]);
    assert!(
        l[8].starts_with("  FAILED certificate-missing at step tls"),
        "{}",
        l[8]
    );
    assert!(String::from_utf8_lossy(&out.stderr).is_empty());

    // --stopped: as after a reboot with the service not started
    let out = sample(&["--stopped", "--deleted-cert", &old], &trap);
    let l = lines(&out);
    assert!(l[0].ends_with("service stopped"), "{}", l[0]);
    assert!(
        l[2].starts_with("  FAILED service-stopped at step service"),
        "{}",
        l[2]
    );

    // current releases drop the dead binding at the reboot and choose 05,
    // which expired in 2020: the service binds it, clients refuse it
    let out = sample(&["--current-release", "--deleted-cert", &old], &trap);
    let l = lines(&out);
    assert!(
        l[6].contains("serving 9e7a149ff4d2959e5c34e50503e7946e4cb4093c"),
        "{}",
        l[6]
    );
    assert!(
        l[8].starts_with("  FAILED certificate-expired at step validity")
            && l[8].ends_with("CERT_E_EXPIRED (0x800B0101)"),
        "{}",
        l[8]
    );
    // --at before 2020: the same certificate is valid, and connects
    let mut args = vec!["--current-release", "--deleted-cert", &old];
    let store = examples("store");
    args.extend(["--at", "2019-06-01T00:00:00Z"]);
    let out = sstp_cert(
        &[
            &["simulate", "--store", &store][..],
            &["--netsh", &examples("machine/netsh-sslcert.txt")],
            &["--registry", &examples("machine/sstpsvc.reg")],
            &args,
            &[&trap],
        ]
        .concat(),
    );
    let l = lines(&out);
    // in 2019 the old certificate (valid from 2026-11-22) is not valid yet …
    assert!(
        l[2].starts_with("  FAILED certificate-not-yet-valid at step validity"),
        "{}",
        l[2]
    );
    // … and 05 (valid until 2020) still is
    assert_eq!(
        l[8],
        "  connected (windows over IPv4): served 9e7a149ff4d2959e5c34e50503e7946e4cb4093c loaded from the store"
    );
}

/// behaviour §12 from real data: the deleted certificate's file is gone too, so
/// HTTP.sys's live context is known only by its hash — connect works (with
/// the checks the model cannot make named), reboot, connect fails.
#[test]
fn the_sample_machine_without_the_deleted_certificate_works_until_the_reboot() {
    const OLD: &str = "fd7836af1cd7596a264e47b988ccef90d7a36e5a";
    let trap = examples("machine/trap.txt");
    let out = sample(&[], &trap);
    let l = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{l:#?}");
    assert!(
        l[0].contains("service running as saved (mode auto)")
            && l[0].contains(&format!(
                "HTTP.sys holds {OLD} for 0.0.0.0:443 (known only by its hash), {OLD} for [::]:443 (known only by its hash)"
            )),
        "{}",
        l[0]
    );
    assert_eq!(l[1], "> connect vpn.example.com");
    assert_eq!(
        l[2],
        format!(
            "  connected (windows over IPv4): served {OLD} from HTTP.sys's live context — known only by its hash: validity, name and EKU not checked"
        )
    );
    assert_eq!(
        l[4],
        format!(
            "  connected (windows over IPv6): served {OLD} from HTTP.sys's live context — known only by its hash: validity, name and EKU not checked"
        )
    );
    assert_eq!(l[5], "> reboot");
    assert!(l[6].contains("Event 21"), "{}", l[6]);
    assert_eq!(l[7], "> connect vpn.example.com");
    assert!(
        l[8].starts_with(&format!(
            "  FAILED certificate-missing at step tls: the binding on 0.0.0.0:443 names certificate {OLD}"
        )),
        "{}",
        l[8]
    );
    assert_eq!(l.len(), 9, "{l:#?}");
    // what was assumed is said, once for the pair, with where the SHA-256
    // came from and how to have the other checks made
    let err = String::from_utf8_lossy(&out.stderr);
    let notes: Vec<&str> = err.lines().collect();
    assert_eq!(notes.len(), 1, "{err}");
    assert!(
        notes[0].starts_with(&format!(
            "note: the bindings on 0.0.0.0:443 and [::]:443 name certificate {OLD}, which is not in the store and was not given: HTTP.sys is taken to still hold it"
        )) && notes[0].contains("34f0a53ccbc3d883c4017d2b4eaded800dc203fa8f20ce77955dff5811d3cfee")
            && notes[0].ends_with("(--deleted-cert FILE)"),
        "{err}"
    );

    // --json: connected, with the checks not made listed
    let out = sample(&["--json"], &trap);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["assumptions"][0]["code"], "live-context-by-hash");
    let steps = v["steps"].as_array().unwrap();
    let first = &steps[0];
    assert_eq!(first["ok"], true);
    assert_eq!(first["connect"]["outcome"], "connected");
    assert_eq!(first["connect"]["sha1"], OLD);
    assert!(first["connect"]["verdict"].is_null());
    let not_checked: Vec<(&str, &str)> = first["connect"]["not_checked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["step"].as_str().unwrap(), n["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        not_checked,
        [
            ("validity", "known-only-by-hash"),
            ("name", "known-only-by-hash"),
            ("eku", "known-only-by-hash")
        ]
    );
    assert_eq!(steps[3]["connect"]["failure"], "certificate-missing");

    // without the key the SHA-256 is unknown too: crypto binding is named
    let netsh = examples("machine/netsh-sslcert.txt");
    let store = examples("store");
    let out = sstp_cert(&[
        "simulate", "--store", &store, "--netsh", &netsh, "--at", AT, &trap,
    ]);
    let l = lines(&out);
    assert!(
        l[2].ends_with(&format!(
            "validity, name and EKU not checked; crypto binding not checked: the SstpSvc\\Parameters key was not given and the SHA-256 of certificate {OLD} is unknown: the hash the client sends cannot be compared with the service's"
        )),
        "{}",
        l[2]
    );
    assert!(l[8].contains("FAILED certificate-missing"), "{}", l[8]);
}

#[test]
fn the_service_fidelity_scripts_print_the_state_after_each_step() {
    use sstp_cert::model::httpsys::parse_sslcert_show;
    use sstp_cert::model::registry::parse_registry_text;
    let store = examples("store");
    let run = |extra: &[&str], script: &str| {
        let script = examples(script);
        let mut args = vec!["simulate", "--json", "--store", &store, "--at", AT];
        args.extend(extra);
        args.push(&script);
        let out = sstp_cert(&args);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v
    };

    // points 1 and 2
    let v = run(&["--current-release"], "machine/fidelity-gone-and-http.txt");
    assert_eq!(v["profile"], "current-release");
    let codes: Vec<&str> = v["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["bindings-unknown", "registry-unknown", "service-stopped"]
    );
    let steps = v["steps"].as_array().unwrap();
    let outputs: Vec<&str> = steps.iter().filter_map(|s| s["output"].as_str()).collect();
    assert_eq!(outputs.len(), 4);
    // 1: IIS's pair bindings of the deleted 01 are gone, its binding on
    // 192.0.2.7:443 stays; SSTP bound 05
    let b = parse_sslcert_show(outputs[0].as_bytes()).unwrap().bindings;
    let shown: Vec<(String, bool)> = b
        .iter()
        .map(|b| (b.endpoint.to_string(), b.is_sstp()))
        .collect();
    assert_eq!(
        shown,
        [
            ("192.0.2.7:443".to_owned(), false),
            ("0.0.0.0:443".to_owned(), true),
            ("[::]:443".to_owned(), true)
        ]
    );
    let r = parse_registry_text(outputs[1].as_bytes()).unwrap().values;
    assert_eq!(r.len(), 3, "the automatic-mode record");
    let connect = steps.iter().find(|s| s["connect"].is_object()).unwrap();
    assert_eq!(connect["connect"]["failure"], "certificate-expired");
    assert_eq!(connect["step"], "validity");
    assert_eq!(connect["client_error"], "CERT_E_EXPIRED (0x800B0101)");
    // 2: UseHttps = 0 with ListenerPort 0 removes SSTP's 443 bindings
    let b = parse_sslcert_show(outputs[2].as_bytes()).unwrap().bindings;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].endpoint.to_string(), "192.0.2.7:443");
    let r = parse_registry_text(outputs[3].as_bytes()).unwrap().values;
    assert_eq!(
        r.get("UseHttps"),
        Some(&sstp_cert::model::registry::RegValue::Dword(0))
    );

    // points 3 and 4
    let v = run(&[], "machine/fidelity-admin-and-event-18.txt");
    let steps = v["steps"].as_array().unwrap();
    let results: Vec<&str> = steps
        .iter()
        .map(|s| s["result"].as_str().unwrap())
        .collect();
    let connects: Vec<&serde_json::Value> =
        steps.iter().filter(|s| s["connect"].is_object()).collect();
    assert_eq!(connects.len(), 4);
    // 4: Event 25 leaves the listener on the old bindings: served from memory
    assert!(results.iter().any(|r| r.contains("Event 25")));
    assert_eq!(connects[1]["connect"]["from_live_context"], true);
    // 3: automatic mode, the hash deleted and not rewritten (Event 21):
    // Event 18 at crypto binding
    assert_eq!(connects[2]["connect"]["failure"], "crypto-binding-failed");
    assert_eq!(connects[2]["connect"]["server_event"]["id"], 18);
    assert!(connects[2]["result"].as_str().unwrap().contains("Event 18"));
    let r = parse_registry_text(
        steps
            .iter()
            .rev()
            .find_map(|s| s["output"].as_str())
            .unwrap()
            .as_bytes(),
    )
    .unwrap()
    .values;
    assert!(r.get("SHA256CertificateHash").is_none());
    // and after the reboot the gone certificate cannot be served
    assert_eq!(connects[3]["connect"]["failure"], "certificate-missing");
}

#[test]
fn simulate_bad_input_is_named() {
    let store = examples("store");
    let trap = examples("machine/trap.txt");
    let out = sstp_cert(&["simulate", "--store", &store, "--at", "yesterday", &trap]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--at \"yesterday\": not an RFC 3339 time"),
        "{err}"
    );

    let readme = examples("machine/README.md");
    let out = sstp_cert(&[
        "simulate",
        "--store",
        &store,
        "--deleted-cert",
        &readme,
        &trap,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--deleted-cert") && err.contains("README.md"),
        "{err}"
    );

    let t = tempfile::tempdir().unwrap();
    let bad = t.path().join("bad.txt");
    std::fs::write(
        &bad,
        "connect vpn.example.com\nnetsh http show sslcert ipport=0.0.0.0:443\n",
    )
    .unwrap();
    let out = sstp_cert(&["simulate", "--store", &store, bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 2: netsh: expected: netsh http show sslcert"),
        "{err}"
    );
}
