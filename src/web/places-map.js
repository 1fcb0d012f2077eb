// The map of /places, drawn with Leaflet (served by this node, /static/leaflet/): one marker per
// place of the list, read from the list items' data-latitude and data-longitude (no second
// request). Without JavaScript the map stays hidden and the list is the page.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) {
    return;
  }
  el.hidden = false;
  var map = window.L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    window.L.tileLayer(el.dataset.tiles, {
      maxZoom: Number(el.dataset.maxZoom) || 19,
      attribution: el.dataset.attribution || ""
    }).addTo(map);
  }
  var points = [];
  document.querySelectorAll("ol.place-list > li").forEach(function (item) {
    var lat = parseFloat(item.dataset.latitude);
    var lon = parseFloat(item.dataset.longitude);
    var link = item.querySelector("h3 a");
    if (isNaN(lat) || isNaN(lon) || !link) {
      return;
    }
    var name = link.textContent;
    var marker = window.L.marker([lat, lon], { title: name, alt: name }).addTo(map);
    var popup = document.createElement("a");
    popup.href = link.getAttribute("href");
    popup.textContent = name;
    marker.bindPopup(popup);
    points.push([lat, lon]);
  });
  if (points.length) {
    // A marker stands above its point: room at the top so no pin is cut by the edge.
    map.fitBounds(points, { paddingTopLeft: [24, 48], paddingBottomRight: [24, 16], maxZoom: 14 });
  } else {
    map.setView([46.6, 2.4], 5);
  }
})();
