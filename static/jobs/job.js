// The job page (templates/jobs/admin/job.html): asks status.json once a second and moves the
// progress bar until the job ends, then shows its result (or goes on to the page it names), its
// error, or 任务中断 with 重新运行. Plain JavaScript: the admin loads nothing from elsewhere.
// Wagtail's admin puts its scripts (the extra_js block) before the page's content: the page is
// looked for once the document has been read, else the bar would never move.
(function () {
    "use strict";
    function start() {
        var root = document.getElementById("job");
        if (!root) {
            return;
        }
        function part(name) {
            return root.querySelector('[data-job="' + name + '"]');
        }
        function show(name, visible) {
            var element = part(name);
            if (element) {
                element.hidden = !visible;
            }
        }
        function render(state) {
            root.dataset.status = state.status;
            part("label").textContent = state.label;
            part("bar").value = state.percent;
            part("bar").textContent = state.percent + "%";
            part("percent").textContent = state.percent + "%";
            part("count").textContent = state.total ? "（" + state.done + " / " + state.total + "）" : "";
            part("note").textContent = state.note || "";
            show("progress", !state.finished);
            show("done", state.status === "done");
            show("failed", state.status === "failed");
            show("interrupted", state.interrupted);
            show("rerun", state.may_rerun);
            if (state.status === "done") {
                if (state.message) {
                    part("message").textContent = state.message;
                }
                if (state.redirect) {
                    part("redirect").href = state.redirect;
                    show("redirect", true);
                }
                show("file", state.has_file);
            }
            if (state.status === "failed") {
                part("error").textContent = state.error;
            }
        }
        function poll() {
            fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
                .then(function (response) {
                    if (!response.ok) {
                        throw new Error(String(response.status));
                    }
                    return response.json();
                })
                .then(function (state) {
                    render(state);
                    if (state.status === "done" && state.redirect) {
                        window.location.assign(state.redirect);
                    } else if (!state.finished) {
                        window.setTimeout(poll, 1000);
                    }
                })
                .catch(function () {
                    part("note").textContent = "暂时无法读取进度，稍后自动重试……";
                    window.setTimeout(poll, 3000);
                });
        }
        poll();
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
})();
