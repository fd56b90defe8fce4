//! The typed Windows adapters against a real machine (on Linux: Wine).
//!
//! `WindowsStore` over `LocalMachine\MY` (or `CurrentUser\MY` when the
//! machine store is not writable), the live `SstpSvc\Parameters` key, and
//! the live HTTP.sys bindings (Wine has no `HttpQueryServiceConfiguration`:
//! that test prints a `SKIPPED` line there). Each test adds its own
//! certificates (unique subjects) and removes them again, and only looks at
//! the entries it added, since other tests add certificates concurrently.
#![cfg(windows)]
#![allow(unsafe_code)]

#[macro_use]
mod windows_common;
mod sample_machine;

use std::sync::Mutex;

use sstp_cert::adapters::windows::httpsys::query_ssl_bindings;
use sstp_cert::adapters::windows::live::{WindowsStore, read_bindings, read_registry};
use sstp_cert::adapters::windows::records::{SystemStoreLocation, SystemStoreName};
use sstp_cert::adapters::windows::registry::{
    REG_BINARY, REG_DWORD, REG_SZ, SSTP_PARAMETERS_SUBKEY,
};
use sstp_cert::adapters::windows::store::read_system_store;
use sstp_cert::adapters::windows::typed::ssl_binding;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::choice::{Choice, ChoiceOptions, choose};
use sstp_cert::model::eku::{KeyPurpose, Purpose};
use sstp_cert::model::registry::{HashState, Scheme};
use sstp_cert::model::store::{CertStore, KeyState, MemoryStore, StoreEntry, StoreError};
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
use windows_common::*;

const AT: time::OffsetDateTime = time::macros::datetime!(2026-11-22 00:00 UTC);

/// Serialises the tests of this binary that write the real
/// `SstpSvc\Parameters` key.
static SSTP_KEY: Mutex<()> = Mutex::new(());

/// The key to delete when done with `SstpSvc\Parameters`: the `SstpSvc` key
/// too when the test made it.
fn sstp_key_to_delete() -> &'static str {
    const SERVICE: &str = r"SYSTEM\CurrentControlSet\Services\SstpSvc";
    if key_exists(SERVICE) {
        SSTP_PARAMETERS_SUBKEY
    } else {
        SERVICE
    }
}

/// The entries whose DER is one of `ours`, in store order.
fn only(entries: &[StoreEntry], ours: &[Vec<u8>]) -> Vec<StoreEntry> {
    entries
        .iter()
        .filter(|e| ours.iter().any(|d| d.as_slice() == e.certificate.der()))
        .cloned()
        .collect()
}

/// What a choice decided about each candidate, without the sources (which
/// differ between stores by design).
fn verdicts(choice: &Choice) -> Vec<(Sha1Thumbprint, bool, Purpose, KeyState, Vec<String>)> {
    choice
        .candidates
        .iter()
        .map(|c| {
            (
                c.sha1(),
                c.eligible,
                c.purpose,
                c.key,
                c.reasons.iter().map(|r| r.code().to_owned()).collect(),
            )
        })
        .collect()
}

/// One certificate the test adds, and what the typed entry must say.
struct Case {
    der: Vec<u8>,
    properties: Properties,
    key: KeyState,
    eku_property: Option<Vec<KeyPurpose>>,
}

fn case(
    server_auth: bool,
    key: bool,
    eku: Option<&'static [&'static str]>,
    friendly_name: Option<&'static str>,
) -> Case {
    Case {
        der: unique_certificate("live", server_auth),
        properties: Properties {
            key_container: key.then_some("sstp-cert-live-test"),
            eku,
            friendly_name,
        },
        key: if key {
            KeyState::Linked
        } else {
            KeyState::Absent
        },
        eku_property: eku.map(|oids| oids.iter().map(|o| KeyPurpose::from_oid(o)).collect()),
    }
}

