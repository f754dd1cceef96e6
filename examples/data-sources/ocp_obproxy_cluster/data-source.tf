# Every OBProxy cluster is listed by ocp_obproxy_clusters; read one by its name or id.
data "ocp_obproxy_clusters" "all" {}

data "ocp_obproxy_cluster" "first" {
  count = length(data.ocp_obproxy_clusters.all.clusters) > 0 ? 1 : 0
  name  = data.ocp_obproxy_clusters.all.clusters[0].name
}

output "first_proxies" {
  value = [for c in data.ocp_obproxy_cluster.first : c.proxies]
}
