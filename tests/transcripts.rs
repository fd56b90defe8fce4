//! Saved text pasted from a console: prompts, command echoes and PowerShell
//! transcript headers are skipped and reported, never refused and never
//! dropped silently (behaviour §12, issue 13). Samples: `tests/data/transcripts`.

use std::path::PathBuf;

use sstp_cert::model::httpsys::{NetshParseError, parse_sslcert_show};
use sstp_cert::model::registry::{
    RegValue, RegistryFormat, RegistryParseError, parse_reg_file, parse_reg_query,
    parse_registry_text,
};
use sstp_cert::model::transcript::SkipReason;

fn data(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/transcripts")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn lines_and_reasons(
    skipped: &[sstp_cert::model::transcript::SkippedLine],
) -> Vec<(usize, SkipReason)> {
    skipped.iter().map(|s| (s.line, s.reason)).collect()
}

#[test]
fn netsh_after_a_cmd_prompt_and_before_the_next() {
    let listing =
        parse_sslcert_show(&data("netsh-cmd.txt")).expect("a pasted cmd.exe transcript parses");
    assert_eq!(listing.bindings.len(), 2);
    assert!(listing.bindings.iter().all(|b| b.is_sstp()));
    assert_eq!(listing.title.as_deref(), Some("SSL Certificate bindings:"));
    assert_eq!(
        lines_and_reasons(&listing.skipped),
        [(1, SkipReason::CmdPrompt), (73, SkipReason::CmdPrompt)]
    );
    assert_eq!(
        listing.skipped[0].text,
        r"C:\Users\Administrator>netsh http show ssl"
    );
    assert!(listing.problems.is_empty(), "{:?}", listing.problems);
}

#[test]
fn netsh_from_a_powershell_console() {
    let listing = parse_sslcert_show(&data("netsh-powershell.txt")).unwrap();
    assert_eq!(listing.bindings.len(), 2);
    assert_eq!(
        lines_and_reasons(&listing.skipped),
        [
            (1, SkipReason::PowerShellPrompt),
            (73, SkipReason::PowerShellPrompt)
        ]
    );
}

#[test]
fn netsh_in_a_powershell_transcript_file() {
    let listing = parse_sslcert_show(&data("netsh-transcript.txt")).unwrap();
    assert_eq!(listing.bindings.len(), 2);
    let reasons = lines_and_reasons(&listing.skipped);
    // 18 header lines, the "Transcript started" notice, the prompt; the
    // Stop-Transcript prompt and the 4-line footer
    assert_eq!(reasons.len(), 18 + 2 + 1 + 4);
    assert!(
        reasons[..19]
            .iter()
            .all(|(_, r)| *r == SkipReason::TranscriptHeader)
    );
    assert_eq!(reasons[19].1, SkipReason::PowerShellPrompt);
    assert_eq!(reasons[20].1, SkipReason::PowerShellPrompt);
    assert!(
        reasons[21..]
            .iter()
            .all(|(_, r)| *r == SkipReason::TranscriptHeader)
    );
    // every binding field survived: nothing of the output was taken for a header
    assert_eq!(listing.bindings[0].fields.len(), 21);
    assert_eq!(listing.bindings[0].extended.len(), 2);
}

#[test]
fn a_trailing_prompt_ends_the_last_binding() {
    let text = "SSL Certificate bindings:\n-------------------------\n\n    IP:port : 0.0.0.0:443\n    Certificate Hash : fd7836af1cd7596a264e47b988ccef90d7a36e5a\n    Application ID : {ba195980-cd49-458b-9e23-c84ee0adcd75}\n    Certificate Store Name : MY\nPS C:\\> ";
    let listing = parse_sslcert_show(text.as_bytes()).unwrap();
    assert_eq!(listing.bindings.len(), 1);
    assert_eq!(listing.bindings[0].fields.len(), 0);
    assert_eq!(
        lines_and_reasons(&listing.skipped),
        [(8, SkipReason::PowerShellPrompt)]
    );
}

#[test]
fn a_line_that_is_neither_prompt_nor_output_is_still_refused() {
    let text =
        "Some other program's output\nSSL Certificate bindings:\n-------------------------\n";
    match parse_sslcert_show(text.as_bytes()) {
        Err(NetshParseError::Unexpected { line: 1, .. }) => {}
        other => panic!("{other:?}"),
    }
    // a prompt alone is no listing
    assert!(matches!(
        parse_sslcert_show(b"C:\\Users\\Administrator>netsh http show ssl\r\n"),
        Ok(l) if l.bindings.is_empty() && l.skipped.len() == 1
    ));
}

#[test]
fn reg_query_with_its_cmd_echo_line() {
    let parsed =
        parse_reg_query(&data("reg-query-cmd.txt")).expect("reg query with its echo line parses");
    assert_eq!(parsed.format, RegistryFormat::RegQuery);
    assert_eq!(
        parsed.values.get("ListenerPort"),
        Some(&RegValue::Dword(443))
    );
    assert_eq!(parsed.values.len(), 5);
    assert_eq!(
        lines_and_reasons(&parsed.skipped),
        [(1, SkipReason::CmdPrompt), (10, SkipReason::CmdPrompt)]
    );
    // the same through the format-detecting reader
    let detected = parse_registry_text(&data("reg-query-cmd.txt")).unwrap();
    assert_eq!(detected, parsed);
}

#[test]
fn reg_query_from_powershell_in_utf16() {
    let parsed = parse_registry_text(&data("reg-query-powershell.txt")).unwrap();
    assert_eq!(parsed.format, RegistryFormat::RegQuery);
    assert_eq!(parsed.values.len(), 5);
    assert_eq!(
        lines_and_reasons(&parsed.skipped),
        [
            (1, SkipReason::PowerShellPrompt),
            (10, SkipReason::PowerShellPrompt)
        ]
    );
}

