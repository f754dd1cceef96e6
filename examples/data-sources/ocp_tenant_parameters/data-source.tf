data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_tenant" "sys" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "sys"
}

# The tenant's parameters and system variables whose name contains "timeout".
data "ocp_tenant_parameters" "timeouts" {
  cluster_id = data.ocp_cluster.demo.id
  tenant_id  = data.ocp_tenant.sys.id
  name       = "timeout"
}

output "timeouts" {
  value = { for p in data.ocp_tenant_parameters.timeouts.parameters : p.name => p.value }
}
