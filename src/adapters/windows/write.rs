//! The raw *writers* a rotation needs (issue 18): HTTP.sys SSL bindings
//! (`HttpSetServiceConfiguration` / `HttpDeleteServiceConfiguration`), the
//! `SstpSvc\Parameters` values (`RegSetValueExW` / `RegDeleteValueW`) and
//! the services (service control manager) — plus the read-only checks the
//! preflight makes before any of them is called.
//!
//! Every handle is released by a drop guard, on error paths too. Waits for
//! a service are bounded ([`SERVICE_WAIT`]).
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::mem::size_of;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use windows_sys::Win32::Foundation::{ERROR_SUCCESS, NO_ERROR};
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_INITIALIZE_CONFIG, HTTP_SERVICE_CONFIG_SSL_KEY, HTTP_SERVICE_CONFIG_SSL_PARAM,
    HTTP_SERVICE_CONFIG_SSL_SET, HTTPAPI_VERSION, HttpDeleteServiceConfiguration, HttpInitialize,
    HttpServiceConfigSSLCertInfo, HttpSetServiceConfiguration, HttpTerminate,
};
use windows_sys::Win32::Networking::WinSock::{
    AF_INET, AF_INET6, IN_ADDR, IN_ADDR_0, IN6_ADDR, IN6_ADDR_0, SOCKADDR, SOCKADDR_IN,
    SOCKADDR_IN6,
};
use windows_sys::Win32::System::Registry::{
    HKEY, HKEY_LOCAL_MACHINE, KEY_QUERY_VALUE, KEY_SET_VALUE, KEY_WOW64_64KEY, RegCloseKey,
    RegDeleteValueW, RegOpenKeyExW, RegSetValueExW,
};
use windows_sys::Win32::System::Services::{
    CloseServiceHandle, ControlService, OpenSCManagerW, OpenServiceW, QueryServiceStatus,
    SC_HANDLE, SC_MANAGER_CONNECT, SERVICE_CONTROL_STOP, SERVICE_QUERY_STATUS, SERVICE_RUNNING,
    SERVICE_START, SERVICE_STATUS, SERVICE_STOP, SERVICE_STOPPED, StartServiceW,
};
use windows_sys::core::GUID;

use super::registry::SSTP_PARAMETERS_SUBKEY;
use super::{Win32Error, to_wide};

/// How long a service may take to stop or start.
pub const SERVICE_WAIT: Duration = Duration::from_secs(90);

/// The SSTP service.
pub const SSTP_SERVICE: &str = "SstpSvc";
/// Routing and Remote Access, which depends on SstpSvc.
pub const REMOTE_ACCESS_SERVICE: &str = "RemoteAccess";

/// Why a write (or its preflight check) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WriteError {
    /// A Win32 call failed.
    #[error("{function} failed for {what}: {error}")]
    Call {
        /// The function.
        function: &'static str,
        /// What it was called for.
        what: String,
        /// The OS error.
        #[source]
        error: Win32Error,
    },
    /// A service did not reach the state in time.
    #[error("service {service} did not become {state} within {} s", SERVICE_WAIT.as_secs())]
    Timeout {
        /// The service.
        service: &'static str,
        /// The state waited for.
        state: &'static str,
    },
    /// An argument the API cannot take.
    #[error("{0}")]
    Argument(String),
}

fn call(function: &'static str, what: impl Into<String>, code: u32) -> WriteError {
    WriteError::Call {
        function,
        what: what.into(),
        error: Win32Error::from_code(code),
    }
}

// --- HTTP.sys -----------------------------------------------------------------

const HTTPAPI_VERSION_1: HTTPAPI_VERSION = HTTPAPI_VERSION {
    HttpApiMajorVersion: 1,
    HttpApiMinorVersion: 0,
};

/// `HttpInitialize(CONFIG)` … `HttpTerminate(CONFIG)`.
struct ConfigSession;

impl ConfigSession {
    fn open() -> Result<Self, WriteError> {
        // SAFETY: plain values in; the reserved pointer must be null.
        let status = unsafe {
            HttpInitialize(
                HTTPAPI_VERSION_1,
                HTTP_INITIALIZE_CONFIG,
                std::ptr::null_mut(),
            )
        };
        if status == NO_ERROR {
            Ok(ConfigSession)
        } else {
            Err(call("HttpInitialize", "the HTTP.sys configuration", status))
        }
    }
}

