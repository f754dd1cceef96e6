# A tenant is imported by "<cluster_id>/<tenant_id>" (OCP ids) ...
terraform import ocp_tenant.orders 1000001/1002002
# ... or, as a convenience, by "<cluster_name>/<tenant_name>".
terraform import ocp_tenant.orders demo-cluster/orders

# OCP never returns the root password, so after an import the first plan shows
# root_password as an in-place change (applying it sets the configured password).
# To adopt the tenant without touching its password, ignore it:
#   lifecycle { ignore_changes = [root_password] }
