//! Cluster and tenant parameters (data of [`super::Store`]): the values set away from their
//! defaults, and OCP's parameter catalogue ([`CATALOGUE`]). The rules (types, ranges, what a
//! write may change) are in [`crate::domain::parameters`].
//!
//! A parameter never set keeps its catalogue default; only values written through OCP's
//! parameter calls (or a create's `parameters`/`timeZone`) are stored here, already in the
//! spelling OceanBase shows (`True`, `10G`, `30s`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Where a parameter lives, as OCP's `parameterType` names it (C-express
/// `ClusterParameterType`/`TenantParameterType`; C-mcp for the tenant's two values).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// `OB_CLUSTER_PARAMETER`: set on the cluster, for every OBServer.
    Cluster,
    /// `OB_TENANT_PARAMETER`: a parameter set per tenant.
    Tenant,
    /// `OB_SYSTEM_VARIABLE`: a tenant's system variable.
    Variable,
}

impl Scope {
    /// OCP's `parameterType` value.
    pub fn ocp_name(self) -> &'static str {
        match self {
            Scope::Cluster => "OB_CLUSTER_PARAMETER",
            Scope::Tenant => "OB_TENANT_PARAMETER",
            Scope::Variable => "OB_SYSTEM_VARIABLE",
        }
    }
}

/// The type of a parameter's value, as OCP's parameter info names it (`valueType`, our
/// decision: OceanBase's `data_type` column of its parameter views).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `True`/`False` (case-insensitive on input).
    Bool,
    /// A whole number.
    Int,
    /// A decimal number.
    Double,
    /// A size with a unit (`B`, `K`/`KB`, `M`/`MB`, `G`/`GB`, `T`/`TB`, `P`/`PB`; a bare
    /// number is megabytes).
    Capacity,
    /// A duration with a unit (`us`, `ms`, `s`, `m`, `h`, `d`; a bare number is seconds).
    Time,
    /// One of a list of words (case-insensitive on input).
    Enum(&'static [&'static str]),
    /// Free text.
    Text,
}

impl Kind {
    /// OCP's `valueType` value.
    pub fn ocp_name(self) -> &'static str {
        match self {
            Kind::Bool => "BOOL",
            Kind::Int => "INT",
            Kind::Double => "DOUBLE",
            Kind::Capacity => "CAPACITY",
            Kind::Time => "TIME",
            Kind::Enum(_) => "ENUM",
            Kind::Text => "STRING",
        }
    }
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// Parameter name.
    pub name: &'static str,
    /// Where it lives.
    pub scope: Scope,
    /// Type of its value.
    pub kind: Kind,
    /// Default value, as OceanBase shows it.
    pub default: &'static str,
    /// Least and greatest value (numbers, sizes, durations), in the kind's spelling.
    pub range: Option<(&'static str, &'static str)>,
    /// Whether a change takes effect only after the OBServers restart.
    pub need_restart: bool,
    /// Whether it cannot be changed through OCP.
    pub readonly: bool,
    /// Section (OceanBase's grouping), e.g. `OBSERVER`.
    pub section: &'static str,
    /// What it does.
    pub description: &'static str,
}

const fn def(
    name: &'static str,
    scope: Scope,
    kind: Kind,
    default: &'static str,
    range: Option<(&'static str, &'static str)>,
    section: &'static str,
    description: &'static str,
) -> ParamDef {
    ParamDef {
        name,
        scope,
        kind,
        default,
        range,
        need_restart: false,
        readonly: false,
        section,
        description,
    }
}

const fn restart(mut d: ParamDef) -> ParamDef {
    d.need_restart = true;
    d
}

const fn readonly(mut d: ParamDef) -> ParamDef {
    d.readonly = true;
    d
}

const SYSLOG_LEVELS: &[&str] = &["DEBUG", "TRACE", "WDIAG", "EDIAG", "INFO", "WARN", "ERROR"];

