//! How every benchmark sums up repeated measurements: median, min and max,
//! defined once (each benchmark that needs it has `mod stats;`).

use std::time::Duration;

/// The median, min and max of a set of measurements.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub median: f64,
    pub min: f64,
    pub max: f64,
}

/// The spread of `values`, or None if there are none. With an even count,
/// the median is the mean of the middle two.
pub fn spread(values: &[f64]) -> Option<Spread> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = match sorted.len() {
        0 => return None,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    Some(Spread { median, min: sorted[0], max: sorted[sorted.len() - 1] })
}

/// The median of `values`, or None if there are none.
pub fn median(values: &[f64]) -> Option<f64> {
    spread(values).map(|spread| spread.median)
}

/// The median of `durations` (zero if there are none).
pub fn median_duration(durations: &[Duration]) -> Duration {
    let seconds: Vec<f64> = durations.iter().map(Duration::as_secs_f64).collect();
    median(&seconds).map(Duration::from_secs_f64).unwrap_or_default()
}
