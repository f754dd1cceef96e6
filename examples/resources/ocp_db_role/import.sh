# "<cluster_id>/<tenant_id>/<role_name>"
terraform import ocp_db_role.analyst 1000001/1002002/ANALYST
