//! SSTP crypto binding messages: the Call Connected message
//! (`crypto_binding::CallConnected::parse` and `ServerBinding::verify`) and
//! the Crypto Binding Request (`CryptoBindingRequest::parse` of the Call
//! Connect Acknowledge message and `parse_attribute` of the attribute alone):
//! never panic; a parsed message encodes and parses back to itself, with its
//! fields where the input has them; verification accepts only what parses
//! and whose MAC is right.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::crypto_binding::{
    CALL_CONNECT_ACK_LEN, CALL_CONNECTED_LEN, CRYPTO_BINDING_REQUEST_LEN, CallConnected,
    CryptoBindingRequest, HashProtocols, Hlak, ServerBinding,
};
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = CryptoBindingRequest::parse(data) {
        assert_eq!(data.len(), CALL_CONNECT_ACK_LEN);
        let bytes = r.encode();
        assert_eq!(CryptoBindingRequest::parse(&bytes), Ok(r));
        assert_eq!(bytes[15], data[15]);
        assert_eq!(&bytes[16..48], &data[16..48]);
        assert_eq!(r.protocols.bits() & !0x03, 0);
    }
    if let Ok(r) = CryptoBindingRequest::parse_attribute(data) {
        assert_eq!(data.len(), CRYPTO_BINDING_REQUEST_LEN);
        assert_eq!(
            CryptoBindingRequest::parse_attribute(&r.encode_attribute()),
            Ok(r)
        );
        assert_eq!(&r.nonce[..], &data[8..40]);
    }
    for e in [
        CryptoBindingRequest::parse(data).err(),
        CryptoBindingRequest::parse_attribute(data).err(),
    ]
    .into_iter()
    .flatten()
    {
        let _ = e.to_string();
    }
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
        offered: HashProtocols::BOTH,
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
