variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "hr" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "hr_role_list"
  mode          = "ORACLE"
  root_password = var.tenant_root_password
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }
}

data "ocp_db_roles" "hr" {
  cluster_id = ocp_tenant.hr.cluster_id
  tenant_id  = ocp_tenant.hr.id
}

output "role_names" {
  value = [for r in data.ocp_db_roles.hr.roles : r.name]
}
