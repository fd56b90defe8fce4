//! Registry text: a `.reg` export (`parse_reg_file`) and `reg query`
//! output (`parse_reg_query`), and the format detection of
//! `parse_registry_text`: never panic; what they read renders back
//! (`to_reg_file`, `to_reg_file_utf16`, `to_reg_query`) and reads again to
//! the same values; the typed view (`SstpParameters`) never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::registry::{
    ParsedRegistry, RegValue, RegistryFormat, RegistryValues, SstpParameters, parse_reg_file,
    parse_reg_query, parse_registry_text,
};

fn query_renderable(v: &RegistryValues) -> bool {
    // The conditions `RegistryValues::to_reg_query` documents.
    v.iter().all(|e| {
        !e.name.contains("    ")
            && !e.name.contains(['\r', '\n'])
            && !e.name.eq_ignore_ascii_case("(Default)")
            && match &e.value {
                RegValue::String(s) | RegValue::ExpandString(s) => !s.contains(['\r', '\n']),
                RegValue::MultiString(items) => {
                    items
                        .iter()
                        .all(|s| !s.contains("\\0") && !s.contains(['\0', '\r', '\n']))
                        && items.last().is_none_or(|s| !s.is_empty())
                }
                RegValue::Other { type_code, .. } => !matches!(type_code, 1 | 2 | 7),
                _ => true,
            }
    })
}

fn check(parsed: &ParsedRegistry) {
    let values = &parsed.values;
    let params = SstpParameters::from_values(values);
    let _ = params.listener().url();
    let _ = params.hash_events();
    let _ = params.invalid_values();
    let _ = params.hash_protocols();
    let _ = params.lookup_hash();
    let _ = serde_json::to_string(parsed).expect("serialises");

    if values.iter().all(|e| !e.name.chars().any(char::is_control)) {
        let text = values.to_reg_file();
        let back = parse_reg_file(text.as_bytes())
            .unwrap_or_else(|e| panic!("to_reg_file output does not parse: {e}\n{text}"));
        assert_eq!(&back.values, values, "{text}");
        let back16 = parse_reg_file(&values.to_reg_file_utf16()).expect("UTF-16 export parses");
        assert_eq!(&back16.values, values);
        assert_eq!(SstpParameters::from_values(&back.values), params);
    }
    if query_renderable(values) {
        let text = values.to_reg_query();
        let back = parse_reg_query(text.as_bytes())
            .unwrap_or_else(|e| panic!("to_reg_query output does not parse: {e}\n{text}"));
        assert_eq!(&back.values, values, "{text}");
    }
}

fuzz_target!(|data: &[u8]| {
    let file = parse_reg_file(data);
    let query = parse_reg_query(data);
    let any = parse_registry_text(data);
    if let Ok(p) = &file {
        check(p);
    }
    if let Ok(p) = &query {
        check(p);
    }
    if let Ok(p) = &any {
        // The detection picks one of the two parsers and agrees with it.
        match p.format {
            RegistryFormat::Regedit5 | RegistryFormat::Regedit4 => {
                assert_eq!(file.as_ref(), Ok(p));
            }
            RegistryFormat::RegQuery => assert_eq!(query.as_ref(), Ok(p)),
            other => panic!("a format this target does not know: {other:?}"),
        }
    }
});
