data "ocp_idc" "hz1" {
  name = "hz1"
}

# Hosts in hz1 that no cluster uses yet
data "ocp_hosts" "free_hz1" {
  idc_id = data.ocp_idc.hz1.id
  free   = true
}

output "free_hz1_host_ids" {
  value = [for h in data.ocp_hosts.free_hz1.hosts : h.id]
}
