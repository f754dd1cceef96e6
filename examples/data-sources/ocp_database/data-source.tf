variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "shop" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "shop_ds"
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
}

data "ocp_database" "orders" {
  cluster_id = ocp_database.orders.cluster_id
  tenant_id  = ocp_database.orders.tenant_id
  name       = ocp_database.orders.name
}

# The client command line OCP gives for the database (never holds a password).
output "orders_connection_string" {
  value = data.ocp_database.orders.connection_strings[0].string
}
