//! Tests of `sstp_cert::model::registry` (behaviour §4): both input formats,
//! every encoding and line ending, behaviour §4's defaults and validation, the
//! Event 18/19 decision table, writes, rendering and round trips.

use proptest::prelude::*;
use sstp_cert::model::event::EventId;
use sstp_cert::model::registry::{
    HashProtocols, HashSource, HashState, MAX_REGISTRY_INPUT, MAX_REGISTRY_VALUES, MAX_VALUE_DATA,
    PARAMETERS_KEY, ParsedRegistry, RegValue, RegistryFormat, RegistryParseError, RegistryValues,
    RegistryWrite, SSTP_URL_PATH, Scheme, SstpParameters, SyntaxProblem, TextEncoding,
    ValueProblem, names, parse_reg_file, parse_reg_query, parse_registry_text,
};
use sstp_cert::model::thumbprint::{CertHash, Sha1Thumbprint, Sha256Hash};

// ---------------------------------------------------------------------------
// Samples (written for these tests)
// ---------------------------------------------------------------------------

const SHA1_HEX: &str = "3a7f00112233445566778899aabbccddeeff0102";
const SHA256_HEX: &str = "102132435465768798a9bacbdcedfe0f102132435465768798a9bacbdcedfe0f";

/// A regedit 5 export with every data form, LF line ends (tests convert);
/// also a seed of the `registry` fuzz target (`examples/fuzz_corpus.rs`).
const REGEDIT5: &str = include_str!("data/registry/every-form.reg");

fn crlf(s: &str) -> String {
    s.replace('\n', "\r\n")
}

fn utf16le_bom(s: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn bytes(hex: &str) -> Vec<u8> {
    hex::decode(hex).unwrap()
}

fn check_regedit5(p: &ParsedRegistry) {
    assert_eq!(p.format, RegistryFormat::Regedit5);
    assert_eq!(p.key, PARAMETERS_KEY);
    let v = &p.values;
    assert_eq!(v.len(), 11);
    assert_eq!(v.get("isHashConfiguredByAdmin"), Some(&RegValue::Dword(0)));
    assert_eq!(v.get("ListenerPort"), Some(&RegValue::Dword(443)));
    assert_eq!(
        v.get("SHA1CertificateHash"),
        Some(&RegValue::Binary(bytes(SHA1_HEX)))
    );
    assert_eq!(
        v.get("SHA256CertificateHash"),
        Some(&RegValue::Binary(bytes(SHA256_HEX)))
    );
    assert_eq!(v.get("UseHttps"), Some(&RegValue::Dword(1)));
    assert_eq!(
        v.get("ServiceDll"),
        Some(&RegValue::ExpandString("%SystemRoot%".into()))
    );
    assert_eq!(
        v.get("Transports"),
        Some(&RegValue::MultiString(vec!["sstp".into(), "https".into()]))
    );
    assert_eq!(v.get("MaxConn"), Some(&RegValue::Qword(0x1000)));
    assert_eq!(
        v.get("Marker"),
        Some(&RegValue::Other {
            type_code: 0,
            data: vec![0xde, 0xad]
        })
    );
    assert_eq!(
        v.get("Note"),
        Some(&RegValue::String(
            r#"C:\Program Files\"quoted" = ok"#.into()
        ))
    );
    assert_eq!(v.get(""), Some(&RegValue::String("default text".into())));
    assert!(p.deleted.is_empty());
    // input order kept
    let order: Vec<_> = v.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(order.first(), Some(&"isHashConfiguredByAdmin"));
    assert_eq!(order.last(), Some(&""));
}

// ---------------------------------------------------------------------------
// .reg exports
// ---------------------------------------------------------------------------

#[test]
fn regedit5_lf_crlf_and_mixed_line_ends() {
    let lf = parse_reg_file(REGEDIT5.as_bytes()).unwrap();
    check_regedit5(&lf);
    assert_eq!(lf.encoding, TextEncoding::Utf8);

    let crlf_text = crlf(REGEDIT5);
    let c = parse_reg_file(crlf_text.as_bytes()).unwrap();
    assert_eq!(c.values, lf.values);

    // every other line ending CRLF, plus a lone CR
    let mixed: String = REGEDIT5
        .split('\n')
        .enumerate()
        .map(|(i, l)| match i % 3 {
            0 => format!("{l}\r\n"),
            1 => format!("{l}\n"),
            _ => format!("{l}\r"),
        })
        .collect();
    let m = parse_reg_file(mixed.as_bytes()).unwrap();
    assert_eq!(m.values, lf.values);
}

#[test]
fn regedit5_utf16le_with_bom_as_regedit_writes() {
    let p = parse_reg_file(&utf16le_bom(&crlf(REGEDIT5))).unwrap();
    check_regedit5(&p);
    assert_eq!(p.encoding, TextEncoding::Utf16LeBom);
    // and without the BOM
    let q = parse_reg_file(&utf16le(&crlf(REGEDIT5))).unwrap();
    assert_eq!(q.encoding, TextEncoding::Utf16Le);
    assert_eq!(q.values, p.values);
}

#[test]
fn regedit5_utf8_with_bom_and_big_endian() {
    let mut input = vec![0xEF, 0xBB, 0xBF];
    input.extend(crlf(REGEDIT5).as_bytes());
    let p = parse_reg_file(&input).unwrap();
    check_regedit5(&p);
    assert_eq!(p.encoding, TextEncoding::Utf8Bom);

    let mut be = vec![0xFE, 0xFF];
    be.extend(REGEDIT5.encode_utf16().flat_map(u16::to_be_bytes));
    let p = parse_reg_file(&be).unwrap();
    assert_eq!(p.encoding, TextEncoding::Utf16BeBom);
    check_regedit5(&p);
}

#[test]
fn regedit4_header_short_hive_and_ansi_strings() {
    // REGEDIT4 stores hex(2)/hex(7) strings as 8-bit characters.
    let text = "REGEDIT4\n\n[HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\n\
                \"UseHttps\"=dword:0\n\
                \"Path\"=hex(2):25,57,49,4e,44,49,52,25,00\n\
                \"List\"=hex(7):61,00,62,63,00,00\n\
                \"Caf\u{e9}\"=\"cr\u{e8}me\"\n";
    // the text above is Latin-1 encoded (as REGEDIT4 files are ANSI)
    let latin1: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
    let p = parse_reg_file(&latin1).unwrap();
    assert_eq!(p.format, RegistryFormat::Regedit4);
    assert_eq!(p.encoding, TextEncoding::Latin1);
    assert_eq!(
        p.key,
        r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters"
    );
    assert_eq!(p.values.get("usehttps"), Some(&RegValue::Dword(0)));
    assert_eq!(
        p.values.get("PATH"),
        Some(&RegValue::ExpandString("%WINDIR%".into()))
    );
    assert_eq!(
        p.values.get("list"),
        Some(&RegValue::MultiString(vec!["a".into(), "bc".into()]))
    );
    assert_eq!(
        p.values.get("CAFÉ"),
        Some(&RegValue::String("crème".into()))
    );
}

#[test]
fn header_and_hex_type_case_and_spacing_leniency() {
    let text = "\n  windows registry editor version 5.00  \n\
                [hkey_local_machine\\system\\currentcontrolset\\services\\sstpsvc\\parameters]\n\
                \"A\" = DWORD:1\n\
                \"B\"=HEX(B):01,00,00,00,00,00,00,00\n\
                \"C\"=hex: 0a , 0B ,\n\
                \"D\"=hex:\n";
    let p = parse_reg_file(text.as_bytes()).unwrap();
    assert_eq!(p.values.get("a"), Some(&RegValue::Dword(1)));
    assert_eq!(p.values.get("b"), Some(&RegValue::Qword(1)));
    assert_eq!(p.values.get("c"), Some(&RegValue::Binary(vec![0x0a, 0x0b])));
    assert_eq!(p.values.get("d"), Some(&RegValue::Binary(vec![])));
}

#[test]
fn several_keys_take_the_parameters_key_and_merge_repeats() {
    let text = r#"Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc]
"Start"=dword:00000003
"ListenerPort"=dword:00000001
"Blob"=hex:01,02,\
  03

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters]
"ListenerPort"=dword:00002000
"UseHttps"=dword:00000001

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters\Extra]
"UseHttps"=dword:00000000

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters]
"listenerport"=dword:00003000
"#;
    let p = parse_reg_file(text.as_bytes()).unwrap();
    assert_eq!(p.values.len(), 2);
    // the later block replaces the data, the first spelling stays
    assert_eq!(p.values.entry("ListenerPort").unwrap().name, "ListenerPort");
    assert_eq!(p.values.get("ListenerPort"), Some(&RegValue::Dword(0x3000)));
    assert_eq!(p.values.get("UseHttps"), Some(&RegValue::Dword(1)));
    assert!(!p.values.contains("Start"));
    assert!(!p.values.contains("Blob"));
}

