data "ocp_host_type" "standard" {
  name = "standard"
}

output "host_type_id" {
  value = data.ocp_host_type.standard.id
}
