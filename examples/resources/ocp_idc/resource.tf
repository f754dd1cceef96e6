resource "ocp_region" "shanghai" {
  name = "cn-shanghai"
}

resource "ocp_idc" "sh1" {
  name        = "sh1"
  region_id   = ocp_region.shanghai.id
  description = "Shanghai, hall 1"
}
