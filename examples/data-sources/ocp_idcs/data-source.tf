data "ocp_region" "hz" {
  name = "cn-hangzhou"
}

data "ocp_idcs" "hz" {
  region_id = data.ocp_region.hz.id
}

output "idc_names" {
  value = [for i in data.ocp_idcs.hz.idcs : i.name]
}
