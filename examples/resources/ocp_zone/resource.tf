data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

# A host OCP knows that no cluster uses yet (pinned by IP, so the plan stays the same once
# the zone runs on it).
data "ocp_host" "zone4" {
  ip = "172.16.0.17"
}

# A fourth zone for demo-cluster, with one OBServer on that host.
# Adding or removing host ids in `servers` adds or removes OBServers in place.
resource "ocp_zone" "zone4" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "zone4"
  idc_name   = data.ocp_host.zone4.idc_name
  servers    = [data.ocp_host.zone4.id]

  timeouts {
    create = "30m"
    delete = "30m"
  }
}

output "zone4_status" {
  value = ocp_zone.zone4.status
}
