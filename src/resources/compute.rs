//! Regions, IDCs and host types: the `ocp_region`, `ocp_idc` and `ocp_host_type` resources and
//! their single and list data sources.
//!
//! API: ocp-api.md §3.7 and §4.6. The three are named catalogue entries with the same life: OCP
//! creates and deletes them and has no modify call (the simulator answers 405 to PUT/PATCH),
//! so every configurable attribute forces replacement. One implementation serves all three,
//! parameterised by [`Kind`].

use crate::client::api::compute::{HostType, Idc, Region};
use crate::client::{ClientError, Created, OcpClient};
use crate::framework::validate::{NotBlank, Validator};
use crate::framework::{
    Attr, AttrPath, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, Diagnostics, ImportResponse, ReadRequest,
    ReadResponse, Resource, Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::{refuse_existing, report, Existing};

/// Which catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `ocp_region`.
    Region,
    /// `ocp_idc`.
    Idc,
    /// `ocp_host_type`.
    HostType,
}

/// One catalogue entry, whatever its kind.
#[derive(Clone, Debug, Default)]
struct Entry {
    id: i64,
    name: String,
    description: Option<String>,
    region_id: Option<i64>,
    region_name: Option<String>,
    create_time: Option<String>,
    update_time: Option<String>,
}

impl From<Region> for Entry {
    fn from(r: Region) -> Entry {
        Entry {
            id: r.id,
            name: r.name,
            description: r.description,
            create_time: r.create_time,
            update_time: r.update_time,
            ..Entry::default()
        }
    }
}

impl From<Idc> for Entry {
    fn from(i: Idc) -> Entry {
        Entry {
            id: i.id,
            name: i.name,
            description: i.description,
            region_id: i.region_id,
            region_name: i.region_name,
            create_time: i.create_time,
            update_time: i.update_time,
        }
    }
}

impl From<HostType> for Entry {
    fn from(h: HostType) -> Entry {
        Entry {
            id: h.id,
            name: h.name,
            description: h.description,
            create_time: h.create_time,
            update_time: h.update_time,
            ..Entry::default()
        }
    }
}

/// Host type names: OCP refuses hyphens (the OCP install script says so, §3.7).
struct NoHyphen;

impl Validator for NoHyphen {
    fn description(&self) -> String {
        "without hyphens".into()
    }
    fn validate(&self, path: &AttrPath, v: &Value, diags: &mut Diagnostics) {
        if v.as_str().is_some_and(|s| s.contains('-')) {
            diags.attr_error(path.clone(), "Invalid Host Type Name", format!("Attribute {path} must not contain hyphens (OCP refuses them); use underscores."));
        }
    }
}

/// Catalogue names travel in paths and import ids: letters, digits, `_`, `-` and `.`, at most
/// 64 characters. The reference gives no rule (§3.7); this is the stricter choice, so a name
/// with `/`, spaces or other characters is refused at plan time rather than by OCP at apply.
const CATALOGUE_NAME: super::NameRule = super::NameRule {
    letter_first: false,
    punctuation: &['_', '-', '.'],
    summary: "Invalid Name",
};

/// How an import id names a catalogue entry: `id:<n>` or `name:<s>` say it outright; a bare
/// id of digits is looked up both ways (and must not match two entries); anything else is a
/// name.
#[derive(Debug, PartialEq, Eq)]
enum ImportKey<'a> {
    Id(i64),
    Name(&'a str),
    Either(i64, &'a str),
}

fn import_key(id: &str) -> Result<ImportKey<'_>, String> {
    if let Some(n) = id.strip_prefix("id:") {
        return n
            .parse()
            .map(ImportKey::Id)
            .map_err(|_| format!("\"id:\" must be followed by a number, got {id:?}"));
    }
    if let Some(n) = id.strip_prefix("name:") {
        return Ok(ImportKey::Name(n));
    }
    Ok(match id.parse() {
        Ok(n) => ImportKey::Either(n, id),
        Err(_) => ImportKey::Name(id),
    })
}

