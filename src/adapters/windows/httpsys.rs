//! HTTP.sys SSL bindings, read as raw records (what `netsh http show sslcert`
//! prints).
//!
//! [`query_ssl_bindings`] opens a configuration session
//! (`HttpInitialize(HTTPAPI_VERSION_1, HTTP_INITIALIZE_CONFIG)`), enumerates
//! the bindings of each kind with `HttpQueryServiceConfiguration` and
//! `HttpServiceConfigQueryNext` — IP:port (`HttpServiceConfigSSLCertInfo`),
//! hostname:port / SNI (`HttpServiceConfigSslSniCertInfo`) and Central
//! Certificate Store (`HttpServiceConfigSslCcsCertInfo`) — and returns one
//! [`RawSslBinding`] per binding. It only queries; nothing is changed.
//!
//! Everything the API returns lives in the caller's output buffer (the API
//! has no function to free anything else), so every pointer in a returned
//! record is checked to point inside that buffer before it is read; a record
//! that does not is reported as [`HttpSysError::Malformed`].
#![allow(unsafe_code)]

use std::ffi::c_void;
use std::mem::{offset_of, size_of};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV6};

use windows_sys::Win32::Foundation::{
    ERROR_CALL_NOT_IMPLEMENTED, ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER,
    ERROR_MORE_DATA, ERROR_NO_MORE_ITEMS, ERROR_NOT_SUPPORTED, NO_ERROR,
};
use windows_sys::Win32::Networking::HttpServer::{
    HTTP_INITIALIZE_CONFIG, HTTP_SERVICE_CONFIG_ID, HTTP_SERVICE_CONFIG_SSL_CCS_QUERY,
    HTTP_SERVICE_CONFIG_SSL_CCS_SET, HTTP_SERVICE_CONFIG_SSL_PARAM, HTTP_SERVICE_CONFIG_SSL_QUERY,
    HTTP_SERVICE_CONFIG_SSL_SET, HTTP_SERVICE_CONFIG_SSL_SNI_KEY,
    HTTP_SERVICE_CONFIG_SSL_SNI_QUERY, HTTP_SERVICE_CONFIG_SSL_SNI_SET, HTTPAPI_VERSION,
    HttpInitialize, HttpQueryServiceConfiguration, HttpServiceConfigQueryNext,
    HttpServiceConfigSSLCertInfo, HttpServiceConfigSslCcsCertInfo, HttpServiceConfigSslSniCertInfo,
    HttpTerminate,
};
use windows_sys::Win32::Networking::WinSock::{AF_INET, AF_INET6};
use windows_sys::core::GUID;

use super::{Win32Error, utf16_units_to_string};

pub use super::records::{BindingKind, RawBindingEndpoint, RawSslBinding, SslBindings};

impl BindingKind {
    /// The `HTTP_SERVICE_CONFIG_ID` this kind is queried with.
    fn config_id(self) -> HTTP_SERVICE_CONFIG_ID {
        match self {
            Self::IpPort => HttpServiceConfigSSLCertInfo,
            Self::HostnamePort => HttpServiceConfigSslSniCertInfo,
            Self::CentralCertificateStore => HttpServiceConfigSslCcsCertInfo,
        }
    }
}

/// Why the HTTP.sys configuration could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpSysError {
    /// `HttpInitialize(HTTPAPI_VERSION_1, HTTP_INITIALIZE_CONFIG)` failed.
    #[error("HttpInitialize(HTTPAPI_VERSION_1, HTTP_INITIALIZE_CONFIG) failed: {error}")]
    Initialize {
        /// What the OS reported.
        error: Win32Error,
    },
    /// `HttpQueryServiceConfiguration` failed.
    #[error("HttpQueryServiceConfiguration({config}, query next, token {token}) failed: {error}")]
    Query {
        /// The configuration table, e.g. `HttpServiceConfigSSLCertInfo`.
        config: &'static str,
        /// The enumeration index asked for.
        token: u32,
        /// What the OS reported.
        error: Win32Error,
    },
    /// A record whose pointers or lengths do not fit the returned buffer, or
    /// whose address family is unknown.
    #[error("HttpQueryServiceConfiguration({config}) record {token} is malformed: {reason}")]
    Malformed {
        /// The configuration table, e.g. `HttpServiceConfigSSLCertInfo`.
        config: &'static str,
        /// The enumeration index of the record.
        token: u32,
        /// What is wrong with it.
        reason: String,
    },
}

