//! An SSTP listener front on tokio (feature `listener`).
//!
//! What the SSTP service sets up before any PPP byte flows ([behaviour §0.1](crate::behaviour),
//! [MS-SSTP] 2.2.1, 3.3.5.1, 4.1), for a Rust program that wants to be the
//! server:
//!
//! 1. **Bind the pair** `0.0.0.0:<port>` and `[::]:<port>`
//!    ([`ListenerConfig::wildcard`]; the port normally comes from the
//!    registry model's effective listener port — `ListenerPort`, 0 meaning
//!    443). The IPv6 socket is IPv6-only, as on Windows, so both families
//!    bind the same port side by side. Any addresses can be used instead
//!    (loopback for tests). A family that cannot be bound is reported
//!    separately, as the Event 22 finding of the diagnosis
//!    ([`BindError`]); a machine without IPv6 is said so distinctly.
//! 2. **Serve the selected certificate**: the TLS handshake uses the
//!    certificate an [`SstpCertResolver`] chose by the SSTP rules. Each
//!    connection is pinned to the certificate in service when it was
//!    accepted, so [`ConnectionInfo::served`] is exactly what the client
//!    received, even across a [`SstpCertResolver::reselect`].
//! 3. **Answer the SSTP HTTP request**: `SSTP_DUPLEX_POST
//!    /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1` with `Host`,
//!    `Content-Length: 18446744073709551615` and (optionally)
//!    `SSTPCORRELATIONID` is answered `HTTP/1.1 200 OK` with
//!    `Content-Length: 18446744073709551615`, `Server` and `Date`; anything
//!    else gets an HTTP error answer with `Connection: close` — "the last
//!    data sent over the connection" — and the connection is closed
//!    ([`Refusal`]).
//! 4. **Hand the stream over** ([`SstpConnection`], `AsyncRead +
//!    AsyncWrite`) together with the crypto-binding values ([behaviour §10](crate::behaviour)): the
//!    served certificate's hashes and the hash-protocol bitmask to
//!    advertise ([`ConnectionInfo::crypto_binding`]). From there on the
//!    stream carries SSTP packets; the first one a client sends is its Call
//!    Connect Request.
//!
//! # Limits
//!
//! Nothing a client sends can make the front hang or grow without bound
//! ([`Limits`], listed with every other limit in
//! [`model::limits`](crate::model::limits)):
//!
//! * **Time.** The TLS handshake and the HTTP request each have a timeout
//!   (10 s by default), and so has every answer the front writes (the
//!   `200 OK` and the refusals, 10 s): a client that stops reading cannot
//!   hold a connection either.
//! * **Size.** The request head is read into a buffer of at most 8 KiB, and
//!   at most 32 header lines are accepted. Bytes a client sends after the
//!   request head (a pipelined Call Connect Request) are kept and read first
//!   from the [`SstpConnection`].
//! * **Connections.** At most 256 connections are in the TLS handshake or
//!   request phase at once, and at most 16 from one source (an IPv4
//!   address, or the /64 of an IPv6 address: [`SourceKey`]). Over a limit,
//!   the newest connection of the busiest source is closed at once (reset,
//!   not queued): one address opening thousands of idle connections costs
//!   itself its newest connections, not the other clients their turn. A
//!   connection holds its place only until hand-over: an established SSTP
//!   session is not counted ([`SstpListener::stats`] shows the counts).
//! * **Accept errors** that concern one connection (`ECONNABORTED`, a reset
//!   before `accept`, …) or a passing shortage of resources (`EMFILE`,
//!   `ENFILE`, `ENOBUFS`, `ENOMEM`) are retried inside
//!   [`SstpListener::accept`], the latter after a short back-off (10 ms,
//!   doubling up to 500 ms): an embedder's accept loop never sees them.
//!
//! # After hand-over
//!
//! From the [`SstpConnection`] on, the stream is the embedder's: the
//! front's timeouts no longer apply. Put a deadline on every read (for
//! example `tokio::time::timeout` around each SSTP packet read): a client
//! must send its Call Connect Request soon after the `200 OK`, and a
//! running SSTP session exchanges an Echo at least every 60 s ([MS-SSTP]
//! 3.3.2, the Hello timer). Without one, a client that goes silent after
//! the `200 OK` holds its connection for ever. `examples/sstp_front.rs`
//! gives the first packet 10 s.
//!
//! # Example
//!
//! ```no_run
//! use std::sync::Arc;
//! use std::time::Duration;
//! use sstp_cert::adapters::dir_store::DirectoryStore;
//! use sstp_cert::adapters::listener::{ListenerConfig, SstpListener};
//! use sstp_cert::adapters::tls::{ResolverOptions, SstpCertResolver};
//! use tokio::io::AsyncReadExt;
//!
//! async fn serve() -> Result<(), Box<dyn std::error::Error>> {
//!     let resolver = Arc::new(SstpCertResolver::new(
//!         DirectoryStore::new("/etc/sstp/store"),
//!         ResolverOptions::default(),
//!     )?);
//!     // the port normally comes from the registry model (ListenerPort)
//!     let listener = SstpListener::bind(ListenerConfig::wildcard(443), resolver).await?;
//!     loop {
//!         // EMFILE, ECONNABORTED and the like are retried inside `accept`;
//!         // an error here means the listening socket itself failed.
//!         let incoming = match listener.accept().await {
//!             Ok(incoming) => incoming,
//!             Err(e) => {
//!                 eprintln!("accept: {e}");
//!                 tokio::time::sleep(Duration::from_secs(1)).await;
//!                 continue;
//!             }
//!         };
//!         tokio::spawn(async move {
//!             let Ok(mut conn) = incoming.handshake().await else { return };
//!             let binding = conn.info().crypto_binding; // hashes + bitmask
//!             let mut header = [0u8; 4];
//!             // after hand-over, every read needs a deadline of its own
//!             let first = tokio::time::timeout(Duration::from_secs(60), conn.read_exact(&mut header));
//!             if let Ok(Ok(_)) = first.await {
//!                 // ... the SSTP state machine takes over here
//!             }
//!             let _ = binding;
//!         });
//!     }
//! }
//! ```
//!
//! # Errors
//!
//! * [`SstpListener::bind`]: [`BindError`], one [`BindFailure`] per family
//!   that could not be bound (port in use, address not available, IPv6
//!   unavailable on the machine), each with its Event 22 finding; also when
//!   called outside a Tokio runtime.
//! * [`SstpListener::accept`]: only an OS error of `accept(2)` that means
//!   the listening socket itself is unusable (`EBADF`, `EINVAL`, …);
//!   transient errors and resource shortages are retried inside.
//! * [`Incoming::handshake`]: [`ConnectionError`] — the TLS handshake failed
//!   (a client that refuses the certificate, for instance for its name,
//!   ends it here) or timed out, the request was refused (with the status
//!   sent), timed out, the answer could not be written in time, the
//!   connection was closed to keep within the connection limits, or the
//!   peer closed the connection.
#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::fmt;
use std::future::{Future, poll_fn};
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use rustls::ProtocolVersion;
use socket2::{Domain, Protocol, Socket, Type};
use time::OffsetDateTime;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use crate::adapters::tls::{CryptoBindingValues, ServedCertificate, ServedKey, SstpCertResolver};
use crate::model::crypto_binding::{CryptoBindingRequest, HashProtocols};
use crate::model::event::{Event, EventId};
use crate::model::limits;

pub use crate::model::sstp_request::{
    Refusal, SSTP_CONTENT_LENGTH, SSTP_METHOD, SSTP_URI, SstpRequest, ok_response, parse_request,
};

/// The `Server` header Windows sends, the default of
/// [`ListenerConfig::server_header`].
pub const DEFAULT_SERVER_HEADER: &str = "Microsoft-HTTPAPI/2.0";

/// An address family (the model's `model::net::Family`,
/// re-exported).
///
/// ```
/// use sstp_cert::adapters::listener::Family;
/// assert_eq!(Family::of(&"[::]:443".parse().unwrap()), Family::V6);
/// assert_eq!(Family::V4.to_string(), "IPv4");
/// ```
pub use crate::model::net::Family;

/// Bounds on what one client can cost the front before the stream is
/// handed over. Every value is listed in
/// [`model::limits`](crate::model::limits).
///
/// ```
/// use std::time::Duration;
/// use sstp_cert::adapters::listener::Limits;
/// let l = Limits { request_timeout: Duration::from_secs(5), ..Limits::default() };
/// assert_eq!(l.max_request_head, 8 * 1024);
/// assert_eq!((l.max_connections, l.max_connections_per_source), (256, 16));
/// assert_eq!(l.write_timeout, Duration::from_secs(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time allowed for the TLS handshake (10 s).
    pub tls_handshake_timeout: Duration,
    /// Time allowed for the whole HTTP request head, from the end of the
    /// TLS handshake (10 s; clients wait up to 60 s for the answer).
    pub request_timeout: Duration,
    /// Time allowed for writing an answer: the `200 OK`, or a refusal (10
    /// s). A client that does not read its answer is dropped then.
    pub write_timeout: Duration,
    /// The largest request head, in bytes (8 KiB; at most
    /// [`MAX_REQUEST_HEAD_LEN`](crate::model::limits::MAX_REQUEST_HEAD_LEN),
    /// larger values are taken as that).
    pub max_request_head: usize,
    /// The most header lines (32).
    pub max_headers: usize,
    /// The most connections in the TLS handshake or request phase at once,
    /// from all sources together (256). Over it, the newest connection of
    /// the busiest source is closed. 0 is taken as 1.
    pub max_connections: usize,
    /// The most connections in the TLS handshake or request phase at once
    /// from one source ([`SourceKey`]: an IPv4 address, an IPv6 /64) (16).
    /// Over it, the new connection is closed at once. 0 is taken as 1.
    pub max_connections_per_source: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tls_handshake_timeout: limits::LISTENER_TLS_HANDSHAKE_TIMEOUT,
            request_timeout: limits::LISTENER_REQUEST_TIMEOUT,
            write_timeout: limits::LISTENER_WRITE_TIMEOUT,
            max_request_head: limits::LISTENER_MAX_REQUEST_HEAD,
            max_headers: limits::LISTENER_MAX_HEADERS,
            max_connections: limits::LISTENER_MAX_CONNECTIONS,
            max_connections_per_source: limits::LISTENER_MAX_CONNECTIONS_PER_SOURCE,
        }
    }
}

