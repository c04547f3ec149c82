//! Tiers: a run over a load balancer's logs and its web servers' logs (HAProxy in front
//! of nginx) sees most requests twice, once in each tier. Adding them would double the
//! requests and mix the balancer's total time with the servers' request time, so each
//! tier is aggregated on its own ([`Tiered`]) and summarised on its own (summary.rs).
//!
//! A source's tier is its layout's role ([`Tier::of`]): a layout a proxy in front of
//! applications writes (HAProxy, Traefik, ingress-nginx) is the load balancer's; any
//! other (nginx, Apache, Caddy, JSON) is a web server's. A source whose lines fit no
//! layout has no tier: its lines count in the first tier's.

use axlog_format::logformat::Dialect;
use axlog_format::{Format, Preset};
use axlog_stats::Aggregate;
use serde::{Deserialize, Serialize};

/// The role of a source's layout, the front one first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tier {
    LoadBalancer,
    Web,
}

impl Tier {
    /// The tier of a source read with `layout`.
    pub fn of(layout: &Format) -> Tier {
        match layout {
            Format::Preset(Preset::Haproxy | Preset::TraefikJson | Preset::TraefikClf)
            | Format::Preset(Preset::IngressUpstreaminfo) => Tier::LoadBalancer,
            Format::Definition(d) if d.dialect() == Dialect::Haproxy => Tier::LoadBalancer,
            Format::Syslog(inner) => Tier::of(inner),
            _ => Tier::Web,
        }
    }

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Tier::LoadBalancer => "load balancer",
            Tier::Web => "web",
        }
    }
}

/// A run's statistics, one aggregate per tier, the front one first: a single entry when
/// the run has one tier (or its tiers are added together, `--one-tier`).
#[derive(Debug, Clone)]
pub struct Tiered {
    pub tiers: Vec<(Option<Tier>, Aggregate)>,
}

impl Tiered {
    /// Adds a source's aggregate to its tier's (the first of a tier becomes the tier's:
    /// no copy of its tables). Sources come in input order.
    pub(crate) fn add(&mut self, tier: Option<Tier>, agg: Aggregate) {
        match self.tiers.iter_mut().find(|(t, _)| *t == tier) {
            Some((_, mine)) => mine.merge(&agg),
            None => self.tiers.push((tier, agg)),
        }
    }

    /// The tiers, the front one first; sources without a tier (no layout fitted) join
    /// the first tier, or are the only entry when no source has one.
    pub(crate) fn finish(mut self) -> Tiered {
        // Stable: a tier's place among equals does not matter, there is one of each.
        self.tiers.sort_by_key(|(t, _)| (t.is_none(), *t));
        if self.tiers.len() > 1
            && let Some(pos) = self.tiers.iter().position(|(t, _)| t.is_none())
        {
            let (_, none) = self.tiers.remove(pos);
            if let Some((_, first)) = self.tiers.first_mut() {
                first.merge(&none);
            }
        }
        self
    }

    /// The front tier's aggregate (the run's, with one tier).
    pub fn first(&self) -> Option<&Aggregate> {
        self.tiers.first().map(|(_, a)| a)
    }
}
