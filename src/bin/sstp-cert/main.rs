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
mod live;
mod output;
mod plan_change;
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
    Inspect(inspect::Args),
    /// Run the automatic choice over a store, with every candidate's verdict.
    Select(select::Args),
    /// Normalise a pasted thumbprint and say which kind of hash it is.
    Thumbprint(thumbprint::Args),
    /// Parse saved `netsh http show sslcert` output into bindings.
    Bindings(bindings::Args),
    /// Will each kind of SSTP client accept a certificate for a host name?
    CheckHost(check_host::Args),
    /// Say what is wrong with a machine's SSTP certificate set-up, and the fix.
    Diagnose(diagnose::Args),
    /// Print the commands that change the bound certificate the right way.
    PlanChange(plan_change::Args),
    /// Replay administrator commands, reboots and client connections on the model.
    Simulate(simulate::Args),
    /// Save this Windows machine's store, bindings and SSTP registry key as a bundle (read-only).
    Collect(collect::Args),
    /// Diagnose every bundle under a directory: one line per server.
    Fleet(fleet::Args),
}

/// What a command decided.
pub enum Outcome {
    /// Exit 0.
    Positive,
    /// Exit 1.
    Negative,
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
        Command::Collect(a) => collect::run(a),
        Command::Fleet(a) => fleet::run(a),
    };
    match result {
        Ok(Outcome::Positive) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Err(CliError(msg)) => {
            let _ = std::io::stdout().flush();
            eprintln!("sstp-cert: error: {}", msg.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}
