//! Everything the tuner shows, as plain data. [`super::update`] changes it in answer to
//! events; [`super::view`] draws it and never changes it.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::layout::Rect;

use super::export::{ExportChoices, ExportDialog};
use super::theme::Theme;
use crate::stats::{FieldSummary, Summary};

/// Sample sizes `+` and `-` step through.
pub const SAMPLE_SIZES: [u64; 13] = [
    100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000,
    1_000_000,
];

/// One regeneration's result, as the worker hands it over: immutable, shared.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub summary: Summary,
    /// The first records of the sample, as compact JSON.
    pub samples: Vec<String>,
}

/// The whole tuner.
#[derive(Debug)]
pub struct App {
    pub tables: Vec<TableView>,
    /// The table shown (tab).
    pub current: usize,
    pub seed: u64,
    pub sample_rows: u64,
    pub focus: Pane,
    /// The pane shown under the field table when the screen is too narrow for both.
    pub lower: Pane,
    /// Enter: the detail pane fills the screen.
    pub zoom: bool,
    pub overlay: Option<Overlay>,
    pub filter: Filter,
    pub sort: SortKey,
    pub log_scale: LogScale,
    pub themes: Vec<Theme>,
    pub theme: usize,
    /// Problems met while loading theme files (shown with the warnings).
    pub theme_problems: Vec<String>,
    /// Where things were drawn last time, for mouse clicks and page sizes.
    pub layout: ScreenLayout,
    /// The last generation number handed out; every request gets a larger one.
    pub generation: u64,
    /// What the export dialog held when it last closed (it reopens with it).
    pub last_export: Option<ExportChoices>,
    pub quit: bool,
}

/// One schema file and what is known of it.
#[derive(Debug)]
pub struct TableView {
    pub path: PathBuf,
    /// The last good result, kept on screen while the file is broken.
    pub shown: Option<Arc<Snapshot>>,
    /// The good result shown before `shown`: what the last reload is compared with.
    pub previous: Option<Arc<Snapshot>>,
    /// What the last good reload changed, by field path.
    pub changes: Changes,
    /// The generation of the last result applied (good or bad).
    pub applied: u64,
    /// The generation of the newest request.
    pub requested: u64,
    /// The error of the last attempt, if it failed.
    pub error: Option<String>,
    pub last_reload: Option<Reload>,
    /// The path of the selected field (kept across reloads).
    pub selected: Option<String>,
    /// The first field row shown.
    pub scroll: usize,
    pub detail_scroll: usize,
    pub samples_scroll: usize,
}

/// How the fields of a reload's results differ from the results before it. A field
/// whose generator did not change draws the same values (every value is a pure function
/// of seed, table, row and path), so equal statistics mean an untouched field, and a
/// field tied to an edited one (a reference, a rule) shows up as changed by itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Paths whose statistics differ from before.
    pub changed: HashSet<String>,
    /// Paths the results before did not have.
    pub added: HashSet<String>,
    /// How many fields of the results before are gone.
    pub removed: usize,
}

/// What the last reload did to one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Unchanged,
    Changed,
    Added,
}

impl Changes {
    /// Compares every field of `after` with the same path in `before`.
    pub fn between(before: &Summary, after: &Summary) -> Changes {
        let old: HashMap<&str, &FieldSummary> =
            before.fields.iter().map(|f| (f.path.as_str(), f)).collect();
        let mut changes = Changes::default();
        let mut kept = 0;
        for field in &after.fields {
            match old.get(field.path.as_str()) {
                None => {
                    changes.added.insert(field.path.clone());
                }
                Some(previous) => {
                    kept += 1;
                    if !previous.same_statistics(field) {
                        changes.changed.insert(field.path.clone());
                    }
                }
            }
        }
        changes.removed = old.len() - kept;
        changes
    }

    pub fn of(&self, path: &str) -> Change {
        if self.added.contains(path) {
            Change::Added
        } else if self.changed.contains(path) {
            Change::Changed
        } else {
            Change::Unchanged
        }
    }
}

/// When the last result arrived and how long producing it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reload {
    pub at: Instant,
    pub took: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Fields,
    Detail,
    Samples,
}

#[derive(Debug)]
pub enum Overlay {
    Help,
    Warnings,
    Export(ExportDialog),
    /// Enter on the samples pane: one record, whole.
    Record(RecordView),
}

/// One sample record pretty-printed, scrollable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordView {
    /// Which sample (0-based) of how many.
    pub index: usize,
    pub of: usize,
    pub lines: Vec<String>,
    /// The first line shown.
    pub scroll: usize,
}

impl RecordView {
    /// Sample `index` of `samples` (compact JSON), pretty-printed with its keys in
    /// their order; a sample that is not JSON shows as it is.
    pub fn new(samples: &[String], index: usize) -> Option<RecordView> {
        let sample = samples.get(index)?;
        let text = serde_json::from_str::<serde_json::Value>(sample)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| sample.clone());
        Some(RecordView {
            index,
            of: samples.len(),
            lines: text.lines().map(str::to_owned).collect(),
            scroll: 0,
        })
    }
}

/// The `/` filter on field paths.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub text: String,
    /// Keys go into the filter text.
    pub editing: bool,
}

/// The order of the field table (`s` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Schema,
    Path,
    NullRate,
    Distinct,
    /// Slowest first.
    Cost,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Schema => SortKey::Path,
            SortKey::Path => SortKey::NullRate,
            SortKey::NullRate => SortKey::Distinct,
            SortKey::Distinct => SortKey::Cost,
            SortKey::Cost => SortKey::Schema,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Schema => "schema order",
            SortKey::Path => "path",
            SortKey::NullRate => "null %",
            SortKey::Distinct => "distinct",
            SortKey::Cost => "slowest",
        }
    }
}

