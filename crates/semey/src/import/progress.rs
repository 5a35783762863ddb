//! Progress of long jobs (the CLI draws bars; tests and the demo stay quiet).

/// Reports progress of a long job (the CLI draws a progress bar; tests ignore it).
pub trait Progress: Send {
    /// A new phase with `total` units of work (0 when unknown).
    fn start(&mut self, phase: &str, total: u64);
    /// `done` units of the phase are finished.
    fn set(&mut self, done: u64);
    fn finish(&mut self);
}

/// Progress that goes nowhere.
pub struct Quiet;

impl Progress for Quiet {
    fn start(&mut self, _: &str, _: u64) {}
    fn set(&mut self, _: u64) {}
    fn finish(&mut self) {}
}
