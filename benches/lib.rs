//! Criterion benchmarks live beside this file; see parse_aggregate.rs.
