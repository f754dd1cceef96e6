# An OBProxy cluster is imported by its OCP id (or its name).
terraform import ocp_obproxy_cluster.app 1014001
