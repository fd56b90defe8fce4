//! The live rotation host (`adapters::windows::rotation_host`) under Wine:
//! the registry and store parts work against Wine's registry and store;
//! HTTP.sys's configuration is not there, so the preflight refuses the
//! rotation cleanly and changes nothing.
//!
//! On a real Windows machine (HTTP.sys answers) the refusal test skips
//! itself: it must never rotate a live server's certificate.
#![cfg(windows)]
#![allow(unsafe_code)]

#[macro_use]
mod windows_common;

use sstp_cert::adapters::windows::live::{read_bindings, read_registry};
use sstp_cert::adapters::windows::registry::SSTP_PARAMETERS_SUBKEY;
use sstp_cert::adapters::windows::rotation_host::LiveHost;
use sstp_cert::model::registry::RegValue;
use sstp_cert::model::rotation::{Host, Operation, Outcome, RotationRequest, TargetSpec, rotate};
use sstp_cert::model::thumbprint::Sha1Thumbprint;
use windows_common::*;

const SERVICE: &str = r"SYSTEM\CurrentControlSet\Services\SstpSvc";

/// Runs `f` with `SstpSvc\Parameters` present: created for the test (and
/// deleted after) when it does not exist; skipped when it does (a real RRAS
/// configuration is never written).
fn with_test_parameters(test: &str, f: impl FnOnce()) {
    if key_exists(SSTP_PARAMETERS_SUBKEY) {
        report!("{test}: skipped: {SSTP_PARAMETERS_SUBKEY} exists (a real configuration)");
        return;
    }
    let delete = if key_exists(SERVICE) {
        SSTP_PARAMETERS_SUBKEY
    } else {
        SERVICE
    };
    let key = TestKey::create(SSTP_PARAMETERS_SUBKEY, delete);
    key.set("ListenerPort", 4, &8443u32.to_le_bytes());
    f();
    drop(key);
}

#[test]
fn registry_writes_of_the_live_host_reach_the_registry() {
    let _lock = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    with_test_parameters("registry_writes", || {
        let mut host = LiveHost::new(None);
        host.available(Operation::SetRegistryValue)
            .expect("writable");
        host.available(Operation::ReadRegistry).expect("readable");
        let hash = RegValue::Binary(vec![0x5a; 32]);
        host.set_registry_value("SHA256CertificateHash", &hash)
            .unwrap();
        assert_eq!(
            read_registry().unwrap().values.get("SHA256CertificateHash"),
            Some(&hash)
        );
        host.delete_registry_value("SHA256CertificateHash").unwrap();
        assert!(
            !read_registry()
                .unwrap()
                .values
                .contains("SHA256CertificateHash")
        );
        // deleting what is not there is an error naming the value
        let e = host
            .delete_registry_value("SHA256CertificateHash")
            .unwrap_err();
        assert!(e.to_string().contains("value SHA256CertificateHash"), "{e}");
        report!("registry_writes: set, read back, deleted, and a second delete refused: {e}");
    });
}

#[test]
fn the_preflight_refuses_without_http_sys_and_changes_nothing() {
    if read_bindings().is_ok() {
        report!(
            "preflight: skipped: HTTP.sys answers here (real Windows): no live rotation in tests"
        );
        return;
    }
    let store = WritableStore::open(); // a fresh Wine prefix has no MY store
    let der = unique_certificate("rotation-preflight", true);
    let _added = store.add(&der, &Properties::default());
    let _lock = WRITE_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    with_test_parameters("preflight", || {
        let registry_before = read_registry().unwrap().values;
        let mut host = LiveHost::new(Some("vpn.example.com".to_owned()));
        let target = Sha1Thumbprint::from_bytes(sha1(&der));
        let at = time::OffsetDateTime::now_utc();
        let request = RotationRequest::new(TargetSpec::Thumbprint(target), at).applying();
        let report = rotate(&mut host, &request);
        assert_eq!(report.outcome, Outcome::Refused, "{report:#?}");
        let refusal = report.refusal.as_ref().unwrap();
        assert_eq!(refusal.code(), "preflight-failed");
        assert!(
            report
                .preflight
                .iter()
                .any(|c| c.operation == Operation::ReadBindings && !c.ok),
            "{report:#?}"
        );
        assert!(report.steps.is_empty());
        assert_eq!(read_registry().unwrap().values, registry_before);
        report!("preflight: refused as expected: {refusal}");
    });
}
