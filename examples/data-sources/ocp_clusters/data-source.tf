data "ocp_clusters" "all" {}

output "cluster_names" {
  value = [for c in data.ocp_clusters.all.clusters : c.name]
}
