data "ocp_host_types" "all" {}

output "host_type_names" {
  value = [for t in data.ocp_host_types.all.host_types : t.name]
}
