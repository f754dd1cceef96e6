//! Tests of `client::api::compute`, against the simulator where they call OCP.

use super::*;
use crate::client::testutil::{
    api_error, assert_hidden, assert_no_password, ok, wait_ok, LossyFront, TestSim,
};

/// SSH password of the tests: distinctive, so a leak is easy to find.
const SSH_PASSWORD: &str = "Ssh#Pass-w0rd-canary-77";

fn assert_no_ssh_password(err: &ClientError) {
    assert_no_password(err);
    assert_hidden(err, SSH_PASSWORD);
}

async fn sim() -> (TestSim, OcpClient) {
    let sim = TestSim::start(0.3).await;
    let client = sim.client();
    (sim, client)
}

/// The catalogue entry named `name`, which must exist.
async fn entry(client: &OcpClient, c: Catalogue, name: &str) -> CatalogueEntry {
    ok(client.find_in_catalogue_by_name(c, name).await).unwrap_or_else(|| panic!("no {c:?} {name}"))
}

/// Deletes catalogue entry `id` (which must exist), then asserts a second delete finds
/// nothing to delete.
async fn delete_twice(client: &OcpClient, c: Catalogue, id: i64) {
    assert!(ok(client.delete_from_catalogue(c, id).await), "{c:?} {id}");
    assert!(!ok(client.delete_from_catalogue(c, id).await), "{c:?} {id}");
}

/// The hosts that are free (`true`) or used (`false`).
async fn hosts(client: &OcpClient, free: bool) -> Vec<Host> {
    let filter = HostFilter {
        free: Some(free),
        ..HostFilter::default()
    };
    ok(client.list_hosts(&filter).await)
}

#[test]
fn bodies_have_ocp_field_names_and_debug_hides_the_password() {
    let pw = Secret::new(SSH_PASSWORD);
    let body = CredentialBody {
        validate: false,
        target_type: "HOST",
        name: "c1",
        ssh_credential_property: SshCredentialProperty {
            kind: "PASSWORD",
            username: "root",
            passphrase: &pw,
            host_id_list: [],
        },
    };
    assert!(!format!("{body:?}").contains(SSH_PASSWORD));
    let v = serde_json::to_value(&body).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        serde_json::json!({"validate": false, "targetType": "HOST", "name": "c1",
            "sshCredentialProperty": {"type": "PASSWORD", "username": "root",
                "passphrase": SSH_PASSWORD, "hostIdList": []}})
    );
    let add = AddHost {
        inner_ip_address: "10.0.0.1".into(),
        ssh_port: 22,
        kind: "DEDICATED_PHYSICAL_MACHINE".into(),
        idc_id: 1,
        type_id: 2,
        credential_id: 3,
        alias: Some("a".into()),
        description: None,
    };
    let v = serde_json::to_value(BatchCreateBody::from(&add)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        v,
        serde_json::json!({"hostBasicDataList": [{"innerIpAddress": "10.0.0.1"}],
            "sshPort": 22, "kind": "DEDICATED_PHYSICAL_MACHINE", "idcId": 1, "typeId": 2,
            "credentialId": 3, "alias": "a"})
    );
}

#[test]
fn host_filter_maps_free_to_used_and_checks_again() {
    let f = HostFilter {
        idc_id: Some(7),
        type_id: None,
        status: Some("ONLINE,NEW".into()),
        free: Some(true),
    };
    assert_eq!(
        f.query(),
        vec![
            ("idcId", "7".to_owned()),
            ("status", "ONLINE,NEW".to_owned()),
            ("used", "false".to_owned())
        ]
    );
    let mut h = Host {
        id: 1,
        idc_id: Some(7),
        status: Some("online".into()),
        used: Some(false),
        ..Host::default()
    };
    assert!(f.matches(&h));
    h.cluster_id = Some(5);
    assert!(!f.matches(&h));
    h.cluster_id = None;
    h.status = Some("OFFLINE".into());
    assert!(!f.matches(&h));
}

