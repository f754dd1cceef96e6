data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_tenant" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}

data "ocp_database" "oceanbase" {
  cluster_id = data.ocp_cluster.demo.id
  tenant_id  = data.ocp_tenant.sys.id
  name       = "oceanbase"
}

output "oceanbase_charset" {
  value = data.ocp_database.oceanbase.charset
}
