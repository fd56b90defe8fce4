//! The README's console samples are what the program prints: every `text`
//! block that starts with `$ sstp-cert …` is run, and its output compared
//! byte for byte (stdout, or stdout and stderr together where the sample
//! shows notes). Samples that need files outside the repository (the fleet
//! of collected bundles) or a shell pipeline are listed and left out.
#![cfg(feature = "cli")]

use std::process::Command;

struct Sample {
    line: usize,
    args: Vec<String>,
    expected: String,
}

/// Splits a command line the way the README writes them: words separated by
/// spaces, double-quoted words kept whole.
fn words(command: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in command.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            ' ' if !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                    any = false;
                }
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

fn samples(readme: &str) -> (Vec<Sample>, Vec<(usize, String)>) {
    let lines: Vec<&str> = readme.lines().collect();
    let (mut run, mut left_out) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i + 1 < lines.len() {
        if lines[i] == "```text" && lines[i + 1].starts_with("$ sstp-cert ") {
            let line = i + 2;
            let mut j = i + 1;
            let mut command = String::new();
            loop {
                let l = lines[j].trim_start_matches("$ ").trim();
                command.push_str(l.trim_end_matches('\\').trim());
                command.push(' ');
                j += 1;
                if !l.ends_with('\\') {
                    break;
                }
            }
            let start = j;
            while !lines[j].starts_with("```") {
                j += 1;
            }
            let expected: String = lines[start..j].iter().map(|l| format!("{l}\n")).collect();
            let needs_shell = command.contains('…')
                || command.contains(" > ")
                || command.contains(" | ")
                || lines[start..j].iter().any(|l| l.starts_with("$ "));
            let needs_files = command.contains("fleet bundles");
            if needs_shell || needs_files {
                left_out.push((line, command));
            } else {
                let mut args = words(command.trim());
                args.remove(0); // sstp-cert
                run.push(Sample {
                    line,
                    args,
                    expected,
                });
            }
            i = j;
        }
        i += 1;
    }
    (run, left_out)
}

#[test]
fn every_console_sample_in_the_readme_is_what_the_program_prints() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let (run, left_out) = samples(&readme);
    for (line, command) in &left_out {
        println!(
            "README line {line}: not run here (shell pipeline or collected bundles): {command}"
        );
    }
    assert!(run.len() >= 10, "only {} samples found", run.len());
    let mut wrong = Vec::new();
    for s in &run {
        let out = Command::new(env!("CARGO_BIN_EXE_sstp-cert"))
            .args(&s.args)
            .current_dir(root)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The samples show notes (stderr) after the output, or before it
        // where the program prints them first (plan-change).
        let after = format!("{stdout}{stderr}");
        let before = format!("{stderr}{stdout}");
        if s.expected != stdout && s.expected != after && s.expected != before {
            wrong.push(format!(
                "README line {}: `sstp-cert {}` printed\n{stdout}{stderr}",
                s.line,
                s.args.join(" ")
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
