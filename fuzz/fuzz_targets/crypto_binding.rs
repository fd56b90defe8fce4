//! SSTP Call Connected messages (`crypto_binding::CallConnected::parse`
//! and `ServerBinding::verify`): never panic; a parsed message encodes and
//! parses back to itself; verification accepts only what parses and whose
//! MAC is right.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::crypto_binding::{
    CALL_CONNECTED_LEN, CallConnected, HashProtocolBitmask, Hlak, ServerBinding,
};
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};

fuzz_target!(|data: &[u8]| {
    let parsed = CallConnected::parse(data);
    if let Ok(m) = &parsed {
        assert_eq!(data.len(), CALL_CONNECTED_LEN);
        let bytes = m.encode();
        assert_eq!(CallConnected::parse(&bytes).as_ref(), Ok(m));
        // The fields are where the message has them.
        assert_eq!(&bytes[16..48], &data[16..48]);
        assert_eq!(&bytes[48..80], &data[48..80]);
        assert_eq!(&bytes[80..112], &data[80..112]);
    }
    let hlak = Hlak::from_bytes([0x5a; 32]);
    let nonce: [u8; 32] = data
        .get(16..48)
        .and_then(|n| n.try_into().ok())
        .unwrap_or([0; 32]);
    let server = ServerBinding {
        offered: HashProtocolBitmask::BOTH,
        nonce,
        sha256: Some(Sha256Hash::of_der(b"cert")),
        sha1: Some(Sha1Thumbprint::of_der(b"cert")),
    };
    match server.verify(data, &hlak) {
        Ok(protocol) => {
            let m = parsed.expect("verified messages parse");
            assert_eq!(m.protocol, protocol);
            assert_eq!(m.compute_mac(&hlak), m.compound_mac);
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
});
