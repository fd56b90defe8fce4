//! The HTTP.sys binding reader against the real HTTP Server API.
//!
//! Wine implements `HttpInitialize`, but `HttpQueryServiceConfiguration` and
//! `HttpSetServiceConfiguration` are stubs there: the tests then print
//! `SKIPPED ...` naming the missing function and pass. On Windows they read
//! the real bindings and round-trip one test binding on a loopback address
//! (which needs an elevated process; otherwise that part is skipped too).
#![cfg(windows)]
#![allow(unsafe_code)]

/// Writes a line past cargo test's output capture, so that skips and what
/// the test observed about the OS show in the log of a passing run too.
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // One write per line, so parallel tests' lines do not interleave.
        let line = format!("{}\n", format_args!($($arg)*));
        let _ = std::io::stderr().write_all(line.as_bytes());
    }};
}

use std::ffi::c_void;
use std::net::SocketAddr;

use sstp_cert::adapters::windows::httpsys::{
    BindingKind, HttpSysError, RawBindingEndpoint, query_bindings, query_ssl_bindings,
};
use windows_sys::Win32::Foundation::{
    ERROR_ACCESS_DENIED, ERROR_CALL_NOT_IMPLEMENTED, ERROR_FILE_NOT_FOUND, ERROR_NOT_SUPPORTED,
    NO_ERROR,
};
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_INITIALIZE_CONFIG, HTTP_SERVICE_CONFIG_SSL_KEY, HTTP_SERVICE_CONFIG_SSL_PARAM,
    HTTP_SERVICE_CONFIG_SSL_SET, HTTPAPI_VERSION, HttpDeleteServiceConfiguration, HttpInitialize,
    HttpServiceConfigSSLCertInfo, HttpSetServiceConfiguration, HttpTerminate,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, SOCKADDR, SOCKADDR_IN};
use windows_sys::core::GUID;

/// A test binding's application id: {ba195980-cd49-458b-9e23-c84ee0adcd75}
/// (SSTP's).
const SSTP_APP_ID: GUID = GUID {
    data1: 0xba19_5980,
    data2: 0xcd49,
    data3: 0x458b,
    data4: [0x9e, 0x23, 0xc8, 0x4e, 0xe0, 0xad, 0xcd, 0x75],
};

/// The failure is this system lacking the function (a stub, as in Wine):
/// prints a skip line naming it and returns true.
fn skipped_for_missing_api(test: &str, error: &HttpSysError) -> bool {
    // Real HTTP.sys ends a QueryNext enumeration with ERROR_NO_MORE_ITEMS;
    // ERROR_FILE_NOT_FOUND on the very first query is what Wine's stub
    // answers, and the other two are how a missing function is reported.
    let missing = matches!(
        error,
        HttpSysError::Query { token: 0, error, .. }
            if matches!(error.code(), ERROR_FILE_NOT_FOUND | ERROR_CALL_NOT_IMPLEMENTED | ERROR_NOT_SUPPORTED)
    ) || matches!(
        error,
        HttpSysError::Initialize { error }
            if matches!(error.code(), ERROR_CALL_NOT_IMPLEMENTED | ERROR_NOT_SUPPORTED)
    );
    if missing {
        report!(
            "SKIPPED {test}: {} is not implemented on this system ({error})",
            error.function()
        );
    }
    missing
}

#[test]
fn queries_all_ssl_bindings() {
    match query_ssl_bindings() {
        Ok(all) => {
            report!(
                "{} SSL binding(s); unsupported kinds: {:?}",
                all.bindings.len(),
                all.unsupported_kinds
            );
            for binding in &all.bindings {
                assert!(!binding.app_id.is_empty());
                assert!(binding.app_id.starts_with('{') && binding.app_id.ends_with('}'));
                assert_eq!(binding.app_id, binding.app_id.to_lowercase());
                println!(
                    "  {} hash {} app {}",
                    binding.endpoint,
                    hex::encode(&binding.cert_hash),
                    binding.app_id
                );
            }
            assert!(!all.unsupported_kinds.contains(&BindingKind::IpPort));
        }
        Err(error) => {
            if !skipped_for_missing_api("queries_all_ssl_bindings", &error) {
                panic!("query_ssl_bindings: {error}");
            }
        }
    }
}

#[test]
fn errors_name_the_function_and_table() {
    // Whatever the outcome here, an error must say which call failed.
    for kind in BindingKind::ALL {
        if let Err(error) = query_bindings(kind) {
            let text = error.to_string();
            assert!(text.contains(error.function()), "{text}");
            if let HttpSysError::Query { config, .. } = &error {
                assert_eq!(*config, kind.config_id_name());
                assert!(text.contains(kind.config_id_name()), "{text}");
            }
            println!("{kind}: {text}");
        }
    }
}

