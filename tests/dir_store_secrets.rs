//! The directory store and the private keys it holds: permissions of key
//! files, keys wiped when dropped.

use sstp_cert::adapters::dir_store::{DirectoryStore, codes};
use sstp_cert::model::store::{CertStore, KeyState};

fn wiped_when_dropped<T: zeroize::ZeroizeOnDrop>(_: &T) {}

fn problems_with(code: &str, snapshot: &sstp_cert::model::store::StoreSnapshot) -> Vec<String> {
    snapshot
        .problems
        .iter()
        .filter(|p| p.code == code)
        .map(|p| format!("{}: {}", p.source, p.message))
        .collect()
}

/// A key file readable by group or others is a warning, not a failure:
/// the key is still paired and exported.
#[cfg(unix)]
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
    let warned = problems_with(codes::KEY_READABLE_BY_OTHERS, &snapshot);
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
    // still used
    assert!(snapshot.entries.iter().all(|e| e.key == KeyState::Paired));
    for e in &snapshot.entries {
        let key = store.private_key_der(e).unwrap();
        wiped_when_dropped(&key);
    }
}
