//! Schemas: what a resource, data source or the provider block accepts and returns.
//!
//! Protocol-free builders. A resource file declares its schema here once; the framework
//! derives from it the value type (for the codec), plan rules (defaults, computed values,
//! replacement), validation and the generated docs. Every attribute carries a description:
//! the builders make a missing one a test failure (`Schema::check`).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::diag::AttrPath;
use super::timeouts;
use super::validate::Validator;
use crate::value::{Type, Value};

/// The schema of a resource type, data source or provider block.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Schema version recorded in state; bump it together with a state upgrade.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
    /// Default duration of each operation named in the `timeouts` block.
    pub timeout_defaults: Vec<(&'static str, Duration)>,
    /// The value type, derived once on first use (every RPC decodes with it).
    ty: std::sync::OnceLock<Type>,
}

impl Schema {
    /// A version-0 schema whose block has this description.
    pub fn new(description: impl Into<String>) -> Schema {
        Schema {
            version: 0,
            block: Block::new(description),
            timeout_defaults: Vec::new(),
            ty: std::sync::OnceLock::new(),
        }
    }

    /// Sets the schema version.
    pub fn version(mut self, v: i64) -> Schema {
        self.version = v;
        self
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: &str, attr: Attr) -> Schema {
        self.block = self.block.attr(name, attr);
        self.ty = std::sync::OnceLock::new();
        self
    }

    /// Adds attributes `names` of `source` (a resource's schema) as computed attributes
    /// with the same type and description: what a data source reports of an object.
    pub fn reported(self, source: &Schema, names: &[&str]) -> Schema {
        self.reported_with(source, names.iter().map(|n| (*n, None)))
    }

    /// [`Schema::reported`] in the data source's own words: each `(name, description)` of
    /// `docs` takes the type of `source`'s attribute `name`; names `source` lacks are left out.
    pub fn reported_as(self, source: &Schema, docs: &[(&str, &str)]) -> Schema {
        self.reported_with(source, docs.iter().map(|(n, d)| (*n, Some(*d))))
    }

    /// Computed copies of `source`'s attributes, each with the given description or else
    /// `source`'s.
    fn reported_with<'a>(
        self,
        source: &Schema,
        entries: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Schema {
        entries.fold(self, |s, (name, doc)| match source.block.attribute(name) {
            Some(a) => {
                let doc = doc.map_or_else(|| a.description.clone(), str::to_owned);
                s.attr(name, Attr::of(a.ty.clone()).computed().doc(doc))
            }
            None => s,
        })
    }

    /// Adds a nested block.
    pub fn block(mut self, name: &str, nested: NestedBlock) -> Schema {
        self.block = self.block.block(name, nested);
        self.ty = std::sync::OnceLock::new();
        self
    }