#[test]
fn reg_file_shown_with_type() {
    let parsed = parse_registry_text(&data("reg-file-type.txt")).unwrap();
    assert_eq!(parsed.format, RegistryFormat::Regedit5);
    assert_eq!(parsed.values.len(), 4);
    let direct = parse_reg_file(&data("reg-file-type.txt")).unwrap();
    assert_eq!(direct, parsed);
    assert_eq!(
        lines_and_reasons(&parsed.skipped),
        [(1, SkipReason::CmdPrompt), (11, SkipReason::CmdPrompt)]
    );
}

#[test]
fn registry_text_that_is_not_a_transcript_is_still_refused() {
    let text = b"C:\\>reg query HKLM\\x\r\nnot a key line\r\n";
    assert!(matches!(
        parse_registry_text(text),
        Err(RegistryParseError::UnrecognizedFormat { line: 2, .. })
    ));
}

#[cfg(feature = "serde")]
#[test]
fn skipped_lines_serialise_with_their_codes() {
    let parsed = parse_reg_query(&data("reg-query-cmd.txt")).unwrap();
    let v = serde_json::to_value(&parsed.skipped).unwrap();
    assert_eq!(v[0]["reason"], "cmd-prompt");
    assert_eq!(v[0]["line"], 1);
}

#[cfg(feature = "cli")]
#[test]
fn cli_bindings_reports_skipped_lines_on_stderr() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("bindings")
        .arg("tests/data/transcripts/netsh-cmd.txt")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            r"sstp-cert: note: tests/data/transcripts/netsh-cmd.txt: line 1: skipped a cmd.exe prompt: C:\Users\Administrator>netsh http show ssl"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 73: skipped a cmd.exe prompt"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("0.0.0.0:443"), "{stdout}");
}

mod props {
    use proptest::prelude::*;
    use sstp_cert::model::httpsys::parse_sslcert_show;
    use sstp_cert::model::registry::parse_reg_query;

    const LISTING: &str = "SSL Certificate bindings:\r\n-------------------------\r\n\r\n    IP:port                      : 0.0.0.0:443\r\n    Certificate Hash             : fd7836af1cd7596a264e47b988ccef90d7a36e5a\r\n    Application ID               : {ba195980-cd49-458b-9e23-c84ee0adcd75}\r\n    Certificate Store Name       : MY\r\n";
    const QUERY: &str = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters\r\n    ListenerPort    REG_DWORD    0x1bb\r\n";

    /// A cmd.exe or PowerShell prompt with a command or nothing.
    fn prompt() -> impl Strategy<Value = String> {
        let dir = "[A-Za-z0-9_ .-]{0,12}";
        let cmd = prop_oneof![
            Just(String::new()),
            Just("netsh http show sslcert".to_owned()),
            Just(
                "reg query HKLM\\SYSTEM\\CurrentControlSet\\Services\\SstpSvc\\Parameters"
                    .to_owned()
            ),
            "[a-z -]{1,20}",
        ];
        (any::<bool>(), "[C-Zc-z]", dir, cmd).prop_map(|(ps, drive, dir, cmd)| {
            if ps {
                format!("PS {drive}:\\{dir}> {cmd}")
            } else {
                format!("{drive}:\\{dir}>{cmd}")
            }
        })
    }

    proptest! {
        /// Prompts before and after the output change nothing but the
        /// skipped lines, which are exactly the prompts.
        #[test]
        fn prompts_around_the_output_are_skipped_and_reported(
            before in prop::collection::vec(prompt(), 0..3),
            after in prop::collection::vec(prompt(), 0..3),
        ) {
            let wrap = |body: &str| {
                let mut t = String::new();
                for p in &before { t.push_str(p); t.push_str("\r\n"); }
                t.push_str(body);
                for p in &after { t.push_str(p); t.push_str("\r\n"); }
                t
            };
            let plain = parse_sslcert_show(LISTING.as_bytes()).unwrap();
            let pasted = parse_sslcert_show(wrap(LISTING).as_bytes()).unwrap();
            prop_assert_eq!(&pasted.bindings, &plain.bindings);
            prop_assert_eq!(pasted.skipped.len(), before.len() + after.len());
            let plain = parse_reg_query(QUERY.as_bytes()).unwrap();
            let pasted = parse_reg_query(wrap(QUERY).as_bytes()).unwrap();
            prop_assert_eq!(&pasted.values, &plain.values);
            prop_assert_eq!(pasted.skipped.len(), before.len() + after.len());
            for (s, p) in pasted.skipped.iter().zip(before.iter().chain(&after)) {
                prop_assert_eq!(&s.text, p.trim());
            }
        }
    }
}

#[cfg(feature = "cli")]
#[test]
fn cli_diagnose_names_the_skipped_lines_of_both_files() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "diagnose",
            "--store",
            "examples/store",
            "--netsh",
            "tests/data/transcripts/netsh-cmd.txt",
            "--registry",
            "tests/data/transcripts/reg-query-cmd.txt",
            "--at",
            "2026-12-01T00:00:00Z",
        ])
        .output()
        .unwrap();
    assert_ne!(out.status.code(), Some(2), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(
            r"note: tests/data/transcripts/netsh-cmd.txt: line 1: skipped a cmd.exe prompt: C:\Users\Administrator>netsh http show ssl"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            r"note: tests/data/transcripts/reg-query-cmd.txt: line 1: skipped a cmd.exe prompt: C:\Users\Administrator>reg query"
        ),
        "{stdout}"
    );
}
