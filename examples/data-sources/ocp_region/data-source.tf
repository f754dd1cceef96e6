data "ocp_region" "hz" {
  name = "cn-hangzhou"
}

output "region_id" {
  value = data.ocp_region.hz.id
}
