//! Key export and the rustls adapter: the chosen certificate, its key, a
//! `CertifiedKey`, and the re-selectable resolver.
#![cfg(feature = "rustls")]

mod embed_support;

use std::path::Path;

use embed_support::{TestCa, write_entry};
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::key_export::KeyExportError;
use sstp_cert::adapters::tls::{
    ResolverOptions, SstpCertResolver, TlsError, TlsSelection, certificate_der, default_provider,
};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::choice::{ChoiceOptions, choose};
use sstp_cert::model::crypto_binding::{
    CallConnected, HashProtocol, HashProtocols, Hlak, certificate_hash_field,
};
use sstp_cert::model::key::PrivateKey;
use sstp_cert::model::store::{CertStore, KeyState, MemoryStore, StoreEntry};

fn sample_store() -> DirectoryStore {
    DirectoryStore::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/store"))
}

#[test]
fn sample_store_selection_is_ready_for_rustls() {
    let store = sample_store();
    let selection = TlsSelection::from_store(&store, &ChoiceOptions::windows()).unwrap();
    // the model's choice: the expired Server Authentication certificate 05,
    // whose PKCS#1 key sits in the same PEM file
    let snapshot = store.load().unwrap();
    let choice = choose(&snapshot.entries, &ChoiceOptions::windows());
    let chosen = choice.selected.unwrap();
    assert_eq!(selection.served.source, "05-server-auth-expired.pem");
    assert_eq!(selection.served.sha1, chosen.sha1);
    assert_eq!(selection.served.sha256, chosen.sha256);
    assert_eq!(
        Certificate::from_der(selection.certificate().to_vec())
            .unwrap()
            .sha1(),
        chosen.sha1
    );
    assert!(matches!(
        selection.private_key(),
        rustls::pki_types::PrivateKeyDer::Pkcs1(_)
    ));
    let ck = selection.certified_key(&default_provider()).unwrap();
    assert_eq!(ck.cert.len(), 1);
    assert_eq!(ck.cert[0], *selection.certificate());
    assert!(ck.keys_match().is_ok());
}

/// Compiles only for types that wipe their bytes when dropped.
fn wiped_when_dropped<T: zeroize::ZeroizeOnDrop>(_: &T) {}

/// The key a selection holds, and the one `into_parts` gives out, wipe
/// themselves; `into_certified_key` moves the key into rustls.
#[test]
fn selected_keys_are_wiped_when_dropped() {
    let store = sample_store();
    let selection = TlsSelection::from_store(&store, &ChoiceOptions::windows()).unwrap();
    let source = selection.served.source.clone();
    let (certified, served, _, _) = selection.into_certified_key(&default_provider()).unwrap();
    assert!(certified.keys_match().is_ok());
    assert_eq!(served.source, source);
    let selection = TlsSelection::from_store(&store, &ChoiceOptions::windows()).unwrap();
    assert!(!format!("{selection:?}").contains("secret"));
    let (_chain, key) = selection.into_parts();
    wiped_when_dropped(&key);
}

#[test]
fn every_sample_key_form_is_exported_and_pairs() {
    let store = sample_store();
    let snapshot = store.load().unwrap();
    let mut exported = Vec::new();
    for entry in &snapshot.entries {
        match store.private_key_der(entry) {
            Ok(der) => {
                assert_eq!(entry.key, KeyState::Paired, "{}", entry.source);
                let key = PrivateKey::from_der(der.secret_der()).unwrap();
                assert!(key.matches(&entry.certificate), "{}", entry.source);
                wiped_when_dropped(&der);
                assert!(!format!("{der:?}").contains(&format!("{:?}", der.secret_der())));
                let form = match *der {
                    rustls::pki_types::PrivateKeyDer::Pkcs8(_) => "pkcs8",
                    rustls::pki_types::PrivateKeyDer::Pkcs1(_) => "pkcs1",
                    rustls::pki_types::PrivateKeyDer::Sec1(_) => "sec1",
                    _ => "other",
                };
                exported.push(format!("{}:{form}", entry.source));
            }
            Err(KeyExportError::NoKey { entry: e, .. }) => {
                assert_eq!(entry.key, KeyState::Absent, "{e}");
                exported.push(format!("{}:none", entry.source));
            }
            Err(e) => panic!("{}: {e}", entry.source),
        }
    }
    assert_eq!(
        exported,
        [
            "01-all-purpose-any-eku.pem:pkcs8", // sibling PEM
            "02-all-purpose-no-eku.cer:pkcs1",  // sibling DER (RSAPrivateKey)
            "03-client-auth-only.pem:pkcs8",
            "04-server-auth-no-key.pem:none",
            "05-server-auth-expired.pem:pkcs1", // in the same PEM file
            "06-server-auth-property-client-only.pem:sec1",
            "07-server-auth-vpn.pem:pkcs8",
        ]
    );
}

