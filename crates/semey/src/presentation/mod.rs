//! How figures and text reach people, the same on pages, in exports, on the command line and
//! in reports: number, date and money formats per language (`format`), the one escaper
//! (`escape`), charts (`chart`) and SVG maps (`map`) drawn by our own code, tables for download (`table`:
//! CSV, XLSX, JSON, GeoJSON), and the interface's
//! messages in four languages (`i18n`).

pub mod chart;
pub mod escape;
pub mod format;
pub mod i18n;
pub mod map;
pub mod table;
