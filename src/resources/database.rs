//! The `ocp_database` resource and the `ocp_databases` data source (MySQL-mode tenants).
//! API: ocp-api.md §3.5 and §5 #14 (create, modify and delete paths are inferred there; all
//! synchronous). OCP can change a database's primary zone and read-only flag; the character
//! set and collation are fixed at creation.

use serde::{Deserialize, Serialize};

use crate::client::api::db::{ConnectionUrl, CreateDatabase, Database, ModifyDatabase};
use crate::client::OcpClient;
use crate::framework::{Attr, AttrPath, Diagnostics, Schema};
use crate::value::{Type, Value};

use super::tenant::{ocp_primary_zone, spelled_primary_zone};
use super::{tenant_attrs, tenant_selector, TenantKey, DB_OBJECT_NAME};
use crate::lifecycle::data::{entry_type, ListData};
use crate::lifecycle::import_id;
use crate::lifecycle::{
    owned, Born, Call, Change, Fail, Found, ImportError, Imported, OcpData, OcpObject, Step,
};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<database_name>\"";

/// The `connection_strings` attribute of `ocp_database`, `ocp_tenant` and their data sources:
/// computed from OCP's `connectionUrls` (§3.5), one [`ConnectionString`] each.
pub(crate) fn connection_strings_attr(of: &str) -> Attr {
    let one = Type::object([
        ("type", Type::String),
        ("host", Type::String),
        ("port", Type::Number),
        ("string", Type::String),
    ]);
    Attr::list(one).computed().doc(format!(
        "How clients connect to the {of}, from OCP's `connectionUrls`: each with `type` (`OBPROXY` or `DIRECT`), `host`, `port` and `string` (the client command line, which never holds a password). Use it to build an application's DSN in an output."
    ))
}

/// One element of `connection_strings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct ConnectionString {
    #[serde(rename = "type")]
    kind: Option<String>,
    host: Option<String>,
    port: Option<i64>,
    string: Option<String>,
}

/// OCP's `connectionUrls` as `connection_strings`, in OCP's order.
pub(crate) fn connection_strings(urls: &[ConnectionUrl]) -> Vec<ConnectionString> {
    urls.iter()
        .map(|u| ConnectionString {
            kind: u.connection_string_type.clone(),
            host: u.ob_proxy_address.clone(),
            port: u.ob_proxy_port,
            string: u.connection_string.clone(),
        })
        .collect()
}

/// The `ocp_database` resource.
pub struct DatabaseResource;

/// The model of `ocp_database`: state, plan and import alike; `entry` is what an entry of
/// `ocp_databases` shows.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DatabaseModel {
    id: Option<String>,
    cluster_id: i64,
    tenant_id: i64,
    #[serde(flatten)]
    entry: DatabaseEntry,
    connection_strings: Option<Vec<ConnectionString>>,
}

impl DatabaseModel {
    /// The tenant and the name.
    fn key(&self) -> ((i64, i64), &str) {
        ((self.cluster_id, self.tenant_id), &self.entry.name)
    }

    /// The model of what OCP has, over `base` (the user's spelling of the primary zone stays
    /// when it means the same as OCP's).
    fn from_ocp(db: Database, base: &DatabaseModel) -> DatabaseModel {
        let connection_strings = Some(connection_strings(&db.connection_urls));
        let mut entry = DatabaseEntry::from(db);
        entry.primary_zone =
            (entry.primary_zone.take()).map(|o| spelled_primary_zone(o, &base.entry.primary_zone));
        entry.read_only = Some(entry.read_only.unwrap_or(false));
        DatabaseModel {
            id: Some(import_id::in_tenant(base.key().0, &entry.name)),
            entry,
            connection_strings,
            ..base.clone()
        }
    }
}

