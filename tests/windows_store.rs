//! The CryptoAPI store reader against a real system store (on Linux: Wine's).
//!
//! Each test adds its own certificates (unique subjects) to `LocalMachine\MY`
//! — or `CurrentUser\MY` when the test process may not write the machine
//! store — and removes them again, so the tests can run in parallel and in
//! any order. Only the tests write; the reader under test opens read-only.
#![cfg(windows)]
#![allow(unsafe_code)]

#[macro_use]
mod windows_common;

use sstp_cert::adapters::windows::store::{
    RawStoreEntry, StoreError, SystemStoreLocation, SystemStoreName, read_system_store,
};
use windows_common::*;

/// The entries of `entries` whose DER is one of `ours`, in reader order.
fn only<'a>(entries: &'a [RawStoreEntry], ours: &[Vec<u8>]) -> Vec<&'a RawStoreEntry> {
    entries.iter().filter(|e| ours.contains(&e.der)).collect()
}

#[test]
fn reader_reports_der_key_state_eku_property_and_friendly_name() {
    let store = WritableStore::open();
    let linked_server = unique_certificate("props", true);
    let bare = unique_certificate("props", false);
    let empty_eku = unique_certificate("props", true);
    let client_any = unique_certificate("props", false);
    let a = store.add(
        &linked_server,
        &Properties {
            key_container: Some("sstp-cert-test-container"),
            eku: Some(&[SERVER_AUTH]),
            friendly_name: Some("SSTP test \u{e9}\u{1F512}"),
        },
    );
    let b = store.add(&bare, &Properties::default());
    let c = store.add(
        &empty_eku,
        &Properties {
            key_container: Some("sstp-cert-test-container"),
            eku: Some(&[]),
            ..Properties::default()
        },
    );
    let d = store.add(
        &client_any,
        &Properties {
            eku: Some(&[CLIENT_AUTH, ANY_EKU]),
            ..Properties::default()
        },
    );

    let entries = store.locked(|| read_system_store(&store.name).expect("read the store"));
    let find = |der: &Vec<u8>| {
        let found = only(&entries, std::slice::from_ref(der));
        assert_eq!(
            found.len(),
            1,
            "each added certificate is listed exactly once"
        );
        found[0].clone()
    };

    let e = find(&linked_server);
    assert!(
        e.has_key_provider_info,
        "key-provider property set → linked"
    );
    assert_eq!(e.eku_property, Some(vec![SERVER_AUTH.to_owned()]));
    assert_eq!(
        e.friendly_name.as_deref(),
        Some("SSTP test \u{e9}\u{1F512}")
    );

    let e = find(&bare);
    assert!(!e.has_key_provider_info);
    assert_eq!(e.eku_property, None, "no EKU property → None");
    assert_eq!(e.friendly_name, None);

    let e = find(&empty_eku);
    assert!(e.has_key_provider_info);
    assert_eq!(
        e.eku_property,
        Some(vec![]),
        "present but empty → Some(empty)"
    );

    let e = find(&client_any);
    assert!(!e.has_key_provider_info);
    assert_eq!(
        e.eku_property,
        Some(vec![CLIENT_AUTH.to_owned(), ANY_EKU.to_owned()])
    );

    drop((a, b, c, d));
    let ours = [linked_server, bare, empty_eku, client_any];
    let left = only(
        &store.locked(|| read_system_store(&store.name).expect("read the store")),
        &ours,
    )
    .len();
    assert_eq!(left, 0, "the test removes what it added");
}

#[test]
fn reader_keeps_the_os_enumeration_order() {
    let store = WritableStore::open();
    let ours: Vec<Vec<u8>> = (0..5)
        .map(|i| unique_certificate("order", i % 2 == 0))
        .collect();
    let guards: Vec<Added<'_>> = ours
        .iter()
        .map(|der| store.add(der, &Properties::default()))
        .collect();

    // Both reads under the write lock: no other test of this binary adds
    // or removes a certificate in between (an enumeration that runs while
    // the store changes can miss entries).
    let (raw, os) = store.locked(|| {
        (
            read_system_store(&store.name).expect("read the store"),
            os_order(&store.name),
        )
    });
    let read: Vec<Vec<u8>> = only(&raw, &ours)
        .into_iter()
        .map(|e| e.der.clone())
        .collect();
    let os: Vec<Vec<u8>> = os.into_iter().filter(|der| ours.contains(der)).collect();
    assert_eq!(
        read.len(),
        ours.len(),
        "every added certificate is read once"
    );
    assert_eq!(read, os, "the reader returns the OS order, unchanged");

    let position = |der: &Vec<u8>| ours.iter().position(|o| o == der).unwrap();
    let by_thumbprint = {
        let mut sorted = ours.clone();
        sorted.sort_by_key(|der| sha1(der));
        sorted
    };
    let observed: Vec<usize> = read.iter().map(position).collect();
    let kind = if read == ours {
        "insertion order"
    } else if read == by_thumbprint {
        "SHA-1 thumbprint order"
    } else if read.iter().rev().eq(by_thumbprint.iter()) {
        "reverse SHA-1 thumbprint order"
    } else {
        "neither insertion nor thumbprint order"
    };
    report!(
        "{}: OS enumeration order of 5 added certificates: {observed:?} ({kind})",
        store.name
    );

    drop(guards);
    let left = only(
        &store.locked(|| read_system_store(&store.name).expect("read the store")),
        &ours,
    )
    .len();
    assert_eq!(left, 0, "the test removes what it added");
}

#[test]
fn missing_store_is_an_error_naming_it() {
    let name = format!("sstp-cert-no-such-store-{}", std::process::id());
    let store = SystemStoreName::new(SystemStoreLocation::LocalMachine, &name).unwrap();
    let error = read_system_store(&store).expect_err("a store that does not exist");
    match &error {
        StoreError::Open {
            store: label,
            error: os,
        } => {
            assert_eq!(label, &format!("LocalMachine\\{name}"));
            assert_ne!(os.code(), 0);
        }
        other => panic!("expected StoreError::Open, got {other:?}"),
    }
    let text = error.to_string();
    assert!(text.contains(&name), "{text}");
    println!("{text}");
}

#[test]
fn parsed_store_name_reads_the_same_store() {
    let parsed: SystemStoreName = "LocalMachine\\MY".parse().unwrap();
    assert_eq!(parsed, SystemStoreName::local_machine_my());
    // Reading the real MY store read-only works (whatever it holds).
    let store = WritableStore::open();
    store.locked(|| read_system_store(&store.name).expect("MY is readable"));
}
