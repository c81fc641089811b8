/*
 * Inside the embedded petition (templates/campaigns/embed.html): tell the partner's page how tall the
 * petition is whenever that changes (a mistake shown, the thank-you state), so that its frame fits without
 * scrolling. The partner's page listens with petition-embed.js. Only a height is sent, and only to the
 * partner the address names (data-embed-parent); without this script the frame keeps its height and scrolls.
 */
(function () {
    "use strict";

    if (window.parent === window || !window.ResizeObserver) {
        return;
    }
    var target = document.body.getAttribute("data-embed-parent") || "*";
    var last = 0;

    function report() {
        var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
        if (height !== last) {
            last = height;
            window.parent.postMessage({ type: "campaigns:embed-height", height: height }, target);
        }
    }

    new ResizeObserver(report).observe(document.documentElement);
    report();
})();
