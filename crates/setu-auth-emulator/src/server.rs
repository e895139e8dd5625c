//! The server thread: its own Tokio runtime, the accept loop and per-connection serving.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use axum::Router;
use axum::http::header::DATE;
use axum::http::{HeaderValue, Request, Response};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tower::ServiceExt;

use crate::clock::Clock;
use crate::conn::{KillSwitch, KillableIo};
use crate::error::EmulatorError;
use crate::routes;
use crate::state::State;

/// Pause after a failed `accept`, so that running out of file descriptors does not
/// turn the accept loop into a busy loop.
const ACCEPT_RETRY_DELAY: Duration = Duration::from_millis(50);

/// Maximum wait for the runtime's blocking threads at shutdown. The emulator starts
/// none, so shutdown normally returns at once.
const RUNTIME_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(1);

/// Running server thread. Dropping it stops the server.
#[derive(Debug)]
pub struct ServerHandle {
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// Starts the server thread on `listener` and waits until it accepts connections.
    pub fn spawn(
        listener: std::net::TcpListener,
        state: Arc<State>,
    ) -> Result<Self, EmulatorError> {
        let (ready_sender, ready_receiver) = mpsc::channel();
        let (shutdown_sender, shutdown_receiver) = oneshot::channel();

        let thread = std::thread::Builder::new()
            .name("setu-auth-emulator".to_owned())
            .spawn(move || run(listener, state, shutdown_receiver, ready_sender))
            .map_err(EmulatorError::startup)?;

        let mut handle = Self {
            shutdown: Some(shutdown_sender),
            thread: Some(thread),
        };
        match ready_receiver.recv() {
            Ok(Ok(())) => Ok(handle),
            Ok(Err(error)) => {
                handle.stop();
                Err(error)
            }
            Err(_) => {
                handle.stop();
                let message = "the server thread exited during startup";
                Err(EmulatorError::startup(std::io::Error::other(message)))
            }
        }
    }

    /// Stops the accept loop, aborts every open connection and joins the thread.
    pub fn stop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // An error means the thread has already ended, which is the goal.
            let _ = shutdown.send(());
        }

        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::error!("the emulator's server thread panicked");
            }
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Body of the server thread.
fn run(
    listener: std::net::TcpListener,
    state: Arc<State>,
    shutdown: oneshot::Receiver<()>,
    ready: mpsc::Sender<Result<(), EmulatorError>>,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let _ = ready.send(Err(EmulatorError::startup(error)));
            return;
        }
    };

    let listener = {
        let _guard = runtime.enter();
        TcpListener::from_std(listener)
    };
    let listener = match listener {
        Ok(listener) => listener,
        Err(error) => {
            let _ = ready.send(Err(EmulatorError::startup(error)));
            return;
        }
    };

    let _ = ready.send(Ok(()));
    runtime.block_on(accept_loop(listener, state, shutdown));

    // Dropping the runtime's tasks closes every connection that is still open.
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
    tracing::debug!("emulator stopped");
}

async fn accept_loop(
    listener: TcpListener,
    state: Arc<State>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let router = routes::router(Arc::clone(&state));

    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, router.clone(), Arc::clone(&state)));
                }
                Err(error) => {
                    tracing::warn!(%error, "emulator failed to accept a connection");
                    tokio::time::sleep(ACCEPT_RETRY_DELAY).await;
                }
            },
        }
    }
}

/// Serves HTTP/1.1 on one connection until the peer closes it or a handler trips the
/// connection's kill switch.
async fn serve_connection(stream: TcpStream, router: Router, state: Arc<State>) {
    // Small responses go out at once. A failure only costs latency.
    let _ = stream.set_nodelay(true);

    let switch = KillSwitch::default();
    let io = TokioIo::new(KillableIo::new(stream, switch.clone()));
    let request_switch = switch.clone();
    let service = service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(request_switch.clone());
        let router = router.clone();
        let state = Arc::clone(&state);
        async move {
            let mut response = router.oneshot(request).await?;
            add_date_header(&state.clock, &mut response);
            Ok::<_, Infallible>(response)
        }
    });

    // With a timer, hyper closes a connection that sends no complete request headers
    // within its header read timeout (30 s), so idle or half-open clients cannot pile up.
    let connection = http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .serve_connection(io, service);
    tokio::select! {
        result = connection => {
            if let Err(error) = result {
                tracing::debug!(%error, "emulator connection ended with an error");
            }
        }
        () = switch.wait() => tracing::debug!("emulator connection cut by a fault"),
    }
}

/// Sets `Date` from the skewed clock unless a fault's headers already set it.
fn add_date_header<B>(clock: &Clock, response: &mut Response<B>) {
    if response.headers().contains_key(DATE) {
        return;
    }

    if let Ok(value) = HeaderValue::from_str(&clock.http_date()) {
        response.headers_mut().insert(DATE, value);
    }
}
