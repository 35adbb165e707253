// The phone booking page: slots of the chosen service and day, the phone number, the code
// sent by SMS, then the booking's own page. Plain functions and fetch: old phones run it.
(function () {
  "use strict";
  var byId = function (id) { return document.getElementById(id); };

  function call(root, language, method, path, body) {
    var options = { method: method, headers: { "Accept": "application/json",
                                               "Accept-Language": language } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(root + path, options).then(function (response) {
      return response.json().then(function (answer) {
        return { status: response.status, body: answer };
      }, function () { return { status: response.status, body: null }; });
    });
  }

  function showError(answer) {
    var box = byId("booking-error");
    if (!answer) { box.hidden = true; return; }
    box.textContent = (answer.body && answer.body.error && answer.body.error.message) ||
      box.dataset.fallback || "Có lỗi, xin thử lại.";
    box.hidden = false;
  }

  function timeOf(iso) { return iso.slice(11, 16); }

  function bookingPage(main) {
    var root = main.dataset.api, language = main.dataset.language;
    var office = main.dataset.office, chosen = null, holdId = null;
    function loadSlots() {
      chosen = null;
      var path = "/offices/" + office + "/slots?service=" + encodeURIComponent(byId("service").value) +
        "&date=" + encodeURIComponent(byId("day").value);
      call(root, language, "GET", path).then(function (answer) {
        var box = byId("slots");
        box.textContent = "";
        var slots = answer.status === 200 ? answer.body.filter(function (slot) { return slot.free > 0; }) : [];
        byId("no-slots").hidden = slots.length > 0;
        slots.forEach(function (slot) {
          var button = document.createElement("button");
          button.type = "button";
          button.className = "booking-slot";
          button.setAttribute("role", "radio");
          button.setAttribute("aria-checked", "false");
          button.dataset.start = slot.start;
          button.textContent = timeOf(slot.start) + "–" + timeOf(slot.end);
          button.addEventListener("click", function () {
            chosen = slot.start;
            Array.prototype.forEach.call(box.children, function (other) {
              other.setAttribute("aria-checked", String(other === button));
            });
          });
          box.appendChild(button);
        });
      });
    }
    byId("service").addEventListener("change", loadSlots);
    if (byId("procedure")) {
      byId("procedure").addEventListener("change", function () {
        var select = byId("procedure"), picked = select.options[select.selectedIndex];
        if (picked && picked.dataset.service) {
          byId("service").value = picked.dataset.service;
          loadSlots();
        }
      });
    }
    byId("day").addEventListener("change", loadSlots);
    byId("booking-form").addEventListener("submit", function (event) {
      event.preventDefault();
      if (!chosen) { byId("slots").focus(); return; }
      var body = { service: byId("service").value, start: chosen, phone: byId("phone").value };
      // Optional: only its keyed hash is kept, to check in with the card at the kiosk.
      var citizenId = byId("citizen-id").value.replace(/\s/g, "");
      if (citizenId) body.citizen_id = citizenId;
      call(root, language, "POST", "/offices/" + office + "/bookings", body).then(function (answer) {
        if (answer.status !== 202) { showError(answer); return; }
        showError(null);
        holdId = answer.body.booking;
        byId("booking-form").hidden = true;
        byId("otp-form").hidden = false;
        byId("otp").focus();
      });
    });
    byId("otp-form").addEventListener("submit", function (event) {
      event.preventDefault();
      call(root, language, "POST", "/bookings/" + holdId + "/confirm", {
        otp: byId("otp").value.replace(/\s/g, ""),
      }).then(function (answer) {
        if (answer.status === 201) { window.location.href = answer.body.manage_url; return; }
        showError(answer);
        if (answer.status === 409) {  // the code expired: choose again
          byId("otp-form").hidden = true;
          byId("booking-form").hidden = false;
          loadSlots();
        }
      });
    });
    loadSlots();
  }

  function detailPage(main) {
    var cancel = byId("cancel");
    if (!cancel) return;
    cancel.addEventListener("click", function () {
      call(main.dataset.api, main.dataset.language, "DELETE", "/bookings/" + main.dataset.code)
        .then(function (answer) {
          if (answer.status !== 200) { showError(answer); return; }
          window.location.reload();
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (byId("booking")) bookingPage(byId("booking"));
    if (byId("booking-detail")) detailPage(byId("booking-detail"));
  });
})();
