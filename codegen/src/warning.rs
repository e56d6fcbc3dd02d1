//! Warnings: what a stage left out, changed or could not read, with a stable code, where it
//! happened and a message for people.
//!
//! Every stage reports through [`Warning`]; tools and tests match on the [`Code`] (and the
//! [`Location`]), never on the message, which may be reworded. A warning prints as
//! `warning[W124] GET /accounts/: one success type per operation: …`.
//!
//! | code | variant | stage | what happened |
//! |---|---|---|---|
//! | `W001` | `ItemNeitherRequestNorFolder` | convert | an item with neither `request` nor `item`: skipped |
//! | `W002` | `RequestWithoutUrl` | convert | a request without a URL: skipped |
//! | `W003` | `ResponseWithoutStatus` | convert | a saved response whose status is given nowhere: skipped |
//! | `W004` | `GraphqlWithoutQuery` | convert | a GraphQL body without a query: body skipped |
//! | `W005` | `UnsupportedAuth` | convert | an auth type OpenAPI has no scheme for: left out |
//! | `W006` | `UnsupportedMethod` | convert | a method OpenAPI has no operation for: skipped |
//! | `W007` | `VariableParameterName` | convert | a query parameter or header named by a `{{variable}}`: skipped |
//! | `W008` | `ExampleTooDeep` | convert | a body example nesting deeper than the limit: example left out |
//! | `W009` | `BodyNotJson` | convert | a JSON body that does not parse: typed as any value |
//! | `W010` | `GraphqlVariablesNotJson` | convert | GraphQL variables that do not parse: `{}` in the example |
//! | `W011` | `ApiKeyWithoutName` | convert | an API key auth naming no key: `X-API-Key` assumed |
//! | `W012` | `DescriptionUnreadable` | convert | a collection description of another shape: left out |
//! | `W013` | `ShapeTooDeep` | convert | a JSON example nested deeper than inference looks: any JSON below |
//! | `W014` | `ContractContradictsExample` | convert | a stated contract (required, allowed values, a documented field) the examples contradict |
//! | `W015` | `EmptyPathSegment` | convert | an empty segment inside a path (`/a//b`): dropped, so the request may share another's operation |
//! | `W101` | `PathIsRef` | client | a path item given as `$ref`: dropped |
//! | `W102` | `MalformedPathTemplate` | client | a path with an unbalanced `{…}` template: dropped |
//! | `W103` | `DuplicatePath` | client | a path that is another once given its leading `/`: dropped |
//! | `W104` | `SchemaRenamed` | client | a component with another's Rust name: renamed |
//! | `W105` | `DanglingSchemaRef` | client | a schema `$ref` that resolves nowhere: any JSON |
//! | `W106` | `DocumentNotReread` | client | the document did not read back after `$ref` repairs: kept |
//! | `W107` | `PropertyNameCollision` | client | a property with another's Rust name: dropped |
//! | `W108` | `OperationIdMissing` | client | an operation without operationId: named from method and path |
//! | `W109` | `OperationIdReserved` | client | an operationId that would shadow a generated name: renamed |
//! | `W110` | `OperationIdDuplicate` | client | an operationId (or its Rust name) used twice: renamed |
//! | `W111` | `DanglingRef` | client | a parameter, request body or response `$ref` resolving nowhere: dropped |
//! | `W112` | `ParameterUnsupported` | client | a cookie parameter or a non-form query style: dropped |
//! | `W113` | `HeaderParameterDropped` | client | a header the client or runtime sets, or not a header name: dropped |
//! | `W114` | `PathParameterNotInTemplate` | client | a path parameter the template does not name: dropped |
//! | `W115` | `PathParameterStyle` | client | a path parameter of another style: sent as `simple` |
//! | `W116` | `PathParameterUndeclared` | client | a template name no parameter declares: added as a string |
//! | `W117` | `ParameterContent` | client | a parameter described by `content`: its schema used |
//! | `W118` | `StructuredParameterInText` | client | an array or object in a header or path: typed as a string |
//! | `W119` | `ParameterRenamed` | client | a parameter whose Rust name is taken: renamed in Rust only |
//! | `W120` | `RequestBodyUnsupported` | client | no request media type progenitor supports: no body |
//! | `W121` | `RequestBodyAlternatives` | client | several request media types: one is sent |
//! | `W122` | `SuccessTypesDropped` | client | success responses that cannot be typed beside the others (no or non-JSON body, a `2XX` range among several shapes): surface as `UnexpectedResponse` |
//! | `W123` | `ErrorStatusesDropped` | client | error responses of another kind: surface as `UnexpectedResponse` |
//! | `W124` | `ErrorBodiesMerged` | client | error bodies JSON cannot tell apart: merged into one schema |
//! | `W125` | `AliasCycleBroken` | client | a schema that stands for itself: the closing link removed |
//! | `W126` | `ResumableImplMissing` | client | an MFA pair whose builders cannot be read: no `ResumableOp` impl |
//! | `W127` | `ResumableNeedsBuilder` | client | MFA pairs with the positional interface: only `RESUMABLE` emitted |
//! | `W128` | `SchemaNotTyped` | client | a schema that, once tidied, `openapiv3` does not read: any JSON |
//! | `W129` | `MockMethodMissing` | client | an operation whose builder the mock pass cannot read: no typed mock method |
//! | `W130` | `EnumVariantsCollide` | client | string enum values with one Rust variant name (`a-b`, `a_b`): a plain string |

