//! What the statistics sink takes a request's `--by` and `--series-by` keys with: the
//! source's label, the layout's extra names, the endpoint rules (with this sink's memo of
//! them) and a buffer for keys built rather than sliced from the line.

use crate::dimension::{KeyContext, key_with_path};
use axlog_endpoint::{Endpoints, Rules};
use axlog_format::Record;
use axlog_stats::Dimension;
use std::sync::Arc;

#[derive(Default)]
pub(crate) struct Keys {
    label: Arc<str>,
    extra_names: Arc<[String]>,
    /// The endpoint rules and their memo, used only when the user gave rules: the
    /// built-in folds alone fold in place in `key_with_path`, cheaper than a lookup.
    endpoints: Endpoints,
    user_rules: bool,
    buf: Vec<u8>,
}

impl Keys {
    pub(crate) fn with_rules(rules: Arc<Rules>) -> Keys {
        Keys {
            user_rules: !rules.builtin_only(),
            endpoints: Endpoints::new(rules),
            ..Keys::default()
        }
    }

    /// Keys for a forked sink, of the source labelled `label`: a memo of its own.
    pub(crate) fn fork(&self, label: Option<&str>) -> Keys {
        Keys {
            label: label.map_or_else(|| self.label.clone(), Arc::from),
            extra_names: self.extra_names.clone(),
            endpoints: Endpoints::new(self.endpoints.rules().clone()),
            user_rules: self.user_rules,
            buf: Vec::new(),
        }
    }

    /// The endpoint rules keys are folded with.
    pub(crate) fn rules(&self) -> &Arc<Rules> {
        self.endpoints.rules()
    }

    /// The names `field:NAME` keys are looked up by (the layout's, known at `begin`).
    pub(crate) fn set_extra_names(&mut self, names: Vec<String>) {
        self.extra_names = names.into();
    }

    /// `dim`'s key in `r`, whose path (escapes undone) is `path`. Always inlined: it is
    /// called once per table per request, and a call cost 1.3% of a `--by` run.
    #[inline(always)]
    pub(crate) fn key<'a>(
        &'a mut self,
        dim: &Dimension,
        r: &'a Record<'_>,
        path: Option<&'a [u8]>,
    ) -> Option<&'a [u8]> {
        if self.user_rules && matches!(dim, Dimension::Endpoint) {
            return path.map(|p| self.endpoints.endpoint(p));
        }
        let cx = KeyContext {
            source: &self.label,
            extra_names: &self.extra_names,
        };
        key_with_path(dim, r, path, cx, &mut self.buf)
    }
}
