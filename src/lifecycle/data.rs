//! Data sources on the lifecycle: [`OcpData`] says what one data source reads, [`Data`] is the
//! one adapter that turns it into the framework's [`DataSource`].
//!
//! A data source says only what is particular to it: its schema, the model its configuration
//! reads into, and how to fill its state from OCP. The adapter owns what they share: the
//! client guard, reading the configuration into the model, writing the state as a value of
//! the schema's type, and reporting an OCP error once ("Unable to <action>").
//!
//! A data source that lists objects says even less: [`ListData`] gives its filters, the type
//! of one entry, how OCP lists the entries and which it keeps; every [`ListData`] is an
//! [`OcpData`] whose state is the filters as configured plus the list attribute.

use crate::lifecycle::Step;
use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::client::OcpClient;
use crate::framework::{
    read_model, write_model, Attr, Ctx, DataReadRequest, DataReadResponse, DataSource, Diagnostics,
    Schema,
};
use crate::value::{Type, Value};

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
    ) -> Step<Self::State>;
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

/// A data source that lists OCP objects: filter arguments and one computed list attribute.
/// Every [`ListData`] is an [`OcpData`] (the impl below), so the registry takes it as `Data(..)`.
#[tonic::async_trait]
pub trait ListData: Send + Sync + 'static {
    /// The filter arguments, as the configuration gives them and the state repeats them.
    type Filter: DeserializeOwned + Serialize + Send + Sync;
    /// One entry of the list.
    type Entry: Serialize + Send;
    /// The full type name, what the read does ("Unable to <action>") and the list attribute:
    /// `["ocp_hosts", "List Hosts", "hosts"]`.
    const NAMES: [&'static str; 3];
    /// The description of the list attribute.
    const LIST_DOC: &'static str;

    /// The schema without the list attribute: the description and the filter arguments.
    fn filters(&self) -> Schema;

    /// The type of one entry, taken from the schema of the data source of one object or of
    /// the resource wherever it has the same attributes, so it is written once.
    fn entry(&self) -> Type;

    /// The entries OCP lists for `filter`, in the order the state gives them.
    async fn fetch(&self, client: &OcpClient, filter: &Self::Filter) -> Step<Vec<Self::Entry>>;

    /// Whether `entry` passes the filters OCP does not apply itself. Default: every entry.
    fn keep(&self, _filter: &Self::Filter, _entry: &Self::Entry) -> bool {
        true
    }
}

/// The state of a [`ListData`]: the filters as configured and the entries under the list
/// attribute.
#[derive(Serialize)]
pub struct Listed<F, E> {
    #[serde(flatten)]
    filter: F,
    #[serde(flatten)]
    list: BTreeMap<&'static str, Vec<E>>,
}

impl<F, E> Listed<F, E> {
    /// The state of the filters `filter` with `entries` under the list attribute `list`.
    pub fn new(filter: F, list: &'static str, entries: Vec<E>) -> Listed<F, E> {
        let list = BTreeMap::from([(list, entries)]);
        Listed { filter, list }
    }
}

/// The filters of a list data source without arguments.
#[derive(Serialize, Deserialize)]
pub struct NoFilter {}

/// The filter of a list data source whose one argument is an optional `name`.
#[derive(Serialize, Deserialize)]
pub struct ByName {
    /// The name (or part of it) to keep, as the data source documents it.
    pub name: Option<String>,
}

#[tonic::async_trait]
impl<L: ListData> OcpData for L {
    type Config = L::Filter;
    type State = Listed<L::Filter, L::Entry>;
    const TYPE_NAME: &'static str = L::NAMES[0];
    const ACTION: &'static str = L::NAMES[1];

    fn schema(&self) -> Schema {
        let list = Attr::list(self.entry()).computed().doc(L::LIST_DOC);
        self.filters().attr(L::NAMES[2], list)
    }

    async fn read(
        &self,
        client: &OcpClient,
        filter: L::Filter,
        _: &mut Diagnostics,
    ) -> Step<Self::State> {
        let mut list = self.fetch(client, &filter).await?;
        list.retain(|e| self.keep(&filter, e));
        Ok(Listed::new(filter, L::NAMES[2], list))
    }
}

/// The element type of a list whose entries are `E`: the attributes of `schema` (the single
/// data source's or the resource's) that the fields of `E` name, so the entry model alone says
/// which attributes an entry has. Every field counts, a `None` one too; a field skipped when
/// empty (`skip_serializing_if`) does not.
pub fn entry_type<E: Serialize + Default>(schema: &Schema) -> Type {
    let fields: Vec<String> = match serde_json::to_value(E::default()) {
        Ok(serde_json::Value::Object(o)) => o.into_iter().map(|(k, _)| k).collect(),
        _ => Vec::new(),
    };
    schema.pick(&fields.iter().map(String::as_str).collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testutil::TestSim;
    use crate::resources::unit_specs::UnitSpecsDataSource;

    /// `data "ocp_unit_specs"` read through the one list adapter, with `name` as configured.
    async fn unit_specs(client: &OcpClient, name: Value) -> Value {
        let (ds, mut d) = (UnitSpecsDataSource, Diagnostics::new());
        let config = Value::object([("name", name), ("unit_specs", Value::Null)]);
        let filter = read_model::<ByName>(&config, &mut d).unwrap();
        let state = OcpData::read(&ds, client, filter, &mut d).await.unwrap();
        let v = write_model(&state, &OcpData::schema(&ds), &mut d).unwrap();
        assert!(d.0.is_empty(), "{:?}", d.0);
        v
    }

    #[tokio::test]
    async fn a_list_data_source_states_its_filters_and_the_entries_it_keeps() {
        let sim = TestSim::start(0.1).await;
        let client = sim.client();
        let names = |v: &Value| -> Vec<String> {
            let list = v.get("unit_specs").map(Value::elements).unwrap_or_default();
            let name = |e: &Value| e.get("name").and_then(Value::as_str).map(String::from);
            list.iter().filter_map(name).collect()
        };
        let all = unit_specs(&client, Value::Null).await;
        assert_eq!(all.get("name"), Some(&Value::Null));
        let mut sorted = names(&all);
        sorted.sort();
        assert!(sorted.len() > 1 && names(&all) == sorted, "{all:?}");
        let s1 = unit_specs(&client, Value::string("S1")).await;
        assert_eq!(s1.get("name"), Some(&Value::string("S1")));
        assert_eq!(names(&s1), ["S1"]);
        let ty = OcpData::schema(&UnitSpecsDataSource)
            .block
            .attribute("unit_specs")
            .map(|a| a.computed);
        assert_eq!(ty, Some(true));
        assert_eq!(<UnitSpecsDataSource as OcpData>::ACTION, "List Unit Specs");
    }

    #[test]
    fn an_entry_type_has_the_attributes_the_entry_model_names() {
        #[derive(Serialize, Default)]
        struct Entry {
            id: i64,
            name: Option<String>,
        }
        let schema = Schema::new("s")
            .attr("id", Attr::int().computed().doc("i"))
            .attr("name", Attr::string().computed().doc("n"))
            .attr("secret", Attr::string().computed().doc("s"));
        let want = Type::object([("id", Type::Number), ("name", Type::String)]);
        assert_eq!(entry_type::<Entry>(&schema), want);
    }
}
