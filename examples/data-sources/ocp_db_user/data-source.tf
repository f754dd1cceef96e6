data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_tenant" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}

data "ocp_db_user" "root" {
  cluster_id = data.ocp_cluster.demo.id
  tenant_id  = data.ocp_tenant.sys.id
  username   = "root"
}

output "root_privileges" {
  value = data.ocp_db_user.root.global_privileges
}