#[test]
fn windows_store_maps_key_state_eku_property_and_keeps_os_order() {
    let store = WritableStore::open();
    let cases = [
        // Server Auth by extension, restricted to clientAuth by the property.
        case(true, true, Some(&[CLIENT_AUTH]), Some("restricted")),
        case(true, false, None, None),
        case(false, true, Some(&[]), None),
        case(
            false,
            true,
            Some(&[SERVER_AUTH, ANY_EKU]),
            Some("VPN \u{e9}"),
        ),
        case(true, true, None, None),
    ];
    let _guards: Vec<Added<'_>> = cases
        .iter()
        .map(|c| store.add(&c.der, &c.properties))
        .collect();
    let ours: Vec<Vec<u8>> = cases.iter().map(|c| c.der.clone()).collect();

    let windows = WindowsStore::new(store.name.clone());
    assert_eq!(windows.describe(), store.name.to_string());
    // Both reads under the write lock: no test of this binary changes the
    // store in between, so the positions agree.
    let (snapshot, raw, os) = store.locked(|| {
        (
            windows.load().expect("load the Windows store"),
            read_system_store(&store.name).expect("read the store raw"),
            os_order(&store.name),
        )
    });
    for problem in &snapshot.problems {
        report!(
            "note: {} has an entry that did not load: {problem}",
            store.name
        );
    }

    let entries = only(&snapshot.entries, &ours);
    assert_eq!(entries.len(), cases.len(), "each added certificate once");
    for c in &cases {
        let entry = entries
            .iter()
            .find(|e| e.certificate.der() == c.der.as_slice())
            .unwrap();
        assert_eq!(entry.key, c.key, "{}", entry.source);
        assert_eq!(entry.eku_property, c.eku_property, "{}", entry.source);
        assert_eq!(
            entry.friendly_name.as_deref(),
            c.properties.friendly_name,
            "{}",
            entry.source
        );
        // The source is the store, the OS position from 1, and the friendly
        // name or subject.
        let position = raw.iter().position(|r| r.der == c.der).unwrap() + 1;
        let label = c
            .properties
            .friendly_name
            .map(str::to_owned)
            .unwrap_or_else(|| entry.certificate.subject().to_owned());
        assert_eq!(
            entry.source,
            format!("{} #{position} ({label})", store.name)
        );
    }

    // The typed store keeps the raw reader's (the OS's) order — which on
    // Wine is not the insertion order.
    let typed_order: Vec<&[u8]> = entries.iter().map(|e| e.certificate.der()).collect();
    let raw_order: Vec<&[u8]> = raw
        .iter()
        .filter(|r| ours.contains(&r.der))
        .map(|r| r.der.as_slice())
        .collect();
    assert_eq!(typed_order, raw_order);
    let os: Vec<Vec<u8>> = os.into_iter().filter(|d| ours.contains(d)).collect();
    assert_eq!(
        typed_order,
        os.iter().map(Vec::as_slice).collect::<Vec<_>>()
    );
}

#[test]
fn choice_over_the_windows_store_equals_choice_over_a_memory_store() {
    let store = WritableStore::open();
    // Several eligible ones, so that the OS order decides the winner.
    let cases = [
        case(true, true, Some(&[CLIENT_AUTH]), None), // restricted: not for server
        case(true, false, None, None),                // no key
        case(false, true, None, Some("all purpose")), // All-purpose
        case(true, true, None, Some("server A")),
        case(true, true, Some(&[SERVER_AUTH]), Some("server B")),
        case(false, true, Some(&[ANY_EKU]), None), // All-purpose by property
    ];
    let _guards: Vec<Added<'_>> = cases
        .iter()
        .map(|c| store.add(&c.der, &c.properties))
        .collect();
    let ours: Vec<Vec<u8>> = cases.iter().map(|c| c.der.clone()).collect();

    // Both reads under the write lock: an enumeration that runs while
    // another test adds or removes a certificate can miss entries (seen
    // under Wine), and then the two orders would not be comparable.
    let (snapshot, os) = store.locked(|| {
        (
            WindowsStore::new(store.name.clone()).load().unwrap(),
            os_order(&store.name),
        )
    });
    let from_windows = only(&snapshot.entries, &ours);

    // The same certificates, built from what the test set (not from what the
    // adapter read), in the order an independent enumeration reports.
    let mut memory = MemoryStore::new("memory");
    for der in os.into_iter().filter(|d| ours.contains(d)) {
        let c = cases.iter().find(|c| c.der == der).unwrap();
        let mut entry = StoreEntry::new(Certificate::from_der(der).unwrap(), c.key, "memory");
        if let Some(purposes) = &c.eku_property {
            entry = entry.with_eku_property(purposes.clone());
        }
        if let Some(name) = c.properties.friendly_name {
            entry = entry.with_friendly_name(name);
        }
        memory.push(entry);
    }

    let options = ChoiceOptions::windows().at(AT);
    let live = choose(&from_windows, &options);
    let reference = choose(&memory.load().unwrap().entries, &options);
    assert_eq!(verdicts(&live), verdicts(&reference));
    assert_eq!(
        live.selected.as_ref().map(|s| s.sha1),
        reference.selected.as_ref().map(|s| s.sha1)
    );
    assert_eq!(live.events, reference.events);

    // And the winner is the first Server-Auth entry with a key in OS order.
    let chosen = live.selected.expect("a Server-Auth certificate with a key");
    assert_eq!(chosen.purpose, Purpose::ServerAuth);
    let first = from_windows
        .iter()
        .find(|e| {
            e.key == KeyState::Linked
                && cases.iter().any(|c| {
                    c.der.as_slice() == e.certificate.der()
                        && matches!(c.properties.friendly_name, Some("server A" | "server B"))
                })
        })
        .unwrap();
    assert_eq!(chosen.sha1, first.certificate.sha1());
    assert_eq!(chosen.source, first.source);
    report!(
        "{}: the service would choose {} of the 6 test certificates",
        store.name,
        chosen.source
    );
}

