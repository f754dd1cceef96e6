# By OCP id or by name
terraform import ocp_region.shanghai 1005002
terraform import ocp_region.shanghai cn-shanghai
