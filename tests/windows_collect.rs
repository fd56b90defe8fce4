//! `sstp-cert collect` against a real machine (on Linux: Wine), and the
//! round trip of issue 15: the sample machine (`examples/store` +
//! `examples/machine`) is made live — its certificates in
//! `LocalMachine\MY` with their key links, EKU properties and friendly
//! names, its registry export in `SstpSvc\Parameters` — then `collect`
//! writes a bundle, and `select`/`diagnose` on the bundle must decide as
//! `select`/`diagnose` run live: the same choice, the same findings.
//!
//! Wine cannot list HTTP.sys bindings, so `collect` records them as not
//! collected there (checked below), and both diagnoses use the saved
//! `netsh http show sslcert` output instead: live with `--netsh`, the bundle
//! with the file added to a copy of it.
//!
//! The program run is `$SSTP_CERT_EXE` when set (CI: the release
//! `sstp-cert.exe`), else this build's. With `$SSTP_CERT_ROUNDTRIP_OUT`
//! set, the bundles and live outputs are kept there, and
//! `bundle_roundtrip.rs` compares them with the Linux build.
#![cfg(all(windows, feature = "cli"))]
#![allow(unsafe_code)]

#[macro_use]
mod windows_common;
mod roundtrip_common;
mod sample_machine;

use std::path::PathBuf;
use std::process::Command;

use roundtrip_common::*;
use sstp_cert::adapters::windows::records::SystemStoreLocation;
use sstp_cert::adapters::windows::registry::SSTP_PARAMETERS_SUBKEY;
use windows_common::*;

fn exe() -> PathBuf {
    std::env::var_os("SSTP_CERT_EXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_sstp-cert")))
}

fn sstp_key_to_delete() -> &'static str {
    const SERVICE: &str = r"SYSTEM\CurrentControlSet\Services\SstpSvc";
    if key_exists(SERVICE) {
        SSTP_PARAMETERS_SUBKEY
    } else {
        SERVICE
    }
}

fn sample_properties(cert: &sample_machine::SampleCert) -> Properties {
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    Properties {
        key_container: cert.linked.then_some("sstp-cert-collect-test"),
        eku: cert
            .eku_property
            .as_ref()
            .map(|oids| -> &'static [&'static str] {
                Box::leak(
                    oids.iter()
                        .map(|o| leak(o))
                        .collect::<Vec<_>>()
                        .into_boxed_slice(),
                )
            }),
        friendly_name: cert.friendly_name.as_deref().map(leak),
    }
}

#[test]
fn collect_then_the_bundle_decides_as_the_live_machine() {
    use sample_machine::{path, raw_registry, sample_certs, sample_registry};

    if key_exists(SSTP_PARAMETERS_SUBKEY) {
        report!(
            "SKIPPED collect round trip: HKLM\\{SSTP_PARAMETERS_SUBKEY} exists (a real SSTP \
             configuration); the test only writes it when absent"
        );
        return;
    }
    let store = WritableStore::open();
    if store.name.location() != SystemStoreLocation::LocalMachine {
        report!("SKIPPED collect round trip: LocalMachine\\MY is not writable here (run elevated)");
        return;
    }
    let certs = sample_certs();
    for cert in &certs {
        store.remove(*cert.sha1().as_bytes()); // left behind by a crashed run
    }
    let _guards: Vec<Added<'_>> = certs
        .iter()
        .map(|c| store.add(&c.der, &sample_properties(c)))
        .collect();
    let key = TestKey::create(SSTP_PARAMETERS_SUBKEY, sstp_key_to_delete());
    for value in raw_registry(&sample_registry().values) {
        key.set(&value.name, value.value_type, &value.data);
    }

    let temp = tempfile::tempdir().unwrap();
    let work = match std::env::var_os("SSTP_CERT_ROUNDTRIP_OUT") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            dir
        }
        None => temp.path().to_path_buf(),
    };
    let exe = exe();
    let bundle = work.join(BUNDLE);
    let bundle_arg = bundle.to_str().unwrap();

    // collect: read-only, into a new directory.
    let out = Command::new(&exe)
        .args(["collect", bundle_arg, "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "collect: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["certificates"].as_u64().unwrap() >= certs.len() as u64);
    assert_eq!(report["tool_version"], env!("CARGO_PKG_VERSION"));
    assert!(report["machine"].is_string(), "{report}");
    report!(
        "collect with {}: {} certificate(s), machine {}, {}; not collected: {}",
        exe.display(),
        report["certificates"],
        report["machine"],
        report["os_version"],
        report["not_collected"]
    );
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(bundle.join("machine.json")).unwrap()).unwrap();
    let bindings_missing = info["not_collected"]
        .as_array()
        .is_some_and(|a| a.iter().any(|n| n["part"] == "bindings"));
    // Collected or recorded as not collected, never written empty.
    assert_eq!(bindings_missing, !bundle.join(NETSH).exists(), "{info}");
    assert!(
        bundle.join("sstpsvc.reg").exists(),
        "the registry key is readable"
    );

    // A second collect into the same directory refuses and writes nothing.
    let again = Command::new(&exe)
        .args(["collect", bundle_arg])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("is not empty"));

    // The same program, live.
    let live_select = run_json(&exe, &["select", "--at", AT, "--json"]);
    std::fs::write(
        work.join(LIVE_SELECT),
        serde_json::to_vec_pretty(&live_select).unwrap(),
    )
    .unwrap();
    let netsh = work.join(NETSH);
    std::fs::copy(path("examples/machine/netsh-sslcert.txt"), &netsh).unwrap();
    let live_diagnose = run_json(
        &exe,
        &[
            "diagnose",
            "--netsh",
            netsh.to_str().unwrap(),
            "--at",
            AT,
            "--json",
        ],
    );
    std::fs::write(
        work.join(LIVE_DIAGNOSE),
        serde_json::to_vec_pretty(&live_diagnose).unwrap(),
    )
    .unwrap();
    let with_netsh = work.join(BUNDLE_WITH_NETSH);
    copy_dir(&bundle, &with_netsh);
    std::fs::copy(&netsh, with_netsh.join(NETSH)).unwrap();

    let summary = compare_with_live(&exe, &work);
    report!("bundle read under Windows/Wine: {summary}");

    if bindings_missing {
        // The bundle as collected: the bindings are unknown, and said so.
        let d = run_json(
            &exe,
            &["diagnose", "--bundle", bundle_arg, "--at", AT, "--json"],
        );
        let notes = d["notes"].to_string();
        assert!(notes.contains("netsh-sslcert.txt not collected"), "{notes}");
        assert!(notes.contains("unknown, not absent"), "{notes}");
    }
    drop(key);
}
