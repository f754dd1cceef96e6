# "<cluster_id>/<tenant_id>/<user|role>/<grantee>/" followed by the grant's scope:
terraform import ocp_db_grant.reporter_process 1000001/1002002/user/reporter/global
terraform import ocp_db_grant.reporter_orders  1000001/1002002/user/reporter/database/orders
terraform import ocp_db_grant.reader_orders    1000001/1002003/user/READER/object/TABLE/APP_OWNER/ORDERS
terraform import ocp_db_grant.reader_roles     1000001/1002003/user/READER/roles
# A "/" inside a name is written "\/", and a "\" as "\\".
# An imported grant owns every privilege the grantee holds in that scope.
