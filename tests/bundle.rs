//! Machine bundles (issue 15): `has_private_key` in the directory store's
//! `<stem>.json`, writing and reading bundles, unknown parts, damaged
//! parts, the collect mapping, and the fleet survey. All need `serde`.
#![cfg(feature = "serde")]

mod common;

use std::fs;
use std::path::Path;

use common::{Eku, client_auth, entry, server_auth};
use sstp_cert::adapters::bundle::{
    Bundle, BundleContents, BundleError, BundlePart, MachineInfo, NETSH_FILE, REGISTRY_FILE,
    write_bundle,
};
use sstp_cert::adapters::dir_store::{DirectoryStore, codes};
use sstp_cert::adapters::fleet::{FleetOptions, survey};
use sstp_cert::adapters::windows::collect::{LiveReadings, bundle_contents};
use sstp_cert::adapters::windows::typed::{BindingsSnapshot, RegistrySnapshot};
use sstp_cert::model::choice::{ChoiceOptions, choose};
use sstp_cert::model::eku::KeyPurpose;
use sstp_cert::model::httpsys::{Endpoint, SslBinding};
use sstp_cert::model::registry::{RegValue, RegistryValues};
use sstp_cert::model::state::UnknownInput;
use sstp_cert::model::store::{CertStore, KeyState, StoreSnapshot};
use sstp_cert::model::thumbprint::Sha1Thumbprint;

const AT: time::OffsetDateTime = time::macros::datetime!(2026-12-01 10:00 UTC);

fn certified(
    name: &str,
    eku: Vec<rcgen::ExtendedKeyUsagePurpose>,
) -> rcgen::CertifiedKey<rcgen::KeyPair> {
    let mut p = rcgen::CertificateParams::new(vec![name.to_owned()]).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, name);
    p.extended_key_usages = eku;
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    rcgen::CertifiedKey {
        cert,
        signing_key: key,
    }
}

// ---------------------------------------------------------------------------
// has_private_key

#[test]
fn an_exported_certificate_with_has_private_key_true_is_linked_and_chosen() {
    // What Export-Certificate gives: the certificate only, no key.
    let ck = certified(
        "vpn.example.com",
        vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth],
    );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("01-vpn.cer"), ck.cert.der()).unwrap();
    fs::write(
        dir.path().join("01-vpn.json"),
        br#"{"has_private_key": true}"#,
    )
    .unwrap();
    let snapshot = DirectoryStore::new(dir.path()).load().unwrap();
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    assert_eq!(snapshot.entries[0].key, KeyState::Linked);
    let choice = choose(&snapshot.entries, &ChoiceOptions::windows().at(AT));
    assert_eq!(choice.selected.unwrap().source, "01-vpn.cer");
}

#[test]
fn has_private_key_false_wins_over_a_key_file_and_reports_the_contradiction() {
    let ck = certified(
        "vpn.example.com",
        vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth],
    );
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("vpn.pem"), ck.cert.pem()).unwrap();
    fs::write(dir.path().join("vpn.key"), ck.signing_key.serialize_pem()).unwrap();
    fs::write(
        dir.path().join("vpn.json"),
        br#"{"has_private_key": false}"#,
    )
    .unwrap();
    let snapshot = DirectoryStore::new(dir.path()).load().unwrap();
    assert_eq!(snapshot.entries[0].key, KeyState::Absent);
    let p = &snapshot.problems[0];
    assert_eq!(
        (p.source.as_str(), p.code.as_str()),
        ("vpn.json", codes::CONTRADICTORY_KEY)
    );
    assert!(
        p.message.contains("has_private_key\": false"),
        "{}",
        p.message
    );
    assert!(p.message.contains("paired"), "{}", p.message);
}

#[test]
fn has_private_key_true_with_a_key_of_another_certificate_stays_mismatched() {
    let ck = certified("vpn.example.com", vec![]);
    let other = rcgen::KeyPair::generate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("vpn.pem"), ck.cert.pem()).unwrap();
    fs::write(dir.path().join("vpn.key"), other.serialize_pem()).unwrap();
    fs::write(dir.path().join("vpn.json"), br#"{"has_private_key": true}"#).unwrap();
    let snapshot = DirectoryStore::new(dir.path()).load().unwrap();
    assert_eq!(snapshot.entries[0].key, KeyState::Mismatched);
    assert_eq!(snapshot.problems[0].code, codes::CONTRADICTORY_KEY);
}

