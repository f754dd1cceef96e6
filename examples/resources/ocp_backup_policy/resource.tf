variable "tenant_root_password" {
  type      = string
  sensitive = true
}

data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

resource "ocp_tenant" "orders" {
  cluster_id    = data.ocp_cluster.demo.id
  name          = "orders_bk"
  root_password = var.tenant_root_password
  zone {
    name      = "zone1"
    unit_spec = "S0"
  }
}

resource "ocp_backup_policy" "orders" {
  cluster_id     = ocp_tenant.orders.cluster_id
  tenant_id      = ocp_tenant.orders.id
  backup_mode    = "PHYSICAL_BACKUP"
  retention_days = 14
  log_backup     = true

  schedule {
    mode = "WEEK"
    time = "02:00" # OCP's server zone (+08:00) unless an offset is given, e.g. "18:00+00:00"
    days = {
      "1" = "FULL"        # Monday
      "4" = "INCREMENTAL" # Thursday
    }
  }

  # For OSS, COS or S3 also set endpoint, access_key_id and access_key_secret
  # (and region for S3, app_id for COS).
  storage {
    name = "nfs-main"
    type = "FILE"
    url  = "/obbackup/orders"
  }

  thresholds {
    data_backup_timeout_minutes          = 120
    no_successful_data_backup_alarm_days = 8
  }
}
