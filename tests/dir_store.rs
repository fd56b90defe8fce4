//! The directory store (src/adapters/dir_store.rs).
// Some helpers serve only the tests that need `serde` or `key-pairing`.
#![cfg_attr(
    not(all(feature = "serde", feature = "key-pairing")),
    allow(unused_imports, dead_code)
)]

use std::fs;
use std::path::Path;

use rcgen::{CertificateParams, ExtendedKeyUsagePurpose, KeyPair};
use sstp_cert::adapters::dir_store::{DirectoryStore, MAX_FILE_SIZE, codes};
use sstp_cert::model::eku::KeyPurpose;
use sstp_cert::model::store::{CertStore, EntryProblem, KeyState, StoreError, StoreSnapshot};

const ENCRYPTED_PK8: &str = include_str!("data/keys/encrypted.pk8.pem");

struct Made {
    cert_pem: String,
    cert_der: Vec<u8>,
    key_pem: String,
    key_der: Vec<u8>,
}

fn make(cn: &str, eku: &[ExtendedKeyUsagePurpose]) -> Made {
    let kp = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![format!("{cn}.example.com")]).unwrap();
    params.extended_key_usages = eku.to_vec();
    let cert = params.self_signed(&kp).unwrap();
    Made {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key_pem: kp.serialize_pem(),
        key_der: kp.serialize_der(),
    }
}

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) {
    fs::write(dir.join(name), bytes).unwrap();
}

fn load(dir: &Path) -> StoreSnapshot {
    DirectoryStore::new(dir).load().unwrap()
}

fn sources(s: &StoreSnapshot) -> Vec<&str> {
    s.entries.iter().map(|e| e.source.as_str()).collect()
}

fn problem<'a>(s: &'a StoreSnapshot, source: &str) -> &'a EntryProblem {
    s.problems
        .iter()
        .find(|p| p.source == source)
        .unwrap_or_else(|| panic!("no problem for {source}: {:?}", s.problems))
}

fn entry<'a>(s: &'a StoreSnapshot, source: &str) -> &'a sstp_cert::model::store::StoreEntry {
    s.entries
        .iter()
        .find(|e| e.source == source)
        .unwrap_or_else(|| panic!("no entry {source}: {:?}", sources(s)))
}

#[test]
fn entries_are_in_bytewise_file_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "b.pem", "a.crt", "C.der", "_x.cer", "10.pem", "9.pem", "a.PEM",
    ];
    for n in names {
        write(dir.path(), n, make(n, &[]).cert_pem);
    }
    let s = load(dir.path());
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(
        sources(&s),
        [
            "10.pem", "9.pem", "C.der", "_x.cer", "a.PEM", "a.crt", "b.pem"
        ]
    );
}

#[test]
fn content_decides_pem_or_der_not_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let one = make("one", &[]);
    let two = make("two", &[]);
    write(dir.path(), "one.pem", &one.cert_der);
    write(dir.path(), "two.der", &two.cert_pem);
    let s = load(dir.path());
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(
        entry(&s, "one.pem").certificate.der(),
        one.cert_der.as_slice()
    );
    assert_eq!(
        entry(&s, "two.der").certificate.der(),
        two.cert_der.as_slice()
    );
}

#[cfg(feature = "key-pairing")]
#[test]
fn key_states() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b, c, e, f, g) = (
        make("a", &[]),
        make("b", &[]),
        make("c", &[]),
        make("e", &[]),
        make("f", &[]),
        make("g", &[]),
    );
    // sibling PEM key
    write(d, "a.pem", &a.cert_pem);
    write(d, "a.key", &a.key_pem);
    // key in the same PEM file
    write(d, "b.pem", format!("{}{}", b.cert_pem, b.key_pem));
    // sibling DER key next to a DER certificate, upper-case extensions
    write(d, "c.CER", &c.cert_der);
    write(d, "c.KEY", &c.key_der);
    // mismatched sibling key
    write(d, "e.crt", &e.cert_pem);
    write(d, "e.key", &a.key_pem);
    // mismatched key in the same file
    write(d, "f.pem", format!("{}{}", f.cert_pem, b.key_pem));
    // no key
    write(d, "g.der", &g.cert_der);
    let s = load(d);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(entry(&s, "a.pem").key, KeyState::Paired);
    assert_eq!(entry(&s, "b.pem").key, KeyState::Paired);
    assert_eq!(entry(&s, "c.CER").key, KeyState::Paired);
    assert_eq!(entry(&s, "e.crt").key, KeyState::Mismatched);
    assert_eq!(entry(&s, "f.pem").key, KeyState::Mismatched);
    assert_eq!(entry(&s, "g.der").key, KeyState::Absent);
    assert_eq!(s.entries.len(), 6);
}

