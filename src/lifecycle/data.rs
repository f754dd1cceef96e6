//! Data sources on the lifecycle: [`OcpData`] says what one data source reads, [`Data`] is the
//! one adapter that turns it into the framework's [`DataSource`].
//!
//! A data source says only what is particular to it: its schema, the model its configuration
//! reads into, and how to fill its state from OCP. The adapter owns what they share: the
//! client guard, reading the configuration into the model, writing the state as a value of
//! the schema's type, and reporting an OCP error once ("Unable to <action>").

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::OcpClient;
use crate::framework::{
    read_model, write_model, Ctx, DataReadRequest, DataReadResponse, DataSource, Diagnostics,
    Schema,
};
use crate::value::Value;

use super::{report, Fail};

/// One data source of OCP objects.
#[tonic::async_trait]
pub trait OcpData: Send + Sync + 'static {
    /// What the configuration reads into (unknowns, only possible in [`OcpData::validate`],
    /// need `Known<T>` fields; at read time the configuration is known).
    type Config: DeserializeOwned + Send;
    /// What the read writes as state: a value of the schema's type.
    type State: Serialize + Send;
    /// Full type name, e.g. `ocp_clusters`.
    const TYPE_NAME: &'static str;
    /// What the read does, for the summary of its error: "Unable to <ACTION>".
    const ACTION: &'static str;

    /// The schema.
    fn schema(&self) -> Schema;

    /// Checks beyond per-attribute validators. The config may hold unknowns.
    fn validate(&self, _config: &Value, _diags: &mut Diagnostics) {}

    /// Reads from OCP. An OCP error is reported by the adapter, on its `path` when given;
    /// [`Fail::Reported`] when the read said what went wrong in `diags` (such as "not found"
    /// on the attribute that chose the object).
    async fn read(
        &self,
        client: &OcpClient,
        config: Self::Config,
        diags: &mut Diagnostics,
    ) -> Result<Self::State, Fail>;
}

/// The adapter: an [`OcpData`] as the framework's [`DataSource`].
pub struct Data<D>(pub D);

#[tonic::async_trait]
impl<D: OcpData> DataSource for Data<D> {
    fn type_name(&self) -> &'static str {
        D::TYPE_NAME
    }

    fn schema(&self) -> Schema {
        self.0.schema()
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        self.0.validate(config, diags)
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(config) = read_model::<D::Config>(&req.config, &mut resp.diags) else {
            return;
        };
        match self.0.read(client, config, &mut resp.diags).await {
            Ok(state) => {
                if let Some(v) = write_model(&state, &self.0.schema(), &mut resp.diags) {
                    resp.state = v;
                }
            }
            Err(Fail::Ocp { err, path }) => report(&mut resp.diags, D::ACTION, path, &err),
            Err(Fail::Reported) => {}
        }
    }
}
