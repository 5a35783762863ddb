//! Hexagonal cells (H3) that readings are binned into for maps and place statistics.

use h3o::{CellIndex, LatLng, Resolution};

/// The resolutions kept: 5 (about 250 km², the region at a glance), 7 (about 5 km², a
/// district) and 9 (about 0.1 km², a street).
pub const RESOLUTIONS: [u8; 3] = [5, 7, 9];

/// The cell of a position at a resolution, as the integer H3 gives it (it fits an `i64`).
pub fn cell_at(lat: f64, lon: f64, resolution: u8) -> Option<i64> {
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return None;
    }
    let res = Resolution::try_from(resolution).ok()?;
    let cell = LatLng::new(lat, lon).ok()?.to_cell(res);
    i64::try_from(u64::from(cell)).ok()
}

fn index(cell: i64) -> Option<CellIndex> {
    CellIndex::try_from(u64::try_from(cell).ok()?).ok()
}

/// The centre of a cell, `(lat, lon)`.
pub fn cell_center(cell: i64) -> Option<(f64, f64)> {
    let c = LatLng::from(index(cell)?);
    Some((c.lat(), c.lng()))
}

/// The cell of a coarser (or the same) resolution that holds `cell`.
pub fn cell_parent(cell: i64, resolution: u8) -> Option<i64> {
    let res = Resolution::try_from(resolution).ok()?;
    i64::try_from(u64::from(index(cell)?.parent(res)?)).ok()
}

/// The outline of a cell as `(lon, lat)` pairs, closed (the first point repeated), as GeoJSON
/// wants it.
pub fn cell_outline(cell: i64) -> Option<Vec<(f64, f64)>> {
    let b = index(cell)?.boundary();
    let mut ring: Vec<(f64, f64)> = b.iter().map(|p| (p.lng(), p.lat())).collect();
    if let Some(first) = ring.first().copied() {
        ring.push(first);
    }
    Some(ring)
}

/// The resolution a map at a web-map zoom level shows: coarse cells far out, fine ones close in.
pub fn resolution_for_zoom(zoom: u8) -> u8 {
    match zoom {
        0..=7 => RESOLUTIONS[0],
        8..=10 => RESOLUTIONS[1],
        _ => RESOLUTIONS[2],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_nest_and_round_trip() {
        // Kurchatov.
        let (lat, lon) = (50.7564, 78.5394);
        let fine = cell_at(lat, lon, 9).unwrap();
        let (clat, clon) = cell_center(fine).unwrap();
        assert!((clat - lat).abs() < 0.01 && (clon - lon).abs() < 0.01);
        let ring = cell_outline(fine).unwrap();
        assert_eq!(ring.len(), 7, "a hexagon, closed");
        assert_eq!(ring.first(), ring.last());
        assert_ne!(cell_at(lat, lon, 5), cell_at(lat, lon, 7));
        assert_eq!(cell_parent(fine, 7), cell_at(lat, lon, 7));
        assert_eq!(cell_parent(fine, 5), cell_at(lat, lon, 5));
        assert_eq!(cell_at(91.0, 0.0, 9), None);
        assert_eq!(resolution_for_zoom(6), 5);
        assert_eq!(resolution_for_zoom(9), 7);
        assert_eq!(resolution_for_zoom(14), 9);
    }
}
