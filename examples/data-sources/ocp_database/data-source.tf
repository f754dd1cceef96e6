variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "shop" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "shop_reads"
  root_password = var.tenant_root_password
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }
}

resource "ocp_database" "orders" {
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  name       = "orders"
  charset    = "utf8mb4"
}

# Reads a database by name, e.g. one made outside this configuration.
data "ocp_database" "orders" {
  cluster_id = ocp_database.orders.cluster_id
  tenant_id  = ocp_database.orders.tenant_id
  name       = ocp_database.orders.name
}

output "orders_collation" {
  value = data.ocp_database.orders.collation
}
