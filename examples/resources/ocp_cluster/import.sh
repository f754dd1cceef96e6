# A cluster is imported by its OCP id or by its name.
terraform import ocp_cluster.orders 1000002
terraform import ocp_cluster.orders orders-cluster

# OCP returns neither the root password nor the package name. After an import the package
# name is derived from the build OCP reports (any package of that build plans as equal),
# and the first plan shows root_password as an in-place change that only records the
# configured value in state. To skip it, add to the resource:
#   lifecycle { ignore_changes = [root_password] }