#[test]
fn unusable_keys_are_reported_and_the_entry_has_no_key() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (a, b, c) = (make("a", &[]), make("b", &[]), make("c", &[]));
    write(d, "a.pem", &a.cert_pem);
    write(d, "a.key", ENCRYPTED_PK8);
    write(d, "b.pem", &b.cert_pem);
    write(d, "b.key", "not a key");
    write(
        d,
        "c.pem",
        format!("{}{}{}", c.cert_pem, c.key_pem, a.key_pem),
    );
    let s = load(d);
    assert_eq!(entry(&s, "a.pem").key, KeyState::Absent);
    assert_eq!(problem(&s, "a.key").code, codes::ENCRYPTED_KEY);
    assert!(
        problem(&s, "a.key")
            .message
            .contains("encrypted keys are not supported")
    );
    assert_eq!(entry(&s, "b.pem").key, KeyState::Absent);
    assert_eq!(problem(&s, "b.key").code, codes::MALFORMED_KEY);
    assert_eq!(entry(&s, "c.pem").key, KeyState::Absent);
    assert_eq!(problem(&s, "c.pem").code, codes::MALFORMED_KEY);
    assert!(problem(&s, "c.pem").message.contains("ambiguous"));
}

#[cfg(feature = "key-pairing")]
#[test]
fn key_in_pem_wins_over_a_sibling_key() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (make("a", &[]), make("b", &[]));
    write(dir.path(), "a.pem", format!("{}{}", a.cert_pem, a.key_pem));
    write(dir.path(), "a.key", &b.key_pem);
    let s = load(dir.path());
    assert_eq!(entry(&s, "a.pem").key, KeyState::Paired);
    assert_eq!(problem(&s, "a.key").code, codes::AMBIGUOUS_KEY);
}

#[cfg(feature = "key-pairing")]
#[test]
fn several_certificates_in_one_pem_the_first_is_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (leaf, ca) = (make("leaf", &[]), make("ca", &[]));
    write(
        dir.path(),
        "chain.pem",
        format!("{}{}{}", leaf.cert_pem, ca.cert_pem, leaf.key_pem),
    );
    let s = load(dir.path());
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    assert_eq!(s.entries.len(), 1);
    assert_eq!(s.entries[0].certificate.der(), leaf.cert_der.as_slice());
    assert_eq!(s.entries[0].key, KeyState::Paired);
}

#[cfg(feature = "serde")]
#[test]
fn properties_json() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = make("a", &[ExtendedKeyUsagePurpose::ServerAuth]);
    let b = make("b", &[]);
    let c = make("c", &[]);
    write(d, "a.pem", &a.cert_pem);
    write(
        d,
        "a.json",
        r#"{ "eku_property": ["1.3.6.1.5.5.7.3.2", "serverAuth"], "friendly_name": "VPN 2025" }"#,
    );
    write(d, "b.pem", &b.cert_pem);
    write(d, "b.json", r#"{ "eku_property": null }"#);
    write(d, "c.pem", &c.cert_pem);
    write(
        d,
        "c.json",
        r#"{ "eku_property": [], "friendlyName": "x" }"#,
    );
    let s = load(d);
    let ea = entry(&s, "a.pem");
    assert_eq!(
        ea.eku_property,
        Some(vec![KeyPurpose::ClientAuth, KeyPurpose::ServerAuth])
    );
    assert_eq!(ea.friendly_name.as_deref(), Some("VPN 2025"));
    let eb = entry(&s, "b.pem");
    assert_eq!(eb.eku_property, None);
    assert_eq!(eb.friendly_name, None);
    // A bad file: reported, the entry stays without properties.
    let ec = entry(&s, "c.pem");
    assert_eq!(ec.eku_property, None);
    let p = problem(&s, "c.json");
    assert_eq!(p.code, codes::MALFORMED_PROPERTIES);
    assert!(p.message.contains("unknown field `friendlyName`"), "{p}");
    assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
}

#[cfg(feature = "serde")]
#[test]
fn bad_property_values_name_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let a = make("a", &[]);
    write(dir.path(), "a.pem", &a.cert_pem);
    write(
        dir.path(),
        "a.json",
        r#"{ "eku_property": ["serverAuth", "server auth"] }"#,
    );
    let s = load(dir.path());
    let p = problem(&s, "a.json");
    assert_eq!(p.code, codes::MALFORMED_PROPERTIES);
    assert!(p.message.contains("field `eku_property`, item 2"), "{p}");
    assert!(p.to_string().starts_with("a.json: "), "{p}");
}

