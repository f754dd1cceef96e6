variable "host_ssh_password" {
  type      = string
  sensitive = true
}

data "ocp_idc" "hz1" {
  name = "hz1"
}

data "ocp_host_type" "standard" {
  name = "standard"
}

resource "ocp_host" "web21" {
  ip           = "10.0.0.21"
  idc_id       = data.ocp_idc.hz1.id
  host_type_id = data.ocp_host_type.standard.id
  ssh_username = "admin"
  ssh_password = var.host_ssh_password
  alias        = "web21"
  description  = "Rack 3, slot 21"
}