/// OCP's parameter catalogue as the simulator serves it: a realistic subset of OceanBase 4.x's
/// parameters and system variables, with OceanBase's defaults and ranges.
pub const CATALOGUE: &[ParamDef] = &[
    // Cluster parameters.
    restart(def(
        "memory_limit",
        Scope::Cluster,
        Kind::Capacity,
        "0M",
        Some(("0M", "1P")),
        "OBSERVER",
        "Memory an OBServer may use; 0M means memory_limit_percentage of the host.",
    )),
    restart(def(
        "net_thread_count",
        Scope::Cluster,
        Kind::Int,
        "0",
        Some(("0", "64")),
        "OBSERVER",
        "Network I/O threads; 0 means chosen from the CPU count.",
    )),
    readonly(def(
        "data_dir",
        Scope::Cluster,
        Kind::Text,
        "store",
        None,
        "SSTABLE",
        "Directory of the data file.",
    )),
    def(
        "syslog_level",
        Scope::Cluster,
        Kind::Enum(SYSLOG_LEVELS),
        "WDIAG",
        None,
        "OBSERVER",
        "Level of the system log.",
    ),
    def(
        "enable_syslog_recycle",
        Scope::Cluster,
        Kind::Bool,
        "False",
        None,
        "OBSERVER",
        "Whether old log files are recycled (see max_syslog_file_count).",
    ),
    def(
        "max_syslog_file_count",
        Scope::Cluster,
        Kind::Int,
        "0",
        Some(("0", "1000")),
        "OBSERVER",
        "Log files kept per kind before recycling; 0 keeps all.",
    ),
    def(
        "cache_wash_threshold",
        Scope::Cluster,
        Kind::Capacity,
        "4G",
        Some(("0B", "1P")),
        "OBSERVER",
        "Free memory below which caches are washed.",
    ),
    def(
        "server_permanent_offline_time",
        Scope::Cluster,
        Kind::Time,
        "3600s",
        Some(("20s", "365d")),
        "ROOT_SERVICE",
        "How long an OBServer may be unreachable before it is taken offline for good.",
    ),
    def(
        "trace_log_slow_query_watermark",
        Scope::Cluster,
        Kind::Time,
        "1s",
        Some(("1ms", "1h")),
        "OBSERVER",
        "Queries slower than this are written to the trace log.",
    ),
    // Tenant parameters.
    def(
        "cpu_quota_concurrency",
        Scope::Tenant,
        Kind::Double,
        "4",
        Some(("1", "20")),
        "TENANT",
        "Concurrency allowed per CPU of the tenant.",
    ),
    def(
        "freeze_trigger_percentage",
        Scope::Tenant,
        Kind::Int,
        "20",
        Some(("1", "99")),
        "TENANT",
        "Memstore use (percent) that triggers a freeze.",
    ),
    def(
        "writing_throttling_trigger_percentage",
        Scope::Tenant,
        Kind::Int,
        "60",
        Some(("1", "100")),
        "TENANT",
        "Memstore use (percent) above which writes are throttled.",
    ),
    def(
        "enable_sql_audit",
        Scope::Tenant,
        Kind::Bool,
        "True",
        None,
        "OBSERVER",
        "Whether SQL audit is on for the tenant.",
    ),
    def(
        "undo_retention",
        Scope::Tenant,
        Kind::Int,
        "1800",
        Some(("0", "4294967295")),
        "TENANT",
        "Seconds of undo kept for flashback queries.",
    ),
    // Tenant system variables.
    def(
        "ob_query_timeout",
        Scope::Variable,
        Kind::Int,
        "10000000",
        Some(("0", "9223372036854775807")),
        "",
        "Query timeout in microseconds.",
    ),
    def(
        "ob_sql_work_area_percentage",
        Scope::Variable,
        Kind::Int,
        "5",
        Some(("0", "100")),
        "",
        "Share of tenant memory (percent) for SQL work areas.",
    ),
    def(
        "time_zone",
        Scope::Variable,
        Kind::Text,
        "+8:00",
        None,
        "",
        "Time zone of sessions: an offset such as +8:00, or SYSTEM.",
    ),
];

/// The catalogue entry of `name` (case-insensitive, as OceanBase matches names).
pub fn find(name: &str) -> Option<&'static ParamDef> {
    CATALOGUE.iter().find(|d| d.name.eq_ignore_ascii_case(name))
}

/// The parameter values set away from their defaults, by cluster and by tenant.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ParameterState {
    /// Cluster parameters by cluster id, then name.
    pub clusters: BTreeMap<i64, BTreeMap<String, String>>,
    /// Tenant parameters and system variables by tenant id, then name.
    pub tenants: BTreeMap<i64, BTreeMap<String, String>>,
}

impl ParameterState {
    /// The current value of `def` in `set` (what was set, else the default).
    pub fn value_in(set: Option<&BTreeMap<String, String>>, def: &ParamDef) -> String {
        set.and_then(|m| m.get(def.name))
            .cloned()
            .unwrap_or_else(|| def.default.to_string())
    }
}
