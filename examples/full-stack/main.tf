# A whole deployment in one configuration: region, IDCs, host type, hosts, a
# cluster with three zones, a tenant, and the OBProxies applications connect through. Terraform orders creation and
# destruction from the references alone (no depends_on).
terraform {
  required_providers {
    ocp = {
      source = "oceanbase/ocp"
    }
  }
}

provider "ocp" {}

variable "host_ssh_password" {
  type      = string
  sensitive = true
}

variable "cluster_root_password" {
  type      = string
  sensitive = true
}

variable "tenant_root_password" {
  type      = string
  sensitive = true
}

locals {
  # zone => (IDC, host IP)
  zones = {
    zone1 = { idc = "sh1", ip = "10.10.1.11" }
    zone2 = { idc = "sh2", ip = "10.10.2.11" }
    zone3 = { idc = "sh3", ip = "10.10.3.11" }
  }
}

resource "ocp_region" "east" {
  name        = "cn-shanghai"
  description = "East China"
}

resource "ocp_idc" "dc" {
  for_each  = toset([for z in local.zones : z.idc])
  name      = each.key
  region_id = ocp_region.east.id
}

resource "ocp_host_type" "ob" {
  name        = "ob_16c64g"
  description = "OBServer hosts, 16 cores, 64 GB"
}

resource "ocp_host" "ob" {
  for_each     = local.zones
  ip           = each.value.ip
  idc_id       = ocp_idc.dc[each.value.idc].id
  host_type_id = ocp_host_type.ob.id
  ssh_username = "admin"
  ssh_password = var.host_ssh_password
}

resource "ocp_cluster" "orders" {
  name          = "orders-cluster"
  rpm_name      = "oceanbase-4.2.1.0-100000102023092807.el7.x86_64.rpm"
  root_password = var.cluster_root_password

  # Only the parameters listed are managed; removing one returns it to OCP's default.
  parameters = {
    syslog_level          = "INFO"
    enable_syslog_recycle = "true"
  }

  dynamic "zone" {
    for_each = local.zones
    content {
      name     = zone.key
      idc_name = ocp_idc.dc[zone.value.idc].name
      servers  = [ocp_host.ob[zone.key].id]
    }
  }
}

resource "ocp_tenant" "orders" {
  cluster_id    = ocp_cluster.orders.id
  name          = "orders"
  primary_zone  = "zone1;zone2,zone3"
  root_password = var.tenant_root_password
  time_zone     = "+8:00"

  parameters = {
    ob_query_timeout = "20000000" # microseconds
  }

  dynamic "zone" {
    for_each = local.zones
    content {
      name      = zone.key
      unit_spec = "S1"
    }
  }
}

# The endpoint applications use: an OBProxy on its own host, serving the cluster.
resource "ocp_host" "proxy" {
  ip           = "10.10.1.21"
  idc_id       = ocp_idc.dc["sh1"].id
  host_type_id = ocp_host_type.ob.id
  ssh_username = "admin"
  ssh_password = var.host_ssh_password
}

resource "ocp_obproxy_cluster" "orders" {
  name    = "orders-proxy"
  hosts   = [ocp_host.proxy.id]
  version = "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm"

  ob_link {
    cluster_id = ocp_cluster.orders.id
    connect_as = "root@${ocp_tenant.orders.name}"
  }
}

output "cluster" {
  value = {
    id         = ocp_cluster.orders.id
    status     = ocp_cluster.orders.status
    ob_version = ocp_cluster.orders.ob_version
  }
}

output "tenant_locality" {
  value = ocp_tenant.orders.locality
}

# How applications connect to the tenant: OCP's connection string (it never
# holds a password), ready for a DSN.
output "tenant_connection_string" {
  value = ocp_tenant.orders.connection_strings[0].string
}

# How the application connects: obclient -h<proxy ip> -P2883 -uroot@orders#orders-cluster -p
output "connection_string" {
  value = ocp_obproxy_cluster.orders.ob_link[0].connection_string
}