#[test]
fn missing_parameters_key_is_a_clear_error() {
    let text = "Windows Registry Editor Version 5.00\r\n\r\n\
                [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc]\r\n\
                \"Start\"=dword:00000003\r\n\
                [HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\r\n";
    let err = parse_reg_file(text.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        RegistryParseError::ParametersKeyAbsent {
            keys: vec![
                r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc".into(),
                r"HKEY_LOCAL_MACHINE\SOFTWARE\Contoso".into()
            ],
            more: 0
        }
    );
    let msg = err.to_string();
    assert!(msg.contains(PARAMETERS_KEY), "{msg}");
    assert!(msg.contains(r"keys found: HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc, HKEY_LOCAL_MACHINE\SOFTWARE\Contoso"), "{msg}");

    // header only
    let err = parse_reg_file(b"REGEDIT4\r\n").unwrap_err();
    assert!(err.to_string().contains("names no key at all"), "{err}");
}

#[test]
fn deletion_markers_and_key_deletion() {
    let text = r#"Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters]
"SHA256CertificateHash"=hex:01
"SHA256CertificateHash"=-
"UseHttps"=-
"UseHttps"=dword:00000000
@=-
"#;
    let p = parse_reg_file(text.as_bytes()).unwrap();
    assert!(!p.values.contains("SHA256CertificateHash"));
    assert_eq!(p.values.get("UseHttps"), Some(&RegValue::Dword(0)));
    assert_eq!(
        p.deleted,
        vec!["SHA256CertificateHash".to_owned(), String::new()]
    );

    let text = r#"Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters]
"UseHttps"=dword:00000000
[-HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters]
"ListenerPort"=dword:00000001
"#;
    let p = parse_reg_file(text.as_bytes()).unwrap();
    assert!(p.values.is_empty());
}

#[test]
fn comments_and_blank_lines_anywhere() {
    let text = "; leading comment\n\nWindows Registry Editor Version 5.00\n;x\n\n   ; indented\n\
                [HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\n\n;\"UseHttps\"=dword:00000000\n\
                \"ListenerPort\"=dword:00000050\n";
    // the header must come first: a comment before it is not a header
    let err = parse_reg_file(text.as_bytes()).unwrap_err();
    assert!(
        matches!(err, RegistryParseError::MissingHeader { line: 1, .. }),
        "{err:?}"
    );
    let text = text.replacen("; leading comment\n", "", 1);
    let p = parse_reg_file(text.as_bytes()).unwrap();
    assert_eq!(p.values.len(), 1);
    assert_eq!(p.values.get("ListenerPort"), Some(&RegValue::Dword(0x50)));
}

fn syntax_error(text: &str) -> (usize, Option<String>, SyntaxProblem, String) {
    match parse_reg_file(text.as_bytes()) {
        Err(e @ RegistryParseError::Syntax { .. }) => {
            let msg = e.to_string();
            let RegistryParseError::Syntax {
                line,
                value,
                problem,
            } = e
            else {
                unreachable!()
            };
            (line, value, problem, msg)
        }
        other => panic!("expected a syntax error for {text:?}, got {other:?}"),
    }
}

const HEAD: &str = "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\n";

#[test]
fn syntax_errors_name_line_value_and_expectation() {
    let text = format!(
        "{HEAD}\"UseHttps\"=dword:00000001\n; comment\n\n\"SHA256CertificateHash\"=hex:10,21,\\\n  32,zz\n"
    );
    let (line, value, problem, msg) = syntax_error(&text);
    assert_eq!(line, 8);
    assert_eq!(value.as_deref(), Some("SHA256CertificateHash"));
    assert_eq!(
        problem,
        SyntaxProblem::InvalidHexByte { found: "zz".into() }
    );
    assert_eq!(
        msg,
        r#"line 8: value "SHA256CertificateHash": invalid hex byte "zz" (expected two hex digits)"#
    );

    let cases: &[(&str, usize, SyntaxProblem)] = &[
        (
            "\"A\"=hex:1,02\n",
            4,
            SyntaxProblem::InvalidHexByte { found: "1".into() },
        ),
        ("\"A\"=hex:01,,02\n", 4, SyntaxProblem::EmptyHexByte),
        ("\"A\"=hex:01,\\\n", 4, SyntaxProblem::MissingContinuation),
        (
            "\"A\"=hex:01,\\\n\n\"B\"=dword:1\n",
            5,
            SyntaxProblem::MissingContinuation,
        ),
        (
            "\"A\"=dword:123456789\n",
            4,
            SyntaxProblem::InvalidDword {
                found: "123456789".into(),
            },
        ),
        (
            "\"A\"=dword:-1\n",
            4,
            SyntaxProblem::InvalidDword { found: "-1".into() },
        ),
        (
            "\"A\"=dword:\n",
            4,
            SyntaxProblem::InvalidDword { found: "".into() },
        ),
        (
            "\"A\"=hex(zz):00\n",
            4,
            SyntaxProblem::InvalidHexType {
                found: "hex(zz):00".into(),
            },
        ),
        (
            "\"A\"=hex(2)00\n",
            4,
            SyntaxProblem::InvalidHexType {
                found: "hex(2)00".into(),
            },
        ),
        (
            "\"A\"=qword:1\n",
            4,
            SyntaxProblem::UnknownDataType {
                found: "qword:1".into(),
            },
        ),
        ("\"A\"=\"open\n", 4, SyntaxProblem::UnterminatedString),
        (
            "\"A\"=\"ok\" junk\n",
            4,
            SyntaxProblem::TrailingText {
                found: "junk".into(),
            },
        ),
        ("\"A=dword:1\n", 4, SyntaxProblem::UnterminatedName),
        (
            "\"A\" dword:1\n",
            4,
            SyntaxProblem::MissingEquals {
                found: " dword:1".into(),
            },
        ),
        (
            "UseHttps=dword:1\n",
            4,
            SyntaxProblem::UnexpectedLine {
                found: "UseHttps=dword:1".into(),
            },
        ),
        (
            "[HKLM\\Foo\n",
            4,
            SyntaxProblem::InvalidKeyLine {
                found: "[HKLM\\Foo".into(),
            },
        ),
    ];
    for (body, want_line, want) in cases {
        let (line, _, problem, msg) = syntax_error(&format!("{HEAD}{body}"));
        assert_eq!((&problem, line), (want, *want_line), "{body:?}: {msg}");
        assert!(msg.starts_with(&format!("line {want_line}: ")), "{msg}");
    }

    // the default value is named as such
    let (_, value, _, msg) = syntax_error(&format!("{HEAD}@=dword:xyz\n"));
    assert_eq!(value.as_deref(), Some(""));
    assert!(msg.contains("default value (@)"), "{msg}");

    // a value before any key
    let (line, _, problem, _) =
        syntax_error("Windows Registry Editor Version 5.00\n\"A\"=dword:1\n");
    assert_eq!((line, problem), (2, SyntaxProblem::ValueOutsideKey));
}

