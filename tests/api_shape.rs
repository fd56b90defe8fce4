//! The shape of the public API an embedder relies on: the types shared
//! between threads are `Send + Sync` (checked at compile time), the crate
//! root re-exports the everyday types, and every module error converts into
//! `sstp_cert::Error` with `?`.

fn assert_send_sync<T: Send + Sync>() {}

fn assert_error<T: std::error::Error + Send + Sync + 'static>() {}

#[test]
fn shared_types_are_send_and_sync() {
    use sstp_cert::model;
    assert_send_sync::<sstp_cert::Certificate>();
    assert_send_sync::<sstp_cert::StoreEntry>();
    assert_send_sync::<sstp_cert::KeyState>();
    assert_send_sync::<sstp_cert::MemoryStore>();
    assert_send_sync::<sstp_cert::DirectoryStore>();
    assert_send_sync::<model::store::StoreSnapshot>();
    assert_send_sync::<sstp_cert::Choice>();
    assert_send_sync::<sstp_cert::ChoiceOptions>();
    assert_send_sync::<sstp_cert::Candidate>();
    assert_send_sync::<sstp_cert::Selected>();
    assert_send_sync::<model::choice::LazyHostVerdicts>();
    assert_send_sync::<sstp_cert::HostVerdicts>();
    assert_send_sync::<sstp_cert::ReferenceId>();
    assert_send_sync::<sstp_cert::Warning>();
    assert_send_sync::<sstp_cert::Sha1Thumbprint>();
    assert_send_sync::<sstp_cert::Sha256Hash>();
    assert_send_sync::<sstp_cert::MachineState>();
    assert_send_sync::<sstp_cert::Assumption>();
    assert_send_sync::<sstp_cert::Diagnosis>();
    assert_send_sync::<sstp_cert::DiagnosisInput<'static>>();
    assert_send_sync::<sstp_cert::Finding>();
    assert_send_sync::<sstp_cert::Plan>();
    assert_send_sync::<sstp_cert::PlanInput<'static>>();
    assert_send_sync::<sstp_cert::Recommendation>();
    assert_send_sync::<sstp_cert::Machine>();
    assert_send_sync::<model::rotation::SimulatedHost>();
    assert_send_sync::<model::key::PrivateKey>();
    assert_send_sync::<model::httpsys::SslBinding>();
    assert_send_sync::<model::registry::SstpParameters>();
}

#[cfg(feature = "serde")]
#[test]
fn serde_types_are_send_and_sync() {
    assert_send_sync::<sstp_cert::adapters::bundle::Bundle>();
    assert_send_sync::<sstp_cert::adapters::dir_store::EntryProperties>();
}

#[cfg(feature = "rustls")]
#[test]
fn tls_types_are_send_and_sync() {
    assert_send_sync::<sstp_cert::adapters::tls::SstpCertResolver>();
}

#[cfg(feature = "listener")]
#[test]
fn listener_types_are_send_and_sync() {
    assert_send_sync::<sstp_cert::adapters::listener::SstpListener>();
}

#[test]
fn errors_are_send_sync_and_static() {
    use sstp_cert::{adapters, model};
    assert_error::<sstp_cert::Error>();
    assert_error::<model::certificate::CertificateError>();
    assert_error::<model::thumbprint::ThumbprintError>();
    assert_error::<model::key::KeyError>();
    assert_error::<model::eku::KeyPurposeParseError>();
    assert_error::<model::store::StoreError>();
    assert_error::<model::registry::RegistryParseError>();
    assert_error::<model::httpsys::NetshParseError>();
    assert_error::<model::httpsys::CommandParseError>();
    assert_error::<model::httpsys::AddCommandError>();
    assert_error::<model::httpsys::EndpointError>();
    assert_error::<model::httpsys::AppIdError>();
    assert_error::<model::hostname::HostError>();
    assert_error::<model::hostname::ProfileParseError>();
    assert_error::<model::plan::PlanError>();
    assert_error::<model::plan::PlanRenderError>();
    assert_error::<model::script::ScriptError>();
    assert_error::<model::script::ArgumentError>();
    assert_error::<model::crypto_binding::CryptoBindingError>();
    assert_error::<model::runtime::MachineError>();
    assert_error::<model::runtime::NetshError>();
    assert_error::<model::rotation::HostError>();
    assert_error::<adapters::key_export::KeyExportError>();
    assert_error::<adapters::served_cert::ProbeError>();
    assert_error::<adapters::windows::records::StoreNameError>();
    assert_error::<adapters::state_source::StoreSourceError>();
    assert_error::<adapters::state_source::StateLoadError>();
    assert_send_sync::<adapters::state_source::LoadedState>();
    assert_send_sync::<adapters::state_source::StateSource>();
    #[cfg(feature = "serde")]
    {
        assert_error::<adapters::dir_store::PropertiesError>();
        assert_error::<adapters::bundle::BundleError>();
        assert_error::<adapters::fleet::FleetError>();
    }
    #[cfg(feature = "rustls")]
    assert_error::<adapters::tls::TlsError>();
    #[cfg(feature = "listener")]
    {
        assert_error::<adapters::listener::BindError>();
        assert_error::<adapters::listener::ConnectionError>();
        assert_error::<adapters::listener::RequestReadError>();
    }
}