#[test]
fn chain_in_the_pem_file_is_served_after_the_leaf() {
    let ca = TestCa::new("Chain CA");
    let leaf = ca.leaf("vpn.test.example", &["vpn.test.example"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpn.pem"),
        format!("{}{}{}", leaf.cert_pem, ca.pem(), leaf.key_pem),
    )
    .unwrap();
    let sel = TlsSelection::from_store(&DirectoryStore::new(dir.path()), &ChoiceOptions::windows())
        .unwrap();
    assert_eq!(sel.chain().len(), 2);
    assert_eq!(sel.chain()[0].as_ref(), &leaf.der[..]);
    assert_eq!(sel.chain()[1].as_ref(), &ca.der()[..]);
    let (chain, key) = sel.into_parts();
    assert_eq!(chain.len(), 2);
    assert!(!key.secret_der().is_empty());
}

#[test]
fn a_store_without_exportable_keys_is_a_clear_error() {
    let ca = TestCa::new("Mem CA");
    let leaf = ca.leaf("vpn.test.example", &["vpn.test.example"]);
    let mut store = MemoryStore::new("LocalMachine\\MY (memory)");
    store.push(StoreEntry::new(
        Certificate::from_der(leaf.der.clone()).unwrap(),
        KeyState::Linked,
        "vpn",
    ));
    let err = TlsSelection::from_store(&store, &ChoiceOptions::windows()).unwrap_err();
    assert!(
        matches!(
            &err,
            TlsError::KeyExport { error, .. }
                if matches!(**error, KeyExportError::NotExportable { .. })
        ),
        "{err}"
    );
    let text = err.to_string();
    assert!(text.contains("cannot export private keys"), "{text}");
    assert!(text.contains("vpn"), "{text}");
}

#[test]
fn nothing_eligible_is_event_11() {
    let ca = TestCa::new("Empty CA");
    let dir = tempfile::tempdir().unwrap();
    // a certificate without its key: ineligible
    let leaf = ca.leaf("vpn.test.example", &["vpn.test.example"]);
    std::fs::write(dir.path().join("vpn.pem"), &leaf.cert_pem).unwrap();
    let err = SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())
        .unwrap_err();
    match &err {
        TlsError::NoEligibleCertificate { event, .. } => assert_eq!(event.id.number(), 11),
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("Event 11"), "{err}");
}

#[test]
fn key_export_refuses_changed_forged_and_ambiguous_entries() {
    let ca = TestCa::new("Export CA");
    let a = ca.leaf("a.test.example", &["a.test.example"]);
    let b = ca.leaf("b.test.example", &["b.test.example"]);
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "a", &a);
    let store = DirectoryStore::new(dir.path());
    let entry = store.load().unwrap().entries.remove(0);
    assert!(store.private_key_der(&entry).is_ok());

    // the key file now holds another key
    std::fs::write(dir.path().join("a.key"), &b.key_pem).unwrap();
    let e = store.private_key_der(&entry).unwrap_err();
    assert!(matches!(e, KeyExportError::Mismatched { .. }), "{e}");
    assert!(e.to_string().contains("a.key"), "{e}");

    // two sibling key files (only where file names are case-sensitive: on
    // Windows `a.KEY` is `a.key`)
    std::fs::write(dir.path().join("a.key"), &a.key_pem).unwrap();
    std::fs::write(dir.path().join("a.KEY"), &a.key_pem).unwrap();
    if std::fs::read_dir(dir.path()).unwrap().count() == 3 {
        let e = store.private_key_der(&entry).unwrap_err();
        match &e {
            KeyExportError::AmbiguousKeyFiles { files, .. } => {
                assert_eq!(files, &["a.KEY", "a.key"])
            }
            other => panic!("{other}"),
        }
        std::fs::remove_file(dir.path().join("a.KEY")).unwrap();
    }

    // the certificate file now holds another certificate
    std::fs::write(dir.path().join("a.pem"), &b.cert_pem).unwrap();
    let e = store.private_key_der(&entry).unwrap_err();
    assert!(matches!(e, KeyExportError::EntryChanged { .. }), "{e}");
    std::fs::write(dir.path().join("a.pem"), &a.cert_pem).unwrap();

    // a forged source cannot reach files outside the directory
    let mut forged = entry.clone();
    forged.source = "../a.pem".into();
    let e = store.private_key_der(&forged).unwrap_err();
    assert!(matches!(e, KeyExportError::EntryNotFound { .. }), "{e}");
    forged.source = "a.key".into();
    assert!(matches!(
        store.private_key_der(&forged),
        Err(KeyExportError::EntryNotFound { .. })
    ));
    forged.source = "gone.pem".into();
    assert!(matches!(
        store.private_key_der(&forged),
        Err(KeyExportError::EntryNotFound { .. })
    ));

    // the read is bounded
    let small = DirectoryStore::new(dir.path()).with_max_file_size(64);
    let e = small.private_key_der(&entry).unwrap_err();
    match &e {
        KeyExportError::Unreadable { code, .. } => assert_eq!(code, "file-too-large"),
        other => panic!("{other}"),
    }

    // an encrypted key block in the PEM file
    std::fs::write(
        dir.path().join("a.pem"),
        format!(
            "{}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            a.cert_pem
        ),
    )
    .unwrap();
    let e = store.private_key_der(&entry).unwrap_err();
    assert!(e.to_string().contains("encrypted"), "{e}");
}

