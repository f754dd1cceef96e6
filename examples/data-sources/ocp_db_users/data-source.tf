data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_tenant" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}

data "ocp_db_users" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  tenant_id  = data.ocp_tenant.sys.id
}

output "usernames" {
  value = [for u in data.ocp_db_users.sys.users : u.username]
}
