variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

# OCP manages roles only in Oracle-mode tenants.
resource "ocp_tenant" "hr" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "hr"
  mode          = "ORACLE"
  charset       = "utf8mb4"
  root_password = var.tenant_root_password
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }
}

resource "ocp_db_role" "analyst" {
  cluster_id        = ocp_tenant.hr.cluster_id
  tenant_id         = ocp_tenant.hr.id
  name              = "analyst"
  global_privileges = ["CREATE_SESSION", "SELECT_ANY_TABLE"]
  roles             = ["CONNECT"]
}