#[test]
fn has_private_key_true_with_a_matching_key_file_stays_paired_quietly() {
    let ck = certified("vpn.example.com", vec![]);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("vpn.pem"), ck.cert.pem()).unwrap();
    fs::write(dir.path().join("vpn.key"), ck.signing_key.serialize_pem()).unwrap();
    fs::write(
        dir.path().join("vpn.json"),
        br#"{"has_private_key": true, "friendly_name": "VPN"}"#,
    )
    .unwrap();
    let snapshot = DirectoryStore::new(dir.path()).load().unwrap();
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    assert_eq!(snapshot.entries[0].key, KeyState::Paired);
}

#[test]
fn has_private_key_of_the_wrong_type_and_unknown_fields_are_clear_errors() {
    let ck = certified("vpn.example.com", vec![]);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.pem"), ck.cert.pem()).unwrap();
    fs::write(dir.path().join("a.json"), br#"{"has_private_key": "yes"}"#).unwrap();
    fs::write(dir.path().join("b.pem"), ck.cert.pem()).unwrap();
    fs::write(dir.path().join("b.json"), br#"{"haz_private_key": true}"#).unwrap();
    let snapshot = DirectoryStore::new(dir.path()).load().unwrap();
    let problems: Vec<(&str, &str, &str)> = snapshot
        .problems
        .iter()
        .map(|p| (p.source.as_str(), p.code.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, "a.json");
    assert_eq!(problems[0].1, codes::MALFORMED_PROPERTIES);
    assert!(
        problems[0].2.contains("field `has_private_key`"),
        "{}",
        problems[0].2
    );
    assert!(
        problems[0].2.contains("expected true, false or null"),
        "{}",
        problems[0].2
    );
    assert_eq!(problems[1].0, "b.json");
    assert!(
        problems[1].2.contains("unknown field `haz_private_key`"),
        "{}",
        problems[1].2
    );
    // Both entries still load, without a key.
    assert!(snapshot.entries.iter().all(|e| e.key == KeyState::Absent));
}

// ---------------------------------------------------------------------------
// Writing and reading bundles

fn sample_bindings(sha1: Sha1Thumbprint) -> Vec<SslBinding> {
    [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)]
        .map(|e| SslBinding::sstp(e, sha1))
        .to_vec()
}

fn sample_registry() -> RegistryValues {
    let mut values = RegistryValues::new();
    values.set("ListenerPort", RegValue::Dword(8443));
    values.set("UseHttps", RegValue::Dword(1));
    values
}

#[test]
fn a_written_bundle_reads_back_to_the_same_state_in_store_order() {
    // 12 entries, so that a naive `1-`, `10-` naming would sort wrongly.
    let mut store = Vec::new();
    for i in 0..12 {
        let eku = if i % 3 == 0 { server_auth() } else { Eku::None };
        let key = if i % 2 == 0 {
            KeyState::Linked
        } else {
            KeyState::Absent
        };
        let mut e = entry(&format!("host{i}.example.com"), &eku, key);
        if i == 4 {
            e = e.with_eku_property(vec![KeyPurpose::ClientAuth]);
        }
        if i == 5 {
            e = e.with_eku_property(vec![]);
        }
        if i == 6 {
            e = e.with_friendly_name("VPN \"2026\" ✓");
        }
        store.push(e);
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("vpn1");
    let mut contents = BundleContents::new(MachineInfo::named("VPN1"));
    contents.info.collected_at = Some(AT);
    contents.store = Some(store.clone());
    contents.bindings = Some(sample_bindings(store[0].certificate.sha1()));
    contents.registry = Some(sample_registry());
    write_bundle(&out, &contents).unwrap();

    let bundle = Bundle::load(&out).unwrap();
    assert!(
        bundle.store_problems.is_empty(),
        "{:?}",
        bundle.store_problems
    );
    assert!(bundle.listing_problems.is_empty());
    assert!(bundle.state.unknown_inputs().is_empty());
    assert_eq!(bundle.machine_name(), "VPN1");
    assert_eq!(bundle.info.as_ref().unwrap().collected_at, Some(AT));
    let loaded = &bundle.state.store;
    assert_eq!(loaded.len(), 12);
    for (a, b) in store.iter().zip(loaded) {
        assert_eq!(a.certificate, b.certificate, "store order kept");
        assert_eq!(a.key, b.key);
        assert_eq!(a.eku_property, b.eku_property);
        assert_eq!(a.friendly_name, b.friendly_name);
    }
    let bindings = bundle.state.bindings.as_ref().unwrap();
    assert_eq!(bindings.len(), 2);
    assert_eq!(bindings[0].endpoint, Endpoint::ipv4_wildcard(443));
    assert_eq!(bindings[1].cert_hash, Some(store[0].certificate.sha1()));
    assert_eq!(bundle.state.registry.as_ref().unwrap(), &sample_registry());
    assert_eq!(bundle.state.parameters().listener().port, 8443);
}

#[test]
fn given_and_empty_parts_stay_known_and_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b");
    let mut contents = BundleContents::new(MachineInfo::named("EMPTY"));
    contents.store = Some(Vec::new());
    contents.bindings = Some(Vec::new());
    contents.registry = Some(RegistryValues::new());
    write_bundle(&out, &contents).unwrap();
    let bundle = Bundle::load(&out).unwrap();
    assert_eq!(bundle.state.bindings, Some(Vec::new()));
    assert_eq!(bundle.state.registry, Some(RegistryValues::new()));
    assert!(bundle.state.unknown_inputs().is_empty());
}

#[test]
fn parts_missing_from_a_bundle_are_unknown_with_the_reason_from_machine_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wine");
    let mut contents = BundleContents::new(MachineInfo::named("WINE"));
    contents.store = Some(vec![entry("a.example", &server_auth(), KeyState::Linked)]);
    contents.info.not_collected_part(
        BundlePart::Bindings,
        "HttpQueryServiceConfiguration: error 120",
    );
    write_bundle(&out, &contents).unwrap();
    assert!(!out.join(NETSH_FILE).exists());
    assert!(!out.join(REGISTRY_FILE).exists());
    let info: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("machine.json")).unwrap()).unwrap();
    assert_eq!(info["not_collected"][0]["part"], "bindings");
    // The writer records a part it was not given, too.
    assert_eq!(info["not_collected"][1]["part"], "registry");

    let bundle = Bundle::load(&out).unwrap();
    assert_eq!(bundle.state.bindings, None);
    assert_eq!(bundle.state.registry, None);
    assert_eq!(
        bundle.state.unknown_inputs(),
        vec![UnknownInput::Bindings, UnknownInput::Registry]
    );
    let notes = bundle.notes.join("\n");
    assert!(
        notes
            .contains("netsh-sslcert.txt not collected (HttpQueryServiceConfiguration: error 120)"),
        "{notes}"
    );
    assert!(notes.contains("unknown, not absent"), "{notes}");
    assert!(notes.contains("sstpsvc.reg not collected"), "{notes}");
}

