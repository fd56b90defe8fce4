//! `sstp-cert`: why does (or doesn't) this SSTP server's certificate work?
//!
//! Exit status: 0 success / a certificate was chosen / a positive answer;
//! 1 a negative answer (nothing eligible, a name mismatch, an error-level
//! finding); 2 bad input or usage, with a one-line error on stderr.

use std::io::Write as _;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod bindings;
mod bundle_arg;
mod check_host;
mod collect;
mod diagnose;
mod fleet;
mod input;
mod inspect;
mod output;
mod plan_change;
mod rotate;
mod select;
mod simulate;
mod state;
mod store_arg;
mod thumbprint;

/// How the SSTP service chooses and binds its HTTPS certificate, and why.
#[derive(Debug, Parser)]
#[command(name = "sstp-cert", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the facts of certificate files (hashes, purpose, names, validity, key).
    #[command(
        after_help = "Example:\n  sstp-cert inspect examples/store/07-server-auth-vpn.pem\n  openssl x509 -in cert.pem | sstp-cert inspect -\n\nExit status: 0 every file was read; 2 a file could not be read or parsed (each is reported, the others are still shown)."
    )]
    Inspect(inspect::Args),
    /// Run the automatic choice over a store, with every candidate's verdict.
    #[command(
        after_help = "Example:\n  sstp-cert select --store examples/store --host vpn.example.com\n  sstp-cert select --bundle collected/vpn1 --json\n\nExit status: 0 a certificate is chosen; 1 none is eligible; 2 bad input."
    )]
    Select(select::Args),
    /// Normalise a pasted thumbprint and say which kind of hash it is.
    #[command(
        after_help = "Example:\n  sstp-cert thumbprint \"3a 7f 00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 02\"\n\nExit status: 0 a SHA-1 or SHA-256 thumbprint; 2 not one (the bad character is named)."
    )]
    Thumbprint(thumbprint::Args),
    /// Parse saved `netsh http show sslcert` output into bindings.
    #[command(
        after_help = "Example:\n  sstp-cert bindings netsh-sslcert.txt\n  netsh http show sslcert | sstp-cert bindings -\n\nExit status: 0 the listing was read; 2 it could not be read."
    )]
    Bindings(bindings::Args),
    /// Will each kind of SSTP client accept a certificate for a host name?
    #[command(
        after_help = "Example:\n  sstp-cert check-host --cert examples/store/07-server-auth-vpn.pem --host vpn.example.com\n\nExit status: 0 every requested client accepts the name; 1 one does not; 2 bad input."
    )]
    CheckHost(check_host::Args),
    /// Say what is wrong with a machine's SSTP certificate set-up, and the fix.
    #[command(
        after_help = "Example:\n  sstp-cert diagnose --store examples/store --netsh examples/machine/netsh-sslcert.txt \\\n      --registry examples/machine/sstpsvc.reg --host vpn.example.com\n\nExit status: 0 no error finding; 1 an error finding; 2 bad input."
    )]
    Diagnose(diagnose::Args),
    /// Print the commands that change the bound certificate the right way.
    #[command(
        after_help = "Example:\n  sstp-cert plan-change --store examples/store --netsh examples/machine/netsh-sslcert.txt \\\n      --registry examples/machine/sstpsvc.reg --to 2deaa3dbe6eeaec89371fb1283a80984fc834531 > plan.txt\n\nExit status: 0 the plan was printed; 1 no certificate qualifies (nothing is printed on stdout); 2 bad input, or the new certificate is not one clients accept."
    )]
    PlanChange(plan_change::Args),
    /// Replay administrator commands, reboots and client connections on the model.
    #[command(
        after_help = "Example:\n  sstp-cert simulate --store examples/store --netsh examples/machine/netsh-sslcert.txt \\\n      --registry examples/machine/sstpsvc.reg plan.txt\n\nExit status: 0 every step and connection succeeded; 1 one failed; 2 bad input."
    )]
    Simulate(simulate::Args),
    /// Change the SSTP certificate step by step, verify it, and undo it on failure.
    #[command(
        after_help = "Runs on the simulated machine built from the saved state; dry run unless --apply.\n\nExample:\n  sstp-cert rotate --store examples/store --netsh examples/machine/netsh-sslcert.txt \\\n      --registry examples/machine/sstpsvc.reg --to 2deaa3dbe6eeaec89371fb1283a80984fc834531 --apply\n  sstp-cert rotate --store examples/store --to-newest --host vpn.example.com --json\n\nExit status: 0 the rotation is verified (or planned, or already in place); 1 it was refused or failed (the machine was restored, or the report says what differs); 2 bad input."
    )]
    Rotate(rotate::Args),
    /// Save this Windows machine's store, bindings and SSTP registry key as a bundle (read-only).
    #[command(
        after_help = "Runs on the Windows server itself, elevated; reads only.\n\nExample:\n  sstp-cert collect C:\\sstp-bundle\n\nExit status: 0 the bundle was written (parts that could not be read are recorded in machine.json); 2 OUT_DIR is not empty or cannot be written, or this is not Windows."
    )]
    Collect(collect::Args),
    /// Diagnose every bundle under a directory: one line per server.
    #[command(
        after_help = "Example:\n  sstp-cert fleet bundles/ --json\n\nExit status: 0 no server has an error finding; 1 one has (or its bundle is damaged); 2 bad input."
    )]
    Fleet(fleet::Args),
}

/// What a command decided.
pub enum Outcome {
    /// Exit 0.
    Positive,
    /// Exit 1.
    Negative,
    /// Exit 2: some input was bad; each problem was already reported on
    /// stderr with [`report_bad_input`], and the rest of the work done.
    BadInputReported,
}

/// Reports one bad input on stderr, in the same form as a fatal error.
pub fn report_bad_input(msg: &str) {
    let _ = std::io::stdout().flush();
    eprintln!("sstp-cert: error: {}", msg.replace('\n', " "));
}

/// A command's failure: exit 2 with this one line.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(e: E) -> Self {
        CliError(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(a) => inspect::run(a),
        Command::Select(a) => select::run(a),
        Command::Thumbprint(a) => thumbprint::run(a),
        Command::Bindings(a) => bindings::run(a),
        Command::CheckHost(a) => check_host::run(a),
        Command::Diagnose(a) => diagnose::run(a),
        Command::PlanChange(a) => plan_change::run(a),
        Command::Simulate(a) => simulate::run(a),
        Command::Rotate(a) => rotate::run(a),
        Command::Collect(a) => collect::run(a),
        Command::Fleet(a) => fleet::run(a),
    };
    match result {
        Ok(Outcome::Positive) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Ok(Outcome::BadInputReported) => ExitCode::from(2),
        Err(CliError(msg)) => {
            report_bad_input(&msg);
            ExitCode::from(2)
        }
    }
}