use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $name:ident = $id:literal;)*) => {
        /// A kind of warning; its [`id`](Code::id) is stable (for filters and CI logs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($(#[$doc])* $name,)*
        }

        impl Code {
            /// Every code, in the order of the table in the module documentation.
            pub const ALL: &[Code] = &[$(Code::$name),*];

            /// The stable id, e.g. `W124`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$name => $id,)*
                }
            }
        }
    };
}

codes! {
    /// An item with neither `request` nor `item`.
    ItemNeitherRequestNorFolder = "W001";
    /// A request without a URL.
    RequestWithoutUrl = "W002";
    /// A saved response whose status is given nowhere.
    ResponseWithoutStatus = "W003";
    /// A GraphQL body without a query.
    GraphqlWithoutQuery = "W004";
    /// An auth type OpenAPI has no security scheme for.
    UnsupportedAuth = "W005";
    /// A method OpenAPI has no operation for.
    UnsupportedMethod = "W006";
    /// A query parameter or header named by a `{{variable}}`.
    VariableParameterName = "W007";
    /// A body example nesting deeper than the limit.
    ExampleTooDeep = "W008";
    /// A JSON body that does not parse.
    BodyNotJson = "W009";
    /// GraphQL variables that do not parse.
    GraphqlVariablesNotJson = "W010";
    /// An API key auth naming no key.
    ApiKeyWithoutName = "W011";
    /// A collection description that is neither text nor `{content, type}`.
    DescriptionUnreadable = "W012";
    /// A JSON example nested deeper than [`crate::infer::MAX_DEPTH`] levels.
    ShapeTooDeep = "W013";
    /// A stated contract (`(Required)`, a value list, a field table row) that the examples
    /// or the entry's own flags contradict.
    ContractContradictsExample = "W014";
    /// An empty segment inside a request's path (`/a//b`).
    EmptyPathSegment = "W015";

    /// A path item given as `$ref`.
    PathIsRef = "W101";
    /// A path with an unbalanced `{…}` template.
    MalformedPathTemplate = "W102";
    /// A path that is another once given its leading `/`.
    DuplicatePath = "W103";
    /// A component schema with another's Rust name.
    SchemaRenamed = "W104";
    /// A schema `$ref` that resolves nowhere.
    DanglingSchemaRef = "W105";
    /// The document did not read back after `$ref` repairs.
    DocumentNotReread = "W106";
    /// A property with another's Rust name.
    PropertyNameCollision = "W107";
    /// An operation without operationId.
    OperationIdMissing = "W108";
    /// An operationId that would shadow a name of the generated code.
    OperationIdReserved = "W109";
    /// An operationId (or its Rust name) used twice.
    OperationIdDuplicate = "W110";
    /// A parameter, request body or response `$ref` that resolves nowhere.
    DanglingRef = "W111";
    /// A cookie parameter or a query parameter of a style other than `form`.
    ParameterUnsupported = "W112";
    /// A header the client or runtime sets, or one that is not an HTTP header name.
    HeaderParameterDropped = "W113";
    /// A path parameter the template does not name.
    PathParameterNotInTemplate = "W114";
    /// A path parameter of a style other than `simple`.
    PathParameterStyle = "W115";
    /// A template name no parameter declares.
    PathParameterUndeclared = "W116";
    /// A parameter described by `content`.
    ParameterContent = "W117";
    /// An array or object in a header or path.
    StructuredParameterInText = "W118";
    /// A parameter whose Rust name is taken.
    ParameterRenamed = "W119";
    /// No request media type progenitor supports.
    RequestBodyUnsupported = "W120";
    /// Several request media types.
    RequestBodyAlternatives = "W121";
    /// Success responses of another type than the one kept.
    SuccessTypesDropped = "W122";
    /// Error responses of another kind than the others.
    ErrorStatusesDropped = "W123";
    /// Error bodies JSON cannot tell apart.
    ErrorBodiesMerged = "W124";
    /// A schema that stands for itself.
    AliasCycleBroken = "W125";
    /// An MFA pair whose builders cannot be read.
    ResumableImplMissing = "W126";
    /// MFA pairs with the positional interface.
    ResumableNeedsBuilder = "W127";
    /// A schema that, once tidied, `openapiv3` does not read (or write) as a schema.
    SchemaNotTyped = "W128";
    /// An operation whose builder the mock pass cannot read.
    MockMethodMissing = "W129";
    /// String enum values that typify would give one Rust variant name.
    EnumVariantsCollide = "W130";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Where a warning (or a failure of the client stage) is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Location {
    /// The collection as a whole (its own auth).
    Collection,
    /// A collection item: folder names and the item's name, joined by `/`.
    Item(String),
    /// The OpenAPI document as a whole.
    Document,
    /// A path of the document, as written there.
    Path(String),
    /// An operation of the document.
    Operation {
        /// Upper case, e.g. `GET`.
        method: String,
        /// The path template.
        path: String,
    },
    /// A component schema, by name.
    Component(String),
    /// The component schemas together.
    Components,
}

impl Location {
    /// The operation `method path` (the method in any case).
    pub fn operation(method: &str, path: &str) -> Location {
        Location::Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Collection => f.write_str("collection"),
            Location::Item(path) => write!(f, "item `{path}`"),
            Location::Document => f.write_str("document"),
            Location::Path(path) => write!(f, "path `{path}`"),
            Location::Operation { method, path } => write!(f, "{method} {path}"),
            Location::Component(name) => write!(f, "schema `{name}`"),
            Location::Components => f.write_str("component schemas"),
        }
    }
}