#[test]
fn odd_shapes_decode_and_the_4_6_sample_region_reads() {
    let r: CatalogueEntry = serde_json::from_value(serde_json::json!(
        {"createTime": null, "id": 3000003, "name": "shanghai", "updateTime": null}))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.id, 3_000_003);
    assert_eq!(r.description, None);
    let i: CatalogueEntry = serde_json::from_value(serde_json::json!(
        {"id": "1000002", "name": "test-idc", "regionId": "1000002", "regionName": "testregion"}))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(i.region_id, Some(1_000_002));
    let h: Host = serde_json::from_value(serde_json::json!(
        {"id": 5, "sshPort": "22", "used": "false", "memorySizeGB": 64, "extra": [1]}))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.ssh_port, Some(22));
    assert_eq!(h.used, Some(false));
    assert_eq!(h.memory_size_gb, Some(64));
}

#[test]
fn an_echoed_ssh_password_is_masked() {
    let message = format!("bad passphrase {SSH_PASSWORD}");
    let err = api_error(CREDENTIALS, "ILLEGAL_ARGUMENT", &message, None);
    let masked = err.mask(&Secret::new(SSH_PASSWORD));
    assert_no_ssh_password(&masked);
    assert!(format!("{masked}").contains("***"));
}

#[tokio::test]
async fn seeded_objects_are_found_and_unknown_ids_are_none() {
    let (_sim, client) = sim().await;
    let r = entry(&client, Catalogue::Region, "cn-hangzhou").await;
    assert_eq!(
        ok(client.find_in_catalogue(Catalogue::Region, r.id).await),
        Some(r.clone())
    );
    let idcs = ok(client.list_catalogue(Catalogue::Idc).await);
    assert!(idcs.iter().any(|i| i.name == "hz1"
        && i.region_id == Some(r.id)
        && i.region_name.as_deref() == Some("cn-hangzhou")));
    let t = entry(&client, Catalogue::HostType, "standard").await;
    assert_eq!(
        ok(client.find_in_catalogue(Catalogue::HostType, t.id).await),
        Some(t)
    );
    assert!(ok(client
        .find_in_catalogue(Catalogue::Region, 987_654_321)
        .await)
    .is_none());
    assert!(ok(client.find_in_catalogue(Catalogue::Idc, 987_654_321).await).is_none());
    assert!(ok(client
        .find_in_catalogue(Catalogue::HostType, 987_654_321)
        .await)
    .is_none());
    assert!(ok(client.find_host(987_654_321).await).is_none());
    assert!(ok(client
        .find_in_catalogue_by_name(Catalogue::Region, "cn-hang")
        .await)
    .is_none());
    let h =
        ok(client.find_host_by_ip("172.16.0.11").await).unwrap_or_else(|| panic!("no 172.16.0.11"));
    assert_eq!(h.inner_ip_address.as_deref(), Some("172.16.0.11"));
    assert!(!h.is_free(), "{h:?}");
    assert!(ok(client.find_host_by_ip("172.16.0.1").await).is_none());
}

