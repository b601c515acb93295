//! Colour themes: `themes/*.toml`, embedded in the binary and overridable on disk.
//!
//! A theme gives a [`Style`] to each [`Role`] of the screen. The bundled themes are
//! compiled in, so the binary works anywhere; files in `$SYNTHTUNE_THEMES` or
//! `~/.config/synthtune/themes/` add themes or replace a bundled one of the same name.
//! With `NO_COLOR` set, every colour is dropped and only bold/reversed/underline remain.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The themes shipped with synthtune, the default first.
const BUNDLED: [(&str, &str); 3] = [
    ("dark.toml", include_str!("../../themes/dark.toml")),
    ("light.toml", include_str!("../../themes/light.toml")),
    (
        "high-contrast.toml",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// What a style is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Text,
    Dim,
    Title,
    Border,
    BorderFocused,
    Header,
    Selected,
    Bar,
    Axis,
    Error,
    Warning,
    /// An observed rate far from the configured one.
    Mismatch,
    Status,
    StatusBusy,
    Key,
    Tab,
    TabActive,
    Popup,
    /// A field the last reload changed (its mark, its before → after).
    Changed,
    /// What the configuration expects, drawn over what was seen (the density line).
    Expected,
}

impl Role {
    pub const ALL: [Role; 20] = [
        Role::Text,
        Role::Dim,
        Role::Title,
        Role::Border,
        Role::BorderFocused,
        Role::Header,
        Role::Selected,
        Role::Bar,
        Role::Axis,
        Role::Error,
        Role::Warning,
        Role::Mismatch,
        Role::Status,
        Role::StatusBusy,
        Role::Key,
        Role::Tab,
        Role::TabActive,
        Role::Popup,
        Role::Changed,
        Role::Expected,
    ];

    /// The role's key in a theme file.
    pub fn key(self) -> &'static str {
        match self {
            Role::Text => "text",
            Role::Dim => "dim",
            Role::Title => "title",
            Role::Border => "border",
            Role::BorderFocused => "border_focused",
            Role::Header => "header",
            Role::Selected => "selected",
            Role::Bar => "bar",
            Role::Axis => "axis",
            Role::Error => "error",
            Role::Warning => "warning",
            Role::Mismatch => "mismatch",
            Role::Status => "status",
            Role::StatusBusy => "status_busy",
            Role::Key => "key",
            Role::Tab => "tab",
            Role::TabActive => "tab_active",
            Role::Popup => "popup",
            Role::Changed => "changed",
            Role::Expected => "expected",
        }
    }
}

/// A named set of styles, one per [`Role`].
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub name: String,
    styles: [Style; Role::ALL.len()],
}

/// Why a theme file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("{file}: {source}")]
    Toml {
        file: String,
        #[source]
        source: toml::de::Error,
    },
    #[error("{file}: the theme has no `name`")]
    MissingName { file: String },
    #[error("{file}: unknown role `{role}` (roles: {})", role_list())]
    UnknownRole { file: String, role: String },
    #[error("{file}: role `{role}`: {message}")]
    BadStyle {
        file: String,
        role: String,
        message: String,
    },
    #[error("unknown theme `{name}` (themes: {available})")]
    UnknownTheme { name: String, available: String },
}

fn role_list() -> String {
    Role::ALL.map(Role::key).join(", ")
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    reversed: bool,
    #[serde(default)]
    dim: bool,
}

impl StyleSpec {
    fn to_style(&self) -> Result<Style, String> {
        let color = |name: &Option<String>| -> Result<Option<Color>, String> {
            name.as_deref()
                .map(|n| Color::from_str(n).map_err(|_| format!("unknown colour `{n}`")))
                .transpose()
        };
        let mut style = Style::default();
        if let Some(fg) = color(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg)? {
            style = style.bg(bg);
        }
        let flags = [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.reversed, Modifier::REVERSED),
            (self.dim, Modifier::DIM),
        ];
        for (on, modifier) in flags {
            if on {
                style = style.add_modifier(modifier);
            }
        }
        Ok(style)
    }
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles[role as usize]
    }

    /// Parses a theme file's text; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Theme, ThemeError> {
        let table: toml::Table = toml::from_str(text).map_err(|source| ThemeError::Toml {
            file: file.to_owned(),
            source,
        })?;
        let mut name = None;
        let mut styles = [Style::default(); Role::ALL.len()];
        for (key, value) in table {
            if key == "name" {
                name = value.as_str().map(str::to_owned);
                continue;
            }
            let Some(role) = Role::ALL.into_iter().find(|r| r.key() == key) else {
                return Err(ThemeError::UnknownRole {
                    file: file.to_owned(),
                    role: key,
                });
            };
            let bad = |message: String| ThemeError::BadStyle {
                file: file.to_owned(),
                role: key.clone(),
                message,
            };
            let spec: StyleSpec = value
                .try_into()
                .map_err(|e: toml::de::Error| bad(e.message().to_owned()))?;
            styles[role as usize] = spec.to_style().map_err(bad)?;
        }
        let name = name.ok_or_else(|| ThemeError::MissingName {
            file: file.to_owned(),
        })?;
        Ok(Theme { name, styles })
    }

    /// The same theme with every colour removed, for `NO_COLOR`: modifiers stay, and the
    /// selection is shown reversed so that it remains visible.
    pub fn without_colors(&self) -> Theme {
        let mut styles = self
            .styles
            .map(|s| Style::default().add_modifier(s.add_modifier));
        for role in [
            Role::Selected,
            Role::TabActive,
            Role::Status,
            Role::StatusBusy,
            Role::Error,
        ] {
            styles[role as usize] = styles[role as usize].add_modifier(Modifier::REVERSED);
        }
        Theme {
            name: self.name.clone(),
            styles,
        }
    }
}

