//! `netsh http show sslcert` output (`httpsys::parse_sslcert_show`): never
//! panics; what it reads prints back (`render_show`, both styles) and reads
//! again to the same bindings; each binding's `netsh http add sslcert`
//! command reads back to the same command.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sstp_cert::model::httpsys::{
    AddSslCert, ShowStyle, SslCertCommand, parse_sslcert_command, parse_sslcert_show,
    render_delete_command, render_show,
};
use sstp_cert_fuzz::renderable;

fuzz_target!(|data: &[u8]| {
    let Ok(listing) = parse_sslcert_show(data) else {
        return;
    };
    for (i, b) in listing.bindings.iter().enumerate() {
        assert!(listing.line_of(i).is_some());
        let _ = serde_json::to_string(b).expect("a binding serialises");
        if let Ok(add) = AddSslCert::from_binding(b)
            && let Ok(text) = add.render()
        {
            let back = parse_sslcert_command(&text)
                .unwrap_or_else(|e| panic!("{text:?} does not read back: {e}"));
            assert_eq!(back, SslCertCommand::Add(add), "{text}");
        }
        if let Ok(text) = render_delete_command(&b.endpoint) {
            assert_eq!(
                parse_sslcert_command(&text),
                Ok(SslCertCommand::Delete(b.endpoint.clone())),
                "{text}"
            );
        }
    }
    let bindings: Vec<_> = listing
        .bindings
        .iter()
        .filter(|b| renderable(b))
        .cloned()
        .collect();
    for style in [ShowStyle::Current, ShowStyle::Legacy2008] {
        let text = render_show(&bindings, style);
        let again = parse_sslcert_show(text.as_bytes())
            .unwrap_or_else(|e| panic!("rendered listing does not parse: {e}\n{text}"));
        assert_eq!(again.bindings, bindings, "{style:?}\n{text}");
    }
});
