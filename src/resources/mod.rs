//! Resources and data sources, one file per OCP family, and the one list of all of them.

use std::sync::Arc;

use crate::framework::validate::NameRule;
use crate::framework::{Attr, AttrPath, DataSource, Diagnostics, Resource, Schema};
use crate::lifecycle::{Data, Managed, One};
use compute::{CatalogueDataSource, CatalogueListDataSource, CatalogueResource};
use compute::{HostTypeKind, IdcKind, RegionKind};

pub use crate::lifecycle::{refuse_existing, report};

pub mod backup;
pub mod cluster;
pub mod compute;
pub mod database;
pub mod db_grant;
pub mod db_role;
pub mod db_user;
pub mod host;
pub mod obproxy;
pub mod ownership;
pub mod parameters;
pub mod privileges;
pub mod restore;
pub mod tenant;
pub mod topology;
pub mod unit_specs;

#[cfg(test)]
mod unknown_tests;

/// Every managed resource type this provider serves.
pub fn all_resources() -> Vec<Arc<dyn Resource>> {
    vec![
        Arc::new(Managed(tenant::TenantResource)),
        Arc::new(Managed(database::DatabaseResource)),
        Arc::new(Managed(db_user::DbUserResource::default())),
        Arc::new(Managed(db_role::DbRoleResource::default())),
        Arc::new(Managed(db_grant::DbGrantResource)),
        Arc::new(Managed(backup::BackupPolicyResource)),
        Arc::new(Managed(CatalogueResource::<RegionKind>::new())),
        Arc::new(Managed(CatalogueResource::<IdcKind>::new())),
        Arc::new(Managed(CatalogueResource::<HostTypeKind>::new())),
        Arc::new(Managed(host::HostResource)),
        Arc::new(Managed(topology::ClusterResource)),
        Arc::new(Managed(topology::ZoneResource)),
        Arc::new(Managed(obproxy::ObproxyClusterResource)),
    ]
}

/// Every data source this provider serves.
pub fn all_data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(Data(One(cluster::ClusterDataSource))),
        Arc::new(Data(cluster::ClustersDataSource)),
        Arc::new(Data(tenant::TenantDataSource)),
        Arc::new(Data(tenant::TenantsDataSource)),
        Arc::new(Data(database::DatabaseDataSource)),
        Arc::new(Data(database::DatabasesDataSource)),
        Arc::new(Data(db_user::DbUserDataSource::default())),
        Arc::new(Data(db_user::DbUsersDataSource::default())),
        Arc::new(Data(db_role::DbRoleDataSource::default())),
        Arc::new(Data(db_role::DbRolesDataSource::default())),
        Arc::new(Data(restore::RestoreTasksDataSource)),
        Arc::new(Data(backup::BackupPolicyDataSource)),
        Arc::new(Data(backup::BackupTasksDataSource)),
        Arc::new(Data(One(CatalogueDataSource::<RegionKind>::default()))),
        Arc::new(Data(CatalogueListDataSource::<RegionKind>::default())),
        Arc::new(Data(One(CatalogueDataSource::<IdcKind>::default()))),
        Arc::new(Data(CatalogueListDataSource::<IdcKind>::default())),
        Arc::new(Data(One(CatalogueDataSource::<HostTypeKind>::default()))),
        Arc::new(Data(CatalogueListDataSource::<HostTypeKind>::default())),
        Arc::new(Data(One(host::HostDataSource))),
        Arc::new(Data(host::HostsDataSource)),
        Arc::new(Data(obproxy::ObproxyClusterDataSource)),
        Arc::new(Data(obproxy::ObproxyClustersDataSource)),
        Arc::new(Data(parameters::ClusterParametersDataSource::default())),
        Arc::new(Data(parameters::TenantParametersDataSource::default())),
        Arc::new(Data(unit_specs::UnitSpecsDataSource)),
    ]
}

/// Names of tenants, databases, users and roles: a letter followed by letters, digits or
/// underscores, at most 64 characters (the rule this provider and the simulator share).
pub const DB_OBJECT_NAME: NameRule = NameRule {
    letter_first: true,
    punctuation: &['_'],
    summary: "Invalid Name",
};

