//! Progress bars on standard error for long jobs (hidden when it is not a terminal).

use crate::import::Progress;
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;
/// A progress bar on standard error (hidden when it is not a terminal).
pub(super) struct Bar(pub(super) Option<ProgressBar>);

impl Progress for Bar {
    fn start(&mut self, phase: &str, total: u64) {
        if let Some(b) = self.0.take() {
            b.finish_and_clear();
        }
        let b = if total > 0 {
            let b = ProgressBar::new(total);
            b.set_style(
                ProgressStyle::with_template(
                    "{msg:24} [{bar:40}] {percent:>3}% {elapsed_precise} eta {eta}",
                )
                .expect("valid template")
                .progress_chars("=> "),
            );
            b
        } else {
            let b = ProgressBar::new_spinner();
            b.enable_steady_tick(Duration::from_millis(120));
            b
        };
        b.set_message(phase.to_owned());
        self.0 = Some(b);
    }

    fn set(&mut self, done: u64) {
        if let Some(b) = &self.0 {
            b.set_position(done);
        }
    }

    fn finish(&mut self) {
        if let Some(b) = self.0.take() {
            b.finish_and_clear();
        }
    }
}

/// A spinner counting bytes written, for writing files of unknown size.
pub(super) fn bytes_bar(phase: &str) -> ProgressBar {
    let b = ProgressBar::new_spinner();
    b.set_style(
        ProgressStyle::with_template("{spinner} {msg} {bytes} ({bytes_per_sec}) {elapsed_precise}")
            .expect("valid template"),
    );
    b.enable_steady_tick(Duration::from_millis(120));
    b.set_message(phase.to_owned());
    b
}
