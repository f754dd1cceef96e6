//! Issue #14: every attribute that config can set at create is honoured at create, or refused
//! before OCP makes anything. For every resource, a table of rows sets each optional argument
//! to a non-default value; real Terraform applies them, and the next plan must be empty
//! (`terraform plan -detailed-exitcode` exits 0) with nothing tainted. Rows OCP cannot honour
//! must fail with an error on the attribute and leave nothing in state, so neither "Provider
//! produced inconsistent result" nor a delete/re-create cycle is reachable from config.

use crate::support::*;

/// What a row must lead to.
enum Expect {
    /// Apply succeeds, nothing is tainted, and the next plan is empty.
    Honoured,
    /// `terraform apply` fails, at plan time or before OCP makes anything, with an error on
    /// the attribute `attr` whose text contains `says`; nothing is in state, so nothing is
    /// tainted and no later apply enters a delete/re-create cycle.
    Refused {
        attr: &'static str,
        says: &'static str,
    },
}

/// One table row: a resource type, the configuration (its address is `<resource>.<name>`),
/// and the expectation.
struct Row {
    resource: &'static str,
    name: &'static str,
    hcl: String,
    expect: Expect,
}

impl Row {
    fn address(&self) -> String {
        format!("{}.{}", self.resource, self.name)
    }
}

fn honoured(resource: &'static str, name: &'static str, body: &str) -> Row {
    Row {
        resource,
        name,
        hcl: format!("resource \"{resource}\" \"{name}\" {{\n{body}\n}}\n"),
        expect: Expect::Honoured,
    }
}

fn refused(
    resource: &'static str,
    name: &'static str,
    body: &str,
    attr: &'static str,
    says: &'static str,
) -> Row {
    Row {
        expect: Expect::Refused { attr, says },
        ..honoured(resource, name, body)
    }
}

fn plan_exit(tf: &TfProject) -> (Option<i32>, String) {
    let r = tf.run(&["plan", "-no-color", "-detailed-exitcode"]);
    (r.code, r.all())
}