    /// Adds the standard `timeouts` block with the given operations and their defaults,
    /// e.g. `&[("create", 30 min), ("delete", 15 min)]`.
    pub fn timeouts(mut self, ops: &[(&'static str, Duration)]) -> Schema {
        self.block = self.block.block(timeouts::BLOCK, timeouts::block(ops));
        self.timeout_defaults = ops.to_vec();
        self.ty = std::sync::OnceLock::new();
        self
    }

    /// How long `op` ("create", "read", "update", "delete") may take for the object `v`:
    /// the value written in its `timeouts` block, else the schema's default, else 20 minutes.
    pub fn timeout(&self, v: &Value, op: &str) -> Duration {
        let default = self
            .timeout_defaults
            .iter()
            .find(|(o, _)| *o == op)
            .map(|(_, d)| *d)
            .unwrap_or(timeouts::FALLBACK);
        timeouts::configured(v, op).unwrap_or(default)
    }

    /// The value type of the whole object.
    pub fn value_type(&self) -> &Type {
        self.ty.get_or_init(|| self.block.implied_type())
    }

    /// The object type of some of this schema's attributes: the element type of a list data
    /// source whose entries are these objects, so it is never written a second time.
    pub fn pick(&self, names: &[&str]) -> Type {
        match self.value_type() {
            Type::Object(attrs) => Type::Object(
                attrs
                    .iter()
                    .filter(|(n, _)| names.contains(&n.as_str()))
                    .map(|(n, t)| (n.clone(), t.clone()))
                    .collect(),
            ),
            t => t.clone(),
        }
    }

    /// Problems in the schema itself (missing descriptions, contradictory flags). Tests call it
    /// for every registered schema, so a defect never reaches a user.
    pub fn check(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.block.check("", &mut out);
        out
    }
}

/// A block: attributes and nested blocks.
#[derive(Clone, Debug, Default)]
pub struct Block {
    /// User documentation of the block.
    pub description: String,
    /// Attributes, in declaration order.
    pub attributes: Vec<(String, Attr)>,
    /// Nested blocks, in declaration order.
    pub blocks: Vec<(String, NestedBlock)>,
}

impl Block {
    /// An empty block with a description.
    pub fn new(description: impl Into<String>) -> Block {
        Block {
            description: description.into(),
            ..Block::default()
        }
    }

    /// Adds an attribute.
    pub fn attr(mut self, name: &str, attr: Attr) -> Block {
        self.attributes.push((name.to_string(), attr));
        self
    }

    /// Adds a nested block.
    pub fn block(mut self, name: &str, nested: NestedBlock) -> Block {
        self.blocks.push((name.to_string(), nested));
        self
    }

    /// Looks an attribute up by name.
    pub fn attribute(&self, name: &str) -> Option<&Attr> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, a)| a)
    }

    /// Looks a nested block up by name.
    pub fn nested(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|(n, _)| n == name).map(|(_, b)| b)
    }

    /// The object type this block's values have (tfplugin5.md §2.3 value shapes).
    pub fn implied_type(&self) -> Type {
        let mut attrs = BTreeMap::new();
        for (name, a) in &self.attributes {
            attrs.insert(name.clone(), a.ty.clone());
        }
        for (name, b) in &self.blocks {
            attrs.insert(name.clone(), b.value_type());
        }
        Type::Object(attrs)
    }

    /// The value of this block when nothing is set: null attributes, empty collections for
    /// list/set/map blocks, null single blocks, and group blocks of nulls.
    pub fn empty_value(&self) -> Value {
        let mut obj = BTreeMap::new();
        for (name, _) in &self.attributes {
            obj.insert(name.clone(), Value::Null);
        }
        for (name, b) in &self.blocks {
            obj.insert(name.clone(), b.absent_value());
        }
        Value::Object(obj)
    }

    /// Returns `v` reshaped to exactly this block's attributes: missing attributes become
    /// null (or the empty value of a block), attributes the schema does not know are dropped.
    /// Every value the provider hands to Terraform passes through here, so a resource that
    /// forgets a field cannot produce "an object with N attributes is required".
    pub fn conform(&self, v: &Value) -> Value {
        let Value::Object(src) = v else {
            return v.clone();
        };
        let mut obj = BTreeMap::new();
        for (name, _) in &self.attributes {
            obj.insert(name.clone(), src.get(name).cloned().unwrap_or(Value::Null));
        }
        for (name, b) in &self.blocks {
            let val = match src.get(name) {
                None | Some(Value::Null) => b.absent_value(),
                Some(val) => b.conform(val),
            };
            obj.insert(name.clone(), val);
        }
        Value::Object(obj)
    }

    fn check(&self, prefix: &str, out: &mut Vec<String>) {
        for (name, a) in &self.attributes {
            let path = format!("{prefix}{name}");
            if a.description.trim().is_empty() {
                out.push(format!("{path}: attribute has no description"));
            }
            let flags = (a.required, a.optional, a.computed);
            if !matches!(
                flags,
                (true, false, false)
                    | (false, true, false)
                    | (false, false, true)
                    | (false, true, true)
            ) {
                out.push(format!(
                    "{path}: must be required, optional, computed or optional+computed"
                ));
            }
            if a.default.is_some() && !(a.optional && a.computed) {
                out.push(format!("{path}: a default needs optional+computed"));
            }
            if !valid_name(name) {
                out.push(format!("{path}: invalid attribute name"));
            }
        }
        for (name, b) in &self.blocks {
            if b.block.description.trim().is_empty() {
                out.push(format!("{prefix}{name}: block has no description"));
            }
            b.block.check(&format!("{prefix}{name}."), out);
        }
    }
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// How a nested block repeats (tfplugin5.md §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one; null when absent.
    Single,
    /// An ordered list of blocks.
    List,
    /// An unordered set of blocks.
    Set,
    /// Blocks keyed by a label.
    Map,
    /// Exactly one, never null.
    Group,
}

/// A block nested in another block.
#[derive(Clone, Debug)]
pub struct NestedBlock {
    /// How it repeats.
    pub nesting: Nesting,
    /// Its content.
    pub block: Block,
    /// Minimum number of blocks (0 = none).
    pub min_items: i64,
    /// Maximum number of blocks (0 = unlimited).
    pub max_items: i64,
    /// Changing anything inside forces replacement of the whole object.
    pub requires_replace: bool,
}

impl NestedBlock {
    /// A block that appears at most once.
    pub fn single(block: Block) -> NestedBlock {
        NestedBlock::with(Nesting::Single, block)
    }