impl HttpSysError {
    /// The name of the Win32 function that failed.
    pub fn function(&self) -> &'static str {
        match self {
            Self::Initialize { .. } => "HttpInitialize",
            Self::Query { .. } | Self::Malformed { .. } => "HttpQueryServiceConfiguration",
        }
    }

    /// The Win32 error, when the failure was one.
    pub fn win32_error(&self) -> Option<&Win32Error> {
        match self {
            Self::Initialize { error } | Self::Query { error, .. } => Some(error),
            Self::Malformed { .. } => None,
        }
    }
}

/// Reads every SSL binding of every kind (IP:port, hostname:port, CCS).
///
/// A system that rejects the hostname:port or CCS table as unknown
/// (`ERROR_INVALID_PARAMETER`, `ERROR_NOT_SUPPORTED`,
/// `ERROR_CALL_NOT_IMPLEMENTED` on the first query) lists it in
/// [`SslBindings::unsupported_kinds`]; any other failure is an error.
pub fn query_ssl_bindings() -> Result<SslBindings, HttpSysError> {
    let session = ConfigSession::open()?;
    let mut all = SslBindings::default();
    for kind in BindingKind::ALL {
        match session.query(kind) {
            Ok(mut bindings) => all.bindings.append(&mut bindings),
            Err(HttpSysError::Query {
                token: 0, error, ..
            }) if kind != BindingKind::IpPort && is_unknown_table(error.code()) => {
                all.unsupported_kinds.push(kind);
            }
            Err(error) => return Err(error),
        }
    }
    Ok(all)
}

/// Reads the SSL bindings of one kind, in the order HTTP.sys enumerates them.
pub fn query_bindings(kind: BindingKind) -> Result<Vec<RawSslBinding>, HttpSysError> {
    ConfigSession::open()?.query(kind)
}

fn is_unknown_table(code: u32) -> bool {
    matches!(
        code,
        ERROR_INVALID_PARAMETER | ERROR_NOT_SUPPORTED | ERROR_CALL_NOT_IMPLEMENTED
    )
}

/// `HTTPAPI_VERSION_1` (1.0).
const HTTPAPI_VERSION_1: HTTPAPI_VERSION = HTTPAPI_VERSION {
    HttpApiMajorVersion: 1,
    HttpApiMinorVersion: 0,
};

/// A configuration session: `HttpInitialize(.., HTTP_INITIALIZE_CONFIG)` on
/// creation, `HttpTerminate(HTTP_INITIALIZE_CONFIG)` on drop.
struct ConfigSession(());

impl ConfigSession {
    fn open() -> Result<Self, HttpSysError> {
        // SAFETY: plain values in; the reserved pointer must be null.
        let status = unsafe {
            HttpInitialize(
                HTTPAPI_VERSION_1,
                HTTP_INITIALIZE_CONFIG,
                std::ptr::null_mut(),
            )
        };
        if status == NO_ERROR {
            Ok(Self(()))
        } else {
            Err(HttpSysError::Initialize {
                error: Win32Error::from_code(status),
            })
        }
    }

