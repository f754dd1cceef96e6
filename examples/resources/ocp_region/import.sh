# By OCP id or by name
terraform import ocp_region.shanghai 1005002
terraform import ocp_region.shanghai cn-shanghai
# A bare number is tried as an id and as a name; when it is both (a name made of digits),
# the import refuses to guess: say which one with "id:" or "name:".
terraform import ocp_region.shanghai id:1005002
terraform import ocp_region.shanghai name:cn-shanghai
