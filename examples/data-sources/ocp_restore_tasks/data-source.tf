data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

# Every restore made from the backups of demo-cluster's tenants.
data "ocp_restore_tasks" "demo" {
  cluster_id = data.ocp_cluster.demo.id
}

output "restores" {
  value = [
    for r in data.ocp_restore_tasks.demo.restore_tasks :
    "${r.backup_tenant_name} -> ${r.restore_tenant_name} as of ${r.restore_time}: ${r.status}"
  ]
}
