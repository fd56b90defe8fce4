//! Writes the seed corpus of the fuzz targets, `fuzz/corpus/<target>/`,
//! from the crate's own test inputs: the sample store in `examples/store`,
//! the keys in `tests/data/keys`, and texts the crate renders itself
//! (`netsh` listings and commands, `.reg` exports, `reg query` listings,
//! administrator scripts, Call Connected messages). Nothing is downloaded; the output is
//! deterministic, so running it again changes nothing.
//!
//! ```text
//! cargo run --example fuzz_corpus            # writes fuzz/corpus/
//! cargo run --example fuzz_corpus -- <dir>   # writes <dir>/<target>/
//! ```
//!
//! Each file is named by what it is, not by its hash, so that a reviewer
//! can see what a seed covers.

use std::fs;
use std::path::{Path, PathBuf};

use sstp_cert::model::certificate::Certificate;
use sstp_cert::model::crypto_binding::{
    CallConnected, CryptoBindingRequest, HashProtocol, HashProtocols, Hlak, certificate_hash_field,
};
use sstp_cert::model::httpsys::{
    AddSslCert, Endpoint, NetshOption, OptionValue, SSTP_APP_ID, ShowStyle, SslBinding,
    render_delete_command, render_show,
};
use sstp_cert::model::registry::{RegValue, RegistryValues, RegistryWrite};
use sstp_cert::model::thumbprint::{Sha1Thumbprint, Sha256Hash};

/// The sample store: certificate file, key file (if any), properties file
/// (if any).
const STORE: [(&str, Option<&str>, Option<&str>); 7] = [
    (
        "01-all-purpose-any-eku.pem",
        Some("01-all-purpose-any-eku.key"),
        None,
    ),
    (
        "02-all-purpose-no-eku.cer",
        Some("02-all-purpose-no-eku.key"),
        None,
    ),
    (
        "03-client-auth-only.pem",
        Some("03-client-auth-only.key"),
        None,
    ),
    ("04-server-auth-no-key.pem", None, None),
    ("05-server-auth-expired.pem", None, None),
    (
        "06-server-auth-property-client-only.pem",
        Some("06-server-auth-property-client-only.key"),
        Some("06-server-auth-property-client-only.json"),
    ),
    (
        "07-server-auth-vpn.pem",
        Some("07-server-auth-vpn.key"),
        Some("07-server-auth-vpn.json"),
    ),
];

/// The German listing of the `httpsys` tests (labels are localised).
const GERMAN_LISTING: &str = "
SSL-Zertifikatbindungen:
-------------------------

    IP:Port                      : [::]:443
    Zertifikathash               : 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192
    Anwendungs-ID                : {BA195980-CD49-458B-9E23-C84EE0ADCD75}
    Zertifikatspeichername       : MY
    Sperrung des Clientzertifikats überprüfen : Aktiviert
    Clientzertifikat aushandeln  : Deaktiviert
    Erweiterte Eigenschaften:
        Eigenschafts-ID          : 0
        Empfangsfenster          : 1048576

";

/// A block that lacks its hash line, and one with an empty hash.
const MISSING_HASH_LISTING: &str = "
SSL Certificate bindings:
-------------------------

    IP:port                      : 0.0.0.0:443
    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name       : MY

    IP:port                      : [::]:443
    Certificate Hash             : (null)
    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name       : (null)

    Central Certificate Store    : 8443
    Certificate Hash             :
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       :

";

/// The `.reg` export of the registry tests: every data form.
const REGEDIT5: &str = include_str!("../tests/data/registry/every-form.reg");

