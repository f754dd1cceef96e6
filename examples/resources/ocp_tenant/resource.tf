variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "orders" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "orders"
  mode          = "MYSQL"
  charset       = "utf8mb4"
  collation     = "utf8mb4_general_ci"
  primary_zone  = "zone1;zone2"
  whitelist     = ["10.0.0.0/8", "127.0.0.1"]
  root_password = var.tenant_root_password
  description   = "orders service"

  zone {
    name       = "zone1"
    unit_spec  = "S1"
    unit_count = 1
  }

  zone {
    name         = "zone2"
    replica_type = "FULL"
    unit_spec    = "S1"
  }

  timeouts {
    create = "30m"
  }
}
