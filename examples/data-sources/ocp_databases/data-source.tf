data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_tenant" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}

data "ocp_databases" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  tenant_id  = data.ocp_tenant.sys.id
}

output "database_names" {
  value = [for d in data.ocp_databases.sys.databases : d.name]
}
