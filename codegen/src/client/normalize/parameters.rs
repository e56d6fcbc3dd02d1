//! Operation parameters: path-level ones merged in, those progenitor cannot take dropped, the
//! rest made plain values it can send, and path template names nobody declares declared.

use indexmap::IndexMap;
use openapiv3::{
    Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathStyle, QueryStyle,
    ReferenceOr,
};
use serde_json::json;

use super::normalizer::{Normalizer, MAX_REF_FOLLOWS};
use super::schema::string_schema;
use super::untagged::UntaggedKind;
use crate::openapi_util::{component_name, parameter_data_mut, resolve_ref};
use crate::warning::Code;

impl Normalizer {
    pub(super) fn parameters(
        &mut self,
        op: &mut Operation,
        id: &str,
        shared: &[ReferenceOr<Parameter>],
        template: &[String],
        components: &openapiv3::Components,
    ) {
        let mut kept = Vec::new();
        for mut p in self.effective_parameters(op, id, shared, components) {
            if self.usable_parameter(&mut p, id, template) {
                self.plain_parameter_value(&mut p, id);
                kept.push(p);
            }
        }
        self.declare_path_parameters(&mut kept, id, template);
        // Rust names that collide are renamed later, in `params::rename_parameters`.
        op.parameters = kept.into_iter().map(ReferenceOr::Item).collect();
    }

    /// The path item's parameters and the operation's, resolved, an operation-level one
    /// overriding a path-level one with the same key.
    fn effective_parameters(
        &mut self,
        op: &Operation,
        id: &str,
        shared: &[ReferenceOr<Parameter>],
        components: &openapiv3::Components,
    ) -> Vec<Parameter> {
        let mut params: Vec<Parameter> = Vec::new();
        for p in shared.iter().chain(&op.parameters) {
            match resolve_parameter(p, components) {
                Some(p) => {
                    let key = param_key(&p);
                    params.retain(|q| param_key(q) != key);
                    params.push(p);
                }
                None => self.warn_op(
                    id,
                    Code::DanglingRef,
                    "a parameter $ref does not resolve; dropped",
                ),
            }
        }
        params
    }

    /// Whether progenitor can take `p` (cookies, non-form query styles, headers the client or
    /// runtime sets, and path parameters outside the template cannot); a path parameter that
    /// stays is made required and simple.
    fn usable_parameter(&mut self, p: &mut Parameter, id: &str, template: &[String]) -> bool {
        let name = p.parameter_data_ref().name.clone();
        match p {
            Parameter::Cookie { .. } => {
                self.warn_op(
                    id,
                    Code::ParameterUnsupported,
                    format!("cookie parameter `{name}` dropped (progenitor has no cookie support)"),
                );
                false
            }
            Parameter::Query { style, .. } if !matches!(style, QueryStyle::Form) => {
                let message = format!(
                    "query parameter `{name}` has style {style:?}, which progenitor rejects; \
                     dropped"
                );
                self.warn_op(id, Code::ParameterUnsupported, message);
                false
            }
            Parameter::Header { .. }
                if ["accept", "content-type", "authorization"]
                    .contains(&name.to_ascii_lowercase().as_str()) =>
            {
                let message = format!(
                    "header parameter `{name}` dropped: the client sets it (Accept, \
                     Content-Type) or the runtime does (Authorization)"
                );
                self.warn_op(id, Code::HeaderParameterDropped, message);
                false
            }
            Parameter::Path {
                parameter_data,
                style,
            } => {
                if template.contains(&name) {
                    parameter_data.required = true;
                    if !matches!(style, PathStyle::Simple) {
                        self.warn_op(
                            id,
                            Code::PathParameterStyle,
                            format!("path parameter `{name}` has style {style:?}; sent as simple"),
                        );
                        *style = PathStyle::Simple;
                    }
                    true
                } else {
                    self.warn_op(
                        id,
                        Code::PathParameterNotInTemplate,
                        format!("path parameter `{name}` is not in the path template; dropped"),
                    );
                    false
                }
            }
            _ => true,
        }
    }

    /// `p` as a plain value progenitor can send: a `content` description becomes its schema,
    /// the schema is tidied, and an array or object in a header or path becomes a string.
    fn plain_parameter_value(&mut self, p: &mut Parameter, id: &str) {
        let name = p.parameter_data_ref().name.clone();
        let data = parameter_data_mut(p);
        if let ParameterSchemaOrContent::Content(content) = &data.format {
            let schema = content
                .values()
                .find_map(|m| m.schema.clone())
                .unwrap_or_else(|| ReferenceOr::Item(string_schema()));
            let message = format!(
                "parameter `{name}` is described by `content`; its schema is used as a plain \
                 value"
            );
            self.warn_op(id, Code::ParameterContent, message);
            data.format = ParameterSchemaOrContent::Schema(schema);
        }
        let in_text = matches!(p, Parameter::Header { .. } | Parameter::Path { .. });
        let data = parameter_data_mut(p);
        if let ParameterSchemaOrContent::Schema(schema) = &mut data.format {
            let at = self.at(id);
            let what = format!("parameter `{name}`");
            let mut v = self.json(Some(&*schema), &at, &what);
            self.tidy(&mut v, at.clone(), Some(&what));
            // progenitor writes header and path values with `to_string()`, which
            // arrays and objects lack.
            if in_text
                && matches!(
                    self.untagged_kind(&v, 0),
                    UntaggedKind::Array | UntaggedKind::Object
                )
            {
                let message = format!(
                    "parameter `{name}` is an array or object in a header or path; typed \
                     as a string the caller formats"
                );
                self.warn_op(id, Code::StructuredParameterInText, message);
                v = json!({"type": "string"});
            }
            *schema = self.typed(v, &at, &what);
        }
    }

    /// A path parameter for each name of the template that none declares, as a string.
    fn declare_path_parameters(
        &mut self,
        kept: &mut Vec<Parameter>,
        id: &str,
        template: &[String],
    ) {
        for name in template {
            let declared = kept
                .iter()
                .any(|p| matches!(p, Parameter::Path { parameter_data, .. } if &parameter_data.name == name));
            if !declared {
                self.warn_op(
                    id,
                    Code::PathParameterUndeclared,
                    format!("path parameter `{name}` is not declared; added as a string"),
                );
                kept.push(Parameter::Path {
                    parameter_data: ParameterData {
                        name: name.clone(),
                        description: None,
                        required: true,
                        deprecated: None,
                        format: ParameterSchemaOrContent::Schema(
                            ReferenceOr::Item(string_schema()),
                        ),
                        example: None,
                        examples: IndexMap::new(),
                        explode: None,
                        extensions: IndexMap::new(),
                    },
                    style: PathStyle::Simple,
                });
            }
        }
    }
}

fn param_key(p: &Parameter) -> (u8, String) {
    let loc = match p {
        Parameter::Query { .. } => 0,
        Parameter::Header { .. } => 1,
        Parameter::Path { .. } => 2,
        Parameter::Cookie { .. } => 3,
    };
    (loc, p.parameter_data_ref().name.clone())
}

fn resolve_parameter(p: &ReferenceOr<Parameter>, c: &openapiv3::Components) -> Option<Parameter> {
    resolve_ref(p, MAX_REF_FOLLOWS, |r| {
        c.parameters.get(component_name(r, "parameters")?.as_ref())
    })
    .cloned()
}