#[test]
fn a_bundle_without_machine_json_loads_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("by-hand");
    fs::create_dir_all(out.join("store")).unwrap();
    let bundle = Bundle::load(&out).unwrap();
    assert_eq!(bundle.info, None);
    assert_eq!(bundle.machine_name(), "by-hand");
    assert!(
        bundle.notes[0].contains("no machine.json"),
        "{:?}",
        bundle.notes
    );
    assert!(
        bundle
            .notes
            .iter()
            .any(|n| n.contains("netsh-sslcert.txt not in the bundle"))
    );
}

fn load_error(setup: impl FnOnce(&Path)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("srv");
    fs::create_dir_all(out.join("store")).unwrap();
    setup(&out);
    Bundle::load(&out).unwrap_err().to_string()
}

#[test]
fn damaged_parts_are_errors_naming_the_file() {
    let e = load_error(|d| fs::write(d.join("netsh-sslcert.txt"), "hello\n").unwrap());
    assert!(
        e.starts_with("bundle file ") && e.contains("netsh-sslcert.txt: line 1"),
        "{e}"
    );
    let e = load_error(|d| fs::write(d.join("sstpsvc.reg"), "not a reg file\n").unwrap());
    assert!(e.contains("sstpsvc.reg: line 1"), "{e}");
    let e = load_error(|d| fs::write(d.join("machine.json"), "{\"machine\": 5}").unwrap());
    assert!(e.contains("machine.json: invalid type"), "{e}");
    assert!(
        e.contains("at line 1 column"),
        "the place of the error: {e}"
    );
    let e = load_error(|d| fs::create_dir(d.join("sstpsvc.reg")).unwrap());
    assert!(e.contains("sstpsvc.reg: not a regular file"), "{e}");
    let e = load_error(|d| fs::remove_dir(d.join("store")).unwrap());
    assert!(e.contains("no store/ directory (missing)"), "{e}");
    let e = load_error(|d| {
        fs::remove_dir(d.join("store")).unwrap();
        fs::write(
            d.join("machine.json"),
            r#"{"not_collected": [{"part": "store", "reason": "access denied"}]}"#,
        )
        .unwrap();
    });
    assert!(
        e.contains("no store/ directory (not collected: access denied)"),
        "{e}"
    );
    let missing = Bundle::load(Path::new("/nonexistent/bundle")).unwrap_err();
    assert!(matches!(missing, BundleError::Open { .. }));
    assert!(
        missing
            .to_string()
            .contains("/nonexistent/bundle: cannot open the directory"),
        "{missing}"
    );
}