    /// Enumerates one table with `HttpServiceConfigQueryNext`.
    fn query(&self, kind: BindingKind) -> Result<Vec<RawSslBinding>, HttpSysError> {
        let mut bindings = Vec::new();
        for token in 0u32.. {
            let output = match kind {
                BindingKind::IpPort => {
                    let query = HTTP_SERVICE_CONFIG_SSL_QUERY {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ..Default::default()
                    };
                    query_next(kind, token, &query)?
                }
                BindingKind::HostnamePort => {
                    let query = HTTP_SERVICE_CONFIG_SSL_SNI_QUERY {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ..Default::default()
                    };
                    query_next(kind, token, &query)?
                }
                BindingKind::CentralCertificateStore => {
                    let query = HTTP_SERVICE_CONFIG_SSL_CCS_QUERY {
                        QueryDesc: HttpServiceConfigQueryNext,
                        dwToken: token,
                        ..Default::default()
                    };
                    query_next(kind, token, &query)?
                }
            };
            let Some(output) = output else { break };
            let malformed = |reason: String| HttpSysError::Malformed {
                config: kind.config_id_name(),
                token,
                reason,
            };
            bindings.push(parse_record(kind, &output).map_err(malformed)?);
        }
        Ok(bindings)
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

/// The output buffer of one query: 8-byte aligned storage and the number of
/// bytes the API said it wrote.
struct Output {
    storage: Vec<u64>,
    len: usize,
}

impl Output {
    fn bytes(&self) -> &[u8] {
        let capacity = self.storage.len() * 8;
        // SAFETY: `storage` is an initialised Vec<u64>, so its memory is
        // `capacity` readable bytes, valid for the lifetime of `&self`; u8
        // has no alignment or validity requirements.
        let all =
            unsafe { std::slice::from_raw_parts(self.storage.as_ptr().cast::<u8>(), capacity) };
        &all[..self.len.min(capacity)]
    }

    /// The bytes at `pointer..pointer + len`, if that range lies inside the
    /// returned data.
    fn slice_at(&self, pointer: *const c_void, len: usize) -> Option<&[u8]> {
        let bytes = self.bytes();
        let offset = (pointer as usize).checked_sub(bytes.as_ptr() as usize)?;
        let end = offset.checked_add(len)?;
        bytes.get(offset..end)
    }

    /// The NUL-terminated UTF-16 string at `pointer`: `Ok(None)` for null,
    /// `Err` when it does not start, or end, inside the returned data.
    fn wide_string_at(&self, pointer: *const u16) -> Result<Option<String>, String> {
        if pointer.is_null() {
            return Ok(None);
        }
        let bytes = self.bytes();
        let offset = (pointer as usize)
            .checked_sub(bytes.as_ptr() as usize)
            .filter(|&o| o < bytes.len())
            .ok_or_else(|| "a string pointer lies outside the returned buffer".to_owned())?;
        let mut units = Vec::new();
        for pair in bytes[offset..].chunks_exact(2) {
            let unit = u16::from_le_bytes([pair[0], pair[1]]);
            if unit == 0 {
                return Ok(Some(utf16_units_to_string(&units)));
            }
            units.push(unit);
        }
        Err("a string runs past the end of the returned buffer".to_owned())
    }

    /// A copy of the `T` at the start of the returned data.
    fn head<T: Copy>(&self) -> Result<T, String> {
        if self.len < size_of::<T>() || self.storage.len() * 8 < size_of::<T>() {
            return Err(format!(
                "{} byte(s) returned, a record needs {}",
                self.len,
                size_of::<T>()
            ));
        }
        // SAFETY: at least size_of::<T>() initialised bytes were returned at
        // the start of the buffer (checked above) and the buffer is 8-byte
        // aligned; `T` is one of the plain C records of the HTTP API (integers,
        // raw pointers, GUIDs, SOCKADDR_STORAGE), valid for any bit pattern.
        // read_unaligned makes no alignment assumption anyway.
        Ok(unsafe { std::ptr::read_unaligned(self.storage.as_ptr().cast::<T>()) })
    }
}

/// One `HttpQueryServiceConfiguration(QueryNext, token)` call, growing the
/// buffer as asked. `Ok(None)` at the end of the table.
fn query_next<Q>(kind: BindingKind, token: u32, query: &Q) -> Result<Option<Output>, HttpSysError> {
    let mut storage: Vec<u64> = vec![0; 512 / 8];
    for _ in 0..8 {
        let capacity = (storage.len() * 8) as u32;
        let mut returned = 0u32;
        // SAFETY: `query` is a live, initialised query record of the type
        // `kind`'s config id expects, and its size is passed with it; the
        // output buffer is writable for `capacity` bytes and the API writes
        // at most that many, storing the needed or written size in
        // `returned`, a live local. No OVERLAPPED: the call is synchronous;
        // the service handle must be null.
        let status = unsafe {
            HttpQueryServiceConfiguration(
                std::ptr::null_mut(),
                kind.config_id(),
                (query as *const Q).cast::<c_void>(),
                size_of::<Q>() as u32,
                storage.as_mut_ptr().cast::<c_void>(),
                capacity,
                &mut returned,
                std::ptr::null(),
            )
        };
        match status {
            NO_ERROR => {
                return Ok(Some(Output {
                    storage,
                    len: (returned as usize).min(capacity as usize),
                }));
            }
            ERROR_NO_MORE_ITEMS => return Ok(None),
            ERROR_INSUFFICIENT_BUFFER | ERROR_MORE_DATA => {
                let needed = (returned as usize).max(storage.len() * 16);
                storage = vec![0; needed.div_ceil(8)];
            }
            other => {
                return Err(HttpSysError::Query {
                    config: kind.config_id_name(),
                    token,
                    error: Win32Error::from_code(other),
                });
            }
        }
    }
    Err(HttpSysError::Query {
        config: kind.config_id_name(),
        token,
        error: Win32Error::from_code(ERROR_INSUFFICIENT_BUFFER),
    })
}

/// Turns one returned record into a [`RawSslBinding`].
fn parse_record(kind: BindingKind, output: &Output) -> Result<RawSslBinding, String> {
    let (endpoint, param) = match kind {
        BindingKind::IpPort => {
            let set: HTTP_SERVICE_CONFIG_SSL_SET = output.head()?;
            let family = output
                .slice_at(set.KeyDesc.pIpPort.cast::<c_void>().cast_const(), 2)
                .ok_or("the IP:port pointer lies outside the returned buffer")?;
            let needed = match u16::from_le_bytes([family[0], family[1]]) {
                AF_INET => 16,
                _ => 28,
            };
            let sockaddr = output
                .slice_at(set.KeyDesc.pIpPort.cast::<c_void>().cast_const(), needed)
                .ok_or("the IP:port address runs past the returned buffer")?;
            (
                RawBindingEndpoint::IpPort(parse_sockaddr(sockaddr)?),
                set.ParamDesc,
            )
        }
        BindingKind::HostnamePort => {
            let set: HTTP_SERVICE_CONFIG_SSL_SNI_SET = output.head()?;
            let at = offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_SET, KeyDesc)
                + offset_of!(HTTP_SERVICE_CONFIG_SSL_SNI_KEY, IpPort);
            let port = port_at(output.bytes(), at)?;
            let hostname = output
                .wide_string_at(set.KeyDesc.Host)?
                .ok_or("the binding has no host name")?;
            (
                RawBindingEndpoint::HostnamePort { hostname, port },
                set.ParamDesc,
            )
        }
        BindingKind::CentralCertificateStore => {
            let set: HTTP_SERVICE_CONFIG_SSL_CCS_SET = output.head()?;
            let at = offset_of!(HTTP_SERVICE_CONFIG_SSL_CCS_SET, KeyDesc);
            let port = port_at(output.bytes(), at)?;
            (
                RawBindingEndpoint::CentralCertificateStore { port },
                set.ParamDesc,
            )
        }
    };
    parse_param(endpoint, &param, output)
}

/// The fields of `HTTP_SERVICE_CONFIG_SSL_PARAM`.
fn parse_param(
    endpoint: RawBindingEndpoint,
    param: &HTTP_SERVICE_CONFIG_SSL_PARAM,
    output: &Output,
) -> Result<RawSslBinding, String> {
    let cert_hash = if param.SslHashLength == 0 {
        Vec::new()
    } else {
        output
            .slice_at(param.pSslHash.cast_const(), param.SslHashLength as usize)
            .ok_or_else(|| {
                format!(
                    "the {}-byte certificate hash lies outside the returned buffer",
                    param.SslHashLength
                )
            })?
            .to_vec()
    };
    Ok(RawSslBinding {
        endpoint,
        cert_hash,
        app_id: format_guid(&param.AppId),
        cert_store_name: output.wide_string_at(param.pSslCertStoreName)?,
        default_cert_check_mode: param.DefaultCertCheckMode,
        default_revocation_freshness_time: param.DefaultRevocationFreshnessTime,
        default_revocation_url_retrieval_timeout: param.DefaultRevocationUrlRetrievalTimeout,
        default_ssl_ctl_identifier: output.wide_string_at(param.pDefaultSslCtlIdentifier)?,
        default_ssl_ctl_store_name: output.wide_string_at(param.pDefaultSslCtlStoreName)?,
        default_flags: param.DefaultFlags,
    })
}

/// The port of the `SOCKADDR_STORAGE` at byte `at` of `bytes` (network byte
/// order at offset 2, for both families).
fn port_at(bytes: &[u8], at: usize) -> Result<u16, String> {
    let port = bytes
        .get(at + 2..at + 4)
        .ok_or("the address runs past the returned buffer")?;
    Ok(u16::from_be_bytes([port[0], port[1]]))
}

/// A `SOCKADDR_IN` (16 bytes) or `SOCKADDR_IN6` (28 bytes) as a socket
/// address.
pub fn parse_sockaddr(bytes: &[u8]) -> Result<SocketAddr, String> {
    let field = |range: std::ops::Range<usize>| {
        bytes
            .get(range)
            .ok_or_else(|| format!("a socket address of {} byte(s) is too short", bytes.len()))
    };
    let family = field(0..2)?;
    let family = u16::from_le_bytes([family[0], family[1]]);
    let port = field(2..4)?;
    let port = u16::from_be_bytes([port[0], port[1]]);
    match family {
        AF_INET => {
            let ip = field(4..8)?;
            let ip = Ipv4Addr::new(ip[0], ip[1], ip[2], ip[3]);
            Ok(SocketAddr::new(IpAddr::V4(ip), port))
        }
        AF_INET6 => {
            let flow = field(4..8)?;
            let flow = u32::from_be_bytes([flow[0], flow[1], flow[2], flow[3]]);
            let mut ip = [0u8; 16];
            ip.copy_from_slice(field(8..24)?);
            let scope = field(24..28)?;
            let scope = u32::from_le_bytes([scope[0], scope[1], scope[2], scope[3]]);
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(ip),
                port,
                flow,
                scope,
            )))
        }
        other => Err(format!("unknown address family {other}")),
    }
}

