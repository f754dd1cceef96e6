# A cluster is imported by its OCP id or by its name.
terraform import ocp_cluster.orders 1000002
terraform import ocp_cluster.orders orders-cluster

# OCP returns neither the root password, the package name nor the startup parameters.
# After an import the package name is derived from the build OCP reports (any package of
# that build plans as equal), and primary_zone is read from the sys tenant. The first plan
# shows root_password, and the startup_parameter blocks (and rpm_name when OCP reports no
# build), as in-place changes that only record the configured values in state: nothing is
# sent to OCP and the cluster is never replaced for them. To skip the password, add:
#   lifecycle { ignore_changes = [root_password] }
