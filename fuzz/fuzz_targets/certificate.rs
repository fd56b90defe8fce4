//! Certificate parsing from DER or PEM: never panics; a parsed certificate's
//! hashes are those of its DER.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};

fuzz_target!(|data: &[u8]| {
    if let Ok(certs) = Certificate::from_pem_or_der(data) {
        for c in certs {
            assert_eq!(c.sha1(), Sha1Thumbprint::of_der(c.der()));
            assert_eq!(c.sha256(), Sha256Hash::of_der(c.der()));
            let _ = c.names();
            let _ = c.spki_der();
        }
    }
});
