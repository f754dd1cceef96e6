data "ocp_cluster" "demo" {
  name = "demo-cluster"
}

output "zone_names" {
  value = [for z in data.ocp_cluster.demo.zones : z.name]
}
