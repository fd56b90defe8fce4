//! A flood on loopback against the SSTP listener front with its default
//! limits, as the security review measured it: the front's process limited
//! to 1,024 open files, 2,000 connections from 127.0.0.1 (idle, then a
//! slowloris sending one byte of the request per second), and a real
//! client from 127.0.0.2, which must get its TLS handshake and `200 OK`
//! within 1 s. The flood runs in a child process (this test binary again,
//! test `flood_child`), so that its sockets do not count against the
//! front's limit. Bounded: every wait has a deadline, the whole test takes
//! a few seconds.
#![cfg(all(feature = "listener", target_os = "linux"))]

mod embed_support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use embed_support::{TestCa, runtime, write_entry};
use rustls::pki_types::{CertificateDer, ServerName};
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::listener::{ListenerConfig, SstpListener};
use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

const NAME: &str = "vpn.test.example";
/// Connections of the flood.
const FLOOD: usize = 2000;
/// The open-file limit of the front's process, as measured in the review.
const FRONT_NOFILE: u64 = 1024;

const ENV_ROLE: &str = "SSTP_FLOOD_ROLE";
const ENV_TARGET: &str = "SSTP_FLOOD_TARGET";
const ENV_CA: &str = "SSTP_FLOOD_CA";

fn sstp_request() -> String {
    format!(
        "SSTP_DUPLEX_POST /sra_{{BA195980-CD49-458b-9E23-C84EE0ADCD75}}/ HTTP/1.1\r\n\
         Host: {NAME}\r\nContent-Length: 18446744073709551615\r\n\r\n"
    )
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

fn open_files() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

fn set_soft_nofile(want: u64) -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    let soft = match now.maximum {
        Some(hard) => want.min(hard),
        None => want,
    };
    let _ = setrlimit(
        Resource::Nofile,
        Rlimit {
            current: Some(soft),
            maximum: now.maximum,
        },
    );
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

/// The flood itself, in the child process; does nothing in a normal run.
#[test]
fn flood_child() {
    let Ok(role) = std::env::var(ENV_ROLE) else {
        return;
    };
    let target: SocketAddr = std::env::var(ENV_TARGET).unwrap().parse().unwrap();
    let limit = set_soft_nofile(FLOOD as u64 + 256);
    let count = FLOOD.min(usize::try_from(limit).unwrap_or(FLOOD).saturating_sub(64));
    let rt = runtime();
    rt.block_on(async move {
        let config = (role != "idle").then(|| {
            let ca = std::fs::read(std::env::var(ENV_CA).unwrap()).unwrap();
            client_config(&ca)
        });
        let started = Instant::now();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<bool>();
        let mut held = Vec::new();
        for i in 0..count {
            if i % 250 == 0 && std::env::var_os("SSTP_FLOOD_DEBUG").is_some() {
                eprintln!("flood child: {i} after {:?}", started.elapsed());
            }
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let tcp =
                match tokio::time::timeout(Duration::from_secs(3), socket.connect(target)).await {
                    Ok(Ok(s)) => s,
                    _ => {
                        let _ = tx.send(false);
                        continue;
                    }
                };
            if role == "idle" {
                let _ = tx.send(true);
                held.push(tokio::spawn(async move {
                    // holds the connection, never starts TLS
                    let mut tcp = tcp;
                    let mut b = [0u8; 1];
                    let _ = tcp.read(&mut b).await;
                }));
            } else {
                let config = config.clone().unwrap();
                let tx = tx.clone();
                held.push(tokio::spawn(async move {
                    let name = ServerName::try_from(NAME.to_owned()).unwrap();
                    let tls = tokio::time::timeout(
                        Duration::from_secs(5),
                        TlsConnector::from(config).connect(name, tcp),
                    )
                    .await;
                    let Ok(Ok(mut tls)) = tls else {
                        let _ = tx.send(false);
                        return;
                    };
                    let _ = tx.send(true);
                    // one byte of the request per second
                    for b in sstp_request().bytes().take(30) {
                        if tls.write_all(&[b]).await.is_err() {
                            return;
                        }
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                }));
            }
        }
        // every connection set up (or refused) before the real client comes
        let (mut up, mut refused) = (0, 0);
        let deadline = Instant::now() + Duration::from_secs(20);
        while up + refused < count && Instant::now() < deadline {
            match tokio::time::timeout(Duration::from_secs(1), rx.recv()).await {
                Ok(Some(true)) => up += 1,
                Ok(Some(false)) => refused += 1,
                _ => {}
            }
        }
        if std::env::var_os("SSTP_FLOOD_DEBUG").is_some() {
            eprintln!("flood child: {up} up, {refused} refused after {:?}", started.elapsed());
        }
        println!(
            "\nREADY {role} {count} connections: {up} up, {refused} closed by the front, in {:.2} s",
            started.elapsed().as_secs_f64()
        );
        std::io::stdout().flush().unwrap();
        // hold them until the parent closes stdin (bounded)
        let wait = tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        });
        let _ = tokio::time::timeout(Duration::from_secs(60), wait).await;
        for h in held {
            h.abort();
        }
    });
}

