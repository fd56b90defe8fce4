//! SPEC §7 end to end through the command line: renewing a certificate the
//! wrong way works until the reboot; the procedure `plan-change` prints
//! works before and after it.
#![cfg(feature = "cli")]

use std::path::Path;
use std::process::{Command, Output};

use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::httpsys::{Endpoint, ShowStyle, SslBinding, render_show};
use sstp_cert::model::registry::{RegistryValues, RegistryWrite};

fn sstp_cert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
        .args(args)
        .output()
        .expect("run sstp-cert")
}

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
