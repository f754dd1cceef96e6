# By OCP host id or by IP address
terraform import ocp_host.web21 1003010
terraform import ocp_host.web21 10.0.0.21

# OCP never returns the SSH credentials, so after an import the first plan shows
# ssh_username and ssh_password as an in-place change; applying it only records them in
# state (nothing changes in OCP). To skip that, add to the resource:
#   lifecycle {
#     ignore_changes = [ssh_username, ssh_password]
#   }
# Terraform does not delete the SSH credential of an imported host when it destroys it.
