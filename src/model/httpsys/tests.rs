//! Tests for the HTTP.sys binding model. The sample listings below are
//! written by hand from the field lists in [behaviour §5](crate::behaviour) (hashes and host names
//! are made up).

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};

use proptest::prelude::*;
#[cfg(feature = "serde")]
use serde_json::json;

use super::*;

/// 2008 generation: 13 lines per block, empty values blank (some with the
/// trailing space netsh leaves after the colon).
const LEGACY_2008: &str = "
SSL Certificate bindings:
-------------------------

    IP:port                 : 0.0.0.0:443
    Certificate Hash        : 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192
    Application ID          : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name  : MY
    Verify Client Certificate Revocation    : Enabled
    Verify Revocation Using Cached Client Certificate Only    : Disabled
    Usage Check    : Enabled
    Revocation Freshness Time : 0
    URL Retrieval Timeout   : 0
    Ctl Identifier          : 
    Ctl Store Name          :
    DS Mapper Usage    : Disabled
    Negotiate Client Certificate    : Disabled

    IP:port                 : [::]:443
    Certificate Hash        : 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192
    Application ID          : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name  : 
    Verify Client Certificate Revocation    : Enabled
    Verify Revocation Using Cached Client Certificate Only    : Disabled
    Usage Check    : Enabled
    Revocation Freshness Time : 0
    URL Retrieval Timeout   : 0
    Ctl Identifier          : 
    Ctl Store Name          : 
    DS Mapper Usage    : Disabled
    Negotiate Client Certificate    : Disabled

";

/// Current generation: IP:port (SSTP) with every flag and the Extended
/// Properties groups, Hostname:port (AD FS), a specific address (IIS
/// Express) and a Central Certificate Store binding (IIS).
const CURRENT: &str = "
SSL Certificate bindings:
-------------------------

    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192
    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Reject Connections           : Disabled
    Disable HTTP2                : Not Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Not Set
    Disable OCSP Stapling        : Not Set
    Enable Token Binding         : Not Set
    Log Extended Events          : Not Set
    Disable Legacy TLS Versions  : Set
    Enable Session Ticket        : Not Set
    Disable Session ID           : Not Set
    Enable Caching Client Hello  : Not Set
    Extended Properties:
        PropertyId               : 0
        Receive Window           : 1048576
    Extended Properties:
        PropertyId               : 1
        Max Settings Per Frame   : 2796202
        Max Settings Per Minute  : 4294967295

    Hostname:port                : sts.example.org:443
    Certificate Hash             : 0123456789abcdef0123456789abcdef01234567
    Application ID               : {5d89a20c-beab-4389-9447-324788eb944a}
    Certificate Store Name       : MY
    Verify Client Certificate Revocation : Disabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 3600
    URL Retrieval Timeout        : 15000
    Ctl Identifier               : (null)
    Ctl Store Name               : AdfsTrustedDevices
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Enabled
    Reject Connections           : Disabled
    Disable HTTP2                : Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Not Set
    Disable OCSP Stapling        : Not Set

    IP:port                      : 192.0.2.10:44300
    Certificate Hash             : 89abcdef0123456789abcdef0123456789abcdef
    Application ID               : {214124cd-d05b-4309-9af9-9caa44b2b74a}
    Certificate Store Name       : MY
    Usage Check                  : Enabled

    Central Certificate Store    : 8443
    Certificate Hash             : (null)
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : (null)
    Usage Check                  : Enabled

";

/// German labels (invented translations for all but the ones [behaviour §5](crate::behaviour)
/// names), German flag words, a German Extended Properties group.
const GERMAN: &str = "
SSL-Zertifikatbindungen:
-------------------------

    IP:Port                      : [::]:443
    Zertifikathash               : 5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192
    Anwendungs-ID                : {BA195980-CD49-458B-9E23-C84EE0ADCD75}
    Zertifikatspeichername       : MY
    Sperrung des Clientzertifikats überprüfen : Aktiviert
    Nutzungsüberprüfung          : Aktiviert
    Aktualitätszeit für Sperrung : 0
    CTL-Bezeichner               : (null)
    Clientzertifikat aushandeln  : Deaktiviert
    HTTP2 deaktivieren           : Nicht festgelegt
    Erweiterte Eigenschaften:
        Eigenschafts-ID          : 0
        Empfangsfenster          : 1048576

";

const EMPTY_LISTING: &str = "\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n";

fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

fn utf16le(s: &str, bom: bool) -> Vec<u8> {
    let mut v = Vec::new();
    if bom {
        v.extend_from_slice(&[0xFF, 0xFE]);
    }
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_le_bytes());
    }
    v
}

fn utf16be(s: &str) -> Vec<u8> {
    let mut v = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        v.extend_from_slice(&u.to_be_bytes());
    }
    v
}

fn thumb(s: &str) -> Sha1Thumbprint {
    s.parse().unwrap()
}

fn parse(s: &str) -> SslCertListing {
    parse_sslcert_show(s.as_bytes()).unwrap()
}

// ---------------------------------------------------------------------------
// Parsing samples
// ---------------------------------------------------------------------------