#[test]
fn resolver_reselects_and_keeps_serving_on_failure() {
    let ca = TestCa::new("Resolver CA");
    let old = ca.leaf("old.test.example", &["old.test.example"]);
    let new = ca.leaf("new.test.example", &["new.test.example"]);
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "20-old", &old);
    let resolver =
        SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default()).unwrap();
    let first = resolver.served();
    assert_eq!(first.source, "20-old.pem");
    assert_eq!(first.generation, 1);
    assert_eq!(first.certificate.der(), &old.der[..]);

    // nothing changed
    let r = resolver.reselect().unwrap();
    assert!(!r.changed);
    assert_eq!(r.current.generation, 2);

    // a new certificate earlier in store order wins
    write_entry(dir.path(), "10-new", &new);
    let r = resolver.reselect().unwrap();
    assert!(r.changed);
    assert_eq!(r.previous.source, "20-old.pem");
    assert_eq!(r.current.source, "10-new.pem");
    assert_eq!(
        resolver.served().sha1,
        Certificate::from_der(new.der.clone()).unwrap().sha1()
    );
    assert_eq!(
        resolver.current().certified_key().cert[0],
        certificate_der(&Certificate::from_der(new.der.clone()).unwrap())
    );

    // the store loses every key: the reselection fails, the certificate in
    // service stays
    std::fs::remove_file(dir.path().join("10-new.key")).unwrap();
    std::fs::remove_file(dir.path().join("20-old.key")).unwrap();
    let e = resolver.reselect().unwrap_err();
    assert!(matches!(e, TlsError::NoEligibleCertificate { .. }), "{e}");
    assert_eq!(resolver.served().source, "10-new.pem");
    assert_eq!(resolver.served().generation, 3);
}

#[test]
fn crypto_binding_values_check_a_real_call_connected() {
    let ca = TestCa::new("Binding CA");
    let leaf = ca.leaf("vpn.test.example", &["vpn.test.example"]);
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &leaf);
    let resolver =
        SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default()).unwrap();
    let values = resolver.served().crypto_binding(HashProtocols::SHA256);
    assert_eq!(
        values.certificate_hash_field(HashProtocol::Sha256),
        Some(certificate_hash_field(&leaf.der, HashProtocol::Sha256))
    );
    let nonce = [0x5a; 32];
    let hlak = Hlak::from_bytes([1; 32]);
    // what a client that received this certificate sends
    let msg = CallConnected::new(
        HashProtocol::Sha256,
        nonce,
        certificate_hash_field(&leaf.der, HashProtocol::Sha256),
    )
    .signed(&hlak)
    .encode();
    assert_eq!(
        values.server_binding(nonce).verify(&msg, &hlak),
        Ok(HashProtocol::Sha256)
    );
    // a SHA-1 message is refused: SHA-1 not offered
    let sha1 = CallConnected::new(
        HashProtocol::Sha1,
        nonce,
        certificate_hash_field(&leaf.der, HashProtocol::Sha1),
    )
    .signed(&hlak)
    .encode();
    assert!(values.server_binding(nonce).verify(&sha1, &hlak).is_err());
    let both = resolver.served().crypto_binding(HashProtocols::BOTH);
    assert_eq!(
        both.server_binding(nonce).verify(&sha1, &hlak),
        Ok(HashProtocol::Sha1)
    );
}
