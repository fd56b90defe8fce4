//! The SSTP listener front against real TLS clients on loopback.
#![cfg(feature = "listener")]

mod embed_support;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use embed_support::{TestCa, has_ipv6_loopback, runtime, write_entry};
use rustls::pki_types::{CertificateDer, ServerName};
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::listener::{
    BindError, BindFailure, ConnectionError, Family, Limits, ListenerConfig, SstpListener,
};
use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
use sstp_cert::model::choice::{ChoiceOptions, choose};
use sstp_cert::model::crypto_binding::{CryptoBindingRequest, HashProtocols};
use sstp_cert::model::store::CertStore;
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

const NAME: &str = "vpn.test.example";

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

fn sstp_request(host: &str) -> String {
    format!(
        "SSTP_DUPLEX_POST /sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ HTTP/1.1\r\n\
         Host: {host}\r\nContent-Length: 18446744073709551615\r\n\
         SSTPCORRELATIONID: {{5E3B2A10-0000-4000-8000-00000000C0DE}}\r\n\r\n"
    )
}

/// A front on loopback (port chosen by the system, the same for both
/// families) serving the certificate chosen from `dir`.
async fn front(dir: &std::path::Path, limits: Limits) -> SstpListener {
    let resolver = Arc::new(
        SstpCertResolver::new(DirectoryStore::new(dir), ResolverOptions::default()).unwrap(),
    );
    SstpListener::bind(ListenerConfig::loopback(0).with_limits(limits), resolver)
        .await
        .unwrap()
}

fn client_config(ca_der: &[u8]) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(ca_der.to_vec())).unwrap();
    Arc::new(
        rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth(),
    )
}

async fn dial(addr: SocketAddr, name: &str, ca_der: &[u8]) -> io::Result<TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(name.to_owned()).unwrap();
    TlsConnector::from(client_config(ca_der))
        .connect(name, tcp)
        .await
}