/// A real client from 127.0.0.2: TCP, TLS, the SSTP request, `200 OK`.
async fn real_client(to: SocketAddr, ca_der: &[u8]) -> Result<Duration, String> {
    let started = Instant::now();
    let run = async {
        let socket = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
        socket
            .bind("127.0.0.2:0".parse().unwrap())
            .map_err(|e| e.to_string())?;
        let tcp: TcpStream = socket.connect(to).await.map_err(|e| e.to_string())?;
        let name = ServerName::try_from(NAME.to_owned()).unwrap();
        let mut tls = TlsConnector::from(client_config(ca_der))
            .connect(name, tcp)
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        tls.write_all(sstp_request().as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut head = Vec::new();
        let mut b = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 4096 {
            match tls.read(&mut b).await {
                Ok(1) => head.push(b[0]),
                other => return Err(format!("answer cut short: {other:?}")),
            }
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        if head.starts_with("HTTP/1.1 200 OK\r\n") {
            Ok(())
        } else {
            Err(head)
        }
    };
    match tokio::time::timeout(Duration::from_secs(20), run).await {
        Ok(Ok(())) => Ok(started.elapsed()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("no answer within 20 s".into()),
    }
}

async fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "waited {limit:?} for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn flood(role: &str, ca: &TestCa, store: &std::path::Path, ca_file: &std::path::Path) {
    let rt = runtime();
    rt.block_on(async {
        let resolver = Arc::new(
            SstpCertResolver::new(DirectoryStore::new(store), ResolverOptions::default()).unwrap(),
        );
        // the defaults, IPv4 loopback
        let config = ListenerConfig::new(Some("127.0.0.1:0".parse().unwrap()), None);
        let listener = Arc::new(SstpListener::bind(config, resolver).await.unwrap());
        let addr = listener.local_addrs()[0];
        let l = listener.clone();
        let server = tokio::spawn(async move {
            loop {
                let Ok(incoming) = l.accept().await else {
                    panic!("accept failed: the listening socket broke");
                };
                tokio::spawn(async move {
                    let _ = incoming.handshake().await;
                });
            }
        });
        tokio::task::yield_now().await;
        let files_before = open_files();
        let tasks_before = tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks();

        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["flood_child", "--exact", "--nocapture", "--test-threads=1"])
            .env(ENV_ROLE, role)
            .env(ENV_TARGET, addr.to_string())
            .env(ENV_CA, ca_file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // libtest may have printed "test flood_child ... " first
                if let Some(i) = line.find("READY ") {
                    let _ = tx.send(line[i..].to_owned());
                }
            }
        });
        let flood_started = Instant::now();
        let ready = loop {
            if let Ok(line) = rx.try_recv() {
                break line;
            }
            assert!(
                flood_started.elapsed() < Duration::from_secs(40),
                "the flood did not set up within 40 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let stats = listener.stats();
        eprintln!("flood {role}: {ready}; front: {stats:?}");
        assert!(stats.in_progress <= 16, "{stats:?}");

        let first = real_client(addr, &ca.der()).await;
        let second = real_client(addr, &ca.der()).await;
        eprintln!("flood {role}: real client from 127.0.0.2: {first:?}, then {second:?}");
        let first = first.expect("the real client is served during the flood");
        assert!(first < Duration::from_secs(1), "{role}: {first:?}");
        second.expect("the front still serves");

        // the flood ends: everything it cost is given back
        drop(child.stdin.take());
        let exit = tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(exit.success(), "flood child: {exit}");
        wait_until(
            "the front's connections to end",
            Duration::from_secs(15),
            || listener.stats().in_progress == 0,
        )
        .await;
        wait_until("the tasks to end", Duration::from_secs(5), || {
            tokio::runtime::Handle::current()
                .metrics()
                .num_alive_tasks()
                == tasks_before
        })
        .await;
        wait_until(
            "the file handles to be closed",
            Duration::from_secs(5),
            || open_files() == files_before,
        )
        .await;
        let stats = listener.stats();
        eprintln!(
            "flood {role}: after: {} open files, {} tasks (as before); {stats:?}; {:.1} s in all",
            open_files(),
            tasks_before,
            flood_started.elapsed().as_secs_f64()
        );
        assert!(!server.is_finished());
        server.abort();
    });
}

#[test]
fn a_flood_does_not_keep_a_real_client_waiting() {
    if std::env::var(ENV_ROLE).is_ok() {
        return; // the child runs `flood_child` only
    }
    let limit = set_soft_nofile(FRONT_NOFILE);
    eprintln!("front process: open-file limit {limit}");
    let ca = TestCa::new("Flood CA");
    let dir = tempfile::tempdir().unwrap();
    write_entry(dir.path(), "vpn", &ca.leaf(NAME, &[NAME]));
    let ca_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca_file.path(), ca.der()).unwrap();
    let started = Instant::now();
    flood("idle", &ca, dir.path(), ca_file.path());
    flood("slowloris", &ca, dir.path(), ca_file.path());
    eprintln!(
        "flood: both runs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
