//! Socket options that `socket2` does not offer on Windows.
//!
//! `SO_EXCLUSIVEADDRUSE`: Microsoft recommends it for every service socket
//! ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE", Winsock documentation):
//! without it, another process that sets `SO_REUSEADDR` can bind the same
//! address and port and take connections meant for the service.
//!
//! Tested by `adapters::listener::tests::windows_sockets_are_bound_exclusively`
//! in the Windows stage: under Wine 8.0 the option reads back as set and a
//! second bind with `SO_REUSEADDR` fails with `WSAEACCES`, as on Windows.
//! Wine also refuses that second bind when the first socket lacks the
//! option, so there only the read-back tells a front without it apart.
#![allow(unsafe_code)]

use std::io;
use std::os::windows::io::AsRawSocket;

use windows_sys::Win32::Networking::WinSock::{
    SO_EXCLUSIVEADDRUSE, SOCKET, SOCKET_ERROR, SOL_SOCKET, WSAGetLastError, setsockopt,
};

/// The calling thread's last Winsock error.
fn last_socket_error() -> io::Error {
    // SAFETY: WSAGetLastError takes no arguments and only reads the calling
    // thread's error slot.
    io::Error::from_raw_os_error(unsafe { WSAGetLastError() })
}

/// Sets `SO_EXCLUSIVEADDRUSE` on a socket not yet bound.
pub(crate) fn set_exclusive_address_use(socket: &impl AsRawSocket) -> io::Result<()> {
    let on: i32 = 1;
    // SAFETY: `socket` is a live socket handle borrowed for the call;
    // `optval` points to a valid i32 that outlives the call, and `optlen`
    // is its exact size, as setsockopt requires for this BOOL option.
    let r = unsafe {
        setsockopt(
            socket.as_raw_socket() as SOCKET,
            SOL_SOCKET,
            SO_EXCLUSIVEADDRUSE,
            (&raw const on).cast::<u8>(),
            size_of::<i32>() as i32,
        )
    };
    if r == SOCKET_ERROR {
        return Err(last_socket_error());
    }
    Ok(())
}

/// Whether `SO_EXCLUSIVEADDRUSE` is set on a socket (for the tests).
#[cfg(test)]
pub(crate) fn exclusive_address_use(socket: &impl AsRawSocket) -> io::Result<bool> {
    let mut value: i32 = 0;
    let mut len = size_of::<i32>() as i32;
    // SAFETY: `socket` is a live socket handle borrowed for the call;
    // `optval` points to a writable i32 and `optlen` to its size, both
    // valid for the call; getsockopt writes at most `len` bytes.
    let r = unsafe {
        windows_sys::Win32::Networking::WinSock::getsockopt(
            socket.as_raw_socket() as SOCKET,
            SOL_SOCKET,
            SO_EXCLUSIVEADDRUSE,
            (&raw mut value).cast::<u8>(),
            &raw mut len,
        )
    };
    if r == SOCKET_ERROR {
        return Err(last_socket_error());
    }
    Ok(value != 0)
}
