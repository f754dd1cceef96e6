//! Tests of the lifecycle adapter on a toy object through the provider core, with a client
//! whose OCP is unreachable: what the adapter does without asking OCP (record-then-wait,
//! pending resume, refusal, not-found, writing models over what Terraform holds).

use crate::lifecycle::{Change, Found, Imported, Step};
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::*;
use crate::client::ClientConfig;
use crate::framework::core::tests::{toy_schema, TestConfig};
use crate::framework::core::ProviderCore;
use crate::framework::Attr;

/// The toy's model; `size` is computed by "OCP".
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
struct ToyModel {
    id: Option<String>,
    name: String,
    size: Option<i64>,
    status: Option<String>,
}

/// A toy object whose behaviour follows its `name`: "taken" exists already, "building" has a
/// task that cannot be waited on (OCP unreachable); ids "gone" and "stale" shape reads.
struct Toy;

#[tonic::async_trait]
impl OcpObject for Toy {
    type Model = ToyModel;
    const TYPE_NAME: &'static str = "ocp_toy";
    const NOUN: &'static str = "Toy";

    fn schema(&self) -> Schema {
        toy_schema()
            .attr("size", Attr::int().computed().doc("d"))
            .attr("status", Attr::string().computed().doc("d"))
            .timeouts(&[("create", Duration::from_millis(300))])
    }

    async fn create(&self, call: &mut Call<'_>, plan: &ToyModel) -> Step<Born<ToyModel>> {
        let state = ToyModel {
            id: Some("42".into()),
            ..plan.clone()
        };
        match plan.name.as_str() {
            "taken" => Err(refuse_existing::<Toy>(
                call.diags,
                "toy \"taken\"",
                7,
                "name",
            )),
            "building" => Ok(Born::waiting(state, vec![77])),
            _ => Ok(Born::done(state)),
        }
    }

    async fn read(&self, _c: &OcpClient, base: &ToyModel) -> Found<ToyModel> {
        Ok(match base.id.as_deref() {
            Some("gone") => None,
            // OCP moved on since the state was read (a pending task finished).
            Some("stale") if base.name == "old" => Some(ToyModel {
                name: "fresh".into(),
                size: Some(3),
                status: Some("RUNNING".into()),
                ..base.clone()
            }),
            _ => Some(ToyModel {
                size: Some(3),
                status: Some("RUNNING".into()),
                ..base.clone()
            }),
        })
    }

    async fn update(&self, call: &mut Call<'_>, c: Change<'_, ToyModel>) -> Step {
        let Change { prior, .. } = c;
        if prior.id.as_deref() == Some("stale") && prior.name != "fresh" {
            return Err(call.error(None, "the update got the old prior"));
        }
        Ok(())
    }

    async fn delete(&self, _call: &mut Call<'_>, state: &ToyModel) -> Step {
        match state.name.as_str() {
            "vanished" => Err(ClientError::NotFound {
                method: "DELETE",
                path: "/toys/42".into(),
                message: "no such toy".into(),
                trace_id: None,
            }
            .into()),
            _ => Ok(()),
        }
    }

    async fn import(&self, _c: Option<&OcpClient>, id: &str) -> Imported<ToyModel> {
        Ok(ToyModel {
            id: Some(id.into()),
            ..ToyModel::default()
        })
    }
}

