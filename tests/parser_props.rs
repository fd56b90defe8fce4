//! Property tests for the parsers the other property tests do not cover
//! (certificates, entry assembly and properties files, Call Connected
//! messages, administrator scripts) and for the edges of the `netsh`
//! renderer the fuzzers found. The netsh, registry, host-name, thumbprint
//! and key parsers have theirs next to their other tests.
// Some helpers serve only the tests that need `serde` and `key-pairing`.
#![cfg_attr(
    not(all(feature = "serde", feature = "key-pairing")),
    allow(unused_imports, dead_code)
)]

use proptest::prelude::*;
use sstp_cert::adapters::dir_store::{EntryFile, EntryProperties, assemble_entry};
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::crypto_binding::{CALL_CONNECTED_LEN, CallConnected, HashProtocol};
use sstp_cert::model::eku::KeyPurpose;
use sstp_cert::model::httpsys::{
    AppId, Endpoint, Field, FieldValue, Label, ShowStyle, SslBinding, parse_sslcert_show,
    render_show,
};
use sstp_cert::model::plan::PlanStep;
use sstp_cert::model::registry::{RegValue, RegistryWrite};
use sstp_cert::model::script::{ScriptStep, parse_line, parse_script};
use sstp_cert::model::store::KeyState;
use sstp_cert::model::thumbprint::Sha1Thumbprint;

const SAMPLE_PEM: &[u8] = include_bytes!("../examples/store/07-server-auth-vpn.pem");
const SAMPLE_KEY: &[u8] = include_bytes!("../examples/store/07-server-auth-vpn.key");

fn sample_der() -> Vec<u8> {
    Certificate::from_pem_or_der(SAMPLE_PEM).expect("sample")[0]
        .der()
        .to_vec()
}

/// A damaged copy of `bytes`: one byte changed, a range removed, or bytes
/// inserted.
fn damaged(bytes: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = bytes.len();
    (0..len, any::<u8>(), 0usize..3, 1usize..64).prop_map(move |(at, b, how, n)| {
        let mut v = bytes.clone();
        match how {
            0 => v[at] = b,
            1 => {
                v.drain(at..(at + n).min(len));
            }
            _ => {
                for _ in 0..n {
                    v.insert(at, b);
                }
            }
        }
        v
    })
}

fn purpose() -> impl Strategy<Value = KeyPurpose> {
    prop_oneof![
        Just(KeyPurpose::ServerAuth),
        Just(KeyPurpose::ClientAuth),
        Just(KeyPurpose::Any),
        "[1-2](\\.[0-9]{1,5}){1,6}".prop_map(|s| KeyPurpose::from_oid(&s)),
    ]
}

