# By OCP id or by name
terraform import ocp_idc.sh1 1006004
terraform import ocp_idc.sh1 sh1
