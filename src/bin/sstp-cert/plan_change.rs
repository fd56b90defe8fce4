//! `sstp-cert plan-change --store DIR [--netsh FILE] [--registry FILE]
//! [--to THUMBPRINT] [--host NAME] [--at TIME] [--delete-old]`

use serde::Serialize;
use sstp_cert::model::advice::{Recommendation, recommend};
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::plan::{Plan, PlanInput, PlanOptions, plan_certificate_change};
use sstp_cert::model::thumbprint::Sha1Thumbprint;

use crate::output::{at_or_now, emit, print_json};
use crate::state::StateArgs;
use crate::{CliError, Outcome};

/// Arguments of `plan-change`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    state: StateArgs,
    /// The thumbprint of the new certificate (already in the store); pasted
    /// text with spaces or invisible characters is accepted. Without it, the
    /// recommended certificate (behaviour §11). A certificate clients refuse is
    /// refused (exit 2).
    #[arg(long)]
    to: Option<String>,
    /// The host name clients dial: the new certificate must name it for the
    /// Windows client.
    #[arg(long)]
    host: Option<String>,
    /// Judge the new certificate's validity at this RFC 3339 time instead
    /// of now (e.g. the time of the planned change).
    #[arg(long)]
    at: Option<String>,
    /// Also delete the certificate bound now from the store first.
    #[arg(long)]
    delete_old: bool,
    /// One JSON document on stdout (the structured plan and its lines).
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    #[serde(flatten)]
    plan: &'a Plan,
    commands: Vec<String>,
}

/// `--json` without `--to` when no certificate qualifies.
#[derive(Serialize)]
struct NoPlan<'a> {
    recommendation: &'a Recommendation,
    requirements: String,
    commands: Vec<String>,
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let state = a.state.load()?;
    let parameters = state.state.parameters();
    let host = a
        .host
        .as_deref()
        .map(ReferenceId::parse)
        .transpose()
        .map_err(|e| CliError(format!("--host: {e}")))?;
    let to: Sha1Thumbprint = match &a.to {
        Some(t) => t.parse().map_err(|e| CliError(format!("--to: {e}")))?,
        None => {
            let r = recommend(&state.state.store, Some(at), host.as_ref());
            match r.sha1() {
                Some(t) => {
                    eprintln!("note: no --to: {}", r.summary());
                    t
                }
                None => {
                    // Nothing to bind: say what to obtain, print no command.
                    if a.json {
                        print_json(&NoPlan {
                            recommendation: &r,
                            requirements: r.requirements(),
                            commands: Vec::new(),
                        })?;
                    } else {
                        eprintln!("{}", r.summary());
                    }
                    return Ok(Outcome::Negative);
                }
            }
        }
    };
    let mut input = PlanInput::from_state(&state.state, &parameters).at(at);
    input.host = host.as_ref();
    let mut options = PlanOptions::default();
    if a.delete_old {
        options = options.deleting_old_certificate();
    }
    let plan = plan_certificate_change(&input, &to, &options)?;
    let commands = plan.render()?;
    if a.json {
        print_json(&Report {
            plan: &plan,
            commands,
        })?;
    } else {
        // Commands only on stdout, so that the output can be piped into a
        // script; notes go to stderr.
        for n in &state.notes {
            eprintln!("note: {n}");
        }
        for u in &plan.unknown_inputs {
            eprintln!("note: {u}");
        }
        for n in &plan.notes {
            eprintln!("note: {n}");
        }
        let mut text = commands.join("\n");
        text.push('\n');
        emit(&text)?;
    }
    Ok(Outcome::Positive)
}
