/* The paper forms: a box needed only in some cases stays out of the way until it is needed.
 *
 * Progressive enhancement only. Without this script every box shows and works, and the server
 * checks every case anyway. The template marks what it needs:
 *   data-reason-for="<id of a number>" data-proposed="<the platform's number>"
 *       a reason box, shown when the number differs from the platform's (or a reason is typed);
 *   data-show-when="<name of a choice>" data-show-value="<value>"
 *       a field that belongs to one choice, shown when that choice is made.
 * A box that shows an error from the server is never hidden: the user must see what to fix.
 */
(function () {
    "use strict";

    function show(box, needed) {
        box.hidden = !(needed || box.querySelector(".errorlist"));
    }

    function typed(box) {
        var field = box.querySelector("input, textarea");
        return Boolean(field && field.value.trim());
    }

    function differs(number, proposed) {
        var value = number.value.trim();
        return value !== "" && Number(value) !== Number(proposed);
    }

    function update(form) {
        form.querySelectorAll("[data-reason-for]").forEach(function (box) {
            var number = document.getElementById(box.dataset.reasonFor);
            show(box, !number || differs(number, box.dataset.proposed) || typed(box));
        });
        form.querySelectorAll("[data-show-when]").forEach(function (box) {
            var choice = form.elements.namedItem(box.dataset.showWhen);
            show(box, !choice || choice.value === box.dataset.showValue);
        });
    }

    document.querySelectorAll("form").forEach(function (form) {
        if (!form.querySelector("[data-reason-for], [data-show-when]")) return;
        update(form);
        form.addEventListener("input", function () { update(form); });
        form.addEventListener("change", function () { update(form); });
    });
})();
