use super::*;
use crate::resources::rejected;

fn cluster() -> ObproxyCluster {
    serde_json::from_value(serde_json::json!({
        "id": 1014001, "name": "p1", "status": "RUNNING", "workMode": "CONFIG_URL",
        "obLinks": [{"clusterName": "b", "obClusterId": 2, "username": "proxyro"},
                    {"clusterName": "a", "obClusterId": 1, "username": "proxyro"}],
        "obproxies": [
            {"id": 1, "hostId": 12, "ip": "10.0.0.12", "sqlPort": 2883, "exporterPort": 2884, "status": "RUNNING"},
            {"id": 2, "hostId": 11, "ip": "10.0.0.11", "sqlPort": 2883, "exporterPort": 2884, "status": "RUNNING"}
        ]
    }))
    .unwrap_or_else(|e| panic!("{e}"))
}

fn ids() -> BTreeMap<String, i64> {
    [("a".to_string(), 1000001), ("b".to_string(), 1000002)].into()
}

#[test]
fn the_model_keeps_the_users_order_and_names_the_first_proxy() {
    let base = ObproxyModel {
        id: Some(1014001),
        hosts: vec![11, 12],
        version: Some("pkg".into()),
        proxyro_password: Some("pw".into()),
        ob_link: vec![LinkBlock {
            cluster_id: 1000001,
            connect_as: Some("app@orders".into()),
            ..LinkBlock::default()
        }],
        ..ObproxyModel::default()
    };
    let m = ObproxyModel::from_ocp(&cluster(), &ids(), None, &base);
    assert_eq!(m.hosts, [11, 12]);
    assert_eq!(m.version.as_deref(), Some("pkg"));
    assert_eq!(m.proxyro_password.as_deref(), Some("pw"));
    let proxies = m.proxies.unwrap_or_default();
    assert_eq!(proxies[0].ip.as_deref(), Some("10.0.0.11"));
    // The configured link first, then what else OCP has.
    assert_eq!(
        m.ob_link.iter().map(|l| l.cluster_id).collect::<Vec<_>>(),
        [1000001, 1000002]
    );
    assert_eq!(
        m.ob_link[0].connection_string.as_deref(),
        Some("obclient -h10.0.0.11 -P2883 -uapp@orders#a -p")
    );
    assert_eq!(
        m.ob_link[1].connection_string.as_deref(),
        Some("obclient -h10.0.0.11 -P2883 -uroot@sys#b -p")
    );
}

#[test]
fn other_hosts_than_the_users_come_in_ocps_order() {
    let base = ObproxyModel {
        hosts: vec![11, 13],
        ..ObproxyModel::default()
    };
    let m = ObproxyModel::from_ocp(&cluster(), &ids(), None, &base);
    assert_eq!(m.hosts, [12, 11]);
}

#[test]
fn ocp_fields_map_to_attributes() {
    let e = rejected("invalid obproxyInstallParam.hostIds[1]: host 1003001 is already used");
    assert_eq!(
        attr_at(&e, &[0, 3], &[]),
        Some(AttrPath::root("hosts").index(3))
    );
}