/// Reads an HTTP answer head (up to the blank line), bounded.
async fn read_answer<R: AsyncRead + Unpin>(r: &mut R) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
        match tokio::time::timeout(Duration::from_secs(5), r.read(&mut byte)).await {
            Ok(Ok(1)) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

fn peer_sha1(s: &TlsStream<TcpStream>) -> Sha1Thumbprint {
    let certs = s.get_ref().1.peer_certificates().unwrap();
    Sha1Thumbprint::of_der(certs[0].as_ref())
}

fn addrs(listener: &SstpListener) -> Vec<SocketAddr> {
    let mut v = vec![listener.local_addr(Family::V4).unwrap()];
    if has_ipv6_loopback() {
        v.push(listener.local_addr(Family::V6).unwrap());
    } else {
        eprintln!("NOTICE: no IPv6 loopback on this machine; IPv6 not exercised");
    }
    v
}

#[test]
fn a_client_dialling_the_name_gets_exactly_the_chosen_certificate() {
    let ca = TestCa::new("Front CA");
    let dir = tempfile::tempdir().unwrap();
    // an All-purpose certificate first, the Server Authentication one later:
    // the SSTP rules pick the later one
    let all_purpose = ca.leaf_with("old.test.example", &["old.test.example"], vec![]);
    let server_auth = ca.leaf(NAME, &[NAME]);
    write_entry(dir.path(), "10-all-purpose", &all_purpose);
    write_entry(dir.path(), "20-server-auth", &server_auth);
    let snapshot = DirectoryStore::new(dir.path()).load().unwrap();
    let choice = choose(&snapshot.entries, &ChoiceOptions::windows());
    let selected = choice.selected.clone().unwrap();
    assert_eq!(selected.source, "20-server-auth.pem");

    runtime().block_on(async {
        let listener = front(dir.path(), Limits::default()).await;
        let v4 = listener.local_addr(Family::V4).unwrap();
        if has_ipv6_loopback() {
            // one port for both families, as the service binds them
            assert_eq!(listener.local_addr(Family::V6).unwrap().port(), v4.port());
        }
        let listener = Arc::new(listener);
        for addr in addrs(&listener) {
            let l = listener.clone();
            let server = tokio::spawn(async move { l.accept().await.unwrap().handshake().await });
            let mut tls = dial(addr, NAME, &ca.der()).await.expect("handshake");
            assert_eq!(peer_sha1(&tls), selected.sha1, "{addr}");
            tls.write_all(sstp_request(NAME).as_bytes()).await.unwrap();
            let answer = read_answer(&mut tls).await;
            assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
            assert!(
                answer.contains("\r\nContent-Length: 18446744073709551615\r\n"),
                "{answer}"
            );
            assert!(
                answer.contains("\r\nServer: Microsoft-HTTPAPI/2.0\r\n"),
                "{answer}"
            );
            assert!(answer.contains("\r\nDate: "), "{answer}");

            let conn = server.await.unwrap().expect("front side");
            let info = conn.info();
            assert_eq!(info.family, Family::of(&addr));
            assert_eq!(info.served.sha1, selected.sha1);
            assert_eq!(info.served.sha256, selected.sha256);
            assert_eq!(info.crypto_binding.sha256, selected.sha256);
            assert_eq!(info.crypto_binding.offered, HashProtocols::SHA256);
            // The hand-over gives the Crypto Binding Request to send: the
            // offered protocols and a fresh nonce each time.
            let request = info.crypto_binding_request().expect("a nonce");
            let wire = request.encode();
            assert_eq!(
                &wire[..16],
                &hex_bytes("1001003000020001000400280000000200")[..16]
            );
            assert_eq!(CryptoBindingRequest::parse(&wire), Ok(request));
            assert_ne!(info.crypto_binding_request().unwrap().nonce, request.nonce);
            assert_ne!(request.nonce, [0; 32]);
            assert_eq!(info.sni.as_deref(), Some(NAME));
            assert_eq!(info.request.host, NAME);
            assert_eq!(
                info.request.correlation_id.as_deref(),
                Some("{5E3B2A10-0000-4000-8000-00000000C0DE}")
            );
        }
    });
}

#[test]
fn a_client_dialling_another_name_cannot_establish_the_connection() {
    let ca = TestCa::new("Name CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    runtime().block_on(async {
        let listener = Arc::new(front(dir.path(), Limits::default()).await);
        for addr in addrs(&listener) {
            let l = listener.clone();
            let server = tokio::spawn(async move { l.accept().await.unwrap().handshake().await });
            let err = dial(addr, "other.test.example", &ca.der())
                .await
                .expect_err("the name does not match");
            let rustls_err = err
                .get_ref()
                .and_then(|e| e.downcast_ref::<rustls::Error>())
                .unwrap_or_else(|| panic!("not a rustls error: {err}"));
            assert!(
                matches!(
                    rustls_err,
                    rustls::Error::InvalidCertificate(
                        rustls::CertificateError::NotValidForName
                            | rustls::CertificateError::NotValidForNameContext { .. }
                    )
                ),
                "{rustls_err:?}"
            );
            // the front sees the client give up during the TLS handshake
            let front_err = server.await.unwrap().unwrap_err();
            assert!(
                matches!(front_err, ConnectionError::Tls { .. }),
                "{front_err}"
            );
        }
    });
}