impl Drop for ConfigSession {
    fn drop(&mut self) {
        // SAFETY: pairs with the successful HttpInitialize(.., CONFIG) that
        // made this value; the reserved pointer must be null.
        unsafe {
            HttpTerminate(HTTP_INITIALIZE_CONFIG, std::ptr::null_mut());
        }
    }
}

/// A socket address laid out as `SOCKADDR_IN` / `SOCKADDR_IN6`, kept alive
/// while HTTP.sys reads it.
enum SockAddr {
    V4(SOCKADDR_IN),
    V6(SOCKADDR_IN6),
}

impl SockAddr {
    fn new(addr: SocketAddr) -> Self {
        match addr {
            SocketAddr::V4(a) => SockAddr::V4(SOCKADDR_IN {
                sin_family: AF_INET,
                sin_port: a.port().to_be(),
                sin_addr: IN_ADDR {
                    S_un: IN_ADDR_0 {
                        S_addr: u32::from_ne_bytes(a.ip().octets()),
                    },
                },
                sin_zero: [0; 8],
            }),
            SocketAddr::V6(a) => SockAddr::V6(SOCKADDR_IN6 {
                sin6_family: AF_INET6,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: 0,
                sin6_addr: IN6_ADDR {
                    u: IN6_ADDR_0 {
                        Byte: a.ip().octets(),
                    },
                },
                ..Default::default()
            }),
        }
    }

    fn as_mut_ptr(&mut self) -> *mut SOCKADDR {
        match self {
            SockAddr::V4(a) => (a as *mut SOCKADDR_IN).cast(),
            SockAddr::V6(a) => (a as *mut SOCKADDR_IN6).cast(),
        }
    }
}

/// Deletes the IP:port SSL binding of `addr` (`netsh http delete sslcert
/// ipport=…`).
///
/// # Errors
///
/// [`WriteError::Call`] with the Win32 error (2: not bound).
pub fn delete_ssl_binding(addr: SocketAddr) -> Result<(), WriteError> {
    let _session = ConfigSession::open()?;
    let mut sockaddr = SockAddr::new(addr);
    let set = HTTP_SERVICE_CONFIG_SSL_SET {
        KeyDesc: HTTP_SERVICE_CONFIG_SSL_KEY {
            pIpPort: sockaddr.as_mut_ptr(),
        },
        ..Default::default()
    };
    // SAFETY: `set` is an initialised HTTP_SERVICE_CONFIG_SSL_SET whose key
    // points at `sockaddr`, a live local laid out as SOCKADDR_IN(6); its size
    // is passed with it. Synchronous call: no OVERLAPPED, null service
    // handle; a config session is open (`_session`).
    let status = unsafe {
        HttpDeleteServiceConfiguration(
            std::ptr::null_mut(),
            HttpServiceConfigSSLCertInfo,
            (&set as *const HTTP_SERVICE_CONFIG_SSL_SET).cast::<c_void>(),
            size_of::<HTTP_SERVICE_CONFIG_SSL_SET>() as u32,
            std::ptr::null(),
        )
    };
    if status == NO_ERROR {
        Ok(())
    } else {
        Err(call(
            "HttpDeleteServiceConfiguration",
            format!("the SSL binding of {addr}"),
            status,
        ))
    }
}

/// Adds an IP:port SSL binding (`netsh http add sslcert ipport=…
/// certhash=… appid={…} certstorename=…`).
///
/// # Errors
///
/// [`WriteError::Call`] with the Win32 error (183: already bound; 1312: no
/// such certificate or no private key).
pub fn add_ssl_binding(
    addr: SocketAddr,
    sha1: &[u8; 20],
    app_id: u128,
    store_name: &str,
) -> Result<(), WriteError> {
    let _session = ConfigSession::open()?;
    let mut sockaddr = SockAddr::new(addr);
    let mut hash = *sha1;
    let mut store = to_wide(store_name);
    let set = HTTP_SERVICE_CONFIG_SSL_SET {
        KeyDesc: HTTP_SERVICE_CONFIG_SSL_KEY {
            pIpPort: sockaddr.as_mut_ptr(),
        },
        ParamDesc: HTTP_SERVICE_CONFIG_SSL_PARAM {
            SslHashLength: hash.len() as u32,
            pSslHash: hash.as_mut_ptr().cast::<c_void>(),
            AppId: GUID::from_u128(app_id),
            pSslCertStoreName: store.as_mut_ptr(),
            ..Default::default()
        },
    };
    // SAFETY: `set` is initialised; every pointer in it (`sockaddr`, `hash`,
    // the NUL-terminated UTF-16 `store`) points at a live local that
    // outlives the call, and HTTP.sys only reads them; its size is passed
    // with it. Synchronous call, null service handle, config session open.
    let status = unsafe {
        HttpSetServiceConfiguration(
            std::ptr::null_mut(),
            HttpServiceConfigSSLCertInfo,
            (&set as *const HTTP_SERVICE_CONFIG_SSL_SET).cast::<c_void>(),
            size_of::<HTTP_SERVICE_CONFIG_SSL_SET>() as u32,
            std::ptr::null(),
        )
    };
    if status == NO_ERROR {
        Ok(())
    } else {
        Err(call(
            "HttpSetServiceConfiguration",
            format!("the SSL binding of {addr}"),
            status,
        ))
    }
}

