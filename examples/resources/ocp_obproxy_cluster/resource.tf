data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

# Two hosts OCP knows that run neither an OBServer nor another OBProxy.
data "ocp_host" "proxy1" {
  ip = "172.16.0.18"
}

data "ocp_host" "proxy2" {
  ip = "172.16.0.19"
}

variable "proxyro_password" {
  type      = string
  sensitive = true
}

# An OBProxy on each host, serving demo-cluster. Hosts, `ob_link` blocks and `parameters`
# change in place; the rest replaces the OBProxy cluster.
resource "ocp_obproxy_cluster" "app" {
  name             = "app-proxy"
  hosts            = [data.ocp_host.proxy1.id, data.ocp_host.proxy2.id]
  version          = "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm"
  proxyro_password = var.proxyro_password

  ob_link {
    cluster_id = data.ocp_cluster.demo.id
    connect_as = "root@sys"
  }

  parameters = {
    client_max_connections = "10000"
  }
}

output "connection_string" {
  value = ocp_obproxy_cluster.app.ob_link[0].connection_string
}
