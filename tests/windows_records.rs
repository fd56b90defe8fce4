//! The sample machine as the Windows readers would return it — store
//! records, registry values, HTTP.sys records — mapped by
//! `adapters::windows::typed`, judged exactly like the saved files: same
//! bindings, same parameters, same choice, same diagnosis. Runs on every
//! platform; `windows_live.rs` does the same through a real (Wine) store and
//! registry.

mod sample_machine;

use sample_machine::*;
use sstp_cert::adapters::windows::records::{SslBindings, SystemStoreName};
use sstp_cert::adapters::windows::typed::{
    BindingsSnapshot, RegistrySnapshot, ssl_binding, store_snapshot,
};
use sstp_cert::model::diagnosis::{DiagnosisInput, FindingCode, diagnose};
use sstp_cert::model::store::StoreEntry;

#[test]
fn sample_bindings_as_http_sys_holds_them_are_the_parsed_bindings() {
    let listing = sample_netsh();
    assert_eq!(listing.bindings.len(), 2);
    for parsed in &listing.bindings {
        let (live, problems) = ssl_binding(&raw_binding(parsed));
        assert!(problems.is_empty(), "{problems:?}");
        // The version-1 query returns no Extended Properties groups.
        let mut expected = parsed.clone();
        expected.extended.clear();
        assert_eq!(live, expected);
    }
}

#[test]
fn sample_registry_as_stored_gives_the_parsed_parameters() {
    let parsed = sample_registry();
    let live = RegistrySnapshot::from_raw(raw_registry(&parsed.values));
    assert!(live.key_found);
    assert_eq!(live.values, parsed.values);
    assert_eq!(live.parameters(), parsed.parameters());
}

#[test]
fn sample_machine_diagnosis_is_the_same_from_records_and_from_files() {
    let certs = sample_certs();
    let listing = sample_netsh();
    let registry = sample_registry();
    let store = SystemStoreName::local_machine_my();

    // File order, and the reverse SHA-1 order Wine enumerates in.
    let mut by_sha1 = certs.clone();
    by_sha1.sort_by_key(|c| std::cmp::Reverse(c.sha1()));
    for order in [certs, by_sha1] {
        let snapshot = store_snapshot(&store, order.iter().map(SampleCert::raw));
        assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
        let bindings = BindingsSnapshot::from_raw(&SslBindings {
            bindings: listing.bindings.iter().map(raw_binding).collect(),
            unsupported_kinds: vec![],
        });
        assert!(bindings.problems.is_empty());
        let registry_live = RegistrySnapshot::from_raw(raw_registry(&registry.values));
        let parameters_live = registry_live.parameters();
        let mut live_input =
            DiagnosisInput::new(&snapshot.entries, &bindings.bindings, &parameters_live);
        live_input.at = Some(AT);

        let reference: Vec<StoreEntry> = order.iter().map(SampleCert::reference_entry).collect();
        let parameters = registry.parameters();
        let mut file_input = DiagnosisInput::new(&reference, &listing.bindings, &parameters);
        file_input.at = Some(AT);

        let live = diagnose(&live_input);
        let files = diagnose(&file_input);
        assert_eq!(decided(&live), decided(&files));
        // Not vacuous: the sample is the "works until the reboot" trap.
        assert!(
            live.with_code(FindingCode::BindingCertificateMissing)
                .next()
                .is_some(),
            "{:#?}",
            live.findings
        );
        // The live entries name the Windows store.
        assert!(
            snapshot
                .entries
                .iter()
                .all(|e| e.source.starts_with("LocalMachine\\MY #"))
        );
    }
}
