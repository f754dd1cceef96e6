//! Typed models in resources: [`read_model`] and [`write_model`] wrap the value bridge
//! ([`crate::value::from_value`], [`crate::value::to_value`]) and turn a model that does not fit
//! into an error diagnostic at the attribute it names.
//!
//! A mismatch is a defect of the provider (the model disagrees with the schema, or reads an
//! attribute that may be unknown without [`crate::value::Known`]), so it is reported as a bug.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::diag::{AttrPath, Diagnostics};
use super::schema::Schema;
use crate::value::{from_value, to_value, ModelError, Value};

/// Reads a model out of a config, plan or state; `None` (with an error in `diags`) when it
/// does not fit.
pub fn read_model<T: DeserializeOwned>(v: &Value, diags: &mut Diagnostics) -> Option<T> {
    from_value(v).map_err(|e| model_bug(diags, "read", &e)).ok()
}

/// Writes a model as a value of the schema's type; `None` (with an error in `diags`) when it
/// does not fit.
pub fn write_model<T: Serialize>(m: &T, schema: &Schema, diags: &mut Diagnostics) -> Option<Value> {
    to_value(m, schema.value_type())
        .map_err(|e| model_bug(diags, "write", &e))
        .ok()
}

fn model_bug(diags: &mut Diagnostics, verb: &str, e: &ModelError) {
    let detail = format!(
        "The provider could not {verb} its model of this object: {e}\n\nThis is a bug in terraform-provider-ocp; please report it with TF_LOG=trace output."
    );
    if e.path.is_empty() {
        diags.error("Provider Model Mismatch", detail);
    } else {
        diags.attr_error(AttrPath(e.path.clone()), "Provider Model Mismatch", detail);
    }
}