impl Kind {
    fn type_name(self) -> &'static str {
        match self {
            Kind::Region => "ocp_region",
            Kind::Idc => "ocp_idc",
            Kind::HostType => "ocp_host_type",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Region => "Region",
            Kind::Idc => "IDC",
            Kind::HostType => "Host Type",
        }
    }

    fn about(self) -> &'static str {
        match self {
            Kind::Region => "A region in OCP's infrastructure catalogue: the top level of where hosts live.",
            Kind::Idc => "An IDC (data center) of a region in OCP's infrastructure catalogue; zones and hosts are placed in IDCs.",
            Kind::HostType => "A host type in OCP's catalogue, a label that groups hosts of one kind of machine.",
        }
    }

    async fn find(self, c: &OcpClient, id: i64) -> Result<Option<Entry>, ClientError> {
        Ok(match self {
            Kind::Region => c.find_region(id).await?.map(Entry::from),
            Kind::Idc => c.find_idc(id).await?.map(Entry::from),
            Kind::HostType => c.find_host_type(id).await?.map(Entry::from),
        })
    }

    async fn find_by_name(self, c: &OcpClient, name: &str) -> Result<Option<Entry>, ClientError> {
        Ok(match self {
            Kind::Region => c.find_region_by_name(name).await?.map(Entry::from),
            Kind::Idc => c.find_idc_by_name(name).await?.map(Entry::from),
            Kind::HostType => c.find_host_type_by_name(name).await?.map(Entry::from),
        })
    }

    async fn list(self, c: &OcpClient) -> Result<Vec<Entry>, ClientError> {
        Ok(match self {
            Kind::Region => c
                .list_regions()
                .await?
                .into_iter()
                .map(Entry::from)
                .collect(),
            Kind::Idc => c.list_idcs().await?.into_iter().map(Entry::from).collect(),
            Kind::HostType => c
                .list_host_types()
                .await?
                .into_iter()
                .map(Entry::from)
                .collect(),
        })
    }

    async fn create(
        self,
        c: &OcpClient,
        name: &str,
        description: Option<&str>,
        region_id: Option<i64>,
    ) -> Result<Created<Entry, Entry>, ClientError> {
        fn entry<T: Into<Entry>>(c: Created<T, T>) -> Created<Entry, Entry> {
            match c {
                Created::New(v) => Created::New(v.into()),
                Created::Adopted(v) => Created::Adopted(v.into()),
                Created::Existing(v) => Created::Existing(v.into()),
            }
        }
        Ok(match self {
            Kind::Region => entry(c.create_region(name, description).await?),
            Kind::Idc => entry(
                c.create_idc(name, description, region_id.unwrap_or_default())
                    .await?,
            ),
            Kind::HostType => entry(c.create_host_type(name, description).await?),
        })
    }

    async fn delete(self, c: &OcpClient, id: i64) -> Result<bool, ClientError> {
        match self {
            Kind::Region => c.delete_region(id).await,
            Kind::Idc => c.delete_idc(id).await,
            Kind::HostType => c.delete_host_type(id).await,
        }
    }

    /// The attributes an entry reports, by name.
    fn fields(self, e: &Entry) -> Vec<(&'static str, Value)> {
        let mut f = vec![
            ("id", Value::from_i64(e.id)),
            ("name", Value::string(e.name.clone())),
            ("description", Value::opt_string(e.description.clone())),
            ("create_time", Value::opt_string(e.create_time.clone())),
            ("update_time", Value::opt_string(e.update_time.clone())),
        ];
        if self == Kind::Idc {
            f.push(("region_id", Value::opt_i64(e.region_id)));
            f.push(("region_name", Value::opt_string(e.region_name.clone())));
        }
        f
    }

    fn entry_type(self) -> Type {
        let mut attrs = vec![
            ("id", Type::Number),
            ("name", Type::String),
            ("description", Type::String),
            ("create_time", Type::String),
            ("update_time", Type::String),
        ];
        if self == Kind::Idc {
            attrs.push(("region_id", Type::Number));
            attrs.push(("region_name", Type::String));
        }
        Type::object(attrs)
    }
}

