//! Scripts of administrator commands (`script::parse_script`,
//! `script::parse_line`), as `sstp-cert simulate` reads them: never panic;
//! a step reads the same from the line it kept; a command step prints
//! (`PlanStep::render`) and reads back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::script::{
    MAX_SCRIPT_LINE, MAX_SCRIPT_LINES, ScriptStep, parse_line, parse_script,
};

fuzz_target!(|text: &str| {
    let Ok(steps) = parse_script(text) else {
        return;
    };
    assert!(steps.len() <= MAX_SCRIPT_LINES);
    let mut last = 0;
    for (line, kept, step) in &steps {
        assert!(*line > last, "line numbers increase");
        last = *line;
        assert!(kept.len() <= MAX_SCRIPT_LINE);
        assert_eq!(
            parse_line(kept).as_ref(),
            Ok(&Some(step.clone())),
            "{kept:?}"
        );
        match step {
            ScriptStep::Plan(p) => {
                if let Ok(rendered) = p.render() {
                    assert_eq!(
                        parse_line(&rendered),
                        Ok(Some(step.clone())),
                        "{kept:?} rendered as {rendered:?}"
                    );
                }
            }
            ScriptStep::Connect {
                host,
                profile,
                family,
            } => {
                let again = format!(
                    "connect {host} {} {}",
                    profile.code(),
                    match family {
                        sstp_cert::model::plumbing::Family::V4 => "ipv4",
                        sstp_cert::model::plumbing::Family::V6 => "ipv6",
                    }
                );
                assert_eq!(parse_line(&again), Ok(Some(step.clone())), "{again}");
            }
            ScriptStep::ShowBindings => {
                assert_eq!(
                    parse_line("netsh http show sslcert"),
                    Ok(Some(step.clone()))
                );
            }
            ScriptStep::QueryRegistry => {
                let query =
                    r#"reg query "HKLM\SYSTEM\CurrentControlSet\Services\SstpSvc\Parameters""#;
                assert_eq!(parse_line(query), Ok(Some(step.clone())), "{query}");
            }
            ScriptStep::Import { .. } | ScriptStep::Reboot => {}
            // Steps added later: the check above holds for them too.
            _ => {}
        }
    }
});
