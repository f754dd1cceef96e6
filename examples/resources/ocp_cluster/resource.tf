variable "cluster_root_password" {
  type      = string
  sensitive = true
}

# Hosts OCP knows that no cluster uses yet, one per IDC (pinned by IP, so the plan stays
# the same once the cluster runs on them).
data "ocp_host" "ob" {
  for_each = {
    zone1 = "172.16.0.14"
    zone2 = "172.16.0.15"
    zone3 = "172.16.0.16"
  }
  ip = each.value
}

resource "ocp_cluster" "orders" {
  name          = "orders-cluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = var.cluster_root_password
  primary_zone  = "zone1;zone2,zone3"

  # Day-2 changes happen in place: a new root_password goes through OCP's change-password
  # call, a newer rpm_name upgrades the cluster, and zone blocks (or hosts in `servers`)
  # added or removed add or remove zones and OBServers. Set deletion_protection = true to
  # make `terraform destroy` refuse to delete the cluster.
  deletion_protection = false

  # One zone per host, in the host's IDC, with one OBServer on it.
  dynamic "zone" {
    for_each = data.ocp_host.ob
    content {
      name     = zone.key
      idc_name = zone.value.idc_name
      servers  = [zone.value.id]
    }
  }

  startup_parameter {
    name  = "memory_limit"
    value = "32G"
  }

  timeouts {
    create = "2h"
    update = "2h"
  }
}

output "cluster" {
  value = {
    id         = ocp_cluster.orders.id
    status     = ocp_cluster.orders.status
    ob_version = ocp_cluster.orders.ob_version
  }
}