#[test]
fn limits() {
    let big = vec![b' '; MAX_REGISTRY_INPUT + 1];
    for parse in [parse_reg_file, parse_reg_query, parse_registry_text] {
        assert_eq!(
            parse(&big).unwrap_err(),
            RegistryParseError::TooLarge {
                len: MAX_REGISTRY_INPUT + 1,
                max: MAX_REGISTRY_INPUT
            }
        );
    }

    // one hex value over the limit
    let mut text = format!("{HEAD}\"Big\"=hex:");
    for _ in 0..=MAX_VALUE_DATA {
        text.push_str("00,");
    }
    let (_, value, problem, _) = syntax_error(&text);
    assert_eq!(value.as_deref(), Some("Big"));
    assert_eq!(
        problem,
        SyntaxProblem::ValueTooLong {
            max: MAX_VALUE_DATA
        }
    );
    // exactly at the limit is fine
    let mut text = format!("{HEAD}\"Big\"=hex:");
    text.push_str(&"00,".repeat(MAX_VALUE_DATA));
    let p = parse_reg_file(text.as_bytes()).unwrap();
    assert!(matches!(p.values.get("Big"), Some(RegValue::Binary(b)) if b.len() == MAX_VALUE_DATA));

    // too many values
    let mut text = HEAD.to_owned();
    for i in 0..=MAX_REGISTRY_VALUES {
        text.push_str(&format!("\"V{i}\"=dword:1\n"));
    }
    assert_eq!(
        parse_reg_file(text.as_bytes()).unwrap_err(),
        RegistryParseError::TooManyValues {
            line: 4 + MAX_REGISTRY_VALUES,
            max: MAX_REGISTRY_VALUES
        }
    );
    // re-setting the same names is not "more values"
    let mut text = HEAD.to_owned();
    for _ in 0..=MAX_REGISTRY_VALUES {
        text.push_str("\"V\"=dword:1\n");
    }
    assert_eq!(parse_reg_file(text.as_bytes()).unwrap().values.len(), 1);
}

#[test]
fn bad_utf16() {
    let mut odd = utf16le_bom("REGEDIT4\r\n");
    odd.push(b'x');
    assert_eq!(
        parse_reg_file(&odd).unwrap_err(),
        RegistryParseError::InvalidUtf16 {
            offset: 22,
            problem: "odd number of bytes"
        }
    );
    let mut lone = vec![0xFF, 0xFE, b'R', 0];
    lone.extend([0x00, 0xD8, b'E', 0]); // unpaired high surrogate
    let err = parse_reg_file(&lone).unwrap_err();
    assert_eq!(
        err,
        RegistryParseError::InvalidUtf16 {
            offset: 4,
            problem: "unpaired surrogate"
        }
    );
    assert!(err.to_string().contains("byte offset 4"));
}

// ---------------------------------------------------------------------------
// reg query
// ---------------------------------------------------------------------------

fn query_sample() -> String {
    format!(
        "\r\n{PARAMETERS_KEY}\r\n\
         \x20   (Default)    REG_SZ    (value not set)\r\n\
         \x20   UseHttps    REG_DWORD    0x1\r\n\
         \x20   ListenerPort    REG_DWORD    0x1bb\r\n\
         \x20   SHA256CertificateHash    REG_BINARY    {}\r\n\
         \x20   Max Connections    REG_QWORD    0x1000\r\n\
         \x20   Transports    REG_MULTI_SZ    sstp\\0https\r\n\
         \x20   ServiceDll    REG_EXPAND_SZ    %SystemRoot%\\System32\\sstpsvc.dll\r\n\
         \x20   Display Name    REG_SZ    Secure Socket Tunneling Protocol  \r\n\
         \x20   Empty    REG_SZ    \r\n\
         \x20   Marker    REG_NONE    DEAD\r\n\
         \x20   Link    REG_LINK    \r\n\
         \r\n{PARAMETERS_KEY}\\Sub\r\n\
         \x20   UseHttps    REG_DWORD    0x0\r\n\r\n",
        SHA256_HEX.to_uppercase()
    )
}

fn check_query(p: &ParsedRegistry) {
    assert_eq!(p.format, RegistryFormat::RegQuery);
    assert_eq!(p.key, PARAMETERS_KEY);
    let v = &p.values;
    assert_eq!(v.len(), 10);
    assert!(!v.contains(""), "(value not set) is no value");
    assert_eq!(v.get("usehttps"), Some(&RegValue::Dword(1)));
    assert_eq!(v.get("ListenerPort"), Some(&RegValue::Dword(443)));
    assert_eq!(
        v.get("sha256certificatehash"),
        Some(&RegValue::Binary(bytes(SHA256_HEX)))
    );
    assert_eq!(v.get("Max Connections"), Some(&RegValue::Qword(4096)));
    assert_eq!(
        v.get("Transports"),
        Some(&RegValue::MultiString(vec!["sstp".into(), "https".into()]))
    );
    assert_eq!(
        v.get("ServiceDll"),
        Some(&RegValue::ExpandString(
            r"%SystemRoot%\System32\sstpsvc.dll".into()
        ))
    );
    // data is kept exactly, trailing spaces included
    assert_eq!(
        v.get("display name"),
        Some(&RegValue::String(
            "Secure Socket Tunneling Protocol  ".into()
        ))
    );
    assert_eq!(v.get("Empty"), Some(&RegValue::String(String::new())));
    assert_eq!(
        v.get("Marker"),
        Some(&RegValue::Other {
            type_code: 0,
            data: vec![0xDE, 0xAD]
        })
    );
    assert_eq!(
        v.get("Link"),
        Some(&RegValue::Other {
            type_code: 6,
            data: vec![]
        })
    );
}

#[test]
fn reg_query_every_type_and_subkeys_skipped() {
    let text = query_sample();
    let p = parse_reg_query(text.as_bytes()).unwrap();
    check_query(&p);
    assert_eq!(p.encoding, TextEncoding::Utf8);
    // auto-detected, and LF-only
    let lf = text.replace("\r\n", "\n");
    check_query(&parse_registry_text(lf.as_bytes()).unwrap());
}

#[test]
fn reg_query_utf16le_as_powershell_redirects_it() {
    let p = parse_registry_text(&utf16le_bom(&query_sample())).unwrap();
    assert_eq!(p.encoding, TextEncoding::Utf16LeBom);
    check_query(&p);
}

#[test]
fn reg_query_set_default_value_and_end_of_search() {
    let text = format!(
        "\n{PARAMETERS_KEY}\n    (Default)    REG_SZ    hello\n    UseHttps    REG_DWORD    0x0\n\nEnd of search: 2 match(es) found.\n"
    );
    let p = parse_reg_query(text.as_bytes()).unwrap();
    assert_eq!(p.values.get(""), Some(&RegValue::String("hello".into())));
    assert_eq!(p.values.get("UseHttps"), Some(&RegValue::Dword(0)));
}

#[test]
fn reg_query_not_found_error() {
    let text = "ERROR: The system was unable to find the specified registry key or value.\r\n";
    for parse in [parse_reg_query, parse_registry_text] {
        let err = parse(text.as_bytes()).unwrap_err();
        assert_eq!(
            err,
            RegistryParseError::KeyNotFound {
                line: 1,
                message: "The system was unable to find the specified registry key or value."
                    .into()
            }
        );
        assert!(err.to_string().contains("not installed"), "{err}");
    }
    let err = parse_reg_query(&utf16le_bom(text)).unwrap_err();
    assert!(matches!(err, RegistryParseError::KeyNotFound { .. }));

    let err = parse_reg_query(b"ERROR: Access is denied.\r\n").unwrap_err();
    assert_eq!(
        err,
        RegistryParseError::RegExeError {
            line: 1,
            message: "Access is denied.".into()
        }
    );
}

#[test]
fn reg_query_of_another_key() {
    let text = "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\r\n    Start    REG_DWORD    0x3\r\n\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Security\r\n";
    let err = parse_reg_query(text.as_bytes()).unwrap_err();
    let RegistryParseError::ParametersKeyAbsent { keys, more } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(keys.len(), 2);
    assert_eq!(*more, 0);
    assert!(err.to_string().contains("SstpSvc\\Security"));
}