/// Where and how the front listens.
///
/// ```
/// use sstp_cert::adapters::listener::ListenerConfig;
/// use sstp_cert::model::crypto_binding::HashProtocols;
/// let c = ListenerConfig::wildcard(443).with_hash_protocols(HashProtocols::BOTH);
/// assert_eq!(c.ipv4.unwrap().to_string(), "0.0.0.0:443");
/// assert_eq!(c.ipv6.unwrap().to_string(), "[::]:443");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenerConfig {
    /// The IPv4 address to bind, if any.
    pub ipv4: Option<SocketAddr>,
    /// The IPv6 address to bind, if any.
    pub ipv6: Option<SocketAddr>,
    /// When IPv6 is not available on the machine at all, listen on IPv4
    /// alone and report the IPv6 failure in [`SstpListener::skipped`]
    /// instead of failing (default: `true`). A port in use is always an
    /// error.
    pub ipv6_optional: bool,
    /// The hash protocols to advertise for crypto binding (SHA-256 only by
    /// default; normally from the registry model's `SHA1Enabled` and
    /// `SHA256Enabled`).
    pub hash_protocols: HashProtocols,
    /// Time and size bounds.
    pub limits: Limits,
    server_header: String,
}

impl ListenerConfig {
    /// Both addresses given explicitly (either may be `None`). The family of
    /// each is checked by [`SstpListener::bind`]. When both ports are 0, the
    /// IPv6 socket gets the port the system chose for IPv4.
    pub fn new(ipv4: Option<SocketAddr>, ipv6: Option<SocketAddr>) -> Self {
        ListenerConfig {
            ipv4,
            ipv6,
            ipv6_optional: true,
            hash_protocols: HashProtocols::SHA256,
            limits: Limits::default(),
            server_header: DEFAULT_SERVER_HEADER.to_owned(),
        }
    }

    /// The pair the SSTP service binds: `0.0.0.0:<port>` and `[::]:<port>`
    /// ([behaviour §0.1](crate::behaviour)). `port` normally is the registry model's effective
    /// listener port.
    pub fn wildcard(port: u16) -> Self {
        ListenerConfig::new(
            Some(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port))),
            Some(SocketAddr::from((Ipv6Addr::UNSPECIFIED, port))),
        )
    }

    /// `127.0.0.1:<port>` and `[::1]:<port>`: the same pair on loopback only
    /// (tests, trying things out). Port 0 lets the system choose one port
    /// for both.
    pub fn loopback(port: u16) -> Self {
        ListenerConfig::new(
            Some(SocketAddr::from((Ipv4Addr::LOCALHOST, port))),
            Some(SocketAddr::from((Ipv6Addr::LOCALHOST, port))),
        )
    }

    /// Sets the hash protocols to advertise.
    pub fn with_hash_protocols(mut self, offered: HashProtocols) -> Self {
        self.hash_protocols = offered;
        self
    }

    /// Sets the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Whether a machine without IPv6 may run on IPv4 alone.
    pub fn with_ipv6_optional(mut self, optional: bool) -> Self {
        self.ipv6_optional = optional;
        self
    }

    /// Sets the `Server` header of the answers. Characters outside visible
    /// ASCII and space are dropped (no header injection).
    pub fn with_server_header(mut self, value: &str) -> Self {
        self.server_header = value.chars().filter(|c| matches!(c, ' '..='~')).collect();
        self
    }

    /// The `Server` header of the answers ([`DEFAULT_SERVER_HEADER`]
    /// unless set).
    pub fn server_header(&self) -> &str {
        &self.server_header
    }
}

/// One family that could not be bound: the Event 22 finding.
///
/// ```
/// use sstp_cert::adapters::listener::{BindFailure, Family};
/// let f = BindFailure::Failed {
///     family: Family::V4,
///     addr: "0.0.0.0:443".parse().unwrap(),
///     source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
/// };
/// assert!(f.is_addr_in_use());
/// assert_eq!(f.event().id.number(), 22);
/// assert!(f.to_string().starts_with("IPv4 0.0.0.0:443: the port is in use"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BindFailure {
    /// The address could not be bound (port in use, address not
    /// available, permission denied, …).
    #[error("{family} {addr}: {}{source}", hint(source))]
    Failed {
        /// The family.
        family: Family,
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The machine has no IPv6 (no IPv6 sockets, or no IPv6 loopback /
    /// wildcard address).
    #[error("IPv6 {addr}: IPv6 is not available on this machine ({source})")]
    Ipv6Unavailable {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        #[source]
        source: io::Error,
    },
    /// The configured address is of the other family.
    #[error("{family} {addr}: not an {family} address")]
    WrongFamily {
        /// The family it was configured for.
        family: Family,
        /// The address.
        addr: SocketAddr,
    },
}

fn hint(e: &io::Error) -> &'static str {
    match e.kind() {
        io::ErrorKind::AddrInUse => "the port is in use by another listener: ",
        io::ErrorKind::AddrNotAvailable => "the address is not one of this machine's: ",
        #[cfg(windows)]
        io::ErrorKind::PermissionDenied => {
            "access denied (another program holds the port exclusively, or it is reserved): "
        }
        #[cfg(not(windows))]
        io::ErrorKind::PermissionDenied => "permission denied (ports below 1024 need privileges): ",
        _ => "",
    }
}

impl BindFailure {
    /// The family.
    pub fn family(&self) -> Family {
        match self {
            BindFailure::Failed { family, .. } | BindFailure::WrongFamily { family, .. } => *family,
            BindFailure::Ipv6Unavailable { .. } => Family::V6,
        }
    }

    /// The address.
    pub fn addr(&self) -> SocketAddr {
        match self {
            BindFailure::Failed { addr, .. }
            | BindFailure::Ipv6Unavailable { addr, .. }
            | BindFailure::WrongFamily { addr, .. } => *addr,
        }
    }

    /// The OS error, if any.
    pub fn os_error(&self) -> Option<&io::Error> {
        match self {
            BindFailure::Failed { source, .. } | BindFailure::Ipv6Unavailable { source, .. } => {
                Some(source)
            }
            BindFailure::WrongFamily { .. } => None,
        }
    }

    /// Whether the port is in use.
    pub fn is_addr_in_use(&self) -> bool {
        self.os_error()
            .is_some_and(|e| e.kind() == io::ErrorKind::AddrInUse)
    }

    /// The finding, as the diagnosis reports it: Event 22.
    pub fn event(&self) -> Event {
        Event::new(
            EventId::ListenerFailed,
            format!("the SSTP listener could not be set up on {self}"),
        )
    }
}

/// Why the front could not be set up: one failure per family, each with
/// its Event 22 finding.
///
/// ```no_run
/// # async fn demo(resolver: std::sync::Arc<sstp_cert::adapters::tls::SstpCertResolver>) {
/// use sstp_cert::adapters::listener::{ListenerConfig, SstpListener};
/// match SstpListener::bind(ListenerConfig::wildcard(443), resolver).await {
///     Ok(_) => {}
///     Err(e) => for event in e.events() { eprintln!("{event}") }, // "Event 22: ..."
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// One or both families could not be bound; nothing is listening.
    #[error("Event 22: the SSTP listener could not be set up: {}", join(.0))]
    Families(Vec<BindFailure>),
    /// No address was configured.
    #[error("no address to listen on: configure an IPv4 or an IPv6 address")]
    NoAddress,
    /// Called outside a Tokio runtime.
    #[error("the SSTP listener must be bound inside a Tokio runtime with I/O enabled")]
    NoRuntime,
}

fn join(f: &[BindFailure]) -> String {
    f.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

impl BindError {
    /// The failures, one per family.
    pub fn failures(&self) -> &[BindFailure] {
        match self {
            BindError::Families(f) => f,
            _ => &[],
        }
    }

    /// The failure of one family, if it failed.
    pub fn failure(&self, family: Family) -> Option<&BindFailure> {
        self.failures().iter().find(|f| f.family() == family)
    }

    /// The Event 22 findings, one per failed family.
    pub fn events(&self) -> Vec<Event> {
        match self {
            BindError::Families(f) => f.iter().map(BindFailure::event).collect(),
            other => vec![Event::new(EventId::ListenerFailed, other.to_string())],
        }
    }
}

/// EAFNOSUPPORT: the system has no sockets of this family.
fn is_family_unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    const EAFNOSUPPORT: i32 = 97;
    #[cfg(windows)]
    const EAFNOSUPPORT: i32 = 10047;
    #[cfg(not(any(target_os = "linux", windows)))]
    const EAFNOSUPPORT: i32 = 47;
    e.raw_os_error() == Some(EAFNOSUPPORT)
}

