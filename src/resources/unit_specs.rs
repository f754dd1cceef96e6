//! The `ocp_unit_specs` data source (OCP's unit spec catalogue) and the plan check of the unit
//! specs a tenant names.
//!
//! API: `GET /api/v2/ob/unitSpecs`, every entry `{id, name, maxCpu, minCpu, maxMemory,
//! minMemory, description}` with memory in GB. ocp-api.md §5 #11 finds no OCP API for the
//! catalogue: the path and fields are the decision kept in `crate::client::api::tenant`
//! (`UNIT_SPECS`), shared with the simulator. The catalogue is OCP-wide, so a tenant's unit
//! specs are checked at plan time even when its cluster is created in the same apply.

use serde::{Deserialize, Serialize};

use crate::client::api::tenant::UnitSpec;
use crate::client::OcpClient;
use crate::framework::{
    read_model, Attr, AttrPath, Diagnostics, PlanRequest, PlanResponse, Schema,
};
use crate::lifecycle::data::{ByName, ListData};
use crate::lifecycle::Step;
use crate::value::{Known, Type};

/// One entry of `unit_specs`.
#[derive(Serialize)]
pub struct SpecEntry {
    name: String,
    max_cpu: Option<f64>,
    min_cpu: Option<f64>,
    max_memory_gb: Option<f64>,
    min_memory_gb: Option<f64>,
    description: Option<String>,
}

impl From<UnitSpec> for SpecEntry {
    fn from(u: UnitSpec) -> SpecEntry {
        SpecEntry {
            name: u.name,
            max_cpu: u.max_cpu,
            min_cpu: u.min_cpu,
            max_memory_gb: u.max_memory,
            min_memory_gb: u.min_memory,
            description: u.description,
        }
    }
}

/// `data "ocp_unit_specs"`: OCP's unit spec catalogue.
pub struct UnitSpecsDataSource;

#[tonic::async_trait]
impl ListData for UnitSpecsDataSource {
    type Filter = ByName;
    type Entry = SpecEntry;
    const NAMES: [&'static str; 3] = ["ocp_unit_specs", "List Unit Specs", "unit_specs"];
    const LIST_DOC: &'static str = "The unit specs by name, each with `name` (what a tenant's `zone.unit_spec` takes, such as `S1`), `max_cpu` and `min_cpu` (most and least CPU cores of a unit), `max_memory_gb` and `min_memory_gb` (most and least memory of a unit, GB) and `description` (OCP's, such as `2C8G`).";

    fn filters(&self) -> Schema {
        Schema::new("Lists OCP's unit specs: the CPU and memory each resource unit of a tenant gets, by the name a tenant's `zone.unit_spec` takes.\n\nOCP's API reference documents no call for this catalogue: the provider reads `GET /api/v2/ob/unitSpecs` (a decision, ocp-api.md §5 #11, which the bundled simulator serves). An OCP without that call answers \"not found\": this data source then fails, and tenant plans skip their unit-spec check (OCP still checks at apply).")
            .attr("name", Attr::string().optional().doc("Only the unit spec of this name (exact, as `zone.unit_spec` takes it)."))
    }

    /// One entry: a [`SpecEntry`] (its attributes are documented on `unit_specs`).
    fn entry(&self) -> Type {
        Type::object([
            ("name", Type::String),
            ("max_cpu", Type::Number),
            ("min_cpu", Type::Number),
            ("max_memory_gb", Type::Number),
            ("min_memory_gb", Type::Number),
            ("description", Type::String),
        ])
    }

    async fn fetch(&self, client: &OcpClient, _: &ByName) -> Step<Vec<SpecEntry>> {
        let mut list = client.list_unit_specs().await?;
        list.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(list.into_iter().map(SpecEntry::from).collect())
    }

    fn keep(&self, by: &ByName, u: &SpecEntry) -> bool {
        by.name.as_deref().is_none_or(|n| u.name == n)
    }
}

/// The `zone` blocks of a tenant's configuration as the check sees them.
#[derive(Deserialize)]
struct Zones {
    zone: Option<Known<Vec<Zone>>>,
}

#[derive(Deserialize)]
struct Zone {
    unit_spec: Option<Known<String>>,
}

/// Plan check of a tenant: every known `zone[i].unit_spec` must be in OCP's catalogue. A
/// catalogue OCP cannot give leaves the check to OCP at apply.
pub async fn check_plan(client: &OcpClient, req: &PlanRequest<'_>, resp: &mut PlanResponse) {
    let mut d = Diagnostics::new();
    let Some(zones) = read_model::<Zones>(req.config, &mut d)
        .and_then(|z| z.zone)
        .and_then(Known::known)
    else {
        return;
    };
    let named: Vec<(usize, String)> = zones
        .into_iter()
        .enumerate()
        .filter_map(|(i, z)| z.unit_spec.and_then(Known::known).map(|s| (i, s)))
        .collect();
    if named.is_empty() {
        return;
    }
    let specs = match client.list_unit_specs().await {
        Ok(s) => s,
        Err(e) => {
            log::warn!("unit spec catalogue unavailable at plan time, OCP checks at apply: {e}");
            return;
        }
    };
    let offered: Vec<&str> = specs.iter().map(|s| s.name.as_str()).collect();
    for (i, spec) in named {
        if !offered.contains(&spec.as_str()) {
            resp.diags.attr_error(
                AttrPath::root("zone").index(i).attr("unit_spec"),
                "Unknown Unit Spec",
                format!("OCP offers no unit spec named {spec:?}; it offers {}. `data \"ocp_unit_specs\"` lists them with their CPU and memory.", offered.join(", ")),
            );
        }
    }
}
