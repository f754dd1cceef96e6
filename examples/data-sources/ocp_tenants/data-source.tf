data "ocp_tenants" "mysql" {
  mode = "MYSQL"
}

output "mysql_tenants" {
  value = [for t in data.ocp_tenants.mysql.tenants : "${t.cluster_name}/${t.name}"]
}