#[tokio::test]
async fn region_idc_and_host_type_create_find_delete() {
    let (_sim, client) = sim().await;
    let region = ok(client
        .create_in_catalogue(Catalogue::Region, "tf-region", Some("r"), None)
        .await)
    .expect_new();
    assert_eq!(region.name, "tf-region");
    assert_eq!(region.description.as_deref(), Some("r"));
    assert_eq!(
        ok(client.find_in_catalogue(Catalogue::Region, region.id).await).map(|r| r.id),
        Some(region.id)
    );
    // A region that exists already is never adopted (design rule R2): it is reported,
    // and no POST is sent.
    let again = ok(client
        .create_in_catalogue(Catalogue::Region, "tf-region", None, None)
        .await)
    .expect_existing();
    assert_eq!(again.id, region.id);
    // Differing only in case: OCP (sim) says duplicate, the exact look-up finds nothing.
    let err = client
        .create_in_catalogue(Catalogue::Region, "TF-REGION", None, None)
        .await
        .err()
        .unwrap_or_else(|| panic!("a case-variant duplicate was accepted"));
    assert!(err.is_already_exists(), "{err:?}");

    let idc = ok(client
        .create_in_catalogue(Catalogue::Idc, "tf_idc", None, Some(region.id))
        .await)
    .expect_new();
    assert_eq!(idc.region_id, Some(region.id));
    assert_eq!(idc.region_name.as_deref(), Some("tf-region"));
    assert_eq!(
        ok(client
            .find_in_catalogue_by_name(Catalogue::Idc, "tf_idc")
            .await)
        .map(|i| i.id),
        Some(idc.id)
    );
    assert_eq!(
        ok(client
            .create_in_catalogue(Catalogue::Idc, "tf_idc", None, Some(region.id))
            .await)
        .expect_existing()
        .id,
        idc.id
    );
    // A region with IDCs cannot go.
    let err = client
        .delete_from_catalogue(Catalogue::Region, region.id)
        .await
        .err()
        .unwrap_or_else(|| panic!("deleted a region in use"));
    assert!(!err.is_not_found(), "{err:?}");

    let ht = ok(client
        .create_in_catalogue(Catalogue::HostType, "tf_type", Some("t"), None)
        .await)
    .expect_new();
    assert_eq!(
        ok(client.find_in_catalogue(Catalogue::HostType, ht.id).await).map(|t| t.name),
        Some("tf_type".into())
    );
    assert_eq!(
        ok(client
            .create_in_catalogue(Catalogue::HostType, "tf_type", None, None)
            .await)
        .expect_existing()
        .id,
        ht.id
    );

    delete_twice(&client, Catalogue::HostType, ht.id).await;
    assert!(ok(client.find_in_catalogue(Catalogue::HostType, ht.id).await).is_none());
    delete_twice(&client, Catalogue::Idc, idc.id).await;
    delete_twice(&client, Catalogue::Region, region.id).await;
    assert!(ok(client
        .find_in_catalogue_by_name(Catalogue::Region, "tf-region")
        .await)
    .is_none());
}

#[tokio::test]
async fn credential_create_refuse_existing_and_delete_keep_the_password_out() {
    let (_sim, client) = sim().await;
    let pw = Secret::new(SSH_PASSWORD);
    let id = ok(client.create_host_credential("tf-cred", "root", &pw).await);
    assert!(id > 0);
    // One that exists already is someone else's: refused, never adopted (R2).
    let err = client
        .create_host_credential("tf-cred", "root", &pw)
        .await
        .err()
        .unwrap_or_else(|| panic!("an existing credential was adopted"));
    assert!(err.is_already_exists(), "{err:?}");
    assert!(err.to_string().contains(&id.to_string()), "{err}");
    // A refused create: the error never carries the password.
    for (name, user, what) in [
        ("bad\u{1}name", "root", "a control character"),
        ("tf-cred2", "", "an empty user name"),
    ] {
        let err = client
            .create_host_credential(name, user, &pw)
            .await
            .err()
            .unwrap_or_else(|| panic!("{what} was accepted"));
        assert_no_ssh_password(&err);
    }
    assert!(ok(client.delete_credential(id).await));
    assert!(!ok(client.delete_credential(id).await));
}

