data "ocp_host" "first" {
  ip = "172.16.0.11"
}

output "first_host" {
  value = {
    id         = data.ocp_host.first.id
    idc        = data.ocp_host.first.idc_name
    status     = data.ocp_host.first.status
    cluster_id = data.ocp_host.first.cluster_id
  }
}
