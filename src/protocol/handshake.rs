//! Process start-up and shutdown as go-plugin expects (tfplugin5.md §1, §7).
//!
//! Magic-cookie check, protocol negotiation, SIGINT ignored (Terraform sends Stop), a Unix
//! socket in the temp dir, AutoMTLS when `PLUGIN_CLIENT_CERT` is set (plaintext otherwise),
//! one handshake line on stdout, then serve until GRPCController.Shutdown.

use std::io::Write;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::{mpsc, watch};
use tonic::transport::server::Connected;

use super::proto::plugin::grpc_controller_server::GrpcControllerServer;
use super::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use super::proto::tfplugin5::provider_server::ProviderServer;
use super::proto::tfplugin5::provisioner_server::ProvisionerServer;
use super::server::{Controller, NoProvisioners, ProviderService, Stdio};
use super::tls::server_tls;
use crate::framework::core::ProviderCore;

/// Environment variable holding go-plugin's magic cookie.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// The value Terraform sets it to.
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The only application protocol this plugin speaks.
const PROTOCOL_VERSION: u32 = 5;
/// Largest gRPC message accepted or sent (Terraform allows large states and configs).
const MAX_MESSAGE: usize = 256 * 1024 * 1024;

/// True when Terraform started this process (the magic cookie is set right).
pub fn check_magic_cookie() -> bool {
    std::env::var(MAGIC_COOKIE_KEY).is_ok_and(|v| v == MAGIC_COOKIE_VALUE)
}

/// The protocol version to announce: 5, warning when Terraform did not offer it.
fn negotiate() -> u32 {
    if let Ok(list) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        let offered = list
            .split(',')
            .any(|v| v.trim() == PROTOCOL_VERSION.to_string());
        if !offered {
            log::warn!("Terraform offered plugin protocol versions {list:?}; this plugin only speaks {PROTOCOL_VERSION}");
        }
    }
    PROTOCOL_VERSION
}

/// A connection, with or without TLS.
enum Conn {
    Plain(UnixStream),
    Tls(Box<tokio_rustls::server::TlsStream<UnixStream>>),
}

impl Connected for Conn {
    type ConnectInfo = ();
    fn connect_info(&self) -> Self::ConnectInfo {}
}

impl AsyncRead for Conn {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Conn {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_flush(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Conn::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Conn::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Removes the socket file when serving ends, however it ends.
struct SocketFile(PathBuf);

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn socket_path() -> PathBuf {
    std::env::temp_dir().join(format!(
        "plugin-ocp-{}-{:x}",
        std::process::id(),
        fastrand::u64(..)
    ))
}

/// Serves the plugin until Terraform calls Shutdown (or, in `debug` mode, until Ctrl-C).
/// In debug mode the server is plaintext and prints a `TF_REATTACH_PROVIDERS` value instead of
/// the handshake line.
pub async fn serve(core: ProviderCore, debug: bool) -> Result<(), String> {
    let version = negotiate();
    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    if !debug {
        ignore_sigint()?;
    }
    // SIGTERM (a supervisor or a user ending the process) stops serving like Shutdown does, so
    // the socket file is removed; only SIGKILL can leave it behind. Installed before the
    // handshake line, so no SIGTERM can arrive unhandled once Terraform knows the socket.
    let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| format!("installing the SIGTERM handler: {e}"))?;

    let path = socket_path();
    let listener =
        UnixListener::bind(&path).map_err(|e| format!("binding {}: {e}", path.display()))?;
    let _socket = SocketFile(path.clone());

    let tls = match std::env::var("PLUGIN_CLIENT_CERT") {
        Ok(pem) if !pem.trim().is_empty() && !debug => Some(server_tls(&pem)?),
        _ => None,
    };

    let core = Arc::new(core);
    let stdio_open = Arc::new(Mutex::new(Vec::new()));
    let (health_reporter, health) = tonic_health::server::health_reporter();
    health_reporter
        .set_service_status("plugin", tonic_health::ServingStatus::Serving)
        .await;
    health_reporter
        .set_service_status("", tonic_health::ServingStatus::Serving)
        .await;

    let (conn_tx, conn_rx) = mpsc::channel::<std::io::Result<Conn>>(16);
    let acceptor = tls
        .as_ref()
        .map(|t| tokio_rustls::TlsAcceptor::from(t.config.clone()));
    tokio::spawn(async move {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(s) => s,
                Err(e) => {
                    log::error!("accepting a connection: {e}");
                    break;
                }
            };
            let tx = conn_tx.clone();
            match &acceptor {
                None => {
                    if tx.send(Ok(Conn::Plain(stream))).await.is_err() {
                        break;
                    }
                }
                Some(acc) => {
                    let acc = acc.clone();
                    tokio::spawn(async move {
                        match acc.accept(stream).await {
                            Ok(s) => {
                                let _ = tx.send(Ok(Conn::Tls(Box::new(s)))).await;
                            }
                            // Terraform's gRPC client may dial once more while closing; an
                            // aborted handshake is only worth a debug line.
                            Err(e) => log::debug!("TLS handshake with Terraform failed: {e}"),
                        }
                    });
                }
            }
        }
    });

