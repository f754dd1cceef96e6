data "ocp_regions" "all" {}

output "region_names" {
  value = [for r in data.ocp_regions.all.regions : r.name]
}
