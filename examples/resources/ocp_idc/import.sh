# By OCP id or by name
terraform import ocp_idc.sh1 1006004
terraform import ocp_idc.sh1 sh1
# A bare number is tried as an id and as a name; when it is both (a name made of digits),
# the import refuses to guess: say which one with "id:" or "name:".
terraform import ocp_idc.sh1 id:1006004
terraform import ocp_idc.sh1 name:sh1