/// The `ocp_region`, `ocp_idc` or `ocp_host_type` resource.
pub struct CatalogueResource(pub Kind);

fn state_from(kind: Kind, e: &Entry, base: &Value) -> Value {
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    for (k, v) in kind.fields(e) {
        // OCP reports no description as null or "": keep what the user wrote for "no description".
        if k == "description"
            && v.as_str().is_none_or(str::is_empty)
            && base.get(k).is_none_or(Value::is_null)
        {
            s.set_attr(k, Value::Null);
            continue;
        }
        s.set_attr(k, v);
    }
    s
}

#[tonic::async_trait]
impl Resource for CatalogueResource {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        let kind = self.0;
        let name = Attr::string()
            .required()
            .requires_replace()
            .validate(NotBlank)
            .validate(CATALOGUE_NAME);
        let name = if kind == Kind::HostType {
            name.validate(NoHyphen)
        } else {
            name
        };
        let mut s = Schema::new(format!(
            "{} OCP has no modify call for it, so changing any argument replaces it.",
            kind.about()
        ))
        .attr(
            "id",
            Attr::int()
                .computed()
                .use_state_for_unknown()
                .doc("OCP id; also the import id (the name works too)."),
        )
        .attr(
            "name",
            name.doc("Name, unique in OCP. Changing it replaces the object."),
        )
        .attr(
            "description",
            Attr::string().optional().requires_replace().doc(
                "Free-text description. Changing it replaces the object (OCP cannot modify it).",
            ),
        );
        if kind == Kind::Idc {
            s = s
                .attr("region_id", Attr::int().required().requires_replace().doc("OCP id of the IDC's region, e.g. `ocp_region.hz.id`. Changing it replaces the IDC."))
                .attr("region_name", Attr::string().computed().use_state_for_unknown().doc("Name of the IDC's region."));
        }
        s.attr(
            "create_time",
            Attr::string()
                .computed()
                .use_state_for_unknown()
                .doc("When OCP created it."),
        )
        .attr(
            "update_time",
            Attr::string()
                .computed()
                .use_state_for_unknown()
                .doc("When OCP last changed it."),
        )
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let kind = self.0;
        let Some(name) = req.plan.get("name").and_then(Value::as_str) else {
            return;
        };
        let description = req.plan.get("description").and_then(Value::as_str);
        let region_id = req.plan.get("region_id").and_then(Value::as_i64);
        match kind.create(client, name, description, region_id).await {
            Ok(Created::New(e)) => resp.state = state_from(kind, &e, &req.plan),
            // Made by this create's unanswered POST: ours, if it is what was asked for.
            Ok(Created::Adopted(e)) if kind != Kind::Idc || e.region_id == region_id => {
                resp.state = state_from(kind, &e, &req.plan)
            }
            Ok(Created::Adopted(e) | Created::Existing(e)) => refuse_existing(
                &mut resp.diags,
                Existing {
                    type_name: kind.type_name(),
                    noun: kind.noun(),
                    what: format!(
                        "{} {:?} (OCP id {}){}",
                        kind.noun().to_ascii_lowercase(),
                        e.name,
                        e.id,
                        e.region_name
                            .as_deref()
                            .map(|r| format!(" in region {r:?}"))
                            .unwrap_or_default()
                    ),
                    import_id: e.id.to_string(),
                    attr: "name",
                },
            ),
            Err(e) => {
                let m = e.to_string().to_ascii_lowercase();
                let path = if m.contains("region") && kind == Kind::Idc {
                    "region_id"
                } else {
                    "name"
                };
                report(
                    &mut resp.diags,
                    &format!("Create {}", kind.noun()),
                    Some(AttrPath::root(path)),
                    &e,
                )
            }
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(id) = req.state.get("id").and_then(Value::as_i64) else {
            return;
        };
        match self.0.find(client, id).await {
            Ok(Some(e)) => resp.state = Some(state_from(self.0, &e, &req.state)),
            Ok(None) => resp.remove(),
            Err(e) => report(
                &mut resp.diags,
                &format!("Read {}", self.0.noun()),
                None,
                &e,
            ),
        }
    }

