//! `sstp-cert select [--store DIR | --store windows:LocalMachine\MY | --bundle DIR]`

use serde::Serialize;
use sstp_cert::model::choice::{Choice, ChoiceOptions, Policy, choose};
use sstp_cert::model::hostname::ReferenceId;
use sstp_cert::model::store::{EntryProblem, StoreSnapshot};

use crate::output::{at_or_now, emit, out, print_json, rfc3339};
use sstp_cert::adapters::state_source::StoreSource;

use crate::store_arg::store_or_default;
use crate::{CliError, Outcome};

/// Arguments of `select`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store: a directory of certificate files (sorted by name = store
    /// order), or windows:LocalMachine\MY (Windows only; the default there).
    #[arg(long)]
    store: Option<StoreSource>,
    /// A machine bundle (written by `sstp-cert collect`): its store, in
    /// place of --store.
    #[arg(long, value_name = "DIR", conflicts_with = "store")]
    bundle: Option<std::path::PathBuf>,
    /// Judge validity at this RFC 3339 time instead of now.
    #[arg(long)]
    at: Option<String>,
    /// The host name clients dial: adds each client profile's verdict.
    #[arg(long)]
    host: Option<String>,
    /// Skip expired and not-yet-valid certificates. NOT what Windows does.
    #[arg(long)]
    strict: bool,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Report<'a> {
    store: String,
    at: String,
    windows_rules: bool,
    #[serde(flatten)]
    choice: &'a Choice,
    problems: &'a [EntryProblem],
}

pub fn run(a: Args) -> Result<Outcome, CliError> {
    let at = at_or_now(a.at.as_deref())?;
    let (store_name, snapshot) = match &a.bundle {
        Some(dir) => {
            let bundle = crate::bundle_arg::load(dir)?;
            let name = bundle.store_name();
            let snapshot = StoreSnapshot {
                entries: bundle.state.store,
                problems: bundle.store_problems,
            };
            (name, snapshot)
        }
        None => {
            let store = store_or_default(a.store)?.open()?;
            (store.describe(), store.load()?)
        }
    };
    let policy = if a.strict {
        Policy::STRICT
    } else {
        Policy::WINDOWS
    };
    let mut options = ChoiceOptions::windows().at(at).with_policy(policy);
    if let Some(h) = &a.host {
        let host = ReferenceId::parse(h).map_err(|e| CliError(format!("--host: {e}")))?;
        options = options.for_host(host);
    }
    let choice = choose(&snapshot.entries, &options);
    let report = Report {
        store: store_name,
        at: rfc3339(at),
        windows_rules: policy.is_windows(),
        choice: &choice,
        problems: &snapshot.problems,
    };
    if a.json {
        print_json(&report)?;
    } else {
        emit(&print_human(&report))?;
    }
    Ok(if choice.selected.is_some() {
        Outcome::Positive
    } else {
        Outcome::Negative
    })
}

fn print_human(r: &Report<'_>) -> String {
    let mut o = String::new();
    let c = r.choice;
    out!(
        o,
        "store: {} ({}, validity judged at {})",
        r.store,
        crate::output::count(c.candidates.len(), "certificate"),
        r.at
    );
    if !r.windows_rules {
        out!(
            o,
            "policy: strict (skips expired/not-yet-valid certificates; NOT what Windows does)"
        );
    }
    match c.selected_candidate() {
        Some(s) => {
            out!(o, "selected: {} ({})", s.source, s.purpose);
            out!(o, "  sha1   {}", s.sha1());
            out!(o, "  sha256 {}", s.sha256());
        }
        None => out!(o, "selected: none"),
    }
    out!(o);
    out!(o, "candidates in store order:");
    for cand in &c.candidates {
        let mark = if cand.is_chosen() {
            "CHOSEN"
        } else if cand.eligible {
            "eligible, lost"
        } else {
            "ineligible"
        };
        out!(
            o,
            "  [{}] {}  {}  key={}  {}",
            cand.index + 1,
            cand.source,
            cand.purpose,
            cand.key,
            mark
        );
        out!(o, "      sha1 {}", cand.sha1());
        for reason in &cand.reasons {
            out!(o, "      {}: {}", reason.code(), reason.explain());
        }
        for w in &cand.warnings {
            out!(
                o,
                "      warning {}: {}; {}",
                w.code,
                w.message,
                w.consequence
            );
        }
        if let Some(hv) = &cand.host {
            let parts: Vec<String> = hv
                .iter()
                .map(|(p, v)| {
                    let what = match (v.matched(), v.identifier()) {
                        (true, Some(id)) => format!("match ({id})"),
                        (true, None) => "accepted, no name check".to_owned(),
                        (false, _) => "NO MATCH".to_owned(),
                    };
                    format!("{} {what}", p.code())
                })
                .collect();
            out!(o, "      host {}: {}", hv.host, parts.join("; "));
        }
    }
    if !r.problems.is_empty() {
        out!(o);
        out!(o, "not read:");
        for p in r.problems {
            out!(o, "  {}: {} ({})", p.source, p.message, p.code);
        }
    }
    if !c.events.is_empty() {
        out!(o);
        out!(o, "events:");
        for e in &c.events {
            out!(o, "  {e}");
        }
    }
    o
}