/// Applies every `Honoured` row of `rows` in one project on `sim` (`extra` holds shared data
/// sources), then checks each row: not tainted, not in the next plan. `Refused` rows each get
/// a project of their own (with `extra`) whose plan must fail on the attribute. Collects every
/// failing row before panicking, so one run shows the whole table.
fn run_rows(sim: &ocp_sim::Sim, extra: &str, rows: &[Row]) {
    let mut failures = Vec::new();
    let hcl: String = rows
        .iter()
        .filter(|r| matches!(r.expect, Expect::Honoured))
        .map(|r| r.hcl.as_str())
        .collect();
    let tf = TfProject::new()
        .file("main.tf", &format!("{REQUIRED_PROVIDERS}\n{extra}\n{hcl}"))
        .with_sim(sim);
    tf.init();
    let applied = tf.apply();
    if !applied.ok {
        failures.push(format!("apply failed:\n{}", applied.all()));
    }
    let (code, plan) = plan_exit(&tf);
    for row in rows.iter().filter(|r| matches!(r.expect, Expect::Honoured)) {
        let addr = row.address();
        if is_tainted(&tf, &addr) {
            failures.push(format!("{addr}: tainted after the create"));
        }
        let planned = ["will be", "must be", "is tainted"]
            .iter()
            .any(|w| plan.contains(&format!("# {addr} {w}")));
        if code != Some(0) && planned {
            failures.push(format!("{addr}: the plan after the create is not empty"));
        }
        if state_values(&tf, &addr).is_null() {
            failures.push(format!("{addr}: not in state after apply"));
        }
    }
    if code != Some(0) {
        failures.push(format!("plan after apply exited {code:?}:\n{plan}"));
    }
    for row in rows {
        let Expect::Refused { attr, says } = row.expect else {
            continue;
        };
        let tf = TfProject::new()
            .file(
                "main.tf",
                &format!("{REQUIRED_PROVIDERS}\n{extra}\n{}", row.hcl),
            )
            .with_sim(sim);
        tf.init();
        let r = tf.apply();
        let out = r.all();
        // Terraform wraps diagnostic text: compare with single spaces.
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        let addr = row.address();
        if r.ok {
            failures.push(format!(
                "{addr}: apply accepted what must be refused:\n{out}"
            ));
        } else if !out.contains(&format!("with {addr},"))
            || !out.contains(attr)
            || !flat.contains(says)
        {
            failures.push(format!(
                "{addr}: the error must be on {attr} and say {says:?}:\n{out}"
            ));
        }
        if !state_values(&tf, &addr).is_null() {
            failures.push(format!("{addr}: in state after a refused create"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

const PW: &str = "Tenant_Pa55-word";

/// Catalogue, host, cluster and zone rows: everything OCP builds from hosts up.
#[test]
fn infrastructure_arguments_are_honoured_at_create() {
    let sim = start_sim(0.05);
    let extra = r#"
data "ocp_host" "free" {
  for_each = { zone1 = "172.16.0.14", zone2 = "172.16.0.15", zone3 = "172.16.0.16" }
  ip       = each.value
}
data "ocp_host" "zone4" {
  ip = "172.16.0.17"
}
"#;
    let rows = vec![
        honoured(
            "ocp_region",
            "r",
            r#"  name        = "cn-create"
  description = "region with a description""#,
        ),
        honoured(
            "ocp_idc",
            "i",
            r#"  name        = "create_dc"
  region_id   = ocp_region.r.id
  description = "IDC with a description""#,
        ),
        honoured(
            "ocp_host_type",
            "t",
            r#"  name        = "create_type"
  description = "host type with a description""#,
        ),
        honoured(
            "ocp_host",
            "h",
            r#"  ip           = "10.20.0.21"
  idc_id       = ocp_idc.i.id
  host_type_id = ocp_host_type.t.id
  ssh_username = "admin"
  ssh_password = "Ssh_Pa55-word"
  ssh_port     = 2222
  kind         = "DEDICATED_CONTAINER"
  alias        = "create-host"
  description  = "host with every optional argument"
  timeouts {
    create = "5m"
    delete = "5m"
  }"#,
        ),
        honoured(
            "ocp_cluster",
            "c",
            r#"  name          = "create-cluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = "Cluster_Pa55-word"
  type          = "STANDBY"
  primary_zone  = "zone1;zone2,zone3"
  dynamic "zone" {
    for_each = data.ocp_host.free
    content {
      name     = zone.key
      idc_name = zone.value.idc_name
      servers  = [zone.value.id]
    }
  }
  startup_parameter {
    name  = "memory_limit"
    value = "32G"
  }
  timeouts {
    create = "10m"
    delete = "10m"
  }"#,
        ),
        honoured(
            "ocp_zone",
            "z",
            r#"  cluster_id = 1000001
  name       = "zone4"
  idc_name   = data.ocp_host.zone4.idc_name
  servers    = [data.ocp_host.zone4.id]
  timeouts {
    create = "10m"
    update = "10m"
    delete = "10m"
  }"#,
        ),
        honoured(
            "ocp_obproxy_cluster",
            "p",
            r#"  name              = "create-proxy"
  hosts             = [1003008]
  version           = "obproxy-ce-4.2.3.0-3.el7.x86_64.rpm"
  sql_port          = 3883
  exporter_port     = 3884
  rpc_port          = 3885
  work_mode         = "RS_LIST"
  proxysys_password = "Proxysys_Pa55-word"
  proxyro_password  = "Proxyro_Pa55-word"
  parameters        = { client_max_connections = "100", enable_strict_kernel_release = "True" }
  ob_link {
    cluster_id = 1000001
    username   = "proxyro_app"
    connect_as = "app@orders"
  }
  timeouts {
    create = "10m"
    update = "10m"
    delete = "10m"
  }"#,
        ),
        refused(
            "ocp_obproxy_cluster",
            "used",
            r#"  name    = "used-proxy"
  hosts   = [1003009, 1003001]
  version = "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm"
  ob_link {
    cluster_id = 1000001
  }"#,
            "hosts",
            "already used by OB cluster demo-cluster",
        ),
    ];
    run_rows(&sim, extra, &rows);
}

/// Tenant rows and what lives in tenants: databases, users, roles, grants, backup policies.
#[test]
fn tenant_and_in_tenant_arguments_are_honoured_at_create() {
    let sim = start_sim(0.05);
    // Tenants made outside Terraform for the refused rows, each applied on its own.
    let my = make_tenant(&sim, "refuse_my", "MYSQL");
    let ora = make_tenant(&sim, "refuse_ora", "ORACLE");
    // unit_count = 2 in zone1 needs two OBServers there (one unit per OBServer, as in OCP).
    add_server(&sim, "zone1", 1_003_004);
    let rows = vec![
        honoured(
            "ocp_tenant",
            "mysql",
            &format!(
                r#"  cluster_id          = 1000001
  name                = "create_mysql"
  root_password       = "{PW}"
  mode                = "MYSQL"
  charset             = "gbk"
  collation           = "gbk_bin"
  primary_zone        = "zone1;zone2"
  whitelist           = ["10.0.0.0/8", "127.0.0.1"]
  description         = "every optional argument"
  locked              = true
  deletion_protection = true
  zone {{
    name         = "zone1"
    replica_type = "FULL"
    unit_spec    = "S0"
    unit_count   = 2
  }}
  zone {{
    name      = "zone2"
    unit_spec = "S0"
  }}
  zone {{
    name         = "zone3"
    replica_type = "READONLY"
    unit_spec    = "S0"
  }}
  timeouts {{
    create = "5m"
    update = "5m"
    delete = "5m"
  }}"#
            ),
        ),
        honoured(
            "ocp_tenant",
            "oracle",
            &format!(
                r#"  cluster_id    = 1000001
  name          = "create_oracle"
  root_password = "{PW}"
  mode          = "ORACLE"
  charset       = "gb18030"
  collation     = "gb18030_bin"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}"#
            ),
        ),
        honoured(
            "ocp_tenant",
            "db",
            &format!(
                r#"  cluster_id    = 1000001
  name          = "create_db"
  root_password = "{PW}"
  zone {{
    name      = "zone1"
    unit_spec = "S0"
  }}
  zone {{
    name      = "zone2"
    unit_spec = "S0"
  }}"#
            ),
        ),
        honoured(
            "ocp_database",
            "d",
            r#"  cluster_id   = ocp_tenant.db.cluster_id
  tenant_id    = ocp_tenant.db.id
  name         = "orders"
  charset      = "gbk"
  collation    = "gbk_bin"
  primary_zone = "zone2;zone1"
  read_only    = true"#,
        ),
        honoured(
            "ocp_db_user",
            "mysql",
            r#"  cluster_id        = ocp_tenant.db.cluster_id
  tenant_id         = ocp_tenant.db.id
  username          = "app"
  password          = "User_Pa55-word"
  locked            = true
  global_privileges = ["SELECT", "CREATE VIEW"]
  db_privileges = [
    { database = ocp_database.d.name, privileges = ["SELECT", "INSERT"] },
  ]"#,
        ),
        honoured(
            "ocp_db_user",
            "oracle",
            r#"  cluster_id        = ocp_tenant.oracle.cluster_id
  tenant_id         = ocp_tenant.oracle.id
  username          = "app_owner"
  password          = "User_Pa55-word"
  locked            = true
  global_privileges = ["CREATE_SESSION", "CREATE_TABLE"]
  roles             = ["CONNECT"]
  object_privileges = [
    { object_type = "TABLE", schema = "APP_OWNER", object_name = "ITEMS", privileges = ["SELECT"] },
  ]"#,
        ),
        honoured(
            "ocp_db_role",
            "r",
            r#"  cluster_id        = ocp_tenant.oracle.cluster_id
  tenant_id         = ocp_tenant.oracle.id
  name              = "analyst"
  global_privileges = ["CREATE_SESSION", "SELECT_ANY_TABLE"]
  roles             = ["RESOURCE"]"#,
        ),
        honoured(
            "ocp_db_user",
            "reader",
            r#"  cluster_id = ocp_tenant.oracle.cluster_id
  tenant_id  = ocp_tenant.oracle.id
  username   = "reader"
  password   = "User_Pa55-word""#,
        ),
        honoured(
            "ocp_db_user",
            "reporter",
            r#"  cluster_id = ocp_tenant.db.cluster_id
  tenant_id  = ocp_tenant.db.id
  username   = "reporter"
  password   = "User_Pa55-word""#,
        ),
        honoured(
            "ocp_db_grant",
            "database",
            r#"  cluster_id = ocp_tenant.db.cluster_id
  tenant_id  = ocp_tenant.db.id
  user       = ocp_db_user.reporter.username
  database   = ocp_database.d.name
  privileges = ["SELECT", "SHOW VIEW"]"#,
        ),
        honoured(
            "ocp_db_grant",
            "role_global",
            r#"  cluster_id = ocp_tenant.oracle.cluster_id
  tenant_id  = ocp_tenant.oracle.id
  role       = ocp_db_role.auditor.name
  privileges = ["CREATE_VIEW"]"#,
        ),
        honoured(
            "ocp_db_role",
            "auditor",
            r#"  cluster_id = ocp_tenant.oracle.cluster_id
  tenant_id  = ocp_tenant.oracle.id
  name       = "auditor""#,
        ),
        honoured(
            "ocp_db_grant",
            "roles",
            r#"  cluster_id = ocp_tenant.oracle.cluster_id
  tenant_id  = ocp_tenant.oracle.id
  user       = ocp_db_user.reader.username
  roles      = [ocp_db_role.r.name]"#,
        ),
        honoured(
            "ocp_db_grant",
            "object",
            r#"  cluster_id    = ocp_tenant.oracle.cluster_id
  tenant_id     = ocp_tenant.oracle.id
  user          = ocp_db_user.reader.username
  object_type   = "TABLE"
  object_schema = ocp_db_user.oracle.username
  object_name   = "ORDERS"
  privileges    = ["SELECT", "UPDATE"]"#,
        ),
        honoured(
            "ocp_backup_policy",
            "tenant_oss",
            r#"  cluster_id      = ocp_tenant.db.cluster_id
  tenant_id       = ocp_tenant.db.id
  backup_mode     = "LOGICAL_BACKUP"
  retention_days  = 14
  cleanup_enabled = true
  cleanup_time    = "03:30"
  log_backup      = true
  schedule {
    mode    = "MONTH"
    time    = "02:00"
    days    = { "1" = "FULL", "15" = "INCREMENTAL" }
    enabled = false
  }
  storage {
    name              = "oss-main"
    type              = "OSS"
    url               = "bucket/create"
    endpoint          = "oss-cn-hangzhou.aliyuncs.com"
    access_key_id     = "AKID"
    access_key_secret = "Oss-Secret-Key-123"
  }
  thresholds {
    data_backup_timeout_minutes          = 90
    log_backup_delay_seconds             = 300
    no_successful_data_backup_alarm_days = 40
    lib_ob_log_expire_days               = 5
  }
  timeouts {
    create = "5m"
    update = "5m"
    delete = "5m"
  }"#,
        ),
        honoured(
            "ocp_backup_policy",
            "tenant_cos",
            r#"  cluster_id = ocp_tenant.oracle.cluster_id
  tenant_id  = ocp_tenant.oracle.id
  schedule {
    mode = "WEEK"
    time = "18:00+00:00"
    days = { "7" = "FULL" }
  }
  storage {
    name              = "cos-main"
    type              = "COS"
    url               = "bucket/cos"
    endpoint          = "cos.ap-shanghai.myqcloud.com"
    app_id            = "1250000000"
    access_key_id     = "AKID"
    access_key_secret = "Cos-Secret-Key-123"
  }"#,
        ),
        honoured(
            "ocp_backup_policy",
            "cluster_s3",
            r#"  cluster_id = 1000001
  schedule {
    mode = "WEEK"
    time = "01:00"
    days = { "3" = "FULL" }
  }
  storage {
    name              = "s3-main"
    type              = "S3"
    url               = "bucket/s3"
    endpoint          = "s3.us-east-1.amazonaws.com"
    region            = "us-east-1"
    access_key_id     = "AKID"
    access_key_secret = "S3-Secret-Key-123"
  }"#,
        ),
        refused(
            "ocp_backup_policy",
            "physical_cleanup_time",
            &policy_with(my, "cleanup_time = \"03:30\"", ""),
            "cleanup_time",
            "only for LOGICAL_BACKUP",
        ),
        refused(
            "ocp_backup_policy",
            "physical_log_component",
            &policy_with(my, "", "lib_ob_log_expire_days = 5"),
            "lib_ob_log_expire_days",
            "only for LOGICAL_BACKUP",
        ),
        refused(
            "ocp_db_user",
            "mysql_objects",
            &user_with(
                my,
                "mysql_objects",
                r#"object_privileges = [
    { object_type = "TABLE", schema = "X", object_name = "ITEMS", privileges = ["SELECT"] },
  ]"#,
            ),
            "object_privileges",
            "only in ORACLE mode",
        ),
        refused(
            "ocp_db_user",
            "mysql_roles",
            &user_with(my, "mysql_roles", r#"roles = ["CONNECT"]"#),
            "roles",
            "only in ORACLE mode",
        ),
        refused(
            "ocp_db_user",
            "oracle_databases",
            &user_with(
                ora,
                "oracle_databases",
                r#"db_privileges = [
    { database = "orders", privileges = ["SELECT"] },
  ]"#,
            ),
            "db_privileges",
            "only in MYSQL mode",
        ),
    ];
    run_rows(&sim, "", &rows);
    for (tenant, user) in [
        (my, "mysql_objects"),
        (my, "mysql_roles"),
        (ora, "ORACLE_DATABASES"),
    ] {
        let users = ocp_call(
            &sim,
            "GET",
            &format!("/api/v2/ob/clusters/1000001/tenants/{tenant}/users"),
            None,
        );
        assert!(
            !users.to_string().contains(&format!("\"{user}\"")),
            "a refused user was created in OCP: {users}"
        );
    }
}

/// A user body in tenant `tenant` with the privilege attribute `extra`.
fn user_with(tenant: i64, name: &str, extra: &str) -> String {
    format!(
        r#"  cluster_id = 1000001
  tenant_id  = {tenant}
  username   = "{name}"
  password   = "User_Pa55-word"
  {extra}"#
    )
}

/// A physical-backup tenant policy body with `extra` at the top level and `threshold` in
/// `thresholds`.
fn policy_with(tenant: i64, extra: &str, threshold: &str) -> String {
    format!(
        r#"  cluster_id = 1000001
  tenant_id  = {tenant}
  {extra}
  schedule {{
    mode = "WEEK"
    time = "01:00"
    days = {{ "3" = "FULL" }}
  }}
  storage {{
    name = "nfs"
    type = "FILE"
    url  = "/obbackup/refused"
  }}
  thresholds {{
    data_backup_timeout_minutes = 60
    {threshold}
  }}"#
    )
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
