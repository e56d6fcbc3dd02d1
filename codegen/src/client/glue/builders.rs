//! Reads progenitor's output, changing nothing: the builder of an operation with its output,
//! error and body types (from the `send` and `body` signatures), so the glue is written
//! against what progenitor emitted rather than against naming rules.

use crate::client::identifiers::{rust_name, Case};

/// What progenitor emitted for one operation in builder style.
pub(super) struct Builder {
    /// The builder struct in `mod builder`.
    pub(super) ty: syn::Ident,
    /// `T` of `send`'s `Result<ResponseValue<T>, Error<E>>`.
    pub(super) output: syn::Type,
    /// `E` of the same.
    pub(super) error: syn::Type,
    /// `X` of `body<V: TryInto<X>>`, when the operation has a body.
    pub(super) body: Option<syn::Type>,
}

impl Builder {
    pub(super) fn find(file: &syn::File, operation_id: &str) -> Result<Self, String> {
        let ty = builder_type(file, operation_id)?;
        let fns = builder_methods(file, &ty);
        let send = fns
            .iter()
            .find(|f| f.sig.ident == "send")
            .ok_or_else(|| format!("builder `{ty}` has no `send`"))?;
        let syn::ReturnType::Type(_, ret) = &send.sig.output else {
            return Err(format!("`{ty}::send` returns nothing"));
        };
        let [ok, err] = generic_args(ret, "Result")
            .ok_or_else(|| format!("`{ty}::send` does not return a Result"))?[..]
        else {
            return Err(format!("`{ty}::send` does not return a Result<_, _>"));
        };
        let output = generic_args(ok, "ResponseValue")
            .and_then(|a| a.first().copied().cloned())
            .ok_or_else(|| format!("`{ty}::send` does not return a ResponseValue"))?;
        let error = generic_args(err, "Error")
            .and_then(|a| a.first().copied().cloned())
            .ok_or_else(|| format!("`{ty}::send` does not fail with an Error"))?;
        let body = fns
            .iter()
            .find(|f| f.sig.ident == "body")
            .and_then(|f| body_type(&f.sig));
        Ok(Self {
            ty,
            output,
            error,
            body,
        })
    }
}

/// The builder type the client's method for `operation_id` returns (progenitor appends `_`
/// to a method name that is a keyword).
fn builder_type(file: &syn::File, operation_id: &str) -> Result<syn::Ident, String> {
    let snake = rust_name(operation_id, Case::Snake);
    let candidates = [snake.clone(), format!("{snake}_")];
    client_fns(file)
        .find_map(|f| {
            let name = f.sig.ident.to_string();
            if !candidates.contains(&name) {
                return None;
            }
            let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                return None;
            };
            last_ident(ret)
        })
        .ok_or_else(|| format!("no builder method `{snake}` found in the generated client"))
}

/// The inherent methods of builder `ty` in `mod builder`.
fn builder_methods<'f>(file: &'f syn::File, ty: &syn::Ident) -> Vec<&'f syn::ImplItemFn> {
    impl_fns(builder_items(file), |i| {
        i.trait_.is_none() && last_ident(&i.self_ty).as_ref() == Some(ty)
    })
    .collect()
}

/// `X` of a `body<V>(..) where V: TryInto<X>` signature.
fn body_type(sig: &syn::Signature) -> Option<syn::Type> {
    sig.generics.where_clause.as_ref().and_then(|w| {
        w.predicates.iter().find_map(|p| match p {
            syn::WherePredicate::Type(t) => t.bounds.iter().find_map(|b| match b {
                syn::TypeParamBound::Trait(tb) => {
                    let seg = tb.path.segments.last()?;
                    if seg.ident != "TryInto" {
                        return None;
                    }
                    match &seg.arguments {
                        syn::PathArguments::AngleBracketed(a) => {
                            a.args.iter().find_map(|g| match g {
                                syn::GenericArgument::Type(t) => Some(t.clone()),
                                _ => None,
                            })
                        }
                        _ => None,
                    }
                }
                _ => None,
            }),
            _ => None,
        })
    })
}

/// Methods of `Client`, inherent or in the `Client{Tag}Ext` impls.
fn client_fns(file: &syn::File) -> impl Iterator<Item = &syn::ImplItemFn> {
    impl_fns(file.items.iter(), |i| {
        last_ident(&i.self_ty).is_some_and(|id| id == "Client")
    })
}

/// The functions of the `impl` blocks among `items` that `keep` accepts.
fn impl_fns<'f>(
    items: impl Iterator<Item = &'f syn::Item>,
    keep: impl Fn(&syn::ItemImpl) -> bool,
) -> impl Iterator<Item = &'f syn::ImplItemFn> {
    items
        .filter_map(move |item| match item {
            syn::Item::Impl(i) if keep(i) => Some(i),
            _ => None,
        })
        .flat_map(|i| i.items.iter())
        .filter_map(|item| match item {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

/// Items of the generated `mod builder`.
fn builder_items(file: &syn::File) -> impl Iterator<Item = &syn::Item> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "builder" => m.content.as_ref(),
            _ => None,
        })
        .flat_map(|(_, items)| items.iter())
}

pub(super) fn last_ident(ty: &syn::Type) -> Option<syn::Ident> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.clone()),
        _ => None,
    }
}

/// The type arguments of `ty` when its last path segment is `name`.
pub(super) fn generic_args<'t>(ty: &'t syn::Type, name: &str) -> Option<Vec<&'t syn::Type>> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(a) = &seg.arguments else {
        return None;
    };
    Some(
        a.args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
    )
}