#[test]
fn reg_query_syntax_errors() {
    let head = format!("\n{PARAMETERS_KEY}\n");
    let cases: &[(&str, SyntaxProblem)] = &[
        (
            "    UseHttps    REG_DWORD    1\n",
            SyntaxProblem::InvalidNumber {
                type_name: "REG_DWORD",
                found: "1".into(),
                digits: 8,
            },
        ),
        (
            "    UseHttps    REG_DWORD    0x123456789\n",
            SyntaxProblem::InvalidNumber {
                type_name: "REG_DWORD",
                found: "0x123456789".into(),
                digits: 8,
            },
        ),
        (
            "    Q    REG_QWORD    0xzz\n",
            SyntaxProblem::InvalidNumber {
                type_name: "REG_QWORD",
                found: "0xzz".into(),
                digits: 16,
            },
        ),
        (
            "    Hash    REG_BINARY    ABC\n",
            SyntaxProblem::InvalidHexData {
                found: "ABC".into(),
            },
        ),
        (
            "    Hash    REG_FANCY    00\n",
            SyntaxProblem::UnknownRegType {
                found: "REG_FANCY".into(),
            },
        ),
        (
            "    just some words\n",
            SyntaxProblem::InvalidQueryValueLine {
                found: "just some words".into(),
            },
        ),
        (
            "garbage line\n",
            SyntaxProblem::UnexpectedQueryLine {
                found: "garbage line".into(),
            },
        ),
    ];
    for (body, want) in cases {
        let err = parse_reg_query(format!("{head}{body}").as_bytes()).unwrap_err();
        let RegistryParseError::Syntax { line, problem, .. } = &err else {
            panic!("{body:?}: {err:?}")
        };
        assert_eq!((problem, *line), (want, 3), "{body:?}");
        assert!(err.to_string().starts_with("line 3: "), "{err}");
    }
    let err =
        parse_reg_query(format!("{head}    Hash    REG_BINARY    ABC\n").as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"line 3: value "Hash": invalid binary data "ABC" (expected an even number of hex digits)"#
    );
    // a value line before the key line
    let err = parse_reg_query(b"    UseHttps    REG_DWORD    0x1\n").unwrap_err();
    assert!(matches!(
        err,
        RegistryParseError::Syntax {
            line: 1,
            problem: SyntaxProblem::ValueOutsideKey,
            ..
        }
    ));
}

// ---------------------------------------------------------------------------
// Auto-detection and garbage
// ---------------------------------------------------------------------------

#[test]
fn auto_detection() {
    assert_eq!(
        parse_registry_text(REGEDIT5.as_bytes()).unwrap().format,
        RegistryFormat::Regedit5
    );
    assert_eq!(
        parse_registry_text(query_sample().as_bytes())
            .unwrap()
            .format,
        RegistryFormat::RegQuery
    );
    // a .reg body without its header is called out as such
    let headless = format!("[{PARAMETERS_KEY}]\r\n\"UseHttps\"=dword:1\r\n");
    assert_eq!(
        parse_registry_text(headless.as_bytes()).unwrap_err(),
        RegistryParseError::MissingHeader {
            line: 1,
            found: format!("[{PARAMETERS_KEY}]")
                .chars()
                .take(48)
                .collect::<String>()
                + "…"
        }
    );
}

#[test]
fn garbage_is_a_clear_error() {
    assert_eq!(
        parse_registry_text(b"").unwrap_err(),
        RegistryParseError::Empty
    );
    assert_eq!(
        parse_registry_text(b" \r\n\t\n").unwrap_err(),
        RegistryParseError::Empty
    );
    assert_eq!(
        parse_reg_query(b"\n\n").unwrap_err(),
        RegistryParseError::Empty
    );
    let err = parse_registry_text(b"\n\nhello world\n").unwrap_err();
    assert_eq!(
        err,
        RegistryParseError::UnrecognizedFormat {
            line: 3,
            found: "hello world".into()
        }
    );
    assert!(err.to_string().contains("REGEDIT4"), "{err}");
    // the certificate itself instead of registry text
    let err = parse_registry_text(b"-----BEGIN CERTIFICATE-----\nMIIB...\n").unwrap_err();
    assert!(matches!(
        err,
        RegistryParseError::UnrecognizedFormat { line: 1, .. }
    ));
    // binary junk decodes as Latin-1 and is refused, with a short snippet
    let junk: Vec<u8> = (0u8..=255).rev().cycle().take(4000).collect();
    let err = parse_registry_text(&junk).unwrap_err();
    assert!(err.to_string().len() < 400, "{err}");
    assert!(parse_reg_file(&junk).is_err());
}

// ---------------------------------------------------------------------------
// behaviour §4's table
// ---------------------------------------------------------------------------

fn params(pairs: &[(&str, RegValue)]) -> SstpParameters {
    let values: RegistryValues = pairs.iter().cloned().collect();
    SstpParameters::from_values(&values)
}

fn sha256() -> Sha256Hash {
    SHA256_HEX.parse().unwrap()
}
fn sha1() -> Sha1Thumbprint {
    SHA1_HEX.parse().unwrap()
}

#[test]
fn empty_key_gives_every_default() {
    let p = SstpParameters::default();
    assert_eq!(p, params(&[]));
    assert!(p.use_https.value);
    assert_eq!(p.use_https.defaulted, Some(ValueProblem::Missing));
    assert_eq!(p.listener_port.value, 0);
    assert_eq!(p.sha256_certificate_hash, HashState::Missing);
    assert_eq!(p.sha1_certificate_hash, HashState::Missing);
    assert!(!p.is_hash_configured_by_admin.value);
    assert!(p.sha256_enabled.value);
    assert!(!p.sha1_enabled.value);
    let l = p.listener();
    assert_eq!((l.scheme, l.port), (Scheme::Https, 443));
    assert_eq!(
        l.url(),
        "https://+:443/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
    );
    assert_eq!(p.hash_protocols(), HashProtocols::SHA256);
    assert_eq!(p.hash_source(), HashSource::Service);
    assert!(p.hash_events().is_empty());
    assert!(p.invalid_values().is_empty());
}

#[test]
fn use_https() {
    let http = params(&[("UseHttps", RegValue::Dword(0))]);
    assert!(!http.use_https.value);
    assert!(!http.use_https.is_default());
    let l = http.listener();
    assert_eq!((l.scheme, l.port), (Scheme::Http, 80));
    assert_eq!(
        l.url(),
        "http://+:80/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
    );
    let http_port = params(&[
        ("UseHttps", RegValue::Dword(0)),
        ("ListenerPort", RegValue::Dword(8080)),
    ]);
    assert_eq!(
        http_port.listener().url(),
        "http://+:8080/sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/"
    );
    assert!(params(&[("UseHttps", RegValue::Dword(1))]).use_https.value);
    assert!(params(&[("UseHttps", RegValue::Dword(7))]).use_https.value);

    // wrong type → treated as 1, and reported
    let p = params(&[("UseHttps", RegValue::String("0".into()))]);
    assert!(p.use_https.value);
    assert_eq!(
        p.use_https.defaulted,
        Some(ValueProblem::WrongType {
            found: "REG_SZ".into(),
            expected: "REG_DWORD"
        })
    );
    assert!(p.use_https.is_invalid());
    assert_eq!(p.listener().scheme, Scheme::Https);
    let inv = p.invalid_values();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0].name, names::USE_HTTPS);
    assert_eq!(inv[0].effect, "treated as 1 (HTTPS)");

    // a "DWORD" of the wrong length → treated as 1
    let p = params(&[(
        "UseHttps",
        RegValue::Other {
            type_code: 4,
            data: vec![0, 0],
        },
    )]);
    assert!(p.use_https.value);
    assert_eq!(
        p.use_https.defaulted,
        Some(ValueProblem::WrongLength {
            len: 2,
            expected: 4
        })
    );
    // a non-canonical Other that holds a proper DWORD is read as one
    let p = params(&[(
        "UseHttps",
        RegValue::Other {
            type_code: 4,
            data: vec![0, 0, 0, 0],
        },
    )]);
    assert!(!p.use_https.value);
    assert!(!p.use_https.is_default());
}

#[test]
fn listener_port() {
    let port = |v: RegValue| {
        let p = params(&[("ListenerPort", v)]);
        (p.listener_port.clone(), p.listener())
    };
    let (s, l) = port(RegValue::Dword(4443));
    assert_eq!((s.value, s.defaulted, l.port), (4443, None, 4443));
    let (s, l) = port(RegValue::Dword(0xFFFF));
    assert_eq!((s.value, l.port), (0xFFFF, 0xFFFF));
    let (s, l) = port(RegValue::Dword(0));
    assert_eq!((s.value, s.defaulted, l.port), (0, None, 443));

    // > 0xFFFF → 0 → 443
    let (s, l) = port(RegValue::Dword(0x10000));
    assert_eq!(s.value, 0);
    assert_eq!(
        s.defaulted,
        Some(ValueProblem::OutOfRange {
            raw: 0x10000,
            max: 0xFFFF
        })
    );
    assert_eq!(l.port, 443);
    // wrong type → 0
    let (s, l) = port(RegValue::Binary(vec![0xbb, 0x01, 0, 0]));
    assert_eq!(s.value, 0);
    assert!(
        matches!(s.defaulted, Some(ValueProblem::WrongType { ref found, .. }) if found == "REG_BINARY")
    );
    assert_eq!(l.port, 443);
    let (s, _) = port(RegValue::String("8443".into()));
    assert!(s.is_invalid());

    // reported with the effective port
    let p = params(&[
        ("UseHttps", RegValue::Dword(0)),
        ("ListenerPort", RegValue::Dword(70000)),
    ]);
    let inv = p.invalid_values();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0].effect, "treated as 0 (port 80)");
    assert_eq!(
        inv[0].problem.to_string(),
        "70000 (0x11170), more than 65535"
    );
    assert_eq!(
        p.listener().wildcard_endpoints().map(|e| e.to_string()),
        ["0.0.0.0:80".to_owned(), "[::]:80".to_owned()]
    );
}

