//! The parallel pipeline: workers encode chunks of consecutive rows on every core; the
//! calling thread writes the chunks in row order. Even one worker runs beside the
//! writer, so that writing (system calls, copies into the page cache) overlaps encoding.
//!
//! Memory stays flat in the row count: a fixed pool of chunk buffers circulates between
//! the workers and the writer, and a worker must hold a free buffer before it claims the
//! next chunk. So at most `pool` chunks exist, encoded or waiting, however far one slow
//! worker falls behind. (No deadlock: the lowest unwritten chunk is either claimed, and
//! its worker holds a buffer, or unclaimed, and then every buffer is back in the pool.)
//!
//! The bytes do not depend on the thread count: each row is a pure function of its
//! index, and chunks are written in order.

use std::collections::BTreeMap;
use std::ops::Range;
use std::panic::AssertUnwindSafe;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crossbeam_channel::bounded;

use super::ExportError;

/// Turns runs of rows into chunks of output; shared by all workers.
pub(crate) trait ChunkEncoder: Sync {
    /// An encoded chunk (bytes, a parquet row group); reused from chunk to chunk.
    type Chunk: Default + Send;
    /// A worker's own scratch state.
    type Worker<'w>
    where
        Self: 'w;

    fn worker(&self) -> Self::Worker<'_>;

    /// Encodes `rows` into `chunk` (replacing what it held).
    fn encode<'w>(
        &'w self,
        worker: &mut Self::Worker<'w>,
        rows: Range<u64>,
        chunk: &mut Self::Chunk,
    ) -> Result<(), ExportError>;
}

/// How to run: rows per chunk, threads, and a flag that stops the run.
pub(crate) struct Pipeline<'a> {
    pub chunk_rows: u64,
    pub threads: usize,
    pub cancel: Option<&'a AtomicBool>,
}