/// Whether `NO_COLOR` asks for no colours (set and not empty, per no-color.org).
pub fn no_color_requested() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Where theme files are looked for, besides the bundled ones.
pub fn theme_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("SYNTHTUNE_THEMES") {
        dirs.push(PathBuf::from(dir));
    }
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")));
    if let Some(config) = config {
        dirs.push(config.join("synthtune/themes"));
    }
    dirs
}

/// The bundled themes plus those found in `dirs` (a theme named like an earlier one
/// replaces it), and the problems met on the way (a broken file is skipped, not fatal).
pub fn load_themes(dirs: &[PathBuf]) -> (Vec<Theme>, Vec<String>) {
    let mut themes: Vec<Theme> = Vec::new();
    let mut problems = Vec::new();
    let mut sources: Vec<(String, Result<String, std::io::Error>)> = BUNDLED
        .iter()
        .map(|(file, text)| ((*file).to_owned(), Ok((*text).to_owned())))
        .collect();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        sources.extend(
            files
                .into_iter()
                .map(|path| (path.display().to_string(), std::fs::read_to_string(&path))),
        );
    }
    for (file, text) in sources {
        let parsed = text
            .map_err(|e| format!("{file}: {e}"))
            .and_then(|t| Theme::parse(&t, &file).map_err(|e| e.to_string()));
        match parsed {
            Ok(theme) => match themes.iter_mut().find(|t| t.name == theme.name) {
                Some(existing) => *existing = theme,
                None => themes.push(theme),
            },
            Err(problem) => problems.push(problem),
        }
    }
    (themes, problems)
}

/// The index of the theme called `name`, or an error listing the available ones.
pub fn find_theme(themes: &[Theme], name: &str) -> Result<usize, ThemeError> {
    themes
        .iter()
        .position(|t| t.name == name)
        .ok_or_else(|| ThemeError::UnknownTheme {
            name: name.to_owned(),
            available: themes
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_themes_parse_and_dark_comes_first() {
        let (themes, problems) = load_themes(&[]);
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["dark", "light", "high-contrast"]);
        assert_eq!(themes[0].style(Role::Selected).bg, Some(Color::Cyan));
        assert_eq!(find_theme(&themes, "light").unwrap(), 1);
        let err = find_theme(&themes, "solarized").unwrap_err().to_string();
        assert!(err.contains("dark, light, high-contrast"), "{err}");
    }

    #[test]
    fn files_on_disk_add_and_replace_themes_and_bad_ones_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.toml"),
            "name = \"dark\"\ntext = { fg = \"#102030\" }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("b.toml"),
            "name = \"mine\"\nbar = { fg = \"12\", bold = true }\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("c.toml"),
            "name = \"broken\"\nbar = { fg = \"mauve\" }\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("d.toml"), "name = \"typo\"\nbars = {}\n").unwrap();
        let (themes, problems) = load_themes(&[dir.path().to_owned()]);
        let names: Vec<&str> = themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["dark", "light", "high-contrast", "mine"]);
        assert_eq!(
            themes[0].style(Role::Text).fg,
            Some(Color::Rgb(0x10, 0x20, 0x30))
        );
        assert_eq!(
            themes[3].style(Role::Bar),
            Style::new().fg(Color::Indexed(12)).bold()
        );
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0].contains("unknown colour `mauve`"),
            "{problems:?}"
        );
        assert!(problems[1].contains("unknown role `bars`"), "{problems:?}");
    }

    #[test]
    fn no_color_keeps_modifiers_only() {
        let (themes, _) = load_themes(&[]);
        let plain = themes[0].without_colors();
        for role in Role::ALL {
            let s = plain.style(role);
            assert_eq!((s.fg, s.bg), (None, None), "{role:?}");
        }
        assert!(
            plain
                .style(Role::Selected)
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert!(
            plain
                .style(Role::Title)
                .add_modifier
                .contains(Modifier::BOLD)
        );
    }
}