// --- the registry -------------------------------------------------------------

struct Key(HKEY);

impl Key {
    fn open_parameters(access: u32) -> Result<Self, WriteError> {
        let subkey = to_wide(SSTP_PARAMETERS_SUBKEY);
        let mut key: HKEY = std::ptr::null_mut();
        // SAFETY: `subkey` is NUL-terminated UTF-16 alive for the call; `key`
        // is a live local the API writes the handle to.
        let status = unsafe {
            RegOpenKeyExW(
                HKEY_LOCAL_MACHINE,
                subkey.as_ptr(),
                0,
                access | KEY_WOW64_64KEY,
                &mut key,
            )
        };
        if status == ERROR_SUCCESS {
            Ok(Key(key))
        } else {
            Err(call(
                "RegOpenKeyExW",
                format!("HKLM\\{SSTP_PARAMETERS_SUBKEY}"),
                status,
            ))
        }
    }
}

impl Drop for Key {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful RegOpenKeyExW and is
        // closed once.
        unsafe {
            RegCloseKey(self.0);
        }
    }
}

/// Whether `SstpSvc\Parameters` can be opened for writing (opening changes
/// nothing).
///
/// # Errors
///
/// [`WriteError::Call`] (e.g. 5: access denied; 2: the key does not exist).
pub fn check_parameters_writable() -> Result<(), WriteError> {
    Key::open_parameters(KEY_SET_VALUE | KEY_QUERY_VALUE).map(drop)
}

/// Sets a value of `SstpSvc\Parameters` (`reg add … /t TYPE /d … /f`).
///
/// # Errors
///
/// [`WriteError`] naming the value.
pub fn set_parameter(name: &str, type_code: u32, data: &[u8]) -> Result<(), WriteError> {
    let key = Key::open_parameters(KEY_SET_VALUE)?;
    let wide = to_wide(name);
    let len = u32::try_from(data.len())
        .map_err(|_| WriteError::Argument(format!("value {name} is too large")))?;
    // An empty value is passed as a null pointer (Wine rejects the dangling
    // pointer of an empty slice).
    let pointer = if data.is_empty() {
        std::ptr::null()
    } else {
        data.as_ptr()
    };
    // SAFETY: open key handle; `wide` is NUL-terminated UTF-16 and `pointer`
    // is null for no data or points at `len` readable bytes, all alive for
    // the call.
    let status = unsafe { RegSetValueExW(key.0, wide.as_ptr(), 0, type_code, pointer, len) };
    if status == ERROR_SUCCESS {
        Ok(())
    } else {
        Err(call("RegSetValueExW", format!("value {name}"), status))
    }
}

/// Deletes a value of `SstpSvc\Parameters` (`reg delete … /v NAME /f`).
///
/// # Errors
///
/// [`WriteError`] naming the value (2: it does not exist).
pub fn delete_parameter(name: &str) -> Result<(), WriteError> {
    let key = Key::open_parameters(KEY_SET_VALUE)?;
    let wide = to_wide(name);
    // SAFETY: open key handle; `wide` is NUL-terminated UTF-16 alive for the
    // call.
    let status = unsafe { RegDeleteValueW(key.0, wide.as_ptr()) };
    if status == ERROR_SUCCESS {
        Ok(())
    } else {
        Err(call("RegDeleteValueW", format!("value {name}"), status))
    }
}

// --- services -----------------------------------------------------------------

struct ScHandle(SC_HANDLE);

impl Drop for ScHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from a successful OpenSCManagerW or
        // OpenServiceW and is closed once.
        unsafe {
            CloseServiceHandle(self.0);
        }
    }
}

