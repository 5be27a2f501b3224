//! Ctrl-C (and SIGTERM) end a run cleanly: the progress bar is cleared, the
//! temporary files of outputs not yet committed are removed (a folder keeps
//! either all its old tables or all new ones), and the process exits with
//! 130 (143 for SIGTERM), as shells report a run stopped by the signal. On
//! Windows the console's own Ctrl-C handling applies.

use std::sync::Mutex;

/// The progress bar on screen, to clear on an interrupt.
static BAR: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);

/// Shows `bar` (or none) as the one to clear on an interrupt.
pub fn set_progress(bar: Option<indicatif::ProgressBar>) {
    *BAR.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = bar;
}

fn on_signal(status: i32) -> ! {
    if let Some(bar) = BAR.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
        bar.finish_and_clear();
    }
    crate::output::discard_staged();
    eprintln!("mrs-triage: interrupted; no output was left half-written");
    std::process::exit(status)
}

/// Starts listening for the signals (once, at start-up).
#[cfg(unix)]
pub fn install() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
    let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(sig) = signals.forever().next() {
            on_signal(128 + sig);
        }
    });
}

/// Nothing to install: the console's own Ctrl-C handling applies.
#[cfg(not(unix))]
pub fn install() {}
