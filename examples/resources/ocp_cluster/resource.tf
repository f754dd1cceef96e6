variable "cluster_root_password" {
  type      = string
  sensitive = true
}

# One free host in each of the IDCs hz1, hz2 and hz3 (hosts OCP knows but no cluster uses).
data "ocp_idc" "dc" {
  for_each = toset(["hz1", "hz2", "hz3"])
  name     = each.key
}

data "ocp_hosts" "free" {
  for_each = data.ocp_idc.dc
  idc_id   = each.value.id
  free     = true
}

resource "ocp_cluster" "orders" {
  name          = "orders-cluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = var.cluster_root_password
  primary_zone  = "zone1;zone2,zone3"

  # One zone per IDC, each with one OBServer on the first free host there.
  dynamic "zone" {
    for_each = { zone1 = "hz1", zone2 = "hz2", zone3 = "hz3" }
    content {
      name     = zone.key
      idc_name = zone.value
      servers  = [data.ocp_hosts.free[zone.value].hosts[0].id]
    }
  }

  startup_parameter {
    name  = "memory_limit"
    value = "32G"
  }

  timeouts {
    create = "2h"
  }
}

output "cluster" {
  value = {
    id         = ocp_cluster.orders.id
    status     = ocp_cluster.orders.status
    ob_version = ocp_cluster.orders.ob_version
  }
}
