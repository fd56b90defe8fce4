//! The directory store and the private keys it holds: permissions of key
//! files, keys wiped when dropped.
// Its keys are EC keys: pairing them needs `key-pairing`.
#![cfg(all(unix, feature = "key-pairing"))]

use sstp_cert::adapters::dir_store::{DirectoryStore, codes};
#[cfg(feature = "rustls")]
use sstp_cert::adapters::tls::TlsSelection;
#[cfg(feature = "rustls")]
use sstp_cert::model::choice::ChoiceOptions;
use sstp_cert::model::store::{CertStore, KeyState};

fn wiped_when_dropped<T: zeroize::ZeroizeOnDrop>(_: &T) {}

/// A key file readable by group or others is a warning, not a failure:
/// the key is still paired and exported.
#[cfg(feature = "key-pairing")]
#[test]
fn key_files_readable_by_others_are_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let set = |p: &std::path::Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let a = rcgen::generate_simple_self_signed(vec!["a.example.com".into()]).unwrap();
    let b = rcgen::generate_simple_self_signed(vec!["b.example.com".into()]).unwrap();
    let c = rcgen::generate_simple_self_signed(vec!["c.example.com".into()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // a: sibling key readable by everyone; b: key inside the PEM file,
    // readable by the group; c: key only for its owner
    std::fs::write(d.join("a.pem"), a.cert.pem()).unwrap();
    std::fs::write(d.join("a.key"), a.signing_key.serialize_pem()).unwrap();
    set(&d.join("a.pem"), 0o644);
    set(&d.join("a.key"), 0o644);
    std::fs::write(
        d.join("b.pem"),
        b.cert.pem() + &b.signing_key.serialize_pem(),
    )
    .unwrap();
    set(&d.join("b.pem"), 0o640);
    std::fs::write(d.join("c.pem"), c.cert.pem()).unwrap();
    std::fs::write(d.join("c.key"), c.signing_key.serialize_pem()).unwrap();
    set(&d.join("c.pem"), 0o644); // a certificate alone may be public
    set(&d.join("c.key"), 0o600);

    let store = DirectoryStore::new(d);
    let snapshot = store.load().unwrap();
    // loading needs no key bytes and does not look at permissions
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    let mut warned = Vec::new();
    for e in &snapshot.entries {
        assert_eq!(e.key, KeyState::Paired);
        // still exported
        let (key, warnings) = store.export_key(e).unwrap();
        wiped_when_dropped(&key);
        warned.extend(warnings.iter().map(|p| {
            assert_eq!(p.code, codes::KEY_READABLE_BY_OTHERS);
            format!("{}: {}", p.source, p.message)
        }));
    }
    assert_eq!(warned.len(), 2, "{warned:?}");
    assert!(
        warned[0].starts_with(
            "a.key: holds a private key but is readable by group and others (mode 0644)"
        ),
        "{warned:?}"
    );
    assert!(warned[0].contains("chmod 600"), "{warned:?}");
    assert!(
        warned[1]
            .starts_with("b.pem: holds a private key but is readable by its group (mode 0640)"),
        "{warned:?}"
    );

    // the TLS selection carries the warning with the store's problems
    #[cfg(feature = "rustls")]
    selection_carries_the_warning(d, set);
}

#[cfg(feature = "rustls")]
fn selection_carries_the_warning(d: &std::path::Path, set: impl Fn(&std::path::Path, u32)) {
    let only_a = tempfile::tempdir().unwrap();
    std::fs::copy(d.join("a.pem"), only_a.path().join("a.pem")).unwrap();
    std::fs::copy(d.join("a.key"), only_a.path().join("a.key")).unwrap();
    set(&only_a.path().join("a.key"), 0o604);
    let selection = TlsSelection::from_store(
        &DirectoryStore::new(only_a.path()),
        &ChoiceOptions::windows(),
    )
    .unwrap();
    let codes: Vec<&str> = selection.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, [codes::KEY_READABLE_BY_OTHERS]);
    assert!(
        selection.problems[0]
            .message
            .contains("readable by others (mode 0604)")
    );
}