/// A console transcript sample of `tests/data/transcripts`.
fn transcript(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/transcripts")
        .join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const REGEDIT4: &str = "REGEDIT4\r\n\r\n[HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\r\n\
\"UseHttps\"=dword:00000000\r\n\"ListenerPort\"=dword:00000050\r\n\
\"Path\"=hex(2):25,53,79,73,00\r\n\"SHA1CertificateHash\"=-\r\n\r\n\
[-HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\Other]\r\n";

const REG_QUERY_ERROR: &str =
    "ERROR: The system was unable to find the specified registry key or value.\r\n";

struct Writer {
    root: PathBuf,
    written: usize,
    bytes: usize,
}

impl Writer {
    fn put(&mut self, target: &str, name: &str, bytes: impl AsRef<[u8]>) {
        let dir = self.root.join(target);
        fs::create_dir_all(&dir).expect("create the corpus directory");
        let bytes = bytes.as_ref();
        fs::write(dir.join(name), bytes).expect("write a seed");
        self.written += 1;
        self.bytes += bytes.len();
    }
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { Vec::new() };
    out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

/// The framing of the `dir_store_entry` target (`fuzz/src/lib.rs`,
/// `split_entry_input`): flags, u32 LE length + certificate, u32 LE length
/// + key, rest = properties.
fn frame_entry(cert: &[u8], key: Option<&[u8]>, props: Option<&[u8]>) -> Vec<u8> {
    let flags = u8::from(key.is_some()) | (u8::from(props.is_some()) << 1);
    let mut out = vec![flags];
    out.extend(u32::try_from(cert.len()).expect("small").to_le_bytes());
    out.extend(cert);
    if let Some(k) = key {
        out.extend(u32::try_from(k.len()).expect("small").to_le_bytes());
        out.extend(k);
    }
    if let Some(p) = props {
        out.extend(p);
    }
    out
}

/// Deterministic pseudo-random bytes (for the `structured` target, where
/// any bytes are a valid scenario).
fn lcg_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) as u8
        })
        .collect()
}

