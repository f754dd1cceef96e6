//! Regions, IDCs and host types: the `ocp_region`, `ocp_idc` and `ocp_host_type` resources and
//! their single and list data sources.
//!
//! API: ocp-api.md §3.7 and §4.6. The three are named catalogue entries with the same life: OCP
//! creates and deletes them and has no modify call (the simulator answers 405 to PUT/PATCH),
//! so every configurable attribute forces replacement. One implementation serves all three,
//! parameterised by the client's [`Catalogue`]; what differs in Terraform is [`Spec`].

use crate::client::api::compute::{Catalogue, CatalogueEntry};
use crate::client::{ClientError, OcpClient};
use crate::framework::validate::{NotBlank, Text};
use crate::framework::{Attr, AttrPath, Schema};
use crate::lifecycle::data::ListData;
use crate::lifecycle::{
    attr_by_field, owned, Born, Call, Choice, Chooser, Found, ImportError, Imported, OcpObject,
    OneData, Selects, Step,
};
use crate::value::{Known, Type};
use serde::{Deserialize, Serialize};
use std::marker::PhantomData;

/// Which catalogue.
pub type Kind = Catalogue;

/// One catalogue entry, whatever its kind; also its model: the state of the resource, the
/// single data source, and one element of the list data source.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Entry {
    /// Null only in a plan, before OCP assigned it.
    id: Option<i64>,
    name: String,
    description: Option<String>,
    /// IDCs only: always `None` for the other kinds, whose schemas lack the attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region_id: Option<i64>,
    /// IDCs only, as `region_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    region_name: Option<String>,
    create_time: Option<String>,
    update_time: Option<String>,
}

/// The selector of the single data sources (and of `data "ocp_obproxy_cluster"`); unknown
/// while validating a configuration that takes it from another object.
#[derive(Deserialize)]
pub struct Selector {
    pub(super) id: Option<Known<i64>>,
    pub(super) name: Option<Known<String>>,
}

impl Selects for Selector {
    fn chosen(self) -> (Option<Known<i64>>, Option<Known<String>>) {
        (self.id, self.name)
    }
}

/// The argument of the list data sources (IDCs only; absent from the others' schemas and
/// state).
#[derive(Serialize, Deserialize)]
pub struct ListArgs {
    #[serde(skip_serializing_if = "Option::is_none")]
    region_id: Option<i64>,
}

impl From<CatalogueEntry> for Entry {
    fn from(e: CatalogueEntry) -> Entry {
        Entry {
            id: Some(e.id),
            name: e.name,
            description: e.description,
            region_id: e.region_id,
            region_name: e.region_name,
            create_time: e.create_time,
            update_time: e.update_time,
        }
    }
}