#[test]
fn writing_refuses_a_non_empty_directory_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("keep.txt"), "mine").unwrap();
    let mut contents = BundleContents::new(MachineInfo::named("X"));
    contents.store = Some(Vec::new());
    let e = write_bundle(dir.path(), &contents).unwrap_err();
    assert!(matches!(e, BundleError::NotEmpty { .. }), "{e}");
    assert!(e.to_string().contains("is not empty"), "{e}");
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec!["keep.txt"]);
    // An existing empty directory is fine.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    write_bundle(&empty, &contents).unwrap();
}

// ---------------------------------------------------------------------------
// What collect writes

#[test]
fn collect_records_unreadable_parts_as_not_collected_and_problems_as_notes() {
    let good = entry("vpn.example.com", &server_auth(), KeyState::Linked);
    let readings = LiveReadings {
        machine: Some("VPN9".into()),
        os_version: Some("Windows Server 2022".into()),
        store: Ok(StoreSnapshot {
            entries: vec![good.clone()],
            problems: vec![sstp_cert::model::store::EntryProblem {
                source: "LocalMachine\\MY #2".into(),
                code: "malformed-certificate".into(),
                message: "not a usable certificate".into(),
            }],
        }),
        bindings: Err("cannot read the HTTP.sys bindings: error 120".into()),
        registry: Err("cannot open HKLM\\...\\Parameters: error 5 (access denied)".into()),
    };
    let contents = bundle_contents(readings, AT, "9.9.9");
    assert_eq!(contents.info.tool_version.as_deref(), Some("9.9.9"));
    assert_eq!(contents.info.collected_at, Some(AT));
    assert_eq!(contents.store.as_deref(), Some(std::slice::from_ref(&good)));
    assert!(contents.bindings.is_none() && contents.registry.is_none());
    assert!(
        contents.info.notes[0].contains("LocalMachine\\MY #2"),
        "{:?}",
        contents.info.notes
    );
    assert!(
        contents
            .info
            .reason_not_collected(BundlePart::Registry)
            .unwrap()
            .contains("access denied")
    );

    let dir = tempfile::tempdir().unwrap();
    write_bundle(&dir.path().join("b"), &contents).unwrap();
    let bundle = Bundle::load(&dir.path().join("b")).unwrap();
    assert_eq!(
        bundle.state.unknown_inputs(),
        vec![UnknownInput::Bindings, UnknownInput::Registry]
    );
    assert!(bundle.notes.iter().any(|n| n.contains("error 120")));

    // Bindings read with problems: kept, and the problems noted.
    let readings = LiveReadings {
        machine: None,
        os_version: None,
        store: Err("cannot open store LocalMachine\\MY: error 5".into()),
        bindings: Ok(BindingsSnapshot {
            bindings: sample_bindings(good.certificate.sha1()),
            unsupported_kinds: vec![],
            problems: vec![],
        }),
        registry: Ok(RegistrySnapshot::key_not_found()),
    };
    let contents = bundle_contents(readings, AT, "1");
    assert!(contents.store.is_none());
    assert_eq!(contents.bindings.as_ref().map(Vec::len), Some(2));
    assert!(contents.registry.as_ref().unwrap().is_empty());
    let dir = tempfile::tempdir().unwrap();
    write_bundle(&dir.path().join("b"), &contents).unwrap();
    let e = Bundle::load(&dir.path().join("b")).unwrap_err().to_string();
    assert!(
        e.contains("not collected: cannot open store LocalMachine\\MY: error 5"),
        "{e}"
    );
}