#[test]
fn missing_store_is_an_open_error_naming_it() {
    let name = format!("sstp-cert-no-such-store-{}", std::process::id());
    let store = SystemStoreName::new(SystemStoreLocation::LocalMachine, &name).unwrap();
    let error = WindowsStore::new(store).load().expect_err("no such store");
    let StoreError::Open { store, source } = &error else {
        panic!("expected StoreError::Open, got {error:?}");
    };
    assert_eq!(store, &format!("LocalMachine\\{name}"));
    let reason = source.to_string();
    assert!(reason.starts_with("error "), "{reason}");
    println!("{error}");
}

#[test]
fn live_registry_reads_typed_parameters() {
    let _key = SSTP_KEY.lock().unwrap_or_else(|e| e.into_inner());
    if key_exists(SSTP_PARAMETERS_SUBKEY) {
        report!(
            "SKIPPED live_registry_reads_typed_parameters: HKLM\\{SSTP_PARAMETERS_SUBKEY} exists \
             (a real SSTP configuration); the test only writes it when absent"
        );
        return;
    }
    let before = read_registry().expect("a missing key is not an error");
    assert!(!before.key_found);
    assert!(before.values.is_empty());
    assert_eq!(before.parameters().listener().port, 443);
    let note = before.note().expect("a note for the missing key");
    assert!(note.contains("SstpSvc\\Parameters"), "{note}");

    let delete = sstp_key_to_delete();
    let sha256: Vec<u8> = (0..32).collect();
    let sha1: Vec<u8> = (100..120).collect();
    {
        let key = TestKey::create(SSTP_PARAMETERS_SUBKEY, delete);
        key.set("UseHttps", REG_DWORD, &1u32.to_le_bytes());
        key.set("listenerport", REG_DWORD, &8443u32.to_le_bytes());
        key.set("SHA256CertificateHash", REG_BINARY, &sha256);
        key.set("SHA1CertificateHash", REG_BINARY, &sha1);
        key.set("isHashConfiguredByAdmin", REG_DWORD, &1u32.to_le_bytes());
        // Wrong type on purpose: behaviour §4 says fall back to the default.
        key.set("SHA1Enabled", REG_SZ, &utf16_bytes("1"));

        let live = read_registry().expect("read SstpSvc\\Parameters");
        assert!(live.key_found);
        assert_eq!(live.note(), None);
        assert_eq!(live.values.len(), 6);
        let params = live.parameters();
        let listener = params.listener();
        assert_eq!((listener.scheme, listener.port), (Scheme::Https, 8443));
        assert_eq!(
            params.sha256_certificate_hash,
            HashState::Valid {
                hash: Sha256Hash::from_slice(&sha256).unwrap()
            }
        );
        assert_eq!(
            params.sha1_certificate_hash,
            HashState::Valid {
                hash: Sha1Thumbprint::from_slice(&sha1).unwrap()
            }
        );
        assert!(params.is_hash_configured_by_admin.value);
        assert!(!params.sha1_enabled.value, "REG_SZ is ignored: default off");
        assert!(params.sha1_enabled.is_invalid());
        assert!(params.sha256_enabled.value && params.sha256_enabled.is_default());
        assert!(params.hash_events().is_empty());
    }
    let after = read_registry().expect("the key is gone again");
    assert!(!after.key_found, "the test removes what it wrote");
}

