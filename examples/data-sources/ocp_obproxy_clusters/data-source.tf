data "ocp_obproxy_clusters" "all" {}

output "obproxy_clusters" {
  value = {
    for c in data.ocp_obproxy_clusters.all.clusters : c.name => {
      status = c.status
      hosts  = c.hosts
    }
  }
}