    /// A block that may repeat, in order.
    pub fn list(block: Block) -> NestedBlock {
        NestedBlock::with(Nesting::List, block)
    }

    /// A block that may repeat, order not significant.
    pub fn set(block: Block) -> NestedBlock {
        NestedBlock::with(Nesting::Set, block)
    }

    fn with(nesting: Nesting, block: Block) -> NestedBlock {
        NestedBlock {
            nesting,
            block,
            min_items: 0,
            max_items: 0,
            requires_replace: false,
        }
    }

    /// Sets the minimum and maximum block count.
    pub fn items(mut self, min: i64, max: i64) -> NestedBlock {
        self.min_items = min;
        self.max_items = max;
        self
    }

    /// Any change inside this block forces replacement.
    pub fn requires_replace(mut self) -> NestedBlock {
        self.requires_replace = true;
        self
    }

    /// The type of this block's value inside its parent object.
    pub fn value_type(&self) -> Type {
        let inner = self.block.implied_type();
        match self.nesting {
            Nesting::Single | Nesting::Group => inner,
            Nesting::List => Type::List(Box::new(inner)),
            Nesting::Set => Type::Set(Box::new(inner)),
            Nesting::Map => Type::Map(Box::new(inner)),
        }
    }

    /// The value that stands for "no block written".
    pub fn absent_value(&self) -> Value {
        match self.nesting {
            Nesting::Single => Value::Null,
            Nesting::Group => self.block.empty_value(),
            Nesting::List => Value::List(Vec::new()),
            Nesting::Set => Value::Set(Vec::new()),
            Nesting::Map => Value::Map(BTreeMap::new()),
        }
    }

    fn conform(&self, v: &Value) -> Value {
        match (self.nesting, v) {
            (Nesting::Single | Nesting::Group, Value::Object(_)) => self.block.conform(v),
            (Nesting::List, Value::List(items)) => {
                Value::List(items.iter().map(|i| self.block.conform(i)).collect())
            }
            (Nesting::Set, Value::Set(items)) => {
                Value::Set(items.iter().map(|i| self.block.conform(i)).collect())
            }
            (Nesting::Map, Value::Map(items)) => Value::Map(
                items
                    .iter()
                    .map(|(k, i)| (k.clone(), self.block.conform(i)))
                    .collect(),
            ),
            _ => v.clone(),
        }
    }
}

