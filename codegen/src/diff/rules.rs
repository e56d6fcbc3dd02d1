//! The rules of the diff: a stable id and whether a change of that kind is breaking.
//!
//! The module documentation of [`crate::diff`] explains each rule; a test keeps that table and
//! this list in step.

/// A kind of change, as reported: a stable id (for filters, allow-lists and CI logs) and whether
/// it breaks a user of the generated client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Rule {
    /// Stable kebab-case id, e.g. `request-property-became-required`.
    pub id: &'static str,
    /// Whether code written against the old client can fail against the new API.
    pub breaking: bool,
}

macro_rules! rules {
    ($($(#[$doc:meta])* $name:ident = $id:literal, $breaking:literal;)*) => {
        $($(#[$doc])* pub const $name: Rule = Rule { id: $id, breaking: $breaking };)*
        /// Every rule, in the order of the table in the module documentation.
        pub const ALL: &[Rule] = &[$($name),*];
    };
}

rules! {
    /// A new operation.
    API_ADDED = "api-added", false;
    /// An operation is gone.
    API_REMOVED = "api-removed", true;
    /// The operationId (and so the generated method name) changed.
    API_OPERATION_ID_CHANGED = "api-operation-id-changed", true;
    /// The operation became deprecated.
    API_DEPRECATED = "api-deprecated", false;
    /// Credentials are now needed where none were.
    API_SECURITY_ADDED = "api-security-added", true;
    /// Credentials are no longer needed.
    API_SECURITY_REMOVED = "api-security-removed", false;
    /// A new way to authenticate is accepted.
    API_SECURITY_ALTERNATIVE_ADDED = "api-security-alternative-added", false;
    /// A way to authenticate is no longer accepted.
    API_SECURITY_ALTERNATIVE_REMOVED = "api-security-alternative-removed", true;
    /// An OAuth scope is asked for where it was not.
    API_SECURITY_SCOPE_ADDED = "api-security-scope-added", true;
    /// An OAuth scope is no longer asked for.
    API_SECURITY_SCOPE_REMOVED = "api-security-scope-removed", false;

    /// A new required parameter.
    REQUEST_PARAMETER_ADDED_REQUIRED = "request-parameter-added-required", true;
    /// A new optional parameter.
    REQUEST_PARAMETER_ADDED = "request-parameter-added", false;
    /// A parameter is gone.
    REQUEST_PARAMETER_REMOVED = "request-parameter-removed", true;
    /// An optional parameter became required.
    REQUEST_PARAMETER_BECAME_REQUIRED = "request-parameter-became-required", true;
    /// A required parameter became optional.
    REQUEST_PARAMETER_BECAME_OPTIONAL = "request-parameter-became-optional", false;
    /// A parameter moved (query, header, path, cookie).
    REQUEST_PARAMETER_LOCATION_CHANGED = "request-parameter-location-changed", true;
    /// A parameter's type changed.
    REQUEST_PARAMETER_TYPE_CHANGED = "request-parameter-type-changed", true;
    /// A parameter's format changed.
    REQUEST_PARAMETER_FORMAT_CHANGED = "request-parameter-format-changed", true;
    /// A parameter no longer accepts an enum value.
    REQUEST_PARAMETER_ENUM_VALUE_REMOVED = "request-parameter-enum-value-removed", true;
    /// A parameter accepts a new enum value.
    REQUEST_PARAMETER_ENUM_VALUE_ADDED = "request-parameter-enum-value-added", false;
    /// A parameter is serialised differently (`style`, `explode`).
    REQUEST_PARAMETER_STYLE_CHANGED = "request-parameter-style-changed", true;

    /// A new required request body.
    REQUEST_BODY_ADDED_REQUIRED = "request-body-added-required", true;
    /// A new optional request body.
    REQUEST_BODY_ADDED = "request-body-added", false;
    /// The request body is gone.
    REQUEST_BODY_REMOVED = "request-body-removed", true;
    /// The request body became required.
    REQUEST_BODY_BECAME_REQUIRED = "request-body-became-required", true;
    /// The request body became optional.
    REQUEST_BODY_BECAME_OPTIONAL = "request-body-became-optional", false;
    /// The request body's media type changed.
    REQUEST_BODY_MEDIA_TYPE_CHANGED = "request-body-media-type-changed", true;

    /// A new required property in a request.
    REQUEST_PROPERTY_ADDED_REQUIRED = "request-property-added-required", true;
    /// A new optional property in a request.
    REQUEST_PROPERTY_ADDED = "request-property-added", false;
    /// A request property is gone.
    REQUEST_PROPERTY_REMOVED = "request-property-removed", true;
    /// A request property became required.
    REQUEST_PROPERTY_BECAME_REQUIRED = "request-property-became-required", true;
    /// A request property became optional.
    REQUEST_PROPERTY_BECAME_OPTIONAL = "request-property-became-optional", false;
    /// A request value's type changed.
    REQUEST_PROPERTY_TYPE_CHANGED = "request-property-type-changed", true;
    /// A request value's format changed.
    REQUEST_PROPERTY_FORMAT_CHANGED = "request-property-format-changed", true;
    /// A request value may now be null.
    REQUEST_PROPERTY_BECAME_NULLABLE = "request-property-became-nullable", false;
    /// A request value may no longer be null.
    REQUEST_PROPERTY_BECAME_NOT_NULLABLE = "request-property-became-not-nullable", true;
    /// A request value no longer accepts an enum value.
    REQUEST_PROPERTY_ENUM_VALUE_REMOVED = "request-property-enum-value-removed", true;
    /// A request value accepts a new enum value.
    REQUEST_PROPERTY_ENUM_VALUE_ADDED = "request-property-enum-value-added", false;
    /// A request `oneOf`/`anyOf` lost a variant.
    REQUEST_PROPERTY_VARIANT_REMOVED = "request-property-variant-removed", true;
    /// A request `oneOf`/`anyOf` gained a variant.
    REQUEST_PROPERTY_VARIANT_ADDED = "request-property-variant-added", false;
    /// A request value became an enum.
    REQUEST_PROPERTY_ENUM_ADDED = "request-property-enum-added", true;
    /// A request value is no longer an enum.
    REQUEST_PROPERTY_ENUM_REMOVED = "request-property-enum-removed", true;
    /// A request value's bound allows fewer values.
    REQUEST_PROPERTY_BOUND_TIGHTENED = "request-property-bound-tightened", true;
    /// A request value's bound allows more values.
    REQUEST_PROPERTY_BOUND_RELAXED = "request-property-bound-relaxed", false;
    /// A request value's `pattern` appeared or changed.
    REQUEST_PROPERTY_PATTERN_CHANGED = "request-property-pattern-changed", true;
    /// A request value's `pattern` is gone.
    REQUEST_PROPERTY_PATTERN_REMOVED = "request-property-pattern-removed", false;
    /// A request value's `pattern` now allows every value the old one did.
    REQUEST_PROPERTY_PATTERN_RELAXED = "request-property-pattern-relaxed", false;
    /// A bound, `pattern` or enum of a `readOnly` request value changed.
    REQUEST_PROPERTY_READ_ONLY_CONSTRAINT_CHANGED = "request-property-read-only-constraint-changed", false;
    /// A request `oneOf`'s discriminator changed.
    REQUEST_PROPERTY_DISCRIMINATOR_CHANGED = "request-property-discriminator-changed", true;
    /// A request `oneOf` gained or lost its discriminator.
    REQUEST_PROPERTY_DISCRIMINATOR_ADDED_OR_REMOVED = "request-property-discriminator-added-or-removed", false;

    /// A new 2xx response whose body the client already decodes.
    RESPONSE_SUCCESS_STATUS_ADDED = "response-success-status-added", false;
    /// A new 2xx response with a body of another type.
    RESPONSE_SUCCESS_STATUS_ADDED_NEW_TYPE = "response-success-status-added-new-type", true;
    /// A 2xx response is gone.
    RESPONSE_SUCCESS_STATUS_REMOVED = "response-success-status-removed", true;
    /// A new non-2xx response.
    RESPONSE_ERROR_STATUS_ADDED = "response-error-status-added", false;
    /// A non-2xx response is gone.
    RESPONSE_ERROR_STATUS_REMOVED = "response-error-status-removed", false;
    /// A response that had no body now has one.
    RESPONSE_BODY_ADDED = "response-body-added", false;
    /// A response that had a body has none.
    RESPONSE_BODY_REMOVED = "response-body-removed", true;
    /// A response's media type changed.
    RESPONSE_MEDIA_TYPE_CHANGED = "response-media-type-changed", true;

    /// A new response property.
    RESPONSE_PROPERTY_ADDED = "response-property-added", false;
    /// A response property is gone.
    RESPONSE_PROPERTY_REMOVED = "response-property-removed", true;
    /// A required response property became optional.
    RESPONSE_PROPERTY_BECAME_OPTIONAL = "response-property-became-optional", true;
    /// An optional response property became required.
    RESPONSE_PROPERTY_BECAME_REQUIRED = "response-property-became-required", false;
    /// A response value's type changed.
    RESPONSE_PROPERTY_TYPE_CHANGED = "response-property-type-changed", true;
    /// A response value's format changed.
    RESPONSE_PROPERTY_FORMAT_CHANGED = "response-property-format-changed", true;
    /// A response value may now be null.
    RESPONSE_PROPERTY_BECAME_NULLABLE = "response-property-became-nullable", true;
    /// A response value is no longer null.
    RESPONSE_PROPERTY_BECAME_NOT_NULLABLE = "response-property-became-not-nullable", false;
    /// A response value may carry a new enum value.
    RESPONSE_PROPERTY_ENUM_VALUE_ADDED = "response-property-enum-value-added", true;
    /// A response value no longer carries an enum value.
    RESPONSE_PROPERTY_ENUM_VALUE_REMOVED = "response-property-enum-value-removed", false;
    /// A response `oneOf`/`anyOf` gained a variant.
    RESPONSE_PROPERTY_VARIANT_ADDED = "response-property-variant-added", true;
    /// A response `oneOf`/`anyOf` lost a variant.
    RESPONSE_PROPERTY_VARIANT_REMOVED = "response-property-variant-removed", false;
    /// A response value became an enum.
    RESPONSE_PROPERTY_ENUM_ADDED = "response-property-enum-added", true;
    /// A response value is no longer an enum.
    RESPONSE_PROPERTY_ENUM_REMOVED = "response-property-enum-removed", true;
    /// A response value's bound changed.
    RESPONSE_PROPERTY_BOUND_CHANGED = "response-property-bound-changed", false;
    /// A response value's `pattern` changed.
    RESPONSE_PROPERTY_PATTERN_CHANGED = "response-property-pattern-changed", false;
    /// A response `oneOf`'s discriminator changed.
    RESPONSE_PROPERTY_DISCRIMINATOR_CHANGED = "response-property-discriminator-changed", true;
    /// A response `oneOf` gained or lost its discriminator.
    RESPONSE_PROPERTY_DISCRIMINATOR_ADDED_OR_REMOVED = "response-property-discriminator-added-or-removed", false;

    /// A new server URL.
    SERVER_ADDED = "server-added", false;
    /// A server URL is gone.
    SERVER_REMOVED = "server-removed", false;
    /// A new security scheme.
    SECURITY_SCHEME_ADDED = "security-scheme-added", false;
    /// A security scheme is gone.
    SECURITY_SCHEME_REMOVED = "security-scheme-removed", true;
    /// A security scheme no requirement named is gone.
    SECURITY_SCHEME_REMOVED_UNUSED = "security-scheme-removed-unused", false;
    /// A security scheme now works differently.
    SECURITY_SCHEME_CHANGED = "security-scheme-changed", true;
    /// A new schema in `components`.
    COMPONENT_SCHEMA_ADDED = "component-schema-added", false;
    /// A schema in `components` is gone (or renamed).
    COMPONENT_SCHEMA_REMOVED = "component-schema-removed", true;
}
