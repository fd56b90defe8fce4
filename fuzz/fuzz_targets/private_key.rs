//! Private key files (`PrivateKey::from_pem_or_der`, `find_in_pem`,
//! `from_der`) and public keys (`PublicKeyValue::from_spki_der`): never
//! panic, and agree with each other.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::key::{KeyLocation, PrivateKey, PublicKeyValue, pair};
use sstp_cert::model::store::KeyState;
use sstp_cert_fuzz::pool;

fuzz_target!(|data: &[u8]| {
    let any = PrivateKey::from_pem_or_der(data);
    let der = PrivateKey::from_der(data);
    let in_pem = PrivateKey::find_in_pem(data);

    if let Ok(k) = &der {
        let KeyLocation::Der { format: Some(f) } = k.location() else {
            panic!("a DER key has a DER location: {:?}", k.location());
        };
        assert_eq!(*f, k.format());
    }
    if let Ok(k) = &any {
        // The derived public key is a usable value of a supported algorithm.
        let _ = k.algorithm();
        match k.location() {
            KeyLocation::Der { .. } => assert_eq!(der.as_ref(), Ok(k)),
            KeyLocation::PemBlock { .. } => assert_eq!(in_pem.as_ref(), Ok(&Some(k.clone()))),
            other => panic!("a private key found at {other:?}"),
        }
    }
    if let Ok(Some(k)) = &in_pem
        && let Ok(other) = &any
    {
        assert_eq!(k, other, "find_in_pem and from_pem_or_der disagree");
    }

    // Pairing with real certificates never panics and is symmetric in
    // what it reports.
    if let Ok(k) = &any {
        for (_, cert, _) in pool::ENTRIES {
            if let Ok(certs) = Certificate::from_pem_or_der(cert) {
                let state = pair(&certs[0], k);
                assert!(matches!(state, KeyState::Paired | KeyState::Mismatched));
                assert_eq!(state == KeyState::Paired, k.matches(&certs[0]));
            }
        }
    }
    // The same bytes as a SubjectPublicKeyInfo.
    if let Ok(v) = PublicKeyValue::from_spki_der(data) {
        let _ = v.algorithm();
        let _ = format!("{v:?}");
    }
});