/// Classifies an OS error met while binding `addr`.
fn bind_failure(addr: SocketAddr, source: io::Error) -> BindFailure {
    let family = Family::of(&addr);
    let special_v6 =
        matches!(addr, SocketAddr::V6(a) if a.ip().is_unspecified() || a.ip().is_loopback());
    if family == Family::V6
        && (is_family_unsupported(&source)
            || (special_v6 && source.kind() == io::ErrorKind::AddrNotAvailable))
    {
        BindFailure::Ipv6Unavailable { addr, source }
    } else {
        BindFailure::Failed {
            family,
            addr,
            source,
        }
    }
}

fn bind_one(addr: SocketAddr) -> Result<std::net::TcpListener, BindFailure> {
    let family = Family::of(&addr);
    let fail = |source: io::Error| bind_failure(addr, source);
    let socket =
        Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP)).map_err(fail)?;
    if family == Family::V6 {
        // As on Windows: [::] does not take the IPv4 port as well.
        socket.set_only_v6(true).map_err(fail)?;
    }
    // Unix: as std does (a restarted front can bind while old connections
    // linger in TIME_WAIT); not SO_REUSEPORT.
    #[cfg(unix)]
    socket.set_reuse_address(true).map_err(fail)?;
    // Windows: SO_REUSEADDR would let another process bind the same port
    // and take connections; SO_EXCLUSIVEADDRUSE forbids that, as Microsoft
    // recommends for services.
    #[cfg(windows)]
    crate::adapters::windows::socket::set_exclusive_address_use(&socket).map_err(fail)?;
    socket.bind(&addr.into()).map_err(fail)?;
    socket.listen(1024).map_err(fail)?;
    socket.set_nonblocking(true).map_err(fail)?;
    Ok(socket.into())
}

/// The SSTP listener front: both families bound, serving the certificate
/// of an [`SstpCertResolver`].
///
/// ```no_run
/// # async fn demo(resolver: std::sync::Arc<sstp_cert::adapters::tls::SstpCertResolver>)
/// #     -> Result<(), Box<dyn std::error::Error>> {
/// use sstp_cert::adapters::listener::{Family, ListenerConfig, SstpListener};
/// let listener = SstpListener::bind(ListenerConfig::loopback(0), resolver).await?;
/// let port = listener.local_addr(Family::V4).unwrap().port();
/// println!("listening on {:?} (port {port})", listener.local_addrs());
/// let incoming = listener.accept().await?;
/// let conn = incoming.handshake().await?;
/// println!("{} got {}", conn.info().peer, conn.info().served.sha256);
/// # Ok(()) }
/// ```
pub struct SstpListener {
    ipv4: Option<TcpListener>,
    ipv6: Option<TcpListener>,
    resolver: Arc<SstpCertResolver>,
    config: Arc<ListenerConfig>,
    skipped: Vec<BindFailure>,
    v6_first: AtomicBool,
    admission: Arc<Admission>,
}

impl fmt::Debug for SstpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SstpListener")
            .field("addrs", &self.local_addrs())
            .field("served", &self.resolver.served())
            .finish_non_exhaustive()
    }
}

/// Step 1 of [`SstpListener::bind`]: each configured address is of its
/// family.
fn checked_addresses(
    config: &ListenerConfig,
) -> Result<(Option<SocketAddr>, Option<SocketAddr>), BindError> {
    let check = |want: Family, a: SocketAddr| {
        if Family::of(&a) == want {
            Ok(a)
        } else {
            Err(BindFailure::WrongFamily {
                family: want,
                addr: a,
            })
        }
    };
    let v4_addr = config.ipv4.map(|a| check(Family::V4, a)).transpose();
    let v6_addr = config.ipv6.map(|a| check(Family::V6, a)).transpose();
    match (v4_addr, v6_addr) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (a, b) => Err(BindError::Families(
            a.err().into_iter().chain(b.err()).collect(),
        )),
    }
}

/// A bound standard listener of one family, or why not.
type Bound = Result<Option<std::net::TcpListener>, BindFailure>;

/// Step 2 of [`SstpListener::bind`]: both families bound; with a
/// system-chosen port for both, IPv6 takes the port IPv4 got, and another
/// port is tried (up to 8 times) when that one is taken for IPv6.
fn bind_families(v4_addr: Option<SocketAddr>, v6_addr: Option<SocketAddr>) -> (Bound, Bound) {
    let same_port =
        matches!((v4_addr, v6_addr), (Some(a), Some(b)) if a.port() == 0 && b.port() == 0);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let v4 = v4_addr.map(bind_one).transpose();
        let v6_target = match (&v4, v6_addr) {
            (Ok(Some(l)), Some(mut b)) if same_port => {
                if let Ok(a) = l.local_addr() {
                    b.set_port(a.port());
                }
                Some(b)
            }
            (_, b) => b,
        };
        let v6 = v6_target.map(bind_one).transpose();
        // With a system-chosen port, the port may be taken in the other
        // family: try another one.
        let retry = same_port
            && attempts < 8
            && matches!(&v4, Ok(Some(_)))
            && matches!(&v6, Err(f) if f.is_addr_in_use());
        if !retry {
            return (v4, v6);
        }
    }
}

/// Step 3 of [`SstpListener::bind`]: a bound standard listener handed to
/// Tokio.
fn to_tokio(l: std::net::TcpListener) -> Result<TcpListener, BindFailure> {
    let addr = l.local_addr();
    TcpListener::from_std(l).map_err(|source| {
        let addr = addr.unwrap_or_else(|_| SocketAddr::from((Ipv4Addr::UNSPECIFIED, 0)));
        BindFailure::Failed {
            family: Family::of(&addr),
            addr,
            source,
        }
    })
}

impl SstpListener {
    /// Binds the configured addresses (each family separately) and serves
    /// `resolver`'s certificate on them. Must run inside a Tokio runtime
    /// with I/O enabled.
    ///
    /// # Errors
    ///
    /// [`BindError::Families`] with every family that failed (nothing is
    /// left listening then); a machine without IPv6 is not an error when
    /// [`ListenerConfig::ipv6_optional`] is set (see
    /// [`SstpListener::skipped`]). [`BindError::NoAddress`],
    /// [`BindError::NoRuntime`].
    pub async fn bind(
        config: ListenerConfig,
        resolver: Arc<SstpCertResolver>,
    ) -> Result<SstpListener, BindError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(BindError::NoRuntime);
        }
        if config.ipv4.is_none() && config.ipv6.is_none() {
            return Err(BindError::NoAddress);
        }
        let (v4_addr, v6_addr) = checked_addresses(&config)?;
        let (v4, v6) = bind_families(v4_addr, v6_addr);
        let mut failures = Vec::new();
        let v4 = v4.unwrap_or_else(|f| {
            failures.push(f);
            None
        });
        let mut skipped = Vec::new();
        let v6 = match v6 {
            Ok(l) => l,
            Err(f @ BindFailure::Ipv6Unavailable { .. })
                if config.ipv6_optional && v4.is_some() =>
            {
                skipped.push(f);
                None
            }
            Err(f) => {
                failures.push(f);
                None
            }
        };
        if !failures.is_empty() {
            return Err(BindError::Families(failures));
        }
        let ipv4 = v4.map(to_tokio).transpose();
        let ipv6 = v6.map(to_tokio).transpose();
        let (ipv4, ipv6) = match (ipv4, ipv6) {
            (Ok(a), Ok(b)) => (a, b),
            (a, b) => {
                failures.extend(a.err());
                failures.extend(b.err());
                return Err(BindError::Families(failures));
            }
        };
        Ok(SstpListener {
            ipv4,
            ipv6,
            resolver,
            admission: Arc::new(Admission::new(&config.limits)),
            config: Arc::new(config),
            skipped,
            v6_first: AtomicBool::new(false),
        })
    }

    /// The bound address of a family, if it is listening.
    pub fn local_addr(&self, family: Family) -> Option<SocketAddr> {
        let l = match family {
            Family::V4 => self.ipv4.as_ref(),
            Family::V6 => self.ipv6.as_ref(),
        };
        l.and_then(|l| l.local_addr().ok())
    }

    /// Every bound address (IPv4 first).
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        [Family::V4, Family::V6]
            .into_iter()
            .filter_map(|f| self.local_addr(f))
            .collect()
    }

    /// Families left out because the machine has no IPv6 (only with
    /// [`ListenerConfig::ipv6_optional`]).
    pub fn skipped(&self) -> &[BindFailure] {
        &self.skipped
    }

    /// The resolver whose certificate is served.
    pub fn resolver(&self) -> &Arc<SstpCertResolver> {
        &self.resolver
    }

    /// The configuration.
    pub fn config(&self) -> &ListenerConfig {
        &self.config
    }

    /// Waits for the next TCP connection on either family that is within
    /// the connection limits. Nothing is read from it yet: run
    /// [`Incoming::handshake`], normally in a task of its own, so that a slow
    /// client does not hold up the others.
    ///
    /// A connection over [`Limits::max_connections_per_source`] is closed
    /// (reset) here and never returned; over [`Limits::max_connections`],
    /// the newest connection of the busiest source is closed — this one, or
    /// one still in its handshake, which then ends with
    /// [`ConnectionError::Shed`].
    ///
    /// # Errors
    ///
    /// Only an error of `accept` that means the listening socket itself is
    /// unusable. Errors that concern one connection (`ECONNABORTED`,
    /// `ECONNRESET`, `EPROTO`, `EPERM`, network errors, `EINTR`) are retried
    /// at once, a shortage of resources (`EMFILE`, `ENFILE`, `ENOBUFS`,
    /// `ENOMEM`) after a back-off of 10 ms doubling up to 500 ms, while
    /// connections already accepted go on (they free what is short); both
    /// are counted in [`SstpListener::stats`].
    pub async fn accept(&self) -> io::Result<Incoming> {
        let mut backoff = ACCEPT_BACKOFF_MIN;
        loop {
            let v6_first = self.v6_first.fetch_xor(true, Ordering::Relaxed);
            let accepted = poll_fn(|cx| {
                let order = if v6_first {
                    [&self.ipv6, &self.ipv4]
                } else {
                    [&self.ipv4, &self.ipv6]
                };
                for l in order.into_iter().flatten() {
                    if let Poll::Ready(r) = l.poll_accept(cx) {
                        return Poll::Ready(r);
                    }
                }
                Poll::Pending
            })
            .await;
            let (stream, peer) = match accepted {
                Ok(a) => a,
                Err(e) => match classify_accept_error(&e) {
                    AcceptErrorKind::Connection => {
                        self.admission.count(&self.admission.accept_errors);
                        continue;
                    }
                    AcceptErrorKind::Resource => {
                        self.admission.count(&self.admission.accept_errors);
                        tokio::time::sleep(backoff).await;
                        backoff = (backoff * 2).min(ACCEPT_BACKOFF_MAX);
                        continue;
                    }
                    AcceptErrorKind::Fatal => return Err(e),
                },
            };
            backoff = ACCEPT_BACKOFF_MIN;
            self.admission.count(&self.admission.accepted);
            // A connection already gone has no local address: next one.
            let Ok(local) = stream.local_addr() else {
                continue;
            };
            let Some(slot) = self.admission.admit(SourceKey::of(peer.ip())) else {
                reset(stream);
                continue;
            };
            return Ok(Incoming {
                stream,
                peer,
                local,
                served: self.resolver.current(),
                config: self.config.clone(),
                slot,
            });
        }
    }

    /// Counts of the connection limits at work: connections in the TLS
    /// handshake or request phase now, and how many were accepted, closed
    /// for a limit, and how many `accept` errors were retried.
    ///
    /// ```no_run
    /// # fn demo(listener: &sstp_cert::adapters::listener::SstpListener) {
    /// let s = listener.stats();
    /// println!("{} in handshake, {} shed", s.in_progress, s.shed_per_source + s.shed_total);
    /// # }
    /// ```
    pub fn stats(&self) -> ListenerStats {
        self.admission.stats()
    }
}

