//! The `ocp_database` resource and the `ocp_databases` data source (MySQL-mode tenants).
//! API: ocp-api.md §3.5 and §5 #14 (create, modify and delete paths are inferred there; all
//! synchronous). OCP can change a database's primary zone and read-only flag; the character
//! set and collation are fixed at creation.

use crate::client::api::db::{CreateDatabase, Database, ModifyDatabase};
use crate::client::Created;
use crate::framework::{
    Attr, AttrPath, CreateRequest, CreateResponse, Ctx, DataReadRequest, DataReadResponse,
    DataSource, DeleteRequest, DeleteResponse, ImportResponse, ReadRequest, ReadResponse, Resource,
    Schema, UpdateRequest, UpdateResponse,
};
use crate::value::{Type, Value};

use super::tenant::{ocp_primary_zone, same_primary_zone};
use super::{
    import_id, refuse_existing, report, tenant_attrs, tenant_of, Existing, DB_OBJECT_NAME,
};

const IMPORT_FORM: &str = "\"<cluster_id>/<tenant_id>/<database_name>\"";

/// The `ocp_database` resource.
pub struct DatabaseResource;

fn name_of(v: &Value) -> Option<&str> {
    v.get("name").and_then(Value::as_str)
}

fn state_from(db: &Database, base: &Value, cluster_id: i64, tenant_id: i64) -> Value {
    let mut s = base.clone();
    if !matches!(s, Value::Object(_)) {
        s = Value::object(Vec::<(String, Value)>::new());
    }
    s.set_attr(
        "id",
        Value::string(import_id::join(&[
            cluster_id.to_string(),
            tenant_id.to_string(),
            db.db_name.clone(),
        ])),
    );
    s.set_attr("cluster_id", Value::from_i64(cluster_id));
    s.set_attr("tenant_id", Value::from_i64(tenant_id));
    s.set_attr("name", Value::string(db.db_name.clone()));
    s.set_attr("charset", Value::opt_string(db.charset.clone()));
    s.set_attr("collation", Value::opt_string(db.collation.clone()));
    // OCP takes the primary zone without spaces; the user's spelling stays when it means the
    // same.
    let pz = match (
        db.primary_zone.as_deref(),
        base.get("primary_zone").and_then(Value::as_str),
    ) {
        (Some(ocp), Some(mine)) if same_primary_zone(ocp, mine) => Value::string(mine),
        _ => Value::opt_string(db.primary_zone.clone()),
    };
    s.set_attr("primary_zone", pz);
    s.set_attr("read_only", Value::Bool(db.readonly.unwrap_or(false)));
    s.set_attr("create_time", Value::opt_string(db.create_time.clone()));
    s
}