#[test]
fn malformed_certificates_do_not_stop_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let a = make("a", &[]);
    write(
        dir.path(),
        "0-bad.pem",
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    );
    write(dir.path(), "1-garbage.der", b"\x00\x01\x02");
    write(dir.path(), "2-empty.crt", b"");
    write(dir.path(), "3-key-only.pem", &a.key_pem);
    write(dir.path(), "4-good.pem", &a.cert_pem);
    let s = load(dir.path());
    assert_eq!(sources(&s), ["4-good.pem"]);
    for n in [
        "0-bad.pem",
        "1-garbage.der",
        "2-empty.crt",
        "3-key-only.pem",
    ] {
        assert_eq!(problem(&s, n).code, codes::MALFORMED_CERTIFICATE, "{n}");
    }
}

#[test]
fn orphans_and_other_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = make("a", &[]);
    write(dir.path(), "a.pem", &a.cert_pem);
    write(dir.path(), "lonely.key", &a.key_pem);
    write(dir.path(), "lonely.json", "{}");
    write(dir.path(), "README.md", "hello");
    write(dir.path(), "make-store.sh", "#!/bin/sh");
    write(dir.path(), "a.txt", &a.cert_pem);
    let s = load(dir.path());
    assert_eq!(sources(&s), ["a.pem"]);
    assert_eq!(problem(&s, "lonely.key").code, codes::ORPHAN_KEY);
    assert_eq!(problem(&s, "lonely.json").code, codes::ORPHAN_PROPERTIES);
    assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
}

#[test]
fn oversized_files_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let a = make("a", &[]);
    let big = vec![b'A'; usize::try_from(MAX_FILE_SIZE).unwrap() + 1];
    write(dir.path(), "big.pem", &big);
    write(dir.path(), "a.pem", &a.cert_pem);
    write(dir.path(), "a.key", &big);
    let s = load(dir.path());
    assert_eq!(problem(&s, "big.pem").code, codes::FILE_TOO_LARGE);
    assert_eq!(problem(&s, "a.key").code, codes::FILE_TOO_LARGE);
    assert_eq!(entry(&s, "a.pem").key, KeyState::Absent);

    // A lower limit.
    let s = DirectoryStore::new(dir.path())
        .with_max_file_size(100)
        .load()
        .unwrap();
    assert!(s.entries.is_empty());
    assert_eq!(problem(&s, "a.pem").code, codes::FILE_TOO_LARGE);
}

#[test]
fn unreadable_things() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = make("a", &[]);
    write(d, "a.pem", &a.cert_pem);
    // A directory with a certificate name.
    fs::create_dir(d.join("x.pem")).unwrap();
    // A directory with a key name next to a certificate.
    fs::create_dir(d.join("a.key")).unwrap();
    // A subdirectory: never entered.
    fs::create_dir(d.join("sub")).unwrap();
    write(&d.join("sub"), "inner.pem", &a.cert_pem);
    let s = load(d);
    assert_eq!(sources(&s), ["a.pem"]);
    assert_eq!(problem(&s, "x.pem").code, codes::NOT_A_REGULAR_FILE);
    assert!(problem(&s, "x.pem").message.contains("directory"));
    assert_eq!(problem(&s, "a.key").code, codes::NOT_A_REGULAR_FILE);
    assert_eq!(entry(&s, "a.pem").key, KeyState::Absent);
    assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
}

#[cfg(unix)]
#[test]
fn permission_denied_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let a = make("a", &[]);
    let path = dir.path().join("secret.pem");
    fs::write(&path, &a.cert_pem).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&path).is_ok() {
        println!(
            "NOTICE: running with privileges that ignore file modes (root?): \
             the chmod 000 check is skipped; `unreadable_things` covers unreadable entries"
        );
        return;
    }
    let s = load(dir.path());
    assert!(s.entries.is_empty());
    let p = problem(&s, "secret.pem");
    assert_eq!(p.code, codes::UNREADABLE_FILE);
    assert!(p.message.contains("ermission denied"), "{p}");
}

#[cfg(unix)]
#[cfg(feature = "key-pairing")]
#[test]
fn symbolic_links() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let a = make("a", &[]);
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("real.pem"), &a.cert_pem).unwrap();
    fs::write(outside.path().join("real.key"), &a.key_pem).unwrap();
    symlink(outside.path().join("real.pem"), d.join("link.pem")).unwrap();
    symlink(outside.path().join("real.key"), d.join("link.key")).unwrap();
    symlink(d.join("nowhere.pem"), d.join("dangling.pem")).unwrap();
    symlink(d.join("loop2.pem"), d.join("loop1.pem")).unwrap();
    symlink(d.join("loop1.pem"), d.join("loop2.pem")).unwrap();
    symlink(d, d.join("self.pem")).unwrap();
    symlink(d, d.join("selfdir")).unwrap();
    let s = load(d);
    assert_eq!(sources(&s), ["link.pem"]);
    assert_eq!(entry(&s, "link.pem").key, KeyState::Paired);
    assert_eq!(problem(&s, "dangling.pem").code, codes::UNREADABLE_FILE);
    assert_eq!(problem(&s, "loop1.pem").code, codes::UNREADABLE_FILE);
    assert_eq!(problem(&s, "self.pem").code, codes::NOT_A_REGULAR_FILE);
    assert_eq!(s.problems.len(), 4, "{:?}", s.problems);
}

