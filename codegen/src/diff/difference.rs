//! What differs at one place of a schema, before a rule gives it a direction and a breaking
//! flag: the vocabulary shared by the schema walk and the verdicts.

/// What differs at one place of a schema (a field path), before a rule gives it a direction
/// and a breaking flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Difference {
    TypeChanged {
        old: String,
        new: String,
    },
    FormatChanged {
        old: Option<String>,
        new: Option<String>,
    },
    BecameNullable,
    BecameNotNullable,
    EnumValueAdded(String),
    EnumValueRemoved(String),
    PropertyAdded {
        required: bool,
    },
    PropertyRemoved,
    BecameRequired,
    BecameOptional,
    VariantAdded {
        keyword: String,
        label: String,
    },
    VariantRemoved {
        keyword: String,
        label: String,
    },
    /// An enum where there was none (an open value became closed).
    EnumAdded,
    /// No enum where there was one.
    EnumRemoved,
    /// A bound allows fewer values (`maxLength` 100 → 50, a `minimum` appears).
    BoundTightened {
        keyword: &'static str,
        old: Option<String>,
        new: Option<String>,
    },
    /// A bound allows more values.
    BoundRelaxed {
        keyword: &'static str,
        old: Option<String>,
        new: Option<String>,
    },
    /// The `pattern` appeared, changed or disappeared.
    PatternChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// An array gained or lost its `items` schema: the element type, as Rust names it, on each
    /// side (`None`: no `items`, so any JSON value).
    ItemsChanged {
        old: Option<String>,
        new: Option<String>,
    },
    /// The schema moved into, out of or between `components` (an inline enum became
    /// `$ref: UserRole`): the Rust type typify names, on each side, changes.
    TypeRenamed {
        old: String,
        new: String,
    },
    /// The discriminator's property or mapping changed.
    DiscriminatorChanged {
        old: Option<String>,
        new: Option<String>,
    },
}

impl Difference {
    /// The value before and after, for a difference of one value.
    pub(super) fn values(&self) -> (Option<String>, Option<String>) {
        match self {
            Difference::TypeChanged { old, new } | Difference::TypeRenamed { old, new } => {
                (Some(old.clone()), Some(new.clone()))
            }
            Difference::FormatChanged { old, new } => (old.clone(), new.clone()),
            Difference::EnumValueAdded(v) => (None, Some(v.clone())),
            Difference::EnumValueRemoved(v) => (Some(v.clone()), None),
            Difference::VariantAdded { label, .. } => (None, Some(label.clone())),
            Difference::VariantRemoved { label, .. } => (Some(label.clone()), None),
            Difference::BoundTightened { old, new, .. }
            | Difference::BoundRelaxed { old, new, .. }
            | Difference::PatternChanged { old, new }
            | Difference::ItemsChanged { old, new }
            | Difference::DiscriminatorChanged { old, new } => (old.clone(), new.clone()),
            _ => (None, None),
        }
    }
}

/// One change, at a field path relative to the compared schema (`""` for the schema itself),
/// with the JSON pointers of the schemas it concerns in each document: for a property that
/// appears or disappears, the side that lacks it points at the object that would hold it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SchemaChange {
    pub path: String,
    pub difference: Difference,
    pub old_pointer: String,
    pub new_pointer: String,
    /// Whether the change is at or under a `readOnly` schema.
    pub read_only: bool,
}