fn main() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = std::env::args_os()
        .nth(1)
        .map_or_else(|| crate_dir.join("fuzz/corpus"), PathBuf::from);
    let store = crate_dir.join("examples/store");
    let keys = crate_dir.join("tests/data/keys");
    let read = |p: PathBuf| fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let mut w = Writer {
        root,
        written: 0,
        bytes: 0,
    };

    // --- certificate, private_key, dir_store_entry
    let mut certs = Vec::new();
    for (cert_name, key_name, json_name) in STORE {
        let cert_file = read(store.join(cert_name));
        let cert = Certificate::from_pem_or_der(&cert_file).expect("sample certificate");
        w.put("certificate", cert_name, &cert_file);
        w.put("certificate", &format!("{cert_name}.der"), cert[0].der());
        let key_file = key_name.map(|k| read(store.join(k)));
        let json_file = json_name.map(|j| read(store.join(j)));
        if let (Some(k), Some(name)) = (&key_file, key_name) {
            w.put("private_key", name, k);
        }
        w.put(
            "dir_store_entry",
            &format!("{cert_name}.entry"),
            frame_entry(&cert_file, key_file.as_deref(), json_file.as_deref()),
        );
        certs.push(cert[0].clone());
    }
    w.put(
        "certificate",
        "lab-ca.crt",
        read(store.join("ca/lab-ca.crt")),
    );
    let expired = read(store.join("05-server-auth-expired.pem"));
    w.put("private_key", "05-cert-and-key.pem", &expired);
    let mut names: Vec<_> = fs::read_dir(&keys)
        .expect("tests/data/keys")
        .map(|e| e.expect("entry").file_name())
        .filter(|n| !n.to_string_lossy().ends_with(".md"))
        .collect();
    names.sort();
    for n in names {
        let name = n.to_string_lossy().into_owned();
        w.put("private_key", &name, read(keys.join(&n)));
    }
    // A certificate with a mismatched key, and a chain with two certificates.
    let vpn = read(store.join("07-server-auth-vpn.pem"));
    let other_key = read(store.join("01-all-purpose-any-eku.key"));
    w.put(
        "dir_store_entry",
        "mismatched-key.entry",
        frame_entry(
            &vpn,
            Some(&other_key),
            Some(br#"{"eku_property": [], "friendly_name": null}"#),
        ),
    );
    let chain = [vpn.as_slice(), read(store.join("ca/lab-ca.crt")).as_slice()].concat();
    w.put("certificate", "chain.pem", &chain);
    w.put(
        "dir_store_entry",
        "chain-and-key-in-file.entry",
        frame_entry(
            &[
                chain.as_slice(),
                &read(store.join("07-server-auth-vpn.key")),
            ]
            .concat(),
            Some(&other_key),
            Some(br#"{"eku_property": ["serverAuth", "1.3.6.1.5.5.7.3.2"]}"#),
        ),
    );

    // --- netsh_show, netsh_command
    let hash = certs[6].sha1();
    let sstp_pair = |style| {
        vec![
            SslBinding::sstp(Endpoint::ipv4_wildcard(443), hash).with_default_fields(style),
            SslBinding::sstp(Endpoint::ipv6_wildcard(443), hash).with_default_fields(style),
        ]
    };
    let mut mixed = sstp_pair(ShowStyle::Current);
    mixed.push(SslBinding::new(
        Endpoint::hostname_port("sts.example.org", 443).expect("host"),
        Some(certs[5].sha1()),
        Some(
            "{5d89a20c-beab-4389-9447-324788eb944a}"
                .parse()
                .expect("guid"),
        ),
        Some("MY"),
    ));
    mixed.push(SslBinding::new(
        Endpoint::Ccs { port: 8443 },
        None,
        Some(
            "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
                .parse()
                .expect("guid"),
        ),
        None,
    ));
    let current = render_show(&sstp_pair(ShowStyle::Current), ShowStyle::Current);
    let legacy = render_show(&sstp_pair(ShowStyle::Legacy2008), ShowStyle::Legacy2008);
    w.put("netsh_show", "current.txt", &current);
    w.put("netsh_show", "legacy-2008.txt", &legacy);
    w.put(
        "netsh_show",
        "mixed-endpoints.txt",
        render_show(&mixed, ShowStyle::Current),
    );
    w.put(
        "netsh_show",
        "current-utf16le-bom.txt",
        utf16le(&current, true),
    );
    w.put("netsh_show", "legacy-utf16le.txt", utf16le(&legacy, false));
    w.put("netsh_show", "german-lf.txt", GERMAN_LISTING);
    w.put(
        "netsh_show",
        "missing-hash.txt",
        MISSING_HASH_LISTING.replace('\n', "\r\n"),
    );
    w.put(
        "netsh_show",
        "empty-listing.txt",
        "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n",
    );
    // console transcripts (behaviour §12): prompts, echoes, transcript headers
    for name in [
        "netsh-cmd.txt",
        "netsh-powershell.txt",
        "netsh-transcript.txt",
    ] {
        w.put(
            "netsh_show",
            &format!("transcript-{name}"),
            transcript(name),
        );
    }
    let mut add = AddSslCert::sstp(Endpoint::ipv4_wildcard(443), hash);
    w.put(
        "netsh_command",
        "add-sstp.txt",
        add.render().expect("renders"),
    );
    add.endpoint = Endpoint::hostname_port("vpn.example.com", 8443).expect("host");
    add.app_id = SSTP_APP_ID;
    add.options = vec![
        (NetshOption::DisableHttp2, OptionValue::Flag(true)),
        (
            NetshOption::RevocationFreshnessTime,
            OptionValue::Number(3600),
        ),
        (
            NetshOption::SslCtlStoreName,
            OptionValue::Text("Ctl Store".into()),
        ),
    ];
    w.put(
        "netsh_command",
        "add-options.txt",
        add.render().expect("renders"),
    );
    for (i, e) in [
        Endpoint::ipv6_wildcard(443),
        Endpoint::Ccs { port: 443 },
        Endpoint::hostname_port("vpn.example.com", 443).expect("host"),
    ]
    .iter()
    .enumerate()
    {
        w.put(
            "netsh_command",
            &format!("delete-{i}.txt"),
            render_delete_command(e).expect("renders"),
        );
    }
    w.put(
        "netsh_command",
        "add-powershell-quotes.txt",
        format!(
            "netsh.exe http add sslcert ipport=[::]:443 certhash={} appid='{{BA195980-CD49-458B-9E23-C84EE0ADCD75}}' certstorename=\"MY\"",
            hash.to_uppercase_hex()
        ),
    );

    // --- registry
    let mut values = RegistryValues::new();
    values.set("UseHttps", RegValue::Dword(1));
    values.set("ListenerPort", RegValue::Dword(0));
    values.apply_all(&RegistryWrite::automatic_mode_record(
        &certs[6].sha256(),
        &certs[6].sha1(),
    ));
    values.set("SHA1Enabled", RegValue::Dword(0));
    values.set(
        "Transports",
        RegValue::MultiString(vec!["sstp".into(), "https".into()]),
    );
    values.set(
        "ServiceDll",
        RegValue::ExpandString("%SystemRoot%\\x.dll".into()),
    );
    values.set("", RegValue::String("default".into()));
    w.put("registry", "export-utf8.reg", values.to_reg_file());
    w.put("registry", "export-utf16.reg", values.to_reg_file_utf16());
    w.put("registry", "query.txt", values.to_reg_query());
    for name in [
        "reg-query-cmd.txt",
        "reg-query-powershell.txt",
        "reg-file-type.txt",
    ] {
        w.put("registry", &format!("transcript-{name}"), transcript(name));
    }
    w.put(
        "registry",
        "regedit5-all-forms.reg",
        REGEDIT5.replace('\n', "\r\n"),
    );
    w.put("registry", "regedit4.reg", REGEDIT4);
    w.put("registry", "query-error.txt", REG_QUERY_ERROR);
    let mut short = RegistryValues::new();
    short.set("SHA256CertificateHash", RegValue::Binary(vec![0xab; 31]));
    short.set("isHashConfiguredByAdmin", RegValue::Dword(1));
    w.put(
        "registry",
        "query-hash-31-bytes.txt",
        utf16le(&short.to_reg_query(), true),
    );

    // --- thumbprint
    let sha1 = certs[6].sha1();
    let sha256 = certs[6].sha256();
    w.put("thumbprint", "sha1-lower.txt", sha1.to_string());
    w.put("thumbprint", "sha1-spaced.txt", sha1.to_spaced_hex());
    w.put(
        "thumbprint",
        "sha1-dialog-copy.txt",
        format!("\u{200e}{}\u{feff}", sha1.to_spaced_hex()),
    );
    w.put("thumbprint", "sha256-upper.txt", sha256.to_uppercase_hex());
    w.put(
        "thumbprint",
        "sha256-colons.txt",
        sha256
            .as_bytes()
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
    );
    w.put(
        "thumbprint",
        "zero-hash.txt",
        Sha1Thumbprint::from_bytes([0; 20]).to_string(),
    );
    w.put(
        "thumbprint",
        "sha256-of-empty.txt",
        Sha256Hash::of_der(b"").to_string(),
    );

    // --- hostname
    for (i, text) in [
        "vpn.example.com",
        "VPN.Example.COM.",
        "bücher.example",
        "xn--bcher-kva.example",
        "[2001:db8::1]",
        "203.0.113.7",
        "foo_bar.example.com",
        "*.example.com\nvpn.example.com",
        "vpn.example.com\nVPN.EXAMPLE.COM",
        "f*.example.com\nfoo.example.com",
        "null.python.org\0example.org\nnull.python.org",
        "vpn.example.com:443",
        "fe80::1%eth0",
    ]
    .iter()
    .enumerate()
    {
        w.put("hostname", &format!("host-{i:02}.txt"), text);
    }

    // --- crypto_binding
    for (i, protocol) in [HashProtocol::Sha256, HashProtocol::Sha1]
        .iter()
        .enumerate()
    {
        let m = CallConnected::new(
            *protocol,
            [0x42; 32],
            certificate_hash_field(certs[6].der(), *protocol),
        )
        .signed(&Hlak::from_bytes([0x5a; 32]));
        w.put(
            "crypto_binding",
            &format!("call-connected-{i}.bin"),
            m.encode(),
        );
    }
    for (i, protocols) in [
        HashProtocols::SHA256,
        HashProtocols::SHA1,
        HashProtocols::BOTH,
    ]
    .into_iter()
    .enumerate()
    {
        let r = CryptoBindingRequest::new(protocols, [0x42; 32]);
        w.put(
            "crypto_binding",
            &format!("call-connect-ack-{i}.bin"),
            r.encode(),
        );
        w.put(
            "crypto_binding",
            &format!("crypto-binding-request-{i}.bin"),
            r.encode_attribute(),
        );
    }

    // --- script: the change procedure of behaviour §0.2, done the wrong way and
    // the right way, as `sstp-cert simulate` reads it
    let old = certs[5].sha1();
    let new = &certs[6];
    let mut steps = vec![
        "# renewal done the wrong way".to_owned(),
        format!("certutil -delstore MY {old}"),
        "import examples/store/07-server-auth-vpn.pem".to_owned(),
        "net stop sstpsvc /y".to_owned(),
        "net start remoteaccess".to_owned(),
        "connect vpn.example.com".to_owned(),
        "reboot".to_owned(),
        "connect vpn.example.com windows ipv6".to_owned(),
        "rem the fix".to_owned(),
    ];
    for e in [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)] {
        steps.push(render_delete_command(&e).expect("renders"));
    }
    steps.push(
        RegistryWrite::delete("SHA256CertificateHash")
            .to_reg_command()
            .expect("renders"),
    );
    for e in [Endpoint::ipv4_wildcard(443), Endpoint::ipv6_wildcard(443)] {
        steps.push(AddSslCert::sstp(e, new.sha1()).render().expect("renders"));
    }
    for w in RegistryWrite::admin_pin(&new.sha256(), &new.sha1()) {
        steps.push(w.to_reg_command().expect("renders"));
    }
    steps.push(
        RegistryWrite::set("ListenerPort", RegValue::Dword(8443))
            .to_reg_command()
            .expect("renders"),
    );
    steps.extend([
        "net stop sstpsvc /y".to_owned(),
        "net start remoteaccess".to_owned(),
        "connect vpn.example.com rfc9525".to_owned(),
        "connect 192.0.2.7 sstpc v4".to_owned(),
    ]);
    w.put("script", "renewal.txt", steps.join("\r\n"));
    for (i, line) in steps
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.starts_with(['#', 'r']))
    {
        w.put("script", &format!("line-{i:02}.txt"), line);
    }

    // --- sstp_request: the HTTP request head of an SSTP client
    let uri = "/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/";
    for (name, head) in [
        (
            "windows.txt",
            format!(
                "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nSSTPCORRELATIONID: {{0B5C2D4E-0000-4000-8000-000000000001}}\r\nContent-Length: 18446744073709551615\r\nHost: vpn.example.com\r\n\r\n"
            ),
        ),
        (
            "sstpc.txt",
            format!(
                "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nHost: vpn.example.com\r\nSSTPCORRELATIONID: {{0B5C2D4E-0000\r\nContent-Length: 18446744073709551615\r\n\r\n"
            ),
        ),
        (
            "get.txt",
            "GET / HTTP/1.1\r\nHost: vpn.example.com\r\n\r\n".to_owned(),
        ),
        (
            "http10.txt",
            format!("SSTP_DUPLEX_POST {uri} HTTP/1.0\r\nHost: x\r\n\r\n"),
        ),
        (
            "chunked.txt",
            format!(
                "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nhost: x\r\ncontent-length: 18446744073709551615\r\nTransfer-Encoding: chunked\r\n\r\n"
            ),
        ),
    ] {
        w.put("sstp_request", name, head);
    }

    // --- sstp_request_reader: a count byte, that many piece sizes, then
    // the bytes as they arrive (a head and what follows it)
    let head = format!(
        "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nHost: vpn.example.com\r\nContent-Length: 18446744073709551615\r\n\r\n"
    );
    let call_connect: &[u8] = &[
        0x10, 0x01, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x06, 0x00, 0x01,
    ];
    for (name, sizes, body) in [
        ("bytewise.bin", &[][..], head.clone().into_bytes()),
        ("pieces.bin", &[2, 7, 0, 30][..], head.clone().into_bytes()),
        (
            "pipelined.bin",
            &[60, 1][..],
            [head.as_bytes(), call_connect].concat(),
        ),
        (
            "too-large.bin",
            &[255][..],
            format!(
                "SSTP_DUPLEX_POST {uri} HTTP/1.1\r\nX: {}\r\n\r\n",
                "a".repeat(1100)
            )
            .into_bytes(),
        ),
        ("cut-short.bin", &[5][..], head.as_bytes()[..40].to_vec()),
    ] {
        let mut input = vec![u8::try_from(sizes.len()).unwrap_or(0)];
        input.extend_from_slice(sizes);
        input.extend_from_slice(&body);
        w.put("sstp_request_reader", name, input);
    }

    // --- structured: any bytes are a scenario
    for (i, len) in [16usize, 64, 256, 1024].iter().enumerate() {
        w.put(
            "structured",
            &format!("scenario-{i}.bin"),
            lcg_bytes(i as u64 + 1, *len),
        );
    }

    println!(
        "wrote {} seeds ({} bytes) under {}",
        w.written,
        w.bytes,
        w.root.display()
    );
}
