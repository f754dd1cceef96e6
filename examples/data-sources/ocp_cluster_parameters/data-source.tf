data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

# Every parameter whose name contains "syslog", with its value, default and restart flag.
data "ocp_cluster_parameters" "syslog" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "syslog"
}

output "syslog_parameters" {
  value = { for p in data.ocp_cluster_parameters.syslog.parameters : p.name => p.value }
}