/// What the connection limits of an [`SstpListener`] have done (see
/// [`SstpListener::stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListenerStats {
    /// Connections in the TLS handshake or request phase now (accepted,
    /// not yet handed over or ended).
    pub in_progress: usize,
    /// The most connections one source ([`SourceKey`]) has in the
    /// handshake or request phase now.
    pub busiest_source: usize,
    /// TCP connections accepted from the system so far (shed ones
    /// included).
    pub accepted: u64,
    /// Connections closed at once for [`Limits::max_connections_per_source`].
    pub shed_per_source: u64,
    /// Connections closed for [`Limits::max_connections`] (the newest of
    /// the busiest source: a new one, or one in its handshake).
    pub shed_total: u64,
    /// `accept` errors retried inside [`SstpListener::accept`].
    pub accept_errors: u64,
}

/// What a source is counted as for [`Limits::max_connections_per_source`]:
/// an IPv4 address, or the /64 prefix of an IPv6 address (one subscriber
/// usually has a whole /64). An IPv4-mapped IPv6 address counts as its
/// IPv4 address.
///
/// ```
/// use sstp_cert::adapters::listener::SourceKey;
/// let a = SourceKey::of("2001:db8:1:2::10".parse().unwrap());
/// let b = SourceKey::of("2001:db8:1:2:ffff::1".parse().unwrap());
/// assert_eq!(a, b);
/// assert_eq!(a.to_string(), "2001:db8:1:2::/64");
/// assert_eq!(SourceKey::of("::ffff:192.0.2.7".parse().unwrap()).to_string(), "192.0.2.7");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceKey {
    /// An IPv4 address.
    Ipv4(Ipv4Addr),
    /// An IPv6 /64 prefix (the first 64 bits; the rest are zero).
    Ipv6Prefix(Ipv6Addr),
}

impl SourceKey {
    /// The source of a peer address.
    pub fn of(ip: IpAddr) -> SourceKey {
        match ip {
            IpAddr::V4(a) => SourceKey::Ipv4(a),
            IpAddr::V6(a) => match a.to_ipv4_mapped() {
                Some(v4) => SourceKey::Ipv4(v4),
                None => {
                    let bits = u128::from(a) & !((1u128 << 64) - 1);
                    SourceKey::Ipv6Prefix(Ipv6Addr::from(bits))
                }
            },
        }
    }
}

impl fmt::Display for SourceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceKey::Ipv4(a) => write!(f, "{a}"),
            SourceKey::Ipv6Prefix(p) => write!(f, "{p}/64"),
        }
    }
}

const ACCEPT_BACKOFF_MIN: Duration = Duration::from_millis(10);
const ACCEPT_BACKOFF_MAX: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AcceptErrorKind {
    /// About one connection only: take the next.
    Connection,
    /// Short of file handles or memory: wait a little.
    Resource,
    /// The listening socket is unusable.
    Fatal,
}

/// The raw OS errors that mean a shortage of resources.
fn is_resource_shortage(e: &io::Error) -> bool {
    #[cfg(windows)]
    const SHORTAGE: &[i32] = &[10024 /* WSAEMFILE */, 10055 /* WSAENOBUFS */];
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const SHORTAGE: &[i32] = &[
        24,  /* EMFILE */
        23,  /* ENFILE */
        105, /* ENOBUFS */
        12,  /* ENOMEM */
    ];
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
    const SHORTAGE: &[i32] = &[
        24, /* EMFILE */
        23, /* ENFILE */
        55, /* ENOBUFS */
        12, /* ENOMEM */
    ];
    #[cfg(not(any(unix, windows)))]
    const SHORTAGE: &[i32] = &[];
    e.kind() == io::ErrorKind::OutOfMemory
        || e.raw_os_error().is_some_and(|c| SHORTAGE.contains(&c))
}

/// Sorts an error of `accept(2)`: Linux passes on errors of the new
/// connection (`accept(2)`, "Error handling"), which concern that
/// connection alone.
fn classify_accept_error(e: &io::Error) -> AcceptErrorKind {
    use io::ErrorKind as K;
    #[cfg(any(target_os = "linux", target_os = "android"))]
    const CONNECTION: &[i32] = &[
        71,  /* EPROTO */
        92,  /* ENOPROTOOPT */
        64,  /* ENONET */
        95,  /* EOPNOTSUPP */
        112, /* EHOSTDOWN */
    ];
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    const CONNECTION: &[i32] = &[];
    if is_resource_shortage(e) {
        return AcceptErrorKind::Resource;
    }
    let per_connection = matches!(
        e.kind(),
        K::ConnectionAborted
            | K::ConnectionReset
            | K::ConnectionRefused
            | K::Interrupted
            | K::PermissionDenied
            | K::TimedOut
            | K::WouldBlock
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown
    ) || e.raw_os_error().is_some_and(|c| CONNECTION.contains(&c));
    if per_connection {
        AcceptErrorKind::Connection
    } else {
        AcceptErrorKind::Fatal
    }
}

/// Closes a connection at once with a reset (no lingering, no
/// `TIME_WAIT` on the front's side).
fn reset(stream: TcpStream) {
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    drop(stream);
}

/// The connection limits: who is in the handshake or request phase.
struct Admission {
    max_total: usize,
    max_per_source: usize,
    state: Mutex<AdmissionState>,
    accepted: AtomicU64,
    shed_per_source: AtomicU64,
    shed_total: AtomicU64,
    accept_errors: AtomicU64,
}

#[derive(Default)]
struct AdmissionState {
    next_id: u64,
    total: usize,
    /// Per source, its connections in accept order (newest last).
    by_source: HashMap<SourceKey, Vec<(u64, Arc<Eviction>)>>,
}