#[tonic::async_trait]
impl OcpObject for DatabaseResource {
    type Model = DatabaseModel;
    const TYPE_NAME: &'static str = "ocp_database";
    const NOUN: &'static str = "Database";
    /// OCP's request fields and the attributes they come from, but those named like their
    /// attributes (see [`OcpObject::attr_of`] below).
    const FIELDS: &'static [(&'static str, &'static str)] =
        &[("dbName", "name"), ("readonly", "read_only")];

    fn schema(&self) -> Schema {
        tenant_attrs(Schema::new("A database in a MySQL-mode tenant."), "database")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>/<name>`, also the import id."))
            .attr("name", Attr::string().required().requires_replace().validate(DB_OBJECT_NAME).doc("Database name: a letter followed by letters, digits or underscores, at most 64 characters. Changing it replaces the database."))
            .attr("charset", Attr::string().optional().computed().use_state_for_unknown().requires_replace().doc("Character set, such as `utf8mb4`. Default: the tenant's. Changing it replaces the database."))
            .attr("collation", Attr::string().optional().computed().use_state_for_unknown().requires_replace().doc("Collation of the character set, such as `utf8mb4_bin`. Default: the character set's default. Changing it replaces the database."))
            .attr("primary_zone", Attr::string().optional().computed().use_state_for_unknown().validate(super::PrimaryZoneSyntax).doc("Zone priority of the database's leaders, in the tenant's primary-zone syntax. Default: the tenant's. Changed in place."))
            .attr("read_only", Attr::bool().default(Value::Bool(false)).doc("Whether the database is read-only. Default `false`. Changed in place."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the database was created (ISO-8601 with offset)."))
            .attr("connection_strings", connection_strings_attr("database"))
    }

    async fn create(&self, call: &mut Call<'_>, plan: &DatabaseModel) -> Step<Born<DatabaseModel>> {
        let (tenant @ (cluster_id, tenant_id), e) = (plan.key().0, &plan.entry);
        let body = CreateDatabase {
            db_name: e.name.clone(),
            charset: e.charset.clone(),
            collation: e.collation.clone(),
            primary_zone: e.primary_zone.as_deref().map(ocp_primary_zone),
            readonly: e.read_only.unwrap_or(false),
        };
        let created = call
            .client
            .create_database(cluster_id, tenant_id, &body)
            .await?;
        let existing = |db: Database| {
            let id = db.id.map(|i| format!(" (OCP id {i})")).unwrap_or_default();
            let what = format!(
                "database {:?}{id} in tenant {tenant_id} of cluster {cluster_id}",
                db.db_name
            );
            (what, import_id::in_tenant(tenant, &db.db_name), "name")
        };
        // New, or made by this create's unanswered POST (the client logs the adoption).
        let db = owned::<Self, _, _>(call.diags, created, |_| true, existing)?;
        Ok(Born::done(DatabaseModel::from_ocp(
            db.unwrap_or_else(|db| db),
            plan,
        )))
    }

    async fn read(&self, client: &OcpClient, base: &DatabaseModel) -> Found<DatabaseModel> {
        // OCP's create answer may omit fields; the list is the source of truth (R4).
        let ((c, t), name) = base.key();
        let db = client.find_database(c, t, name).await?;
        Ok(db.map(|db| DatabaseModel::from_ocp(db, base)))
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, DatabaseModel>) -> Step {
        let Change { prior, plan, .. } = c;
        let (((c, t), name), was, want) = (prior.key(), &prior.entry, &plan.entry);
        let body = ModifyDatabase {
            primary_zone: (was.primary_zone != want.primary_zone)
                .then(|| want.primary_zone.as_deref().map(ocp_primary_zone))
                .flatten(),
            readonly: (was.read_only != want.read_only).then_some(want.read_only.unwrap_or(false)),
        };
        if body.primary_zone.is_some() || body.readonly.is_some() {
            call.client.modify_database(c, t, name, &body).await?;
        }
        Ok(())
    }

    async fn delete(&self, call: &mut Call<'_>, state: &DatabaseModel) -> Step {
        let ((c, t), name) = state.key();
        call.client.delete_database(c, t, name).await?;
        Ok(())
    }

    async fn import(&self, _client: Option<&OcpClient>, id: &str) -> Imported<DatabaseModel> {
        let ((cluster_id, tenant_id), name) =
            import_id::named_in_tenant(id, IMPORT_FORM).map_err(ImportError::Invalid)?;
        let entry = DatabaseEntry {
            name,
            ..DatabaseEntry::default()
        };
        Ok(DatabaseModel {
            cluster_id,
            tenant_id,
            entry,
            ..DatabaseModel::default()
        })
    }
}

/// `data "ocp_database"`: one database of a MySQL-mode tenant, by name.
pub struct DatabaseDataSource;

#[tonic::async_trait]
impl OcpData for DatabaseDataSource {
    type Config = DatabaseModel;
    type State = DatabaseModel;
    const TYPE_NAME: &'static str = "ocp_database";
    const ACTION: &'static str = "Read Database";

    fn schema(&self) -> Schema {
        let resource = DatabaseResource.schema();
        let about =
            "Reads one database of a MySQL-mode tenant by name, with its connection strings.";
        // Everything the resource has but what names the database.
        let reported: Vec<&str> = (resource.block.attributes.iter())
            .map(|(n, _)| n.as_str())
            .filter(|n| !["cluster_id", "tenant_id", "name"].contains(n))
            .collect();
        tenant_selector(Schema::new(about))
            .attr(
                "name",
                Attr::string()
                    .required()
                    .validate(DB_OBJECT_NAME)
                    .doc("Database name (exact, case-sensitive)."),
            )
            .reported(&resource, &reported)
    }

    /// What the resource reads, by the configured tenant and name.
    async fn read(
        &self,
        client: &OcpClient,
        sel: DatabaseModel,
        diags: &mut Diagnostics,
    ) -> Step<DatabaseModel> {
        let found = DatabaseResource.read(client, &sel).await?;
        found.ok_or_else(|| {
            let ((c, t), name) = sel.key();
            let why = format!("Tenant {t} of cluster {c} has no database {name:?}; `data \"ocp_databases\"` lists them.");
            diags.attr_error(AttrPath::root("name"), "Database Not Found", why);
            Fail::Reported
        })
    }
}