/// How histograms are scaled (`l` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogScale {
    /// log10 bins for skewed positive values, linear bins otherwise.
    Auto,
    /// log10 bins wherever the values allow (positive, a decade or more).
    Log,
    Linear,
}

impl LogScale {
    pub fn next(self) -> LogScale {
        match self {
            LogScale::Auto => LogScale::Log,
            LogScale::Log => LogScale::Linear,
            LogScale::Linear => LogScale::Auto,
        }
    }

    /// Whether a histogram of `d` is drawn on log10 bins.
    pub fn applies_to(self, d: &crate::stats::Distribution) -> bool {
        d.log_histogram.is_some()
            && match self {
                LogScale::Auto => d.skewed(),
                LogScale::Log => true,
                LogScale::Linear => false,
            }
    }
}

/// Screen areas of the last frame, for mouse hit-testing and paging.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScreenLayout {
    pub tabs: Vec<(Rect, usize)>,
    /// The field rows (without the header).
    pub field_rows: Rect,
    /// The first field row drawn.
    pub fields_offset: usize,
    pub detail: Rect,
    /// How far the detail pane can scroll.
    pub detail_max_scroll: usize,
    pub samples: Rect,
    /// Rows of the record view's text, when it is open.
    pub record_rows: u16,
}

impl App {
    pub fn new(
        schemas: Vec<PathBuf>,
        seed: u64,
        sample_rows: u64,
        themes: Vec<Theme>,
        theme: usize,
    ) -> App {
        App {
            tables: schemas.into_iter().map(TableView::new).collect(),
            current: 0,
            seed,
            sample_rows,
            focus: Pane::Fields,
            lower: Pane::Detail,
            zoom: false,
            overlay: None,
            filter: Filter::default(),
            sort: SortKey::Schema,
            log_scale: LogScale::Auto,
            themes,
            theme,
            theme_problems: Vec::new(),
            layout: ScreenLayout::default(),
            generation: 0,
            last_export: None,
            quit: false,
        }
    }

    pub fn table(&self) -> &TableView {
        &self.tables[self.current]
    }

    pub fn table_mut(&mut self) -> &mut TableView {
        &mut self.tables[self.current]
    }

    pub fn theme(&self) -> &Theme {
        &self.themes[self.theme]
    }

    /// The fields of the current table in table order: filtered, sorted, and without
    /// plain objects (which have nothing to show).
    pub fn visible_fields(&self) -> Vec<&FieldSummary> {
        let Some(snapshot) = &self.table().shown else {
            return Vec::new();
        };
        let needle = self.filter.text.to_lowercase();
        let mut fields: Vec<&FieldSummary> = snapshot
            .summary
            .fields
            .iter()
            .filter(|f| !f.is_plain_object())
            .filter(|f| needle.is_empty() || f.path.to_lowercase().contains(&needle))
            .collect();
        match self.sort {
            SortKey::Schema => {}
            SortKey::Path => fields.sort_by(|a, b| a.path.cmp(&b.path)),
            SortKey::NullRate => fields.sort_by(|a, b| {
                let rate = |f: &FieldSummary| f.null_rate.observed.unwrap_or(0.0);
                rate(b).total_cmp(&rate(a))
            }),
            SortKey::Distinct => fields.sort_by_key(|f| std::cmp::Reverse(f.distinct.unwrap_or(0))),
            SortKey::Cost => fields.sort_by(|a, b| {
                let ns = |f: &FieldSummary| f.cost.map_or(0.0, |c| c.ns_per_value);
                ns(b).total_cmp(&ns(a))
            }),
        }
        fields
    }

    /// The index of the selected field among the visible ones (the first when the
    /// selected path is gone).
    pub fn selected_index(&self, visible: &[&FieldSummary]) -> usize {
        let selected = self.table().selected.as_deref();
        visible
            .iter()
            .position(|f| Some(f.path.as_str()) == selected)
            .unwrap_or(0)
    }

    /// What the current table's schema guessed from field names: shown beside the
    /// warnings, never counted as one.
    pub fn inferred(&self) -> Vec<&str> {
        (self.table().shown.iter())
            .flat_map(|s| s.summary.inferred.iter())
            .map(String::as_str)
            .collect()
    }

    /// Warnings of the current table: the schema's diagnostics, then theme problems.
    pub fn warnings(&self) -> Vec<&str> {
        let schema = self
            .table()
            .shown
            .iter()
            .flat_map(|s| s.summary.warnings.iter());
        schema
            .chain(&self.theme_problems)
            .map(String::as_str)
            .collect()
    }
}

impl TableView {
    pub fn new(path: PathBuf) -> TableView {
        TableView {
            path,
            shown: None,
            previous: None,
            changes: Changes::default(),
            applied: 0,
            requested: 0,
            error: None,
            last_reload: None,
            selected: None,
            scroll: 0,
            detail_scroll: 0,
            samples_scroll: 0,
        }
    }

    /// The schema's file name, for tabs and the status line.
    pub fn file_name(&self) -> String {
        self.path.file_name().map_or_else(
            || self.path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        )
    }

    /// The tab label: the table's name once known, else the file name.
    pub fn label(&self) -> String {
        self.shown
            .as_ref()
            .map_or_else(|| self.file_name(), |s| s.summary.table.clone())
    }

    /// A regeneration was requested and its result has not arrived yet.
    pub fn busy(&self) -> bool {
        self.requested > self.applied
    }
}
