# A tenant's policy: "<cluster_id>/<tenant_id>"
terraform import ocp_backup_policy.orders 1000001/1002002
# A cluster's policy: "<cluster_id>"
terraform import ocp_backup_policy.cluster 1000001

# OCP never returns storage secrets: after an import the first plan shows
# storage.access_key_secret as an in-place change (applying it sends the
# configured secret with the rest of the strategy).
