// The Copy buttons beside the embed code (templates/campaigns/admin/embed_snippet.html). A file of its own,
// not an inline script: the admin's Content-Security-Policy runs only scripts served by the site.
// Without JavaScript the buttons stay hidden and the code is selected and copied by hand.
(function () {
    "use strict";

    function copy(button) {
        var code = document.getElementById(button.getAttribute("data-copy-target"));
        if (!code) {
            return;
        }
        var done = function () {
            button.textContent = button.getAttribute("data-copied-label");
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(code.value).then(done, function () {
                code.select();
            });
        } else {
            // Plain http (a development server reached by its address): no clipboard API, select it instead.
            code.select();
            if (document.execCommand && document.execCommand("copy")) {
                done();
            }
        }
    }

    function setUp() {
        document.querySelectorAll("[data-copy-target]").forEach(function (button) {
            button.hidden = false;
            button.addEventListener("click", function () {
                copy(button);
            });
        });
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", setUp);
    } else {
        setUp();
    }
})();