    async fn update(&self, _ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        // Every argument forces replacement, so an update only changes `timeouts`-like
        // configuration-only values; keep the plan.
        resp.state = req.plan;
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some(id) = req.state.get("id").and_then(Value::as_i64) else {
            return;
        };
        if let Err(e) = self.0.delete(client, id).await {
            report(
                &mut resp.diags,
                &format!("Delete {}", self.0.noun()),
                None,
                &e,
            );
        }
    }

    async fn import(&self, ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let key = match import_key(id) {
            Ok(k) => k,
            Err(why) => {
                return resp.diags.error(
                    "Invalid Import ID",
                    format!(
                        "{why}. Expected \"<id>\", \"<name>\", \"id:<id>\" or \"name:<name>\"."
                    ),
                )
            }
        };
        let found = match key {
            ImportKey::Id(n) => self.0.find(client, n).await,
            ImportKey::Name(n) => self.0.find_by_name(client, n).await,
            ImportKey::Either(n, name) => {
                let by_id = self.0.find(client, n).await;
                let by_name = self.0.find_by_name(client, name).await;
                match (by_id, by_name) {
                    (Ok(Some(a)), Ok(Some(b))) if a.id != b.id => {
                        let noun = self.0.noun().to_lowercase();
                        return resp.diags.error(
                            "Ambiguous Import ID",
                            format!("{id:?} is both the id of {noun} {:?} and the name of {noun} {} (id {}). Say which one: \"id:{id}\" or \"name:{id}\".", a.name, b.name, b.id),
                        );
                    }
                    (Ok(Some(a)), _) => Ok(Some(a)),
                    (Ok(None), b) => b,
                    (Err(e), _) => Err(e),
                }
            }
        };
        match found {
            Ok(Some(e)) => resp.state = Some(Value::object([("id", Value::from_i64(e.id))])),
            Ok(None) => resp.diags.error(
                "Cannot Import Non-Existent Object",
                format!(
                    "OCP has no {} with id or name {id:?}. Expected \"<id>\", \"<name>\", \"id:<id>\" or \"name:<name>\".",
                    self.0.noun().to_lowercase()
                ),
            ),
            Err(e) => report(
                &mut resp.diags,
                &format!("Import {}", self.0.noun()),
                None,
                &e,
            ),
        }
    }
}

/// `data "ocp_region"`, `data "ocp_idc"`, `data "ocp_host_type"`: one entry by id or name.
pub struct CatalogueDataSource(pub Kind);

#[tonic::async_trait]
impl DataSource for CatalogueDataSource {
    fn type_name(&self) -> &'static str {
        self.0.type_name()
    }

    fn schema(&self) -> Schema {
        let kind = self.0;
        let mut s = Schema::new(format!(
            "Reads one {} by `id` or `name`.",
            kind.noun().to_lowercase()
        ))
        .attr(
            "id",
            Attr::int()
                .optional()
                .computed()
                .doc("OCP id. Set `id` or `name`."),
        )
        .attr(
            "name",
            Attr::string()
                .optional()
                .computed()
                .doc("Name. Set `id` or `name`."),
        )
        .attr(
            "description",
            Attr::string().computed().doc("Free-text description."),
        );
        if kind == Kind::Idc {
            s = s
                .attr(
                    "region_id",
                    Attr::int().computed().doc("OCP id of the IDC's region."),
                )
                .attr(
                    "region_name",
                    Attr::string().computed().doc("Name of the IDC's region."),
                );
        }
        s.attr(
            "create_time",
            Attr::string().computed().doc("When OCP created it."),
        )
        .attr(
            "update_time",
            Attr::string().computed().doc("When OCP last changed it."),
        )
    }

    fn validate(&self, config: &Value, diags: &mut Diagnostics) {
        if config.get("id").is_none_or(Value::is_null)
            && config.get("name").is_none_or(Value::is_null)
        {
            diags.error(
                format!("Missing {} Selector", self.0.noun()),
                format!("Set `id` or `name` in data {:?}.", self.0.type_name()),
            );
        }
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (found, path) = match (
            req.config.get("id").and_then(Value::as_i64),
            req.config.get("name").and_then(Value::as_str),
        ) {
            (Some(id), _) => (self.0.find(client, id).await, "id"),
            (None, Some(n)) => (self.0.find_by_name(client, n).await, "name"),
            (None, None) => return,
        };
        match found {
            Ok(Some(e)) => resp.state = Value::object(self.0.fields(&e)),
            Ok(None) => resp.diags.attr_error(
                AttrPath::root(path),
                format!("{} Not Found", self.0.noun()),
                format!(
                    "OCP has no {} with that {path}.",
                    self.0.noun().to_lowercase()
                ),
            ),
            Err(e) => report(
                &mut resp.diags,
                &format!("Read {}", self.0.noun()),
                None,
                &e,
            ),
        }
    }
}

