//! Per-connection kill switch, which lets a handler cut its TCP connection.
//!
//! Each connection's socket is wrapped in [`KillableIo`]. Once a handler trips the
//! connection's [`KillSwitch`], every later write fails, so no response bytes leave,
//! and the connection task drops the connection, which closes the socket.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::watch;

/// Switch that ends one TCP connection without a clean HTTP response. Handlers find it
/// in the request extensions.
#[derive(Debug, Clone)]
pub struct KillSwitch {
    tripped: Arc<watch::Sender<bool>>,
}

impl Default for KillSwitch {
    fn default() -> Self {
        Self {
            tripped: Arc::new(watch::Sender::new(false)),
        }
    }
}

impl KillSwitch {
    /// Trips the switch: writes fail from now on and the connection closes.
    pub fn trip(&self) {
        self.tripped.send_replace(true);
    }

    /// Returns whether the switch has been tripped.
    pub fn is_tripped(&self) -> bool {
        *self.tripped.borrow()
    }

    /// Waits until the switch is tripped.
    pub async fn wait(&self) {
        let mut receiver = self.tripped.subscribe();
        // The sender lives in `self`, so `wait_for` can only end by seeing `true`.
        let _ = receiver.wait_for(|tripped| *tripped).await;
    }
}

/// Socket wrapper whose writes fail once its kill switch is tripped.
#[derive(Debug)]
pub struct KillableIo<T> {
    inner: T,
    switch: KillSwitch,
}

impl<T> KillableIo<T> {
    /// Wraps `inner`, tied to `switch`.
    pub fn new(inner: T, switch: KillSwitch) -> Self {
        Self { inner, switch }
    }

    fn check(&self) -> io::Result<()> {
        if self.switch.is_tripped() {
            Err(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "connection cut by an emulator fault",
            ))
        } else {
            Ok(())
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for KillableIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Err(error) = self.check() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for KillableIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Err(error) = self.check() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Err(error) = self.check() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Err(error) = self.check() {
            return Poll::Ready(Err(error));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncWriteExt;

    #[tokio::test]
    async fn writes_fail_after_trip() {
        let switch = KillSwitch::default();
        let mut io = KillableIo::new(Vec::new(), switch.clone());

        assert!(io.write_all(b"before").await.is_ok());
        switch.trip();

        assert!(io.write_all(b"after").await.is_err());
        assert_eq!(io.inner, b"before");
    }

    #[tokio::test]
    async fn wait_returns_after_trip() {
        let switch = KillSwitch::default();
        let waiter = switch.clone();
        let task = tokio::spawn(async move { waiter.wait().await });

        switch.trip();

        let joined = tokio::time::timeout(std::time::Duration::from_secs(5), task).await;
        assert!(matches!(joined, Ok(Ok(()))));
    }
}
