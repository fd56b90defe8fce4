//! Inputs the fuzz targets (`fuzz/`) found to break an invariant, each kept
//! as a test of the invariant it broke. The bytes are the minimised
//! artifacts, inline. See `fuzz/README.md` for how they were found.

use sstp_cert::model::httpsys::{ShowStyle, parse_sslcert_show, render_show};

/// `render_show` → `parse_sslcert_show` gives the bindings back, in both
/// styles (the invariant of the `netsh_show` target).
fn assert_show_round_trip(input: &[u8]) {
    let listing = parse_sslcert_show(input).expect("the input parses");
    for style in [ShowStyle::Current, ShowStyle::Legacy2008] {
        let text = render_show(&listing.bindings, style);
        let again = parse_sslcert_show(text.as_bytes())
            .unwrap_or_else(|e| panic!("rendered listing does not parse: {e}\n{text}"));
        assert_eq!(again.bindings, listing.bindings, "{style:?}\n{text}");
    }
}

/// netsh_show, crash-f8e16451…: a block whose endpoint label ends with a
/// colon (`::\t0` reads as label `:`, value `0`). `render_show` padded the
/// label, so the label's own colon was followed by white space and the
/// printed line split there: the listing did not parse back.
#[test]
fn netsh_label_ending_with_a_colon_renders_back() {
    assert_show_round_trip(&[32, 58, 58, 9, 48, 10, 255, 0, 187, 191, 0, 96, 0, 96, 58]);
    assert_show_round_trip(b"x:: 0.0.0.0:443\nhash:: 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192\nid:\t{ba195980-cd49-458b-9e23-c84ee0adcd75}\nstore:: MY\nflag::\n");
}

/// Found by the audit of allocations sized from input (not a fuzz crash):
/// `render_show` reserved its output for *every* binding as if each had
/// as many lines as the *first* one, so a listing of one long block and
/// many one-line blocks (about 6 bytes of input each) reserved about 6 KB
/// per binding — hundreds of megabytes for a listing under a megabyte.
#[test]
fn render_show_reserves_in_proportion_to_its_output() {
    let mut text = String::from("a:: 0.0.0.0:1\nh::\ni::\ns::\n");
    for i in 0..128 {
        text.push_str(&format!("f{i}:: 1\n"));
    }
    for port in 2..10_002u32 {
        text.push_str(&format!("\nb:: {port}\n"));
    }
    let listing = parse_sslcert_show(text.as_bytes()).expect("parses");
    assert_eq!(listing.bindings.len(), 10_001);
    let out = render_show(&listing.bindings, ShowStyle::Current);
    assert!(
        out.capacity() <= 2 * out.len() + 4096,
        "{} bytes reserved for {} bytes of output",
        out.capacity(),
        out.len()
    );
}

/// netsh_show, minimized from crash-4e9e57fa…: a field with an empty label
/// (`:\t_`). `render_show` padded the empty label to the label width, so
/// the printed line was indented by the padding and read back as a member
/// of an `Extended Properties` group under the blank line before it.
#[test]
fn netsh_empty_label_renders_back_at_its_indentation() {
    assert_show_round_trip(b"\0:\t4\n:\n:\n:\n:\n:\t_");
    assert_show_round_trip(
        b"IP:port : 0.0.0.0:443\n: 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192\n:\n:\nx :\n: 1\n",
    );
}

/// netsh_show, minimized from crash-2217e971…: a value ending in a stray
/// carriage return before trailing white space (`: \r `). The parser kept
/// the CR in the value (store name `"\r"`); printed at the end of a line it
/// became part of the line break and read back as no store at all. A CR at
/// either end of a value is line-end debris and is now trimmed like white
/// space; a CR inside a value is kept.
#[test]
fn netsh_value_with_a_trailing_carriage_return() {
    assert_show_round_trip(b": 2\n:\n:\n: \r ");
    let l = parse_sslcert_show(b": 2\n:\n:\n: \r \nx : a\rb\r\r\n").expect("parses");
    assert_eq!(l.bindings[0].store_name, None);
    assert_eq!(l.bindings[0].fields[0].value.as_text(), "a\rb");
    assert_show_round_trip(b": 2\n:\n:\n: \r \nx : a\rb\r\r\n");
}

