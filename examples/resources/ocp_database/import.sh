# "<cluster_id>/<tenant_id>/<database_name>"
terraform import ocp_database.orders 1000001/1002002/orders