#[test]
fn reselection_serves_new_connections_and_keeps_existing_ones() {
    let ca = TestCa::new("Reselect CA");
    let dir = tempfile::tempdir().unwrap();
    let old = ca.leaf(NAME, &[NAME]);
    let new = ca.leaf(NAME, &[NAME]);
    write_entry(dir.path(), "20-old", &old);
    runtime().block_on(async {
        let listener = Arc::new(front(dir.path(), Limits::default()).await);
        let addr = listener.local_addr(Family::V4).unwrap();

        // connection 1: the old certificate; the front echoes what it reads
        let l = listener.clone();
        let server1 = tokio::spawn(async move {
            let mut conn = l.accept().await.unwrap().handshake().await.unwrap();
            let sha1 = conn.info().served.sha1;
            let mut buf = [0u8; 64];
            loop {
                let n = conn.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                conn.write_all(&buf[..n]).await.unwrap();
            }
            sha1
        });
        let mut c1 = dial(addr, NAME, &ca.der()).await.unwrap();
        c1.write_all(sstp_request(NAME).as_bytes()).await.unwrap();
        assert!(read_answer(&mut c1).await.starts_with("HTTP/1.1 200"));
        let old_sha1 = Sha1Thumbprint::of_der(&old.der);
        assert_eq!(peer_sha1(&c1), old_sha1);

        // the store changes: a new certificate comes first
        write_entry(dir.path(), "10-new", &new);
        let r = listener.resolver().reselect().unwrap();
        assert!(r.changed);
        assert_eq!(r.current.source, "10-new.pem");

        // connection 2 gets the new certificate
        let l = listener.clone();
        let server2 = tokio::spawn(async move { l.accept().await.unwrap().handshake().await });
        let mut c2 = dial(addr, NAME, &ca.der()).await.unwrap();
        c2.write_all(sstp_request(NAME).as_bytes()).await.unwrap();
        assert!(read_answer(&mut c2).await.starts_with("HTTP/1.1 200"));
        let new_sha1 = Sha1Thumbprint::of_der(&new.der);
        assert_eq!(peer_sha1(&c2), new_sha1);
        let info2 = server2.await.unwrap().unwrap().info().clone();
        assert_eq!(info2.served.sha1, new_sha1);
        assert_eq!(info2.crypto_binding.sha256, Sha256Hash::of_der(&new.der));
        assert_eq!(info2.served.generation, 2);

        // connection 1 still works, on the old certificate
        c1.write_all(b"still here").await.unwrap();
        let mut echo = [0u8; 10];
        tokio::time::timeout(Duration::from_secs(5), c1.read_exact(&mut echo))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&echo, b"still here");
        c1.shutdown().await.unwrap();
        assert_eq!(server1.await.unwrap(), old_sha1);
    });
}

#[test]
fn bytes_sent_right_after_the_request_reach_the_embedder_first() {
    let ca = TestCa::new("Pipeline CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    runtime().block_on(async {
        let listener = Arc::new(front(dir.path(), Limits::default()).await);
        let addr = listener.local_addr(Family::V4).unwrap();
        let l = listener.clone();
        let server = tokio::spawn(async move {
            let mut conn = l.accept().await.unwrap().handshake().await.unwrap();
            let mut first = [0u8; 8];
            conn.read_exact(&mut first).await.unwrap();
            first
        });
        let mut tls = dial(addr, NAME, &ca.der()).await.unwrap();
        // the request and an SSTP Call Connect Request header in one write
        let mut bytes = sstp_request(NAME).into_bytes();
        bytes.extend_from_slice(&[0x10, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01]);
        tls.write_all(&bytes).await.unwrap();
        assert!(read_answer(&mut tls).await.starts_with("HTTP/1.1 200"));
        assert_eq!(
            server.await.unwrap(),
            [0x10, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01]
        );
    });
}

#[test]
fn non_sstp_requests_get_the_error_answer_and_the_connection_closes() {
    let ca = TestCa::new("Refuse CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    let cases = [
        (
            "GET / HTTP/1.1\r\nHost: vpn\r\n\r\n".to_owned(),
            404,
            "Not Found",
        ),
        (
            sstp_request(NAME).replace("SSTP_DUPLEX_POST", "POST"),
            405,
            "Method Not Allowed",
        ),
        (
            sstp_request(NAME).replace("HTTP/1.1", "HTTP/1.0"),
            505,
            "HTTP Version Not Supported",
        ),
        (
            sstp_request(NAME).replace("18446744073709551615", "42"),
            400,
            "Bad Request",
        ),
        (
            format!("{}\r\n\r\n", "X".repeat(20_000)),
            400,
            "Bad Request",
        ),
    ];
    runtime().block_on(async {
        let listener = Arc::new(front(dir.path(), Limits::default()).await);
        let addr = listener.local_addr(Family::V4).unwrap();
        for (request, status, reason) in cases {
            let l = listener.clone();
            let server = tokio::spawn(async move { l.accept().await.unwrap().handshake().await });
            let mut tls = dial(addr, NAME, &ca.der()).await.unwrap();
            // a write may fail once the front has closed (oversized head)
            let _ = tls.write_all(request.as_bytes()).await;
            let answer = read_answer(&mut tls).await;
            assert!(
                answer.starts_with(&format!("HTTP/1.1 {status} {reason}\r\n")),
                "{status}: {answer}"
            );
            assert!(answer.contains("\r\nConnection: close\r\n"), "{answer}");
            assert!(answer.contains("\r\nContent-Length: 0\r\n"), "{answer}");
            // the last data on the connection
            let mut rest = Vec::new();
            let _ = tokio::time::timeout(Duration::from_secs(5), tls.read_to_end(&mut rest)).await;
            assert!(
                rest.is_empty(),
                "{status}: more data after the error answer"
            );
            match server.await.unwrap() {
                Err(ConnectionError::Refused { refusal, .. }) => assert_eq!(refusal.status, status),
                other => panic!("{status}: {other:?}"),
            }
        }
    });
}

