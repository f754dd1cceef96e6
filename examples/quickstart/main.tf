# Reads the OceanBase cluster "demo-cluster" from OCP, prints its zones, and
# creates a tenant on it. Connection settings come from OCP_ENDPOINT,
# OCP_USERNAME and OCP_PASSWORD (./scripts/demo.sh points them at the
# simulator); the tenant's password comes from TF_VAR_tenant_root_password.
terraform {
  required_providers {
    ocp = {
      source = "oceanbase/ocp"
    }
  }
}

provider "ocp" {}

variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "app" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "app"
  primary_zone  = "zone1;zone2,zone3"
  whitelist     = ["10.0.0.0/8", "127.0.0.1"]
  root_password = var.tenant_root_password

  zone {
    name      = "zone1"
    unit_spec = "S1"
  }
  zone {
    name      = "zone2"
    unit_spec = "S1"
  }
  zone {
    name      = "zone3"
    unit_spec = "S1"
  }
}

output "cluster" {
  value = {
    id         = data.ocp_cluster.demo.id
    status     = data.ocp_cluster.demo.status
    ob_version = data.ocp_cluster.demo.ob_version
  }
}

output "zones" {
  description = "Each zone of demo-cluster with the addresses of its OBServers."
  value = {
    for z in data.ocp_cluster.demo.zones :
    z.name => [for s in z.servers : "${s.ip}:${s.port}"]
  }
}

output "tenant" {
  value = {
    id       = ocp_tenant.app.id
    status   = ocp_tenant.app.status
    locality = ocp_tenant.app.locality
  }
}
