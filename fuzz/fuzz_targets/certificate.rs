//! Certificate parsing from DER or PEM (`Certificate::from_der`,
//! `Certificate::from_pem_or_der`): never panics, and a parsed certificate
//! is exactly its DER — its hashes are those of its DER, parsing its DER
//! again gives the same certificate, and DER input is read as DER.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::certificate::{Certificate, MAX_CERTIFICATE_DER_LEN};
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
use sstp_cert::model::warning::warnings_for;

fn check(c: &Certificate) {
    assert!(!c.der().is_empty() && c.der().len() <= MAX_CERTIFICATE_DER_LEN);
    assert_eq!(c.sha1(), Sha1Thumbprint::of_der(c.der()));
    assert_eq!(c.sha256(), Sha256Hash::of_der(c.der()));
    let again = Certificate::from_der(c.der().to_vec()).expect("a parsed certificate's DER parses");
    assert_eq!(&again, c);
    assert_eq!(again.names(), c.names());
    assert_eq!(again.eku(), c.eku());
    // The SubjectPublicKeyInfo is a part of the DER.
    let spki = c.spki_der();
    assert!(!spki.is_empty(), "a parsed certificate has a public key");
    assert!(c.der().windows(spki.len()).any(|w| w == spki));
    let _ = warnings_for(c, None);
    let _ = c.serial_hex();
    let v = c.validity();
    let _ = warnings_for(c, Some(v.not_before));
}

fuzz_target!(|data: &[u8]| {
    let der = Certificate::from_der(data.to_vec());
    if let Ok(c) = &der {
        check(c);
        assert_eq!(c.der(), data);
        // DER input is read as that one certificate, whatever it contains.
        assert_eq!(
            Certificate::from_pem_or_der(data).as_deref(),
            Ok(std::slice::from_ref(c)),
            "DER input read otherwise by from_pem_or_der"
        );
    }
    if let Ok(certs) = Certificate::from_pem_or_der(data) {
        assert!(!certs.is_empty());
        for c in &certs {
            check(c);
        }
    }
});