    let provider = ProviderServer::new(ProviderService::new(core.clone()))
        .max_decoding_message_size(MAX_MESSAGE)
        .max_encoding_message_size(MAX_MESSAGE);
    let server = tonic::transport::Server::builder()
        .add_service(provider)
        .add_service(ProvisionerServer::new(NoProvisioners))
        .add_service(health)
        .add_service(GrpcControllerServer::new(Controller {
            shutdown: shutdown_tx.clone(),
        }))
        .add_service(GrpcStdioServer::new(Stdio {
            open: stdio_open.clone(),
        }));

    let mut shutdown_wait = shutdown_rx.clone();
    let serving = tokio::spawn(server.serve_with_incoming_shutdown(
        tokio_stream::wrappers::ReceiverStream::new(conn_rx),
        async move {
            let _ = shutdown_wait.wait_for(|v| *v).await;
        },
    ));

    let cert = tls.as_ref().map(|t| t.cert_b64.as_str()).unwrap_or("");
    if debug {
        println!(
            "Provider serving in debug mode. Set this in the shell that runs terraform:\n\n  export TF_REATTACH_PROVIDERS='{{\"registry.terraform.io/oceanbase/ocp\":{{\"Protocol\":\"grpc\",\"ProtocolVersion\":{version},\"Pid\":{},\"Test\":true,\"Addr\":{{\"Network\":\"unix\",\"String\":\"{}\"}}}}}}'\n",
            std::process::id(),
            path.display()
        );
    } else {
        let mut out = std::io::stdout().lock();
        writeln!(out, "1|{version}|unix|{}|grpc|{cert}", path.display())
            .map_err(|e| format!("writing the handshake: {e}"))?;
        out.flush()
            .map_err(|e| format!("writing the handshake: {e}"))?;
    }
    log::debug!(
        "plugin serving on {} (tls: {})",
        path.display(),
        tls.is_some()
    );

    tokio::select! {
        _ = async { tokio::signal::ctrl_c().await }, if debug => {}
        _ = sigterm.recv() => log::info!("SIGTERM received; shutting down"),
        _ = shutdown_rx.wait_for(|v| *v) => {}
    }
    let _ = shutdown_tx.send(true);
    // End the stdio streams so the graceful shutdown does not wait on them, then give
    // in-flight calls a moment; Terraform kills the process 2 s after Shutdown.
    if let Ok(mut open) = stdio_open.lock() {
        open.clear();
    }
    core.stop_token().cancel();
    let _ = tokio::time::timeout(Duration::from_millis(1000), serving).await;
    Ok(())
}

/// Ctrl-C in a terminal reaches the whole process group; like go-plugin, the provider ignores
/// SIGINT and waits for Terraform's Stop RPC, so an apply is never cut off mid-call.
fn ignore_sigint() -> Result<(), String> {
    let mut sig = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .map_err(|e| format!("installing the SIGINT handler: {e}"))?;
    tokio::spawn(async move {
        let mut n = 0u64;
        while sig.recv().await.is_some() {
            n += 1;
            log::debug!("SIGINT received and ignored ({n}); waiting for Terraform's Stop");
        }
    });
    Ok(())
}