/// A flag and a waker: set when the connection must be closed for the
/// total limit.
#[derive(Default)]
struct Eviction {
    evicted: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Eviction {
    fn evict(&self) {
        self.evicted.store(true, Ordering::SeqCst);
        let waker = self
            .waker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Whether evicted; otherwise wakes `cx` when it is.
    fn poll_evicted(&self, cx: &mut Context<'_>) -> bool {
        {
            let mut slot = self.waker.lock().unwrap_or_else(PoisonError::into_inner);
            match slot.as_ref() {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
        }
        self.evicted.load(Ordering::SeqCst)
    }
}

/// A connection's place in the limits, given back when dropped (at
/// hand-over or when the connection ends before it).
struct Slot {
    admission: Arc<Admission>,
    source: SourceKey,
    id: u64,
    eviction: Arc<Eviction>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.admission.release(self.source, self.id);
    }
}

impl Admission {
    fn new(l: &Limits) -> Self {
        Admission {
            max_total: l.max_connections.max(1),
            max_per_source: l.max_connections_per_source.max(1),
            state: Mutex::new(AdmissionState::default()),
            accepted: AtomicU64::new(0),
            shed_per_source: AtomicU64::new(0),
            shed_total: AtomicU64::new(0),
            accept_errors: AtomicU64::new(0),
        }
    }

    fn count(&self, counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, AdmissionState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection from `source`, or `None` when it must
    /// be closed; may evict the newest connection of the busiest source.
    fn admit(self: &Arc<Self>, source: SourceKey) -> Option<Slot> {
        let mut state = self.lock();
        let mine = state.by_source.get(&source).map_or(0, Vec::len);
        if mine >= self.max_per_source {
            drop(state);
            self.count(&self.shed_per_source);
            return None;
        }
        if state.total >= self.max_total {
            // The busiest source, counting this connection in; on a tie,
            // the new connection goes.
            let busiest = state
                .by_source
                .iter()
                .filter(|(k, _)| **k != source)
                .max_by_key(|(_, v)| v.len())
                .map(|(k, v)| (*k, v.len()));
            match busiest {
                Some((other, n)) if n > mine + 1 => {
                    let list = state.by_source.get_mut(&other)?;
                    let (_, eviction) = list.pop()?;
                    if list.is_empty() {
                        state.by_source.remove(&other);
                    }
                    state.total -= 1;
                    eviction.evict();
                    self.count(&self.shed_total);
                }
                _ => {
                    drop(state);
                    self.count(&self.shed_total);
                    return None;
                }
            }
        }
        let id = state.next_id;
        state.next_id += 1;
        state.total += 1;
        let eviction = Arc::new(Eviction::default());
        state
            .by_source
            .entry(source)
            .or_default()
            .push((id, eviction.clone()));
        Some(Slot {
            admission: self.clone(),
            source,
            id,
            eviction,
        })
    }

    fn release(&self, source: SourceKey, id: u64) {
        let mut state = self.lock();
        let Some(list) = state.by_source.get_mut(&source) else {
            return;
        };
        let Some(i) = list.iter().position(|(x, _)| *x == id) else {
            return; // evicted: already taken out
        };
        list.remove(i);
        if list.is_empty() {
            state.by_source.remove(&source);
        }
        state.total -= 1;
    }

    fn stats(&self) -> ListenerStats {
        let state = self.lock();
        ListenerStats {
            in_progress: state.total,
            busiest_source: state.by_source.values().map(Vec::len).max().unwrap_or(0),
            accepted: self.accepted.load(Ordering::Relaxed),
            shed_per_source: self.shed_per_source.load(Ordering::Relaxed),
            shed_total: self.shed_total.load(Ordering::Relaxed),
            accept_errors: self.accept_errors.load(Ordering::Relaxed),
        }
    }
}

/// A TCP connection accepted by the front, pinned to the certificate in
/// service when it was accepted; nothing read yet.
///
/// ```no_run
/// # async fn demo(listener: sstp_cert::adapters::listener::SstpListener) -> std::io::Result<()> {
/// let incoming = listener.accept().await?;
/// println!("{} will be served {}", incoming.peer_addr(), incoming.served().sha1);
/// tokio::spawn(async move {
///     match incoming.handshake().await {
///         Ok(conn) => { /* hand `conn` to the SSTP state machine */ let _ = conn; }
///         Err(e) => eprintln!("{e}"),
///     }
/// });
/// # Ok(()) }
/// ```
pub struct Incoming {
    stream: TcpStream,
    peer: SocketAddr,
    local: SocketAddr,
    served: Arc<ServedKey>,
    config: Arc<ListenerConfig>,
    slot: Slot,
}

impl fmt::Debug for Incoming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("peer", &self.peer)
            .field("local", &self.local)
            .finish_non_exhaustive()
    }
}

/// Why a connection did not reach the SSTP stage.
///
/// ```no_run
/// # async fn demo(incoming: sstp_cert::adapters::listener::Incoming) {
/// use sstp_cert::adapters::listener::ConnectionError;
/// match incoming.handshake().await {
///     Ok(_) => {}
///     Err(ConnectionError::Tls { peer, source }) => eprintln!("{peer} gave up in TLS: {source}"),
///     Err(ConnectionError::Refused { peer, refusal }) => eprintln!("{peer}: answered {}", refusal.status),
///     Err(other) => eprintln!("{other}"),
/// }
/// # }
/// ```
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// The TLS handshake failed. A client that refuses the certificate
    /// (wrong name, unknown CA) ends it here, usually with an alert.
    #[error("TLS handshake with {peer} failed: {source}")]
    Tls {
        /// The client.
        peer: SocketAddr,
        /// What failed.
        #[source]
        source: io::Error,
    },
    /// The TLS handshake took longer than the limit.
    #[error("TLS handshake with {peer} timed out after {after:?}")]
    TlsTimeout {
        /// The client.
        peer: SocketAddr,
        /// The limit.
        after: Duration,
    },
    /// The request head did not arrive in time; `408 Request Timeout` was
    /// sent.
    #[error("{peer} did not send the SSTP request within {after:?}")]
    RequestTimeout {
        /// The client.
        peer: SocketAddr,
        /// The limit.
        after: Duration,
    },
    /// The request was refused with the error answer shown.
    #[error("refused {peer}: {refusal}")]
    Refused {
        /// The client.
        peer: SocketAddr,
        /// The answer sent and why.
        refusal: Refusal,
    },
    /// The client closed the connection before the request was complete.
    #[error("{peer} closed the connection before completing the SSTP request")]
    Closed {
        /// The client.
        peer: SocketAddr,
    },
    /// The answer (the `200 OK` or a refusal) could not be written within
    /// [`Limits::write_timeout`]: the client does not read.
    #[error("{peer} did not take the answer within {after:?}")]
    WriteTimeout {
        /// The client.
        peer: SocketAddr,
        /// The limit.
        after: Duration,
    },
    /// The connection was closed to keep within [`Limits::max_connections`]:
    /// it was the newest of the source with the most connections in
    /// progress when another source's connection arrived.
    #[error(
        "closed {peer} to keep within the limit of {max} connections in progress: its source {source_key} had the most"
    )]
    Shed {
        /// The client.
        peer: SocketAddr,
        /// Its source, as counted.
        source_key: SourceKey,
        /// The limit.
        max: usize,
    },
    /// Reading or writing failed.
    #[error("I/O with {peer}: {source}")]
    Io {
        /// The client.
        peer: SocketAddr,
        /// The error.
        #[source]
        source: io::Error,
    },
}

impl Incoming {
    /// The client's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.peer
    }

    /// The local address the client connected to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The certificate this connection will be served.
    pub fn served(&self) -> &ServedCertificate {
        self.served.certificate()
    }

    /// Runs the TLS handshake with the pinned certificate, reads the SSTP
    /// HTTP request, answers it, and hands the stream over.
    ///
    /// # Errors
    ///
    /// [`ConnectionError`]; a refused request has been answered with the
    /// error status and the connection closed.
    pub async fn handshake(self) -> Result<SstpConnection, ConnectionError> {
        let Incoming {
            stream,
            peer,
            local,
            served,
            config,
            slot,
        } = self;
        let work = handshake(stream, peer, local, served, config);
        let mut work = std::pin::pin!(work);
        // Until hand-over, the connection may be closed for the total limit.
        let shed = || ConnectionError::Shed {
            peer,
            source_key: slot.source,
            max: slot.admission.max_total,
        };
        let result = poll_fn(|cx| {
            if slot.eviction.poll_evicted(cx) {
                return Poll::Ready(Err(shed()));
            }
            work.as_mut().poll(cx)
        })
        .await;
        // The place is given back here: at hand-over, or at the end.
        drop(slot);
        result
    }
}

async fn handshake(
    stream: TcpStream,
    peer: SocketAddr,
    local: SocketAddr,
    served: Arc<ServedKey>,
    config: Arc<ListenerConfig>,
) -> Result<SstpConnection, ConnectionError> {
    let limits = config.limits;
    let max_head = limits.max_request_head.min(limits::MAX_REQUEST_HEAD_LEN);
    let acceptor = TlsAcceptor::from(served.server_config().clone());
    let mut tls =
        match tokio::time::timeout(limits.tls_handshake_timeout, acceptor.accept(stream)).await {
            Err(_) => {
                return Err(ConnectionError::TlsTimeout {
                    peer,
                    after: limits.tls_handshake_timeout,
                });
            }
            Ok(Err(source)) => return Err(ConnectionError::Tls { peer, source }),
            Ok(Ok(s)) => s,
        };

    let read = tokio::time::timeout(
        limits.request_timeout,
        read_request(&mut tls, max_head, limits.max_headers),
    )
    .await;
    let ReceivedRequest { request, pending } = match read {
        Err(_) => {
            let refusal = Refusal::new(408, "the request head did not arrive in time");
            send_refusal(&mut tls, &refusal, &config).await;
            return Err(ConnectionError::RequestTimeout {
                peer,
                after: limits.request_timeout,
            });
        }
        Ok(Err(RequestReadError::Io(source))) => return Err(ConnectionError::Io { peer, source }),
        Ok(Err(RequestReadError::Closed)) => return Err(ConnectionError::Closed { peer }),
        Ok(Err(RequestReadError::Refused(refusal))) => {
            send_refusal(&mut tls, &refusal, &config).await;
            return Err(ConnectionError::Refused { peer, refusal });
        }
        Ok(Ok(received)) => received,
    };
    let answer = ok_response(config.server_header(), OffsetDateTime::now_utc());
    match write_answer(&mut tls, answer.as_bytes(), limits.write_timeout).await {
        Err(_) => {
            return Err(ConnectionError::WriteTimeout {
                peer,
                after: limits.write_timeout,
            });
        }
        Ok(Err(source)) => return Err(ConnectionError::Io { peer, source }),
        Ok(Ok(())) => {}
    }

    let conn = tls.get_ref().1;
    let info = ConnectionInfo {
        peer,
        local,
        family: Family::of(&local),
        sni: conn.server_name().map(str::to_owned),
        tls_version: conn.protocol_version(),
        cipher_suite: conn
            .negotiated_cipher_suite()
            .and_then(|s| s.suite().as_str())
            .map(str::to_owned),
        crypto_binding: served.certificate().crypto_binding(config.hash_protocols),
        served: served.certificate().clone(),
        request,
    };
    Ok(SstpConnection {
        stream: tls,
        pending,
        pos: 0,
        info,
    })
}