// ---------------------------------------------------------------------------
// Fleet

fn fleet_bundle(root: &Path, dir: &str, name: &str, expired: bool) {
    let mut p = common::params(&format!("{dir}.example.com"), &server_auth());
    if expired {
        p.not_before = time::macros::datetime!(2020-01-01 0:00 UTC);
        p.not_after = time::macros::datetime!(2021-01-01 0:00 UTC);
    }
    let cert = sstp_cert::model::certificate::Certificate::from_der(common::der_with(p)).unwrap();
    let e = sstp_cert::model::store::StoreEntry::new(cert, KeyState::Linked, "x");
    let mut contents = BundleContents::new(MachineInfo::named(name));
    contents.bindings = Some(sample_bindings(e.certificate.sha1()));
    contents.registry = Some(RegistryValues::new());
    contents.store = Some(vec![
        e,
        entry("client.example", &client_auth(), KeyState::Linked),
    ]);
    write_bundle(&root.join(dir), &contents).unwrap();
}

#[test]
fn the_fleet_reports_every_server_damaged_ones_included_in_name_order() {
    let root = tempfile::tempdir().unwrap();
    fleet_bundle(root.path(), "a-good", "GOOD", false);
    fleet_bundle(root.path(), "b-expired", "EXPIRED", true);
    fs::create_dir_all(root.path().join("c-damaged/store")).unwrap();
    fs::write(root.path().join("c-damaged/netsh-sslcert.txt"), "garbage").unwrap();
    fs::write(root.path().join("README.txt"), "files are not bundles").unwrap();

    for threads in [1, 2, 7] {
        let report = survey(root.path(), &FleetOptions::at(AT).with_threads(threads)).unwrap();
        let names: Vec<&str> = report.servers.iter().map(|s| s.machine.as_str()).collect();
        assert_eq!(names, ["GOOD", "EXPIRED", "c-damaged"], "threads {threads}");
        let good = &report.servers[0];
        assert!(good.errors.is_empty(), "{:?}", good.errors);
        let served = good.served.as_ref().unwrap();
        assert_eq!(served.subject.as_deref(), Some("CN=a-good.example.com"));
        assert!(served.not_after.is_some());
        let expired = &report.servers[1];
        assert!(
            expired
                .errors
                .iter()
                .chain(&expired.warnings)
                .any(|c| c.contains("expired")),
            "{expired:?}"
        );
        assert_eq!(
            expired.served.as_ref().unwrap().not_after.as_deref(),
            Some("2021-01-01T00:00:00Z")
        );
        let damaged = &report.servers[2];
        assert!(
            damaged
                .damaged
                .as_deref()
                .unwrap()
                .contains("netsh-sslcert.txt"),
            "{damaged:?}"
        );
        assert!(report.has_errors());
    }
    // One bundle given directly is a fleet of one.
    let one = survey(&root.path().join("a-good"), &FleetOptions::at(AT)).unwrap();
    assert_eq!(one.servers.len(), 1);
    assert!(!one.has_errors());
    assert!(survey(&root.path().join("missing"), &FleetOptions::at(AT)).is_err());
}