#[test]
fn silent_clients_are_timed_out() {
    let ca = TestCa::new("Timeout CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    let limits = Limits {
        tls_handshake_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_millis(300),
        ..Limits::default()
    };
    runtime().block_on(async {
        let listener = Arc::new(front(dir.path(), limits).await);
        let addr = listener.local_addr(Family::V4).unwrap();

        // TCP only, no ClientHello
        let l = listener.clone();
        let server = tokio::spawn(async move { l.accept().await.unwrap().handshake().await });
        let _tcp = TcpStream::connect(addr).await.unwrap();
        let e = server.await.unwrap().unwrap_err();
        assert!(matches!(e, ConnectionError::TlsTimeout { .. }), "{e}");

        // TLS, then no request: 408
        let l = listener.clone();
        let server = tokio::spawn(async move { l.accept().await.unwrap().handshake().await });
        let mut tls = dial(addr, NAME, &ca.der()).await.unwrap();
        tls.write_all(b"SSTP_DUPLEX_POST /sra_").await.unwrap();
        let e = server.await.unwrap().unwrap_err();
        assert!(matches!(e, ConnectionError::RequestTimeout { .. }), "{e}");
        let answer = read_answer(&mut tls).await;
        assert!(
            answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{answer}"
        );
    });
}

#[test]
fn a_second_front_on_the_same_port_is_event_22_for_each_family() {
    let ca = TestCa::new("Port CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    runtime().block_on(async {
        let first = front(dir.path(), Limits::default()).await;
        let port = first.local_addr(Family::V4).unwrap().port();
        let resolver = first.resolver().clone();
        let err = SstpListener::bind(ListenerConfig::loopback(port), resolver)
            .await
            .unwrap_err();
        let BindError::Families(failures) = &err else {
            panic!("{err}")
        };
        let expected = if has_ipv6_loopback() { 2 } else { 1 };
        assert_eq!(failures.len(), expected, "{err}");
        let v4 = err.failure(Family::V4).unwrap();
        assert!(v4.is_addr_in_use(), "{v4}");
        assert_eq!(v4.addr().to_string(), format!("127.0.0.1:{port}"));
        assert!(matches!(v4, BindFailure::Failed { .. }));
        if has_ipv6_loopback() {
            let v6 = err.failure(Family::V6).unwrap();
            assert!(v6.is_addr_in_use(), "{v6}");
            assert_eq!(v6.addr().to_string(), format!("[::1]:{port}"));
        }
        let events = err.events();
        assert_eq!(events.len(), expected);
        for e in &events {
            assert_eq!(e.id.number(), 22);
            assert!(e.message.contains("in use"), "{e}");
        }
        let text = err.to_string();
        assert!(text.starts_with("Event 22: "), "{text}");
        assert!(text.contains("IPv4 127.0.0.1:"), "{text}");
        eprintln!("{text}");

        // only the IPv4 port taken: only the IPv4 family fails
        let v4_only = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let p = v4_only.local_addr().unwrap().port();
        if has_ipv6_loopback() {
            let err = SstpListener::bind(ListenerConfig::loopback(p), first.resolver().clone())
                .await
                .unwrap_err();
            assert_eq!(err.failures().len(), 1, "{err}");
            assert_eq!(err.failures()[0].family(), Family::V4);
        }
    });
}