#[test]
fn legacy_2008_blank_empties() {
    let l = parse(LEGACY_2008);
    assert_eq!(l.title.as_deref(), Some("SSL Certificate bindings:"));
    assert_eq!(l.encoding, TextEncoding::Utf8);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(l.bindings.len(), 2);
    let (v4, v6) = l.wildcard_pair(443);
    let (v4, v6) = (v4.unwrap(), v6.unwrap());
    assert!(v4.is_sstp() && v6.is_sstp());
    assert_eq!(
        v4.cert_hash,
        Some(thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192"))
    );
    assert_eq!(v4.store_name.as_deref(), Some("MY"));
    assert_eq!(v6.store_name, None, "a blank store is None");
    assert_eq!(v4.fields.len(), 9, "13 lines, 4 mapped");
    assert_eq!(v4.field("Ctl Identifier"), Some(&FieldValue::Blank));
    assert_eq!(v4.field("Ctl Store Name"), Some(&FieldValue::Blank));
    assert_eq!(v4.field("Usage Check"), Some(&FieldValue::Enabled(true)));
    assert_eq!(
        v4.field("URL Retrieval Timeout"),
        Some(&FieldValue::Number(0))
    );
    assert_eq!(
        v4.field("Verify Revocation Using Cached Client Certificate Only"),
        Some(&FieldValue::Enabled(false))
    );
    assert!(v4.extended.is_empty());
    assert_eq!(v4.labels, CoreLabels::english(EndpointKind::IpPort));
    assert_eq!(l.line_of(0), Some(5));
    assert_eq!(l.line_of(1), Some(19));
    assert_eq!(l.line_of(2), None);
}

#[test]
fn current_generation_null_set_enabled_and_extended() {
    let l = parse(CURRENT);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(l.bindings.len(), 4);

    let sstp = &l.bindings[0];
    assert_eq!(sstp.endpoint, Endpoint::ipv4_wildcard(443));
    assert!(sstp.is_sstp());
    assert_eq!(sstp.fields.len(), 21);
    assert_eq!(sstp.field("Ctl Identifier"), Some(&FieldValue::Null));
    assert_eq!(
        sstp.field("Reject Connections"),
        Some(&FieldValue::Enabled(false))
    );
    assert_eq!(sstp.field("Disable HTTP2"), Some(&FieldValue::Set(false)));
    assert_eq!(
        sstp.field("Disable Legacy TLS Versions"),
        Some(&FieldValue::Set(true))
    );
    assert_eq!(
        sstp.field("Enable Caching Client Hello"),
        Some(&FieldValue::Set(false))
    );
    assert_eq!(
        sstp.fields.last().unwrap().label,
        "Enable Caching Client Hello",
        "the group headers are not fields"
    );
    assert_eq!(sstp.extended.len(), 2);
    assert_eq!(sstp.extended[0].label, "Extended Properties");
    assert_eq!(
        sstp.extended[0].fields,
        vec![
            Field::new("PropertyId", "0"),
            Field::new("Receive Window", "1048576")
        ]
    );
    assert_eq!(
        sstp.extended[1].fields,
        vec![
            Field::new("PropertyId", "1"),
            Field::new("Max Settings Per Frame", "2796202"),
            Field::new("Max Settings Per Minute", "4294967295"),
        ]
    );
    // The hand-written block is what `with_default_fields` builds, except
    // for the one flag set.
    let mut expected = SslBinding::sstp(
        Endpoint::ipv4_wildcard(443),
        thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192"),
    )
    .with_default_fields(ShowStyle::Current);
    for f in &mut expected.fields {
        if f.label == "Disable Legacy TLS Versions" {
            f.value = FieldValue::Set(true);
        }
    }
    assert_eq!(sstp, &expected);
}

#[test]
fn hostname_port_specific_address_and_ccs_blocks() {
    let l = parse(CURRENT);
    let sni = &l.bindings[1];
    assert_eq!(
        sni.endpoint,
        Endpoint::HostnamePort {
            hostname: "sts.example.org".into(),
            port: 443
        }
    );
    assert_eq!(sni.endpoint.kind(), EndpointKind::HostnamePort);
    assert_eq!(sni.labels.endpoint, "Hostname:port");
    assert_eq!(sni.app_id, Some(ADFS_APP_ID));
    assert_eq!(sni.app_id.unwrap().well_known_name(), Some("AD FS"));
    assert!(!sni.is_sstp());
    assert_eq!(
        sni.field("Ctl Store Name"),
        Some(&FieldValue::Text("AdfsTrustedDevices".into()))
    );
    assert_eq!(
        sni.field("Revocation Freshness Time"),
        Some(&FieldValue::Number(3600))
    );

    let ip = &l.bindings[2];
    assert_eq!(ip.endpoint, "192.0.2.10:44300".parse().unwrap());
    assert!(!ip.endpoint.is_wildcard());
    assert_eq!(ip.app_id, Some(IIS_EXPRESS_APP_ID));

    let ccs = &l.bindings[3];
    assert_eq!(ccs.endpoint, Endpoint::Ccs { port: 8443 });
    assert_eq!(ccs.endpoint.to_string(), "8443");
    assert_eq!(ccs.labels.endpoint, "Central Certificate Store");
    assert_eq!(ccs.cert_hash, None, "(null) hash");
    assert_eq!(ccs.store_name, None, "(null) store");
    assert_eq!(ccs.app_id, Some(IIS_APP_ID));
    assert_eq!(l.binding_for(&Endpoint::Ccs { port: 8443 }), Some(ccs));
}

#[test]
fn german_labels_are_recognised_by_shape_and_kept() {
    let l = parse(GERMAN);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(l.title.as_deref(), Some("SSL-Zertifikatbindungen:"));
    assert_eq!(l.bindings.len(), 1);
    let b = &l.bindings[0];
    assert_eq!(b.endpoint, Endpoint::ipv6_wildcard(443));
    assert!(b.is_sstp(), "upper-case app id");
    assert_eq!(
        b.cert_hash,
        Some(thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192"))
    );
    assert_eq!(b.store_name.as_deref(), Some("MY"));
    assert_eq!(b.labels.endpoint, "IP:Port");
    assert_eq!(b.labels.cert_hash, "Zertifikathash");
    assert_eq!(b.labels.app_id, "Anwendungs-ID");
    assert_eq!(b.labels.store_name, "Zertifikatspeichername");
    assert_eq!(
        b.field("Sperrung des Clientzertifikats überprüfen"),
        Some(&FieldValue::Text("Aktiviert".into()))
    );
    assert_eq!(
        b.field("HTTP2 deaktivieren"),
        Some(&FieldValue::Text("Nicht festgelegt".into()))
    );
    assert_eq!(b.field("CTL-Bezeichner"), Some(&FieldValue::Null));
    assert_eq!(b.fields.len(), 6);
    assert_eq!(b.extended.len(), 1);
    assert_eq!(b.extended[0].label, "Erweiterte Eigenschaften");
    assert_eq!(
        b.extended[0].fields[1],
        Field::new("Empfangsfenster", "1048576")
    );
    // Non-English labels are not mapped to netsh options.
    assert!(b.netsh_options().is_empty());
}

#[test]
fn utf16le_with_bom_without_bom_and_utf16be() {
    let want = parse(CURRENT).bindings;
    let with_bom = parse_sslcert_show(&utf16le(&crlf(CURRENT), true)).unwrap();
    assert_eq!(with_bom.encoding, TextEncoding::Utf16LeBom);
    assert_eq!(with_bom.bindings, want);
    assert!(with_bom.problems.is_empty());

    let no_bom = parse_sslcert_show(&utf16le(&crlf(CURRENT), false)).unwrap();
    assert_eq!(no_bom.encoding, TextEncoding::Utf16Le);
    assert_eq!(no_bom.bindings, want);

    let be = parse_sslcert_show(&utf16be(CURRENT)).unwrap();
    assert_eq!(be.encoding, TextEncoding::Utf16BeBom);
    assert_eq!(be.bindings, want);

    // German with umlauts survives UTF-16 too.
    let de = parse_sslcert_show(&utf16le(GERMAN, true)).unwrap();
    assert_eq!(de.bindings, parse(GERMAN).bindings);
}

#[test]
fn utf8_bom_and_odd_utf16_length() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(LEGACY_2008.as_bytes());
    let l = parse_sslcert_show(&bytes).unwrap();
    assert_eq!(l.encoding, TextEncoding::Utf8Bom);
    assert_eq!(l.bindings, parse(LEGACY_2008).bindings);

    let mut odd = utf16le(LEGACY_2008, true);
    odd.push(b'x');
    let l = parse_sslcert_show(&odd).unwrap();
    assert_eq!(l.bindings.len(), 2);
    assert!(
        l.problems
            .iter()
            .any(|p| p.kind == ProblemKind::OddUtf16Length)
    );
}

#[test]
fn utf16_surrogates_and_unpaired_halves() {
    // A label with a character outside the BMP survives; unpaired
    // surrogates become U+FFFD and are reported with their line.
    let text = LEGACY_2008.replace("Usage Check", "Usage Check \u{1F512}");
    let l = parse_sslcert_show(&utf16le(&text, true)).unwrap();
    assert!(l.problems.is_empty());
    assert!(l.bindings[0].field("Usage Check \u{1F512}").is_some());

    let mut bytes = utf16le(LEGACY_2008, true);
    let usage = LEGACY_2008.find("Usage Check").unwrap();
    let at = 2 + 2 * LEGACY_2008[..usage].encode_utf16().count();
    // A lone high surrogate before "Usage", a lone low one after it.
    bytes.splice(at..at, [0x00, 0xD8]);
    bytes.splice(at + 4..at + 4, [0x00, 0xDC]);
    let l = parse_sslcert_show(&bytes).unwrap();
    assert_eq!(
        l.problems,
        vec![ListingProblem {
            line: 11,
            kind: ProblemKind::InvalidEncoding {
                encoding: TextEncoding::Utf16LeBom
            }
        }]
    );
    assert_eq!(l.bindings[0].fields[2].label, "\u{FFFD}U\u{FFFD}sage Check");
}

#[test]
fn crlf_lf_mixed_and_double_cr_line_ends_agree() {
    let lf = parse(CURRENT);
    let crlf_l = parse(&crlf(CURRENT));
    assert_eq!(crlf_l.bindings, lf.bindings);
    // Mixed: every other line CRLF.
    let mixed: String = CURRENT
        .split('\n')
        .enumerate()
        .map(|(i, l)| {
            if i % 2 == 0 {
                format!("{l}\r\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    assert_eq!(parse(&mixed).bindings, lf.bindings);
    // `\r\r\n`, as some pipelines write.
    assert_eq!(
        parse(&CURRENT.replace('\n', "\r\r\n")).bindings,
        lf.bindings
    );
    assert_eq!(crlf_l.line_of(1), lf.line_of(1));
}

#[test]
fn mixed_case_app_id() {
    let text = LEGACY_2008.replacen(
        "{ba195980-cd49-458b-9e23-c84ee0adcd75}",
        "{Ba195980-CD49-458b-9E23-C84EE0ADCD75}",
        1,
    );
    let l = parse(&text);
    assert_eq!(l.bindings[0].app_id, Some(SSTP_APP_ID));
    assert!(l.bindings[0].is_sstp());
    assert_eq!(l.bindings, parse(LEGACY_2008).bindings);
}

#[test]
fn empty_listing_is_valid() {
    let l = parse(EMPTY_LISTING);
    assert!(l.bindings.is_empty());
    assert!(l.problems.is_empty());
    assert_eq!(l.title.as_deref(), Some("SSL Certificate bindings:"));
    assert_eq!(l.wildcard_pair(443), (None, None));
    // Same in UTF-16LE, and for the German title.
    let l = parse_sslcert_show(&utf16le(EMPTY_LISTING, true)).unwrap();
    assert!(l.bindings.is_empty());
    let l = parse("\nSSL-Zertifikatbindungen:\n-------------------------\n\n");
    assert_eq!(l.title.as_deref(), Some("SSL-Zertifikatbindungen:"));
}

#[test]
fn listing_without_title_is_accepted() {
    let body = &LEGACY_2008[LEGACY_2008.find("    IP:port").unwrap()..];
    let l = parse(body);
    assert_eq!(l.title, None);
    assert_eq!(l.bindings, parse(LEGACY_2008).bindings);
}

#[test]
fn block_missing_its_hash_line_is_kept_and_reported() {
    let text = "
SSL Certificate bindings:
-------------------------

    IP:port                      : 0.0.0.0:443
    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name       : MY
    Usage Check                  : Enabled

    IP:port                      : [::]:443
    Certificate Hash             : (null)
    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}
    Certificate Store Name       : MY
";
    let l = parse(text);
    assert_eq!(l.bindings.len(), 2, "never silently lost");
    let b = &l.bindings[0];
    assert_eq!(b.cert_hash, None);
    assert_eq!(
        b.app_id,
        Some(SSTP_APP_ID),
        "the GUID in the hash's place is the app id"
    );
    assert_eq!(b.store_name.as_deref(), Some("MY"));
    assert_eq!(b.fields, vec![Field::new("Usage Check", "Enabled")]);
    assert_eq!(l.bindings[1].cert_hash, None);
    assert_eq!(
        l.problems,
        vec![
            ListingProblem {
                line: 5,
                kind: ProblemKind::MissingCertHash {
                    endpoint: Endpoint::ipv4_wildcard(443)
                }
            },
            ListingProblem {
                line: 10,
                kind: ProblemKind::MissingCertHash {
                    endpoint: Endpoint::ipv6_wildcard(443)
                }
            },
        ]
    );
    let msg = l.problems[0].to_string();
    assert!(
        msg.contains("line 5") && msg.contains("0.0.0.0:443"),
        "{msg}"
    );
    assert!(AddSslCert::from_binding(b).is_err());
}

#[test]
fn block_with_only_its_endpoint_reports_hash_and_app_id() {
    let l = parse("    Hostname:port : vpn.example.com:443\n");
    assert_eq!(l.bindings.len(), 1);
    let kinds: Vec<_> = l.problems.iter().map(|p| &p.kind).collect();
    assert!(matches!(kinds[0], ProblemKind::MissingCertHash { .. }));
    assert!(matches!(kinds[1], ProblemKind::MissingAppId { .. }));
    assert_eq!(l.bindings[0].labels.cert_hash, "Certificate Hash");
}

#[test]
fn duplicate_endpoints_and_missing_blank_lines() {
    // Two listings pasted together, and blocks with no blank line between.
    let joined = format!(
        "{LEGACY_2008}{}",
        LEGACY_2008.replace("\n\n    IP:port", "\n    IP:port")
    );
    let l = parse(&joined);
    assert_eq!(l.bindings.len(), 4);
    let dups: Vec<_> = l
        .problems
        .iter()
        .filter_map(|p| match &p.kind {
            ProblemKind::DuplicateEndpoint {
                endpoint,
                first_line,
            } => Some((p.line, endpoint.clone(), *first_line)),
            _ => None,
        })
        .collect();
    assert_eq!(dups.len(), 2);
    assert_eq!(dups[0].1, Endpoint::ipv4_wildcard(443));
    assert_eq!(dups[0].2, 5);
    assert_eq!(l.bindings[2], l.bindings[0]);
    assert_eq!(l.bindings[3], l.bindings[1]);
}

#[test]
fn invalid_utf8_is_replaced_and_reported() {
    // "Nutzungsüberprüfung" in an OEM code page: ü = 0x81 in CP850.
    let mut bytes = GERMAN.as_bytes().to_vec();
    let pos = GERMAN.find("Nutzungs").unwrap();
    let at = pos + "Nutzungs".len();
    bytes.splice(at..at + 2, [0x81]);
    let l = parse_sslcert_show(&bytes).unwrap();
    assert_eq!(l.bindings.len(), 1);
    assert!(l.bindings[0].is_sstp());
    assert_eq!(
        l.problems,
        vec![ListingProblem {
            line: 10,
            kind: ProblemKind::InvalidEncoding {
                encoding: TextEncoding::Utf8
            }
        }]
    );
    assert!(l.bindings[0].fields[1].label.as_str().contains('\u{FFFD}'));
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

fn err(s: &str) -> NetshParseError {
    parse_sslcert_show(s.as_bytes()).unwrap_err()
}

#[test]
fn garbage_input_is_a_clear_error() {
    let e = err("The system cannot find the file specified.\r\n");
    assert_eq!(
        e,
        NetshParseError::Unexpected {
            line: 1,
            expected: Expected::TitleOrBinding,
            found: "The system cannot find the file specified.".into()
        }
    );
    let msg = e.to_string();
    assert!(
        msg.starts_with("line 1: expected the output of `netsh http show sslcert`"),
        "{msg}"
    );

    let e = err("\n\nhello: world\nfoo\n");
    assert!(matches!(
        e,
        NetshParseError::Unexpected {
            line: 3,
            expected: Expected::TitleOrBinding,
            ..
        }
    ));

    assert_eq!(err(""), NetshParseError::Empty);
    assert_eq!(err(" \r\n\t\n"), NetshParseError::Empty);
    assert_eq!(
        parse_sslcert_show(&[0xFF, 0xFE]).unwrap_err(),
        NetshParseError::Empty
    );
    // Binary garbage: an error, not a panic.
    let bin: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    assert!(parse_sslcert_show(&bin).is_err());
}

#[test]
fn errors_name_the_line_and_what_was_expected() {
    // A line without `label : value` inside a block.
    let text = LEGACY_2008.replace(
        "    Usage Check    : Enabled\n",
        "    Usage Check Enabled\n",
    );
    let e = err(&text);
    assert_eq!(
        e,
        NetshParseError::Unexpected {
            line: 11,
            expected: Expected::LabelValue {
                endpoint: Endpoint::ipv4_wildcard(443)
            },
            found: "Usage Check Enabled".into()
        }
    );
    assert!(e.to_string().contains("binding for 0.0.0.0:443"), "{e}");

    // A hash that is not 40 hex digits.
    let text = LEGACY_2008.replacen(
        "5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192",
        "5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f7081",
        1,
    );
    let e = err(&text);
    assert!(
        matches!(
            &e,
            NetshParseError::Unexpected { line: 6, expected: Expected::CertHash { endpoint }, .. }
                if *endpoint == Endpoint::ipv4_wildcard(443)
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("40 hex digits"), "{e}");

    // An app id that is not a GUID.
    let text = LEGACY_2008.replacen("{ba195980-cd49-458b-9e23-c84ee0adcd75}", "{ba195980}", 2);
    let e = err(&text);
    assert!(
        matches!(
            e,
            NetshParseError::Unexpected {
                line: 7,
                expected: Expected::AppId { .. },
                ..
            }
        ),
        "{e:?}"
    );

    // Something that is not a binding after a blank line.
    let e = err(&format!("{EMPTY_LISTING}    Usage Check : Enabled\r\n"));
    assert!(
        matches!(
            e,
            NetshParseError::Unexpected {
                line: 5,
                expected: Expected::BindingStart,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("IP:port : 0.0.0.0:443"));

    // A port out of range is not an endpoint.
    let e = err(&LEGACY_2008.replace("0.0.0.0:443", "0.0.0.0:65536"));
    assert!(
        matches!(
            e,
            NetshParseError::Unexpected {
                line: 5,
                expected: Expected::BindingStart,
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn long_found_text_is_shortened() {
    let long = "x".repeat(10_000);
    let NetshParseError::Unexpected { found, .. } = err(&long) else {
        panic!()
    };
    assert_eq!(found.chars().count(), 81);
    assert!(found.ends_with('…'));
}

fn small_limits() -> parse::Limits {
    parse::Limits {
        input: 4096,
        bindings: 3,
        fields_per_binding: 5,
        fields: 12,
    }
}

fn block_with(ep: &str, extra: usize) -> String {
    let mut t = format!("    IP:port : {ep}\n    H : (null)\n    A : (null)\n    S : MY\n");
    for i in 0..extra {
        t.push_str(&format!("    F{i} : {i}\n"));
    }
    t.push('\n');
    t
}

#[test]
fn default_limits_are_the_public_constants() {
    let d = parse::Limits::DEFAULT;
    assert_eq!(d.input, MAX_NETSH_INPUT);
    assert_eq!(d.bindings, MAX_NETSH_BINDINGS);
    assert_eq!(d.fields_per_binding, MAX_FIELDS_PER_BINDING);
    assert_eq!(d.fields, MAX_NETSH_FIELDS);
    // 10,000 current-style bindings fit every limit, in UTF-16 too.
    let one = render_show(
        &[
            SslBinding::sstp(Endpoint::ipv4_wildcard(443), thumb(&"ab".repeat(20)))
                .with_default_fields(ShowStyle::Current),
        ],
        ShowStyle::Current,
    );
    let per_binding = one.len() - EMPTY_LISTING.len();
    assert!(10_000 * per_binding * 2 < MAX_NETSH_INPUT);
    const { assert!(10_000 * 30 < MAX_NETSH_FIELDS) };
}

#[test]
fn size_limit_is_checked_first() {
    let big = vec![b' '; MAX_NETSH_INPUT + 1];
    assert_eq!(
        parse_sslcert_show(&big).unwrap_err(),
        NetshParseError::TooLarge {
            len: MAX_NETSH_INPUT + 1,
            max: MAX_NETSH_INPUT
        }
    );
    let small = vec![b'x'; 4097];
    assert!(matches!(
        parse::parse_with_limits(&small, small_limits()),
        Err(NetshParseError::TooLarge {
            len: 4097,
            max: 4096
        })
    ));
}

#[test]
fn field_limit_per_binding() {
    let text = block_with("0.0.0.0:443", 5);
    let l = parse::parse_with_limits(text.as_bytes(), small_limits()).unwrap();
    assert_eq!(l.bindings[0].fields.len(), 5);
    let text = block_with("0.0.0.0:443", 6);
    assert_eq!(
        parse::parse_with_limits(text.as_bytes(), small_limits()).unwrap_err(),
        NetshParseError::TooManyFields {
            line: 10,
            endpoint: Endpoint::ipv4_wildcard(443),
            max: 5
        }
    );
    // The real limit, once.
    let text = block_with("[::]:443", MAX_FIELDS_PER_BINDING + 1);
    assert!(matches!(
        err(&text),
        NetshParseError::TooManyFields { line, max: MAX_FIELDS_PER_BINDING, .. }
            if line == 5 + MAX_FIELDS_PER_BINDING
    ));
}

#[test]
fn field_limit_per_listing() {
    // 4 + 4 + 4 = 12 lines: fits; one more line anywhere does not.
    let text = ["10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"]
        .map(|e| block_with(e, 4))
        .concat();
    assert_eq!(
        parse::parse_with_limits(text.as_bytes(), small_limits())
            .unwrap()
            .bindings
            .len(),
        3
    );
    let text = [
        block_with("10.0.0.1:1", 4),
        block_with("10.0.0.2:1", 4),
        block_with("10.0.0.3:1", 5),
    ]
    .concat();
    assert_eq!(
        parse::parse_with_limits(text.as_bytes(), small_limits()).unwrap_err(),
        NetshParseError::TooManyFieldsInListing { line: 27, max: 12 }
    );
}

#[test]
fn binding_limit() {
    let text = ["10.0.0.1:1", "10.0.0.2:1", "10.0.0.3:1"]
        .map(|e| block_with(e, 0))
        .concat();
    assert_eq!(
        parse::parse_with_limits(text.as_bytes(), small_limits())
            .unwrap()
            .bindings
            .len(),
        3
    );
    let text = format!("{text}{}", block_with("10.0.0.4:1", 0));
    assert_eq!(
        parse::parse_with_limits(text.as_bytes(), small_limits()).unwrap_err(),
        NetshParseError::TooManyBindings { line: 16, max: 3 }
    );
}

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

#[test]
fn endpoints_parse_and_print_as_netsh() {
    for (text, kind, shown) in [
        ("0.0.0.0:443", EndpointKind::IpPort, "0.0.0.0:443"),
        ("[::]:443", EndpointKind::IpPort, "[::]:443"),
        (
            "[2001:db8::7]:8443",
            EndpointKind::IpPort,
            "[2001:db8::7]:8443",
        ),
        ("[fe80::1%7]:443", EndpointKind::IpPort, "[fe80::1%7]:443"),
        (
            "vpn.example.com:443",
            EndpointKind::HostnamePort,
            "vpn.example.com:443",
        ),
        (
            "*.example.com:443",
            EndpointKind::HostnamePort,
            "*.example.com:443",
        ),
        (
            "bücher.example:443",
            EndpointKind::HostnamePort,
            "bücher.example:443",
        ),
        ("443", EndpointKind::Ccs, "443"),
        ("CCS=8443", EndpointKind::Ccs, "8443"),
    ] {
        let e: Endpoint = text.parse().unwrap();
        assert_eq!(e.kind(), kind, "{text}");
        assert_eq!(e.to_string(), shown);
        assert_eq!(e.to_string().parse::<Endpoint>().unwrap(), e);
    }
    assert_eq!(
        Endpoint::ipv4_wildcard(443).netsh_arg(),
        "ipport=0.0.0.0:443"
    );
    assert_eq!(Endpoint::Ccs { port: 443 }.netsh_arg(), "ccs=443");
    assert_eq!(EndpointKind::HostnamePort.to_string(), "hostnameport");
    assert_eq!(Endpoint::ipv6_wildcard(8443).port(), 8443);
}

#[test]
fn endpoint_errors() {
    assert_eq!("".parse::<Endpoint>(), Err(EndpointError::Empty));
    assert!(matches!(
        "0.0.0.0:65536".parse::<Endpoint>(),
        Err(EndpointError::InvalidPort { .. })
    ));
    assert!(matches!(
        "host:+443".parse::<Endpoint>(),
        Err(EndpointError::InvalidPort { .. })
    ));
    assert!(matches!(
        "99999".parse::<Endpoint>(),
        Err(EndpointError::InvalidPort { .. })
    ));
    assert!(matches!(
        "[::]:x".parse::<Endpoint>(),
        Err(EndpointError::InvalidPort { .. })
    ));
    assert!(matches!(
        "[::1:443".parse::<Endpoint>(),
        Err(EndpointError::NotAnEndpoint { .. })
    ));
    assert!(matches!(
        "Enabled".parse::<Endpoint>(),
        Err(EndpointError::NotAnEndpoint { .. })
    ));
    assert!(matches!(
        "bad host:443".parse::<Endpoint>(),
        Err(EndpointError::InvalidHostname { .. })
    ));
    assert!(matches!(
        "::1:443".parse::<Endpoint>(),
        Err(EndpointError::InvalidHostname { .. })
    ));
    assert!(matches!(
        Endpoint::hostname_port("192.0.2.1", 443),
        Err(EndpointError::IpLiteralHostname { .. })
    ));
    assert!(Endpoint::hostname_port("vpn.example.com", 443).is_ok());
    assert!(Endpoint::hostname_port(&"a".repeat(256), 443).is_err());
}

#[test]
fn wildcard_pair_membership() {
    assert!(Endpoint::ipv4_wildcard(443).is_wildcard_pair_member(443));
    assert!(Endpoint::ipv6_wildcard(443).is_wildcard_pair_member(443));
    assert!(!Endpoint::ipv6_wildcard(443).is_wildcard_pair_member(8443));
    assert!(
        !"192.0.2.1:443"
            .parse::<Endpoint>()
            .unwrap()
            .is_wildcard_pair_member(443)
    );
    assert!(
        !"[::1]:443"
            .parse::<Endpoint>()
            .unwrap()
            .is_wildcard_pair_member(443)
    );
    assert!(!Endpoint::Ccs { port: 443 }.is_wildcard_pair_member(443));
    assert!(
        !Endpoint::hostname_port("x", 443)
            .unwrap()
            .is_wildcard_pair_member(443)
    );
}

#[test]
fn app_ids() {
    for s in [
        "{ba195980-cd49-458b-9e23-c84ee0adcd75}",
        "ba195980-cd49-458b-9e23-c84ee0adcd75",
        "{BA195980-CD49-458B-9E23-C84EE0ADCD75}",
        "  {Ba195980-cd49-458B-9e23-c84ee0adcd75}\r\n",
    ] {
        assert_eq!(s.parse::<AppId>().unwrap(), SSTP_APP_ID, "{s}");
    }
    assert_eq!(
        SSTP_APP_ID.to_string(),
        "{ba195980-cd49-458b-9e23-c84ee0adcd75}"
    );
    assert_eq!(
        IIS_APP_ID.to_string(),
        "{4dc3e181-e14b-4a21-b022-59fc669b0914}"
    );
    assert_eq!(
        IIS_EXPRESS_APP_ID.to_string(),
        "{214124cd-d05b-4309-9af9-9caa44b2b74a}"
    );
    assert_eq!(
        ADFS_APP_ID.to_string(),
        "{5d89a20c-beab-4389-9447-324788eb944a}"
    );
    assert_eq!(IIS_APP_ID.well_known_name(), Some("IIS"));
    assert_eq!(IIS_EXPRESS_APP_ID.well_known_name(), Some("IIS Express"));
    assert_eq!(AppId::from_u128(1).well_known_name(), None);
    assert_eq!(
        AppId::from_u128(1).to_string(),
        "{00000000-0000-0000-0000-000000000001}"
    );
    for bad in [
        "",
        "{ba195980-cd49-458b-9e23-c84ee0adcd75",
        "ba195980-cd49-458b-9e23-c84ee0adcd75}",
        "{ba195980cd49458b9e23c84ee0adcd75}",
        "{ba195980-cd49-458b-9e23-c84ee0adcd7g}",
        "{ba195980-cd49-458b-9e23-c84ee0adcd755}",
        "{ba195980+cd49-458b-9e23-c84ee0adcd75}",
    ] {
        let e = bad.parse::<AppId>().unwrap_err();
        assert!(e.to_string().contains("not an application id"), "{bad}");
    }
    #[cfg(feature = "serde")]
    {
        let j = serde_json::to_string(&SSTP_APP_ID).unwrap();
        assert_eq!(serde_json::from_str::<AppId>(&j).unwrap(), SSTP_APP_ID);
    }
}

#[test]
fn field_values() {
    use FieldValue as V;
    for (s, v) in [
        ("", V::Blank),
        ("(null)", V::Null),
        ("Enabled", V::Enabled(true)),
        ("Disabled", V::Enabled(false)),
        ("Set", V::Set(true)),
        ("Not Set", V::Set(false)),
        ("0", V::Number(0)),
        ("18446744073709551615", V::Number(u64::MAX)),
        (
            "18446744073709551616",
            V::Text("18446744073709551616".into()),
        ),
        ("007", V::Text("007".into())),
        ("-1", V::Text("-1".into())),
        ("enabled", V::Text("enabled".into())),
        ("AdfsTrustedDevices", V::Text("AdfsTrustedDevices".into())),
    ] {
        assert_eq!(V::parse(s), v, "{s:?}");
        assert_eq!(v.to_string(), s, "lossless");
    }
    assert!(V::Null.is_empty() && V::Blank.is_empty() && !V::Number(0).is_empty());
    assert_eq!(V::Set(true).as_flag(), Some(true));
    assert_eq!(V::Number(3).as_number(), Some(3));
    assert_eq!(V::Text("x".into()).as_flag(), None);
}

#[cfg(feature = "serde")]
#[test]
fn json_shape() {
    let l = parse(CURRENT);
    let v = serde_json::to_value(&l.bindings[3]).unwrap();
    assert_eq!(
        v,
        json!({
            "endpoint": "8443",
            "kind": "ccs",
            "cert_hash": null,
            "app_id": "{4dc3e181-e14b-4a21-b022-59fc669b0914}",
            "store": null,
            "sstp": false,
            "fields": { "Usage Check": "Enabled" },
            "extended_properties": []
        })
    );
    let v = serde_json::to_value(&l.bindings[0]).unwrap();
    assert_eq!(v["endpoint"], "0.0.0.0:443");
    assert_eq!(v["kind"], "ipport");
    assert_eq!(v["cert_hash"], "5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192");
    assert_eq!(v["app_id"], "{ba195980-cd49-458b-9e23-c84ee0adcd75}");
    assert_eq!(v["store"], "MY");
    assert_eq!(v["sstp"], true);
    assert_eq!(v["fields"]["Ctl Identifier"], "(null)");
    assert_eq!(v["fields"]["Disable Legacy TLS Versions"], "Set");
    assert_eq!(v["fields"]["Revocation Freshness Time"], "0");
    assert_eq!(v["fields"].as_object().unwrap().len(), 21);
    assert_eq!(
        v["extended_properties"],
        json!([
            { "PropertyId": "0", "Receive Window": "1048576" },
            { "PropertyId": "1", "Max Settings Per Frame": "2796202", "Max Settings Per Minute": "4294967295" }
        ])
    );
    let v = serde_json::to_value(&parse(LEGACY_2008).bindings[1]).unwrap();
    assert_eq!(v["kind"], "ipport");
    assert_eq!(v["endpoint"], "[::]:443");
    assert_eq!(v["store"], serde_json::Value::Null);
    assert_eq!(v["fields"]["Ctl Identifier"], "");
    let hn = serde_json::to_value(&parse(CURRENT).bindings[1]).unwrap();
    assert_eq!(hn["kind"], "hostnameport");
    assert_eq!(hn["endpoint"], "sts.example.org:443");

    let e: Endpoint = serde_json::from_value(json!("[::]:443")).unwrap();
    assert_eq!(e, Endpoint::ipv6_wildcard(443));
    assert!(serde_json::from_value::<Endpoint>(json!("no endpoint")).is_err());
    let made = SslCertListing::new(parse(CURRENT).bindings);
    assert_eq!(made.bindings, parse(CURRENT).bindings);
    assert_eq!(made.line_of(0), None);
    assert_eq!(made.wildcard_pair(443).0, Some(&made.bindings[0]));

    let listing = serde_json::to_value(parse(GERMAN)).unwrap();
    assert_eq!(listing["encoding"], "utf8");
    assert_eq!(listing["bindings"][0]["sstp"], true);
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

#[test]
fn render_show_styles() {
    let h = thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192");
    let legacy = vec![
        SslBinding::sstp(Endpoint::ipv4_wildcard(443), h)
            .with_default_fields(ShowStyle::Legacy2008),
        SslBinding::new(
            Endpoint::ipv6_wildcard(443),
            Some(h),
            Some(SSTP_APP_ID),
            None,
        )
        .with_default_fields(ShowStyle::Legacy2008),
    ];
    let text = render_show(&legacy, ShowStyle::Legacy2008);
    assert!(text.starts_with("\r\nSSL Certificate bindings:\r\n-------------------------\r\n\r\n"));
    assert!(
        text.contains("    Certificate Store Name:\r\n"),
        "blank store, 2008 style"
    );
    assert!(text.contains("    Ctl Identifier:\r\n"));
    assert!(!text.contains("(null)"));
    assert!(!text.contains('\n') || text.split('\n').all(|l| l.is_empty() || l.ends_with('\r')));
    // Same bindings as the hand-written 2008 sample.
    assert_eq!(parse(&text).bindings, parse(LEGACY_2008).bindings);
    assert_eq!(parse(&text).bindings, legacy);

    let current = render_show(&legacy, ShowStyle::Current);
    assert!(current.contains("    Certificate Store Name        : (null)\r\n"));
    assert_eq!(parse(&current).bindings, legacy);

    let ccs = SslBinding::new(Endpoint::Ccs { port: 443 }, None, Some(IIS_APP_ID), None)
        .with_default_fields(ShowStyle::Current);
    let text = render_show(std::slice::from_ref(&ccs), ShowStyle::Current);
    assert!(
        text.contains("    Central Certificate Store     : 443\r\n"),
        "{text}"
    );
    assert!(text.contains("    Certificate Hash              : (null)\r\n"));
    assert!(
        text.contains("    Extended Properties:\r\n        PropertyId                    : 0\r\n")
    );
    let l = parse(&text);
    assert!(l.problems.is_empty(), "no hash is normal for ccs");
    assert_eq!(l.bindings, vec![ccs]);

    assert_eq!(render_show(&[], ShowStyle::Current), EMPTY_LISTING);
}

#[test]
fn parsed_samples_render_back_to_the_same_bindings() {
    for sample in [LEGACY_2008, CURRENT, GERMAN] {
        let l = parse(sample);
        for style in [ShowStyle::Legacy2008, ShowStyle::Current] {
            let again = parse(&render_show(&l.bindings, style));
            assert_eq!(again.bindings, l.bindings);
        }
    }
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

#[test]
fn sstp_add_and_delete_commands_exactly() {
    let h = thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192");
    assert_eq!(
        AddSslCert::sstp(Endpoint::ipv4_wildcard(443), h)
            .render()
            .unwrap(),
        "netsh http add sslcert ipport=0.0.0.0:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 \
         appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY"
    );
    assert_eq!(
        render_delete_command(&Endpoint::ipv6_wildcard(443)).unwrap(),
        "netsh http delete sslcert ipport=[::]:443"
    );
    assert_eq!(
        render_delete_command(&Endpoint::hostname_port("vpn.example.com", 443).unwrap()).unwrap(),
        "netsh http delete sslcert hostnameport=vpn.example.com:443"
    );
    assert_eq!(
        render_delete_command(&Endpoint::Ccs { port: 443 }).unwrap(),
        "netsh http delete sslcert ccs=443"
    );
    // The default-option SSTP binding of either generation renders the same
    // short command.
    for style in [ShowStyle::Legacy2008, ShowStyle::Current] {
        let b = SslBinding::sstp(Endpoint::ipv6_wildcard(443), h).with_default_fields(style);
        assert_eq!(
            render_add_command(&b).unwrap(),
            "netsh http add sslcert ipport=[::]:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 \
             appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY"
        );
    }
}

#[test]
fn add_commands_from_the_current_sample() {
    let l = parse(CURRENT);
    let cmds: Vec<String> = l
        .bindings
        .iter()
        .map(|b| render_add_command(b).unwrap())
        .collect();
    assert_eq!(
        cmds[0],
        "netsh http add sslcert ipport=0.0.0.0:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 \
         appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY disablelegacytls=enable"
    );
    assert_eq!(
        cmds[1],
        "netsh http add sslcert hostnameport=sts.example.org:443 certhash=0123456789abcdef0123456789abcdef01234567 \
         appid={5d89a20c-beab-4389-9447-324788eb944a} certstorename=MY verifyclientcertrevocation=disable \
         revocationfreshnesstime=3600 urlretrievaltimeout=15000 sslctlstorename=AdfsTrustedDevices \
         clientcertnegotiation=enable disablehttp2=enable"
    );
    assert_eq!(
        cmds[3],
        "netsh http add sslcert ccs=8443 appid={4dc3e181-e14b-4a21-b022-59fc669b0914}"
    );
    // parse → render(add) → parse: every settable option survives.
    for (b, text) in l.bindings.iter().zip(&cmds) {
        let SslCertCommand::Add(a) = parse_sslcert_command(text).unwrap() else {
            panic!("{text}")
        };
        assert_eq!(a.endpoint, b.endpoint);
        assert_eq!(a.cert_hash, b.cert_hash);
        assert_eq!(Some(a.app_id), b.app_id);
        for &o in NetshOption::ALL {
            assert_eq!(
                a.effective(o),
                b.effective_option(o),
                "{o:?} of {}",
                b.endpoint
            );
        }
    }
}

#[test]
fn hostnameport_add_needs_a_store() {
    let h = thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192");
    let b = SslBinding::new(
        Endpoint::hostname_port("vpn.example.com", 443).unwrap(),
        Some(h),
        Some(SSTP_APP_ID),
        None,
    );
    let text = render_add_command(&b).unwrap();
    assert!(text.ends_with(" certstorename=MY"), "{text}");
    let without = text.replace(" certstorename=MY", "");
    assert_eq!(
        parse_sslcert_command(&without).unwrap_err(),
        CommandParseError::Missing {
            name: "certstorename"
        }
    );
    // An IP:port binding without a store leaves it to netsh's default.
    let b = SslBinding::new(
        Endpoint::ipv4_wildcard(443),
        Some(h),
        Some(SSTP_APP_ID),
        None,
    );
    assert!(!render_add_command(&b).unwrap().contains("certstorename"));
}

#[test]
fn add_command_values_are_quoted_or_refused() {
    let h = thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192");
    let mut cmd = AddSslCert::sstp(Endpoint::ipv4_wildcard(443), h);
    cmd.store_name = Some("Web Hosting".into());
    cmd.options.push((
        NetshOption::SslCtlIdentifier,
        OptionValue::Text("Bob's CTL".into()),
    ));
    let text = cmd.render().unwrap();
    assert!(text.contains(" certstorename=\"Web Hosting\""), "{text}");
    assert!(text.contains(" sslctlidentifier=\"Bob's CTL\""), "{text}");
    assert_eq!(
        parse_sslcert_command(&text).unwrap(),
        SslCertCommand::Add(cmd.clone())
    );

    cmd.store_name = Some("a\"b".into());
    assert!(matches!(
        cmd.render(),
        Err(AddCommandError::UnrenderableValue {
            param: "certstorename",
            ..
        })
    ));
    cmd.store_name = Some(String::new());
    assert!(cmd.render().is_err());
    cmd.store_name = None;
    cmd.options = vec![(NetshOption::UsageCheck, OptionValue::Number(1))];
    assert!(matches!(
        cmd.render(),
        Err(AddCommandError::WrongOptionKind {
            param: "usagecheck",
            ..
        })
    ));
    cmd.options.clear();
    cmd.cert_hash = None;
    assert!(matches!(
        cmd.render(),
        Err(AddCommandError::MissingCertHash { .. })
    ));
    cmd.endpoint = Endpoint::HostnamePort {
        hostname: "bad host".into(),
        port: 1,
    };
    assert!(cmd.render().is_err());

    let b = SslBinding::new(Endpoint::ipv4_wildcard(443), Some(h), None, None);
    assert!(matches!(
        render_add_command(&b),
        Err(AddCommandError::MissingAppId { .. })
    ));
}

#[test]
fn command_parser_accepts_what_people_type() {
    let want = AddSslCert::sstp(
        Endpoint::ipv4_wildcard(443),
        thumb("5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192"),
    );
    for text in [
        "netsh http add sslcert ipport=0.0.0.0:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 appid={ba195980-cd49-458b-9e23-c84ee0adcd75} certstorename=MY",
        "NETSH.EXE HTTP ADD SSLCERT IPPORT=0.0.0.0:443 CERTHASH=5C1F0E9E4D2B7A3C6F8E0D1B2A3C4D5E6F708192 APPID={BA195980-CD49-458B-9E23-C84EE0ADCD75} CERTSTORENAME=MY",
        "add sslcert ipport=0.0.0.0:443 appid='{ba195980-cd49-458b-9e23-c84ee0adcd75}' certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 certstorename=\"MY\"",
        "  http  add sslcert\tipport=0.0.0.0:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 appid=ba195980-cd49-458b-9e23-c84ee0adcd75 certstorename=MY\r\n",
    ] {
        assert_eq!(
            parse_sslcert_command(text).unwrap(),
            SslCertCommand::Add(want.clone()),
            "{text}"
        );
    }
    let with_opts = parse_sslcert_command(
        "netsh http add sslcert ccs=443 appid={4dc3e181-e14b-4a21-b022-59fc669b0914} \
         clientcertnegotiation=Enable revocationfreshnesstime=60 disablequic=enable",
    )
    .unwrap();
    let SslCertCommand::Add(a) = with_opts else {
        panic!()
    };
    assert_eq!(a.endpoint, Endpoint::Ccs { port: 443 });
    assert_eq!(a.cert_hash, None);
    assert_eq!(
        a.effective(NetshOption::ClientCertNegotiation),
        OptionValue::Flag(true)
    );
    assert_eq!(
        a.effective(NetshOption::RevocationFreshnessTime),
        OptionValue::Number(60)
    );
    assert_eq!(
        a.effective(NetshOption::DisableQuic),
        OptionValue::Flag(true)
    );
    assert_eq!(
        a.effective(NetshOption::DisableHttp2),
        OptionValue::Flag(false)
    );
    assert_eq!(
        a.effective(NetshOption::UsageCheck),
        OptionValue::Flag(true)
    );
    assert_eq!(
        a.effective(NetshOption::SslCtlIdentifier),
        OptionValue::Unset
    );
}

#[test]
fn command_parser_errors() {
    use CommandParseError as E;
    let ok = "netsh http add sslcert ipport=0.0.0.0:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192 appid={ba195980-cd49-458b-9e23-c84ee0adcd75}";
    assert!(parse_sslcert_command(ok).is_ok());
    type Check = fn(&E) -> bool;
    let cases: Vec<(String, Check)> = vec![
        ("".into(), |e| matches!(e, E::NotSslCert { word: 1, .. })),
        ("netsh http show sslcert".into(), |e| matches!(e, E::NotSslCert { word: 3, .. })),
        ("netsh wlan add sslcert".into(), |e| matches!(e, E::NotSslCert { word: 2, .. })),
        ("netsh http add urlacl url=x".into(), |e| matches!(e, E::NotSslCert { word: 4, .. })),
        (format!("{ok} certstorename=\"MY"), |e| matches!(e, E::UnterminatedQuote { word: 8 })),
        (format!("{ok} MY"), |e| matches!(e, E::NotNameValue { word: 8, .. })),
        (format!("{ok} json=x.json"), |e| matches!(e, E::UnknownParameter { word: 8, .. })),
        (format!("{ok} usagecheck=enable UsageCheck=disable"), |e| matches!(e, E::Duplicate { word: 9, .. })),
        (format!("{ok} ccs=443"), |e| matches!(e, E::EndpointCount { found: 2 })),
        (ok.replace("ipport=0.0.0.0:443 ", ""), |e| matches!(e, E::EndpointCount { found: 0 })),
        (ok.replace("0.0.0.0:443", "vpn.example.com:443"), |e| matches!(e, E::InvalidValue { word: 5, .. })),
        (ok.replace("0.0.0.0:443", "0.0.0.0:99999"), |e| matches!(e, E::InvalidValue { .. })),
        (ok.replace("6f708192", "6f70819"), |e| matches!(e, E::InvalidValue { word: 6, expected, .. } if expected.contains("40 hex"))),
        (ok.replace("ba195980-", "ba195980"), |e| matches!(e, E::InvalidValue { word: 7, .. })),
        (format!("{ok} usagecheck=yes"), |e| matches!(e, E::InvalidValue { expected: "enable or disable", .. })),
        (format!("{ok} urlretrievaltimeout=-1"), |e| matches!(e, E::InvalidValue { .. })),
        (format!("{ok} urlretrievaltimeout=4294967296"), |e| matches!(e, E::InvalidValue { .. })),
        (format!("{ok} urlretrievaltimeout=+1"), |e| matches!(e, E::InvalidValue { .. })),
        (format!("{ok} sslctlidentifier="), |e| matches!(e, E::InvalidValue { .. })),
        (format!("{ok} certstorename="), |e| matches!(e, E::InvalidValue { .. })),
        (ok.replace(" certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192", ""), |e| matches!(e, E::Missing { name: "certhash" })),
        (ok.replace(" appid={ba195980-cd49-458b-9e23-c84ee0adcd75}", ""), |e| matches!(e, E::Missing { name: "appid" })),
        ("netsh http delete sslcert ipport=[::]:443 certhash=5c1f0e9e4d2b7a3c6f8e0d1b2a3c4d5e6f708192".into(), |e| matches!(e, E::ExtraDeleteParameter { word: 6, .. })),
        ("netsh http delete sslcert ipport=[::]:443 usagecheck=enable".into(), |e| matches!(e, E::ExtraDeleteParameter { .. })),
        ("netsh http delete sslcert".into(), |e| matches!(e, E::EndpointCount { found: 0 })),
        ("x".repeat(MAX_COMMAND_LEN + 1), |e| matches!(e, E::TooLong { .. })),
    ];
    for (text, check) in cases {
        let e = parse_sslcert_command(&text).unwrap_err();
        assert!(check(&e), "{text:?} gave {e:?}");
        assert!(!e.to_string().is_empty());
    }
    let e = parse_sslcert_command(&format!("{ok} usagecheck=yes")).unwrap_err();
    assert_eq!(
        e.to_string(),
        "word 8: invalid usagecheck=\"yes\": expected enable or disable"
    );
}

#[test]
fn netsh_option_table_is_consistent() {
    for &o in NetshOption::ALL {
        assert_eq!(NetshOption::from_param(o.param()), Some(o));
        assert_eq!(NetshOption::from_show_label(o.show_label()), Some(o));
        assert_eq!(
            NetshOption::from_show_label(&o.show_label().to_uppercase()),
            Some(o)
        );
        assert!(
            o.param()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        );
    }
    assert_eq!(NetshOption::ALL.len(), 20);
    // Every settable label of the current default field set is an option,
    // and the defaults agree with what a default binding shows.
    let b = SslBinding::new(Endpoint::ipv4_wildcard(443), None, None, None)
        .with_default_fields(ShowStyle::Current);
    let mapped = b.netsh_options();
    assert_eq!(mapped.len(), 20, "all but Enable Caching Client Hello");
    for (o, v) in mapped {
        assert_eq!(v, o.default_value(), "{o:?}");
    }
    assert_eq!(
        NetshOption::from_show_label("Enable Caching Client Hello"),
        None
    );
}

// ---------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------

fn arb_endpoint() -> impl Strategy<Value = Endpoint> {
    prop_oneof![
        (any::<u32>(), any::<u16>())
            .prop_map(|(ip, p)| Endpoint::IpPort(SocketAddr::new(Ipv4Addr::from(ip).into(), p))),
        (any::<u128>(), any::<u16>())
            .prop_map(|(ip, p)| Endpoint::IpPort(SocketAddr::new(Ipv6Addr::from(ip).into(), p))),
        (
            "[a-zäö][a-z0-9äö_-]{0,10}(\\.[a-z*][a-z0-9-]{0,10}){0,3}",
            any::<u16>()
        )
            .prop_map(|(hostname, port)| Endpoint::HostnamePort { hostname, port }),
        any::<u16>().prop_map(|port| Endpoint::Ccs { port }),
        Just(Endpoint::ipv4_wildcard(443)),
        Just(Endpoint::ipv6_wildcard(443)),
    ]
}

fn arb_app_id() -> impl Strategy<Value = AppId> {
    prop_oneof![
        Just(SSTP_APP_ID),
        Just(IIS_APP_ID),
        any::<u128>().prop_map(AppId::from_u128),
    ]
}

fn arb_value() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        Just(FieldValue::Blank),
        Just(FieldValue::Null),
        any::<bool>().prop_map(FieldValue::Enabled),
        any::<bool>().prop_map(FieldValue::Set),
        any::<u64>().prop_map(FieldValue::Number),
        "[A-Za-z0-9äé{}()\\[\\].,:_'-]([A-Za-z0-9äé {}()\\[\\].,:_'-]{0,20}[A-Za-z0-9äé{}().,:_'-])?"
            .prop_map(|s| FieldValue::parse(&s)),
    ]
}

fn option_labels() -> Vec<&'static str> {
    NetshOption::ALL.iter().map(|o| o.show_label()).collect()
}

fn arb_label() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(option_labels()).prop_map(str::to_owned),
        "[A-ZÄ][A-Za-z0-9.ü-]{0,8}(:[A-Za-z0-9.-]{1,6})?( [A-Za-z0-9.()-]{1,8}){0,3}",
    ]
}

fn arb_field() -> impl Strategy<Value = Field> {
    (arb_label(), arb_value()).prop_map(|(l, value)| Field {
        label: Label::new(&l),
        value,
    })
}

fn arb_core_labels(kind: EndpointKind) -> impl Strategy<Value = CoreLabels> {
    prop_oneof![
        Just(CoreLabels::english(kind)),
        Just(CoreLabels {
            endpoint: Label::new("IP:Port"),
            cert_hash: Label::new("Zertifikathash"),
            app_id: Label::new("Anwendungs-ID"),
            store_name: Label::new("Zertifikatspeichername"),
        }),
    ]
}

fn arb_binding() -> impl Strategy<Value = SslBinding> {
    arb_endpoint().prop_flat_map(|endpoint| {
        (
            Just(endpoint.clone()),
            prop::option::of(any::<[u8; 20]>()),
            prop::option::of(arb_app_id()),
            prop::option::of("[A-Za-z][A-Za-z0-9 ']{0,10}[A-Za-z0-9]"),
            arb_core_labels(endpoint.kind()),
            prop::collection::vec(arb_field(), 0..30),
            prop::collection::vec(
                (arb_label(), prop::collection::vec(arb_field(), 1..4)),
                0..3,
            ),
        )
            .prop_map(
                |(endpoint, hash, app_id, store, labels, fields, ext)| SslBinding {
                    endpoint,
                    cert_hash: hash.map(Sha1Thumbprint::from_bytes),
                    app_id,
                    store_name: store,
                    labels,
                    fields,
                    extended: ext
                        .into_iter()
                        .map(|(l, fields)| ExtendedProperties {
                            label: Label::new(&l),
                            fields,
                        })
                        .collect(),
                },
            )
    })
}

/// A binding `netsh http add sslcert` can recreate: hash (unless ccs) and
/// app id present, options with English labels and values of their form.
fn arb_settable_binding() -> impl Strategy<Value = SslBinding> {
    let option_field = prop::sample::select(NetshOption::ALL.to_vec()).prop_flat_map(|o| {
        let value = match o.kind() {
            OptionKind::EnabledDisabled => any::<bool>().prop_map(FieldValue::Enabled).boxed(),
            OptionKind::SetNotSet => any::<bool>().prop_map(FieldValue::Set).boxed(),
            OptionKind::Number => any::<u32>()
                .prop_map(|n| FieldValue::Number(n.into()))
                .boxed(),
            OptionKind::Text => prop_oneof![
                Just(FieldValue::Null),
                Just(FieldValue::Blank),
                "[A-Za-z0-9._'-]([A-Za-z0-9 ._'-]{0,12}[A-Za-z0-9._'-])?"
                    .prop_map(|s| FieldValue::parse(&s)),
            ]
            .boxed(),
        };
        value.prop_map(move |value| Field {
            label: Label::from_static(o.show_label()),
            value,
        })
    });
    (
        arb_binding(),
        any::<[u8; 20]>(),
        arb_app_id(),
        prop::collection::vec(option_field, 0..25),
    )
        .prop_map(|(mut b, hash, app_id, fields)| {
            if b.endpoint.kind() != EndpointKind::Ccs {
                b.cert_hash = Some(Sha1Thumbprint::from_bytes(hash));
            }
            b.app_id = Some(app_id);
            b.fields = fields;
            b
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_sslcert_show(&bytes);
        let mut bom = vec![0xFF, 0xFE];
        bom.extend_from_slice(&bytes);
        let _ = parse_sslcert_show(&bom);
    }

    #[test]
    fn no_panic_on_arbitrary_text(s in "\\PC{0,400}") {
        let _ = parse_sslcert_show(s.as_bytes());
        let _ = parse_sslcert_command(&s);
    }

    #[test]
    fn no_panic_on_damaged_listings(
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = crlf(CURRENT).into_bytes();
        for (i, b) in edits {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let end = cut.index(bytes.len() + 1);
        let _ = parse_sslcert_show(&bytes[..end]);
        let mut wide = utf16le(&crlf(GERMAN), false);
        let at = cut.index(wide.len());
        wide[at] ^= 0x5a;
        let _ = parse_sslcert_show(&wide);
    }

    #[test]
    fn no_panic_on_damaged_commands(
        s in "(netsh )?(http )?(add|delete) sslcert( [a-z]{1,12}=[A-Za-z0-9{}:.\\[\\]\"'-]{0,45}){0,8}"
    ) {
        let _ = parse_sslcert_command(&s);
    }

    #[test]
    fn render_show_then_parse_round_trips(
        bindings in prop::collection::vec(arb_binding(), 0..6),
        legacy in any::<bool>(),
        utf16 in any::<bool>(),
    ) {
        let style = if legacy { ShowStyle::Legacy2008 } else { ShowStyle::Current };
        let text = render_show(&bindings, style);
        let bytes = if utf16 { utf16le(&text, true) } else { text.into_bytes() };
        let l = parse_sslcert_show(&bytes).unwrap();
        prop_assert_eq!(l.bindings, bindings);
    }

    #[test]
    fn add_command_round_trips(b in arb_settable_binding()) {
        // parse → render(add) → parse of the command: lossless for what netsh sets.
        let shown = parse_sslcert_show(render_show(std::slice::from_ref(&b), ShowStyle::Current).as_bytes()).unwrap();
        prop_assert_eq!(&shown.bindings[0], &b);
        let cmd = AddSslCert::from_binding(&shown.bindings[0]).unwrap();
        let text = cmd.render().unwrap();
        let SslCertCommand::Add(back) = parse_sslcert_command(&text).unwrap() else {
            panic!("{text}");
        };
        prop_assert_eq!(&back, &cmd);
        prop_assert_eq!(&back.endpoint, &b.endpoint);
        prop_assert_eq!(back.cert_hash, b.cert_hash);
        prop_assert_eq!(Some(back.app_id), b.app_id);
        let want_store = match (&b.store_name, b.endpoint.kind()) {
            (Some(s), _) => Some(s.clone()),
            (None, EndpointKind::HostnamePort) => Some("MY".to_owned()),
            (None, _) => None,
        };
        prop_assert_eq!(&back.store_name, &want_store);
        for &o in NetshOption::ALL {
            prop_assert_eq!(back.effective(o), b.effective_option(o), "{:?}", o);
        }
    }

    #[test]
    fn utf16_decoder_matches_std(
        units in prop::collection::vec(
            prop_oneof![0u16..0x80, 0xD800u16..0xE000, any::<u16>()],
            0..200,
        ),
    ) {
        let le: Vec<u8> = units.iter().flat_map(|u| u.to_le_bytes()).collect();
        let be: Vec<u8> = units.iter().flat_map(|u| u.to_be_bytes()).collect();
        let want = String::from_utf16_lossy(&units);
        for (bytes, endian) in [(le, parse::Endian::Little), (be, parse::Endian::Big)] {
            let d = parse::decode_utf16(&bytes, endian, TextEncoding::Utf16Le);
            prop_assert_eq!(&*d.text, want.as_str());
            prop_assert_eq!(d.problems.is_empty(), String::from_utf16(&units).is_ok());
        }
    }

    #[test]
    fn endpoint_and_app_id_text_round_trips(e in arb_endpoint(), id in arb_app_id()) {
        prop_assert_eq!(e.to_string().parse::<Endpoint>().unwrap(), e.clone());
        prop_assert_eq!(Endpoint::from_show_value(&e.to_string()), Some(e.clone()));
        prop_assert_eq!(id.to_string().parse::<AppId>().unwrap(), id);
        prop_assert_eq!(id.to_string().to_uppercase().parse::<AppId>().unwrap(), id);
        let cmd = render_delete_command(&e).unwrap();
        prop_assert_eq!(parse_sslcert_command(&cmd).unwrap(), SslCertCommand::Delete(e));
    }
}
