//! Running out of file handles (`EMFILE`) while connections wait: the
//! front's `accept` retries after a back-off instead of returning the error,
//! so an embedder's accept loop never sees it, and clients are served again
//! as soon as handles are free. A test binary of its own: it lowers the
//! process's open-file limit.
#![cfg(all(feature = "listener", target_os = "linux"))]

mod embed_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use embed_support::{TestCa, runtime, write_entry};
use rustls::pki_types::{CertificateDer, ServerName};
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::listener::{Limits, ListenerConfig, SstpListener};
use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsConnector;

const NAME: &str = "vpn.test.example";

fn open_files() -> u64 {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count() as u64)
}

fn set_soft_nofile(soft: u64) {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(soft),
            maximum: now.maximum,
        },
    )
    .expect("setrlimit");
}

async fn sstp_client(addr: SocketAddr, ca_der: &[u8]) -> Result<String, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(ca_der.to_vec())).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    let name = ServerName::try_from(NAME.to_owned()).unwrap();
    let mut tls = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|e| e.to_string())?;
    let request = format!(
        "SSTP_DUPLEX_POST /sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ HTTP/1.1\r\n\
         Host: {NAME}\r\nContent-Length: 18446744073709551615\r\n\r\n"
    );
    tls.write_all(request.as_bytes())
        .await
        .map_err(|e| e.to_string())?;
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
        match tls.read(&mut b).await {
            Ok(1) => head.push(b[0]),
            other => return Err(format!("{other:?}")),
        }
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

#[test]
fn running_out_of_file_handles_never_reaches_the_accept_loop() {
    let ca = TestCa::new("EMFILE CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    let original = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    runtime().block_on(async {
        let resolver = Arc::new(
            SstpCertResolver::new(DirectoryStore::new(dir.path()), ResolverOptions::default())
                .unwrap(),
        );
        // limits high enough that every connection is held
        let limits = Limits {
            max_connections: 10_000,
            max_connections_per_source: 10_000,
            ..Limits::default()
        };
        let config =
            ListenerConfig::new(Some("127.0.0.1:0".parse().unwrap()), None).with_limits(limits);
        let listener = Arc::new(SstpListener::bind(config, resolver).await.unwrap());
        let addr = listener.local_addrs()[0];
        let errors_seen = Arc::new(AtomicUsize::new(0));
        let (l, seen) = (listener.clone(), errors_seen.clone());
        let server = tokio::spawn(async move {
            loop {
                match l.accept().await {
                    Ok(incoming) => {
                        tokio::spawn(async move {
                            let _ = incoming.handshake().await;
                        });
                    }
                    Err(e) => {
                        eprintln!("the accept loop saw: {e}");
                        seen.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
        });
        tokio::task::yield_now().await;

        // 40 handles to spare: clients and the front's accepted
        // connections use them up
        set_soft_nofile(open_files() + 40);
        let mut clients = Vec::new();
        for _ in 0..100 {
            match tokio::net::TcpStream::connect(addr).await {
                Ok(c) => clients.push(c),
                Err(e) => {
                    eprintln!("client side out of handles after {}: {e}", clients.len());
                    break;
                }
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while listener.stats().accept_errors == 0 {
            assert!(
                Instant::now() < deadline,
                "the front never ran out: {:?}",
                listener.stats()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let during = listener.stats();
        eprintln!("while out of handles: {during:?}");

        // handles come back: the front serves again, by itself
        drop(clients);
        rustix::process::setrlimit(rustix::process::Resource::Nofile, original).unwrap();
        let answer = tokio::time::timeout(Duration::from_secs(10), sstp_client(addr, &ca.der()))
            .await
            .expect("served within 10 s")
            .expect("served");
        assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
        assert_eq!(
            errors_seen.load(Ordering::SeqCst),
            0,
            "EMFILE reached the embedder's accept loop"
        );
        assert!(!server.is_finished());
        server.abort();
        eprintln!("after: {:?}", listener.stats());
    });
}
