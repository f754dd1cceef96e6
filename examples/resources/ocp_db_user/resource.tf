variable "tenant_root_password" {
  type      = string
  sensitive = true
}

variable "db_user_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "shop" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "shop_users"
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

# Privileges set here are authoritative: Terraform owns the user's whole list.
resource "ocp_db_user" "app" {
  cluster_id        = ocp_tenant.shop.cluster_id
  tenant_id         = ocp_tenant.shop.id
  username          = "app"
  password          = var.db_user_password
  global_privileges = ["SELECT", "CREATE VIEW"]
  db_privileges = [
    { database = ocp_database.orders.name, privileges = ["ALL"] },
  ]
}
