//! terraform-provider-ocp: a Terraform provider for OceanBase Cloud Platform (OCP).
//!
//! Layers, from the wire inwards: `protocol` (tfplugin5 over gRPC, the only code that sees
//! prost types), `framework` (schemas, plan rules, diagnostics, the Resource/DataSource
//! traits), `lifecycle` (the one adapter from an OCP object to a Resource: record-then-wait,
//! read-back, refusal of objects Terraform did not create, resume of pending OCP tasks),
//! `resources` (one file per OCP family, each an object of `lifecycle`), `client` (the one shared OCP HTTP client
//! and task waiter), and `value` (Terraform values and their msgpack/JSON codecs).

pub mod client;
pub mod docs;
pub mod framework;
pub mod lifecycle;
pub mod logging;
pub mod protocol;
pub mod provider;
pub mod resources;
pub mod value;

/// The provider core with every resource and data source registered.
pub fn provider_core() -> framework::core::ProviderCore {
    framework::core::ProviderCore::new(
        Box::new(provider::OcpProvider),
        resources::all_resources(),
        resources::all_data_sources(),
    )
}
