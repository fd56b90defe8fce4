//! The registry reader against a real registry (on Linux: Wine's).
//!
//! The tests write their own keys with `RegCreateKeyExW`/`RegSetValueExW`
//! and delete them again. The one test that writes the real
//! `SstpSvc\Parameters` key does so only when that key does not exist yet, so
//! it never touches a live RRAS configuration; the other tests use keys with
//! unique names, so the tests can run in parallel and in any order.
#![cfg(windows)]
#![allow(unsafe_code)]

#[macro_use]
mod windows_common;

use sstp_cert::adapters::windows::registry::{
    REG_BINARY, REG_DWORD, REG_EXPAND_SZ, REG_MULTI_SZ, REG_QWORD, REG_SZ, RawRegistryValue,
    RegistryError, SSTP_PARAMETERS_SUBKEY, read_local_machine_values, read_sstp_parameters,
};
use windows_common::*;

fn value(name: &str, value_type: u32, data: &[u8]) -> RawRegistryValue {
    RawRegistryValue {
        name: name.to_owned(),
        value_type,
        data: data.to_vec(),
    }
}

fn sorted(mut values: Vec<RawRegistryValue>) -> Vec<RawRegistryValue> {
    values.sort_by(|a, b| a.name.cmp(&b.name));
    values
}

#[test]
fn reads_the_sstp_parameters_key() {
    const SERVICE: &str = r"SYSTEM\CurrentControlSet\Services\SstpSvc";
    if key_exists(SSTP_PARAMETERS_SUBKEY) {
        report!(
            "SKIPPED reads_the_sstp_parameters_key: HKLM\\{SSTP_PARAMETERS_SUBKEY} exists \
             (a real SSTP configuration); the test only writes it when absent"
        );
        return;
    }
    let delete = if key_exists(SERVICE) {
        SSTP_PARAMETERS_SUBKEY
    } else {
        SERVICE
    };
    let sha256: Vec<u8> = (0..32).collect();
    let sha1: Vec<u8> = (100..120).collect();
    let expected = vec![
        value("UseHttps", REG_DWORD, &1u32.to_le_bytes()),
        value("ListenerPort", REG_DWORD, &8443u32.to_le_bytes()),
        value("SHA256CertificateHash", REG_BINARY, &sha256),
        value("SHA1CertificateHash", REG_BINARY, &sha1),
        value("isHashConfiguredByAdmin", REG_DWORD, &1u32.to_le_bytes()),
        value("SHA256Enabled", REG_DWORD, &1u32.to_le_bytes()),
        // Wrong type on purpose: the reader reports it as stored.
        value("SHA1Enabled", REG_SZ, &utf16_bytes("1")),
    ];
    let key = TestKey::create(SSTP_PARAMETERS_SUBKEY, delete);
    for v in &expected {
        key.set(&v.name, v.value_type, &v.data);
    }

    let read = read_sstp_parameters().expect("read SstpSvc\\Parameters");
    assert_eq!(sorted(read.clone()), sorted(expected));
    let order: Vec<&str> = read.iter().map(|v| v.name.as_str()).collect();
    report!("SstpSvc\\Parameters enumeration order: {order:?}");
}

#[test]
fn reads_every_value_type_and_size_unchanged() {
    let subkey = unique_key("types");
    let key = TestKey::create(&subkey, &subkey);
    let long_name = "N".repeat(300);
    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let expected = vec![
        value("", REG_SZ, &utf16_bytes("default value")),
        value("dword", REG_DWORD, &0xFFFF_FFFFu32.to_le_bytes()),
        value("short dword", REG_DWORD, &[1, 2]),
        value("qword", REG_QWORD, &u64::MAX.to_le_bytes()),
        value("empty binary", REG_BINARY, &[]),
        value("big binary", REG_BINARY, &big),
        value("expand", REG_EXPAND_SZ, &utf16_bytes("%SystemRoot%\\x")),
        value("multi", REG_MULTI_SZ, &utf16_bytes("a\0b\0")),
        value(
            "unicode name \u{e9}\u{4e2d}",
            REG_SZ,
            &utf16_bytes("\u{1F512}"),
        ),
        value("odd type", 0x1234, &[9, 8, 7]),
        value(&long_name, REG_BINARY, &[0xAB]),
    ];
    for v in &expected {
        key.set(&v.name, v.value_type, &v.data);
    }
    let read = read_local_machine_values(&subkey).expect("read the test key");
    assert_eq!(sorted(read), sorted(expected));
}

#[test]
fn empty_key_reads_as_no_values() {
    let subkey = unique_key("empty");
    let _key = TestKey::create(&subkey, &subkey);
    assert_eq!(read_local_machine_values(&subkey), Ok(vec![]));
}

#[test]
fn missing_key_is_a_distinct_error_naming_it() {
    let subkey = unique_key("missing");
    let error = read_local_machine_values(&subkey).expect_err("the key does not exist");
    assert_eq!(
        error,
        RegistryError::KeyNotFound {
            key: format!("HKLM\\{subkey}")
        }
    );
    let text = error.to_string();
    assert!(text.contains(&subkey), "{text}");
    println!("{text}");
}
