//! Tests of the registry model.

use super::*;
use crate::model::text::LineReader;

#[test]
fn names_fold_case_insensitively_beyond_ascii() {
    assert_eq!(fold_name("UseHttps"), fold_name("USEHTTPS"));
    assert_eq!(fold_name("Größe"), fold_name("GRÖßE"));
    assert_eq!(fold_name("Größe"), "GRÖßE", "no ß → SS expansion");
    assert_ne!(fold_name("UseHttps"), fold_name("UseHttp"));
    assert_ne!(fold_name("a"), fold_name("b"));
}

#[test]
fn index_follows_removals() {
    let mut v: RegistryValues = [
        ("A", RegValue::Dword(1)),
        ("B", RegValue::Dword(2)),
        ("C", RegValue::Dword(3)),
    ]
    .into_iter()
    .collect();
    assert_eq!(v.remove("a").map(|e| e.name), Some("A".to_owned()));
    assert_eq!(v.get("c"), Some(&RegValue::Dword(3)));
    assert_eq!(v.get("b"), Some(&RegValue::Dword(2)));
    assert_eq!(v.remove("a"), None);
    v.set("a", RegValue::Dword(4));
    assert_eq!(
        v.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["B", "C", "a"]
    );
    assert_eq!(v.get("C"), Some(&RegValue::Dword(3)));
    assert_eq!(v.get("A"), Some(&RegValue::Dword(4)));
}

#[test]
fn line_reader_handles_every_line_end() {
    let lines: Vec<_> = LineReader::new("a\r\nb\nc\rd\r\n\r\ne").collect();
    assert_eq!(
        lines,
        vec![(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, ""), (6, "e")]
    );
    assert_eq!(LineReader::new("x\n").count(), 1);
}

#[test]
fn parameters_key_spellings() {
    for ok in [
        PARAMETERS_KEY,
        PARAMETERS_KEY_SHORT,
        r"hklm\system\currentcontrolset\services\sstpsvc\parameters\",
        r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Services\SstpSvc\Parameters",
        r"\\VPN01\HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters",
    ] {
        assert!(is_parameters_key(ok), "{ok}");
    }
    for bad in [
        r"HKEY_CURRENT_USER\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters",
        r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc",
        r"HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters\Sub",
        r"HKLM\SYSTEM\ControlSet01\Services\SstpSvc\Parameters",
        "",
    ] {
        assert!(!is_parameters_key(bad), "{bad}");
    }
}

#[test]
fn cmd_arg_quoting() {
    assert_eq!(cmd_arg("UseHttps", false), "UseHttps");
    assert_eq!(cmd_arg("My Value", false), "\"My Value\"");
    assert_eq!(cmd_arg("", false), "\"\"");
    assert_eq!(cmd_arg(r#"say "hi""#, true), r#""say \"hi\"""#);
    assert_eq!(cmd_arg(r"C:\dir\", true), r#""C:\dir\\""#);
    assert_eq!(cmd_arg(r#"a\"b"#, true), r#""a\\\"b""#);
}

#[test]
fn type_names_round_trip() {
    for code in [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
        10,
        11,
        12,
        0x1234_5678,
        u32::MAX,
    ] {
        assert_eq!(type_code_of_name(&type_name(code)), Some(code));
    }
    assert_eq!(type_code_of_name("REG_WHATEVER"), None);
    assert_eq!(type_code_of_name("REG_UNKNOWN(0x+1)"), None);
}
