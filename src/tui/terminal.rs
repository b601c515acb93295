//! Entering and leaving the full-screen terminal mode. The terminal is restored
//! however the tuner ends: normally, on an error (the guard's `Drop`), or on a panic of
//! the screen's thread (a panic hook, so that the message lands on a sane screen).

use std::io::{self, Stdout, stdout};
use std::sync::Mutex;
use std::sync::Once;
use std::thread::ThreadId;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// The thread that owns the screen while the tuner runs; `None` otherwise.
static SCREEN_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);
static PANIC_HOOK: Once = Once::new();

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    _private: (),
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        set_screen_thread(None);
        let _ = restore();
    }
}

/// Raw mode, alternate screen, mouse capture; the guard undoes them.
pub fn enter() -> io::Result<(Term, TerminalGuard)> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = TerminalGuard { _private: () };
    set_screen_thread(Some(std::thread::current().id()));
    execute!(stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let terminal = Terminal::new(CrosstermBackend::new(stdout()))?;
    Ok((terminal, guard))
}

/// Leaves every mode [`enter`] set; harmless when they are not set.
pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, Show)?;
    raw
}

fn set_screen_thread(id: Option<ThreadId>) {
    *SCREEN_THREAD
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = id;
}

/// Once per process: a panic on the screen's thread restores the terminal before the
/// usual panic report. Panics on other threads are the business of those threads
/// (the worker reports its own as an error on screen).
fn install_panic_hook() {
    PANIC_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let screen = *SCREEN_THREAD
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if screen == Some(std::thread::current().id()) {
                set_screen_thread(None);
                let _ = restore();
            }
            previous(info);
        }));
    });
}