/// Something a stage left out, changed or could not read, and went on.
///
/// Sorted by location first (the derived order follows the fields).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Warning {
    /// Where.
    pub location: Location,
    /// What kind of thing happened.
    pub code: Code,
    /// What was done and what it means for callers.
    pub message: String,
}

impl Warning {
    pub(crate) fn new(code: Code, location: Location, message: impl Into<String>) -> Warning {
        Warning {
            code,
            location,
            message: message.into(),
        }
    }
}

/// The one format every command prints: `warning[W124] GET /accounts/: message`.
impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "warning[{}] {}: {}",
            self.code, self.location, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table in the module documentation lists every code, in order, with its constant.
    #[test]
    fn the_table_matches_the_codes() {
        let rows: Vec<(String, String)> = include_str!("warning.rs")
            .lines()
            .filter_map(|line| line.strip_prefix("//! | `"))
            .filter_map(|row| {
                let (id, rest) = row.split_once("` | `")?;
                let (name, _) = rest.split_once('`')?;
                Some((id.to_owned(), name.to_owned()))
            })
            .collect();
        let codes: Vec<(String, String)> = Code::ALL
            .iter()
            .map(|c| (c.id().to_owned(), format!("{c:?}")))
            .collect();
        assert_eq!(rows, codes);
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = Code::ALL.iter().map(|c| c.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Code::ALL.len());
    }

    #[test]
    fn prints_code_location_and_message() {
        let w = Warning::new(
            Code::SuccessTypesDropped,
            Location::operation("get", "/accounts/"),
            "keeps 200",
        );
        assert_eq!(w.to_string(), "warning[W122] GET /accounts/: keeps 200");
        let w = Warning::new(Code::UnsupportedAuth, Location::Item("F/a".into()), "x");
        assert_eq!(w.to_string(), "warning[W005] item `F/a`: x");
    }
}
