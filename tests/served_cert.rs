//! `adapters::served_cert` against a real TLS server (rustls) on loopback:
//! the probe sees the certificate served, over IPv4 and IPv6, with and
//! without SNI; a TLS 1.3-only server answers with an alert.
#![cfg(feature = "rustls")]

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sstp_cert::adapters::served_cert::{ProbeError, served_certificate};
use sstp_cert::model::thumbprint::Sha1Thumbprint;

fn server(
    bind: &str,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Option<(SocketAddr, Vec<u8>, thread::JoinHandle<()>)> {
    let listener = TcpListener::bind(bind).ok()?;
    let addr = listener.local_addr().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["vpn.example.com".to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let der = cert.der().to_vec();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let handle = thread::spawn(move || {
        // one connection, bounded by the socket timeout
        if let Ok((mut tcp, _)) = listener.accept() {
            tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut conn = rustls::ServerConnection::new(Arc::new(config)).unwrap();
            for _ in 0..4 {
                if conn.complete_io(&mut tcp).is_err() {
                    break;
                }
            }
        }
    });
    Some((addr, der, handle))
}

#[test]
fn the_probe_sees_the_served_certificate_over_ipv4_and_ipv6() {
    for (bind, sni) in [("127.0.0.1:0", None), ("[::1]:0", Some("vpn.example.com"))] {
        let Some((addr, der, handle)) =
            server(bind, &[&rustls::version::TLS12, &rustls::version::TLS13])
        else {
            eprintln!("skipped {bind}: cannot bind (no IPv6 loopback here?)");
            continue;
        };
        let served = served_certificate(addr, sni, Duration::from_secs(5)).expect("served");
        assert_eq!(served.der, der);
        assert_eq!(served.sha1, Sha1Thumbprint::of_der(&der));
        handle.join().unwrap();
    }
}

#[test]
fn a_tls13_only_server_answers_with_an_alert() {
    let (addr, _, handle) = server("127.0.0.1:0", &[&rustls::version::TLS13]).unwrap();
    let e = served_certificate(addr, None, Duration::from_secs(5)).unwrap_err();
    assert!(matches!(e, ProbeError::Alert { .. }), "{e}");
    assert!(e.to_string().contains("did not show its certificate"));
    handle.join().unwrap();
}

#[test]
fn nothing_listening_is_a_connect_error_naming_the_address() {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let e = served_certificate(addr, None, Duration::from_secs(2)).unwrap_err();
    assert!(matches!(e, ProbeError::Connect { .. }));
    assert!(
        e.to_string()
            .starts_with(&format!("cannot connect to {addr}"))
    );
}