impl Pipeline<'_> {
    /// Encodes `rows` and hands each chunk to `write`, in row order. Stops at the first
    /// error in row order (an encoding error of the earliest failing chunk, or a write
    /// error), so a failure reports the same row whatever the thread count.
    pub fn run<E: ChunkEncoder>(
        &self,
        encoder: &E,
        rows: Range<u64>,
        mut write: impl FnMut(&mut E::Chunk, Range<u64>) -> Result<(), ExportError>,
    ) -> Result<(), ExportError> {
        let chunk_rows = self.chunk_rows.max(1);
        let chunks = (rows.end - rows.start).div_ceil(chunk_rows);
        let chunk_range = |index: u64| {
            let start = rows.start + index * chunk_rows;
            start..(start + chunk_rows).min(rows.end)
        };
        let workers = (self.threads.max(1) as u64).min(chunks) as usize;
        if chunks <= 1 {
            // Nothing to overlap.
            let mut worker = encoder.worker();
            let mut chunk = E::Chunk::default();
            for index in 0..chunks {
                self.check_cancel()?;
                encoder.encode(&mut worker, chunk_range(index), &mut chunk)?;
                write(&mut chunk, chunk_range(index))?;
            }
            return Ok(());
        }

        let pool = workers * 2;
        let (free_tx, free_rx) = bounded::<E::Chunk>(pool);
        let (done_tx, done_rx) = bounded::<(u64, E::Chunk, Result<(), ExportError>)>(pool);
        for _ in 0..pool {
            let _ = free_tx.send(E::Chunk::default());
        }
        let next_claim = AtomicU64::new(0);
        // Chunks at or beyond this index are not needed (an earlier one failed).
        let stop_at = AtomicU64::new(chunks);
        let panicked = Mutex::new(None);

        let result = std::thread::scope(|scope| {
            for _ in 0..workers {
                let (free_rx, done_tx) = (free_rx.clone(), done_tx.clone());
                let (next_claim, stop_at, panicked) = (&next_claim, &stop_at, &panicked);
                scope.spawn(move || {
                    let mut worker = encoder.worker();
                    while let Ok(mut chunk) = free_rx.recv() {
                        let index = next_claim.fetch_add(1, Ordering::Relaxed);
                        if index >= stop_at.load(Ordering::Relaxed) {
                            break;
                        }
                        let encoded = std::panic::catch_unwind(AssertUnwindSafe(|| {
                            encoder.encode(&mut worker, chunk_range(index), &mut chunk)
                        }));
                        let result = match encoded {
                            Ok(result) => result,
                            Err(panic) => {
                                // Unblock the writer; the panic is re-raised on the
                                // calling thread once the workers are joined.
                                stop_at.store(0, Ordering::Relaxed);
                                if let Ok(mut slot) = panicked.lock() {
                                    slot.get_or_insert(panic);
                                }
                                let _ = done_tx.send((
                                    index,
                                    E::Chunk::default(),
                                    Err(ExportError::Cancelled),
                                ));
                                break;
                            }
                        };
                        if result.is_err() {
                            stop_at.fetch_min(index + 1, Ordering::Relaxed);
                        }
                        if done_tx.send((index, chunk, result)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop((free_rx, done_tx));

            let mut waiting = BTreeMap::new();
            let mut written = 0;
            let result = loop {
                if written == chunks {
                    break Ok(());
                }
                let Some((mut chunk, encoded)) = waiting.remove(&written) else {
                    match done_rx.recv() {
                        Ok((index, chunk, encoded)) => {
                            waiting.insert(index, (chunk, encoded));
                            continue;
                        }
                        // Every worker is gone: cannot happen before the chunk that
                        // stopped them has been received.
                        Err(_) => break Err(ExportError::Cancelled),
                    }
                };
                if let Err(error) = encoded.and_then(|()| self.check_cancel()) {
                    break Err(error);
                }
                if let Err(error) = write(&mut chunk, chunk_range(written)) {
                    break Err(error);
                }
                let _ = free_tx.send(chunk);
                written += 1;
            };
            // Release the workers: no more claims, and closed channels wake blocked ones.
            stop_at.store(0, Ordering::Relaxed);
            drop((done_rx, free_tx, waiting));
            result
        });
        // A worker's panic (a bug) goes on unwinding here, with its own message.
        if let Some(panic) = panicked.into_inner().ok().flatten() {
            std::panic::resume_unwind(panic);
        }
        result
    }

    fn check_cancel(&self) -> Result<(), ExportError> {
        match self.cancel {
            Some(flag) if flag.load(Ordering::Relaxed) => Err(ExportError::Cancelled),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes each row index as text; fails at `fail_at`, panics at `panic_at` (a
    /// generator bug).
    #[derive(Default)]
    struct Numbers {
        fail_at: Option<u64>,
        panic_at: Option<u64>,
    }

    impl ChunkEncoder for Numbers {
        type Chunk = Vec<u8>;
        type Worker<'w> = ();
        fn worker(&self) {}
        fn encode(
            &self,
            _: &mut (),
            rows: Range<u64>,
            chunk: &mut Vec<u8>,
        ) -> Result<(), ExportError> {
            chunk.clear();
            for row in rows {
                if Some(row) == self.panic_at {
                    panic!("generator bug");
                }
                if Some(row) == self.fail_at {
                    return Err(ExportError::Row {
                        table: "t".into(),
                        row,
                        message: "boom".into(),
                    });
                }
                chunk.extend_from_slice(format!("{row}\n").as_bytes());
            }
            Ok(())
        }
    }

    fn run(threads: usize, rows: Range<u64>, fail_at: Option<u64>) -> Result<Vec<u8>, ExportError> {
        let mut out = Vec::new();
        let pipeline = Pipeline {
            chunk_rows: 7,
            threads,
            cancel: None,
        };
        pipeline.run(
            &Numbers {
                fail_at,
                ..Numbers::default()
            },
            rows,
            |chunk, _| {
                out.extend_from_slice(chunk);
                Ok(())
            },
        )?;
        Ok(out)
    }

    #[test]
    fn output_is_in_order_for_any_thread_count() {
        let expected: String = (5..1000).map(|i| format!("{i}\n")).collect();
        for threads in [1, 2, 3, 8] {
            assert_eq!(
                run(threads, 5..1000, None).unwrap(),
                expected.as_bytes(),
                "{threads} threads"
            );
        }
        assert!(run(4, 3..3, None).unwrap().is_empty());
    }

    #[test]
    fn the_first_failing_row_is_reported() {
        for threads in [1, 2, 8] {
            match run(threads, 0..10_000, Some(500)) {
                Err(ExportError::Row { row, .. }) => assert_eq!(row, 500),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_write_error_stops_the_workers() {
        let pipeline = Pipeline {
            chunk_rows: 3,
            threads: 4,
            cancel: None,
        };
        let mut calls = 0;
        let result = pipeline.run(&Numbers::default(), 0..1_000_000, |_, _| {
            calls += 1;
            if calls == 5 {
                Err(ExportError::StdoutClosed)
            } else {
                Ok(())
            }
        });
        assert!(matches!(result, Err(ExportError::StdoutClosed)));
    }

    /// A panicking encoder (a generator bug) must propagate, not hang the writer.
    #[test]
    #[should_panic(expected = "generator bug")]
    fn a_worker_panic_propagates() {
        let pipeline = Pipeline {
            chunk_rows: 3,
            threads: 3,
            cancel: None,
        };
        let numbers = Numbers {
            panic_at: Some(50),
            ..Numbers::default()
        };
        let _ = pipeline.run(&numbers, 0..1_000, |_, _| Ok(()));
    }

    #[test]
    fn cancel_stops_the_run() {
        let flag = AtomicBool::new(true);
        let pipeline = Pipeline {
            chunk_rows: 3,
            threads: 2,
            cancel: Some(&flag),
        };
        let result = pipeline.run(&Numbers::default(), 0..100, |_, _| Ok(()));
        assert!(matches!(result, Err(ExportError::Cancelled)));
    }
}