#[test]
fn live_bindings_map_every_raw_binding() {
    let snapshot = match read_bindings() {
        Ok(snapshot) => snapshot,
        Err(error) => {
            report!(
                "SKIPPED live_bindings_map_every_raw_binding: {} failed here ({error})",
                error.function()
            );
            return;
        }
    };
    let raw = query_ssl_bindings().expect("the second read works too");
    assert_eq!(snapshot.bindings.len(), raw.bindings.len());
    for (binding, record) in snapshot.bindings.iter().zip(&raw.bindings) {
        assert_eq!(binding, &ssl_binding(record).0);
        assert_eq!(
            binding.endpoint.to_string().trim_start_matches("ccs="),
            record.endpoint.to_string().trim_start_matches("ccs=")
        );
    }
    report!(
        "{} live SSL binding(s), {} SSTP; notes: {:?}",
        snapshot.bindings.len(),
        snapshot.bindings.iter().filter(|b| b.is_sstp()).count(),
        snapshot.notes()
    );
}

/// The CLI reads the live store through the same adapter: its verdicts
/// equal the library's on the same store content.
#[cfg(feature = "cli")]
#[test]
fn cli_select_reads_the_windows_store() {
    let store = WritableStore::open();
    let cases = [
        case(true, true, None, Some("cli server")),
        case(false, true, None, None),
    ];
    let _guards: Vec<Added<'_>> = cases
        .iter()
        .map(|c| store.add(&c.der, &c.properties))
        .collect();
    let store_arg = format!("windows:{}", store.name);
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
            .args(args)
            .output()
            .expect("run sstp-cert")
    };
    let (out, default_out, library) = store.locked(|| {
        let out = run(&[
            "select",
            "--store",
            &store_arg,
            "--at",
            "2026-11-22T00:00:00Z",
            "--json",
        ]);
        // Without --store, on Windows: LocalMachine\MY.
        let default_out = run(&["select", "--at", "2026-11-22T00:00:00Z", "--json"]);
        let snapshot = WindowsStore::new(store.name.clone()).load().unwrap();
        let library = choose(&snapshot.entries, &ChoiceOptions::windows().at(AT));
        (out, default_out, library)
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["store"], store.name.to_string());
    let selected = library.selected.as_ref().unwrap();
    assert_eq!(json["selected"]["sha1"], selected.sha1.to_string());
    assert_eq!(json["selected"]["source"], selected.source);
    let sources: Vec<&str> = json["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = library
        .candidates
        .iter()
        .map(|c| c.source.as_str())
        .collect();
    assert_eq!(sources, expected);
    assert!(
        sources.iter().any(|s| s.ends_with("(cli server)")),
        "{sources:?}"
    );

    if store.name == SystemStoreName::local_machine_my() {
        assert_eq!(
            default_out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&default_out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&default_out.stdout).unwrap();
        assert_eq!(json["store"], "LocalMachine\\MY");
        assert_eq!(json["selected"]["sha1"], selected.sha1.to_string());
    }
}

/// `Properties` for a sample certificate (leaked: the helper takes
/// `'static` values, and a test process is short-lived).
fn sample_properties(cert: &sample_machine::SampleCert) -> Properties {
    let leak = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    Properties {
        key_container: cert.linked.then_some("sstp-cert-sample-machine"),
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

/// The sample machine of `examples/machine` made live: its store's
/// certificates in the real store, its registry export in the real
/// `SstpSvc\Parameters` key, its bindings as HTTP.sys records (Wine has no
/// HTTP.sys configuration to put them in). Diagnosed through the live
/// adapters, it must come out as the saved files do.
#[test]
fn sample_machine_made_live_diagnoses_as_its_saved_files() {
    use sample_machine::*;
    use sstp_cert::adapters::windows::records::SslBindings;
    use sstp_cert::adapters::windows::typed::BindingsSnapshot;
    use sstp_cert::model::diagnosis::{DiagnosisInput, FindingCode, diagnose};

    let _key = SSTP_KEY.lock().unwrap_or_else(|e| e.into_inner());
    if key_exists(SSTP_PARAMETERS_SUBKEY) {
        report!(
            "SKIPPED sample_machine_made_live_diagnoses_as_its_saved_files: \
             HKLM\\{SSTP_PARAMETERS_SUBKEY} exists (a real SSTP configuration)"
        );
        return;
    }
    let store = WritableStore::open();
    let certs = sample_certs();
    for cert in &certs {
        store.remove(*cert.sha1().as_bytes()); // left behind by a crashed run
    }
    let _guards: Vec<Added<'_>> = certs
        .iter()
        .map(|c| store.add(&c.der, &sample_properties(c)))
        .collect();
    let registry_file = sample_registry();
    let key = TestKey::create(SSTP_PARAMETERS_SUBKEY, sstp_key_to_delete());
    for value in raw_registry(&registry_file.values) {
        key.set(&value.name, value.value_type, &value.data);
    }
    let listing = sample_netsh();

    let (snapshot, os, registry) = store.locked(|| {
        (
            WindowsStore::new(store.name.clone()).load().unwrap(),
            os_order(&store.name),
            read_registry().unwrap(),
        )
    });
    assert!(registry.key_found);
    assert_eq!(registry.parameters(), registry_file.parameters());

    let sample_ders: Vec<Vec<u8>> = certs.iter().map(|c| c.der.clone()).collect();
    let live_entries = only(&snapshot.entries, &sample_ders);
    assert_eq!(live_entries.len(), certs.len());
    let reference: Vec<StoreEntry> = os
        .iter()
        .filter_map(|der| certs.iter().find(|c| &c.der == der))
        .map(SampleCert::reference_entry)
        .collect();
    assert_eq!(reference.len(), certs.len());

    // HTTP.sys's records for the saved bindings, through the live mapping.
    let bindings = BindingsSnapshot::from_raw(&SslBindings {
        bindings: listing.bindings.iter().map(raw_binding).collect(),
        unsupported_kinds: vec![],
    });
    let parameters = registry.parameters();
    let mut live_input = DiagnosisInput::new(&live_entries, &bindings.bindings, &parameters);
    live_input.at = Some(AT);
    let file_parameters = registry_file.parameters();
    let mut file_input = DiagnosisInput::new(&reference, &listing.bindings, &file_parameters);
    file_input.at = Some(AT);

    let live = diagnose(&live_input);
    let files = diagnose(&file_input);
    assert_eq!(decided(&live), decided(&files));
    assert!(
        live.with_code(FindingCode::BindingCertificateMissing)
            .next()
            .is_some()
    );
    report!(
        "sample machine made live in {}: {} finding(s), the same as from the saved files: {:?}",
        store.name,
        live.findings.len(),
        live.findings
            .iter()
            .map(|f| f.code.code())
            .collect::<Vec<_>>()
    );

    #[cfg(feature = "cli")]
    cli_diagnose_reads_the_live_machine(&store, &listing);
    drop(key);
}

/// `sstp-cert diagnose` on Windows: the store and registry are read live
/// (the bindings come from the saved file, as Wine cannot list them); its
/// findings equal the library's on the same live state.
#[cfg(feature = "cli")]
fn cli_diagnose_reads_the_live_machine(
    store: &WritableStore,
    listing: &sstp_cert::model::httpsys::SslCertListing,
) {
    use sstp_cert::model::diagnosis::{DiagnosisInput, diagnose};

    let netsh = sample_machine::path("examples/machine/netsh-sslcert.txt");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
            .args(args)
            .output()
            .expect("run sstp-cert")
    };
    let store_arg = format!("windows:{}", store.name);
    let (out, snapshot, registry) = store.locked(|| {
        let out = run(&[
            "diagnose",
            "--store",
            &store_arg,
            "--netsh",
            netsh.to_str().unwrap(),
            "--at",
            "2026-11-22T00:00:00Z",
            "--json",
        ]);
        let snapshot = WindowsStore::new(store.name.clone()).load().unwrap();
        (out, snapshot, read_registry().unwrap())
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["store"], store.name.to_string());
    let notes: Vec<&str> = json["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(
        notes.iter().all(|n| !n.contains("--registry")),
        "the registry was read live, not assumed: {notes:?}"
    );

    let parameters = registry.parameters();
    let mut input = DiagnosisInput::new(&snapshot.entries, &listing.bindings, &parameters);
    input.at = Some(AT);
    let library = diagnose(&input);
    let cli_codes: Vec<(&str, &str)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["code"].as_str().unwrap(), f["severity"].as_str().unwrap()))
        .collect();
    let library_codes: Vec<(String, String)> = library
        .findings
        .iter()
        .map(|f| {
            let v = serde_json::to_value(f).unwrap();
            (
                v["code"].as_str().unwrap().to_owned(),
                v["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let library_codes: Vec<(&str, &str)> = library_codes
        .iter()
        .map(|(c, s)| (c.as_str(), s.as_str()))
        .collect();
    assert_eq!(cli_codes, library_codes);

    // Without --netsh the bindings are read live too: Wine cannot, and says
    // what to do instead; Windows can.
    let out = run(&["diagnose", "--at", "2026-11-22T00:00:00Z", "--json"]);
    match out.status.code() {
        Some(2) => {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("pass --netsh FILE"), "{stderr}");
            report!("diagnose without --netsh here: {}", stderr.trim_end());
        }
        code => assert!(
            matches!(code, Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}
