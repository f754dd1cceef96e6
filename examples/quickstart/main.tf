# Reads the OceanBase cluster "demo-cluster" from OCP and prints its zones.
# Connection settings come from OCP_ENDPOINT, OCP_USERNAME and OCP_PASSWORD
# (./scripts/demo.sh points them at the simulator).
terraform {
  required_providers {
    ocp = {
      source = "oceanbase/ocp"
    }
  }
}

provider "ocp" {}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
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