#[cfg(unix)]
#[test]
fn a_fifo_is_never_opened() {
    let dir = tempfile::tempdir().unwrap();
    let ok = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe.pem"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        println!("NOTICE: mkfifo not available; FIFO check skipped");
        return;
    }
    let s = load(dir.path());
    assert_eq!(problem(&s, "pipe.pem").code, codes::NOT_A_REGULAR_FILE);
    assert!(problem(&s, "pipe.pem").message.contains("FIFO"));
}

#[test]
fn missing_or_non_directory_store_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir");
    let err = DirectoryStore::new(&missing).load().unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("no-such-dir") && msg.contains("os error"),
        "{msg}"
    );

    let file = dir.path().join("file.pem");
    fs::write(&file, "x").unwrap();
    assert!(matches!(
        DirectoryStore::new(&file).load(),
        Err(StoreError::Open { .. })
    ));
}

#[test]
fn too_many_entries() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..4 {
        write(dir.path(), &format!("{i}.txt"), "x");
    }
    let store = DirectoryStore::new(dir.path()).with_max_entries(3);
    match store.load() {
        Err(StoreError::TooManyEntries { max, .. }) => assert_eq!(max, 3),
        other => panic!("{other:?}"),
    }
    assert!(
        DirectoryStore::new(dir.path())
            .with_max_entries(4)
            .load()
            .is_ok()
    );
}

#[test]
fn describe_and_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = DirectoryStore::new(dir.path());
    assert_eq!(store.describe(), dir.path().display().to_string());
    assert_eq!(store.load().unwrap(), StoreSnapshot::default());
}

#[cfg(all(feature = "key-pairing", feature = "serde"))]
#[test]
fn the_committed_sample_store_loads_as_documented() {
    use sstp_cert::model::eku::{Purpose, effective_eku};
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store");
    let s = load(&dir);
    assert!(s.problems.is_empty(), "{:?}", s.problems);
    let expected = [
        (
            "01-all-purpose-any-eku.pem",
            KeyState::Paired,
            Purpose::AllPurpose,
        ),
        (
            "02-all-purpose-no-eku.cer",
            KeyState::Paired,
            Purpose::AllPurpose,
        ),
        (
            "03-client-auth-only.pem",
            KeyState::Paired,
            Purpose::NotForServer,
        ),
        (
            "04-server-auth-no-key.pem",
            KeyState::Absent,
            Purpose::ServerAuth,
        ),
        (
            "05-server-auth-expired.pem",
            KeyState::Paired,
            Purpose::ServerAuth,
        ),
        (
            "06-server-auth-property-client-only.pem",
            KeyState::Paired,
            Purpose::NotForServer,
        ),
        (
            "07-server-auth-vpn.pem",
            KeyState::Paired,
            Purpose::ServerAuth,
        ),
    ];
    assert_eq!(
        sources(&s),
        expected.iter().map(|(n, _, _)| *n).collect::<Vec<_>>()
    );
    let purpose = |e: &sstp_cert::model::store::StoreEntry| {
        effective_eku(e.certificate.eku().purposes(), e.eku_property.as_deref()).purpose()
    };
    for (e, (name, key, p)) in s.entries.iter().zip(expected) {
        assert_eq!(e.key, key, "{name}");
        assert_eq!(purpose(e), p, "{name}");
    }
    assert_eq!(
        entry(&s, "06-server-auth-property-client-only.pem").eku_property,
        Some(vec![KeyPurpose::ClientAuth])
    );
    assert_eq!(
        entry(&s, "07-server-auth-vpn.pem").friendly_name.as_deref(),
        Some("SSTP VPN (vpn.example.com)")
    );
    // behaviour §3 by hand: the first Server Authentication entry with a key wins.
    let eligible = |p: Purpose| {
        s.entries
            .iter()
            .find(|e| e.key.counts_as_key() && purpose(e) == p)
    };
    let chosen = eligible(Purpose::ServerAuth)
        .or_else(|| eligible(Purpose::AllPurpose))
        .unwrap();
    assert_eq!(chosen.source, "05-server-auth-expired.pem");
    let v = chosen.certificate.validity();
    assert!(v.not_after < time::macros::datetime!(2021-01-01 0:00 UTC));
}