/// `data "ocp_regions"`, `data "ocp_idcs"`, `data "ocp_host_types"`: every entry.
pub struct CatalogueListDataSource(pub Kind);

impl CatalogueListDataSource {
    fn list_attr(&self) -> &'static str {
        match self.0 {
            Kind::Region => "regions",
            Kind::Idc => "idcs",
            Kind::HostType => "host_types",
        }
    }
}

#[tonic::async_trait]
impl DataSource for CatalogueListDataSource {
    fn type_name(&self) -> &'static str {
        match self.0 {
            Kind::Region => "ocp_regions",
            Kind::Idc => "ocp_idcs",
            Kind::HostType => "ocp_host_types",
        }
    }

    fn schema(&self) -> Schema {
        let s = Schema::new(format!(
            "Lists every {} OCP knows.",
            self.0.noun().to_lowercase()
        ));
        let s = if self.0 == Kind::Idc {
            s.attr(
                "region_id",
                Attr::int().optional().doc("Only IDCs of this region."),
            )
        } else {
            s
        };
        s.attr(self.list_attr(), Attr::list(self.0.entry_type()).computed().doc("The entries in OCP's order (by id), each with `id`, `name`, `description`, `create_time`, `update_time` (and `region_id`, `region_name` for IDCs)."))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let region = req.config.get("region_id").and_then(Value::as_i64);
        match self.0.list(client).await {
            Ok(list) => {
                let items = list
                    .iter()
                    .filter(|e| region.is_none() || e.region_id == region)
                    .map(|e| Value::object(self.0.fields(e)))
                    .collect();
                let mut s = req.config.clone();
                s.set_attr(self.list_attr(), Value::List(items));
                resp.state = s;
            }
            Err(e) => report(
                &mut resp.diags,
                &format!("List {}s", self.0.noun()),
                None,
                &e,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_an_entry_by_id_name_or_both() {
        let cases: &[(&str, Result<ImportKey<'_>, ()>)] = &[
            ("1005001", Ok(ImportKey::Either(1005001, "1005001"))),
            ("cn-shanghai", Ok(ImportKey::Name("cn-shanghai"))),
            ("id:1005001", Ok(ImportKey::Id(1005001))),
            ("name:1005001", Ok(ImportKey::Name("1005001"))),
            ("name:cn-shanghai", Ok(ImportKey::Name("cn-shanghai"))),
            ("id:cn", Err(())),
        ];
        for (id, want) in cases {
            assert_eq!(import_key(id).map_err(|_| ()), *want, "{id}");
        }
    }

    #[test]
    fn catalogue_names_refuse_what_cannot_travel_in_a_path() {
        for (name, ok) in [
            ("cn-hangzhou", true),
            ("ob_16c64g", true),
            ("hall.1", true),
            ("1005001", true),
            ("a/b", false),
            ("two words", false),
            ("ü", false),
            (&"x".repeat(65)[..], false),
        ] {
            let mut d = Diagnostics::new();
            CATALOGUE_NAME.validate(&AttrPath::root("name"), &Value::string(name), &mut d);
            assert_eq!(!d.has_errors(), ok, "{name:?}");
        }
    }
}