/// A label a parse can produce, including the odd ones the `netsh_show`
/// fuzz target found: empty, or ending with a colon.
fn odd_label() -> impl Strategy<Value = String> {
    "[:a-zA-Z0-9._-]{0,6}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn certificate_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(certs) = Certificate::from_pem_or_der(&bytes) {
            prop_assert!(!certs.is_empty());
        }
        if let Ok(c) = Certificate::from_der(bytes.clone()) {
            prop_assert_eq!(c.der(), bytes.as_slice());
        }
    }

    #[test]
    fn damaged_certificates_never_panic(bytes in damaged(sample_der())) {
        // Whatever still parses is exactly its DER, and parses again the same.
        if let Ok(c) = Certificate::from_der(bytes.clone()) {
            prop_assert_eq!(c.der(), bytes.as_slice());
            prop_assert_eq!(Certificate::from_der(c.der().to_vec()), Ok(c.clone()));
            prop_assert_eq!(Certificate::from_pem_or_der(&bytes), Ok(vec![c]));
        }
    }

    #[test]
    fn damaged_pem_never_panics(bytes in damaged(SAMPLE_PEM.to_vec())) {
        let _ = Certificate::from_pem_or_der(&bytes);
        let _ = sstp_cert::model::key::PrivateKey::find_in_pem(&bytes);
    }

    /// DER → PEM → parse gives the certificate back (render → parse).
    #[test]
    fn pem_of_a_certificate_reads_back(wrap in 16usize..100, crlf in any::<bool>()) {
        use base64::Engine as _;
        let der = sample_der();
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        let nl = if crlf { "\r\n" } else { "\n" };
        let body: Vec<&str> = b64
            .as_bytes()
            .chunks(wrap)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        let pem = format!(
            "-----BEGIN CERTIFICATE-----{nl}{}{nl}-----END CERTIFICATE-----{nl}",
            body.join(nl)
        );
        let back = Certificate::from_pem_or_der(pem.as_bytes()).expect("PEM parses");
        prop_assert_eq!(back, vec![Certificate::from_der(der).expect("DER")]);
    }

    #[test]
    fn entry_assembly_never_panics(
        cert in prop::collection::vec(any::<u8>(), 0..512),
        key in prop::option::of(prop::collection::vec(any::<u8>(), 0..512)),
        props in prop::option::of(prop::collection::vec(any::<u8>(), 0..256)),
    ) {
        let made = assemble_entry(
            EntryFile::new("a.pem", &cert),
            key.as_deref().map(|k| EntryFile::new("a.key", k)),
            props.as_deref().map(|p| EntryFile::new("a.json", p)),
        );
        prop_assert_eq!(made.entry.is_none(), Certificate::from_pem_or_der(&cert).is_err());
    }

    /// Properties render to JSON and read back; the entry gets exactly them.
    #[cfg(all(feature = "serde", feature = "key-pairing"))]
    #[test]
    fn entry_properties_round_trip(
        eku in prop::option::of(prop::collection::vec(purpose(), 0..6)),
        name in prop::option::of("\\PC{0,20}"),
        has_key in prop::option::of(Just(true)),
    ) {
        // `true` with the matching key file beside it stays Paired.
        let props = EntryProperties { has_private_key: has_key, eku_property: eku, friendly_name: name };
        let json = serde_json::to_vec(&props).expect("serialises");
        prop_assert_eq!(EntryProperties::from_json(&json).expect("reads back"), props.clone());
        let made = assemble_entry(
            EntryFile::new("vpn.pem", SAMPLE_PEM),
            Some(EntryFile::new("vpn.key", SAMPLE_KEY)),
            Some(EntryFile::new("vpn.json", &json)),
        );
        prop_assert!(made.problems.is_empty(), "{:?}", made.problems);
        let e = made.entry.expect("entry");
        prop_assert_eq!(e.key, KeyState::Paired);
        prop_assert_eq!(e.eku_property, props.eku_property);
        prop_assert_eq!(e.friendly_name, props.friendly_name);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn properties_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        let _ = EntryProperties::from_json(&bytes);
    }

    #[test]
    fn call_connected_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(m) = CallConnected::parse(&bytes) {
            prop_assert_eq!(bytes.len(), CALL_CONNECTED_LEN);
            prop_assert_eq!(CallConnected::parse(&m.encode()), Ok(m));
        }
    }

    #[test]
    fn call_connected_encode_parse_round_trip(
        sha256 in any::<bool>(),
        nonce in any::<[u8; 32]>(),
        hash in any::<[u8; 32]>(),
        mac in any::<[u8; 32]>(),
    ) {
        let protocol = if sha256 { HashProtocol::Sha256 } else { HashProtocol::Sha1 };
        let mut m = CallConnected::new(protocol, nonce, hash);
        m.compound_mac = mac;
        prop_assert_eq!(CallConnected::parse(&m.encode()), Ok(m));
    }

    #[test]
    fn script_parsing_never_panics(text in "\\PC{0,200}") {
        let _ = parse_script(&text);
        let _ = parse_line(&text);
    }

    /// A command step prints and reads back to itself (render → parse).
    #[test]
    fn script_steps_round_trip(
        name in "[A-Za-z][A-Za-z0-9 ]{0,12}[A-Za-z0-9]",
        dword in any::<u32>(),
        qword in any::<u64>(),
        bytes in prop::collection::vec(any::<u8>(), 1..40),
        text in "[A-Za-z0-9 .:%\\\\-]{0,20}",
        thumb in any::<[u8; 20]>(),
        port in 1u16..,
    ) {
        let steps = [
            PlanStep::Registry { write: RegistryWrite::set(name.clone(), RegValue::Dword(dword)) },
            PlanStep::Registry { write: RegistryWrite::set(name.clone(), RegValue::Qword(qword)) },
            PlanStep::Registry { write: RegistryWrite::set(name.clone(), RegValue::Binary(bytes)) },
            PlanStep::Registry { write: RegistryWrite::set(name.clone(), RegValue::String(text.clone())) },
            PlanStep::Registry { write: RegistryWrite::set(name.clone(), RegValue::ExpandString(text)) },
            PlanStep::Registry { write: RegistryWrite::delete(name) },
            PlanStep::DeleteCertificate { sha1: Sha1Thumbprint::from_bytes(thumb) },
            PlanStep::DeleteBinding { endpoint: Endpoint::ipv6_wildcard(port) },
            PlanStep::AddBinding {
                binding: Box::new(SslBinding::sstp(
                    Endpoint::ipv4_wildcard(port),
                    Sha1Thumbprint::from_bytes(thumb),
                )),
            },
            PlanStep::StopService,
            PlanStep::StartService,
        ];
        for step in steps {
            let line = step.render().expect("renders");
            prop_assert_eq!(parse_line(&line), Ok(Some(ScriptStep::Plan(step))), "{}", line);
        }
    }

    /// Bindings whose labels are empty or end with a colon print and read
    /// back (the `netsh_show` fuzz target's first two findings).
    #[test]
    fn netsh_odd_labels_round_trip(
        endpoint_label in odd_label(),
        fields in prop::collection::vec((odd_label(), "[a-z0-9:(). ]{0,6}"), 0..8),
        legacy in any::<bool>(),
    ) {
        let id: AppId = "{ba195980-cd49-458b-9e23-c84ee0adcd75}".parse().expect("guid");
        let mut b = SslBinding::new(
            Endpoint::ipv4_wildcard(443),
            Some(Sha1Thumbprint::from_bytes([7; 20])),
            Some(id),
            Some("MY"),
        );
        b.labels.endpoint = Label::new(&endpoint_label);
        b.fields = fields
            .iter()
            .map(|(l, v)| Field::new(l, v.trim()))
            // a field labelled like the first line with an endpoint value
            // starts a new block (documented on render_show)
            .filter(|f| !(f.label == b.labels.endpoint && f.value.as_text().parse::<Endpoint>().is_ok()))
            .filter(|f| !matches!(&f.value, FieldValue::Text(t) if t.contains("  ")))
            .collect();
        let style = if legacy { ShowStyle::Legacy2008 } else { ShowStyle::Current };
        let text = render_show(std::slice::from_ref(&b), style);
        let back = parse_sslcert_show(text.as_bytes()).expect("parses");
        prop_assert_eq!(back.bindings, vec![b], "{}", text);
    }
}

