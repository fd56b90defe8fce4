//! The SSTP request as it arrives over the network: the async reader
//! (`adapters::listener::read_request`, feature `listener`) fed the input
//! one byte at a time or in pieces of fuzzed sizes, with a `Pending` before
//! every piece. Never panics, never loops; the outcome does not depend on
//! how the bytes were split (compared with reading them in one go); an
//! accepted head is exactly the bytes up to the first blank line, parses
//! the same with `parse_request`, and the bytes kept after it are the ones
//! that followed it.
#![no_main]

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use libfuzzer_sys::fuzz_target;
use sstp_cert::adapters::listener::{RequestReadError, parse_request, read_request};
use tokio::io::{AsyncRead, ReadBuf};

/// A small head limit, so that the too-large paths are reached.
const MAX_HEAD: usize = 1024;
const MAX_HEADERS: usize = 32;

/// Yields `data` in pieces whose sizes cycle through `sizes` (one byte at
/// a time when there are none), each after one `Pending`.
struct Pieces<'a> {
    data: &'a [u8],
    sizes: &'a [u8],
    next: usize,
    ready: bool,
    reads: usize,
}

impl AsyncRead for Pieces<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if !self.ready {
            self.ready = true;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.ready = false;
        self.reads += 1;
        let size = match self.sizes {
            [] => 1,
            s => usize::from(s[self.next % s.len()]) + 1,
        };
        self.next += 1;
        let n = size.min(self.data.len()).min(buf.remaining());
        let (now, rest) = self.data.split_at(n);
        buf.put_slice(now);
        self.data = rest;
        Poll::Ready(Ok(()))
    }
}

/// Polls to the end without a runtime; `limit` polls at most.
fn run<F: Future>(fut: F, limit: usize) -> F::Output {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..limit {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the reader did not finish within {limit} polls");
}

fn outcome(r: &Result<sstp_cert::adapters::listener::ReceivedRequest, RequestReadError>) -> String {
    match r {
        Ok(got) => format!("ok {:?}", got.request),
        Err(RequestReadError::Refused(refusal)) => format!("refused {refusal:?}"),
        Err(RequestReadError::Closed) => "closed".into(),
        Err(RequestReadError::Io(e)) => panic!("a slice reader cannot fail: {e}"),
        Err(other) => panic!("an error the target does not know: {other}"),
    }
}

fuzz_target!(|input: &[u8]| {
    let Some((&k, rest)) = input.split_first() else {
        return;
    };
    let k = usize::from(k % 16).min(rest.len());
    let (sizes, data) = rest.split_at(k);

    let mut whole: &[u8] = data;
    let at_once = run(
        read_request(&mut whole, MAX_HEAD, MAX_HEADERS),
        1 + data.len(),
    );
    let mut pieces = Pieces {
        data,
        sizes,
        next: 0,
        ready: false,
        reads: 0,
    };
    // two polls per piece, a piece is at least one byte, one more for EOF
    let limit = 2 * (data.len() + 2);
    let piecewise = run(read_request(&mut pieces, MAX_HEAD, MAX_HEADERS), limit);
    assert_eq!(outcome(&at_once), outcome(&piecewise), "split into pieces");

    if let Ok(got) = &piecewise {
        let end = data
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("an accepted head ends with a blank line")
            + 4;
        assert!(end <= MAX_HEAD);
        assert_eq!(
            parse_request(&data[..end], MAX_HEADERS).as_ref(),
            Ok(&got.request)
        );
        // what was read beyond the head is what followed it
        assert_eq!(got.pending[..], data[end..end + got.pending.len()]);
    }
});
