//! The metaschemas every validator bundles (draft-04, -06, -07, 2019-09 and 2020-12 with
//! their vocabularies), so that `{"$ref": "http://json-schema.org/draft-07/schema#"}`
//! resolves without the network. The documents are the ones the `referencing` crate
//! (inside `jsonschema`) already holds (MIT licence), not a copy of our own.

use serde_json::Value;

/// The metaschema of the dialect a `$schema` value names (draft-04, -06, -07, 2019-09
/// or 2020-12, not one of their vocabularies), under either scheme and with or without
/// a trailing `#`: `None` for a dialect synthtune does not know.
pub fn dialect(uri: &str) -> Option<&'static Value> {
    let resource = uri.split('#').next().unwrap_or(uri);
    metaschema(resource).filter(|_| resource.ends_with("/schema"))
}

/// The metaschema a resource URI (no fragment) names, under either scheme (`http` or
/// `https`) and with or without a trailing `#`.
pub fn metaschema(resource: &str) -> Option<&'static Value> {
    use referencing::meta;
    let rest = resource
        .strip_prefix("http://")
        .or_else(|| resource.strip_prefix("https://"))?
        .trim_end_matches('#');
    let rest = rest.strip_prefix("json-schema.org/")?;
    let value: &'static Value = match rest {
        "draft-04/schema" => &meta::DRAFT4,
        "draft-06/schema" => &meta::DRAFT6,
        "draft-07/schema" => &meta::DRAFT7,
        "draft/2019-09/schema" => &meta::DRAFT201909,
        "draft/2019-09/meta/applicator" => &meta::DRAFT201909_APPLICATOR,
        "draft/2019-09/meta/content" => &meta::DRAFT201909_CONTENT,
        "draft/2019-09/meta/core" => &meta::DRAFT201909_CORE,
        "draft/2019-09/meta/format" => &meta::DRAFT201909_FORMAT,
        "draft/2019-09/meta/meta-data" => &meta::DRAFT201909_META_DATA,
        "draft/2019-09/meta/validation" => &meta::DRAFT201909_VALIDATION,
        "draft/2020-12/schema" => &meta::DRAFT202012,
        "draft/2020-12/meta/core" => &meta::DRAFT202012_CORE,
        "draft/2020-12/meta/applicator" => &meta::DRAFT202012_APPLICATOR,
        "draft/2020-12/meta/unevaluated" => &meta::DRAFT202012_UNEVALUATED,
        "draft/2020-12/meta/validation" => &meta::DRAFT202012_VALIDATION,
        "draft/2020-12/meta/meta-data" => &meta::DRAFT202012_META_DATA,
        "draft/2020-12/meta/format-annotation" => &meta::DRAFT202012_FORMAT_ANNOTATION,
        "draft/2020-12/meta/format-assertion" => &meta::DRAFT202012_FORMAT_ASSERTION,
        "draft/2020-12/meta/content" => &meta::DRAFT202012_CONTENT,
        _ => return None,
    };
    Some(value)
}
