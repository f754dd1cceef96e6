resource "ocp_region" "shanghai" {
  name        = "cn-shanghai"
  description = "East China"
}