/// `Attr` with its flags: each flag is a field (false unless set) and the builder method of
/// the same name that sets it.
macro_rules! attr_flags {
    ($($(#[$doc:meta])* $flag:ident,)*) => {
        /// One attribute of a block.
        #[derive(Clone)]
        pub struct Attr {
            /// Value type.
            pub ty: Type,
            /// User documentation: full sentences with units, defaults, and whether a change
            /// replaces.
            pub description: String,
            $($(#[$doc])* pub $flag: bool,)*
            /// Value planned when the configuration leaves the attribute out.
            pub default: Option<Value>,
            /// Checks on configured values (null and unknown values are skipped).
            pub validators: Vec<Arc<dyn Validator>>,
            /// True for numbers that must be whole.
            pub integer: bool,
        }

        impl Attr {
            /// An attribute of any type; use the typed constructors where possible.
            pub fn of(ty: Type) -> Attr {
                Attr {
                    ty,
                    description: String::new(),
                    $($flag: false,)*
                    default: None,
                    validators: Vec::new(),
                    integer: false,
                }
            }

            $($(#[$doc])* pub fn $flag(mut self) -> Attr {
                self.$flag = true;
                self
            })*
        }
    };
}

attr_flags! {
    /// Must be set in configuration.
    required,
    /// May be set in configuration.
    optional,
    /// Set by the provider (combine with `optional` for "set by the user or else by OCP").
    computed,
    /// Hidden in plan output and never logged.
    sensitive,
    /// A change to this attribute replaces the object.
    requires_replace,
    /// A computed value that never changes once known: on update the plan keeps the prior
    /// value instead of showing "(known after apply)" (ids, creation times).
    use_state_for_unknown,
}

impl std::fmt::Debug for Attr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attr")
            .field("ty", &self.ty)
            .field("required", &self.required)
            .field("optional", &self.optional)
            .field("computed", &self.computed)
            .field("sensitive", &self.sensitive)
            .finish_non_exhaustive()
    }
}

impl Attr {
    /// A string attribute.
    pub fn string() -> Attr {
        Attr::of(Type::String)
    }

    /// A whole-number attribute (a Terraform number checked to be an integer).
    pub fn int() -> Attr {
        let mut a = Attr::of(Type::Number);
        a.integer = true;
        a
    }

    /// A boolean attribute.
    pub fn bool() -> Attr {
        Attr::of(Type::Bool)
    }

    /// A list attribute.
    pub fn list(elem: Type) -> Attr {
        Attr::of(Type::List(Box::new(elem)))
    }

    /// A set attribute.
    pub fn set(elem: Type) -> Attr {
        Attr::of(Type::Set(Box::new(elem)))
    }

    /// A map attribute.
    pub fn map(elem: Type) -> Attr {
        Attr::of(Type::Map(Box::new(elem)))
    }

    /// The value planned when configuration leaves the attribute out; makes it optional+computed.
    pub fn default(mut self, v: Value) -> Attr {
        self.default = Some(v);
        self.optional = true;
        self.computed = true;
        self
    }

    /// Adds a validator.
    pub fn validate(mut self, v: impl Validator + 'static) -> Attr {
        self.validators.push(Arc::new(v));
        self
    }

    /// Sets the user documentation.
    pub fn doc(mut self, d: impl Into<String>) -> Attr {
        self.description = d.into();
        self
    }

    /// The attribute path-independent check of a configured value (types are already right):
    /// integer-ness and the validators.
    pub(crate) fn validate_value(
        &self,
        path: &AttrPath,
        v: &Value,
        diags: &mut super::diag::Diagnostics,
    ) {
        if v.is_null() || v.is_unknown() {
            return;
        }
        if self.integer {
            if let Some(n) = v.as_number() {
                if !n.is_integer() {
                    diags.attr_error(
                        path.clone(),
                        "Invalid Attribute Value",
                        format!("Attribute {path} must be a whole number, got {n}."),
                    );
                    return;
                }
                if n.to_i64().is_none() {
                    // The attribute's own range says more than the limit of 64 bits.
                    let range = self
                        .validators
                        .iter()
                        .map(|v| v.description())
                        .find(|d| d.starts_with("between "))
                        .unwrap_or_else(|| format!("between {} and {}", i64::MIN, i64::MAX));
                    diags.attr_error(
                        path.clone(),
                        "Invalid Attribute Value",
                        format!("Attribute {path} must be {range}, got {n}."),
                    );
                    return;
                }
            }
        }
        for val in &self.validators {
            val.validate(path, v, diags);
        }
    }
}

// ---- computed attributes from a table ----

/// Adds to a schema or block the computed attributes of a table of `(name, type,
/// description)`: what a data source reports of an object, written once as data instead of
/// one `.attr(...)` call each.
fn with_computed<T>(start: T, table: &[(&str, Type, &str)], add: impl Fn(T, &str, Attr) -> T) -> T {
    table.iter().fold(start, |s, (name, ty, doc)| {
        add(s, name, Attr::of(ty.clone()).computed().doc(*doc))
    })
}

impl Schema {
    /// Adds computed attributes from a table of `(name, type, description)`.
    pub fn computed_attrs(self, table: &[(&str, Type, &str)]) -> Schema {
        with_computed(self, table, Schema::attr)
    }
}

impl Block {
    /// Adds computed attributes from a table of `(name, type, description)`.
    pub fn computed_attrs(self, table: &[(&str, Type, &str)]) -> Block {
        with_computed(self, table, Block::attr)
    }
}

#[cfg(test)]
mod computed_attrs_tests {
    use super::*;

    #[test]
    fn a_table_adds_computed_attributes_with_their_type_and_description() {
        let table = [("a", Type::String, "A."), ("n", Type::Number, "N.")];
        let s = Schema::new("s").computed_attrs(&table);
        let b = Block::new("b").computed_attrs(&table);
        for block in [&s.block, &b] {
            let a = block
                .attribute("n")
                .map(|a| (a.ty.clone(), a.computed, a.optional));
            assert_eq!(a, Some((Type::Number, true, false)));
            assert_eq!(
                block.attribute("a").map(|a| a.description.as_str()),
                Some("A.")
            );
        }
        assert!(s.check().is_empty(), "{:?}", s.check());
    }

    #[test]
    fn reported_attributes_take_the_source_type_and_the_given_description() {
        let source = Schema::new("r")
            .attr("size", Attr::int().required().doc("Size to create."))
            .attr("name", Attr::string().required().doc("Name."));
        let s = Schema::new("d").reported_as(&source, &[("size", "Size now."), ("gone", "x")]);
        let size = s
            .block
            .attribute("size")
            .map(|a| (a.ty.clone(), a.description.clone()));
        assert_eq!(size, Some((Type::Number, "Size now.".to_string())));
        assert!(s.block.attribute("name").is_none());
        assert!(s.block.attribute("gone").is_none());
        assert!(s.check().is_empty(), "{:?}", s.check());
    }
}
