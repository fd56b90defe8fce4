//! An SSTP listener front on the sample store.
//!
//! ```text
//! cargo run --features listener --example sstp_front -- [PORT] [--store DIR] [--wildcard] [--once]
//! ```
//!
//! Chooses the certificate of the store by the SSTP rules (default store:
//! `examples/store`), prints it and its hashes, binds `127.0.0.1:PORT` and
//! `[::1]:PORT` (default port 8443; `--wildcard` binds `0.0.0.0` and `[::]`
//! as the SSTP service does), and for each client: runs the TLS handshake,
//! answers the SSTP HTTP request, prints the first SSTP control message the
//! client sends (a Call Connect Request) and closes the connection. No PPP
//! is spoken. `--once` exits after the first client.
//!
//! The front's limits (connections per source and in total, deadlines
//! until hand-over) are the library's defaults. After hand-over the stream
//! is the program's: every read gets a deadline of its own here
//! ([`FIRST_PACKET_TIMEOUT`]), or a client that goes silent after its
//! `200 OK` would hold its connection for ever.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::adapters::listener::{ListenerConfig, SstpConnection, SstpListener};
use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
use sstp_cert::model::crypto_binding::HashProtocols;
use tokio::io::AsyncReadExt;

/// How long a client has, after its `200 OK`, to send its first SSTP
/// packet (the Call Connect Request). The front's own deadlines end at
/// hand-over.
const FIRST_PACKET_TIMEOUT: Duration = Duration::from_secs(10);

struct Args {
    port: u16,
    store: PathBuf,
    wildcard: bool,
    once: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        port: 8443,
        store: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/store"),
        wildcard: false,
        once: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--store" => args.store = it.next().ok_or("--store needs a directory")?.into(),
            "--wildcard" => args.wildcard = true,
            "--once" => args.once = true,
            "-h" | "--help" => {
                return Err("usage: sstp_front [PORT] [--store DIR] [--wildcard] [--once]".into());
            }
            p => args.port = p.parse().map_err(|_| format!("not a port: {p}"))?,
        }
    }
    Ok(args)
}

/// Reads the first SSTP packet and describes it.
async fn first_packet(conn: &mut SstpConnection) -> std::io::Result<String> {
    let mut header = [0u8; 4];
    conn.read_exact(&mut header).await?;
    let len = usize::from(u16::from_be_bytes([header[2], header[3]]) & 0x0fff);
    let mut body = vec![0u8; len.saturating_sub(4)];
    conn.read_exact(&mut body).await?;
    let control = header[1] & 0x01 == 1;
    let kind = if control && body.len() >= 2 {
        match u16::from_be_bytes([body[0], body[1]]) {
            0x0001 => "SSTP_MSG_CALL_CONNECT_REQUEST".to_owned(),
            t => format!("control message {t:#06x}"),
        }
    } else {
        "data packet".to_owned()
    };
    Ok(format!("{kind}, version {:#04x}, {len} bytes", header[0]))
}

async fn run(args: Args) -> Result<(), Box<dyn std::error::Error>> {
    let resolver = Arc::new(SstpCertResolver::new(
        DirectoryStore::new(&args.store),
        ResolverOptions::default(),
    )?);
    let served = resolver.served();
    println!("store:       {}", served.store);
    println!("serving:     {} ({})", served.source, served.subject);
    println!("purpose:     {:?}", served.purpose);
    println!("SHA-1:       {}", served.sha1);
    println!("SHA-256:     {}", served.sha256);
    let binding = served.crypto_binding(HashProtocols::SHA256);
    println!(
        "crypto binding: offer bitmask {:#04x}, expect certificate hash {}",
        binding.offered.bits(),
        binding.sha256
    );
    let current = resolver.current();
    if let Some(c) = current.certificate().certificate.names().dns.first() {
        println!("clients must dial: {c}");
    }
    if let Some(chosen) = current.choice().selected_candidate() {
        for w in &chosen.warnings {
            println!("warning:     {w}");
        }
    }
    for p in current.problems() {
        println!("store problem: {p}");
    }

    let config = if args.wildcard {
        ListenerConfig::wildcard(args.port)
    } else {
        ListenerConfig::loopback(args.port)
    };
    let listener = SstpListener::bind(config, resolver).await?;
    for addr in listener.local_addrs() {
        println!("listening:   {addr}");
    }
    for skipped in listener.skipped() {
        println!("skipped:     {skipped}");
    }
    loop {
        // Errors of one connection and shortages of file handles
        // (ECONNABORTED, EMFILE, ...) are retried inside `accept`; an error
        // here means the listening socket itself failed.
        let incoming = match listener.accept().await {
            Ok(i) => i,
            Err(e) => {
                eprintln!("accept: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        let task = tokio::spawn(async move {
            let peer = incoming.peer_addr();
            match incoming.handshake().await {
                Ok(mut conn) => {
                    let info = conn.info().clone();
                    println!(
                        "{peer}: TLS {:?}, SNI {:?}, Host {:?}, SSTPCORRELATIONID {:?}, served {}",
                        info.tls_version,
                        info.sni,
                        info.request.host,
                        info.request.correlation_id,
                        info.served.sha1
                    );
                    match tokio::time::timeout(FIRST_PACKET_TIMEOUT, first_packet(&mut conn)).await
                    {
                        Ok(Ok(p)) => println!("{peer}: first SSTP packet: {p}"),
                        Ok(Err(e)) => println!("{peer}: no SSTP packet: {e}"),
                        Err(_) => println!(
                            "{peer}: no SSTP packet within {} s",
                            FIRST_PACKET_TIMEOUT.as_secs()
                        ),
                    }
                }
                Err(e) => println!("{peer}: {e}"),
            }
        });
        if args.once {
            let _ = task.await;
            return Ok(());
        }
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