#[test]
fn the_wildcard_pair_binds_both_families_side_by_side() {
    let ca = TestCa::new("Wildcard CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    runtime().block_on(async {
        let resolver = Arc::new(
            SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())
                .unwrap(),
        );
        // 0.0.0.0:p and [::]:p at once: the IPv6 socket is IPv6-only. Only
        // bound, nothing dials the wildcard addresses.
        let l = SstpListener::bind(ListenerConfig::wildcard(0), resolver)
            .await
            .unwrap();
        let v4 = l.local_addr(Family::V4).unwrap();
        assert!(v4.ip().is_unspecified());
        if let Some(v6) = l.local_addr(Family::V6) {
            assert!(v6.ip().is_unspecified());
            assert_eq!(v6.port(), v4.port());
        } else {
            assert_eq!(l.skipped().len(), 1);
        }
        // a wrong family is refused before binding
        let err = SstpListener::bind(
            ListenerConfig::new(Some("[::1]:0".parse().unwrap()), None),
            l.resolver().clone(),
        )
        .await
        .unwrap_err();
        assert!(matches!(
            err.failures(),
            [BindFailure::WrongFamily {
                family: Family::V4,
                ..
            }]
        ));
        let err = SstpListener::bind(ListenerConfig::new(None, None), l.resolver().clone())
            .await
            .unwrap_err();
        assert!(matches!(err, BindError::NoAddress));
    });
}

#[test]
fn binding_outside_a_runtime_is_an_error_not_a_panic() {
    let ca = TestCa::new("Runtime CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    let resolver = Arc::new(
        SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default()).unwrap(),
    );
    // poll the future with a trivial executor, outside Tokio
    let fut = SstpListener::bind(ListenerConfig::loopback(0), resolver);
    let mut fut = std::pin::pin!(fut);
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    match fut.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(Err(BindError::NoRuntime)) => {}
        other => panic!("{:?}", other.map(|r| r.map(|_| ()))),
    }
}

#[cfg(target_os = "linux")]
/// Connects from a given loopback address (127.0.0.2 is another source than
/// 127.0.0.1 on Linux; elsewhere the system may refuse to bind it).
async fn connect_from(from: &str, to: SocketAddr) -> io::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from.parse().unwrap(), 0))?;
    socket.connect(to).await
}

#[cfg(target_os = "linux")]
/// The front's accept loop as an embedder writes it: one task per
/// connection; every outcome reported on the channel.
fn serve(
    listener: Arc<SstpListener>,
) -> (
    tokio::task::JoinHandle<io::Error>,
    tokio::sync::mpsc::UnboundedReceiver<Result<SocketAddr, ConnectionError>>,
) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        loop {
            let incoming = match listener.accept().await {
                Ok(i) => i,
                Err(e) => return e, // only a broken listening socket
            };
            let tx = tx.clone();
            tokio::spawn(async move {
                let r = incoming.handshake().await.map(|c| c.info().peer);
                let _ = tx.send(r);
            });
        }
    });
    (task, rx)
}

#[cfg(target_os = "linux")]
/// A real client from `from`: TLS, the SSTP request, the `200 OK`; bounded.
async fn real_client(from: &str, to: SocketAddr, ca_der: &[u8]) -> Duration {
    let started = std::time::Instant::now();
    let tcp = connect_from(from, to).await.expect("connect");
    let name = ServerName::try_from(NAME.to_owned()).unwrap();
    let mut tls = tokio::time::timeout(
        Duration::from_secs(15),
        TlsConnector::from(client_config(ca_der)).connect(name, tcp),
    )
    .await
    .expect("TLS within 15 s")
    .expect("TLS");
    tls.write_all(sstp_request(NAME).as_bytes()).await.unwrap();
    let answer = read_answer(&mut tls).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer:?}");
    started.elapsed()
}