#[tonic::async_trait]
impl Resource for DatabaseResource {
    fn type_name(&self) -> &'static str {
        "ocp_database"
    }

    fn schema(&self) -> Schema {
        tenant_attrs(Schema::new("A database in a MySQL-mode tenant."), "database")
            .attr("id", Attr::string().computed().use_state_for_unknown().doc("`<cluster_id>/<tenant_id>/<name>`, also the import id."))
            .attr("name", Attr::string().required().requires_replace().validate(DB_OBJECT_NAME).doc("Database name: a letter followed by letters, digits or underscores, at most 64 characters. Changing it replaces the database."))
            .attr("charset", Attr::string().optional().computed().use_state_for_unknown().requires_replace().doc("Character set, such as `utf8mb4`. Default: the tenant's. Changing it replaces the database."))
            .attr("collation", Attr::string().optional().computed().use_state_for_unknown().requires_replace().doc("Collation of the character set, such as `utf8mb4_bin`. Default: the character set's default. Changing it replaces the database."))
            .attr("primary_zone", Attr::string().optional().computed().use_state_for_unknown().validate(super::PrimaryZoneSyntax).doc("Zone priority of the database's leaders, in the tenant's primary-zone syntax. Default: the tenant's. Changed in place."))
            .attr("read_only", Attr::bool().default(Value::Bool(false)).doc("Whether the database is read-only. Default `false`. Changed in place."))
            .attr("create_time", Attr::string().computed().use_state_for_unknown().doc("When the database was created (ISO-8601 with offset)."))
    }

    async fn create(&self, ctx: &Ctx, req: CreateRequest, resp: &mut CreateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((cluster_id, tenant_id)), Some(name)) =
            (tenant_of(&req.plan), name_of(&req.plan))
        else {
            return resp.diags.bug(
                "Unable to Create Database",
                "The plan lacks cluster_id, tenant_id or name.",
            );
        };
        let s = |a: &str| req.plan.get(a).and_then(Value::as_str).map(str::to_string);
        let body = CreateDatabase {
            db_name: name.to_string(),
            charset: s("charset"),
            collation: s("collation"),
            primary_zone: s("primary_zone").as_deref().map(ocp_primary_zone),
            readonly: req
                .plan
                .get("read_only")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        };
        let db = match client.create_database(cluster_id, tenant_id, &body).await {
            Ok(Created::New(db)) => db,
            Ok(Created::Adopted(db)) => {
                log::info!("adopting database {name}, made by this create's unanswered POST");
                db
            }
            Ok(Created::Existing(db)) => {
                return refuse_existing(
                    &mut resp.diags,
                    Existing {
                        type_name: "ocp_database",
                        noun: "Database",
                        what: format!(
                            "database {:?}{} in tenant {tenant_id} of cluster {cluster_id}",
                            db.db_name,
                            db.id.map(|i| format!(" (OCP id {i})")).unwrap_or_default()
                        ),
                        import_id: import_id::join(&[
                            cluster_id.to_string(),
                            tenant_id.to_string(),
                            db.db_name.clone(),
                        ]),
                        attr: "name",
                    },
                )
            }
            Err(e) => {
                let path = e
                    .to_string()
                    .to_ascii_lowercase()
                    .contains("name")
                    .then(|| AttrPath::root("name"));
                return report(&mut resp.diags, "Create Database", path, &e);
            }
        };
        resp.state = state_from(&db, &req.plan, cluster_id, tenant_id);
        // OCP's create answer may omit fields; the list is the source of truth (R4).
        match client.find_database(cluster_id, tenant_id, name).await {
            Ok(Some(db)) => resp.state = state_from(&db, &req.plan, cluster_id, tenant_id),
            Ok(None) => resp.diags.error(
                "Unable to Create Database",
                format!("Database {name:?} was not found right after OCP created it."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database After Create", None, &e),
        }
    }

    async fn read(&self, ctx: &Ctx, req: ReadRequest, resp: &mut ReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((cluster_id, tenant_id)), Some(name)) =
            (tenant_of(&req.state), name_of(&req.state))
        else {
            return;
        };
        match client.find_database(cluster_id, tenant_id, name).await {
            Ok(Some(db)) => resp.state = Some(state_from(&db, &req.state, cluster_id, tenant_id)),
            Ok(None) => resp.remove(),
            // A tenant that is gone takes its databases with it.
            Err(e) if e.is_not_found() => resp.remove(),
            Err(e) => report(&mut resp.diags, "Read Database", None, &e),
        }
    }

    async fn update(&self, ctx: &Ctx, req: UpdateRequest, resp: &mut UpdateResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((cluster_id, tenant_id)), Some(name)) =
            (tenant_of(&req.prior), name_of(&req.prior))
        else {
            return;
        };
        let changed = |a: &str| req.prior.get(a) != req.plan.get(a);
        let body = ModifyDatabase {
            primary_zone: changed("primary_zone")
                .then(|| {
                    req.plan
                        .get("primary_zone")
                        .and_then(Value::as_str)
                        .map(ocp_primary_zone)
                })
                .flatten(),
            readonly: changed("read_only")
                .then(|| req.plan.get("read_only").and_then(Value::as_bool))
                .flatten(),
        };
        if body.primary_zone.is_some() || body.readonly.is_some() {
            if let Err(e) = client
                .modify_database(cluster_id, tenant_id, name, &body)
                .await
            {
                return report(&mut resp.diags, "Update Database", None, &e);
            }
        }
        match client.find_database(cluster_id, tenant_id, name).await {
            Ok(Some(db)) => resp.state = state_from(&db, &req.plan, cluster_id, tenant_id),
            Ok(None) => resp.diags.error(
                "Unable to Update Database",
                format!("Database {name:?} disappeared during the update."),
            ),
            Err(e) => report(&mut resp.diags, "Read Database After Update", None, &e),
        }
    }

    async fn delete(&self, ctx: &Ctx, req: DeleteRequest, resp: &mut DeleteResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let (Some((cluster_id, tenant_id)), Some(name)) =
            (tenant_of(&req.state), name_of(&req.state))
        else {
            return;
        };
        match client.delete_database(cluster_id, tenant_id, name).await {
            Ok(_) => {}
            Err(e) if e.is_not_found() => {}
            Err(e) => report(&mut resp.diags, "Delete Database", None, &e),
        }
    }

    async fn import(&self, _ctx: &Ctx, id: &str, resp: &mut ImportResponse) {
        match import_id::tenant_scoped(id, IMPORT_FORM) {
            Ok((c, t, rest)) if rest.len() == 1 => {
                resp.state = Some(Value::object([
                    ("cluster_id", Value::from_i64(c)),
                    ("tenant_id", Value::from_i64(t)),
                    ("name", Value::string(rest[0].clone())),
                ]))
            }
            Ok(_) => resp.diags.error(
                "Invalid Import ID",
                format!(
                    "Expected an import id of the form {IMPORT_FORM}, got {id:?}: too many parts."
                ),
            ),
            Err(e) => resp.diags.error("Invalid Import ID", e),
        }
    }
}

