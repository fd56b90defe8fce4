//! `netsh http add|delete sslcert …` command text
//! (`httpsys::parse_sslcert_command`): never panics; a command it reads
//! renders and reads back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::httpsys::{
    MAX_COMMAND_LEN, SslCertCommand, parse_sslcert_command, render_delete_command,
};

fuzz_target!(|text: &str| {
    let Ok(cmd) = parse_sslcert_command(text) else {
        return;
    };
    assert!(text.len() <= MAX_COMMAND_LEN);
    let rendered = match &cmd {
        SslCertCommand::Add(add) => add.render(),
        SslCertCommand::Delete(e) => render_delete_command(e),
        other => panic!("a command this target does not know: {other:?}"),
    };
    // A value that cannot be written back (a double quote inside single
    // quotes, …) is an error, never a different command.
    if let Ok(rendered) = rendered {
        assert_eq!(
            parse_sslcert_command(&rendered).as_ref(),
            Ok(&cmd),
            "{text:?} rendered as {rendered:?}"
        );
    }
});
