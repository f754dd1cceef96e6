# OCP refuses hyphens in host type names.
resource "ocp_host_type" "large" {
  name        = "large_64c256g"
  description = "64 cores, 256 GB"
}
