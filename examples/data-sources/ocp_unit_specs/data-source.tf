# OCP's unit specs: the CPU and memory of each unit a tenant's zone.unit_spec names.
data "ocp_unit_specs" "all" {}

output "unit_specs" {
  value = { for s in data.ocp_unit_specs.all.unit_specs : s.name => "${s.max_cpu} CPU, ${s.max_memory_gb} GB" }
}
