//! The resource framework: schemas, plan rules, validation, diagnostics and the traits a
//! resource or data source implements. Protocol-free: nothing here knows about prost or
//! the wire; `protocol` adapts it to tfplugin5.

pub mod core;
pub mod diag;
pub mod model;
pub mod plan;
pub mod resource;
pub mod schema;
pub mod timeouts;
pub mod unique;
pub mod validate;

pub use diag::{AttrPath, Diagnostics};
pub use model::{read_model, write_model};
pub use resource::*;
pub use schema::{Attr, Block, NestedBlock, Nesting, Schema};
