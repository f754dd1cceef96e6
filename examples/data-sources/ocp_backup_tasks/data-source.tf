data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_tenant" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}

# A CI job can fail when the newest backup did not succeed.
data "ocp_backup_tasks" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  tenant_id  = data.ocp_tenant.sys.id
}

output "last_backup_status" {
  value = data.ocp_backup_tasks.sys.last_data_backup_status
}
