//! Tests of the OBProxy calls against the simulator (free hosts 1003004..1003009, the seeded
//! `demo-cluster`).

use super::*;
use crate::client::testutil::{assert_hidden, ok, TestSim};
use crate::client::WaitOptions;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

const PKG: &str = "obproxy-ce-4.2.1.0-11.el7.x86_64.rpm";

fn create_body(name: &str, hosts: &[i64]) -> CreateObproxyCluster {
    CreateObproxyCluster {
        name: name.into(),
        work_mode: "CONFIG_URL".into(),
        password: Some(Secret::new("Proxysys_pw_1")),
        proxyro_password: Some(Secret::new("Proxyro_pw_1")),
        obproxy_install_param: InstallObproxy {
            host_ids: hosts.to_vec(),
            sql_port: 2883,
            exporter_port: 2884,
            rpc_port: None,
            version: PKG.into(),
        },
        ob_links: vec![ObLink {
            cluster_name: "demo-cluster".into(),
            ob_cluster_id: None,
            username: "proxyro".into(),
        }],
        startup_parameters: Vec::new(),
        parameters: vec![NameValue {
            name: "client_max_connections".into(),
            value: "100".into(),
        }],
    }
}

async fn wait(client: &OcpClient, t: &TaskInstance) {
    let done = ok(client
        .wait_task(
            t.id,
            &WaitOptions::with_timeout(Duration::from_secs(30)),
            &CancellationToken::new(),
        )
        .await);
    assert!(done.is_successful(), "{done:?}");
}

#[tokio::test]
async fn an_obproxy_cluster_is_created_changed_and_deleted() {
    let sim = TestSim::start(0.2).await;
    let client = sim.client();
    let task = ok(client
        .create_obproxy_cluster(&create_body("p1", &[1_003_004]))
        .await)
    .expect_new();
    wait(&client, &task).await;
    let c = ok(client.find_obproxy_cluster_by_name("p1").await).unwrap_or_else(|| panic!("p1"));
    assert_eq!(c.status.as_deref(), Some("RUNNING"));
    assert_eq!(c.obproxies.len(), 1);
    assert_eq!(c.obproxies[0].host_id, Some(1_003_004));
    assert_eq!(c.obproxies[0].sql_port, Some(2883));
    assert_eq!(c.ob_links[0].cluster_name, "demo-cluster");
    // A second create of the same name is refused as existing, never adopted.
    let again = ok(client
        .create_obproxy_cluster(&create_body("p1", &[1_003_005]))
        .await);
    assert!(matches!(again, Created::Existing(_)), "{again:?}");

    let t = ok(client
        .add_obproxies(
            c.id,
            &InstallObproxy {
                host_ids: vec![1_003_005],
                sql_port: 2883,
                exporter_port: 2884,
                rpc_port: None,
                version: PKG.into(),
            },
        )
        .await);
    wait(&client, &t).await;
    let c = ok(client.find_obproxy_cluster(c.id).await).unwrap_or_else(|| panic!("p1"));
    assert_eq!(c.obproxies.len(), 2);
    let t = ok(client
        .delete_obproxies(c.id, &[c.obproxies[1].id.unwrap_or_default()])
        .await);
    wait(&client, &t).await;

    let params = ok(client.list_obproxy_parameters(c.id).await);
    let p = params
        .iter()
        .find(|p| p.name == "client_max_connections")
        .unwrap_or_else(|| panic!("param"));
    assert_eq!(p.value.as_deref(), Some("100"));
    assert_eq!(p.default_value.as_deref(), Some("8192"));
    ok(client
        .set_obproxy_parameters(
            c.id,
            &[NameValue {
                name: "client_max_connections".into(),
                value: "8192".into(),
            }],
        )
        .await);

    let t = ok(client.delete_obproxy_cluster(c.id).await).unwrap_or_else(|| panic!("task"));
    wait(&client, &t).await;
    assert!(ok(client.find_obproxy_cluster(c.id).await).is_none());
    assert!(ok(client.delete_obproxy_cluster(c.id).await).is_none());
}

#[tokio::test]
async fn a_used_host_is_refused_on_its_field_and_passwords_never_show() {
    let sim = TestSim::start(0.2).await;
    let client = sim.client();
    let err = client
        .create_obproxy_cluster(&create_body("p1", &[1_003_004, 1_003_001]))
        .await
        .expect_err("host 1003001 runs an OBServer");
    let f = err.field().unwrap_or_else(|| panic!("no field in {err:?}"));
    assert_eq!(f.leaf(), "hostIds");
    assert_eq!(f.index_of("hostIds"), Some(1));
    for password in ["Proxyro_pw_1", "Proxysys_pw_1"] {
        assert_hidden(&err, password);
    }
    assert!(ok(client.list_obproxy_clusters().await).is_empty());
}