/// What [`read_request`] received: the SSTP request, and the bytes the
/// client sent after its head (a pipelined Call Connect Request; read them
/// before anything else from the stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRequest {
    /// The request.
    pub request: SstpRequest,
    /// The bytes after the head, already read from the stream.
    pub pending: Vec<u8>,
}

/// Why [`read_request`] did not return a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RequestReadError {
    /// The request is not an acceptable SSTP request, or its head is too
    /// large; send [`Refusal::response`] and close.
    #[error("refused: {0}")]
    Refused(#[source] Refusal),
    /// The stream ended before the head was complete.
    #[error("the client closed the connection before completing the SSTP request")]
    Closed,
    /// Reading failed.
    #[error("reading the SSTP request: {0}")]
    Io(#[source] io::Error),
}

/// Reads an SSTP HTTP request head from a stream, as the front does after
/// the TLS handshake, for programs that terminate TLS themselves: reads
/// until the blank line (never holding more than `max_head` bytes plus one
/// read of 2 KiB; `max_head` is taken as at most
/// [`MAX_REQUEST_HEAD_LEN`](crate::model::limits::MAX_REQUEST_HEAD_LEN)),
/// then checks it with [`parse_request`]. Whatever way the bytes are split
/// into reads, the outcome is the same.
///
/// It sets no deadline: wrap it in `tokio::time::timeout` (the front
/// allows [`Limits::request_timeout`]).
///
/// ```
/// use sstp_cert::adapters::listener::read_request;
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let mut stream: &[u8] = b"SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\n\
///     Host: vpn.example.com\r\nContent-Length: 18446744073709551615\r\n\r\n\x10\x01";
/// let got = read_request(&mut stream, 8192, 32).await?;
/// assert_eq!(got.request.host, "vpn.example.com");
/// assert_eq!(got.pending, [0x10, 0x01]); // the start of the first SSTP packet
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// ```
///
/// # Errors
///
/// [`RequestReadError`]: refused (the [`Refusal`] to answer: a head over
/// `max_head` is a 400), closed early, or an I/O error.
pub async fn read_request<R: AsyncRead + Unpin>(
    r: &mut R,
    max_head: usize,
    max_headers: usize,
) -> Result<ReceivedRequest, RequestReadError> {
    let max_head = max_head.min(limits::MAX_REQUEST_HEAD_LEN);
    let mut buf: Vec<u8> = Vec::with_capacity(1024);
    let end = match read_head(r, &mut buf, max_head)
        .await
        .map_err(RequestReadError::Io)?
    {
        HeadRead::Closed => return Err(RequestReadError::Closed),
        HeadRead::TooLarge => {
            return Err(RequestReadError::Refused(Refusal::new(
                400,
                format!("the request head is larger than {max_head} bytes"),
            )));
        }
        HeadRead::Complete(end) => end,
    };
    let request = parse_request(&buf[..end], max_headers).map_err(RequestReadError::Refused)?;
    buf.drain(..end);
    Ok(ReceivedRequest {
        request,
        pending: buf,
    })
}

enum HeadRead {
    Complete(usize),
    TooLarge,
    Closed,
}

/// Reads until the blank line ending the head; returns the offset just
/// after it. Never holds more than `max` bytes plus one read.
async fn read_head<R: AsyncRead + Unpin>(
    r: &mut R,
    buf: &mut Vec<u8>,
    max: usize,
) -> io::Result<HeadRead> {
    let mut chunk = [0u8; 2048];
    loop {
        let n = r.read(&mut chunk).await?;
        if n == 0 {
            return Ok(HeadRead::Closed);
        }
        let searched_from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf[searched_from..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
        {
            let end = searched_from + i + 4;
            return Ok(if end > max {
                HeadRead::TooLarge
            } else {
                HeadRead::Complete(end)
            });
        }
        if buf.len() > max {
            return Ok(HeadRead::TooLarge);
        }
    }
}

/// Writes and flushes an answer within `limit`; the outer `Err` is the
/// deadline passing.
async fn write_answer<W: AsyncWrite + Unpin>(
    w: &mut W,
    answer: &[u8],
    limit: Duration,
) -> Result<io::Result<()>, tokio::time::error::Elapsed> {
    tokio::time::timeout(limit, async {
        w.write_all(answer).await?;
        w.flush().await
    })
    .await
}

/// Sends a refusal and closes: best effort, within the write deadline (the
/// client may be gone or not reading).
async fn send_refusal<W: AsyncWrite + Unpin>(
    w: &mut W,
    refusal: &Refusal,
    config: &ListenerConfig,
) {
    let answer = refusal.response(config.server_header(), OffsetDateTime::now_utc());
    let limit = config.limits.write_timeout;
    let _ = tokio::time::timeout(limit, async {
        w.write_all(answer.as_bytes()).await?;
        w.flush().await?;
        w.shutdown().await
    })
    .await;
}

/// What the embedding program needs to know about an accepted connection.
///
/// ```no_run
/// # fn demo(conn: &sstp_cert::adapters::listener::SstpConnection) {
/// use sstp_cert::model::crypto_binding::HashProtocol;
/// let info = conn.info();
/// // advertise this bitmask in the Crypto Binding Request ...
/// let bitmask = info.crypto_binding.offered;
/// // ... and compare the client's Call Connected hash with this
/// let expected = info.crypto_binding.certificate_hash_field(HashProtocol::Sha256);
/// # let _ = (bitmask, expected);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ConnectionInfo {
    /// The client.
    pub peer: SocketAddr,
    /// The local address it connected to.
    pub local: SocketAddr,
    /// The family it came in on.
    pub family: Family,
    /// The name the client asked for in the TLS SNI extension, if any
    /// (`sstpc` sends one only with `--tls-ext`).
    pub sni: Option<String>,
    /// The TLS version negotiated.
    pub tls_version: Option<ProtocolVersion>,
    /// The cipher suite negotiated, by its IANA name.
    pub cipher_suite: Option<String>,
    /// The certificate this client received.
    pub served: ServedCertificate,
    /// The crypto-binding values to use on this connection: the served
    /// certificate's hashes and the hash-protocol bitmask to advertise.
    pub crypto_binding: CryptoBindingValues,
    /// The SSTP HTTP request.
    pub request: SstpRequest,
}

impl ConnectionInfo {
    /// The Crypto Binding Request to send on this connection ([behaviour §10](crate::behaviour)):
    /// the hash protocols of [`ConnectionInfo::crypto_binding`] and a fresh
    /// 32-byte nonce from the operating system's random generator (through
    /// rustls' ring provider). Send its
    /// [`encode`](crate::model::crypto_binding::CryptoBindingRequest::encode)
    /// (the 48-byte Call Connect Acknowledge) after the client's Call
    /// Connect Request, keep it, and check the client's Call Connected
    /// message with
    /// `request.server_binding(...)`/[`CryptoBindingValues::server_binding`]`(request.nonce)`.
    ///
    /// ```no_run
    /// # fn demo(conn: &sstp_cert::adapters::listener::SstpConnection) -> Result<(), Box<dyn std::error::Error>> {
    /// let info = conn.info();
    /// let request = info.crypto_binding_request()?;
    /// let call_connect_ack: [u8; 48] = request.encode(); // write this to the stream
    /// // ... later, with the client's 112-byte Call Connected and the HLAK from PPP:
    /// let server = info.crypto_binding.server_binding(request.nonce);
    /// # let _ = (call_connect_ack, server);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`NonceUnavailable`] when the random generator fails.
    pub fn crypto_binding_request(&self) -> Result<CryptoBindingRequest, NonceUnavailable> {
        let mut nonce = [0u8; 32];
        rustls::crypto::ring::default_provider()
            .secure_random
            .fill(&mut nonce)
            .map_err(|_| NonceUnavailable)?;
        Ok(self.crypto_binding.request(nonce))
    }
}

/// The system random generator failed, so no nonce could be made for a
/// Crypto Binding Request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no nonce for the Crypto Binding Request: the operating system's random generator failed")]
pub struct NonceUnavailable;

/// An accepted SSTP connection: TLS done, the HTTP request answered with
/// 200; what follows on the stream is SSTP packets.
///
/// Reading returns first any bytes the client sent right after its request
/// head, then the TLS stream.
///
/// The front's deadlines and connection limits end at hand-over: this
/// stream has no timeout of its own. Wrap every read in
/// `tokio::time::timeout` (see "After hand-over" in the module
/// documentation), or a client that goes silent holds the connection for
/// ever.
///
/// ```no_run
/// # async fn demo(mut conn: sstp_cert::adapters::listener::SstpConnection) -> std::io::Result<()> {
/// use tokio::io::AsyncReadExt;
/// // the first SSTP packet: 4-byte header, then the rest of its length
/// use std::time::Duration;
/// let deadline = Duration::from_secs(60);
/// let mut header = [0u8; 4];
/// tokio::time::timeout(deadline, conn.read_exact(&mut header)).await??;
/// let len = usize::from(u16::from_be_bytes([header[2], header[3]]) & 0x0fff);
/// let mut rest = vec![0u8; len.saturating_sub(4)];
/// tokio::time::timeout(deadline, conn.read_exact(&mut rest)).await??;
/// # Ok(()) }
/// ```
pub struct SstpConnection {
    stream: TlsStream<TcpStream>,
    pending: Vec<u8>,
    pos: usize,
    info: ConnectionInfo,
}

impl fmt::Debug for SstpConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SstpConnection")
            .field("info", &self.info)
            .field("pending", &(self.pending.len() - self.pos))
            .finish_non_exhaustive()
    }
}