#[cfg(feature = "listener")]
mod sstp_request {
    use proptest::prelude::*;
    use sstp_cert::adapters::listener::{SSTP_METHOD, SSTP_URI, parse_request};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn request_parsing_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            if let Ok(req) = parse_request(&bytes, 32) {
                prop_assert!(!req.host.is_empty());
            }
        }

        /// A request written out reads back, whatever the header order,
        /// name case and extra headers.
        #[test]
        fn requests_read_back(
            host in "[a-z0-9.-]{1,20}",
            extra in prop::collection::vec(("X-[A-Za-z0-9-]{1,10}", "[ -~]{0,20}"), 0..8),
            upper in any::<bool>(),
            id in prop::option::of("\\{[0-9A-F-]{8,36}\\}"),
        ) {
            let mut head = format!("{SSTP_METHOD} {SSTP_URI} HTTP/1.1\r\n");
            let mut headers = vec![
                (if upper { "HOST" } else { "Host" }.to_owned(), host.clone()),
                ("Content-Length".to_owned(), "18446744073709551615".to_owned()),
            ];
            if let Some(id) = &id {
                headers.push(("SSTPCORRELATIONID".to_owned(), id.clone()));
            }
            headers.extend(extra.iter().map(|(n, v)| (n.clone(), v.trim().to_owned())));
            for (n, v) in &headers {
                head.push_str(&format!("{n}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let req = parse_request(head.as_bytes(), 32).expect("a valid request");
            prop_assert_eq!(req.host, host);
            prop_assert_eq!(req.correlation_id, id);
            prop_assert_eq!(req.headers, headers);
        }
    }
}