fn open_service(name: &'static str, access: u32) -> Result<(ScHandle, ScHandle), WriteError> {
    // SAFETY: null machine and database names mean the local SCM.
    let scm = unsafe { OpenSCManagerW(std::ptr::null(), std::ptr::null(), SC_MANAGER_CONNECT) };
    if scm.is_null() {
        return Err(call(
            "OpenSCManagerW",
            "the service control manager",
            Win32Error::last().code(),
        ));
    }
    let scm = ScHandle(scm);
    let wide = to_wide(name);
    // SAFETY: open SCM handle; `wide` is NUL-terminated UTF-16 alive for the
    // call.
    let service = unsafe { OpenServiceW(scm.0, wide.as_ptr(), access) };
    if service.is_null() {
        return Err(call(
            "OpenServiceW",
            format!("service {name}"),
            Win32Error::last().code(),
        ));
    }
    Ok((scm, ScHandle(service)))
}

fn query(name: &'static str, service: &ScHandle) -> Result<u32, WriteError> {
    let mut status = SERVICE_STATUS::default();
    // SAFETY: open service handle with SERVICE_QUERY_STATUS; `status` is a
    // live local the API fills.
    if unsafe { QueryServiceStatus(service.0, &mut status) } == 0 {
        return Err(call(
            "QueryServiceStatus",
            format!("service {name}"),
            Win32Error::last().code(),
        ));
    }
    Ok(status.dwCurrentState)
}

/// Whether `name` runs (`SERVICE_RUNNING`).
///
/// # Errors
///
/// [`WriteError::Call`] when it cannot be queried.
pub fn service_running(name: &'static str) -> Result<bool, WriteError> {
    let (_scm, service) = open_service(name, SERVICE_QUERY_STATUS)?;
    Ok(query(name, &service)? == SERVICE_RUNNING)
}

/// Whether `name` can be started and stopped by this process (opening it
/// with those rights changes nothing).
///
/// # Errors
///
/// [`WriteError::Call`] (5: access denied; 1060: no such service).
pub fn check_service_controllable(name: &'static str) -> Result<(), WriteError> {
    open_service(name, SERVICE_START | SERVICE_STOP | SERVICE_QUERY_STATUS).map(drop)
}

fn wait_for(name: &'static str, service: &ScHandle, state: u32) -> Result<(), WriteError> {
    let started = Instant::now();
    loop {
        if query(name, service)? == state {
            return Ok(());
        }
        if started.elapsed() > SERVICE_WAIT {
            return Err(WriteError::Timeout {
                service: name,
                state: if state == SERVICE_RUNNING {
                    "running"
                } else {
                    "stopped"
                },
            });
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// Stops `name` if it runs, and waits until it has stopped.
///
/// # Errors
///
/// [`WriteError`] when it cannot be stopped in time.
pub fn stop_service(name: &'static str) -> Result<(), WriteError> {
    let (_scm, service) = open_service(name, SERVICE_STOP | SERVICE_QUERY_STATUS)?;
    if query(name, &service)? == SERVICE_STOPPED {
        return Ok(());
    }
    let mut status = SERVICE_STATUS::default();
    // SAFETY: open service handle with SERVICE_STOP; `status` is a live
    // local the API fills.
    if unsafe { ControlService(service.0, SERVICE_CONTROL_STOP, &mut status) } == 0 {
        return Err(call(
            "ControlService(STOP)",
            format!("service {name}"),
            Win32Error::last().code(),
        ));
    }
    wait_for(name, &service, SERVICE_STOPPED)
}

/// Starts `name` (its dependencies start first) and waits until it runs.
///
/// # Errors
///
/// [`WriteError`] when it cannot be started in time.
pub fn start_service(name: &'static str) -> Result<(), WriteError> {
    let (_scm, service) = open_service(name, SERVICE_START | SERVICE_QUERY_STATUS)?;
    // SAFETY: open service handle with SERVICE_START; no arguments.
    if unsafe { StartServiceW(service.0, 0, std::ptr::null()) } == 0 {
        return Err(call(
            "StartServiceW",
            format!("service {name}"),
            Win32Error::last().code(),
        ));
    }
    wait_for(name, &service, SERVICE_RUNNING)
}

/// Whether HTTP.sys's configuration can be opened (no change).
///
/// # Errors
///
/// [`WriteError::Call`] from `HttpInitialize`.
pub fn check_http_config() -> Result<(), WriteError> {
    ConfigSession::open().map(drop)
}
