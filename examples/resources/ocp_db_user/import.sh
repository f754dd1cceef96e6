# "<cluster_id>/<tenant_id>/<username>"
terraform import ocp_db_user.app 1000001/1002002/app

# OCP never returns passwords: after an import the first plan shows the password
# as an in-place change. Add `lifecycle { ignore_changes = [password] }` to
# adopt the user without changing its password.