/// Whether a primary zone is OCP's `RANDOM` (leaders spread over every zone).
pub fn is_random_primary_zone(pz: &str) -> bool {
    pz.trim().eq_ignore_ascii_case("RANDOM")
}

/// OCP's primary-zone syntax (§3.4.1): `RANDOM`, or zone names where `,` separates zones of
/// equal priority and `;` lowers the priority (`zone1;zone2,zone3`). Refuses at plan time
/// what OCP refuses at apply: an empty string, an empty group (a leading, trailing or doubled
/// `;` or `,`), a zone named twice.
pub struct PrimaryZoneSyntax;

impl crate::framework::validate::Validator for PrimaryZoneSyntax {
    fn description(&self) -> String {
        "`RANDOM`, or zone names separated by `,` (equal priority) and `;` (lower priority), such as `zone1;zone2,zone3`".into()
    }
    fn validate(&self, path: &AttrPath, v: &crate::value::Value, diags: &mut Diagnostics) {
        let Some(s) = v.as_str() else { return };
        if let Some(why) = primary_zone_problem(s) {
            diags.attr_error(
                path.clone(),
                "Invalid Primary Zone",
                format!(
                    "Attribute {path} must be {}, got {s:?}: {why}.",
                    self.description()
                ),
            );
        }
    }
}

/// What makes `s` no primary zone OCP takes (see [`PrimaryZoneSyntax`]); `None` when it is one.
fn primary_zone_problem(s: &str) -> Option<String> {
    if is_random_primary_zone(s) {
        return None;
    }
    let mut seen = std::collections::BTreeSet::new();
    for zone in s.split([';', ',']).map(str::trim) {
        if zone.is_empty() {
            return Some(
                "it has an empty zone name (a leading, trailing or doubled `;` or `,`)".into(),
            );
        }
        if !zone
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Some(format!("{zone:?} is not a zone name"));
        }
        if !seen.insert(zone) {
            return Some(format!("it names zone {zone:?} twice"));
        }
    }
    None
}

/// The `cluster_id` and `tenant_id` attributes every in-tenant resource starts with.
pub fn tenant_attrs(s: Schema, what: &str) -> Schema {
    s.attr(
        "cluster_id",
        Attr::int().required().requires_replace().doc(format!(
            "OCP id of the cluster that hosts the tenant. Changing it replaces the {what}."
        )),
    )
    .attr(
        "tenant_id",
        Attr::int().required().requires_replace().doc(format!(
            "OCP id of the tenant, e.g. `ocp_tenant.app.id`. Changing it replaces the {what}."
        )),
    )
}

/// OCP's rejection of a request (HTTP 400 `ILLEGAL_ARGUMENT` with `message`), worded as the
/// simulator words it: the one stand-in the resources' unit tests use for an OCP refusal.
#[cfg(test)]
pub(crate) fn rejected(message: &str) -> crate::client::ClientError {
    crate::client::ClientError::Api {
        method: "POST",
        path: "/x".into(),
        http_status: 400,
        code: Some("ILLEGAL_ARGUMENT".into()),
        message: message.into(),
        trace_id: None,
    }
}

/// The tenant a list data source of objects in one tenant is given ([`tenant_selector`]'s
/// attributes), as its configuration and state hold it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct TenantKey {
    /// OCP id of the cluster.
    pub cluster_id: i64,
    /// OCP id of the tenant.
    pub tenant_id: i64,
}

/// The required `cluster_id` and `tenant_id` attributes a data source of objects in one tenant
/// starts with (the data-source side of [`tenant_attrs`]).
pub fn tenant_selector(s: Schema) -> Schema {
    s.attr(
        "cluster_id",
        Attr::int()
            .required()
            .doc("OCP id of the cluster that hosts the tenant."),
    )
    .attr(
        "tenant_id",
        Attr::int().required().doc("OCP id of the tenant."),
    )
}