/// `data "ocp_databases"`: the databases of a MySQL-mode tenant.
pub struct DatabasesDataSource;

/// One entry of `ocp_databases`: the attributes of `ocp_database` it names.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DatabaseEntry {
    name: String,
    charset: Option<String>,
    collation: Option<String>,
    primary_zone: Option<String>,
    read_only: Option<bool>,
    create_time: Option<String>,
}

impl From<Database> for DatabaseEntry {
    fn from(d: Database) -> DatabaseEntry {
        DatabaseEntry {
            name: d.db_name,
            charset: d.charset,
            collation: d.collation,
            primary_zone: d.primary_zone,
            read_only: d.readonly,
            create_time: d.create_time,
        }
    }
}

#[tonic::async_trait]
impl ListData for DatabasesDataSource {
    type Filter = TenantKey;
    type Entry = DatabaseEntry;
    const NAMES: [&'static str; 3] = ["ocp_databases", "List Databases", "databases"];
    const LIST_DOC: &'static str = "The databases, by name: `name`, `charset`, `collation`, `primary_zone`, `read_only` and `create_time`.";

    fn filters(&self) -> Schema {
        tenant_selector(Schema::new("Lists the databases of a MySQL-mode tenant."))
    }

    fn entry(&self) -> Type {
        entry_type::<DatabaseEntry>(&DatabaseResource.schema())
    }

    async fn fetch(&self, client: &OcpClient, t: &TenantKey) -> Step<Vec<DatabaseEntry>> {
        let mut list = client.list_databases(t.cluster_id, t.tenant_id).await?;
        list.sort_by(|a, b| a.db_name.cmp(&b.db_name));
        Ok(list.into_iter().map(DatabaseEntry::from).collect())
    }
}
