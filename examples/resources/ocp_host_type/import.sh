# By OCP id or by name
terraform import ocp_host_type.large 1007002
terraform import ocp_host_type.large large_64c256g
