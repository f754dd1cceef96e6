//! Issue #14: every attribute that config can set at create is honoured at create, or refused
//! before OCP makes anything, so "Provider produced inconsistent result" and taint loops are
//! unreachable from config.

use crate::support::*;

const PW: &str = "Tenant_Pa55-word";

fn plan_exit(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

/// Issue #14 case 3: `locked = true` at create. OCP's create-tenant body has no lock field
/// (ocp-api.md §3.4.1), so the provider locks the tenant after the create task: the apply
/// succeeds, OCP's tenant is locked, nothing is tainted and the next plan is empty.
#[test]
fn a_tenant_locked_at_create_is_locked_in_ocp_and_plans_empty() {
    let sim = start_sim(0.05);
    let tf = TfProject::new()
        .file(
            "main.tf",
            &format!(
                r#"{REQUIRED_PROVIDERS}
resource "ocp_tenant" "t" {{
  cluster_id    = 1000001
  name          = "locked_at_create"
  root_password = "{PW}"
  locked        = true
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
}}
"#
            ),
        )
        .with_sim(&sim);
    tf.init();
    let r = tf.apply();
    assert!(r.ok, "apply with locked = true must succeed:\n{}", r.all());
    assert!(!is_tainted(&tf, "ocp_tenant.t"));
    let id = state_values(&tf, "ocp_tenant.t")["id"].as_i64().unwrap();
    let t = ocp_call(
        &sim,
        "GET",
        &format!("/api/v2/ob/clusters/1000001/tenants/{id}"),
        None,
    );
    assert_eq!(t["locked"], true, "OCP's tenant is locked: {t}");
    assert_eq!(state_values(&tf, "ocp_tenant.t")["locked"], true);
    let (code, out) = plan_exit(&tf);
    assert_eq!(code, Some(0), "empty plan after the create:\n{out}");
    assert_eq!(
        route_count(&sim, "POST /api/v2/ob/clusters/{id}/tenants/createTenant"),
        1,
        "one create, no delete/re-create cycle"
    );
}
