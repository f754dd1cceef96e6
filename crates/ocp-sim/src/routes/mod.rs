//! `/api/v2` route families and the `/_sim` admin API.
//!
//! Every route is declared in one table, [`api`]; the handlers of each family live in its own
//! file and are thin: they parse the request, call the family's rules in `crate::domain` and
//! render the answer ([`answer`]).

use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::domain::Reply;
use crate::envelope::{Api, ApiResult};
use crate::shared::SharedState;

pub mod admin;
pub mod backup;
pub mod clusters;
pub mod compute;
pub mod db_objects;
pub mod obproxy;
pub mod parameters;
pub mod restore;
pub mod system;
pub mod tasks;
pub mod tenants;

/// Every `/api/v2` route, one table: path, methods, handler. OCP's alternate spelling
/// `/api/v2/ob/cluster/...` (singular, used by one documentation page) is routed where the
/// reference shows it.
pub fn api() -> Router<SharedState> {
    let r = Router::new()
        // System (§1.4)
        .route("/api/v2/time", get(system::time))
        .route("/api/v2/info", get(system::info))
        // Clusters, zones, OBServers (§3.1–§3.3)
        .route(
            "/api/v2/ob/clusters",
            get(clusters::list_clusters).post(clusters::create_cluster),
        )
        .route(
            "/api/v2/ob/clusters/{id}",
            get(clusters::get_cluster).delete(clusters::delete_cluster),
        )
        .route(
            "/api/v2/ob/clusters/{id}/start",
            post(clusters::start_cluster),
        )
        .route(
            "/api/v2/ob/clusters/{id}/stop",
            post(clusters::stop_cluster),
        )
        .route(
            "/api/v2/ob/clusters/{id}/restart",
            post(clusters::restart_cluster),
        )
        .route(
            "/api/v2/ob/clusters/{id}/changePassword",
            post(clusters::change_password),
        )
        .route("/api/v2/ob/clusters/{id}/upgrade", post(clusters::upgrade))
        .route(
            "/api/v2/ob/clusters/{id}/zones",
            get(clusters::list_zones).post(clusters::add_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}",
            delete(clusters::delete_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/servers",
            get(clusters::list_zone_servers),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/start",
            post(clusters::start_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/stop",
            post(clusters::stop_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/zones/{zone}/restart",
            post(clusters::restart_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/servers",
            get(clusters::list_servers).post(clusters::add_servers),
        )
        .route(
            "/api/v2/ob/clusters/{id}/servers/batchDelete",
            post(clusters::batch_delete_servers),
        )
        // Cluster and tenant parameters (§3.1, §3.4)
        .route(
            "/api/v2/ob/clusters/parameterInfo",
            get(parameters::cluster_parameter_info),
        )
        .route(
            "/api/v2/ob/tenants/parameterInfo",
            get(parameters::tenant_parameter_info),
        )
        .route(
            "/api/v2/ob/clusters/{id}/parameters",
            get(parameters::list_cluster_parameters).put(parameters::modify_cluster_parameters),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/parameters",
            get(parameters::list_tenant_parameters).put(parameters::modify_tenant_parameters),
        )
        // Tenants (§3.4) and the unit spec catalogue (§5 #11)
        .route("/api/v2/ob/tenants", get(tenants::list_all_tenants))
        .route("/api/v2/ob/unitSpecs", get(tenants::list_unit_specs))
        .route(
            "/api/v2/ob/clusters/{id}/tenants",
            get(tenants::list_cluster_tenants).post(tenants::create_tenant),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/createTenant",
            post(tenants::create_tenant),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}",
            get(tenants::get_tenant).delete(tenants::delete_tenant),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/modifyWhitelist",
            post(tenants::modify_whitelist),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/modifyPrimaryZone",
            post(tenants::modify_primary_zone),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/changePassword",
            post(tenants::change_password),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/lock",
            post(tenants::lock_tenant),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/unlock",
            post(tenants::unlock_tenant),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/addReplica",
            post(tenants::add_replica),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/deleteReplica",
            post(tenants::delete_replica),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/modifyReplica",
            post(tenants::modify_replica),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/units",
            get(tenants::list_units),
        )
        .route(
            "/api/v2/ob/cluster/{id}/tenants/{tid}/units",
            get(tenants::list_units),
        )
        // Databases, OB users, roles and privileges of a tenant (§3.5, §3.6)
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/users",
            get(db_objects::list_users).post(db_objects::create_user),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/users/{name}",
            get(db_objects::get_user).delete(db_objects::delete_user),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/users/{name}/{action}",
            post(db_objects::user_action),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/roles",
            get(db_objects::list_roles).post(db_objects::create_role),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/roles/{name}",
            get(db_objects::get_role).delete(db_objects::delete_role),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/roles/{name}/{action}",
            post(db_objects::role_action),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/objects",
            get(db_objects::list_objects),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/databases",
            get(db_objects::list_databases).post(db_objects::create_database),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/databases/{name}",
            put(db_objects::modify_database).delete(db_objects::delete_database),
        )
        // Compute: regions, IDCs, host types, hosts, credentials, packages (§3.1, §3.7)
        .route(
            "/api/v2/compute/regions",
            get(compute::list_regions).post(compute::create_region),
        )
        .route(
            "/api/v2/compute/regions/{id}",
            get(compute::get_region).delete(compute::delete_region),
        )
        .route(
            "/api/v2/compute/idcs",
            get(compute::list_idcs).post(compute::create_idc),
        )
        .route(
            "/api/v2/compute/idcs/{id}",
            get(compute::get_idc).delete(compute::delete_idc),
        )
        .route(
            "/api/v2/compute/hostTypes",
            get(compute::list_host_types).post(compute::create_host_type),
        )
        .route(
            "/api/v2/compute/hostTypes/{id}",
            get(compute::get_host_type).delete(compute::delete_host_type),
        )
        .route("/api/v2/compute/hosts", get(compute::list_hosts))
        .route(
            "/api/v2/compute/hosts/batchCreate",
            post(compute::batch_create_hosts),
        )
        .route(
            "/api/v2/compute/hosts/{id}",
            get(compute::get_host).delete(compute::delete_host),
        )
        .route(
            "/api/v2/profiles/me/credentials",
            get(compute::list_credentials).post(compute::create_credential),
        )
        .route(
            "/api/v2/profiles/me/credentials/{id}",
            delete(compute::delete_credential),
        )
        .route("/api/v2/software-packages", get(compute::list_packages))
        // OBProxy clusters (docs/ocp-api-obproxy.md)
        .route(
            "/api/v2/obproxy/clusters",
            get(obproxy::list_clusters).post(obproxy::create_cluster),
        )
        .route(
            "/api/v2/obproxy/clusters/{id}",
            get(obproxy::get_cluster).delete(obproxy::delete_cluster),
        )
        .route(
            "/api/v2/obproxy/clusters/{id}/obproxies/batchAdd",
            post(obproxy::add_proxies),
        )
        .route(
            "/api/v2/obproxy/clusters/{id}/servers/delete",
            post(obproxy::delete_proxies),
        )
        .route(
            "/api/v2/obproxy/clusters/{id}/obLinks/batchAdd",
            post(obproxy::add_links),
        )
        .route(
            "/api/v2/obproxy/clusters/{id}/obLinks/{name}",
            delete(obproxy::delete_link),
        )
        .route(
            "/api/v2/obproxy/clusters/{id}/parameters",
            get(obproxy::list_parameters).put(obproxy::update_parameters),
        )
        .route(
            "/api/v2/obproxy/parameterInfo",
            get(obproxy::parameter_info),
        )
        // Tasks (§2.4)
        .route("/api/v2/tasks/instances", get(tasks::list_tasks))
        .route("/api/v2/tasks/instances/{id}", get(tasks::get_task))
        .route(
            "/api/v2/tasks/instances/{id}/retry",
            post(tasks::retry_task),
        )
        .route(
            "/api/v2/tasks/instances/{id}/rollback",
            post(tasks::rollback_task),
        )
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/retry",
            post(tasks::retry_subtask),
        )
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/skip",
            post(tasks::skip_subtask),
        )
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/cancel",
            post(tasks::cancel_subtask),
        )
        .route(
            "/api/v2/tasks/instances/{id}/subtasks/{sid}/log",
            get(tasks::subtask_log),
        )
        // Restore (§3.8.1) and the restore task lists
        .route(
            "/api/v2/ob/clusters/{id}/backup/restore",
            post(restore::restore),
        )
        .route(
            "/api/v2/ob/clusters/{id}/backup/task/restoreTasks",
            get(restore::restore_tasks),
        )
        .route(
            "/api/v2/ob/clusters/{id}/tenants/{tid}/backup/task/restoreTasks",
            get(restore::restore_tasks),
        );
    // Backup (§3.8): the same routes for a tenant and for a cluster.
    [
        "/api/v2/ob/clusters/{id}/tenants/{tid}/backup",
        "/api/v2/ob/clusters/{id}/backup",
    ]
    .into_iter()
    .fold(r, |r, base| {
        r.route(
            &format!("{base}/config/backupStrategy"),
            get(backup::get_strategy)
                .post(backup::create_strategy)
                .patch(backup::modify_strategy)
                .delete(backup::delete_strategy),
        )
        .route(
            &format!("{base}/config/backupStrategy/startSchedule"),
            post(backup::start_schedule),
        )
        .route(
            &format!("{base}/config/backupStrategy/stopSchedule"),
            post(backup::stop_schedule),
        )
        .route(&format!("{base}/backupNow"), post(backup::backup_now))
        .route(
            &format!("{base}/task/dataBackupTasks"),
            get(backup::data_tasks),
        )
        .route(
            &format!("{base}/task/logBackupTasks"),
            get(backup::log_tasks),
        )
    })
}

/// Render what a domain rule answered: its `data` in the success envelope, or its error.
pub(crate) fn answer(reply: Reply) -> ApiResult {
    reply.map(|data| Api { data })
}