/// The provider data of a client of an OCP nobody listens on.
fn dead_ocp() -> Option<Arc<dyn ProviderData>> {
    let mut cfg = ClientConfig::new("http://127.0.0.1:9", "admin", "pw");
    cfg.max_retries = 0;
    cfg.request_timeout = Duration::from_millis(100);
    OcpClient::new(cfg)
        .ok()
        .map(|c| Arc::new(c) as Arc<dyn ProviderData>)
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn core() -> ProviderCore {
    let c = ProviderCore::new(
        Box::new(TestConfig(dead_ocp)),
        vec![Arc::new(Managed(Toy))],
        vec![],
    );
    let d = rt().block_on(c.configure(&Value::object(Vec::<(String, Value)>::new())));
    assert!(!d.has_errors(), "{d:?}");
    c
}

fn toy(id: Option<&str>, name: &str) -> Value {
    Value::object([
        ("id", id.map(Value::string).unwrap_or(Value::Null)),
        ("name", Value::string(name)),
        ("size", Value::Null),
        ("status", Value::Null),
        ("timeouts", Value::Null),
    ])
}

/// A toy as a refresh left it (computed values known).
fn refreshed(id: &str, name: &str) -> Value {
    let mut v = toy(Some(id), name);
    v.set_attr("size", Value::from_i64(3));
    v.set_attr("status", Value::string("RUNNING"));
    v
}

fn plan_create(c: &ProviderCore, name: &str) -> Value {
    let config = toy(None, name);
    c.plan_resource_change("ocp_toy", &Value::Null, &config, &config, &[])
        .planned
}

/// Plans and applies the create of a toy named `name`.
fn create(c: &ProviderCore, name: &str) -> (Value, Vec<u8>, Diagnostics) {
    let planned = plan_create(c, name);
    rt().block_on(c.apply_resource_change("ocp_toy", Value::Null, planned, toy(None, name), vec![]))
}

/// Applies a change from `prior` to `plan` (also the configuration) with stored `private`.
fn apply(
    c: &ProviderCore,
    prior: Value,
    plan: Value,
    private: Vec<u8>,
) -> (Value, Vec<u8>, Diagnostics) {
    rt().block_on(c.apply_resource_change("ocp_toy", prior, plan.clone(), plan, private))
}

#[test]
fn a_create_records_the_model_read_back_over_the_plan() {
    let c = core();
    let (s, _, d) = create(&c, "plain");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(s.get("id"), Some(&Value::string("42")));
    assert_eq!(s.get("size"), Some(&Value::from_i64(3)), "read back");
    assert_eq!(s.get("timeouts"), Some(&Value::Null), "kept from the plan");
}

#[test]
fn a_create_whose_task_cannot_be_waited_on_keeps_the_id_and_leaves_it_pending() {
    let c = core();
    let (s, private, d) = create(&c, "building");
    assert!(
        !d.has_errors(),
        "a create left pending is not tainted: {d:?}"
    );
    assert!(d.0[0].summary.contains("OCP Task Still Running"), "{d:?}");
    assert_eq!(
        s.get("id"),
        Some(&Value::string("42")),
        "recorded before the wait"
    );
    assert_eq!(s.get("size"), Some(&Value::Null), "unknowns stripped");
    let p = pending::pending_of(&private).unwrap();
    assert_eq!((p.op, p.tasks), (Op::Create, vec![77]));
    // The next plan shows the pending task as a change of `status`.
    let prior = s.clone();
    let resp = c.plan_resource_change("ocp_toy", &prior, &prior, &toy(None, "building"), &private);
    assert_eq!(resp.planned.get("status"), Some(&Value::Unknown));
    assert!(resp
        .diags
        .0
        .iter()
        .any(|d| d.summary == "OCP Task Still Running"));
}

#[test]
fn an_object_that_existed_before_is_refused_and_nothing_is_recorded() {
    let c = core();
    let (s, _, d) = create(&c, "taken");
    assert!(s.is_null());
    assert_eq!(d.0.len(), 1, "{d:?}");
    assert_eq!(d.0[0].summary, "Toy Already Exists");
}

#[test]
fn a_gone_object_leaves_state_and_a_vanished_one_counts_as_deleted() {
    let c = core();
    let (s, _, d) = rt().block_on(c.read_resource("ocp_toy", toy(Some("gone"), "x"), vec![]));
    assert!(d.is_empty() && s.is_none(), "{d:?}");
    let (s, _, d) = apply(&c, toy(Some("42"), "vanished"), Value::Null, vec![]);
    assert!(d.is_empty() && s.is_null(), "{d:?}");
}

/// Private bytes with an update task that failed after the last apply stopped waiting
/// (finishing it needs no OCP call).
fn failed_update_pending() -> Vec<u8> {
    let mut b = Vec::new();
    Private::edit(&mut b, |p| {
        p.set_pending(Op::Update, vec![5]);
        if let Some(q) = p.pending.as_mut() {
            q.failed = Some("boom".into());
        }
    });
    b
}

#[test]
fn after_pending_tasks_the_update_starts_from_a_fresh_read() {
    let c = core();
    let plan = refreshed("stale", "wanted");
    let (s, private, d) = apply(
        &c,
        refreshed("stale", "old"),
        plan.clone(),
        failed_update_pending(),
    );
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(s.get("name"), Some(&Value::string("wanted")));
    assert_eq!(pending::pending_of(&private), None, "nothing left pending");
    // Without pending tasks the prior state is the one Terraform refreshed: no re-read.
    let (_, _, d) = apply(&c, refreshed("stale", "old"), plan, vec![]);
    assert_eq!(d.0[0].detail, "the update got the old prior");
}

#[test]
fn an_object_gone_after_its_pending_tasks_is_an_error_not_a_create() {
    let c = core();
    let prior = refreshed("gone", "old");
    let plan = refreshed("gone", "wanted");
    let (s, _, d) = apply(&c, prior.clone(), plan, failed_update_pending());
    assert_eq!(d.0[0].summary, "Object Gone After Pending OCP Task");
    assert!(d.0[0].detail.contains("task 5"), "{}", d.0[0].detail);
    assert_eq!(
        s, prior,
        "Terraform keeps what it had; the next refresh drops it"
    );
}

#[test]
fn a_model_is_written_over_what_terraform_holds() {
    let schema = Toy.schema();
    let base = Value::object([
        ("id", Value::Unknown),
        ("name", Value::string("n")),
        ("size", Value::Unknown),
        ("status", Value::Unknown),
        ("timeouts", Value::object([("create", Value::string("5m"))])),
    ]);
    #[derive(Serialize)]
    struct Part {
        name: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        size: Option<i64>,
    }
    let mut d = Diagnostics::new();
    let part = Part {
        name: "m".into(),
        size: None,
    };
    let v = value_over(&part, &schema, &base, &mut d).unwrap();
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(v.get("name"), Some(&Value::string("m")));
    assert_eq!(
        v.get("size"),
        Some(&Value::Unknown),
        "a plan keeps what the model does not write, unknowns included"
    );
    assert_eq!(v.get("id"), Some(&Value::Unknown));
    assert_eq!(
        v.get("timeouts").and_then(|t| t.get("create")),
        Some(&Value::string("5m")),
        "attributes the model does not name keep their values"
    );
}

#[test]
fn ocp_fields_map_to_attributes_by_table() {
    let err = ClientError::Api {
        method: "POST",
        path: "/x".into(),
        http_status: 400,
        code: None,
        message: "invalid zones[0].resourcePool.unitCount: too many".into(),
        trace_id: None,
    };
    let table = [("unitCount", "unit_count"), ("name", "name")];
    assert_eq!(
        attr_by_field(&err, &table),
        Some(AttrPath::root("unit_count"))
    );
    assert_eq!(attr_by_field(&err, &[("name", "name")]), None);
}

#[test]
fn an_import_id_is_an_ocp_id_or_a_name() {
    // A stand-in for the client: objects 5 ("demo") and nothing else.
    struct Ocp;
    async fn find(_: &Ocp, c: Choice) -> Result<Option<(i64, &'static str)>, ClientError> {
        Ok(match c {
            Choice::Id(5) => Some((5, "demo")),
            Choice::Key(k) if k == "demo" => Some((5, "demo")),
            _ => None,
        })
    }
    let import = |client: Option<&'static Ocp>, id: &'static str| {
        rt().block_on(import_by_id_or_name(
            client,
            id,
            "cluster",
            "\"<cluster_id>\" or \"<cluster_name>\"",
            find,
        ))
    };
    assert_eq!(import(Some(&Ocp), "5").ok(), Some((5, "demo")));
    assert_eq!(import(Some(&Ocp), "demo").ok(), Some((5, "demo")));
    assert!(matches!(import(None, "5"), Err(ImportError::NoClient)));
    match import(Some(&Ocp), "7") {
        Err(ImportError::NotFound(why)) => assert_eq!(
            why,
            "OCP has no cluster with id or name \"7\". Expected \"<cluster_id>\" or \"<cluster_name>\"."
        ),
        other => panic!("expected NotFound, got {other:?}"),
    }
}

/// `Call::made_id`: the answer's id, else the look-up's, else one error naming the object and
/// the tasks, with no attribute path (nothing is recorded).
#[tokio::test]
async fn a_created_objects_id_comes_from_the_answer_or_its_look_up() {
    let client = OcpClient::new(ClientConfig::new("http://127.0.0.1:9", "u", "p")).unwrap();
    let ctx = Ctx::new(None, tokio_util::sync::CancellationToken::new());
    let (mut private, mut diags) = (Vec::new(), Diagnostics::new());
    let out = (&mut private, &mut diags);
    let mut call = Call::new(
        &client,
        &ctx,
        Duration::from_secs(5),
        out,
        "Create Toy",
        Op::Create,
    );
    let unused = async { Err::<Option<i64>, _>(crate::resources::rejected("no")) };
    assert_eq!(
        call.made_id(Some(3), unused, "toy", &[1]).await.ok(),
        Some(3)
    );
    let found = async { Ok(Some(7)) };
    assert_eq!(call.made_id(None, found, "toy", &[1]).await.ok(), Some(7));
    let missing = async { Ok(None) };
    assert!(call
        .made_id(None, missing, "toy \"a\"", &[4, 5])
        .await
        .is_err());
    let failed = async { Err(crate::resources::rejected("no")) };
    assert!(call.made_id(None, failed, "toy \"b\"", &[6]).await.is_err());
    assert_eq!(diags.0.len(), 2, "{diags:?}");
    assert!(diags.0[0]
        .detail
        .contains("(tasks [4, 5]) but toy \"a\" was not found"));
    assert!(diags.0[1]
        .detail
        .contains("but toy \"b\" could not be looked up"));
    assert!(diags.0.iter().all(|d| d.path.is_none()));
}

/// `owned`: a new object's answer; one this create's own POST made when it fits; any other
/// found object refused on the attribute `existing` names, with its import id.
#[test]
fn a_create_keeps_only_what_it_made() {
    let mut d = Diagnostics::new();
    let existing = |name: &str| (format!("toy {name:?}"), format!("id-{name}"), "name");
    let fits = |n: &&str| *n == "mine";
    let new = owned::<Toy, i64, &str>(&mut d, Created::New(1), fits, existing);
    assert_eq!(new.ok(), Some(Ok(1)));
    let adopted = owned::<Toy, i64, &str>(&mut d, Created::Adopted("mine"), fits, existing);
    assert_eq!(adopted.ok(), Some(Err("mine")));
    assert!(d.is_empty(), "{d:?}");
    let other = owned::<Toy, i64, &str>(&mut d, Created::Adopted("other"), fits, existing);
    let before = owned::<Toy, i64, &str>(&mut d, Created::Existing("mine"), fits, existing);
    assert!(other.is_err() && before.is_err());
    assert_eq!(d.0.len(), 2, "{d:?}");
    assert!(d.0.iter().all(|x| x.path == Some(AttrPath::root("name"))));
    assert!(d.0[0].detail.contains("toy \"other\"") && d.0[0].detail.contains("id-other"));
}