/// `?` converts each module error into `sstp_cert::Error`, which displays
/// it unchanged.
#[test]
fn module_errors_convert_with_question_mark() -> sstp_cert::Result<()> {
    fn certificate() -> sstp_cert::Result<sstp_cert::Certificate> {
        Ok(sstp_cert::Certificate::from_der(Vec::new())?)
    }
    fn thumbprint() -> sstp_cert::Result<sstp_cert::Sha1Thumbprint> {
        Ok("zz".parse::<sstp_cert::Sha1Thumbprint>()?)
    }
    fn script() -> sstp_cert::Result<()> {
        sstp_cert::model::script::parse_script("connect 'vpn.example.com' nosuchprofile")?;
        Ok(())
    }
    let e = certificate().unwrap_err();
    assert!(matches!(e, sstp_cert::Error::Certificate(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        sstp_cert::CertificateError::Empty.to_string()
    );
    let e = thumbprint().unwrap_err();
    assert!(matches!(e, sstp_cert::Error::Thumbprint(_)), "{e:?}");
    let e = script().unwrap_err();
    assert!(matches!(e, sstp_cert::Error::Script(_)), "{e:?}");
    Ok(())
}

/// The script's argument errors keep the parser's error as their source.
#[test]
fn script_argument_errors_keep_their_source() {
    use sstp_cert::model::script::{ArgumentError, ScriptError, parse_script};
    use std::error::Error as _;
    let e = parse_script("connect vpn.example.com nosuchprofile").unwrap_err();
    let ScriptError::AtLine { line: 1, source } = &e else {
        panic!("{e:?}");
    };
    let ScriptError::Argument {
        command: "connect",
        source: arg,
    } = source.as_ref()
    else {
        panic!("{source:?}");
    };
    assert!(matches!(arg, ArgumentError::Profile(_)), "{arg:?}");
    assert!(e.source().and_then(|s| s.source()).is_some());
    assert!(e.to_string().contains("nosuchprofile"), "{e}");
}

/// A directory that cannot be listed is a `StoreError::Open` whose source
/// is the OS error.
#[test]
fn store_open_error_keeps_the_io_error() {
    use sstp_cert::CertStore;
    use std::error::Error as _;
    let dir = tempfile::tempdir().unwrap();
    let store = sstp_cert::DirectoryStore::new(dir.path().join("missing"));
    let e = store.load().unwrap_err();
    let io = e
        .source()
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the io::Error is the source");
    assert_eq!(io.kind(), std::io::ErrorKind::NotFound);
    assert!(e.to_string().starts_with("cannot open store "), "{e}");
}

/// The properties file's JSON error is the source of the crate's error.
#[cfg(feature = "serde")]
#[test]
fn properties_error_keeps_the_json_error() {
    use sstp_cert::adapters::dir_store::EntryProperties;
    use std::error::Error as _;
    let e = EntryProperties::from_json(b"{\"has_key\": true}").unwrap_err();
    assert!(e.to_string().contains("unknown field `has_key`"), "{e}");
    assert!(e.source().is_some_and(|s| s.is::<serde_json::Error>()));
    assert_eq!(e.line(), 0);
    let e = EntryProperties::from_json(b"{\n  oops").unwrap_err();
    assert_eq!(e.line(), 2);
}

/// A key file that cannot be read is a `KeyExportError::Unreadable` whose
/// source is the OS error; the message still names it.
#[cfg(unix)]
#[test]
fn key_export_unreadable_keeps_the_io_error() {
    use sstp_cert::CertStore;
    use sstp_cert::adapters::key_export::KeyExportError;
    use std::error::Error as _;
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["vpn.example.com".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    std::fs::write(dir.path().join("vpn.pem"), cert.pem()).unwrap();
    std::os::unix::fs::symlink(dir.path().join("nowhere"), dir.path().join("vpn.key")).unwrap();
    let store = sstp_cert::DirectoryStore::new(dir.path());
    let snapshot = store.load().unwrap();
    let entry = snapshot
        .entries
        .iter()
        .find(|e| e.source == "vpn.pem")
        .expect("the certificate loads");
    let e = store.private_key_der(entry).unwrap_err();
    let KeyExportError::Unreadable { source, .. } = &e else {
        panic!("{e:?}");
    };
    assert_eq!(
        source.as_ref().expect("an OS error").kind(),
        std::io::ErrorKind::NotFound
    );
    assert!(e.source().is_some_and(|s| s.is::<std::io::Error>()));
    assert!(e.to_string().contains("cannot read its metadata: "), "{e}");
}
