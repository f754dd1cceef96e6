# Disaster recovery: a tenant protected by a backup policy and, when disaster
# strikes, a second tenant restored from its backups.
#
#   terraform apply                      # the primary tenant, its data, its backups
#   terraform apply -var restore=true    # restore it into "orders_dr" (latest point)
#   terraform apply -var restore=true -var restore_time=2025-03-20T16:47:00+08:00
#
# The restore needs a finished data backup of the primary (the policy's schedule
# makes them). The restored tenant holds the primary's databases and users as of
# the point in time, and is then managed like any other tenant; changing
# restore_from afterwards does nothing in OCP.
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

variable "db_user_password" {
  type      = string
  sensitive = true
}

variable "restore" {
  type        = bool
  default     = false
  description = "Set to true to restore the primary tenant into orders_dr."
}

variable "restore_time" {
  type        = string
  default     = null
  description = "Point in time to restore to (RFC 3339); null restores the latest point the backups reach."
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "primary" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "orders_main"
  root_password = var.tenant_root_password
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }
}

resource "ocp_database" "orders" {
  cluster_id = ocp_tenant.primary.cluster_id
  tenant_id  = ocp_tenant.primary.id
  name       = "orders"
}

resource "ocp_db_user" "app" {
  cluster_id        = ocp_tenant.primary.cluster_id
  tenant_id         = ocp_tenant.primary.id
  username          = "app"
  password          = var.db_user_password
  global_privileges = ["SELECT"]
  db_privileges = [
    { database = ocp_database.orders.name, privileges = ["ALL"] },
  ]
}

resource "ocp_backup_policy" "primary" {
  cluster_id  = ocp_tenant.primary.cluster_id
  tenant_id   = ocp_tenant.primary.id
  backup_mode = "PHYSICAL_BACKUP"
  log_backup  = true

  schedule {
    mode = "WEEK"
    time = "02:00"
    days = {
      "1" = "FULL"
      "4" = "INCREMENTAL"
    }
  }

  storage {
    name = "nfs-dr"
    type = "FILE"
    url  = "/obbackup/orders_main"
  }
}

resource "ocp_tenant" "recovered" {
  count         = var.restore ? 1 : 0
  cluster_id    = data.ocp_cluster.demo.id
  name          = "orders_dr"
  root_password = var.tenant_root_password
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }

  restore_from {
    cluster_id   = ocp_tenant.primary.cluster_id
    tenant_id    = ocp_tenant.primary.id
    restore_time = var.restore_time
  }
}

output "recovered_tenant_id" {
  value = one(ocp_tenant.recovered[*].id)
}

# An application's connection string (never holds a password).
output "recovered_connection_string" {
  value = one(flatten([for t in ocp_tenant.recovered : [for c in t.connection_strings : c.string]]))
}
