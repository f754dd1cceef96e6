# A zone is imported by "<cluster_id>/<zone_name>".
terraform import ocp_zone.zone4 1000001/zone4
