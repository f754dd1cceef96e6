data "ocp_idc" "hz1" {
  name = "hz1"
}

output "hz1_region" {
  value = data.ocp_idc.hz1.region_name
}
