//! Pasted thumbprint text: never panics; a parsed hash prints and parses
//! back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::thumbprint::{CertHash, parse_hash};

fuzz_target!(|text: &str| {
    if let Ok(p) = parse_hash(text) {
        let again = parse_hash(&p.hash.to_string()).expect("display parses");
        assert_eq!(again.hash, p.hash);
        assert!(again.removed.is_empty());
        match p.hash {
            CertHash::Sha1(h) => assert_eq!(h.to_string().len(), 40),
            CertHash::Sha256(h) => assert_eq!(h.to_string().len(), 64),
        }
    }
});