/// `deletion_protection` (an attribute of this provider, never sent to OCP): while it is
/// `true`, the object `name` of resource `O` is not deleted, and the error says how to
/// delete it. Called from [`crate::lifecycle::OcpObject::check_delete`].
pub fn refuse_protected<O: crate::lifecycle::OcpObject>(
    protection: Option<bool>,
    name: &str,
    diags: &mut Diagnostics,
) {
    if protection == Some(true) {
        let noun = O::NOUN.to_lowercase();
        diags.attr_error(
            AttrPath::root("deletion_protection"),
            format!("{} Is Protected From Deletion", O::NOUN),
            format!("{} {name:?} has deletion_protection = true. Set it to false and apply before destroying or replacing the {noun}.", O::NOUN),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Schema;

    #[test]
    fn a_rejection_names_the_field_of_its_message() {
        let e = rejected("invalid zones[0].name: taken");
        assert_eq!(e.field().map(|f| f.leaf().to_string()), Some("name".into()));
        assert!(e.summary_detail().1.contains("ILLEGAL_ARGUMENT"));
    }

    #[test]
    fn a_tenant_selector_requires_the_cluster_and_the_tenant() {
        let s = super::tenant_selector(Schema::new("x"));
        for name in ["cluster_id", "tenant_id"] {
            let a = s.block.attribute(name).unwrap();
            assert!(a.required && !a.computed && !a.requires_replace, "{name}");
            assert!(!a.description.is_empty(), "{name}");
        }
    }

    #[test]
    fn only_a_protected_object_is_refused_on_its_attribute() {
        let mut d = Diagnostics::new();
        refuse_protected::<tenant::TenantResource>(Some(false), "app", &mut d);
        refuse_protected::<tenant::TenantResource>(None, "app", &mut d);
        assert!(d.is_empty(), "{d:?}");
        refuse_protected::<tenant::TenantResource>(Some(true), "app", &mut d);
        assert_eq!(d.0[0].summary, "Tenant Is Protected From Deletion");
        assert_eq!(d.0[0].path, Some(AttrPath::root("deletion_protection")));
        assert!(d.0[0]
            .detail
            .contains("Tenant \"app\" has deletion_protection = true"));
        assert!(d.0[0].detail.ends_with("replacing the tenant."), "{d:?}");
    }
}

// ---- primary zones as OCP writes and compares them (tenants, databases) ----

/// A primary zone as OCP takes it: zone names joined by `,` and `;` without spaces (users may
/// write `zone1; zone2`; state keeps their spelling, see [`same_primary_zone`]).
pub fn ocp_primary_zone(pz: &str) -> String {
    pz.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The zones of a primary-zone string by priority, spacing and empty groups aside:
/// `zone1;zone2,zone3` is `{zone1}`, then `{zone2, zone3}`.
pub fn primary_zone_groups(pz: &str) -> Vec<std::collections::BTreeSet<&str>> {
    pz.split(';')
        .map(|g| {
            g.split(',')
                .map(str::trim)
                .filter(|z| !z.is_empty())
                .collect()
        })
        .filter(|g: &std::collections::BTreeSet<&str>| !g.is_empty())
        .collect()
}

/// Whether two primary-zone strings say the same thing (spacing aside).
pub fn same_primary_zone(a: &str, b: &str) -> bool {
    primary_zone_groups(a) == primary_zone_groups(b)
}

/// The primary zone state records for OCP's `ocp`: the user's spelling (`mine`) when it says
/// the same, else OCP's.
pub fn spelled_primary_zone(ocp: String, mine: &Option<String>) -> String {
    match mine {
        Some(m) if same_primary_zone(m, &ocp) => m.clone(),
        _ => ocp,
    }
}

#[cfg(test)]
mod primary_zone_tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn primary_zones_compare_by_meaning() {
        assert_eq!(
            ocp_primary_zone(" zone1; zone2 , zone3"),
            "zone1;zone2,zone3"
        );
        assert!(same_primary_zone("zone1;zone2,zone3", "zone1; zone3,zone2"));
        assert!(!same_primary_zone("zone1;zone2", "zone2;zone1"));
        assert!(same_primary_zone("zone1;", "zone1"));
        assert!(same_primary_zone("zone1;;zone2", "zone1;zone2"));
        assert_eq!(
            primary_zone_groups("zone1;zone2,zone3"),
            vec![
                BTreeSet::from(["zone1"]),
                BTreeSet::from(["zone2", "zone3"])
            ]
        );
    }
}