#[tokio::test]
async fn a_host_is_added_found_listed_and_deleted() {
    let (_sim, client) = sim().await;
    let idc = entry(&client, Catalogue::Idc, "hz1").await;
    let ht = entry(&client, Catalogue::HostType, "standard").await;
    let cred = ok(client
        .create_host_credential("tf-host-cred", "admin", &Secret::new(SSH_PASSWORD))
        .await);
    let add = AddHost {
        inner_ip_address: "172.16.1.50".into(),
        ssh_port: 22,
        kind: "DEDICATED_PHYSICAL_MACHINE".into(),
        idc_id: idc.id,
        type_id: ht.id,
        credential_id: cred,
        alias: Some("tf-host".into()),
        description: Some("made by a test".into()),
    };
    let (host_id, task) = ok(client.add_host(&add).await).expect_new();
    assert_eq!(task.host_id, Some(host_id));
    wait_ok(&client, task.id).await;

    let h = ok(client.find_host(host_id).await).unwrap_or_else(|| panic!("host gone"));
    assert_eq!(h.inner_ip_address.as_deref(), Some("172.16.1.50"));
    assert_eq!(h.status.as_deref(), Some("ONLINE"));
    assert_eq!(h.alias.as_deref(), Some("tf-host"));
    assert_eq!(h.ssh_port, Some(22));
    assert_eq!(h.idc_id, Some(idc.id));
    assert_eq!(h.idc_name.as_deref(), Some("hz1"));
    assert_eq!(h.region_name.as_deref(), Some("cn-hangzhou"));
    assert_eq!(h.type_id, Some(ht.id));
    assert_eq!(h.credential_id, Some(cred));
    assert!(h.is_free(), "{h:?}");
    assert_eq!(
        ok(client.find_host_by_ip("172.16.1.50").await),
        Some(h.clone())
    );

    // Adding the same IP again finds the registered host, which it never adopts.
    assert_eq!(
        ok(client.add_host(&add).await).expect_existing().id,
        host_id
    );

    // Free hosts: the six seeded ones plus the new one; used ones are the cluster's.
    let free = hosts(&client, true).await;
    assert_eq!(free.len(), 7, "{free:?}");
    assert!(free.iter().all(Host::is_free));
    assert!(free.iter().any(|x| x.id == host_id));
    let used = hosts(&client, false).await;
    assert_eq!(used.len(), 3, "{used:?}");
    assert!(used.iter().all(|x| x.cluster_id.is_some()));
    let free_hz1 = ok(client
        .list_hosts(&HostFilter {
            idc_id: Some(idc.id),
            type_id: Some(ht.id),
            status: Some("ONLINE".into()),
            free: Some(true),
        })
        .await);
    assert_eq!(free_hz1.len(), 3, "{free_hz1:?}");

    assert!(
        ok(client.delete_host(host_id).await).is_none(),
        "deleted at once"
    );
    assert!(
        ok(client.delete_host(host_id).await).is_none(),
        "already gone"
    );
    assert!(ok(client.find_host(host_id).await).is_none());
    assert!(ok(client.find_host_by_ip("172.16.1.50").await).is_none());
    assert!(ok(client.delete_credential(cred).await));
}

/// §5 #18: an OCP that answers a host delete with a cleanup task hands it to the caller (to
/// wait on; a repeated delete joins it), and the host is gone once the task succeeded.
#[tokio::test]
async fn a_host_delete_answered_with_a_task_returns_the_task() {
    let sim = TestSim::start(1.5).await;
    let client = sim.client();
    sim.configure(serde_json::json!({"host_delete_task": true}))
        .await;
    let free = hosts(&client, true).await;
    let host = free.first().unwrap_or_else(|| panic!("no free host"));
    let task = ok(client.delete_host(host.id).await).unwrap_or_else(|| panic!("no task"));
    assert_eq!(task.name, "Delete host");
    // A repeated DELETE while the task runs (OCP refuses it: the host is busy) joins it.
    let again = ok(client.delete_host(host.id).await).unwrap_or_else(|| panic!("not joined"));
    assert_eq!(again.id, task.id);
    wait_ok(&client, task.id).await;
    assert!(ok(client.find_host(host.id).await).is_none());
    assert!(
        ok(client.delete_host(host.id).await).is_none(),
        "already gone"
    );
}

#[tokio::test]
async fn add_host_adopts_the_host_a_post_with_a_lost_answer_registered() {
    let (sim, client) = sim().await;
    let cred = ok(client
        .create_host_credential("tf-lossy-cred", "admin", &Secret::new(SSH_PASSWORD))
        .await);
    let front = LossyFront::losing_posts(sim.sim.addr(), 1).await;
    let lossy = sim.client_at(&front.url);
    let add = AddHost {
        inner_ip_address: "172.16.1.60".into(),
        ssh_port: 22,
        kind: "DEDICATED_PHYSICAL_MACHINE".into(),
        idc_id: 1_006_002,
        type_id: 1_007_001,
        credential_id: cred,
        alias: None,
        description: None,
    };
    let h = ok(lossy.add_host(&add).await).expect_adopted();
    assert_eq!(h.inner_ip_address.as_deref(), Some("172.16.1.60"));
    assert_eq!(h.idc_name.as_deref(), Some("hz2"));
    assert_eq!(sim.count("POST /api/v2/compute/hosts/batchCreate").await, 1);
}