/// `data "ocp_databases"`: the databases of a MySQL-mode tenant.
pub struct DatabasesDataSource;

#[tonic::async_trait]
impl DataSource for DatabasesDataSource {
    fn type_name(&self) -> &'static str {
        "ocp_databases"
    }

    fn schema(&self) -> Schema {
        let db = Type::object([
            ("name", Type::String),
            ("charset", Type::String),
            ("collation", Type::String),
            ("primary_zone", Type::String),
            ("read_only", Type::Bool),
            ("create_time", Type::String),
        ]);
        Schema::new("Lists the databases of a MySQL-mode tenant.")
            .attr("cluster_id", Attr::int().required().doc("OCP id of the cluster that hosts the tenant."))
            .attr("tenant_id", Attr::int().required().doc("OCP id of the tenant."))
            .attr("databases", Attr::list(db).computed().doc("The databases, by name: `name`, `charset`, `collation`, `primary_zone`, `read_only` and `create_time`."))
    }

    async fn read(&self, ctx: &Ctx, req: DataReadRequest, resp: &mut DataReadResponse) {
        let Some(client) = ctx.client(&mut resp.diags) else {
            return;
        };
        let Some((cluster_id, tenant_id)) = tenant_of(&req.config) else {
            return;
        };
        match client.list_databases(cluster_id, tenant_id).await {
            Ok(mut list) => {
                list.sort_by(|a, b| a.db_name.cmp(&b.db_name));
                let dbs = list
                    .iter()
                    .map(|d| {
                        Value::object([
                            ("name", Value::string(d.db_name.clone())),
                            ("charset", Value::opt_string(d.charset.clone())),
                            ("collation", Value::opt_string(d.collation.clone())),
                            ("primary_zone", Value::opt_string(d.primary_zone.clone())),
                            ("read_only", Value::opt_bool(d.readonly)),
                            ("create_time", Value::opt_string(d.create_time.clone())),
                        ])
                    })
                    .collect();
                let mut s = req.config.clone();
                s.set_attr("databases", Value::List(dbs));
                resp.state = s;
            }
            Err(e) => report(&mut resp.diags, "List Databases", None, &e),
        }
    }
}