#[test]
fn hash_values() {
    let p = params(&[
        ("SHA256CertificateHash", RegValue::Binary(bytes(SHA256_HEX))),
        ("SHA1CertificateHash", RegValue::Binary(bytes(SHA1_HEX))),
    ]);
    assert_eq!(
        p.sha256_certificate_hash,
        HashState::Valid { hash: sha256() }
    );
    assert_eq!(p.sha1_certificate_hash, HashState::Valid { hash: sha1() });
    assert_eq!(p.sha256_certificate_hash.hash(), Some(&sha256()));
    assert_eq!(p.sha256_certificate_hash.problem(), None);

    // 31 bytes → invalid with the length
    let p = params(&[("SHA256CertificateHash", RegValue::Binary(vec![0xab; 31]))]);
    assert_eq!(
        p.sha256_certificate_hash,
        HashState::Invalid {
            reason: ValueProblem::WrongLength {
                len: 31,
                expected: 32
            }
        }
    );
    // 33 bytes too
    let p = params(&[("SHA256CertificateHash", RegValue::Binary(vec![0xab; 33]))]);
    assert!(matches!(
        p.sha256_certificate_hash,
        HashState::Invalid {
            reason: ValueProblem::WrongLength { len: 33, .. }
        }
    ));
    // the hash pasted as text → wrong type
    let p = params(&[("SHA256CertificateHash", RegValue::String(SHA256_HEX.into()))]);
    assert_eq!(
        p.sha256_certificate_hash,
        HashState::Invalid {
            reason: ValueProblem::WrongType {
                found: "REG_SZ".into(),
                expected: "REG_BINARY"
            }
        }
    );
    // SHA-1 with the SHA-256 length
    let p = params(&[("SHA1CertificateHash", RegValue::Binary(bytes(SHA256_HEX)))]);
    assert_eq!(
        p.sha1_certificate_hash,
        HashState::Invalid {
            reason: ValueProblem::WrongLength {
                len: 32,
                expected: 20
            }
        }
    );
}

/// One hash-protocol type (issue 14, point 7): what the registry model
/// derives is what crypto binding offers and checks, with no conversion.
#[test]
fn the_registry_hash_protocols_are_crypto_bindings() {
    use sstp_cert::model::crypto_binding::{
        CallConnected, CryptoBindingRequest, HashProtocol, Hlak, ServerBinding,
        certificate_hash_field,
    };
    let p = params(&[("SHA1Enabled", RegValue::Dword(1))]);
    let offered: sstp_cert::model::crypto_binding::HashProtocols = p.hash_protocols();
    assert_eq!(offered.preferred(), Some(HashProtocol::Sha256));
    let request = CryptoBindingRequest::new(p.hash_protocols(), [4; 32]);
    assert_eq!(request.encode()[15], 0x03);
    let der = b"leaf";
    let hlak = Hlak::from_bytes([1; 32]);
    let wire = CallConnected::new(
        HashProtocol::Sha1,
        [4; 32],
        certificate_hash_field(der, HashProtocol::Sha1),
    )
    .signed(&hlak)
    .encode();
    let server = ServerBinding {
        offered: p.hash_protocols(),
        nonce: [4; 32],
        sha256: None,
        sha1: Some(Sha1Thumbprint::of_der(der)),
    };
    assert_eq!(server.verify(&wire, &hlak), Ok(HashProtocol::Sha1));
}

#[test]
fn flags_and_hash_protocols() {
    let p = params(&[
        ("isHashConfiguredByAdmin", RegValue::Dword(1)),
        ("SHA256Enabled", RegValue::Dword(0)),
        ("SHA1Enabled", RegValue::Dword(1)),
    ]);
    assert!(p.is_hash_configured_by_admin.value);
    assert!(!p.sha256_enabled.value);
    assert!(p.sha1_enabled.value);
    assert_eq!(p.hash_protocols(), HashProtocols::SHA1);
    assert_eq!(p.hash_protocols().bits(), 0x01);

    let both = params(&[("SHA1Enabled", RegValue::Dword(1))]);
    assert_eq!(both.hash_protocols().bits(), 0x03);
    assert!(both.hash_protocols().contains(HashProtocols::SHA1));
    assert!(both.hash_protocols().contains(HashProtocols::SHA256));

    let none = params(&[("SHA256Enabled", RegValue::Dword(0))]);
    assert!(none.hash_protocols().is_empty());
    assert_eq!(none.hash_protocols(), HashProtocols::NONE);

    // wrong types fall back to each flag's default
    let p = params(&[
        ("isHashConfiguredByAdmin", RegValue::String("1".into())),
        ("SHA256Enabled", RegValue::Qword(0)),
        ("SHA1Enabled", RegValue::Binary(vec![1, 0, 0, 0])),
    ]);
    assert!(!p.is_hash_configured_by_admin.value);
    assert!(p.sha256_enabled.value);
    assert!(!p.sha1_enabled.value);
    let inv: Vec<_> = p
        .invalid_values()
        .into_iter()
        .map(|i| (i.name, i.effect))
        .collect();
    assert_eq!(
        inv,
        vec![
            (
                names::IS_HASH_CONFIGURED_BY_ADMIN,
                "treated as 0 (automatic mode)".to_owned()
            ),
            (names::SHA256_ENABLED, "treated as enabled".to_owned()),
            (names::SHA1_ENABLED, "treated as disabled".to_owned()),
        ]
    );
}

#[test]
fn lookup_hash_follows_sha1_enabled() {
    let base = [
        ("SHA256CertificateHash", RegValue::Binary(bytes(SHA256_HEX))),
        ("SHA1CertificateHash", RegValue::Binary(bytes(SHA1_HEX))),
    ];
    let p = params(&base);
    assert_eq!(p.lookup_hash_name(), names::SHA256_CERTIFICATE_HASH);
    assert_eq!(p.lookup_hash(), Some(CertHash::Sha256(sha256())));
    let mut with_sha1 = base.to_vec();
    with_sha1.push(("SHA1Enabled", RegValue::Dword(1)));
    let p = params(&with_sha1);
    assert_eq!(p.lookup_hash_name(), names::SHA1_CERTIFICATE_HASH);
    assert_eq!(p.lookup_hash(), Some(CertHash::Sha1(sha1())));
    let p = params(&[("SHA1Enabled", RegValue::Dword(1))]);
    assert_eq!(p.lookup_hash(), None);
}

#[test]
fn names_are_case_insensitive_in_the_typed_view() {
    let p = params(&[
        ("USEHTTPS", RegValue::Dword(0)),
        ("listenerport", RegValue::Dword(8080)),
        ("sha256certificatehash", RegValue::Binary(bytes(SHA256_HEX))),
        ("ISHASHCONFIGUREDBYADMIN", RegValue::Dword(1)),
        ("sha1enabled", RegValue::Dword(1)),
        ("Sha256Enabled", RegValue::Dword(0)),
    ]);
    assert_eq!(p.listener().scheme, Scheme::Http);
    assert_eq!(p.listener().port, 8080);
    assert!(p.sha256_certificate_hash.hash().is_some());
    assert!(p.is_hash_configured_by_admin.value);
    assert_eq!(p.hash_protocols().bits(), 0x01);
}

// ---------------------------------------------------------------------------
// Events 18/19 decision table
// ---------------------------------------------------------------------------

fn params_of(pairs: &[&(&str, RegValue)]) -> SstpParameters {
    SstpParameters::from_values(&pairs.iter().map(|&(n, v)| (*n, v.clone())).collect())
}

fn event_ids(pairs: &[&(&str, RegValue)]) -> Vec<u32> {
    params_of(pairs)
        .hash_events()
        .iter()
        .map(|e| e.id.number())
        .collect()
}