/// `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}`, lowercase.
pub fn format_guid(guid: &GUID) -> String {
    let d = &guid.data4;
    format!(
        "{{{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}}}",
        guid.data1, guid.data2, guid.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_sstp_app_id() {
        let guid = GUID {
            data1: 0xba19_5980,
            data2: 0xcd49,
            data3: 0x458b,
            data4: [0x9e, 0x23, 0xc8, 0x4e, 0xe0, 0xad, 0xcd, 0x75],
        };
        assert_eq!(format_guid(&guid), "{ba195980-cd49-458b-9e23-c84ee0adcd75}");
    }

    /// An `Output` as the API would fill it: zeroed, with each
    /// `(offset, bytes)` piece written in. `pieces` gets the buffer's address
    /// so that the record's pointers can point into the buffer.
    fn output_with(len: usize, pieces: impl FnOnce(usize) -> Vec<(usize, Vec<u8>)>) -> Output {
        let mut storage = vec![0u64; 1024 / 8];
        let base = storage.as_ptr() as usize;
        let mut image = vec![0u8; 1024];
        for (offset, bytes) in pieces(base) {
            image[offset..offset + bytes.len()].copy_from_slice(&bytes);
        }
        for (word, chunk) in storage.iter_mut().zip(image.chunks_exact(8)) {
            *word = u64::from_ne_bytes(chunk.try_into().unwrap());
        }
        Output { storage, len }
    }

    fn wide_bytes(text: &str) -> Vec<u8> {
        text.encode_utf16()
            .chain(std::iter::once(0))
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    fn pointer(address: usize) -> Vec<u8> {
        address.to_ne_bytes().to_vec()
    }

    /// The fields of an SSTP-like `HTTP_SERVICE_CONFIG_SSL_PARAM` at
    /// `at`, with the hash at buffer offset 320 (`hash_len` bytes claimed)
    /// and the store name at 384.
    fn param_pieces(base: usize, at: usize, hash_len: u32) -> Vec<(usize, Vec<u8>)> {
        type P = HTTP_SERVICE_CONFIG_SSL_PARAM;
        let guid: Vec<u8> = [
            &0xba19_5980u32.to_ne_bytes()[..],
            &0xcd49u16.to_ne_bytes(),
            &0x458bu16.to_ne_bytes(),
            &[0x9e, 0x23, 0xc8, 0x4e, 0xe0, 0xad, 0xcd, 0x75],
        ]
        .concat();
        vec![
            (
                at + offset_of!(P, SslHashLength),
                hash_len.to_ne_bytes().to_vec(),
            ),
            (
                at + offset_of!(P, pSslHash),
                pointer(if hash_len == 0 { 0 } else { base + 320 }),
            ),
            (at + offset_of!(P, AppId), guid),
            (at + offset_of!(P, pSslCertStoreName), pointer(base + 384)),
            (
                at + offset_of!(P, DefaultCertCheckMode),
                4u32.to_ne_bytes().to_vec(),
            ),
            (
                at + offset_of!(P, DefaultRevocationFreshnessTime),
                60u32.to_ne_bytes().to_vec(),
            ),
            (
                at + offset_of!(P, DefaultRevocationUrlRetrievalTimeout),
                15_000u32.to_ne_bytes().to_vec(),
            ),
            (
                at + offset_of!(P, DefaultFlags),
                0x20u32.to_ne_bytes().to_vec(),
            ),
            (320, (1..=20).collect()),
            (384, wide_bytes("MY")),
        ]
    }

    /// An IP:port record whose address (`sockaddr`) is at offset 256.
    fn ip_record(base: usize, sockaddr: Vec<u8>) -> Vec<(usize, Vec<u8>)> {
        let mut pieces = param_pieces(base, offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, ParamDesc), 20);
        pieces.push((
            offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, KeyDesc),
            pointer(base + 256),
        ));
        pieces.push((256, sockaddr));
        pieces
    }

    fn sockaddr_v4(port: u16) -> Vec<u8> {
        let mut v4 = vec![0u8; 16];
        v4[..2].copy_from_slice(&AF_INET.to_le_bytes());
        v4[2..4].copy_from_slice(&port.to_be_bytes());
        v4
    }

    #[test]
    fn parses_an_ip_port_record() {
        let output = output_with(512, |base| {
            let mut v6 = vec![0u8; 28];
            v6[..2].copy_from_slice(&AF_INET6.to_le_bytes());
            v6[2..4].copy_from_slice(&443u16.to_be_bytes());
            ip_record(base, v6)
        });
        let binding = parse_record(BindingKind::IpPort, &output).unwrap();
        assert_eq!(
            binding,
            RawSslBinding {
                endpoint: RawBindingEndpoint::IpPort("[::]:443".parse().unwrap()),
                cert_hash: (1..=20).collect(),
                app_id: "{ba195980-cd49-458b-9e23-c84ee0adcd75}".into(),
                cert_store_name: Some("MY".into()),
                default_cert_check_mode: 4,
                default_revocation_freshness_time: 60,
                default_revocation_url_retrieval_timeout: 15_000,
                default_ssl_ctl_identifier: None,
                default_ssl_ctl_store_name: None,
                default_flags: 0x20,
            }
        );
        assert_eq!(binding.endpoint.to_string(), "[::]:443");
    }

    #[test]
    fn parses_sni_and_ccs_records() {
        let output = output_with(512, |base| {
            type S = HTTP_SERVICE_CONFIG_SSL_SNI_SET;
            type K = HTTP_SERVICE_CONFIG_SSL_SNI_KEY;
            let key = offset_of!(S, KeyDesc);
            let mut pieces = param_pieces(base, offset_of!(S, ParamDesc), 20);
            pieces.push((key + offset_of!(K, IpPort), sockaddr_v4(8443)));
            pieces.push((key + offset_of!(K, Host), pointer(base + 448)));
            pieces.push((448, wide_bytes("vpn.example.com")));
            pieces
        });
        let binding = parse_record(BindingKind::HostnamePort, &output).unwrap();
        assert_eq!(
            binding.endpoint,
            RawBindingEndpoint::HostnamePort {
                hostname: "vpn.example.com".into(),
                port: 8443
            }
        );
        assert_eq!(binding.endpoint.to_string(), "vpn.example.com:8443");

        let output = output_with(512, |base| {
            type S = HTTP_SERVICE_CONFIG_SSL_CCS_SET;
            let mut pieces = param_pieces(base, offset_of!(S, ParamDesc), 0);
            pieces.push((offset_of!(S, KeyDesc), sockaddr_v4(80)));
            pieces
        });
        let binding = parse_record(BindingKind::CentralCertificateStore, &output).unwrap();
        assert_eq!(
            binding.endpoint,
            RawBindingEndpoint::CentralCertificateStore { port: 80 }
        );
        assert!(binding.cert_hash.is_empty());
        assert_eq!(binding.endpoint.to_string(), "ccs=80");
    }

    #[test]
    fn rejects_pointers_outside_the_returned_data() {
        // The hash lies past the returned length (320 + 20 > 330).
        let output = output_with(330, |base| ip_record(base, sockaddr_v4(443)));
        let error = parse_record(BindingKind::IpPort, &output).unwrap_err();
        assert!(error.contains("certificate hash"), "{error}");

        // A key pointer to somewhere else entirely.
        let elsewhere = [0u8; 16];
        let output = output_with(512, |base| {
            let mut pieces = ip_record(base, sockaddr_v4(443));
            pieces.push((
                offset_of!(HTTP_SERVICE_CONFIG_SSL_SET, KeyDesc),
                pointer(elsewhere.as_ptr() as usize),
            ));
            pieces
        });
        let error = parse_record(BindingKind::IpPort, &output).unwrap_err();
        assert!(error.contains("outside"), "{error}");

        // An unterminated string, running to the end of the returned data.
        let output = output_with(392, |base| {
            let mut pieces = ip_record(base, sockaddr_v4(443));
            pieces.push((384, b"M\0Y\0Z\0X\0".to_vec()));
            pieces
        });
        let error = parse_record(BindingKind::IpPort, &output).unwrap_err();
        assert!(error.contains("string"), "{error}");

        // An unknown address family.
        let output = output_with(512, |base| ip_record(base, vec![9, 0, 1, 187, 0, 0, 0, 0]));
        let error = parse_record(BindingKind::IpPort, &output).unwrap_err();
        assert!(error.contains("family"), "{error}");

        // Too short for the record itself.
        let output = output_with(8, |base| ip_record(base, sockaddr_v4(443)));
        assert!(parse_record(BindingKind::IpPort, &output).is_err());
    }

    #[test]
    fn parses_both_families() {
        let mut v4 = [0u8; 16];
        v4[..2].copy_from_slice(&AF_INET.to_le_bytes());
        v4[2..4].copy_from_slice(&443u16.to_be_bytes());
        assert_eq!(parse_sockaddr(&v4).unwrap(), "0.0.0.0:443".parse().unwrap());
        let mut v6 = [0u8; 28];
        v6[..2].copy_from_slice(&AF_INET6.to_le_bytes());
        v6[2..4].copy_from_slice(&8443u16.to_be_bytes());
        v6[23] = 1;
        assert_eq!(parse_sockaddr(&v6).unwrap(), "[::1]:8443".parse().unwrap());
        assert!(parse_sockaddr(&v6[..20]).is_err());
        assert!(parse_sockaddr(&[9, 0, 0, 0]).is_err());
    }
}
