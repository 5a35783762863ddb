// Semey portal: draws the interactive maps with Leaflet (on pages that load it), and offers the
// services finder's "use my location". Pages work without this script: each map element holds
// a server-drawn SVG map or a list of links, which this replaces; the finder has its list of
// settlements.
(function () {
  "use strict";
  // Sequential blues, light to dark (ColorBrewer "Blues"); "nothing" is a neutral grey.
  var SHADES = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var NOTHING = "#f2f2f2";

  function classes(values) {
    var v = values.filter(function (x) { return x > 0; }).sort(function (a, b) { return a - b; });
    var breaks = [];
    for (var i = 1; i < SHADES.length; i++) {
      breaks.push(v.length ? v[Math.min(v.length - 1, Math.floor((i * v.length) / SHADES.length))] : 0);
    }
    return function (x) {
      if (!(x > 0)) return NOTHING;
      var k = 0;
      while (k < breaks.length && x > breaks[k]) k++;
      return SHADES[k];
    };
  }

  function text(tag, content) {
    var e = document.createElement(tag);
    e.textContent = content;
    return e;
  }

  function popup(p) {
    var box = document.createElement("div");
    box.appendChild(text("strong", p.name));
    if (p.funding_text) box.appendChild(text("div", p.funding_text));
    if (p.programmes_text) box.appendChild(text("div", p.programmes_text));
    var a = text("a", p.link_text);
    a.href = p.href;
    box.appendChild(document.createElement("div")).appendChild(a);
    return box;
  }

  // Leaflet's shapes are SVG paths: make each reachable with the keyboard and named.
  function focusable(layer, name) {
    var el = layer.getElement && layer.getElement();
    if (!el) return;
    el.setAttribute("tabindex", "0");
    el.setAttribute("role", "button");
    el.setAttribute("aria-label", name);
    el.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") {
        ev.preventDefault();
        layer.openPopup();
      }
    });
  }

  function legend(labels, colour, format) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      div.appendChild(text("div", labels.title));
      SHADES.forEach(function (c, i) {
        var row = document.createElement("div");
        var swatch = document.createElement("i");
        swatch.style.background = c;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(i === 0 ? labels.less : i === SHADES.length - 1 ? labels.more : ""));
        div.appendChild(row);
      });
      var none = document.createElement("div");
      var swatch = document.createElement("i");
      swatch.style.background = NOTHING;
      none.appendChild(swatch);
      none.appendChild(document.createTextNode(labels.none));
      div.appendChild(none);
      return div;
    };
    return control;
  }

  function draw(el, fc) {
    var meta = fc.semey || {};
    var map = L.map(el, { zoomSnap: 0.25, scrollWheelZoom: false, keyboard: true, attributionControl: !!el.dataset.tiles });
    map.setView([50.4, 80.2], 6);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 17 }).addTo(map);
    }
    var areas = fc.features.filter(function (f) { return f.geometry && f.geometry.type !== "Point"; });
    var points = fc.features.filter(function (f) { return f.geometry && f.geometry.type === "Point"; });
    var layers = {};
    var first = null;
    (meta.measures || []).forEach(function (m) {
      var colour = classes(areas.map(function (f) { return f.properties[m.key]; }));
      var layer = L.geoJSON({ type: "FeatureCollection", features: areas }, {
        style: function (f) {
          return { color: "#555", weight: 1, fillOpacity: 0.75, fillColor: colour(f.properties[m.key]) };
        },
        onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); }
      });
      layer.semeyLegend = legend(m, colour);
      layers[m.label] = layer;
      if (!first) first = layer;
    });
    var markers = L.geoJSON({ type: "FeatureCollection", features: points }, {
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, { radius: 5, color: "#000", weight: 1, fillColor: "#E69F00", fillOpacity: 1 });
      },
      onEachFeature: function (f, l) { l.bindPopup(popup(f.properties)); }
    });
    var current = null;
    function show(layer) {
      if (current && current.semeyLegend) current.semeyLegend.remove();
      current = layer;
      if (layer.semeyLegend) layer.semeyLegend.addTo(map);
      layer.eachLayer(function (l) { focusable(l, l.feature.properties.name); });
    }
    map.on("baselayerchange", function (e) { show(e.layer); });
    if (first) { first.addTo(map); show(first); }
    if (points.length) {
      markers.addTo(map);
      markers.eachLayer(function (l) { focusable(l, l.feature.properties.name); });
    }
    var overlays = {};
    if (points.length && meta.settlements) overlays[meta.settlements] = markers;
    if (Object.keys(layers).length > 1 || Object.keys(overlays).length) {
      L.control.layers(Object.keys(layers).length > 1 ? layers : {}, overlays, { collapsed: false }).addTo(map);
    }
    var all = L.featureGroup([first, points.length ? markers : null].filter(Boolean));
    var bounds = all.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8], maxZoom: 11 });
    el.setAttribute("data-drawn", String(areas.length + points.length));
  }

  // The radiation map: hexagons of the measured dose rate, fetched for the visible box and
  // zoom whenever the view changes; colours and words come from the server.
  function radiationLegend(meta) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var div = L.DomUtil.create("div", "map-legend");
      div.appendChild(text("div", meta.legend_title));
      (meta.legend || []).forEach(function (row) {
        var line = document.createElement("div");
        row.colours.forEach(function (c) {
          var swatch = document.createElement("i");
          swatch.style.background = c;
          line.appendChild(swatch);
        });
        line.appendChild(document.createTextNode(row.label + " (" + row.range + ")"));
        div.appendChild(line);
      });
      return div;
    };
    return control;
  }

  function radiation(el) {
    el.replaceChildren();
    el.classList.add("leaflet-map");
    var map = L.map(el, { zoomSnap: 1, scrollWheelZoom: false, keyboard: true, attributionControl: !!el.dataset.tiles });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 17 }).addTo(map);
    }
    var b = (el.dataset.bbox || "46.4,40.5,87.4,55.5").split(",").map(Number);
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    if (el.dataset.zoom) map.setZoom(Number(el.dataset.zoom));
    // District outlines, when the platform has them, for orientation (not clickable).
    if (el.dataset.outlines) {
      fetch(el.dataset.outlines, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { return r.ok ? r.json() : { features: [] }; })
        .then(function (fc) {
          var areas = fc.features.filter(function (f) { return f.geometry && f.geometry.type !== "Point"; });
          L.geoJSON({ type: "FeatureCollection", features: areas }, {
            interactive: false,
            style: function () { return { color: "#777", weight: 1, fill: false }; }
          }).addTo(map).bringToBack();
        })
        .catch(function () {});
    }
    var layer = null;
    var legendShown = false;
    var seq = 0;
    function load() {
      var bounds = map.getBounds();
      var box = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
        .map(function (v, i) { return Math.max(i % 2 ? -90 : -180, Math.min(i % 2 ? 90 : 180, v)).toFixed(4); });
      var mine = ++seq;
      fetch(el.dataset.radiation + "&bbox=" + box.join(",") + "&zoom=" + Math.round(map.getZoom()),
            { headers: { Accept: "application/geo+json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (fc) {
          if (mine !== seq) return;
          if (layer) layer.remove();
          layer = L.geoJSON(fc, {
            style: function (f) {
              return { color: "#444", weight: 0.5, fillOpacity: f.properties.stale ? 0.35 : 0.8, fillColor: f.properties.colour };
            },
            onEachFeature: function (f, l) {
              var box = document.createElement("div");
              box.appendChild(text("strong", f.properties.name));
              box.appendChild(text("div", f.properties.summary));
              l.bindPopup(box);
            }
          }).addTo(map);
          layer.eachLayer(function (l) { focusable(l, l.feature.properties.name + ". " + l.feature.properties.summary); });
          if (!legendShown && fc.semey) { radiationLegend(fc.semey).addTo(map); legendShown = true; }
          el.setAttribute("data-drawn", String(fc.features.length));
        })
        .catch(function (e) { if (window.console) console.warn("radiation map:", e); });
    }
    map.on("moveend", load);
    load();
  }

  function init(root) {
    if (!window.L) return;
    root.querySelectorAll("[data-radiation]").forEach(function (el) {
      if (el.dataset.started) return;
      el.dataset.started = "1";
      radiation(el);
    });
    root.querySelectorAll("[data-features]").forEach(function (el) {
      if (el.dataset.drawn) return;
      fetch(el.dataset.features, { headers: { Accept: "application/geo+json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (fc) {
          if (!fc.features.length) return;
          el.replaceChildren();
          el.classList.add("leaflet-map");
          draw(el, fc);
        })
        .catch(function (e) {
          // The server-drawn fallback stays; say why in the console for whoever looks.
          if (window.console) console.warn("map not drawn:", e);
        });
    });
  }

  // The finder's "use my location": shown only where the browser can tell where the phone
  // is; the position goes to the finder as lat and lon, with the chosen need and language.
  function locate() {
    var button = document.getElementById("use-location");
    if (!button || !navigator.geolocation) return;
    var status = document.getElementById("location-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = button.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          var q = new URLSearchParams();
          q.set("lat", pos.coords.latitude.toFixed(5));
          q.set("lon", pos.coords.longitude.toFixed(5));
          var need = document.getElementById("need");
          if (need && need.value) q.set("need", need.value);
          q.set("lang", document.documentElement.lang);
          window.location.assign("/services?" + q.toString());
        },
        function () { status.textContent = button.dataset.refused; },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 },
      );
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); locate(); });
  document.addEventListener("htmx:afterSettle", function (e) { init(e.target); });
})();
