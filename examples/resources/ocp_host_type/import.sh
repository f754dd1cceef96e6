# By OCP id or by name
terraform import ocp_host_type.large 1007002
terraform import ocp_host_type.large large_64c256g
# A bare number is tried as an id and as a name; when it is both (a name made of digits),
# the import refuses to guess: say which one with "id:" or "name:".
terraform import ocp_host_type.large id:1007002
terraform import ocp_host_type.large name:large_64c256g