#[test]
fn event_18_and_19_decision_table() {
    let admin = ("isHashConfiguredByAdmin", RegValue::Dword(1));
    let http = ("UseHttps", RegValue::Dword(0));
    let sha1_on = ("SHA1Enabled", RegValue::Dword(1));
    let short256 = ("SHA256CertificateHash", RegValue::Binary(vec![0xab; 31]));
    let text256 = ("SHA256CertificateHash", RegValue::String("x".into()));
    let good256 = ("SHA256CertificateHash", RegValue::Binary(bytes(SHA256_HEX)));
    let short1 = ("SHA1CertificateHash", RegValue::Binary(vec![1; 19]));
    let good1 = ("SHA1CertificateHash", RegValue::Binary(bytes(SHA1_HEX)));

    // valid: never
    assert_eq!(event_ids(&[&good256]), Vec::<u32>::new());
    assert_eq!(event_ids(&[&good256, &admin]), Vec::<u32>::new());
    assert_eq!(
        event_ids(&[&good256, &good1, &sha1_on, &admin]),
        Vec::<u32>::new()
    );

    // invalid: always (automatic, admin, HTTP)
    assert_eq!(event_ids(&[&short256]), vec![18]);
    assert_eq!(event_ids(&[&text256]), vec![18]);
    assert_eq!(event_ids(&[&short256, &admin]), vec![18]);
    assert_eq!(event_ids(&[&short256, &http]), vec![18]);

    // missing: only when the administrator provides the hashes
    assert_eq!(event_ids(&[]), Vec::<u32>::new());
    assert_eq!(event_ids(&[&admin]), vec![18]);
    assert_eq!(event_ids(&[&http]), vec![18]);

    // SHA-1: only while SHA1Enabled
    assert_eq!(event_ids(&[&good256, &short1]), Vec::<u32>::new());
    assert_eq!(event_ids(&[&good256, &short1, &sha1_on]), vec![19]);
    assert_eq!(
        event_ids(&[&good256, &admin]),
        Vec::<u32>::new(),
        "SHA-1 missing but disabled"
    );
    assert_eq!(event_ids(&[&good256, &admin, &sha1_on]), vec![19]);
    assert_eq!(event_ids(&[&good256, &sha1_on]), Vec::<u32>::new());
    assert_eq!(event_ids(&[&http, &sha1_on]), vec![18, 19]);
    assert_eq!(event_ids(&[&short256, &short1, &sha1_on]), vec![18, 19]);

    // the message says what and why
    let p = params_of(&[&short256]);
    let e = &p.hash_events()[0];
    assert_eq!(e.id, EventId::Sha256HashInvalid);
    assert_eq!(
        e.message,
        "SHA256CertificateHash is invalid: it is 31 bytes long (expected 32); it must be REG_BINARY of 32 bytes. SSTP accepts no connections"
    );
    let p = params_of(&[&http]);
    assert!(p.hash_events()[0].message.contains("UseHttps is 0"));
    assert_eq!(p.hash_source(), HashSource::Administrator);
    let p = params_of(&[&admin, &sha1_on, &good256]);
    let e = &p.hash_events()[0];
    assert_eq!(e.id, EventId::Sha1HashInvalid);
    assert!(
        e.message
            .starts_with("SHA1CertificateHash is not found, but isHashConfiguredByAdmin is 1")
    );

    // invalid SHA-1 while disabled is still listed for diagnosis
    let p = params_of(&[&short1]);
    let inv = p.invalid_values();
    assert_eq!(inv.len(), 1);
    assert_eq!(inv[0].effect, "not read while SHA1Enabled is 0");
    let p = params_of(&[&short1, &sha1_on]);
    assert_eq!(
        p.invalid_values()[0].effect,
        "Event 19: SSTP accepts no connections"
    );
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

#[test]
fn reg_commands() {
    let key = r#""HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters""#;
    assert_eq!(
        RegistryWrite::set_sha256_hash(&sha256())
            .to_reg_command()
            .unwrap(),
        format!("reg add {key} /v SHA256CertificateHash /t REG_BINARY /d {SHA256_HEX} /f")
    );
    assert_eq!(
        RegistryWrite::set_sha1_hash(&sha1())
            .to_reg_command()
            .unwrap(),
        format!("reg add {key} /v SHA1CertificateHash /t REG_BINARY /d {SHA1_HEX} /f")
    );
    assert_eq!(
        RegistryWrite::delete("SHA256CertificateHash")
            .to_reg_command()
            .unwrap(),
        format!("reg delete {key} /v SHA256CertificateHash /f")
    );
    assert_eq!(
        RegistryWrite::set_dword("UseHttps", 1)
            .to_reg_command()
            .unwrap(),
        format!("reg add {key} /v UseHttps /t REG_DWORD /d 1 /f")
    );
    assert_eq!(
        RegistryWrite::set("Big", RegValue::Qword(1 << 40))
            .to_reg_command()
            .unwrap(),
        format!("reg add {key} /v Big /t REG_QWORD /d 1099511627776 /f")
    );
    assert_eq!(
        RegistryWrite::set("My Name", RegValue::String(r#"say "hi""#.into()))
            .to_reg_command()
            .unwrap(),
        format!(r#"reg add {key} /v "My Name" /t REG_SZ /d "say \"hi\"" /f"#)
    );
    assert_eq!(
        RegistryWrite::set("P", RegValue::ExpandString(r"%SystemRoot%\x".into()))
            .to_reg_command()
            .unwrap(),
        format!(r#"reg add {key} /v P /t REG_EXPAND_SZ /d "%SystemRoot%\x" /f"#)
    );
    assert_eq!(
        RegistryWrite::set("M", RegValue::MultiString(vec!["a".into(), "b".into()]))
            .to_reg_command()
            .unwrap(),
        format!(r#"reg add {key} /v M /t REG_MULTI_SZ /d "a\0b" /f"#)
    );
    assert_eq!(
        RegistryWrite::set("", RegValue::String(String::new()))
            .to_reg_command()
            .unwrap(),
        format!(r#"reg add {key} /ve /t REG_SZ /d "" /f"#)
    );
    assert_eq!(
        RegistryWrite::delete("").to_reg_command().unwrap(),
        format!("reg delete {key} /ve /f")
    );
    assert_eq!(
        RegistryWrite::set("E", RegValue::Binary(vec![]))
            .to_reg_command()
            .unwrap(),
        format!(r#"reg add {key} /v E /t REG_BINARY /d "" /f"#)
    );
    let err = RegistryWrite::set(
        "N",
        RegValue::Other {
            type_code: 0,
            data: vec![1],
        },
    )
    .to_reg_command()
    .unwrap_err();
    assert_eq!(err.type_name, "REG_NONE");
    assert!(err.to_string().contains("cannot write"), "{err}");
}

#[test]
fn writes_apply_to_values() {
    let mut values = parse_reg_file(REGEDIT5.as_bytes()).unwrap().values;
    let before = SstpParameters::from_values(&values);
    assert_eq!(before.hash_source(), HashSource::Service);

    // behaviour §0.2: delete the hash; the service writes it again at plumbing
    values.apply(&RegistryWrite::delete("sha256certificatehash"));
    assert!(!values.contains("SHA256CertificateHash"));
    assert_eq!(
        SstpParameters::from_values(&values).sha256_certificate_hash,
        HashState::Missing
    );
    assert!(
        SstpParameters::from_values(&values)
            .hash_events()
            .is_empty()
    );

    let new256 = Sha256Hash::of_der(b"new certificate");
    let new1 = Sha1Thumbprint::of_der(b"new certificate");
    let record = RegistryWrite::automatic_mode_record(&new256, &new1);
    values.apply_all(&record);
    let after = SstpParameters::from_values(&values);
    assert_eq!(after.sha256_certificate_hash.hash(), Some(&new256));
    assert_eq!(after.sha1_certificate_hash.hash(), Some(&new1));
    assert!(!after.is_hash_configured_by_admin.value);
    assert!(!after.is_hash_configured_by_admin.is_default());
    // the existing spelling of the flag is kept
    assert_eq!(
        values.entry("ISHASHCONFIGUREDBYADMIN").unwrap().name,
        "isHashConfiguredByAdmin"
    );

    values.apply_all(&RegistryWrite::admin_pin(&new256, &new1));
    let pinned = SstpParameters::from_values(&values);
    assert!(pinned.is_hash_configured_by_admin.value);
    assert_eq!(pinned.hash_source(), HashSource::Administrator);
    assert_eq!(pinned.lookup_hash(), Some(CertHash::Sha256(new256)));

    // deleting what is not there is harmless
    let n = values.len();
    values.apply(&RegistryWrite::delete("NoSuchValue"));
    assert_eq!(values.len(), n);
    assert_eq!(RegistryWrite::delete("X").name(), "X");
}

// ---------------------------------------------------------------------------
// Rendering and round trips
// ---------------------------------------------------------------------------

#[test]
fn renders_reg_file_exactly() {
    let values: RegistryValues = [
        ("UseHttps", RegValue::Dword(1)),
        ("SHA256CertificateHash", RegValue::Binary(bytes(SHA256_HEX))),
        ("Note", RegValue::String(r#"a\b"c"#.into())),
        ("", RegValue::String("d".into())),
    ]
    .into_iter()
    .collect();
    let text = values.to_reg_file();
    assert_eq!(
        text,
        "Windows Registry Editor Version 5.00\r\n\
         \r\n\
         [HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters]\r\n\
         \"UseHttps\"=dword:00000001\r\n\
         \"SHA256CertificateHash\"=hex:10,21,32,43,54,65,76,87,98,a9,ba,cb,dc,ed,fe,0f,10,\\\r\n\
         \x20 21,32,43,54,65,76,87,98,a9,ba,cb,dc,ed,fe,0f\r\n\
         \"Note\"=\"a\\\\b\\\"c\"\r\n\
         @=\"d\"\r\n\
         \r\n"
    );
    assert!(text.lines().all(|l| l.len() <= 80));
    assert_eq!(parse_reg_file(text.as_bytes()).unwrap().values, values);
    let utf16 = values.to_reg_file_utf16();
    assert_eq!(&utf16[..4], &[0xFF, 0xFE, b'W', 0]);
    assert_eq!(parse_reg_file(&utf16).unwrap().values, values);
}

#[test]
fn renders_reg_query_exactly() {
    let values: RegistryValues = [
        ("UseHttps", RegValue::Dword(1)),
        ("ListenerPort", RegValue::Dword(0x1bb)),
        ("SHA1CertificateHash", RegValue::Binary(bytes(SHA1_HEX))),
        ("Q", RegValue::Qword(0x1_0000_0000)),
        ("M", RegValue::MultiString(vec!["a".into(), "b".into()])),
        ("", RegValue::ExpandString("%x%".into())),
    ]
    .into_iter()
    .collect();
    let text = values.to_reg_query();
    assert_eq!(
        text,
        format!(
            "\r\n{PARAMETERS_KEY}\r\n\
             \x20   UseHttps    REG_DWORD    0x1\r\n\
             \x20   ListenerPort    REG_DWORD    0x1bb\r\n\
             \x20   SHA1CertificateHash    REG_BINARY    3A7F00112233445566778899AABBCCDDEEFF0102\r\n\
             \x20   Q    REG_QWORD    0x100000000\r\n\
             \x20   M    REG_MULTI_SZ    a\\0b\r\n\
             \x20   (Default)    REG_EXPAND_SZ    %x%\r\n\r\n"
        )
    );
    assert_eq!(parse_reg_query(text.as_bytes()).unwrap().values, values);
}

#[test]
fn sample_inputs_round_trip_through_both_renderers() {
    let from_reg = parse_reg_file(REGEDIT5.as_bytes()).unwrap().values;
    let again = parse_reg_file(from_reg.to_reg_file().as_bytes())
        .unwrap()
        .values;
    assert_eq!(again, from_reg);
    let via_query = parse_reg_query(from_reg.to_reg_query().as_bytes())
        .unwrap()
        .values;
    assert_eq!(via_query, from_reg);

    let from_query = parse_reg_query(query_sample().as_bytes()).unwrap().values;
    let again = parse_reg_query(from_query.to_reg_query().as_bytes())
        .unwrap()
        .values;
    assert_eq!(again, from_query);
    let via_reg = parse_reg_file(from_query.to_reg_file().as_bytes())
        .unwrap()
        .values;
    assert_eq!(via_reg, from_query);
}

#[test]
fn wrong_length_dword_survives_both_renderers() {
    let values: RegistryValues = [
        ("UseHttps", RegValue::from_raw(4, vec![1, 0, 0])),
        ("Q", RegValue::from_raw(11, vec![1; 5])),
        ("S", RegValue::from_raw(1, vec![b'a', 0, b'b'])),
    ]
    .into_iter()
    .collect();
    let reg = values.to_reg_file();
    assert!(reg.contains("\"UseHttps\"=hex(4):01,00,00\r\n"), "{reg}");
    assert_eq!(parse_reg_file(reg.as_bytes()).unwrap().values, values);
    let mut no_string = values.clone();
    no_string.remove("S");
    let q = no_string.to_reg_query();
    assert!(q.contains("UseHttps    REG_DWORD    010000\r\n"), "{q}");
    assert_eq!(parse_reg_query(q.as_bytes()).unwrap().values, no_string);
}

#[test]
fn raw_value_conversions() {
    assert_eq!(
        RegValue::from_raw(11, vec![1, 0, 0, 0, 0, 0, 0, 0]),
        RegValue::Qword(1)
    );
    assert_eq!(RegValue::from_raw(3, vec![]), RegValue::Binary(vec![]));
    assert_eq!(
        RegValue::from_raw(1, vec![]),
        RegValue::String(String::new())
    );
    assert_eq!(
        RegValue::from_raw(7, vec![0, 0]),
        RegValue::MultiString(vec![])
    );
    // an empty item inside the list is kept
    let raw: Vec<u8> = "a\0\0b\0\0"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    let m = RegValue::from_raw(7, raw);
    assert_eq!(
        m,
        RegValue::MultiString(vec!["a".into(), "".into(), "b".into()])
    );
    assert_eq!(RegValue::from_raw(m.to_raw().0, m.to_raw().1), m);
    // odd-length UTF-16 stays raw
    assert_eq!(
        RegValue::from_raw(2, vec![b'a']),
        RegValue::Other {
            type_code: 2,
            data: vec![b'a']
        }
    );
    assert_eq!(
        RegValue::String("é".into()).to_raw(),
        (1, vec![0xe9, 0, 0, 0])
    );
    assert_eq!(
        RegValue::Other {
            type_code: 0x42,
            data: vec![]
        }
        .type_name(),
        "REG_UNKNOWN(0x42)"
    );
}

#[cfg(feature = "serde")]
#[test]
fn serde_json_shapes() {
    let p = params(&[
        ("SHA256CertificateHash", RegValue::Binary(vec![1; 31])),
        ("SHA1CertificateHash", RegValue::Binary(bytes(SHA1_HEX))),
        ("ListenerPort", RegValue::Dword(0x10000)),
    ]);
    let j = serde_json::to_value(&p).unwrap();
    assert_eq!(
        j["sha256_certificate_hash"],
        serde_json::json!({"state": "invalid", "reason": {"problem": "wrong-length", "len": 31, "expected": 32}})
    );
    assert_eq!(
        j["sha1_certificate_hash"],
        serde_json::json!({"state": "valid", "hash": SHA1_HEX})
    );
    assert_eq!(
        j["listener_port"],
        serde_json::json!({"value": 0, "defaulted": {"problem": "out-of-range", "raw": 65536, "max": 65535}})
    );
    assert_eq!(
        j["use_https"],
        serde_json::json!({"value": true, "defaulted": {"problem": "missing"}})
    );
    assert_eq!(
        serde_json::to_value(p.listener()).unwrap(),
        serde_json::json!({"scheme": "https", "port": 443})
    );
    assert_eq!(serde_json::to_value(p.hash_protocols()).unwrap(), 2);

    let parsed = parse_reg_file(REGEDIT5.as_bytes()).unwrap();
    let j = serde_json::to_value(&parsed).unwrap();
    assert_eq!(j["format"], "regedit5");
    assert_eq!(j["encoding"], "utf8");
    assert_eq!(
        j["values"][0],
        serde_json::json!({"name": "isHashConfiguredByAdmin", "value": {"type": "REG_DWORD", "type_code": 4, "data": 0}})
    );
    assert_eq!(
        j["values"][2]["value"],
        serde_json::json!({"type": "REG_BINARY", "type_code": 3, "data": SHA1_HEX})
    );
    assert_eq!(
        j["values"][6]["value"]["data"],
        serde_json::json!(["sstp", "https"])
    );
    assert_eq!(
        serde_json::to_value(RegistryWrite::delete("X")).unwrap(),
        serde_json::json!({"op": "delete", "name": "X"})
    );
}

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

/// Canonical values of every kind.
fn any_value() -> impl Strategy<Value = RegValue> {
    let text = "[^\\x00]{0,24}";
    prop_oneof![
        any::<u32>().prop_map(RegValue::Dword),
        any::<u64>().prop_map(RegValue::Qword),
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(RegValue::Binary),
        text.prop_map(RegValue::String),
        text.prop_map(RegValue::ExpandString),
        (proptest::collection::vec(text, 0..4), "[^\\x00]{1,8}").prop_map(|(mut v, last)| {
            v.push(last);
            RegValue::MultiString(v)
        }),
        (any::<u32>(), proptest::collection::vec(any::<u8>(), 0..40))
            .prop_map(|(code, data)| RegValue::from_raw(code, data)),
    ]
}

/// Values the `reg query` text can carry (see `to_reg_query`).
fn query_value() -> impl Strategy<Value = RegValue> {
    let line = "[^\\x00-\\x1f\\x7f\\x85\\u{2028}\\u{2029}\\\\]{0,24}";
    prop_oneof![
        any::<u32>().prop_map(RegValue::Dword),
        any::<u64>().prop_map(RegValue::Qword),
        proptest::collection::vec(any::<u8>(), 0..100).prop_map(RegValue::Binary),
        line.prop_map(RegValue::String),
        line.prop_map(RegValue::ExpandString),
        proptest::collection::vec("[a-zA-Z0-9 %.]{1,8}", 1..4).prop_map(RegValue::MultiString),
        (
            prop_oneof![
                Just(0u32),
                Just(4),
                Just(5),
                Just(6),
                Just(8),
                Just(11),
                12u32..
            ],
            proptest::collection::vec(any::<u8>(), 0..20)
        )
            .prop_map(|(code, data)| RegValue::from_raw(code, data)),
    ]
}

fn values_of(
    name: impl Strategy<Value = String>,
    value: impl Strategy<Value = RegValue>,
) -> impl Strategy<Value = RegistryValues> {
    proptest::collection::vec((name, value), 0..12)
        .prop_map(|pairs| pairs.into_iter().collect::<RegistryValues>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn reg_file_round_trip(values in values_of("[^\\p{Cc}]{0,20}", any_value())) {
        let text = values.to_reg_file();
        let back = parse_reg_file(text.as_bytes()).unwrap();
        prop_assert_eq!(&back.values, &values);
        let back16 = parse_registry_text(&values.to_reg_file_utf16()).unwrap();
        prop_assert_eq!(&back16.values, &values);
        // rendering is stable
        prop_assert_eq!(back.values.to_reg_file(), text);
    }

    #[test]
    fn reg_query_round_trip(values in values_of(
        "[A-Za-z0-9_.(){}-]([A-Za-z0-9_.(){} -]{0,18}[A-Za-z0-9_.(){}-])?",
        query_value(),
    )) {
        prop_assume!(!values
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case("(Default)") || e.name.contains("    REG_")));
        let text = values.to_reg_query();
        let back = parse_registry_text(text.as_bytes()).unwrap();
        prop_assert_eq!(back.format, RegistryFormat::RegQuery);
        prop_assert_eq!(&back.values, &values);
    }

    #[test]
    fn raw_round_trip(value in any_value()) {
        let (code, data) = value.to_raw();
        prop_assert_eq!(RegValue::from_raw(code, data), value);
    }

    #[test]
    fn typed_view_invariants(values in values_of(
        prop_oneof![
            Just("UseHttps".to_owned()), Just("LISTENERPORT".to_owned()),
            Just("SHA256CertificateHash".to_owned()), Just("sha1certificatehash".to_owned()),
            Just("isHashConfiguredByAdmin".to_owned()), Just("SHA256Enabled".to_owned()),
            Just("SHA1Enabled".to_owned()),
        ],
        prop_oneof![
            any::<u32>().prop_map(RegValue::Dword),
            (0u32..3).prop_map(RegValue::Dword),
            proptest::collection::vec(any::<u8>(), 18..34).prop_map(RegValue::Binary),
            any_value(),
        ],
    )) {
        let p = SstpParameters::from_values(&values);
        let l = p.listener();
        prop_assert_ne!(l.port, 0);
        prop_assert_eq!(l.scheme == Scheme::Https, p.use_https.value);
        prop_assert!(l.url().ends_with(SSTP_URL_PATH));
        prop_assert_eq!(
            p.hash_protocols().bits(),
            u8::from(p.sha1_enabled.value) | (u8::from(p.sha256_enabled.value) << 1)
        );
        // Event 18 exactly by the table
        let e18 = p.hash_events().iter().any(|e| e.id == EventId::Sha256HashInvalid);
        let want18 = match &p.sha256_certificate_hash {
            HashState::Valid { .. } => false,
            HashState::Invalid { .. } => true,
            HashState::Missing => p.hash_source() == HashSource::Administrator,
        };
        prop_assert_eq!(e18, want18);
        let e19 = p.hash_events().iter().any(|e| e.id == EventId::Sha1HashInvalid);
        let want19 = p.sha1_enabled.value && match &p.sha1_certificate_hash {
            HashState::Valid { .. } => false,
            HashState::Invalid { .. } => true,
            HashState::Missing => p.hash_source() == HashSource::Administrator,
        };
        prop_assert_eq!(e19, want19);
        // a rendered and re-parsed key gives the same view
        let again = parse_reg_file(values.to_reg_file().as_bytes()).unwrap();
        prop_assert_eq!(again.parameters(), p);
    }

    #[test]
    fn no_panic_on_arbitrary_bytes(input in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_reg_file(&input);
        let _ = parse_reg_query(&input);
        let _ = parse_registry_text(&input);
    }

    #[test]
    fn no_panic_on_near_miss_text(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("Windows Registry Editor Version 5.00".to_owned()),
                Just("REGEDIT4".to_owned()),
                Just(format!("[{PARAMETERS_KEY}]")),
                Just(PARAMETERS_KEY.to_owned()),
                Just("ERROR: x".to_owned()),
                "\"[a-z\\\\\"]{0,6}\"=(dword:|hex:|hex\\([0-9a-z]{0,3}\\):|\"|-|@)[0-9a-f,\\\\ \"]{0,12}",
                "    [A-Za-z ]{0,8}    REG_[A-Z_()x0-9]{0,12}    [0-9A-Fa-fx\\\\]{0,10}",
                "  [0-9a-f,]{0,10}\\\\?",
                "[\\PC\\t ;@\\[\\]\"=\\\\]{0,30}",
            ],
            0..20,
        ),
        sep in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        utf16 in any::<bool>(),
    ) {
        let text = lines.join(sep);
        let input = if utf16 { utf16le_bom(&text) } else { text.into_bytes() };
        for result in [
            parse_reg_file(&input),
            parse_reg_query(&input),
            parse_registry_text(&input),
        ] {
            if let Err(e) = result {
                // every error renders, briefly
                prop_assert!(e.to_string().len() < 600);
            }
        }
    }
}

/// Many long names that differ only at the end once made lookups cost
/// the key's size per line (minutes for a 1 MiB input); they must stay
/// linear.
#[test]
fn worst_case_inputs_parse_quickly() {
    let long = "x".repeat(1000);
    let mut reg = HEAD.to_owned();
    let mut query = format!("\r\n{PARAMETERS_KEY}\r\n");
    let mut i = 0;
    while reg.len() < MAX_REGISTRY_INPUT - 2000 {
        reg.push_str(&format!(
            "\"{long}{i:04}\"={}\n",
            if i % 2 == 0 { "-" } else { "dword:1" }
        ));
        i += 1;
    }
    let mut i = 0;
    while query.len() < MAX_REGISTRY_INPUT - 2000 {
        query.push_str(&format!("    {long}{i:04}    REG_SZ    x\r\n"));
        i += 1;
    }
    let start = std::time::Instant::now();
    assert!(matches!(
        parse_reg_file(reg.as_bytes()),
        Err(RegistryParseError::TooManyValues { .. })
    ));
    assert_eq!(parse_reg_query(query.as_bytes()).unwrap().values.len(), i);
    let elapsed = start.elapsed();
    assert!(elapsed.as_secs() < 20, "took {elapsed:?}");
}