/// Host type names: OCP refuses hyphens (the OCP install script says so, §3.7).
fn no_hyphen() -> Text {
    let must_be = "a name without hyphens (OCP refuses them; use underscores)";
    Text::new("Invalid Host Type Name", must_be, |s| !s.contains('-'))
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

/// What a catalogue is called in Terraform: its types, words and attributes.
pub struct Spec {
    /// The resource and single data source, e.g. `ocp_region`.
    pub type_name: &'static str,
    /// The list data source, e.g. `ocp_regions`.
    pub list_type_name: &'static str,
    /// The list data source's attribute, e.g. `regions`.
    pub list_attr: &'static str,
    /// The title-case noun, e.g. `Region`.
    pub noun: &'static str,
    /// What reading one entry is called in an error's summary.
    pub read_action: &'static str,
    /// What listing the entries is called in an error's summary.
    pub list_action: &'static str,
    /// The resource's description.
    pub about: &'static str,
}

/// The [`Spec`] of each catalogue.
pub const fn spec(kind: Kind) -> Spec {
    match kind {
        Kind::Region => Spec {
            type_name: "ocp_region",
            list_type_name: "ocp_regions",
            list_attr: "regions",
            noun: "Region",
            read_action: "Read Region",
            list_action: "List Regions",
            about: "A region in OCP's infrastructure catalogue: the top level of where hosts live.",
        },
        Kind::Idc => Spec {
            type_name: "ocp_idc",
            list_type_name: "ocp_idcs",
            list_attr: "idcs",
            noun: "IDC",
            read_action: "Read IDC",
            list_action: "List IDCs",
            about: "An IDC (data center) of a region in OCP's infrastructure catalogue; zones and hosts are placed in IDCs.",
        },
        Kind::HostType => Spec {
            type_name: "ocp_host_type",
            list_type_name: "ocp_host_types",
            list_attr: "host_types",
            noun: "Host Type",
            read_action: "Read Host Type",
            list_action: "List Host Types",
            about: "A host type in OCP's catalogue, a label that groups hosts of one kind of machine.",
        },
    }
}

/// The entry OCP has under the id or the name `by` gives.
async fn find(kind: Kind, c: &OcpClient, by: Choice) -> Result<Option<Entry>, ClientError> {
    let found = match by {
        Choice::Id(id) => c.find_in_catalogue(kind, id).await?,
        Choice::Key(name) => c.find_in_catalogue_by_name(kind, &name).await?,
    };
    Ok(found.map(Entry::from))
}

/// A catalogue kind as a type, so that each kind is its own resource type.
pub trait CatalogueKind: Default + Send + Sync + 'static {
    /// The kind.
    const KIND: Kind;
}

/// `ocp_region`.
#[derive(Default)]
pub struct RegionKind;
/// `ocp_idc`.
#[derive(Default)]
pub struct IdcKind;
/// `ocp_host_type`.
#[derive(Default)]
pub struct HostTypeKind;

impl CatalogueKind for RegionKind {
    const KIND: Kind = Kind::Region;
}
impl CatalogueKind for IdcKind {
    const KIND: Kind = Kind::Idc;
}
impl CatalogueKind for HostTypeKind {
    const KIND: Kind = Kind::HostType;
}

/// The `ocp_region`, `ocp_idc` or `ocp_host_type` resource.
#[derive(Default)]
pub struct CatalogueResource<K>(PhantomData<K>);

impl<K: CatalogueKind> CatalogueResource<K> {
    /// The resource of kind `K`.
    pub fn new() -> Self {
        Self::default()
    }
}

/// The state for entry `e`, where `base_description` is the description of the plan or prior
/// state: OCP reports no description as null or "", so keep what the user wrote for "no
/// description".
fn state_from(mut e: Entry, base_description: Option<&str>) -> Entry {
    if base_description.is_none() && e.description.as_deref().is_none_or(str::is_empty) {
        e.description = None;
    }
    e
}

/// The attributes OCP reports of an entry, as every schema of `kind` has them (the resource's
/// computed ones, the data sources'): name, type, description. `region_*` are the IDC's.
fn reported(kind: Kind) -> impl Iterator<Item = (&'static str, Type, &'static str)> {
    [
        ("region_id", Type::Number, "OCP id of the IDC's region."),
        ("region_name", Type::String, "Name of the IDC's region."),
        ("create_time", Type::String, "When OCP created it."),
        ("update_time", Type::String, "When OCP last changed it."),
    ]
    .into_iter()
    .filter(move |(name, ..)| kind == Kind::Idc || !name.starts_with("region_"))
}

#[tonic::async_trait]
impl<K: CatalogueKind> OcpObject for CatalogueResource<K> {
    type Model = Entry;
    const TYPE_NAME: &'static str = spec(K::KIND).type_name;
    const NOUN: &'static str = spec(K::KIND).noun;

