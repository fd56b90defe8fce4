//! Pasted thumbprint text (`thumbprint::parse_hash`): never panics; a
//! parsed hash prints (lowercase, uppercase, spaced pairs) and parses back
//! to itself, with nothing removed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::thumbprint::{CertHash, MAX_HASH_TEXT_LEN, parse_hash};

fuzz_target!(|text: &str| {
    let Ok(p) = parse_hash(text) else { return };
    assert!(text.len() <= MAX_HASH_TEXT_LEN);
    let (lower, upper, spaced) = match p.hash {
        CertHash::Sha1(h) => (h.to_string(), h.to_uppercase_hex(), h.to_spaced_hex()),
        CertHash::Sha256(h) => (h.to_string(), h.to_uppercase_hex(), h.to_spaced_hex()),
        other => panic!("parse_hash returned a kind of hash this target does not know: {other:?}"),
    };
    assert!(lower.len() == 40 || lower.len() == 64);
    for form in [lower, upper, spaced] {
        let again = parse_hash(&form).expect("a printed hash parses");
        assert_eq!(again.hash, p.hash, "{form}");
        assert!(again.removed.is_empty());
    }
    // Every removed character is reported at a real position.
    let chars = text.chars().count();
    for r in &p.removed {
        assert!(r.position >= 1 && r.position <= chars);
        assert_eq!(text.chars().nth(r.position - 1), Some(r.ch));
    }
});