#[cfg(target_os = "linux")]
async fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "waited 10 s for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One source opening many idle connections is held to its share: the
/// connections over the per-source limit are closed at once, and a client
/// from another address is served at once.
#[cfg(target_os = "linux")]
#[test]
fn a_busy_source_is_held_to_its_share_and_others_are_served() {
    let ca = TestCa::new("Share CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    runtime().block_on(async {
        let limits = Limits {
            max_connections_per_source: 4,
            max_connections: 8,
            ..Limits::default()
        };
        let listener = Arc::new(front(dir.path(), limits).await);
        let addr = listener.local_addr(Family::V4).unwrap();
        let (server, _outcomes) = serve(listener.clone());
        let mut idle = Vec::new();
        // the 6 over the limit are closed (reset), not queued: a connect
        // may already see the reset, the others read EOF or a reset at once
        let mut closed = 0;
        for _ in 0..10 {
            match connect_from("127.0.0.1", addr).await {
                Ok(c) => idle.push(c),
                Err(e) => {
                    assert_eq!(e.kind(), io::ErrorKind::ConnectionReset, "{e}");
                    closed += 1;
                }
            }
        }
        wait_for("the front to accept the 10", || {
            listener.stats().accepted == 10
        })
        .await;
        let s = listener.stats();
        assert_eq!((s.in_progress, s.busiest_source), (4, 4), "{s:?}");
        assert_eq!(s.shed_per_source, 6, "{s:?}");
        for c in &mut idle {
            let mut b = [0u8; 1];
            if let Ok(r) = tokio::time::timeout(Duration::from_millis(200), c.read(&mut b)).await {
                assert!(matches!(r, Ok(0) | Err(_)), "{r:?}");
                closed += 1;
            }
        }
        assert_eq!(closed, 6);

        let took = real_client("127.0.0.2", addr, &ca.der()).await;
        assert!(took < Duration::from_secs(1), "{took:?}");
        // its place was given back at hand-over
        wait_for("the hand-over", || listener.stats().in_progress == 4).await;
        drop(idle);
        wait_for("the idle ones to end", || listener.stats().in_progress == 0).await;
        assert!(!server.is_finished(), "the accept loop is still running");
        server.abort();
    });
}

/// Over the total limit, the newest connection of the busiest source is
/// closed — one still in its handshake — and the newcomer from another
/// source is served.
#[cfg(target_os = "linux")]
#[test]
fn over_the_total_limit_the_newest_of_the_busiest_source_is_shed() {
    let ca = TestCa::new("Total CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    runtime().block_on(async {
        let limits = Limits {
            max_connections_per_source: 8,
            max_connections: 8,
            ..Limits::default()
        };
        let listener = Arc::new(front(dir.path(), limits).await);
        let addr = listener.local_addr(Family::V4).unwrap();
        let (server, mut outcomes) = serve(listener.clone());
        let mut idle = Vec::new();
        for _ in 0..8 {
            idle.push(connect_from("127.0.0.1", addr).await.unwrap());
        }
        wait_for("8 in progress", || listener.stats().in_progress == 8).await;
        let newest_port = idle[7].local_addr().unwrap().port();

        let took = real_client("127.0.0.2", addr, &ca.der()).await;
        assert!(took < Duration::from_secs(1), "{took:?}");
        // one outcome is the shed connection, one the served client
        let mut shed = None;
        let mut served = None;
        for _ in 0..2 {
            match tokio::time::timeout(Duration::from_secs(5), outcomes.recv()).await {
                Ok(Some(Ok(peer))) => served = Some(peer),
                Ok(Some(Err(ConnectionError::Shed {
                    peer,
                    source_key,
                    max,
                }))) => {
                    assert_eq!(source_key.to_string(), "127.0.0.1");
                    assert_eq!(max, 8);
                    shed = Some(peer);
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(served.unwrap().ip().to_string(), "127.0.0.2");
        let shed = shed.expect("a connection was shed");
        assert_eq!(shed.port(), newest_port, "the newest of the busiest source");
        let e = ConnectionError::Shed {
            peer: shed,
            source_key: sstp_cert::adapters::listener::SourceKey::of(shed.ip()),
            max: 8,
        };
        assert!(
            e.to_string().contains("limit of 8 connections in progress"),
            "{e}"
        );
        // that client sees its connection closed at once
        let mut b = [0u8; 1];
        let r = tokio::time::timeout(Duration::from_secs(2), idle[7].read(&mut b))
            .await
            .expect("closed, not left hanging");
        assert!(matches!(r, Ok(0) | Err(_)), "{r:?}");
        assert_eq!(listener.stats().shed_total, 1);
        drop(idle);
        wait_for("the idle ones to end", || listener.stats().in_progress == 0).await;
        server.abort();
    });
}
