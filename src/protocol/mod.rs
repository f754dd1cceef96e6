//! Everything that speaks Terraform's plugin protocol 5 (tfplugin5.2) and go-plugin.
//!
//! This is the only module that touches prost types. `handshake` starts the process side
//! (cookie, listener, mTLS, handshake line, shutdown), `server` implements the gRPC services
//! by decoding requests and calling `framework::core`, `convert` maps schemas, diagnostics,
//! paths and dynamic values between the framework and the wire.

pub mod convert;
pub mod handshake;
pub mod server;
pub mod tls;

pub use handshake::{check_magic_cookie, serve, MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE};

/// Code generated from `proto/` by `build.rs`.
#[allow(missing_docs, unreachable_pub, clippy::all, clippy::pedantic)]
pub mod proto {
    /// tfplugin5.2: the Provider and Provisioner services.
    pub mod tfplugin5 {
        tonic::include_proto!("tfplugin5");
    }
    /// go-plugin: GRPCController and GRPCStdio.
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}
