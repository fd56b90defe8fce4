//! Fleet-scale benchmarks (issue 7): the crate against the floor (parse and
//! hash every DER, work no implementation can skip) and against
//! rustls-webpki, in one run. See BENCHMARKS.md; `benches/report.sh`
//! regenerates its table.
//!
//! Names are stable so that runs can be compared across versions:
//! `floor_parse_hash/N`, `select/N`, `select_all_host_verdicts/N`,
//! `check_host/{webpki,sstp_cert}`,
//! `netsh_parse/10000`, `dir_store_load/1000`.

mod corpus;

use std::net::SocketAddr;

use divan::counter::{BytesCount, ItemsCount};
use divan::{Bencher, black_box};
use sha1::Digest as _;
use sstp_cert::adapters::dir_store::DirectoryStore;
use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::choice::{Choice, ChoiceOptions, choose};
use sstp_cert::model::hostname::{Profile, ReferenceId};
use sstp_cert::model::httpsys::{Endpoint, ShowStyle, SslBinding, parse_sslcert_show, render_show};
use sstp_cert::model::store::{CertStore, KeyState, StoreEntry};
use x509_parser::prelude::{FromDer, X509Certificate};

use corpus::{corpus, has_wildcard, host_of, ip_of};

#[global_allocator]
static ALLOC: divan::AllocProfiler = divan::AllocProfiler::system();

fn main() {
    divan::main();
}

const SIZES: [usize; 3] = [1, 100, 10_000];

/// The floor: x509-parser's parse plus SHA-1 and SHA-256 of every DER.
#[divan::bench(args = SIZES, sample_count = 30)]
fn floor_parse_hash(bencher: Bencher, n: usize) {
    let ders = &corpus().ders[..n];
    bencher.counter(ItemsCount::new(n)).bench(|| {
        for der in ders {
            let (_, cert) = X509Certificate::from_der(der).expect("parses");
            black_box(&cert);
            black_box(sha1::Sha1::digest(der));
            black_box(sha2::Sha256::digest(der));
        }
    });
}

/// The moment validity is judged at (some certificates have expired, some
/// are not yet valid).
fn audit_time() -> time::OffsetDateTime {
    time::macros::datetime!(2025-06-01 0:00 UTC)
}

/// The full automatic choice from DER: `Certificate::from_der` of every
/// entry, then `choose` with a time and an intended host (so every
/// candidate gets validity warnings and, on demand, per-profile host
/// verdicts; the chosen one's are computed by `choose`). The owned DER and
/// source names are made outside the timing and moved in (`mem::take`: no
/// copy); the emptied input list is freed by divan after the timing, as the
/// floor's borrowed input is never freed inside it.
#[divan::bench(args = SIZES, sample_count = 30)]
fn select(bencher: Bencher, n: usize) {
    let options = select_options();
    bencher
        .counter(ItemsCount::new(n))
        .with_inputs(|| select_inputs(n))
        .bench_refs(|input| select_from(input, &options));
}

/// `select`, then every candidate's host verdicts read: the work `select`
/// timed before the verdicts were computed on demand (issue 17), kept so
/// that the cost of a report that shows every verdict stays measured.
#[divan::bench(args = [100, 10_000], sample_count = 30)]
fn select_all_host_verdicts(bencher: Bencher, n: usize) {
    let options = select_options();
    bencher
        .counter(ItemsCount::new(n))
        .with_inputs(|| select_inputs(n))
        .bench_refs(|input| {
            let (entries, choice) = select_from(input, &options);
            for c in &choice.candidates {
                black_box(c.host.as_deref());
            }
            (entries, choice)
        });
}

fn select_options() -> ChoiceOptions {
    ChoiceOptions::windows()
        .at(audit_time())
        .for_host(ReferenceId::parse("vpn.fleet.example.com").expect("host"))
}

fn select_inputs(n: usize) -> Vec<(Vec<u8>, String)> {
    corpus().ders[..n]
        .iter()
        .enumerate()
        .map(|(i, d)| (d.clone(), format!("entry-{i:05}")))
        .collect()
}

fn select_from(
    input: &mut [(Vec<u8>, String)],
    options: &ChoiceOptions,
) -> (Vec<StoreEntry>, Choice) {
    let entries: Vec<StoreEntry> = input
        .iter_mut()
        .enumerate()
        .map(|(i, (der, source))| {
            let key = if i % 7 == 3 {
                KeyState::Absent
            } else {
                KeyState::Linked
            };
            let der = std::mem::take(der);
            let cert = Certificate::from_der(der).expect("parses");
            StoreEntry::new(cert, key, std::mem::take(source))
        })
        .collect();
    let choice = choose(&entries, options);
    (entries, choice)
}

/// Certificate × name pairs for the host-name comparison: 250 certificates
/// (half RSA, half P-256), each with its exact name, the wildcard name
/// (matched by every third), a foreign name and its IP address.
fn host_pairs() -> (Vec<usize>, Vec<String>) {
    let certs: Vec<usize> = (0..250).collect();
    let names = |i: usize| {
        [
            host_of(i),
            "vpn.fleet.example.com".to_owned(),
            "www.example.org".to_owned(),
            ip_of(i).to_string(),
        ]
    };
    let mut hosts = Vec::new();
    for &i in &certs {
        hosts.extend(names(i));
    }
    assert!(has_wildcard(0));
    (certs, hosts)
}