/// Sets an IP:port binding on a loopback port, reads it back through the
/// reader, and deletes it again.
#[test]
fn round_trips_a_loopback_binding() {
    let port = 40_000 + (std::process::id() % 20_000) as u16;
    let address: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let mut sockaddr = SOCKADDR_IN {
        sin_family: AF_INET,
        sin_port: port.to_be(),
        ..Default::default()
    };
    sockaddr.sin_addr.S_un.S_addr = u32::from_ne_bytes([127, 0, 0, 1]);
    let mut hash: Vec<u8> = (1..=20).collect();
    let mut store: Vec<u16> = "MY\0".encode_utf16().collect();
    let set = HTTP_SERVICE_CONFIG_SSL_SET {
        KeyDesc: HTTP_SERVICE_CONFIG_SSL_KEY {
            pIpPort: (&mut sockaddr as *mut SOCKADDR_IN).cast::<SOCKADDR>(),
        },
        ParamDesc: HTTP_SERVICE_CONFIG_SSL_PARAM {
            SslHashLength: hash.len() as u32,
            pSslHash: hash.as_mut_ptr().cast::<c_void>(),
            AppId: SSTP_APP_ID,
            pSslCertStoreName: store.as_mut_ptr(),
            ..Default::default()
        },
    };
    let version = HTTPAPI_VERSION {
        HttpApiMajorVersion: 1,
        HttpApiMinorVersion: 0,
    };
    // SAFETY: plain values; reserved pointer null; paired with HttpTerminate
    // below. `set` and everything it points to live across the Set and
    // Delete calls, and its size is passed with it.
    let (init, status) = unsafe {
        let init = HttpInitialize(version, HTTP_INITIALIZE_CONFIG, std::ptr::null_mut());
        let status = if init == NO_ERROR {
            HttpSetServiceConfiguration(
                std::ptr::null_mut(),
                HttpServiceConfigSSLCertInfo,
                (&set as *const HTTP_SERVICE_CONFIG_SSL_SET).cast(),
                size_of::<HTTP_SERVICE_CONFIG_SSL_SET>() as u32,
                std::ptr::null(),
            )
        } else {
            init
        };
        (init, status)
    };
    struct Cleanup<'a>(&'a HTTP_SERVICE_CONFIG_SSL_SET, bool);
    impl Drop for Cleanup<'_> {
        fn drop(&mut self) {
            // SAFETY: as above; deleting a binding that is not there is
            // harmless, and HttpTerminate pairs with the HttpInitialize.
            unsafe {
                if self.1 {
                    HttpDeleteServiceConfiguration(
                        std::ptr::null_mut(),
                        HttpServiceConfigSSLCertInfo,
                        (self.0 as *const HTTP_SERVICE_CONFIG_SSL_SET).cast(),
                        size_of::<HTTP_SERVICE_CONFIG_SSL_SET>() as u32,
                        std::ptr::null(),
                    );
                }
                HttpTerminate(HTTP_INITIALIZE_CONFIG, std::ptr::null_mut());
            }
        }
    }
    if init != NO_ERROR {
        report!("SKIPPED round_trips_a_loopback_binding: HttpInitialize failed with {init}");
        return;
    }
    let _cleanup = Cleanup(&set, status == NO_ERROR);
    if status == ERROR_ACCESS_DENIED {
        report!(
            "SKIPPED round_trips_a_loopback_binding: HttpSetServiceConfiguration needs an elevated process"
        );
        return;
    }
    assert_eq!(status, NO_ERROR, "HttpSetServiceConfiguration");

    let bindings = match query_bindings(BindingKind::IpPort) {
        Ok(bindings) => bindings,
        Err(error) => {
            // HttpSetServiceConfiguration said yes, but nothing can be read
            // back: the skip line names the query function.
            if skipped_for_missing_api("round_trips_a_loopback_binding", &error) {
                return;
            }
            panic!("query_bindings: {error}");
        }
    };
    let ours = bindings
        .iter()
        .find(|b| b.endpoint == RawBindingEndpoint::IpPort(address))
        .expect("the binding just set is listed");
    assert_eq!(ours.cert_hash, hash);
    assert_eq!(ours.app_id, "{ba195980-cd49-458b-9e23-c84ee0adcd75}");
    assert_eq!(ours.cert_store_name.as_deref(), Some("MY"));
    assert_eq!(ours.endpoint.kind(), BindingKind::IpPort);
}
