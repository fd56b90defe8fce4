//! `sstp-cert plan-change --store DIR --netsh FILE [--registry FILE] --to THUMBPRINT`

use serde::Serialize;
use sstp_cert::model::plan::{Plan, PlanInput, PlanOptions, plan_certificate_change};
use sstp_cert::model::thumbprint::Sha1Thumbprint;

use crate::output::{emit, print_json};
use crate::state::StateArgs;
use crate::{CliError, Outcome};

/// Arguments of `plan-change`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    state: StateArgs,
    /// The thumbprint of the new certificate (already in the store); pasted
    /// text with spaces or invisible characters is accepted.
    #[arg(long)]
    to: String,
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

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let state = a.state.load()?;
    let to: Sha1Thumbprint = a.to.parse().map_err(|e| CliError(format!("--to: {e}")))?;
    let input = PlanInput::new(&state.entries, &state.bindings, &state.parameters);
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
        for n in &plan.notes {
            eprintln!("note: {n}");
        }
        let mut text = commands.join("\n");
        text.push('\n');
        emit(&text)?;
    }
    Ok(Outcome::Positive)
}
