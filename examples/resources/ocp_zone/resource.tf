data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

data "ocp_idc" "hz1" {
  name = "hz1"
}

data "ocp_hosts" "free_hz1" {
  idc_id = data.ocp_idc.hz1.id
  free   = true
}

# A fourth zone for demo-cluster, with one OBServer on a free host of IDC hz1.
# Adding or removing host ids in `servers` adds or removes OBServers in place.
resource "ocp_zone" "zone4" {
  cluster_id = data.ocp_cluster.demo.id
  name       = "zone4"
  idc_name   = data.ocp_idc.hz1.name
  servers    = [data.ocp_hosts.free_hz1.hosts[0].id]

  timeouts {
    create = "30m"
    delete = "30m"
  }
}

output "zone4_status" {
  value = ocp_zone.zone4.status
}