/// Found by review of the EKU code (a hang the fuzzers' small inputs do
/// not reach): combining the EKU extension with the EKU property removed
/// duplicates and intersected the lists pairwise, quadratic in their
/// length. A properties file under the 1 MiB file limit holds about
/// 100,000 distinct OIDs, which took minutes per store entry (and per
/// automatic choice). Both steps are now linear.
#[cfg(feature = "serde")]
#[test]
fn long_eku_lists_are_combined_in_linear_time() {
    use sstp_cert::adapters::dir_store::EntryProperties;
    use sstp_cert::model::eku::{EffectiveEku, KeyPurpose, effective_eku};
    let items: Vec<String> = (0..100_000).map(|i| format!("\"1.{i}\"")).collect();
    let json = format!("{{\"eku_property\": [{}]}}", items.join(","));
    assert!(json.len() < 1024 * 1024);
    let property = EntryProperties::from_json(json.as_bytes())
        .expect("parses")
        .eku_property
        .expect("set");
    let extension: Vec<KeyPurpose> = (0..100_000)
        .map(|i| KeyPurpose::from_oid(&format!("1.{}", 2 * i)))
        .collect();
    let start = std::time::Instant::now();
    let alone = effective_eku(None, Some(&property));
    let both = effective_eku(Some(&extension), Some(&property));
    let elapsed = start.elapsed();
    assert!(matches!(&alone, EffectiveEku::List(l) if l.len() == 100_000));
    // The even arcs below 100,000 are in both lists, in the extension's order.
    match &both {
        EffectiveEku::List(l) => {
            assert_eq!(l.len(), 50_000);
            assert_eq!(l[1], KeyPurpose::from_oid("1.2"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        elapsed < std::time::Duration::from_secs(10),
        "combining two lists of 100,000 purposes took {elapsed:?}"
    );
}

/// structured, crash-c10aa718…: the same certificate twice in
/// the store — first without a key, then with one (two files of a
/// directory store, or an entry re-imported with its key). The automatic
/// choice picks the entry with the key, but the check HTTP.sys makes when
/// the service adds the binding looked only at the *first* entry with the
/// hash, found no key and refused the add (Events 12 and 13): the service
/// chose a certificate it then could not bind, and had no listener.
#[test]
fn duplicate_certificate_with_and_without_key_binds_the_one_with_the_key() {
    use sstp_cert::model::certificate::Certificate;
    use sstp_cert::model::httpsys::Endpoint;
    use sstp_cert::model::plumbing::{PlumbingInput, plumb};
    use sstp_cert::model::registry::SstpParameters;
    use sstp_cert::model::store::{KeyState, StoreEntry};
    let pem = include_bytes!("../examples/store/04-server-auth-no-key.pem");
    let cert = Certificate::from_pem_or_der(pem).expect("sample")[0].clone();
    let store = [
        StoreEntry::new(cert.clone(), KeyState::Absent, "a.pem"),
        StoreEntry::new(cert.clone(), KeyState::Linked, "b.pem"),
    ];
    let parameters = SstpParameters::default();
    let p = plumb(&PlumbingInput::new(&parameters, &store, &[]));
    assert_eq!(
        p.choice
            .as_ref()
            .and_then(|c| c.selected.as_ref())
            .map(|s| s.index),
        Some(1)
    );
    assert!(p.events.is_empty(), "{:?}", p.event_numbers());
    assert_eq!(p.bound, Some(cert.sha1()));
    assert!(p.binding_for(&Endpoint::ipv6_wildcard(443)).is_some());
}

/// Found by the audit of reads (not a fuzz crash): `sstp-cert inspect`
/// checked a file's size from its metadata and then read all of it. A
/// device or FIFO reports size 0, so `inspect /dev/zero` read without end
/// until memory ran out. The read is now bounded by the same limit.
#[cfg(all(unix, feature = "cli"))]
#[test]
fn cli_inspect_of_an_endless_device_stops_at_the_limit() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
        .args(["inspect", "/dev/zero"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run sstp-cert");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("inspect /dev/zero still reading after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut err)
        .expect("stderr");
    assert!(!status.success());
    assert!(err.contains("/dev/zero: more than 1048576 bytes"), "{err}");
}

/// Found by review of the PEM detection (the `certificate` target checks
/// the same invariant): input is taken for PEM when `-----BEGIN ` occurs
/// in its first 16 KiB — also *inside* a DER certificate, e.g. in a
/// subject name. Such a certificate was refused by `from_pem_or_der` (and
/// by the directory store) although `from_der` reads it. DER is now tried
/// first for input that starts like a DER SEQUENCE.
#[cfg(feature = "key-pairing")]
#[test]
fn der_certificate_containing_a_pem_marker_is_read_as_der() {
    use sstp_cert::adapters::dir_store::{EntryFile, assemble_entry};
    use sstp_cert::model::certificate::Certificate;
    use sstp_cert::model::key::PrivateKey;
    use sstp_cert::model::store::KeyState;
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "-----BEGIN CERTIFICATE-----");
    let der = params.self_signed(&key).expect("sign").der().to_vec();
    let cert = Certificate::from_der(der.clone()).expect("DER");
    assert_eq!(Certificate::from_pem_or_der(&der), Ok(vec![cert.clone()]));
    let key_der = key.serialize_der();
    let made = assemble_entry(
        EntryFile::new("odd.der", &der),
        Some(EntryFile::new("odd.key", &key_der)),
        None,
    );
    assert!(made.problems.is_empty(), "{:?}", made.problems);
    assert_eq!(made.entry.expect("an entry").key, KeyState::Paired);
    // A DER key is read as DER whatever its bytes contain.
    assert!(PrivateKey::from_pem_or_der(&key_der).is_ok());
}

/// Found by `parser_props::script_steps_round_trip` (the script target
/// checks the same): a `reg add` line the crate renders did not read back.
/// `RegistryWrite::to_reg_command` quotes by the Microsoft C runtime's
/// rules, as reg.exe reads its command line (backslashes before a quote
/// are doubled: the value `\` is written `"\\"`), but the script parser
/// only knew `\"` and read `"\\"` as an unclosed quote. It now splits by
/// the same rules.
#[test]
fn script_reads_back_backslashes_before_a_quote() {
    use sstp_cert::model::plan::PlanStep;
    use sstp_cert::model::registry::{RegValue, RegistryWrite};
    use sstp_cert::model::script::{ScriptStep, parse_line};
    for value in [r"\", r"C:\dir\", r#"say \"hi\""#, r"a\\b", r#"""#] {
        let step = PlanStep::Registry {
            write: RegistryWrite::set("Note", RegValue::String(value.to_owned())),
        };
        let line = step.render().expect("renders");
        assert_eq!(
            parse_line(&line),
            Ok(Some(ScriptStep::Plan(step))),
            "{line}"
        );
    }
    // Backslashes not before a quote are literal, as in key paths.
    let line = r#"reg add HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters /v P /t REG_SZ /d a\\b\c /f"#;
    match parse_line(line) {
        Ok(Some(ScriptStep::Plan(PlanStep::Registry {
            write: RegistryWrite::Set { value, .. },
        }))) => assert_eq!(value, RegValue::String(r"a\\b\c".into())),
        other => panic!("{other:?}"),
    }
}

/// registry, minimized from crash-50ded110… (found by the CI fuzz stage):
/// a `reg query` REG_MULTI_SZ whose data holds raw NUL characters
/// (`\0\0 `) read as one item containing NULs — a value Windows cannot
/// hold, since NUL separates the items — and its `.reg` export read back
/// as three items. A trailing `\0` (`a\0`) likewise read as an empty last
/// item, which is the list's terminator in the stored value. The parser
/// now reads the data as Windows stores it: raw NULs separate items too,
/// and trailing empty items are dropped.
#[test]
fn reg_query_multi_string_reads_as_windows_stores_it() {
    use sstp_cert::model::registry::{RegValue, parse_reg_file, parse_reg_query};
    let query = |data: &[u8]| {
        let mut text = b"\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\r\n ts    REG_MULTI_SZ    ".to_vec();
        text.extend(data);
        text.extend(b"\r\n");
        parse_reg_query(&text).expect("parses").values
    };
    let v = query(b"\0\0 ");
    assert_eq!(
        v.get("ts"),
        Some(&RegValue::MultiString(vec![
            String::new(),
            String::new(),
            " ".into()
        ]))
    );
    assert_eq!(
        parse_reg_file(v.to_reg_file().as_bytes())
            .expect("export")
            .values,
        v
    );
    let v = query(b"a\\0");
    assert_eq!(v.get("ts"), Some(&RegValue::MultiString(vec!["a".into()])));
    assert_eq!(
        parse_reg_file(v.to_reg_file().as_bytes())
            .expect("export")
            .values,
        v
    );
    let v = query(b"a\\0\\0b");
    assert_eq!(
        v.get("ts"),
        Some(&RegValue::MultiString(vec![
            "a".into(),
            String::new(),
            "b".into()
        ]))
    );
    assert_eq!(
        parse_reg_file(v.to_reg_file().as_bytes())
            .expect("export")
            .values,
        v
    );
}

/// Found by the `certificate` target: a certificate whose outer SEQUENCE
/// tag `0x30` was written `0xB0` (context-specific `[16]`, constructed),
/// with `-----BEGIN ` inside it. x509-parser matches that tag by number
/// only and read it as a certificate, but `from_pem_or_der` (rightly) did
/// not take it for DER and read it as PEM: the two disagreed. CryptoAPI
/// checks the class of every tag (`CRYPT_E_ASN1_BADTAG`), so such bytes
/// are not a certificate to the service either; `from_der` now refuses
/// them, naming the element and its byte.
#[test]
fn certificate_tags_are_checked_with_their_class() {
    use sstp_cert::model::certificate::{Certificate, CertificateError};
    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).expect("params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "-----BEGIN CERTIFICATE-----");
    let mut der = params.self_signed(&key).expect("sign").der().to_vec();
    assert!(Certificate::from_der(der.clone()).is_ok());
    der[0] = 0xB0;
    let error = Certificate::from_der(der.clone()).expect_err("0xB0 is not a SEQUENCE");
    let CertificateError::NotDer { reason } = &error else {
        panic!("expected NotDer, got {error:?}");
    };
    assert!(reason.starts_with("Certificate at byte 0"), "{reason}");
    assert!(
        reason.contains("expected SEQUENCE, found context-specific constructed [16] (0xB0)"),
        "{reason}"
    );
    // Both readers refuse it now (as PEM it has no valid block).
    assert!(Certificate::from_pem_or_der(&der).is_err());
}

/// The same check everywhere the model reads: changing the class of any
/// tag of a certificate either makes it unreadable or leaves every fact
/// the model takes from it unchanged — never a different reading. Tags of
/// the skeleton and of the extensions the model interprets are refused.
#[test]
fn no_tag_class_change_is_misread() {
    use sstp_cert::model::certificate::Certificate;
    use x509_parser::asn1_rs::{Any, FromBer};

    // Offsets of every identifier octet, descending into constructed
    // elements and into the value of each extension.
    fn walk(bytes: &[u8], base: usize, in_extension_list: bool, out: &mut Vec<(usize, bool)>) {
        let mut rest = bytes;
        while !rest.is_empty() {
            let offset = base + (bytes.len() - rest.len());
            let (next, any) = Any::from_ber(rest).expect("well-formed");
            let header = rest.len() - next.len() - any.data.len();
            out.push((offset, in_extension_list));
            let content = offset + header;
            if any.header.is_constructed() {
                // [3] → SEQUENCE OF Extension → Extension.
                let list =
                    any.header.tag().0 == 3 || (in_extension_list && any.header.tag().0 == 16);
                walk(any.data, content, list, out);
            } else if in_extension_list && any.header.tag().0 == 4 {
                walk(any.data, content, false, out);
            }
            rest = next;
        }
    }

    let key = rcgen::KeyPair::generate().expect("key");
    let mut params = rcgen::CertificateParams::new(vec!["vpn.example.com".into()]).expect("params");
    params
        .subject_alt_names
        .push(rcgen::SanType::IpAddress("203.0.113.7".parse().unwrap()));
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "vpn.example.com");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.is_ca = rcgen::IsCa::ExplicitNoCa;
    let der = params.self_signed(&key).expect("sign").der().to_vec();
    let original = Certificate::from_der(der.clone()).expect("the original parses");
    // (Not `is_self_issued`: it compares the encoded names, and an issuer
    // attribute value with another tag is another issuer name.)
    let facts = |c: &Certificate| {
        format!(
            "{:?} {:?} {:?} {:?} {:?} {} {} {:?} {}",
            c.names(),
            c.eku(),
            c.key_usage(),
            c.validity(),
            c.public_key(),
            c.signature_algorithm(),
            c.serial_hex(),
            c.unknown_critical_extensions(),
            c.has_crl_distribution_points()
        )
    };

    let mut tags = Vec::new();
    walk(&der, 0, false, &mut tags);
    assert!(tags.len() > 40, "{} tags", tags.len());
    let mut refused = 0;
    for &(offset, _) in &tags {
        for flip in [0x40u8, 0x80, 0xC0] {
            let mut changed = der.clone();
            changed[offset] ^= flip;
            match Certificate::from_der(changed) {
                Err(_) => refused += 1,
                Ok(c) => assert_eq!(
                    facts(&c),
                    facts(&original),
                    "class change at byte {offset} ({:#04x} → {:#04x}) read differently",
                    der[offset],
                    der[offset] ^ flip
                ),
            }
        }
    }
    // Everything but "any" slots (algorithm parameters, attribute values
    // other than the subject CN, other extensions' values) is refused.
    assert!(
        refused >= 3 * (tags.len() - 8),
        "{refused} of {}",
        3 * tags.len()
    );
}

/// Found by a long `netsh_show` run: a listing (UTF-16, as netsh writes
/// it) whose `Certificate Store Name` was over 8 KB. The binding parsed,
/// and `AddSslCert::render` wrote its `netsh http add sslcert` command —
/// 8,215 bytes, which `parse_sslcert_command` refuses (its limit is
/// `MAX_COMMAND_LEN`, 8 KiB; cmd.exe's own is 8,191 characters), so the
/// crate printed a command that neither it nor cmd.exe would run. A
/// command over the limit is now an error of `render`, naming its length.
#[test]
fn add_command_over_the_command_limit_is_not_rendered() {
    use sstp_cert::model::httpsys::{
        AddCommandError, AddSslCert, MAX_COMMAND_LEN, SslCertCommand, parse_sslcert_command,
    };
    let hash = "2deaa3dbe6eeaec89371fb1283a80984fc834531".parse().unwrap();
    let endpoint = "0.0.0.0:443".parse().unwrap();
    let mut add = AddSslCert::sstp(endpoint, hash);
    let fixed = add.render().unwrap().len() - "MY".len();

    // Up to the limit: rendered, and read back to the same command.
    add.store_name = Some("M".repeat(MAX_COMMAND_LEN - fixed));
    let text = add.render().expect("exactly at the limit");
    assert_eq!(text.len(), MAX_COMMAND_LEN);
    assert_eq!(
        parse_sslcert_command(&text),
        Ok(SslCertCommand::Add(add.clone()))
    );

    // One byte over: an error, not a command nothing can run.
    add.store_name = Some("M".repeat(MAX_COMMAND_LEN - fixed + 1));
    assert_eq!(
        add.render(),
        Err(AddCommandError::TooLong {
            len: MAX_COMMAND_LEN + 1,
            max: MAX_COMMAND_LEN
        })
    );
}
