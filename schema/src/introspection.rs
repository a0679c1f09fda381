//! When introspection is switched off, async-graphql answers `__schema` with
//! a silent `null`; clients deserve to be told. This extension refuses such
//! operations with a `VALIDATION` error instead.

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{ServerError, ServerResult, Variables};
use std::sync::Arc;

pub struct RefuseIntrospection;

impl ExtensionFactory for RefuseIntrospection {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RefuseIntrospection)
    }
}

/// Whether a root selection set asks for `__schema` or `__type`, following
/// fragments (bounded, in case of a cycle the validator would refuse anyway).
fn asks_introspection(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => matches!(field.node.name.node.as_str(), "__schema" | "__type"),
        Selection::InlineFragment(fragment) => {
            asks_introspection(doc, &fragment.node.selection_set.node, depth + 1)
        }
        Selection::FragmentSpread(spread) => doc
            .fragments
            .get(&spread.node.fragment_name.node)
            .is_some_and(|f| asks_introspection(doc, &f.node.selection_set.node, depth + 1)),
    })
}

#[async_graphql::async_trait::async_trait]
impl Extension for RefuseIntrospection {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        if doc
            .operations
            .iter()
            .any(|(_, op)| asks_introspection(&doc, &op.node.selection_set.node, 0))
        {
            return Err(ServerError::new(
                "introspection is disabled on this server",
                None,
            ));
        }
        Ok(doc)
    }
}