/// RFC 9525 host-name checks, webpki vs this crate, on the same 1,000
/// certificate × name pairs. Both sides parse certificates and names
/// beforehand and time only the check.
mod check_host {
    use super::*;

    const PAIRS: u64 = 1000;

    #[divan::bench(sample_count = 100)]
    fn webpki(bencher: Bencher) {
        let c = corpus();
        let (certs, hosts) = host_pairs();
        let ders: Vec<rustls_pki_types::CertificateDer<'_>> = certs
            .iter()
            .map(|&i| rustls_pki_types::CertificateDer::from(c.ders[i].as_slice()))
            .collect();
        let parsed: Vec<webpki::EndEntityCert<'_>> = ders
            .iter()
            .map(|d| webpki::EndEntityCert::try_from(d).expect("webpki parses"))
            .collect();
        let names: Vec<rustls_pki_types::ServerName<'static>> = hosts
            .iter()
            .map(|h| {
                rustls_pki_types::ServerName::try_from(h.as_str())
                    .expect("name")
                    .to_owned()
            })
            .collect();
        let matched = parsed
            .iter()
            .flat_map(|c| std::iter::repeat_n(c, 4))
            .zip(&names)
            .filter(|(c, n)| c.verify_is_valid_for_subject_name(n).is_ok())
            .count();
        assert_eq!(matched, 250 * 2 + 84, "webpki verdicts");
        bencher.counter(ItemsCount::new(PAIRS)).bench(|| {
            let mut ok = 0usize;
            for (cert, name) in parsed
                .iter()
                .flat_map(|c| std::iter::repeat_n(c, 4))
                .zip(&names)
            {
                ok += usize::from(
                    black_box(cert)
                        .verify_is_valid_for_subject_name(black_box(name))
                        .is_ok(),
                );
            }
            ok
        });
    }

    #[divan::bench(sample_count = 100)]
    fn sstp_cert(bencher: Bencher) {
        let c = corpus();
        let (certs, hosts) = host_pairs();
        let parsed: Vec<Certificate> = certs
            .iter()
            .map(|&i| Certificate::from_der(c.ders[i].clone()).expect("parses"))
            .collect();
        let refs: Vec<ReferenceId> = hosts
            .iter()
            .map(|h| ReferenceId::parse(h).expect("host"))
            .collect();
        let matched = parsed
            .iter()
            .flat_map(|c| std::iter::repeat_n(c, 4))
            .zip(&refs)
            .filter(|(c, r)| Profile::Rfc9525.check(c, r).matched())
            .count();
        assert_eq!(matched, 250 * 2 + 84, "sstp-cert verdicts");
        bencher.counter(ItemsCount::new(PAIRS)).bench(|| {
            let mut ok = 0usize;
            for (cert, r) in parsed
                .iter()
                .flat_map(|c| std::iter::repeat_n(c, 4))
                .zip(&refs)
            {
                ok += usize::from(
                    Profile::Rfc9525
                        .check(black_box(cert), black_box(r))
                        .matched(),
                );
            }
            ok
        });
    }
}

/// Parsing a `netsh http show sslcert` listing of 10,000 current-style
/// bindings rendered by `render_show` (IPv4, IPv6 and host-name endpoints).
#[divan::bench(args = [10_000], sample_count = 30)]
fn netsh_parse(bencher: Bencher, n: usize) {
    let c = corpus();
    let bindings: Vec<SslBinding> = (0..n)
        .map(|i| {
            let cert = Certificate::from_der(c.ders[i].clone()).expect("parses");
            let endpoint = match i % 3 {
                0 => Endpoint::IpPort(SocketAddr::new(ip_of(i), 443)),
                1 => Endpoint::IpPort(SocketAddr::from((
                    [0x2001, 0xdb8, 0, 0, 0, 0, (i >> 16) as u16, i as u16],
                    443,
                ))),
                _ => Endpoint::hostname_port(&host_of(i), 443).expect("endpoint"),
            };
            SslBinding::sstp(endpoint, cert.sha1()).with_default_fields(ShowStyle::Current)
        })
        .collect();
    let text = render_show(&bindings, ShowStyle::Current);
    let parsed = parse_sslcert_show(text.as_bytes()).expect("parses");
    assert_eq!(parsed.bindings.len(), n);
    bencher
        .counter(BytesCount::of_str(&text))
        .bench(|| parse_sslcert_show(black_box(text.as_bytes())).expect("parses"));
}

/// Loading a directory store of `n` certificate PEM files, each with its
/// sibling `.key` (PKCS#8 PEM, half RSA 2048, half P-256), from a
/// temporary directory (warm page cache).
#[divan::bench(args = [1000], sample_count = 20)]
fn dir_store_load(bencher: Bencher, n: usize) {
    let c = corpus();
    let dir = tempfile::tempdir().expect("tempdir");
    for i in 0..n {
        std::fs::write(
            dir.path().join(format!("{i:04}.pem")),
            pem_encode(&c.ders[i]),
        )
        .expect("write");
        std::fs::write(dir.path().join(format!("{i:04}.key")), c.key_pem(i)).expect("write");
    }
    let store = DirectoryStore::new(dir.path());
    let snapshot = store.load().expect("loads");
    assert_eq!(snapshot.entries.len(), n);
    assert!(snapshot.problems.is_empty(), "{:?}", snapshot.problems);
    assert!(snapshot.entries.iter().all(|e| e.key == KeyState::Paired));
    bencher
        .counter(ItemsCount::new(n))
        .bench(|| store.load().expect("loads"));
}

fn pem_encode(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("ascii"));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
