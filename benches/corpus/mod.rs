//! The benchmark inputs: 10,000 distinct, realistic server certificates,
//! generated with rcgen and cached in `target/tmp` between runs.
//!
//! * Even entries: an RSA 2048 subject key (the fixed test key
//!   `tests/data/keys/rsa2048-a.pk8.pem`) signed sha256WithRSAEncryption by
//!   an RSA 2048 issuing CA (fixed key `rsa2048-b`) — about 1.2 KB of DER.
//! * Odd entries: a P-256 subject key signed ecdsa-with-SHA256 by a P-256
//!   issuing CA — about 0.7 KB.
//! * Every certificate is distinct: its own serial number, subject
//!   (`CN=host<i>.fleet.example.com`, `O=…`, `C=US`), two to four SAN
//!   entries (dNSName, a `*.fleet.example.com` wildcard on every third,
//!   an iPAddress from 198.18.0.0/15), an EKU mix (60 % serverAuth, 10 %
//!   serverAuth+clientAuth, 10 % anyExtendedKeyUsage, 10 % clientAuth,
//!   10 % no EKU), key usage, CRL distribution points on three in four,
//!   authority key identifier, and validity windows spread over 2024–2026.
//!
//! Signing 5,000 RSA certificates takes several seconds, so the DER and the
//! P-256 subject key are written to `$CARGO_TARGET_TMPDIR/fleet-corpus-v1.bin`
//! on the first run and read back afterwards (delete it to regenerate).
//! Subject keys are shared between entries: what is hashed and parsed is
//! the certificate, and every DER differs.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::sync::OnceLock;

use rcgen::{
    CertificateParams, CrlDistributionPoint, DistinguishedName, DnType, ExtendedKeyUsagePurpose,
    IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use time::{Duration, macros::datetime};

/// How many certificates the corpus holds.
pub const CORPUS_SIZE: usize = 10_000;

const CACHE_MAGIC: &[u8; 16] = b"sstp-fleet-v1\0\0\0";
const RSA_SUBJECT_KEY: &str = include_str!("../../tests/data/keys/rsa2048-a.pk8.pem");
const RSA_CA_KEY: &str = include_str!("../../tests/data/keys/rsa2048-b.pk8.pem");

/// The generated inputs.
pub struct Corpus {
    /// DER of every certificate, all distinct.
    pub ders: Vec<Vec<u8>>,
    /// PKCS#8 PEM of the RSA subject key (even entries).
    pub rsa_key_pem: String,
    /// PKCS#8 PEM of the P-256 subject key (odd entries).
    pub p256_key_pem: String,
}

impl Corpus {
    /// The PEM private key that goes with certificate `i`.
    pub fn key_pem(&self, i: usize) -> &str {
        if i.is_multiple_of(2) {
            &self.rsa_key_pem
        } else {
            &self.p256_key_pem
        }
    }
}

/// The corpus, generated or loaded once per process.
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let path = cache_path();
        if let Some(c) = load(&path) {
            return c;
        }
        let started = std::time::Instant::now();
        let c = generate();
        eprintln!(
            "generated {} certificates in {:.1?}; caching them in {}",
            c.ders.len(),
            started.elapsed(),
            path.display()
        );
        store(&path, &c);
        c
    })
}

/// The name certificate `i` is issued for (its first SAN and its CN).
pub fn host_of(i: usize) -> String {
    format!("host{i}.fleet.example.com")
}

/// The iPAddress SAN of certificate `i` (198.18.0.0/15, RFC 2544).
pub fn ip_of(i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(0xC612_0000u32 + i as u32))
}

/// Whether certificate `i` carries `*.fleet.example.com`.
pub fn has_wildcard(i: usize) -> bool {
    i.is_multiple_of(3)
}

fn cache_path() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fleet-corpus-v1.bin")
}

