//! Places: the territorial hierarchy country → region → district → settlement.

use crate::error::{Checker, FieldError, Invalid};
use crate::ids::PlaceId;
use crate::lang::LocalText;
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

/// A code of Kazakhstan's classifier of administrative-territorial objects (KATO): nine digits,
/// `AB CD EF HHH` (region, district, rural district, settlement).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "101000000")]
pub struct KatoCode(String);

impl KatoCode {
    pub fn parse(s: &str) -> Result<Self, Invalid> {
        let t = s.trim();
        if t.len() == 9 && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(t.to_owned()))
        } else {
            Err(Invalid::one(
                "kato",
                "invalid_kato",
                format!("{s:?} is not a KATO code: expected exactly 9 digits"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KatoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for KatoCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        KatoCode::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<KatoCode> for String {
    fn from(k: KatoCode) -> String {
        k.0
    }
}

/// Level of a place in the hierarchy.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PlaceLevel {
    Country,
    Region,
    District,
    Settlement,
}

impl PlaceLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            PlaceLevel::Country => "country",
            PlaceLevel::Region => "region",
            PlaceLevel::District => "district",
            PlaceLevel::Settlement => "settlement",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Invalid> {
        match s {
            "country" => Ok(PlaceLevel::Country),
            "region" => Ok(PlaceLevel::Region),
            "district" => Ok(PlaceLevel::District),
            "settlement" => Ok(PlaceLevel::Settlement),
            _ => Err(Invalid::one(
                "level",
                "invalid_level",
                format!("{s:?} is not country, region, district or settlement"),
            )),
        }
    }

    /// The level a parent of this level must have.
    pub fn parent_level(self) -> Option<PlaceLevel> {
        match self {
            PlaceLevel::Country => None,
            PlaceLevel::Region => Some(PlaceLevel::Country),
            PlaceLevel::District => Some(PlaceLevel::Region),
            PlaceLevel::Settlement => Some(PlaceLevel::District),
        }
    }
}

/// A WGS 84 position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Point {
    pub lon: f64,
    pub lat: f64,
}

impl Point {
    pub fn parse(lon: f64, lat: f64) -> Result<Self, Invalid> {
        if !(-180.0..=180.0).contains(&lon)
            || !(-90.0..=90.0).contains(&lat)
            || !lon.is_finite()
            || !lat.is_finite()
        {
            return Err(Invalid::one(
                "point",
                "coordinates_out_of_range",
                format!("({lon}, {lat}) is not a longitude/latitude pair"),
            ));
        }
        Ok(Self { lon, lat })
    }

    /// Great-circle distance to `other` in km (haversine, mean Earth radius 6371.0088 km).
    pub fn distance_km(self, other: Point) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        6371.0088 * 2.0 * a.sqrt().asin()
    }
}

/// A population count with the year it refers to and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Population {
    pub count: i64,
    pub year: i32,
    pub source: String,
}

/// A place as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Place {
    pub id: PlaceId,
    pub level: PlaceLevel,
    pub parent_id: Option<PlaceId>,
    pub kato: Option<KatoCode>,
    pub name: LocalText,
    pub point: Option<Point>,
    /// Whether a polygon outline is stored (served as GeoJSON by `/places/{id}/geometry`).
    pub has_geometry: bool,
    pub population: Option<Population>,
    /// Where the record came from (e.g. `geokz 2024`, `GeoNames`, `demo`).
    pub source: String,
}

/// Input for creating or updating a place.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlaceInput {
    pub level: PlaceLevel,
    pub parent_id: Option<PlaceId>,
    pub kato: Option<String>,
    pub name: LocalText,
    pub point: Option<Point>,
    pub population: Option<Population>,
    #[serde(default)]
    pub source: String,
}

/// A checked place input.
#[derive(Debug, Clone)]
pub struct NewPlace {
    pub level: PlaceLevel,
    pub parent_id: Option<PlaceId>,
    pub kato: Option<KatoCode>,
    pub name: LocalText,
    pub point: Option<Point>,
    pub population: Option<Population>,
    pub source: String,
}

impl PlaceInput {
    pub fn check(self) -> Result<NewPlace, Invalid> {
        let mut c = Checker::new();
        let kato = match self
            .kato
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(k) => c.take("", KatoCode::parse(k)),
            None => None,
        };
        let name = self.name.normalized();
        if name.is_empty() {
            c.push(FieldError::new(
                "name",
                "required",
                "a place needs a name in at least one language",
            ));
        }
        if self.level != PlaceLevel::Country && self.parent_id.is_none() {
            c.push(FieldError::new(
                "parent_id",
                "required",
                "only a country has no parent",
            ));
        }
        if let Some(p) = &self.point {
            c.take("", Point::parse(p.lon, p.lat));
        }
        if let Some(p) = &self.population {
            if p.count < 0 {
                c.push(FieldError::new(
                    "population.count",
                    "negative",
                    "population cannot be negative",
                ));
            }
            if !(1800..=2200).contains(&p.year) {
                c.push(FieldError::new(
                    "population.year",
                    "out_of_range",
                    format!("{} is not a plausible year", p.year),
                ));
            }
        }
        let source = if self.source.trim().is_empty() {
            "manual".to_owned()
        } else {
            self.source.trim().to_owned()
        };
        c.finish(|| NewPlace {
            level: self.level,
            parent_id: self.parent_id,
            kato,
            name,
            point: self.point,
            population: self.population,
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kato_codes_have_nine_digits() {
        assert!(KatoCode::parse("101000000").is_ok());
        for bad in ["10100000", "1010000000", "10100000A", ""] {
            assert_eq!(
                KatoCode::parse(bad).unwrap_err().errors[0].code,
                "invalid_kato",
                "{bad}"
            );
        }
    }
}