impl SstpConnection {
    /// What is known about the connection.
    pub fn info(&self) -> &ConnectionInfo {
        &self.info
    }

    /// The TLS stream, the bytes already read from it but not yet consumed
    /// (read them first), and the connection facts.
    pub fn into_parts(self) -> (TlsStream<TcpStream>, Vec<u8>, ConnectionInfo) {
        let mut pending = self.pending;
        pending.drain(..self.pos);
        (self.stream, pending, self.info)
    }
}

impl AsyncRead for SstpConnection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pos < this.pending.len() {
            let rest = &this.pending[this.pos..];
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.pos += n;
            if this.pos == this.pending.len() {
                this.pending = Vec::new();
                this.pos = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for SstpConnection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "SSTP_DUPLEX_POST /sra_{BA195980-CD49-458b-9E23-C84EE0ADCD75}/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 18446744073709551615\r\nSSTPCORRELATIONID: {1B672094-E02A-8443-DFB57CE}\r\n\r\n";

    fn status(head: &str) -> u16 {
        match parse_request(head.as_bytes(), 32) {
            Ok(_) => 200,
            Err(r) => r.status,
        }
    }

    #[test]
    fn sstpc_request_is_accepted() {
        let r = parse_request(GOOD.as_bytes(), 32).unwrap();
        assert_eq!(r.host, "localhost");
        assert_eq!(
            r.correlation_id.as_deref(),
            Some("{1B672094-E02A-8443-DFB57CE}")
        );
        assert_eq!(r.headers.len(), 3);
        // URI case does not matter
        assert_eq!(status(&GOOD.replace("sra_{BA195980", "SRA_{ba195980")), 200);
        // header name case does not matter, correlation id optional
        assert_eq!(
            status(
                &GOOD
                    .replace("Host:", "host:")
                    .replace("SSTPCORRELATIONID: {1B672094-E02A-8443-DFB57CE}\r\n", "")
            ),
            200
        );
    }

    #[test]
    fn refusals_have_the_right_status() {
        assert_eq!(status(&GOOD.replace("SSTP_DUPLEX_POST", "POST")), 405);
        assert_eq!(status(&GOOD.replace("sra_{BA", "srb_{BA")), 404);
        assert_eq!(status(&GOOD.replace("HTTP/1.1\r\n", "HTTP/1.0\r\n")), 505);
        assert_eq!(status(&GOOD.replace("HTTP/1.1\r\n", "FTP\r\n")), 400);
        assert_eq!(status(&GOOD.replace("Host: localhost\r\n", "")), 400);
        assert_eq!(status(&GOOD.replace("Host: localhost", "Host: ")), 400);
        assert_eq!(
            status(&GOOD.replace("Host: localhost\r\n", "Host: a\r\nHost: b\r\n")),
            400
        );
        assert_eq!(
            status(&GOOD.replace("18446744073709551615", "0")),
            400,
            "content length"
        );
        assert_eq!(
            status(&GOOD.replace("18446744073709551615", "18446744073709551616")),
            400
        );
        assert_eq!(
            status(&GOOD.replace("Content-Length: 18446744073709551615\r\n", "")),
            400
        );
        assert_eq!(
            status(&GOOD.replace(
                "Host: localhost\r\n",
                "Host: localhost\r\nTransfer-Encoding: chunked\r\n"
            )),
            400
        );
        assert_eq!(
            status(&GOOD.replace("Host: localhost\r\n", "Host: localhost\r\n folded\r\n")),
            400
        );
        assert_eq!(
            status(&GOOD.replace("Host: localhost", "Host: loc\u{e9}")),
            400
        );
        assert_eq!(status(&GOOD.replace("Host: localhost", "Host: a\0b")), 400);
        assert_eq!(
            status(&GOOD.replace("Host: localhost\r\n", "Host: a\nX: y\r\n")),
            400
        );
        assert_eq!(
            status(&GOOD.replace("Host: localhost", "Bad Name: x\r\nHost: a")),
            400
        );
        assert_eq!(
            status(&GOOD.replace("Host: localhost", "NoColon\r\nHost: a")),
            400
        );
        assert_eq!(
            status(&GOOD.replace("SSTP_DUPLEX_POST /", "SSTP_DUPLEX_POST  /")),
            400
        );
        assert_eq!(status(&GOOD[..GOOD.len() - 2]), 400);
        assert_eq!(status(""), 400);
        assert_eq!(status("\r\n\r\n"), 400);
        let many: String = (0..40).map(|i| format!("X-{i}: y\r\n")).collect();
        assert_eq!(
            status(&GOOD.replace("Host: localhost\r\n", &format!("Host: localhost\r\n{many}"))),
            400
        );
    }

    #[test]
    fn bind_failures_say_when_ipv6_is_missing() {
        use std::io::{Error, ErrorKind};
        let addr = |a: &str| a.parse::<SocketAddr>().unwrap();
        #[cfg(target_os = "linux")]
        assert!(matches!(
            bind_failure(addr("[::]:443"), Error::from_raw_os_error(97)),
            BindFailure::Ipv6Unavailable { .. }
        ));
        let f = bind_failure(addr("[::1]:443"), Error::from(ErrorKind::AddrNotAvailable));
        assert!(matches!(f, BindFailure::Ipv6Unavailable { .. }));
        assert!(
            f.to_string()
                .contains("IPv6 is not available on this machine"),
            "{f}"
        );
        // another IPv6 address that is not this machine's: an ordinary failure
        let f = bind_failure(
            addr("[2001:db8::1]:443"),
            Error::from(ErrorKind::AddrNotAvailable),
        );
        assert!(matches!(
            f,
            BindFailure::Failed {
                family: Family::V6,
                ..
            }
        ));
        assert!(f.to_string().contains("not one of this machine's"), "{f}");
        // IPv4 is never "IPv6 unavailable"
        let f = bind_failure(addr("0.0.0.0:443"), Error::from(ErrorKind::AddrInUse));
        assert!(f.is_addr_in_use());
        assert_eq!(f.family(), Family::V4);
        assert_eq!(f.event().id.number(), 22);
    }

    /// On Windows the front's sockets are exclusive: a second socket with
    /// SO_REUSEADDR cannot bind the same port (as it could without).
    #[cfg(windows)]
    #[test]
    fn windows_sockets_are_bound_exclusively() {
        let l = bind_one("127.0.0.1:0".parse().unwrap()).unwrap();
        assert!(crate::adapters::windows::socket::exclusive_address_use(&l).unwrap());
        let addr = l.local_addr().unwrap();
        let thief = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        thief.set_reuse_address(true).unwrap();
        let e = thief.bind(&addr.into()).unwrap_err();
        // Windows answers WSAEACCES here ("Using SO_REUSEADDR and
        // SO_EXCLUSIVEADDRUSE"); Wine does the same.
        assert!(
            matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::AddrInUse
            ),
            "{e}"
        );
        // The control: a socket bound without the option can be taken over
        // by one with SO_REUSEADDR on Windows (Wine may refuse it as Linux
        // would; then only the first half is shown here).
        let plain = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        plain
            .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
            .unwrap();
        plain.listen(8).unwrap();
        let thief = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP)).unwrap();
        thief.set_reuse_address(true).unwrap();
        match thief.bind(&plain.local_addr().unwrap()) {
            Ok(()) => eprintln!("control: without SO_EXCLUSIVEADDRUSE the port was taken over"),
            Err(e) => eprintln!("NOTICE: this Windows (Wine?) refused the takeover anyway: {e}"),
        }
    }

    #[test]
    fn answers() {
        let at = time::macros::datetime!(2006-11-09 00:51:09 UTC);
        let ok = ok_response("S", at);
        assert!(ok.starts_with("HTTP/1.1 200 OK\r\n"));
        assert_eq!(ok.matches("\r\n").count(), 5);
        let r = Refusal::new(405, "x").response("S", at);
        assert!(r.contains("Allow: SSTP_DUPLEX_POST\r\n"), "{r}");
        assert!(r.ends_with("\r\n\r\n"));
        let c = ListenerConfig::loopback(0).with_server_header("a\r\nInjected: 1");
        assert_eq!(c.server_header(), "aInjected: 1");
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
    }

    /// A peer that never reads cannot hold the answer's write for ever:
    /// the `200 OK` and the refusals both have a deadline.
    #[test]
    fn answers_are_written_within_the_deadline() {
        block_on(async {
            // 16 bytes of buffer and nobody reading on the other side
            let (mut server, _client) = tokio::io::duplex(16);
            let answer = ok_response("S", OffsetDateTime::UNIX_EPOCH);
            let limit = Duration::from_millis(100);
            let started = std::time::Instant::now();
            let r = tokio::time::timeout(
                Duration::from_secs(5),
                write_answer(&mut server, answer.as_bytes(), limit),
            )
            .await
            .expect("the write must give up by itself");
            assert!(r.is_err(), "the deadline passed: {r:?}");
            assert!(started.elapsed() < Duration::from_secs(2));

            let (mut server, _client) = tokio::io::duplex(16);
            let config = ListenerConfig::loopback(0).with_limits(Limits {
                write_timeout: limit,
                ..Limits::default()
            });
            let refusal = Refusal::new(400, "x");
            tokio::time::timeout(
                Duration::from_secs(5),
                send_refusal(&mut server, &refusal, &config),
            )
            .await
            .expect("the refusal must give up by itself");
        });
    }

    #[test]
    fn sources_are_addresses_and_ipv6_prefixes() {
        let key = |s: &str| SourceKey::of(s.parse().unwrap());
        assert_eq!(
            key("192.0.2.1"),
            SourceKey::Ipv4(Ipv4Addr::new(192, 0, 2, 1))
        );
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        assert_eq!(key("2001:db8:0:1::1"), key("2001:db8:0:1:8000::99"));
        assert_ne!(key("2001:db8:0:1::1"), key("2001:db8:0:2::1"));
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
        assert_eq!(key("::1").to_string(), "::/64");
    }

    fn admission(total: usize, per_source: usize) -> Arc<Admission> {
        Arc::new(Admission::new(&Limits {
            max_connections: total,
            max_connections_per_source: per_source,
            ..Limits::default()
        }))
    }

    #[test]
    fn the_per_source_limit_closes_the_new_connection() {
        let a = admission(100, 3);
        let src = SourceKey::of("192.0.2.1".parse().unwrap());
        let other = SourceKey::of("192.0.2.2".parse().unwrap());
        let held: Vec<Slot> = (0..3).map(|_| a.admit(src).unwrap()).collect();
        assert!(a.admit(src).is_none());
        assert!(a.admit(src).is_none());
        let o = a.admit(other).expect("another source is not affected");
        let s = a.stats();
        assert_eq!(
            (s.in_progress, s.busiest_source, s.shed_per_source),
            (4, 3, 2)
        );
        // no one was evicted
        assert!(
            held.iter()
                .all(|h| !h.eviction.evicted.load(Ordering::SeqCst))
        );
        // a place is given back when the connection ends (or is handed over)
        drop(held);
        assert!(a.admit(src).is_some());
        drop(o);
        assert_eq!(a.stats().in_progress, 0);
    }

    #[test]
    fn the_total_limit_closes_the_newest_of_the_busiest_source() {
        let a = admission(4, 10);
        let busy = SourceKey::of("192.0.2.1".parse().unwrap());
        let calm = SourceKey::of("192.0.2.2".parse().unwrap());
        let new = SourceKey::of("2001:db8::1".parse().unwrap());
        let b: Vec<Slot> = (0..3).map(|_| a.admit(busy).unwrap()).collect();
        let c = a.admit(calm).unwrap();
        // full: a third source gets in, the busy source's newest goes
        let n = a.admit(new).expect("a new source is admitted");
        assert!(
            b[2].eviction.evicted.load(Ordering::SeqCst),
            "newest of the busiest"
        );
        assert!(!b[0].eviction.evicted.load(Ordering::SeqCst));
        assert!(!b[1].eviction.evicted.load(Ordering::SeqCst));
        assert!(!c.eviction.evicted.load(Ordering::SeqCst));
        assert_eq!(a.stats().in_progress, 4);
        assert_eq!(a.stats().shed_total, 1);
        // the busy source itself, when full: its own new connection goes
        assert!(a.admit(busy).is_none());
        // a tie (busy 2, calm 1 + the new one = 2): the new one goes
        assert!(a.admit(calm).is_none());
        assert_eq!(a.stats().shed_total, 3);
        // the evicted slot's drop does not free anyone else's place
        drop(b);
        assert_eq!(a.stats().in_progress, 2);
        drop((c, n));
        assert_eq!(a.stats().in_progress, 0);
    }

    #[test]
    fn accept_errors_are_sorted() {
        use io::{Error, ErrorKind};
        #[cfg(target_os = "linux")]
        {
            for (code, kind) in [
                (24, AcceptErrorKind::Resource),    // EMFILE
                (23, AcceptErrorKind::Resource),    // ENFILE
                (105, AcceptErrorKind::Resource),   // ENOBUFS
                (12, AcceptErrorKind::Resource),    // ENOMEM
                (103, AcceptErrorKind::Connection), // ECONNABORTED
                (71, AcceptErrorKind::Connection),  // EPROTO
                (1, AcceptErrorKind::Connection),   // EPERM
                (9, AcceptErrorKind::Fatal),        // EBADF
                (22, AcceptErrorKind::Fatal),       // EINVAL
            ] {
                assert_eq!(
                    classify_accept_error(&Error::from_raw_os_error(code)),
                    kind,
                    "errno {code}"
                );
            }
        }
        assert_eq!(
            classify_accept_error(&Error::from(ErrorKind::ConnectionAborted)),
            AcceptErrorKind::Connection
        );
        assert_eq!(
            classify_accept_error(&Error::from(ErrorKind::OutOfMemory)),
            AcceptErrorKind::Resource
        );
    }

    /// The request reader gives the same outcome for input written in
    /// pieces of any size, and keeps the bytes after the head (the fuzz
    /// target `sstp_request_reader` feeds it one byte per read).
    #[test]
    fn read_request_does_not_depend_on_how_bytes_arrive() {
        block_on(async {
            let mut input = GOOD.as_bytes().to_vec();
            input.extend_from_slice(&[0x10, 0x01, 0x00, 0x0e]);
            for piece in [1usize, 3, 7, 64, 4096] {
                let (mut a, mut b) = tokio::io::duplex(64 * 1024);
                for chunk in input.chunks(piece) {
                    a.write_all(chunk).await.unwrap();
                }
                drop(a);
                let got = read_request(&mut b, 8192, 32).await.unwrap();
                assert_eq!(got.request.host, "localhost", "pieces of {piece}");
                // all of the rest when it came with the head, else a prefix
                assert!(
                    [0x10, 0x01, 0x00, 0x0e].starts_with(&got.pending),
                    "{piece}"
                );
            }
            // too large, whatever the pieces
            let big = format!("{}X: {}\r\n\r\n", &GOOD[..GOOD.len() - 2], "a".repeat(9000));
            for piece in [1usize, 2048] {
                let (mut a, mut b) = tokio::io::duplex(64 * 1024);
                for chunk in big.as_bytes().chunks(piece) {
                    a.write_all(chunk).await.unwrap();
                }
                drop(a);
                match read_request(&mut b, 8192, 32).await {
                    Err(RequestReadError::Refused(refusal)) => {
                        assert_eq!(refusal.status, 400);
                        assert!(
                            refusal.detail.contains("larger than 8192 bytes"),
                            "{refusal}"
                        );
                    }
                    other => panic!("{other:?}"),
                }
            }
            // cut short
            let mut short: &[u8] = &GOOD.as_bytes()[..30];
            assert!(matches!(
                read_request(&mut short, 8192, 32).await,
                Err(RequestReadError::Closed)
            ));
        });
    }

    #[test]
    fn parse_request_refuses_huge_heads_first() {
        let mut head = vec![b'a'; limits::MAX_REQUEST_HEAD_LEN + 1];
        head.extend_from_slice(b"\r\n\r\n");
        let r = parse_request(&head, 32).unwrap_err();
        assert_eq!(r.status, 400);
        assert!(r.detail.contains("more than the 65536 bytes"), "{r}");
    }

    #[test]
    fn head_reader_is_bounded() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(head_reader_is_bounded_async());
    }

    async fn head_reader_is_bounded_async() {
        let (mut a, mut b) = tokio::io::duplex(64 * 1024);
        a.write_all(&vec![b'a'; 20_000]).await.unwrap();
        let mut buf = Vec::new();
        assert!(matches!(
            read_head(&mut b, &mut buf, 8192).await.unwrap(),
            HeadRead::TooLarge
        ));
        assert!(buf.len() <= 8192 + 2048);

        let (mut a, mut b) = tokio::io::duplex(64 * 1024);
        a.write_all(b"X\r\n\r\nrest").await.unwrap();
        let mut buf = Vec::new();
        assert!(matches!(
            read_head(&mut b, &mut buf, 8192).await.unwrap(),
            HeadRead::Complete(5)
        ));
        drop(a);
        let mut buf = Vec::new();
        assert!(matches!(
            read_head(&mut b, &mut buf, 8192).await.unwrap(),
            HeadRead::Closed
        ));
    }
}