fn generate() -> Corpus {
    let rsa_subject = KeyPair::from_pem(RSA_SUBJECT_KEY).expect("RSA subject key");
    let rsa_ca_key = KeyPair::from_pem(RSA_CA_KEY).expect("RSA CA key");
    let p256_subject = KeyPair::generate().expect("P-256 key");
    let p256_ca_key = KeyPair::generate().expect("P-256 key");

    let ca_params = |cn: &str| {
        let mut p = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "US");
        dn.push(DnType::OrganizationName, "Example Fleet PKI");
        dn.push(DnType::CommonName, cn);
        p.distinguished_name = dn;
        p.is_ca = IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p
    };
    let rsa_ca = ca_params("Example Fleet Issuing CA R1");
    let ec_ca = ca_params("Example Fleet Issuing CA E1");
    let rsa_issuer = Issuer::from_params(&rsa_ca, &rsa_ca_key);
    let ec_issuer = Issuer::from_params(&ec_ca, &p256_ca_key);

    let ders = (0..CORPUS_SIZE)
        .map(|i| {
            let p = leaf_params(i);
            let cert = if i.is_multiple_of(2) {
                p.signed_by(&rsa_subject, &rsa_issuer)
            } else {
                p.signed_by(&p256_subject, &ec_issuer)
            };
            cert.expect("sign").der().to_vec()
        })
        .collect();
    Corpus {
        ders,
        rsa_key_pem: RSA_SUBJECT_KEY.to_owned(),
        p256_key_pem: p256_subject.serialize_pem(),
    }
}

fn leaf_params(i: usize) -> CertificateParams {
    let host = host_of(i);
    let mut sans = vec![
        SanType::DnsName(host.clone().try_into().expect("ia5")),
        SanType::DnsName(
            format!("vpn{}.site{}.example.net", i % 97, i / 97)
                .try_into()
                .expect("ia5"),
        ),
    ];
    if has_wildcard(i) {
        sans.push(SanType::DnsName(
            "*.fleet.example.com".try_into().expect("ia5"),
        ));
    }
    sans.push(SanType::IpAddress(ip_of(i)));

    let mut p = CertificateParams::default();
    p.subject_alt_names = sans;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "US");
    dn.push(
        DnType::OrganizationName,
        format!("Example Fleet Site {}", i % 50),
    );
    dn.push(DnType::CommonName, host);
    p.distinguished_name = dn;
    p.serial_number = Some(SerialNumber::from_slice(
        &(0x1000_0000_0000_0000u64 + i as u64 * 7919).to_be_bytes(),
    ));
    let not_before = datetime!(2024-01-01 0:00 UTC) + Duration::hours(17 * i as i64 % 17_520);
    p.not_before = not_before;
    p.not_after = not_before + Duration::days(397);
    p.key_usages = if i.is_multiple_of(2) {
        vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ]
    } else {
        vec![KeyUsagePurpose::DigitalSignature]
    };
    use ExtendedKeyUsagePurpose as E;
    p.extended_key_usages = match i % 10 {
        0..=5 => vec![E::ServerAuth],
        6 => vec![E::ServerAuth, E::ClientAuth],
        7 => vec![E::Any],
        8 => vec![E::ClientAuth],
        _ => vec![],
    };
    if i % 4 != 3 {
        p.crl_distribution_points = vec![CrlDistributionPoint {
            uris: vec![format!("http://crl.example.com/fleet-ca-{}.crl", i % 5)],
        }];
    }
    p.use_authority_key_identifier_extension = true;
    p
}

fn load(path: &PathBuf) -> Option<Corpus> {
    let bytes = std::fs::read(path).ok()?;
    let mut rest = bytes.strip_prefix(CACHE_MAGIC.as_slice())?;
    let mut next = || -> Option<Vec<u8>> {
        let len = u32::from_le_bytes(rest.get(..4)?.try_into().ok()?) as usize;
        let item = rest.get(4..4 + len)?.to_vec();
        rest = &rest[4 + len..];
        Some(item)
    };
    let p256_key_pem = String::from_utf8(next()?).ok()?;
    let ders = (0..CORPUS_SIZE)
        .map(|_| next())
        .collect::<Option<Vec<_>>>()?;
    Some(Corpus {
        ders,
        rsa_key_pem: RSA_SUBJECT_KEY.to_owned(),
        p256_key_pem,
    })
}

fn store(path: &PathBuf, c: &Corpus) {
    let mut out = CACHE_MAGIC.to_vec();
    for item in std::iter::once(c.p256_key_pem.as_bytes()).chain(c.ders.iter().map(Vec::as_slice)) {
        out.extend_from_slice(&(item.len() as u32).to_le_bytes());
        out.extend_from_slice(item);
    }
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    // A failed write only costs the next run the generation time.
    let _ = std::fs::write(path, out);
}
