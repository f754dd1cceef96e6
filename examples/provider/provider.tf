terraform {
  required_providers {
    ocp = {
      source = "oceanbase/ocp"
    }
  }
}

# Settings left out here come from OCP_ENDPOINT, OCP_USERNAME and OCP_PASSWORD.
provider "ocp" {
  endpoint        = "http://ocp.example.com:8080"
  username        = "admin"
  password        = var.ocp_password
  request_timeout = "30s"
  max_retries     = 4
}

variable "ocp_password" {
  type      = string
  sensitive = true
}
