/* The public intake forms' small helpers (without script every form still works):
   - the CAPTCHA's 换一张 asks django-simple-captcha for a new picture and key;
   - a textarea with data-counter="2000" shows how many 字 are left;
   - a button with data-print prints the page. */
(function () {
    "use strict";
    document.querySelectorAll("[data-captcha-refresh]").forEach(function (button) {
        var row = button.closest(".captcha-row");
        button.hidden = false;
        button.addEventListener("click", function () {
            fetch(button.getAttribute("data-captcha-refresh"), {
                headers: { "X-Requested-With": "XMLHttpRequest" },
                credentials: "same-origin",
                cache: "no-store",
            })
                .then(function (response) { return response.json(); })
                .then(function (data) {
                    row.querySelector("img").src = data.image_url;
                    row.querySelector("input[type=hidden]").value = data.key;
                    var answer = row.querySelector("input[type=text]");
                    answer.value = "";
                    answer.focus();
                });
        });
    });
    document.querySelectorAll("textarea[data-counter]").forEach(function (box) {
        var limit = parseInt(box.getAttribute("data-counter"), 10);
        var counter = document.querySelector('[data-counter-for="' + box.id + '"]');
        if (!counter || !limit) { return; }
        counter.hidden = false;
        function update() {
            var used = box.value.replace(/\r\n/g, "\n").length;
            counter.textContent = "已写 " + used + " 字，还可写 " + Math.max(limit - used, 0) + " 字";
            counter.classList.toggle("over", used > limit);
        }
        box.addEventListener("input", update);
        update();
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
        button.hidden = false;
        button.addEventListener("click", function () { window.print(); });
    });
})();
