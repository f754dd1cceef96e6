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
  name          = "shop_grants"
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

# No privileges on the user itself: the grants below own what they grant.
resource "ocp_db_user" "reporter" {
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  username   = "reporter"
  password   = var.db_user_password
}

resource "ocp_db_grant" "reporter_orders" {
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  user       = ocp_db_user.reporter.username
  database   = ocp_database.orders.name
  privileges = ["SELECT", "SHOW VIEW"]
}

resource "ocp_db_grant" "reporter_process" {
  cluster_id = ocp_tenant.shop.cluster_id
  tenant_id  = ocp_tenant.shop.id
  user       = ocp_db_user.reporter.username
  privileges = ["PROCESS"]
}