    fn schema(&self) -> Schema {
        let kind = K::KIND;
        let name = Attr::string()
            .required()
            .requires_replace()
            .validate(NotBlank)
            .validate(CATALOGUE_NAME);
        let name = if kind == Kind::HostType {
            name.validate(no_hyphen())
        } else {
            name
        };
        let about = spec(kind).about;
        let s = Schema::new(format!(
            "{about} OCP has no modify call for it, so changing any argument replaces it."
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
        reported(kind).fold(s, |s, (name, ty, doc)| {
            let a = match name {
                "region_id" => Attr::int().required().requires_replace().doc("OCP id of the IDC's region, e.g. `ocp_region.hz.id`. Changing it replaces the IDC."),
                _ => Attr::of(ty).computed().use_state_for_unknown().doc(doc),
            };
            s.attr(name, a)
        })
    }

    async fn create(&self, call: &mut Call<'_>, plan: &Entry) -> Step<Born<Entry>> {
        let kind = K::KIND;
        let description = plan.description.as_deref();
        let (name, region) = (&plan.name, plan.region_id);
        let created = (call.client).create_in_catalogue(kind, name, description, region);
        let existing = |e: CatalogueEntry| {
            let region = e.region_name.map(|r| format!(" in region {r:?}"));
            let noun = Self::NOUN.to_ascii_lowercase();
            let what = format!(
                "{noun} {:?} (OCP id {}){}",
                e.name,
                e.id,
                region.unwrap_or_default()
            );
            (what, e.id.to_string(), "name")
        };
        // Made by this create's unanswered POST: ours, if it is what was asked for.
        let fits = |e: &CatalogueEntry| kind != Kind::Idc || e.region_id == plan.region_id;
        let e = owned::<Self, _, _>(call.diags, created.await?, fits, existing)?;
        Ok(Born::done(state_from(
            e.unwrap_or_else(|e| e).into(),
            description,
        )))
    }

    async fn read(&self, client: &OcpClient, base: &Entry) -> Found<Entry> {
        let Some(id) = base.id else {
            return Ok(None);
        };
        let found = find(K::KIND, client, Choice::Id(id)).await?;
        Ok(found.map(|e| state_from(e, base.description.as_deref())))
    }

    async fn delete(&self, call: &mut Call<'_>, state: &Entry) -> Step {
        if let Some(id) = state.id {
            call.client.delete_from_catalogue(K::KIND, id).await?;
        }
        Ok(())
    }

    async fn import(&self, client: Option<&OcpClient>, id: &str) -> Imported<Entry> {
        let kind = K::KIND;
        let noun = Self::NOUN.to_lowercase();
        let forms = "Expected \"<id>\", \"<name>\", \"id:<id>\" or \"name:<name>\".";
        let key = import_key(id).map_err(|why| ImportError::Invalid(format!("{why}. {forms}")))?;
        let client = client.ok_or(ImportError::NoClient)?;
        let by_name = |n: &str| find(kind, client, Choice::Key(n.to_string()));
        let found = match key {
            ImportKey::Id(n) => find(kind, client, Choice::Id(n)).await?,
            ImportKey::Name(n) => by_name(n).await?,
            ImportKey::Either(n, name) => {
                match (
                    find(kind, client, Choice::Id(n)).await?,
                    by_name(name).await?,
                ) {
                    (Some(a), Some(b)) if a.id != b.id => {
                        return Err(ImportError::Ambiguous(format!("{id:?} is both the id of {noun} {:?} and the name of {noun} {} (id {}). Say which one: \"id:{id}\" or \"name:{id}\".", a.name, b.name, b.id.unwrap_or_default())));
                    }
                    (Some(a), _) => Some(a),
                    (None, b) => b,
                }
            }
        };
        match found {
            Some(e) => Ok(Entry {
                id: e.id,
                ..Entry::default()
            }),
            None => Err(ImportError::NotFound(format!(
                "OCP has no {noun} with id or name {id:?}. {forms}"
            ))),
        }
    }

    fn attr_of(&self, err: &ClientError, _plan: &Entry) -> Option<AttrPath> {
        // OCP's catalogue calls take only a name, a description and (IDCs) a region.
        let by_field = attr_by_field(
            err,
            &[("regionId", "region_id"), ("description", "description")],
        );
        by_field
            .filter(|p| K::KIND == Kind::Idc || *p != AttrPath::root("region_id"))
            .or_else(|| Some(AttrPath::root("name")))
    }
}

/// `data "ocp_region"`, `data "ocp_idc"`, `data "ocp_host_type"`: one entry by id or name.
#[derive(Default)]
pub struct CatalogueDataSource<K>(PhantomData<K>);

/// `data "ocp_regions"`, `data "ocp_idcs"`, `data "ocp_host_types"`: every entry.
#[derive(Default)]
pub struct CatalogueListDataSource<K>(PhantomData<K>);

#[tonic::async_trait]
impl<K: CatalogueKind> OneData for CatalogueDataSource<K> {
    type Config = Selector;
    type State = Entry;
    /// By `id`, or else by `name`.
    const CHOOSER: Chooser = {
        let spec = spec(K::KIND);
        let (noun, type_name, list) = (spec.noun, spec.type_name, spec.list_type_name);
        Chooser {
            noun,
            type_name,
            key: "name",
            list,
        }
    };
    const ACTION: &'static str = spec(K::KIND).read_action;

    fn schema(&self) -> Schema {
        let noun = spec(K::KIND).noun.to_lowercase();
        let chosen = |a: Attr, doc| a.optional().computed().doc(doc);
        let s = Schema::new(format!("Reads one {noun} by `id` or `name`."))
            .attr("id", chosen(Attr::int(), "OCP id. Set `id` or `name`."))
            .attr("name", chosen(Attr::string(), "Name. Set `id` or `name`."))
            .attr(
                "description",
                Attr::string().computed().doc("Free-text description."),
            );
        reported(K::KIND).fold(s, |s, (name, ty, doc)| {
            s.attr(name, Attr::of(ty).computed().doc(doc))
        })
    }

    async fn find(&self, client: &OcpClient, by: Choice) -> Step<Option<Entry>> {
        Ok(find(K::KIND, client, by).await?)
    }
}

#[tonic::async_trait]
impl<K: CatalogueKind> ListData for CatalogueListDataSource<K> {
    type Filter = ListArgs;
    type Entry = Entry;
    const NAMES: [&'static str; 3] = {
        let spec = spec(K::KIND);
        [spec.list_type_name, spec.list_action, spec.list_attr]
    };
    const LIST_DOC: &'static str = "The entries in OCP's order (by id), each with `id`, `name`, `description`, `create_time`, `update_time` (and `region_id`, `region_name` for IDCs).";

    fn filters(&self) -> Schema {
        let noun = spec(K::KIND).noun.to_lowercase();
        let s = Schema::new(format!("Lists every {noun} OCP knows."));
        if K::KIND == Kind::Idc {
            let only = Attr::int().optional().doc("Only IDCs of this region.");
            s.attr("region_id", only)
        } else {
            s
        }
    }

    /// Each element has the attributes of the single data source.
    fn entry(&self) -> Type {
        OneData::schema(&CatalogueDataSource::<K>::default())
            .value_type()
            .clone()
    }

    async fn fetch(&self, client: &OcpClient, _: &ListArgs) -> Step<Vec<Entry>> {
        let entries = client.list_catalogue(K::KIND).await?;
        Ok(entries.into_iter().map(Entry::from).collect())
    }

    fn keep(&self, args: &ListArgs, e: &Entry) -> bool {
        args.region_id.is_none() || e.region_id == args.region_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validate::Validator;
    use crate::framework::Diagnostics;
    use crate::lifecycle::data::Listed;
    use crate::lifecycle::{OcpData, One};
    use crate::value::Value;

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

    /// The schemas of kind `kind`: the resource's, the single and the list data source's.
    fn schemas(kind: Kind) -> [Schema; 3] {
        fn of<K: CatalogueKind>() -> [Schema; 3] {
            [
                CatalogueResource::<K>::new().schema(),
                CatalogueDataSource::<K>::default().schema(),
                CatalogueListDataSource::<K>::default().schema(),
            ]
        }
        match kind {
            Kind::Region => of::<RegionKind>(),
            Kind::Idc => of::<IdcKind>(),
            Kind::HostType => of::<HostTypeKind>(),
        }
    }

    #[test]
    fn the_models_fit_every_kinds_schemas() {
        use crate::framework::plan::strip_unknowns;
        use crate::value::{from_value, to_value};
        for kind in [Kind::Region, Kind::Idc, Kind::HostType] {
            let idc = kind == Kind::Idc;
            let e = Entry {
                id: Some(7),
                name: "n".into(),
                region_id: idc.then_some(1),
                region_name: idc.then(|| "r".to_string()),
                ..Entry::default()
            };
            let [resource, data, list_schema] = schemas(kind);
            let imported = Entry {
                id: Some(7),
                ..Entry::default()
            };
            for (what, got) in [
                ("resource", to_value(&e, resource.value_type())),
                ("import", to_value(&imported, resource.value_type())),
                ("data", to_value(&e, data.value_type())),
                (
                    "no region_name",
                    to_value(
                        &Entry {
                            region_name: None,
                            ..e.clone()
                        },
                        data.value_type(),
                    ),
                ),
            ] {
                let v = got.unwrap_or_else(|err| panic!("{kind:?} {what}: {err}"));
                let read = from_value::<Entry>(&v);
                assert!(read.is_ok_and(|s| s.id == Some(7)), "{kind:?} {what}");
            }
            let args = ListArgs {
                region_id: idc.then_some(1),
            };
            let m = Listed::new(args, spec(kind).list_attr, vec![e.clone()]);
            let v = to_value(&m, list_schema.value_type())
                .unwrap_or_else(|err| panic!("{kind:?} list: {err}"));
            assert_eq!(
                v.get(spec(kind).list_attr).map(|l| l.elements().len()),
                Some(1)
            );

            // A plan: what is known until apply reads as null (as the lifecycle reads it).
            let mut plan = resource.block.empty_value();
            if let Value::Object(attrs) = &mut plan {
                for (k, v) in attrs.iter_mut() {
                    *v = match k.as_str() {
                        "name" => Value::string("n"),
                        "region_id" => Value::from_i64(1),
                        _ => Value::Unknown,
                    };
                }
                attrs.insert("description".into(), Value::Null);
            }
            strip_unknowns(&mut plan);
            let args: Entry = from_value(&plan).unwrap_or_else(|err| panic!("{err}"));
            assert_eq!(
                (args.name.as_str(), args.region_id, args.id),
                ("n", idc.then_some(1), None)
            );
            let config = data.block.empty_value();
            assert!(
                from_value::<Selector>(&config).is_ok_and(|s| s.id.is_none() && s.name.is_none())
            );
            assert!(from_value::<ListArgs>(&list_schema.block.empty_value()).is_ok());
        }
    }

    #[test]
    fn an_unknown_selector_counts_as_set() {
        let ds = One(CatalogueDataSource::<RegionKind>::default());
        for (id, name, ok) in [
            (Value::Null, Value::Null, false),
            (Value::Unknown, Value::Null, true),
            (Value::Null, Value::Unknown, true),
            (Value::from_i64(1), Value::Null, true),
            (Value::Null, Value::string("hz"), true),
        ] {
            let mut config = ds.schema().block.empty_value();
            if let Value::Object(attrs) = &mut config {
                attrs.insert("id".into(), id.clone());
                attrs.insert("name".into(), name.clone());
            }
            let mut d = Diagnostics::new();
            ds.validate(&config, &mut d);
            assert_eq!(!d.has_errors(), ok, "{id:?} {name:?}");
        }
    }

    #[test]
    fn no_description_stays_as_the_user_wrote_it() {
        let with = |d: Option<&str>| Entry {
            description: d.map(String::from),
            ..Entry::default()
        };
        for (ocp, base, want) in [
            (None, None, None),
            (Some(""), None, None),
            (Some(""), Some(""), Some("")),
            (None, Some(""), None),
            (Some("x"), None, Some("x")),
            (Some("x"), Some("y"), Some("x")),
        ] {
            let got = state_from(with(ocp), base).description;
            assert_eq!(got.as_deref(), want, "{ocp:?} {base:?}");
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
