//! One directory-store entry: a certificate file, an optional sibling key
//! file and an optional properties file, assembled with
//! `dir_store::assemble_entry` (the function the directory store runs on
//! every entry after reading its files). See
//! `sstp_cert_fuzz::split_entry_input` for how the input is framed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::adapters::dir_store::{EntryFile, EntryProperties, assemble_entry, codes};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::key::PrivateKey;
use sstp_cert::model::store::KeyState;
use sstp_cert_fuzz::split_entry_input;

const CERT: &str = "entry.pem";
const KEY: &str = "entry.key";
const PROPS: &str = "entry.json";

const KNOWN_CODES: [&str; 8] = [
    codes::MALFORMED_CERTIFICATE,
    codes::MALFORMED_KEY,
    codes::ENCRYPTED_KEY,
    codes::UNSUPPORTED_KEY,
    codes::AMBIGUOUS_KEY,
    codes::MALFORMED_PROPERTIES,
    codes::AMBIGUOUS_KEY_FILES,
    codes::AMBIGUOUS_PROPERTIES_FILES,
];

fuzz_target!(|data: &[u8]| {
    let (cert, key, props) = split_entry_input(data);
    let made = assemble_entry(
        EntryFile::new(CERT, cert),
        key.map(|k| EntryFile::new(KEY, k)),
        props.map(|p| EntryFile::new(PROPS, p)),
    );
    for p in &made.problems {
        assert!(KNOWN_CODES.contains(&p.code.as_str()), "{p:?}");
        assert!([CERT, KEY, PROPS].contains(&p.source.as_str()), "{p:?}");
        assert!(!p.message.is_empty());
    }
    let Some(entry) = made.entry else {
        // No entry: the certificate file is reported as such, nothing else.
        assert!(Certificate::from_pem_or_der(cert).is_err());
        assert_eq!(made.problems.len(), 1, "{:?}", made.problems);
        assert_eq!(made.problems[0].source, CERT);
        assert_eq!(made.problems[0].code, codes::MALFORMED_CERTIFICATE);
        return;
    };
    assert_eq!(entry.source, CERT);
    let certs = Certificate::from_pem_or_der(cert).expect("the entry's certificate parses");
    assert_eq!(entry.certificate, certs[0]);
    // A file store knows paired, mismatched or absent; never "linked".
    assert_ne!(entry.key, KeyState::Linked);
    if entry.key == KeyState::Paired {
        let in_file = PrivateKey::find_in_pem(cert).ok().flatten();
        let sibling = key.and_then(|k| PrivateKey::from_pem_or_der(k).ok());
        assert!(
            in_file
                .or(sibling)
                .is_some_and(|k| k.matches(&entry.certificate)),
            "paired without a matching key"
        );
    }
    // Properties: applied exactly when the file parses, else reported.
    match props.map(EntryProperties::from_json) {
        Some(Ok(p)) => {
            assert_eq!(entry.eku_property, p.eku_property);
            assert_eq!(entry.friendly_name, p.friendly_name);
        }
        Some(Err(_)) => {
            assert!(
                made.problems
                    .iter()
                    .any(|p| p.source == PROPS && p.code == codes::MALFORMED_PROPERTIES)
            );
            assert_eq!(entry.eku_property, None);
        }
        None => assert_eq!(entry.eku_property, None),
    }
});
